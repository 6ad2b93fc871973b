"""ECMA-130 data sectors: mode 1 and mode 2 (form 1 / form 2), vectorised with numpy.

A 2352-byte sector (ECMA-130 clause 14) holds a 12-byte sync pattern, a 4-byte header
(absolute time as BCD minute/second/frame, then the mode byte), the user data and, for
mode 1 and mode 2 form 1, an error detection code (EDC) and the Reed-Solomon product code
(RSPC) of Annex A: 172 bytes of P parity then 104 bytes of Q parity.

Everything here works on many sectors at once: arrays of shape (n, 2352), so that the
cost per sector is a handful of whole-array numpy operations.

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
_MUL_ALPHA2 = _gf_mul_table(4)
_MUL_INV_ALPHA_PLUS_1 = _gf_mul_table(_gf_inv(3))


def _mul_alpha(acc: U8) -> U8:
    # multiply every element by alpha = 2: shift left, reduce by 0x1D when bit 7 was set
    return ((acc << 1) ^ ((acc >> 7) * np.uint8(0x1D))).astype(np.uint8, copy=False)


def _parity(rows: U8) -> tuple[U8, U8]:
    """Parity of codewords whose data symbols run along axis 0 of ``rows``."""
    acc = rows[0].copy()
    total = rows[0].copy()
    for k in range(1, rows.shape[0]):
        acc = _mul_alpha(acc)
        acc ^= rows[k]
        total ^= rows[k]
    b = _MUL_ALPHA2[acc]
    p0 = _MUL_INV_ALPHA_PLUS_1[total ^ b]
    p1 = total ^ p0
    return p0, p1


# Q diagonals: word index (44*k + 43*m) mod 1118 for k = 0..42, as byte indexes (both planes)
_Q_WORDS = (44 * np.arange(43)[:, None] + 43 * np.arange(26)[None, :]) % 1118  # (43, 26)
_Q_BYTES = (2 * _Q_WORDS[:, :, None] + np.arange(2)[None, None, :]).reshape(43, 52)


def compute_ecc(sectors: U8) -> None:
    """Fill the P and Q parity (bytes 2076..2351) of mode 1 style sectors in place.

    ``sectors`` has shape (n, 2352); bytes 12..2075 (header, data, EDC, zero fill) must be
    final. For mode 2 form 1 the caller zeroes the header while coding (ECMA-130 Annex A).
    """
    body = sectors[:, 12:]  # 2340 bytes = 1170 words
    p_rows = body[:, :2064].reshape(-1, 24, 86).transpose(1, 0, 2)  # (24, n, 86)
    p0, p1 = _parity(p_rows)
    body[:, 2064:2150] = p0
    body[:, 2150:2236] = p1
    q_rows = body[:, :2236][:, _Q_BYTES].transpose(1, 0, 2)  # (43, n, 52)
    q0, q1 = _parity(q_rows)
    body[:, 2236:2288] = q0
    body[:, 2288:2340] = q1


# --- EDC --------------------------------------------------------------------------------

_EDC_POLY_REFLECTED = 0xD8018001


def _crc_byte_table() -> U32:
    t = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (_EDC_POLY_REFLECTED if c & 1 else 0)
        t[i] = c
    return t


_CRC_T = _crc_byte_table()
_POS_TABLES: dict[int, U32] = {}


def _position_table(length: int) -> U32:
    """tab[p, v] = CRC of a block of ``length`` zero bytes except value v at position p."""
    tab = _POS_TABLES.get(length)
    if tab is None:
        tab = np.zeros((length, 256), dtype=np.uint32)
        # CRC with zero init of a single byte v followed by j zero bytes: start from the
        # last position (j = 0) and shift by one zero byte per step towards the front.
        row = _CRC_T.copy()
        for p in range(length - 1, -1, -1):
            tab[p] = row
            row = (row >> np.uint32(8)) ^ _CRC_T[row & np.uint32(0xFF)]
        _POS_TABLES[length] = tab
    return tab


def compute_edc(blocks: U8) -> U32:
    """EDC of each row of ``blocks`` (shape (n, length)), as unsigned 32-bit ints."""
    length = blocks.shape[1]
    tab = _position_table(length)
    flat = tab.reshape(-1)
    idx = blocks.astype(np.int32) + (np.arange(length, dtype=np.int32) * 256)[None, :]
    out: U32 = np.bitwise_xor.reduce(flat[idx], axis=1)
    return out


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


def encode_mode1(data: bytes | U8, start_lba: int) -> U8:
    """Raw mode 1 sectors (ECMA-130 14.3) of ``data`` (n * 2048 bytes) from ``start_lba``.

    Raises:
        ValueError: data not a whole number of sectors, or addresses out of range.
    """
    user = _user_array(data, SECTOR_USER_MODE1)
    out = _frame(len(user), start_lba, 1)
    out[:, 16:2064] = user
    edc = compute_edc(out[:, :2064])
    out[:, 2064:2068] = edc.astype("<u4").view(np.uint8).reshape(-1, 4)
    compute_ecc(out)
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
    out[:, 24:2072] = user
    edc = compute_edc(out[:, 16:2072])
    out[:, 2072:2076] = edc.astype("<u4").view(np.uint8).reshape(-1, 4)
    header = out[:, 12:16].copy()
    out[:, 12:16] = 0
    compute_ecc(out)
    out[:, 12:16] = header
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
