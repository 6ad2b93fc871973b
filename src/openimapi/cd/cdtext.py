"""CD-TEXT (MMC-6 Annex J; Red Book / IEC 61866): packs of 18 bytes carried in the R-W
subchannel of the lead-in and returned by READ TOC/PMA/ATIP format 5.

A pack is: pack type (80h..8Fh), track number, sequence number, block/character-position
byte (bit 7 double-byte characters, bits 6-4 block number, bits 3-0 characters of the
current string that precede this pack, at most 15), 12 payload bytes, and a CRC-16
(polynomial x^16 + x^12 + x^5 + 1, zero start, stored inverted, most significant byte
first) over the first 16 bytes.

Text pack types carry, for the album (track 0) and then each track, one NUL-terminated
string (two NULs for double-byte text), cut into 12-byte payloads. A string made of a
single TAB means "same as the previous track"; it is kept verbatim here. Pack type 8Fh
(size information, three packs per block) is derived from the rest when encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CdText",
    "CdTextBlock",
    "PACK_TYPES",
    "cdtext_crc",
    "decode_packs",
    "encode_packs",
    "pack_crc_ok",
]

PACK_SIZE = 18

#: pack type -> field name (MMC-6 table J.2)
PACK_TYPES: dict[int, str] = {
    0x80: "title",
    0x81: "performer",
    0x82: "songwriter",
    0x83: "composer",
    0x84: "arranger",
    0x85: "message",
    0x86: "disc_id",
    0x87: "genre",
    0x88: "toc",
    0x89: "toc2",
    0x8D: "closed",
    0x8E: "upc_isrc",
    0x8F: "size_info",
}
# Types holding one string per track (album first); the others hold one item for the disc.
PER_TRACK = frozenset({0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x8E})


def cdtext_crc(data: bytes) -> int:
    """CRC-16 of CD-TEXT packs (CCITT polynomial 1021h, zero start), not yet inverted."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def pack_crc_ok(pack: bytes) -> bool:
    """True when an 18-byte pack carries the right (inverted) CRC."""
    if len(pack) != PACK_SIZE:
        return False
    return (cdtext_crc(pack[:16]) ^ 0xFFFF) == int.from_bytes(pack[16:18], "big")


@dataclass
class CdTextBlock:
    """One language block (0..7).

    ``items`` maps a pack type to its strings: for per-track types a list of byte strings,
    album first then tracks ``first_track..last_track``; for disc-wide types a list with
    one byte string (for genre: the 2-byte genre code followed by the text).
    """

    block: int = 0
    character_code: int = 0x00  # 00h ISO 8859-1, 01h ASCII, 80h MS-JIS
    first_track: int = 1
    last_track: int = 1
    copyright: int = 0
    language: int = 0x09  # 09h English (EBU Tech 3258)
    double_byte: bool = False
    items: dict[int, list[bytes]] = field(default_factory=dict)

    def text(self, pack_type: int, track: int = 0) -> str:
        """A decoded string: track 0 is the album. Latin-1 / ASCII / Shift-JIS by block."""
        values = self.items.get(pack_type, [])
        index = 0 if track == 0 else track - self.first_track + 1
        if not 0 <= index < len(values):
            return ""
        codec = "shift_jis" if self.character_code == 0x80 else "latin-1"
        return values[index].decode(codec, errors="replace")


@dataclass
class CdText:
    """All blocks of a disc's CD-TEXT."""

    blocks: list[CdTextBlock] = field(default_factory=list)


def _split_strings(payload: bytes, double: bool) -> list[bytes]:
    out: list[bytes] = []
    step = 2 if double else 1
    term = b"\0\0" if double else b"\0"
    pos = 0
    while pos < len(payload):
        end = pos
        while end + step <= len(payload) and payload[end : end + step] != term:
            end += step
        out.append(payload[pos:end])
        pos = end + step
    return out


