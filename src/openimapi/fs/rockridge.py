"""Rock Ridge: SUSP 1.12 system use entries and the RRIP 1.10 (RRIP_1991A) extension.

One class per entry, each with ``to_bytes()``/``from_bytes()``; :func:`split_entries`
places a record's entries in its system use area and continuation areas (SUSP 5.1, CE).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from openimapi.fs.ecma119 import both32, dir_datetime, parse_both32, parse_dir_datetime

__all__ = [
    "AlternateName",
    "ContinuationArea",
    "ExtensionReference",
    "PosixAttributes",
    "RRIP_ER",
    "RockRidgeFlags",
    "SharingProtocol",
    "SymbolicLink",
    "Timestamps",
    "parse_entries",
    "split_entries",
]

CE_SIZE = 28


def _head(sig: bytes, length: int) -> bytes:
    if length > 255:
        raise ValueError(f"a {sig.decode()} entry of {length} bytes exceeds 255 (SUSP 4.1)")
    return sig + bytes((length, 1))


@dataclass(frozen=True, slots=True)
class SharingProtocol:
    """SUSP 5.3 SP: SUSP is in use; first entry of the root's "." record."""

    skip: int = 0

    def to_bytes(self) -> bytes:
        return b"SP\x07\x01\xbe\xef" + bytes((self.skip,))

    @classmethod
    def from_bytes(cls, data: bytes) -> SharingProtocol:
        if len(data) < 7 or data[4:6] != b"\xbe\xef":
            raise ValueError("bad SP entry")
        return cls(data[6])


@dataclass(frozen=True, slots=True)
class ContinuationArea:
    """SUSP 5.1 CE: the entries go on at (block, offset, length)."""

    block: int
    offset: int
    length: int

    def to_bytes(self) -> bytes:
        return _head(b"CE", CE_SIZE) + both32(self.block) + both32(self.offset) + both32(self.length)

    @classmethod
    def from_bytes(cls, data: bytes) -> ContinuationArea:
        if len(data) < CE_SIZE:
            raise ValueError("bad CE entry")
        return cls(parse_both32(data, 4), parse_both32(data, 12), parse_both32(data, 20))


@dataclass(frozen=True, slots=True)
class ExtensionReference:
    """SUSP 5.5 ER: names the extension (here RRIP_1991A)."""

    identifier: bytes
    descriptor: bytes
    source: bytes
    version: int = 1

    def to_bytes(self) -> bytes:
        body = bytes((len(self.identifier), len(self.descriptor), len(self.source), self.version))
        payload = body + self.identifier + self.descriptor + self.source
        return _head(b"ER", 4 + len(payload)) + payload

    @classmethod
    def from_bytes(cls, data: bytes) -> ExtensionReference:
        li, ld, ls, ver = data[4], data[5], data[6], data[7]
        base = 8
        return cls(data[base : base + li], data[base + li : base + li + ld],
                   data[base + li + ld : base + li + ld + ls], ver)


RRIP_ER = ExtensionReference(
    b"RRIP_1991A",
    b"THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS",
    b"PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY "
    b"VOLUME DESCRIPTOR FOR CONTACT INFORMATION.",
)


@dataclass(frozen=True, slots=True)
class RockRidgeFlags:
    """RRIP 1.09/1.10 RR: which RRIP entries this record holds (kept for old readers)."""

    flags: int

    def to_bytes(self) -> bytes:
        return b"RR\x05\x01" + bytes((self.flags,))

    @classmethod
    def from_bytes(cls, data: bytes) -> RockRidgeFlags:
        return cls(data[4])


@dataclass(frozen=True, slots=True)
class PosixAttributes:
    """RRIP 4.1.1 PX: mode, links, uid, gid (36-byte form of RRIP 1.10)."""

    mode: int
    nlink: int
    uid: int
    gid: int

    def to_bytes(self) -> bytes:
        return b"PX\x24\x01" + both32(self.mode) + both32(self.nlink) + both32(self.uid) + both32(self.gid)

    @classmethod
    def from_bytes(cls, data: bytes) -> PosixAttributes:
        if len(data) < 36:
            raise ValueError("bad PX entry")
        return cls(parse_both32(data, 4), parse_both32(data, 12), parse_both32(data, 20), parse_both32(data, 28))


@dataclass(frozen=True, slots=True)
class Timestamps:
    """RRIP 4.1.6 TF (short form): creation, modification, access times."""

    created: _dt.datetime | None
    modified: _dt.datetime | None
    accessed: _dt.datetime | None

    def to_bytes(self) -> bytes:
        flags = 0
        stamps = b""
        for bit, when in ((1, self.created), (2, self.modified), (4, self.accessed)):
            if when is not None:
                flags |= bit
                stamps += dir_datetime(when)
        return _head(b"TF", 5 + len(stamps)) + bytes((flags,)) + stamps

    @classmethod
    def from_bytes(cls, data: bytes) -> Timestamps:
        flags = data[4]
        size = 17 if flags & 0x80 else 7
        pos = 5
        found: list[_dt.datetime | None] = []
        for bit in (1, 2, 4):
            if flags & bit and size == 7:
                found.append(parse_dir_datetime(data[pos : pos + 7]))
                pos += size
            else:
                if flags & bit:
                    pos += size
                found.append(None)
        return cls(found[0], found[1], found[2])


