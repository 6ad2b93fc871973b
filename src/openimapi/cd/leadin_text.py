"""CD-TEXT packs as the R-W sub-channel of the lead-in, in the packed (de-interleaved)
form a host sends with cue sheet data form 41h (MMC-6 6.39.3.13, Annex J).

An 18-byte pack is 144 bits: 24 six-bit symbols, most significant bit first, each symbol
in bits 5..0 of one byte. A 96-byte lead-in block carries four packs; the pack list
repeats cyclically through the lead-in.
"""

from __future__ import annotations

import numpy as np

from openimapi.cd.cdtext import PACK_SIZE

__all__ = ["leadin_blocks", "packs_from_blocks", "packs_to_symbols", "symbols_to_packs"]

SYMBOLS = 24  # six-bit symbols of one pack
BLOCK = 96  # bytes of R-W in one lead-in block: four packs


def packs_to_symbols(packs: bytes) -> bytes:
    """24 six-bit symbols (one byte each) per 18-byte pack.

    Raises:
        ValueError: not a whole number of packs.
    """
    if len(packs) % PACK_SIZE:
        raise ValueError("CD-TEXT data is a whole number of 18-byte packs")
    bits = np.unpackbits(np.frombuffer(packs, dtype=np.uint8)).reshape(-1, 6)
    weights = np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)
    return bytes((bits * weights).sum(axis=1).astype(np.uint8))


def symbols_to_packs(symbols: bytes) -> bytes:
    """The inverse of :func:`packs_to_symbols` (bits 7-6 of each symbol byte are ignored).

    Raises:
        ValueError: not a whole number of 24-symbol packs.
    """
    if len(symbols) % SYMBOLS:
        raise ValueError("packed R-W data is a whole number of 24-symbol packs")
    sym = np.frombuffer(symbols, dtype=np.uint8).reshape(-1, 1) & 0x3F
    bits = (sym >> np.arange(5, -1, -1, dtype=np.uint8)) & 1
    return bytes(np.packbits(bits.reshape(-1).astype(np.uint8)))


def leadin_blocks(packs: bytes, count: int) -> bytes:
    """``count`` 96-byte lead-in blocks repeating the pack list from its start.

    Raises:
        ValueError: no packs, or not a whole number of packs.
    """
    symbols = packs_to_symbols(packs)
    if not symbols:
        raise ValueError("no CD-TEXT packs")
    need = count * BLOCK
    reps = -(-need // len(symbols))
    return (symbols * reps)[:need]


def packs_from_blocks(data: bytes) -> list[bytes]:
    """The distinct packs of lead-in blocks, in order, up to where the list repeats.

    Raises:
        ValueError: not a whole number of 96-byte blocks.
    """
    if len(data) % BLOCK:
        raise ValueError("lead-in R-W data is a whole number of 96-byte blocks")
    raw = symbols_to_packs(data)
    out: list[bytes] = []
    for i in range(0, len(raw), PACK_SIZE):
        pack = raw[i : i + PACK_SIZE]
        if out and pack == out[0]:
            break
        out.append(pack)
    return out