def decode_packs(data: bytes) -> CdText:
    """Decode the pack data of READ TOC format 5 (without its 4-byte header).

    Forgiving on read: packs with a bad CRC are skipped, as players do.

    Raises:
        ValueError: the data is not a whole number of packs.
    """
    if len(data) % PACK_SIZE:
        raise ValueError(f"CD-TEXT data is a whole number of 18-byte packs, got {len(data)} bytes")
    packs = [data[i : i + PACK_SIZE] for i in range(0, len(data), PACK_SIZE)]
    by_block: dict[int, dict[int, list[bytes]]] = {}
    first_track_of: dict[tuple[int, int], int] = {}
    double_of: dict[int, bool] = {}
    for p in packs:
        if not pack_crc_ok(p) or not 0x80 <= p[0] <= 0x8F:
            continue
        block = (p[3] >> 4) & 7
        double_of[block] = bool(p[3] & 0x80)
        by_block.setdefault(block, {}).setdefault(p[0], []).append(p)
        first_track_of.setdefault((block, p[0]), p[1])
    result = CdText()
    for block in sorted(by_block):
        types = by_block[block]
        b = CdTextBlock(block=block, double_byte=double_of[block])
        size = b"".join(p[4:16] for p in sorted(types.get(0x8F, []), key=lambda p: p[1]))
        if len(size) >= 36:
            b.character_code, b.first_track, b.last_track, b.copyright = size[0], size[1], size[2], size[3]
            b.language = size[28 + block]
        for ptype, plist in types.items():
            if ptype == 0x8F:
                continue
            payload = b"".join(p[4:16] for p in sorted(plist, key=lambda p: p[2]))
            if ptype == 0x87:
                code = payload[:2]
                b.items[ptype] = [code + _split_strings(payload[2:], b.double_byte)[0]]
                continue
            strings = _split_strings(payload, b.double_byte)
            if ptype in PER_TRACK:
                expected = b.last_track - b.first_track + 2
                strings = (strings + [b""] * expected)[:expected]
            else:
                strings = strings[:1]
            b.items[ptype] = strings
        result.blocks.append(b)
    return result


def _finish(body: bytes) -> bytes:
    crc = cdtext_crc(body) ^ 0xFFFF
    return body + crc.to_bytes(2, "big")


def _packs_for(ptype: int, block: CdTextBlock, seq: int) -> list[bytes]:
    strings = block.items[ptype]
    term = b"\0\0" if block.double_byte else b"\0"
    width = 2 if block.double_byte else 1
    stream = bytearray()
    owners: list[tuple[int, int]] = []  # per byte: (track number, character index)
    tracks = [0, *range(block.first_track, block.last_track + 1)] if ptype in PER_TRACK else [0]
    for track, s in zip(tracks, strings, strict=False):
        if ptype == 0x87:
            owners.extend((track, 0) for _ in range(2))
            stream += s[:2]
            s = s[2:]
        item = s + term
        owners.extend((track, i // width) for i in range(len(item)))
        stream += item
    packs: list[bytes] = []
    for start in range(0, len(stream), 12):
        chunk = bytes(stream[start : start + 12]).ljust(12, b"\0")
        track, chars = owners[start]
        flags = (0x80 if block.double_byte else 0) | (block.block << 4) | min(chars, 15)
        packs.append(_finish(bytes([ptype, track, (seq + len(packs)) & 0xFF, flags]) + chunk))
    return packs


def encode_packs(cdtext: CdText) -> bytes:
    """Encode every block, pack types in ascending order, size information last.

    Raises:
        ValueError: more than 8 blocks, a block number out of range, or a string holding
            the terminator.
    """
    if len(cdtext.blocks) > 8:
        raise ValueError("CD-TEXT holds at most 8 blocks")
    encoded: list[list[bytes]] = []
    for b in cdtext.blocks:
        if not 0 <= b.block <= 7:
            raise ValueError(f"block number {b.block} is not 0..7")
        packs: list[bytes] = []
        for ptype in sorted(b.items):
            if ptype == 0x8F or not 0x80 <= ptype <= 0x8F:
                raise ValueError(f"pack type {ptype:#04x} cannot be given as text")
            for s in b.items[ptype]:
                if (b"\0\0" if b.double_byte else b"\0") in (s[2:] if ptype == 0x87 else s):
                    raise ValueError("a CD-TEXT string must not contain its terminator")
            packs += _packs_for(ptype, b, len(packs))
        encoded.append(packs)
    out = bytearray()
    last_seq = [len(p) + 2 for p in encoded]  # three size packs close every block
    for b, packs in zip(cdtext.blocks, encoded, strict=True):
        counts = [0] * 16
        for p in packs:
            counts[p[0] - 0x80] += 1
        counts[0x0F] = 3
        seqs = [0] * 8
        langs = [0] * 8
        for other, n in zip(cdtext.blocks, last_seq, strict=True):
            seqs[other.block] = n
            langs[other.block] = other.language
        info = bytes([b.character_code, b.first_track, b.last_track, b.copyright, *counts, *seqs, *langs])
        flags = (0x80 if b.double_byte else 0) | (b.block << 4)
        seq = len(packs)
        for i in range(3):
            packs.append(_finish(bytes([0x8F, i, seq + i, flags]) + info[12 * i : 12 * i + 12]))
        out += b"".join(packs)
    return bytes(out)
