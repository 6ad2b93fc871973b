"""ECMA-130 data sectors: mode 1 and mode 2 (form 1 / form 2), vectorised with numpy.

A 2352-byte sector (ECMA-130 clause 14) holds a 12-byte sync pattern, a 4-byte header
(absolute time as BCD minute/second/frame, then the mode byte), the user data and, for
mode 1 and mode 2 form 1, an error detection code (EDC) and the Reed-Solomon product code
(RSPC) of Annex A: 172 bytes of P parity then 104 bytes of Q parity.

Everything here works on many sectors at once: arrays of shape (n, 2352), so that the
cost per sector is a handful of whole-array numpy operations. The RSPC runs as SWAR
(eight GF(2^8) symbols in one 64-bit lane, multiplication by alpha as shift, mask and
conditional XOR) over codeword-major copies of the sectors, so that every Horner step is
one contiguous row operation; the EDC is computed by anycrc (a compiled table CRC with the
ECMA-130 polynomial); big batches are split over two threads (numpy releases the GIL).

* EDC (clause 14.3): a 32-bit CRC with polynomial (x^16 + x^15 + x^2 + 1)(x^16 + x^2 + x + 1),
  computed LSB first with a zero initial value, stored least-significant byte first.
  Being linear over GF(2) with a zero start, the CRC of a block is the XOR of one table
  entry per (byte position, byte value); :func:`compute_edc` gathers and XOR-reduces them.
* RSPC (Annex A): over GF(2^8) with the field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D)
  and primitive element alpha = 2. The 2340 bytes from the header on are 1170 16-bit words;
  the most and least significant bytes form two independent planes coded alike. P codewords
  are the 43 columns of a 24 x 43 word matrix (RS(26,24)); Q codewords are the 26 diagonals
  of the 26 x 43 matrix including P (RS(45,43)). Each codeword v satisfies sum(v_i) = 0 and
  sum(alpha^(n-1-i) v_i) = 0, which gives the two parity symbols in closed form.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import anycrc
import numpy as np
import numpy.typing as npt

__all__ = [
    "SECTOR_RAW",
    "SECTOR_USER_MODE1",
    "SECTOR_USER_FORM2",
    "SYNC",
    "compute_ecc",
    "compute_edc",
    "encode_mode1",
    "encode_mode2_form1",
    "encode_mode2_form2",
    "lba_to_header_msf",
]

SECTOR_RAW = 2352
SECTOR_USER_MODE1 = 2048
SECTOR_USER_FORM2 = 2324
SYNC = bytes([0x00] + [0xFF] * 10 + [0x00])

U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]

# --- GF(2^8), polynomial 0x11D --------------------------------------------------------


def _gf_tables() -> tuple[U8, U8]:
    exp = np.zeros(512, dtype=np.uint8)
    log = np.zeros(256, dtype=np.uint8)
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    exp[255:510] = exp[0:255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul_table(c: int) -> U8:
    """Table t with t[x] = c * x in GF(2^8)."""
    t = np.zeros(256, dtype=np.uint8)
    if c:
        xs = np.arange(1, 256)
        t[1:] = _EXP[(_LOG[xs].astype(np.int32) + int(_LOG[c])) % 255]
    return t


def _gf_inv(c: int) -> int:
    return int(_EXP[(255 - int(_LOG[c])) % 255])


# Closed form of the two parity symbols of a codeword v_0..v_{n-1}, parity at n-2, n-1:
#   a = sum of data, b = sum alpha^(n-1-i) d_i  ->  p_{n-2} = (a + b) / (alpha + 1),
#   p_{n-1} = a + p_{n-2}. Horner gives b' = sum alpha^(n-3-i) d_i, so b = alpha^2 * b'.
_MUL_INV_ALPHA_PLUS_1 = _gf_mul_table(_gf_inv(3))


_U64 = np.uint64
_M7F = _U64(0x7F7F7F7F7F7F7F7F)
_M01 = _U64(0x0101010101010101)
_K1D = _U64(0x1D)


def _mul_alpha(x: npt.NDArray[np.uint64], tmp: npt.NDArray[np.uint64]) -> None:
    """x *= alpha in place, eight symbols per 64-bit lane: shift left, reduce by 0x1D where
    bit 7 was set (``tmp`` is scratch of the same shape)."""
    np.right_shift(x, _U64(7), out=tmp)
    np.bitwise_and(tmp, _M01, out=tmp)
    np.multiply(tmp, _K1D, out=tmp)
    np.bitwise_and(x, _M7F, out=x)
    np.left_shift(x, _U64(1), out=x)
    np.bitwise_xor(x, tmp, out=x)


def _parity(rows: npt.NDArray[np.uint16]) -> tuple[U8, U8]:
    """Parity symbols of codewords whose data symbols run along axis 0 of ``rows``
    (shape (k, n, w) of 16-bit words, w a multiple of 4); returns two (n, 2w) byte arrays."""
    lanes = rows.view(_U64)
    acc = lanes[0].copy()
    total = lanes[0].copy()
    tmp = np.empty_like(acc)
    for k in range(1, lanes.shape[0]):
        _mul_alpha(acc, tmp)
        np.bitwise_xor(acc, lanes[k], out=acc)
        np.bitwise_xor(total, lanes[k], out=total)
    _mul_alpha(acc, tmp)
    _mul_alpha(acc, tmp)  # b = alpha^2 * acc
    np.bitwise_xor(acc, total, out=acc)
    p0 = _MUL_INV_ALPHA_PLUS_1[acc.view(np.uint8)]
    p1 = total.view(np.uint8) ^ p0
    return p0, p1


# Q diagonals: word index (44*k + 43*m) mod 1118 for k = 0..42 (symbol), m = 0..25 (codeword)
_Q_WORDS = (44 * np.arange(43)[:, None] + 43 * np.arange(26)[None, :]) % 1118  # (43, 26)
_Q_TAKE = (6 + _Q_WORDS).reshape(-1)  # as 16-bit words of the whole sector (header at word 6)


def _ecc_words(w16: npt.NDArray[np.uint16]) -> None:
    """Fill P (words 1038..1123) and Q (1124..1175) of sectors seen as (n, 1176) words."""
    n = w16.shape[0]
    # P: word 43*k + c of the body is symbol k of column c (RS(26,24), both byte planes)
    rows = np.zeros((24, n, 44), dtype=np.uint16)
    rows[:, :, :43] = w16[:, 6:1038].reshape(n, 24, 43).transpose(1, 0, 2)
    p0, p1 = _parity(rows)
    w16[:, 1038:1081] = p0.view(np.uint16).reshape(n, 44)[:, :43]
    w16[:, 1081:1124] = p1.view(np.uint16).reshape(n, 44)[:, :43]
    # Q: the 26 diagonals of the 26 x 43 word matrix including P (RS(45,43))
    diag = np.zeros((43, n, 28), dtype=np.uint16)
    diag[:, :, :26] = np.take(w16, _Q_TAKE, axis=1).reshape(n, 43, 26).transpose(1, 0, 2)
    q0, q1 = _parity(diag)
    w16[:, 1124:1150] = q0.view(np.uint16).reshape(n, 28)[:, :26]
    w16[:, 1150:1176] = q1.view(np.uint16).reshape(n, 28)[:, :26]


def compute_ecc(sectors: U8) -> None:
    """Fill the P and Q parity (bytes 2076..2351) of mode 1 style sectors in place.

    ``sectors`` has shape (n, 2352); bytes 12..2075 (header, data, EDC, zero fill) must be
    final. For mode 2 form 1 the caller zeroes the header while coding (ECMA-130 Annex A).
    """
    if sectors.flags.c_contiguous:
        _ecc_words(sectors.view(np.uint16))
    else:
        work = np.ascontiguousarray(sectors)
        _ecc_words(work.view(np.uint16))
        sectors[:] = work


# --- EDC --------------------------------------------------------------------------------

_EDC_POLY = 0x8001801B  # (x^16 + x^15 + x^2 + 1)(x^16 + x^2 + x + 1), bit 32 implied
_EDC = anycrc.CRC(width=32, poly=_EDC_POLY, init=0, refin=True, refout=True, xorout=0)


def compute_edc(blocks: U8) -> U32:
    """EDC of each row of ``blocks`` (shape (n, length)), as unsigned 32-bit ints."""
    rows = blocks if blocks.strides[-1] == 1 else np.ascontiguousarray(blocks)  # each row contiguous
    calc = _EDC.calc
    return np.fromiter((calc(r) for r in rows), dtype=np.uint32, count=rows.shape[0])


# --- headers and whole sectors ------------------------------------------------------------


def _bcd(v: npt.NDArray[np.int64]) -> U8:
    return ((v // 10) * 16 + v % 10).astype(np.uint8)


def lba_to_header_msf(lbas: npt.ArrayLike) -> U8:
    """Header address bytes (BCD minute, second, frame) of logical block addresses.

    The header carries the absolute time, LBA + 150 frames (ECMA-130 14.2); lead-in
    addresses below LBA -150 map to 90:00:00 and above (LBA + 450150, MMC 4.2.3.1).
    Returns shape (n, 3).

    Raises:
        ValueError: an address before LBA -45150 (90:00:00) or beyond 99:59:74.
    """
    raw = np.asarray(lbas, dtype=np.int64)
    a = np.where(raw < -150, raw + 450150, raw + 150)
    if raw.size and (raw.min() < -45150 or a.max() >= 100 * 60 * 75 or raw.max() >= 404850):
        raise ValueError("address outside LBA -45150 .. 404849")
    m, rem = np.divmod(a, 60 * 75)
    s, f = np.divmod(rem, 75)
    return np.stack([_bcd(m), _bcd(s), _bcd(f)], axis=-1)


def _user_array(data: bytes | U8, unit: int) -> U8:
    arr = np.frombuffer(data, dtype=np.uint8) if isinstance(data, (bytes, bytearray, memoryview)) else data
    if arr.size % unit:
        raise ValueError(f"user data must be a whole number of {unit}-byte sectors, got {arr.size} bytes")
    return arr.reshape(-1, unit)


def _frame(n: int, start_lba: int, mode: int) -> U8:
    out = np.zeros((n, SECTOR_RAW), dtype=np.uint8)
    out[:, :12] = np.frombuffer(SYNC, dtype=np.uint8)
    out[:, 12:15] = lba_to_header_msf(np.arange(start_lba, start_lba + n))
    out[:, 15] = mode
    return out


_CHUNK = 1024  # sectors per work item: a few MB, so each thread's working set stays in cache
_THREADS = min(2, os.cpu_count() or 1)
_POOL: ThreadPoolExecutor | None = None


def _in_parallel(n: int, work: Callable[[int, int], None]) -> None:
    """Run ``work(first, end)`` over [0, n) in chunks, on two threads for big batches."""
    global _POOL
    spans = [(a, min(n, a + _CHUNK)) for a in range(0, n, _CHUNK)]
    if len(spans) < 2 or _THREADS < 2:
        for a, b in spans:
            work(a, b)
        return
    if _POOL is None:
        _POOL = ThreadPoolExecutor(_THREADS, thread_name_prefix="openimapi-ecc")
    for future in [_POOL.submit(work, a, b) for a, b in spans]:
        future.result()


def encode_mode1(data: bytes | U8, start_lba: int) -> U8:
    """Raw mode 1 sectors (ECMA-130 14.3) of ``data`` (n * 2048 bytes) from ``start_lba``.

    Raises:
        ValueError: data not a whole number of sectors, or addresses out of range.
    """
    user = _user_array(data, SECTOR_USER_MODE1)
    out = _frame(len(user), start_lba, 1)

    def work(a: int, b: int) -> None:
        part = out[a:b]
        part[:, 16:2064] = user[a:b]
        edc = compute_edc(part[:, :2064])
        part[:, 2064:2068] = edc.astype("<u4").view(np.uint8).reshape(-1, 4)
        _ecc_words(part.view(np.uint16))

    _in_parallel(len(user), work)
    return out


def _subheaders(n: int, subheader: bytes, form2: bool) -> U8:
    if len(subheader) != 4:
        raise ValueError("a mode 2 subheader is 4 bytes (file, channel, submode, coding)")
    sh = np.frombuffer(subheader, dtype=np.uint8).copy()
    if form2:
        sh[2] |= 0x20  # submode form bit
    else:
        sh[2] &= 0xDF
    return np.tile(np.concatenate([sh, sh]), (n, 1))


def encode_mode2_form1(data: bytes | U8, start_lba: int, subheader: bytes = b"\0\0\x08\0") -> U8:
    """Raw mode 2 form 1 sectors (ECMA-130 14.5 / CD-ROM XA): 2048 user bytes each, the
    subheader twice, EDC over subheader and data, and RSPC computed with a zero header.

    Raises:
        ValueError: bad data length or subheader.
    """
    user = _user_array(data, SECTOR_USER_MODE1)
    n = len(user)
    out = _frame(n, start_lba, 2)
    out[:, 16:24] = _subheaders(n, subheader, form2=False)

    def work(a: int, b: int) -> None:
        part = out[a:b]
        part[:, 24:2072] = user[a:b]
        edc = compute_edc(part[:, 16:2072])
        part[:, 2072:2076] = edc.astype("<u4").view(np.uint8).reshape(-1, 4)
        header = part[:, 12:16].copy()
        part[:, 12:16] = 0
        _ecc_words(part.view(np.uint16))
        part[:, 12:16] = header

    _in_parallel(n, work)
    return out


def encode_mode2_form2(data: bytes | U8, start_lba: int, subheader: bytes = b"\0\0\x20\0") -> U8:
    """Raw mode 2 form 2 sectors: 2324 user bytes each, the subheader twice, and the EDC
    over subheader and data in the last 4 bytes (no RSPC).

    Raises:
        ValueError: bad data length or subheader.
    """
    user = _user_array(data, SECTOR_USER_FORM2)
    n = len(user)
    out = _frame(n, start_lba, 2)
    out[:, 16:24] = _subheaders(n, subheader, form2=True)
    out[:, 24:2348] = user
    edc = compute_edc(out[:, 16:2348])
    out[:, 2348:2352] = edc.astype("<u4").view(np.uint8).reshape(-1, 4)
    return out
