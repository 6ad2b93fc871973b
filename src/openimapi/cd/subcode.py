"""Red Book subcode (IEC 60908 clause 17; MMC-6 4.2.3): the P and Q channels of the
program area, generated for whole discs at once, and the raw 96-byte P-W form.

Q channel, mode 1 (ADR = 1) in the program area, 12 bytes per sector:
CONTROL (4 bits: pre-emphasis 1h, digital copy permitted 2h, data track 4h) | ADR (4
bits), track number (BCD), index (BCD), relative time M:S:F (BCD; in a track's pause it
counts down to zero at the track's start), a zero byte, absolute time M:S:F (BCD) and a
CRC-16 over the first 10 bytes (CCITT polynomial, zero start, stored inverted, most
significant byte first). Mode 2 (ADR = 2) carries the media catalogue number (13 BCD
digits) and mode 3 (ADR = 3) an ISRC (5 six-bit characters, 7 BCD digits); each may take
the place of mode 1 in at most one sector of every hundred.

P channel: 1 during a track's pause (index 0) and the 2 s before the first track, 0
elsewhere in the program area; in the lead-out it alternates at 2 Hz.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from openimapi.cd.cdtext import cdtext_crc

__all__ = [
    "SubcodeTrack",
    "encode_isrc",
    "encode_mcn",
    "interleave_pw",
    "leadin_q",
    "leadout_q",
    "p_channel",
    "program_area_q",
    "q_crc_ok",
]

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class SubcodeTrack:
    """One track as the Q channel describes it.

    ``start`` is the LBA of index 1; ``pregap`` sectors of index 0 precede it (the first
    track's 150-sector pause lies before LBA 0 and is not counted here). ``indexes``
    lists the LBAs of indexes 2, 3, ... in order.
    """

    number: int
    start: int
    pregap: int = 0
    control: int = 0x0  # audio, no pre-emphasis, copy prohibited
    indexes: tuple[int, ...] = ()
    isrc: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 99:
            raise ValueError("track numbers are 1..99")
        if self.pregap < 0 or self.start - self.pregap < 0:
            raise ValueError("a pregap cannot start before LBA 0")
        if list(self.indexes) != sorted(self.indexes) or any(i <= self.start for i in self.indexes):
            raise ValueError("indexes must follow the track start in increasing order")
        if len(self.indexes) > 97:
            raise ValueError("at most 99 indexes per track")
        if not 0 <= self.control <= 0xF:
            raise ValueError("CONTROL is 4 bits")


def _bcd(v: npt.NDArray[np.int64]) -> U8:
    return ((v // 10) * 16 + v % 10).astype(np.uint8)


def _msf(frames: npt.NDArray[np.int64]) -> tuple[U8, U8, U8]:
    m, rem = np.divmod(frames, 60 * 75)
    s, f = np.divmod(rem, 75)
    return _bcd(m), _bcd(s), _bcd(f)


_CRC_TABLE = np.array([cdtext_crc(bytes([b])) for b in range(256)], dtype=np.uint16)


def _crc_rows(rows: U8) -> npt.NDArray[np.uint16]:
    """CRC-16 (CCITT, zero start) of each row, table-driven over the columns."""
    crc = np.zeros(rows.shape[0], dtype=np.uint16)
    for j in range(rows.shape[1]):
        idx = ((crc >> np.uint16(8)) ^ rows[:, j]).astype(np.uint8)
        crc = ((crc << np.uint16(8)) ^ _CRC_TABLE[idx]).astype(np.uint16)
    return crc


def q_crc_ok(q: bytes) -> bool:
    """True when a 12-byte Q subcode block carries the right CRC."""
    return len(q) == 12 and (cdtext_crc(q[:10]) ^ 0xFFFF) == int.from_bytes(q[10:12], "big")


def _finish(rows: U8) -> U8:
    crc = _crc_rows(rows[:, :10]) ^ np.uint16(0xFFFF)
    rows[:, 10] = (crc >> np.uint16(8)).astype(np.uint8)
    rows[:, 11] = (crc & np.uint16(0xFF)).astype(np.uint8)
    return rows


def encode_mcn(mcn: str) -> bytes:
    """The 9 data bytes (after CONTROL/ADR) of a mode 2 Q block for a 13-digit catalogue
    number: 13 BCD digits, a zero nibble, a zero byte, then the absolute frame (filled by
    the caller).

    Raises:
        ValueError: not 13 digits.
    """
    if len(mcn) != 13 or not mcn.isdigit():
        raise ValueError("a media catalogue number (UPC/EAN) is 13 digits")
    digits = [int(c) for c in mcn] + [0]
    return bytes((digits[i] << 4) | digits[i + 1] for i in range(0, 14, 2)) + b"\0"


_ISRC_CHARS = {**{str(d): d for d in range(10)}, **{chr(ord("A") + i): 0x11 + i for i in range(26)}}


def encode_isrc(isrc: str) -> bytes:
    """The 8 data bytes of a mode 3 Q block: country and owner (5 characters of 6 bits),
    two zero bits, year and serial (7 BCD digits), a zero nibble.

    Raises:
        ValueError: not an ISRC (CC-XXX-YY-NNNNN, hyphens optional).
    """
    code = isrc.replace("-", "").upper()
    if len(code) != 12 or not code[:2].isalpha() or not code[2:5].isalnum() or not code[5:].isdigit():
        raise ValueError(f"{isrc!r} is not an ISRC (CC-XXX-YY-NNNNN)")
    bits = 0
    for ch in code[:5]:
        bits = (bits << 6) | _ISRC_CHARS[ch]
    bits <<= 2  # 30 bits of characters + 2 zero bits = 4 bytes
    head = bits.to_bytes(4, "big")
    digits = [int(c) for c in code[5:]] + [0]
    return head + bytes((digits[i] << 4) | digits[i + 1] for i in range(0, 8, 2))


def program_area_q(
    tracks: Sequence[SubcodeTrack],
    leadout: int,
    *,
    mcn: str | None = None,
    first_lba: int = -150,
) -> U8:
    """Q subcode (12 bytes each) of every sector from ``first_lba`` to ``leadout - 1``.

    Mode 1 everywhere, except that when ``mcn`` is given one sector in every hundred
    (absolute frame number divisible by 100) carries mode 2, and for a track with an ISRC
    one sector in every hundred of that track (absolute frame = 50 mod 100) carries mode 3.

    Raises:
        ValueError: tracks out of order or overlapping, or the lead-out before the last
            track.
    """
    if not tracks:
        raise ValueError("a disc has at least one track")
    for a, b in itertools.pairwise(tracks):
        if b.number != a.number + 1 or b.start - b.pregap <= a.start:
            raise ValueError("tracks must be numbered consecutively and start in order")
    if leadout <= tracks[-1].start:
        raise ValueError("the lead-out must follow the last track's start")
    lbas = np.arange(first_lba, leadout, dtype=np.int64)
    n = len(lbas)
    rows = np.zeros((n, 12), dtype=np.uint8)
    starts = np.array([t.start for t in tracks], dtype=np.int64)
    gap_starts = np.array([t.start - t.pregap if i else first_lba for i, t in enumerate(tracks)], dtype=np.int64)
    # which track each sector belongs to: the last track whose pause has begun
    which = np.searchsorted(gap_starts, lbas, side="right") - 1
    which = np.clip(which, 0, len(tracks) - 1)
    tstart = starts[which]
    in_pause = lbas < tstart
    control = np.array([t.control for t in tracks], dtype=np.uint8)[which]
    rows[:, 0] = (control << 4) | 1
    numbers = np.array([t.number for t in tracks], dtype=np.int64)[which]
    rows[:, 1] = _bcd(numbers)
    index = np.where(in_pause, 0, 1).astype(np.int64)
    for i, t in enumerate(tracks):
        for k, at in enumerate(t.indexes):
            index[(which == i) & (lbas >= at)] = k + 2
    rows[:, 2] = _bcd(index)
    rel = np.abs(lbas - tstart)
    rows[:, 3], rows[:, 4], rows[:, 5] = _msf(rel)
    rows[:, 7], rows[:, 8], rows[:, 9] = _msf(lbas + 150)
    absf = lbas + 150
    if mcn is not None:
        payload = np.frombuffer(encode_mcn(mcn), dtype=np.uint8)
        sel = absf % 100 == 0
        rows[sel, 0] = (rows[sel, 0] & 0xF0) | 2
        rows[sel, 1:9] = payload[:8]
        rows[sel, 9] = _bcd(absf[sel] % 75)
    for i, t in enumerate(tracks):
        if t.isrc is None:
            continue
        payload = np.frombuffer(encode_isrc(t.isrc), dtype=np.uint8)
        sel = (which == i) & ~in_pause & (absf % 100 == 50)
        rows[sel, 0] = (rows[sel, 0] & 0xF0) | 3
        rows[sel, 1:9] = payload
        rows[sel, 9] = _bcd(absf[sel] % 75)
    return _finish(rows)


def p_channel(tracks: Sequence[SubcodeTrack], leadout: int, *, first_lba: int = -150) -> U8:
    """P flag (0 or 1) of every sector from ``first_lba`` to ``leadout - 1``: 1 in each
    track's pause (index 0, including the first track's 2 s before LBA 0), else 0.
    """
    lbas = np.arange(first_lba, leadout, dtype=np.int64)
    p = np.zeros(len(lbas), dtype=np.uint8)
    for i, t in enumerate(tracks):
        begin = first_lba if i == 0 else t.start - t.pregap
        p[(lbas >= begin) & (lbas < t.start)] = 1
    return p


def interleave_pw(p: U8, q: U8, rw: U8 | None = None) -> U8:
    """Raw 96-byte P-W subcode per sector: byte i holds bit i of P (bit 7), Q (bit 6) and
    the R-W channels (bits 5..0), as READ CD with raw P-W and raw DAO writing use them.

    ``p`` has one flag per sector, ``q`` 12 bytes per sector, ``rw`` (optional) 96
    six-bit symbols per sector.
    """
    n = len(q)
    q_bits = np.unpackbits(q, axis=1)  # (n, 96), most significant bit first
    out = (q_bits << 6).astype(np.uint8)
    out |= (p.astype(np.uint8)[:, None] << 7).astype(np.uint8)
    if rw is not None:
        out |= rw.reshape(n, 96) & 0x3F
    return out


def leadin_q(tracks: Sequence[SubcodeTrack], leadout: int, count: int, *, disc_type: int = 0x00) -> U8:
    """Q subcode (mode 1, track number 0) of ``count`` lead-in sectors: the table of
    contents, each item three times in a row, cycling through the tracks then points
    A0h (first track number, disc type), A1h (last track number) and A2h (lead-out start).
    MIN/SEC/FRAME run from 00:00:00 at the first lead-in sector.

    Raises:
        ValueError: no tracks.
    """
    if not tracks:
        raise ValueError("a disc has at least one track")
    items: list[tuple[int, int, int, int, int]] = []  # control, point, pmin, psec, pframe

    def bcd(v: int) -> int:
        return (v // 10) * 16 + v % 10

    def msf(lba: int) -> tuple[int, int, int]:
        m, rem = divmod(lba + 150, 60 * 75)
        s, f = divmod(rem, 75)
        return bcd(m), bcd(s), bcd(f)

    for t in tracks:
        items.append((t.control, bcd(t.number), *msf(t.start)))
    items.append((tracks[0].control, 0xA0, bcd(tracks[0].number), disc_type, 0))
    items.append((tracks[-1].control, 0xA1, bcd(tracks[-1].number), 0, 0))
    items.append((tracks[-1].control, 0xA2, *msf(leadout)))
    table = np.array(items, dtype=np.uint8)
    pick = (np.arange(count) // 3) % len(items)
    rows = np.zeros((count, 12), dtype=np.uint8)
    rows[:, 0] = (table[pick, 0] << 4) | 1
    rows[:, 1] = 0
    rows[:, 2] = table[pick, 1]
    rows[:, 3], rows[:, 4], rows[:, 5] = _msf(np.arange(count, dtype=np.int64))
    rows[:, 7:10] = table[pick, 2:5]
    return _finish(rows)


def leadout_q(first_lba: int, count: int, *, control: int = 0) -> U8:
    """Q subcode of ``count`` lead-out sectors from ``first_lba``: track number AAh,
    index 01, relative time from the lead-out start, absolute time."""
    lbas = np.arange(first_lba, first_lba + count, dtype=np.int64)
    rows = np.zeros((count, 12), dtype=np.uint8)
    rows[:, 0] = ((control & 0xF) << 4) | 1
    rows[:, 1] = 0xAA
    rows[:, 2] = 0x01
    rows[:, 3], rows[:, 4], rows[:, 5] = _msf(lbas - first_lba)
    rows[:, 7], rows[:, 8], rows[:, 9] = _msf(lbas + 150)
    return _finish(rows)