@dataclass(frozen=True, slots=True)
class AlternateName:
    """RRIP 4.1.4 NM: (part of) the POSIX name; flag 1 = continues in the next NM."""

    name: bytes
    flags: int = 0

    def to_bytes(self) -> bytes:
        return _head(b"NM", 5 + len(self.name)) + bytes((self.flags,)) + self.name

    @classmethod
    def from_bytes(cls, data: bytes) -> AlternateName:
        return cls(bytes(data[5 : data[2]]), data[4])

    @staticmethod
    def for_name(name: str) -> list[AlternateName]:
        raw = name.encode("utf-8", "surrogateescape")
        if len(raw) <= 250:
            return [AlternateName(raw)]
        parts = [raw[i : i + 250] for i in range(0, len(raw), 250)] or [b""]
        return [AlternateName(p, 1 if i < len(parts) - 1 else 0) for i, p in enumerate(parts)]


@dataclass(frozen=True, slots=True)
class SymbolicLink:
    """RRIP 4.1.3 SL: component records of a link target; flag 1 = continues."""

    components: tuple[tuple[int, bytes], ...]
    flags: int = 0

    def to_bytes(self) -> bytes:
        body = b"".join(bytes((f, len(c))) + c for f, c in self.components)
        return _head(b"SL", 5 + len(body)) + bytes((self.flags,)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> SymbolicLink:
        comps = []
        pos, end = 5, data[2]
        while pos + 2 <= end:
            flags, length = data[pos], data[pos + 1]
            comps.append((flags, bytes(data[pos + 2 : pos + 2 + length])))
            pos += 2 + length
        return cls(tuple(comps), data[4])

    @staticmethod
    def for_target(target: str) -> list[SymbolicLink]:
        """Split a target into SL entries of at most 255 bytes (RRIP 4.1.3.1 flags)."""
        comps: list[tuple[int, bytes]] = []
        if target.startswith("/"):
            comps.append((0x08, b""))
        for part in target.split("/"):
            if part == "":
                continue
            if part == ".":
                comps.append((0x02, b""))
            elif part == "..":
                comps.append((0x04, b""))
            else:
                raw = part.encode("utf-8", "surrogateescape")
                pieces = [raw[i : i + 248] for i in range(0, len(raw), 248)]
                comps.extend((0x01 if i < len(pieces) - 1 else 0, p) for i, p in enumerate(pieces))
        entries: list[SymbolicLink] = []
        current: list[tuple[int, bytes]] = []
        size = 5
        for comp in comps:
            if size + 2 + len(comp[1]) > 255:
                entries.append(SymbolicLink(tuple(current), 1))
                current, size = [], 5
            current.append(comp)
            size += 2 + len(comp[1])
        entries.append(SymbolicLink(tuple(current), 0))
        return entries

    @staticmethod
    def target_of(entries: list[SymbolicLink]) -> str:
        """Join SL entries back into a target path."""
        parts: list[str] = []
        pending = b""
        absolute = False
        for entry in entries:
            for flags, content in entry.components:
                if flags & 0x08:
                    absolute = True
                elif flags & 0x02:
                    parts.append(".")
                elif flags & 0x04:
                    parts.append("..")
                else:
                    pending += content
                    if not flags & 0x01:
                        parts.append(pending.decode("utf-8", "surrogateescape"))
                        pending = b""
        return ("/" if absolute else "") + "/".join(parts)


_PARSERS = {
    b"SP": SharingProtocol, b"CE": ContinuationArea, b"ER": ExtensionReference, b"RR": RockRidgeFlags,
    b"PX": PosixAttributes, b"TF": Timestamps, b"NM": AlternateName, b"SL": SymbolicLink,
}


def parse_entries(area: bytes, skip: int = 0) -> list[object]:
    """Decode the SUSP entries of a system use (or continuation) area; unknown ones skipped.

    Forgiving: stops at padding, a zero length or an entry running past the area.
    """
    out: list[object] = []
    pos = skip
    while pos + 4 <= len(area):
        sig, length = bytes(area[pos : pos + 2]), area[pos + 2]
        if length < 4 or pos + length > len(area) or sig == b"ST":
            break
        parser = _PARSERS.get(sig)
        if parser is not None:
            try:
                out.append(parser.from_bytes(bytes(area[pos : pos + length])))  # type: ignore[attr-defined]
            except (ValueError, IndexError):
                pass
        pos += length
    return out


def split_entries(entries: list[bytes], room: int) -> tuple[bytes, list[bytes]]:
    """Place entries in a record's system use area of ``room`` bytes.

    Returns the inline bytes and the continuation areas (each at most one block, every
    area but the last ending with a CE to be filled in by :func:`chain_areas`).
    The inline part reserves 28 bytes for a CE entry when anything overflows.
    """
    total = sum(len(e) for e in entries)
    if total <= room:
        return b"".join(entries), []
    inline: list[bytes] = []
    used = 0
    i = 0
    while i < len(entries) and used + len(entries[i]) <= room - CE_SIZE:
        inline.append(entries[i])
        used += len(entries[i])
        i += 1
    areas: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for entry in entries[i:]:
        if size + len(entry) > 2048 - CE_SIZE:
            areas.append(b"".join(current))
            current, size = [], 0
        current.append(entry)
        size += len(entry)
    areas.append(b"".join(current))
    return b"".join(inline), areas
