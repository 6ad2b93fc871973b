"""ECMA-130 data sectors checked by independent implementations: every EDC equals
crcmod's CRC with the ECMA-130 polynomial, and every P and Q codeword has zero syndromes
under reedsolo's GF(2^8) (polynomial 0x11D) arithmetic."""

from __future__ import annotations

import crcmod
import numpy as np
import pytest
import reedsolo

from openimapi.cd import (
    SYNC,
    compute_edc,
    encode_mode1,
    encode_mode2_form1,
    encode_mode2_form2,
    lba_to_header_msf,
)

# ECMA-130 14.3: P(x) = (x^16 + x^15 + x^2 + 1)(x^16 + x^2 + x + 1), LSB first, zero start
EDC = crcmod.mkCrcFun(0x18001801B, initCrc=0, rev=True, xorOut=0)


@pytest.fixture(scope="module", autouse=True)
def _gf() -> None:
    reedsolo.init_tables(0x11D)


def _syndromes_ok(codeword: list[int]) -> bool:
    syn = reedsolo.rs_calc_syndromes(bytearray(codeword), 2, fcr=0, generator=2)
    return not any(syn[1:])


def _all_codewords_ok(sector: np.ndarray) -> int:
    """Number of P and Q codewords (of 2 x (43 + 26)) with non-zero syndromes."""
    body = sector[12:]
    bad = 0
    for plane in range(2):
        for col in range(43):
            cw = [int(body[2 * (43 * k + col) + plane]) for k in range(26)]
            bad += not _syndromes_ok(cw)
        for diag in range(26):
            words = [(44 * k + 43 * diag) % 1118 for k in range(43)] + [1118 + diag, 1144 + diag]
            bad += not _syndromes_ok([int(body[2 * w + plane]) for w in words])
    return bad


def _data(n: int, seed: int = 7) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n * 2048, dtype=np.uint8).tobytes()


def test_mode1_layout_edc_and_ecc() -> None:
    data = _data(6)
    sectors = encode_mode1(data, 16)
    assert sectors.shape == (6, 2352)
    for i, s in enumerate(sectors):
        raw = s.tobytes()
        assert raw[:12] == SYNC
        assert raw[15] == 1
        assert raw[16:2064] == data[i * 2048 : (i + 1) * 2048]
        assert int.from_bytes(raw[2064:2068], "little") == EDC(raw[:2064])
        assert raw[2068:2076] == bytes(8)
        assert _all_codewords_ok(s) == 0


def test_a_flipped_byte_breaks_a_syndrome() -> None:
    s = encode_mode1(_data(1), 0)[0].copy()
    s[500] ^= 0x40
    assert _all_codewords_ok(s) > 0


def test_header_is_absolute_time_in_bcd() -> None:
    # LBA 0 is 00:02:00; LBA 4499 + 150 = 4649 = 01:01:74
    assert lba_to_header_msf([0, 4499]).tolist() == [[0x00, 0x02, 0x00], [0x01, 0x01, 0x74]]
    s = encode_mode1(bytes(2048), 4499)[0]
    assert s[12:16].tolist() == [0x01, 0x01, 0x74, 0x01]
    # lead-in: LBA -22650 is 95:00:00
    assert lba_to_header_msf([-22650]).tolist() == [[0x95, 0x00, 0x00]]
    with pytest.raises(ValueError):
        lba_to_header_msf([-45151])


def test_mode2_form1_edc_covers_subheader_and_ecc_uses_zero_header() -> None:
    data = _data(2, seed=3)
    sectors = encode_mode2_form1(data, 100, subheader=b"\x01\x02\x08\x00")
    for s in sectors:
        raw = s.tobytes()
        assert raw[15] == 2
        assert raw[16:20] == raw[20:24] == b"\x01\x02\x08\x00"
        assert int.from_bytes(raw[2072:2076], "little") == EDC(raw[16:2072])
        zeroed = s.copy()
        zeroed[12:16] = 0
        assert _all_codewords_ok(zeroed) == 0


def test_mode2_form2_edc() -> None:
    data = np.random.default_rng(5).integers(0, 256, 2324 * 3, dtype=np.uint8).tobytes()
    sectors = encode_mode2_form2(data, 0)
    for i, s in enumerate(sectors):
        raw = s.tobytes()
        assert raw[18] & 0x20  # form 2 bit of the submode
        assert raw[24:2348] == data[i * 2324 : (i + 1) * 2324]
        assert int.from_bytes(raw[2348:2352], "little") == EDC(raw[16:2348])


def test_edc_of_arbitrary_blocks() -> None:
    blocks = np.random.default_rng(9).integers(0, 256, (5, 300), dtype=np.uint8)
    assert compute_edc(blocks).tolist() == [EDC(b.tobytes()) for b in blocks]


def test_bad_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2048"):
        encode_mode1(bytes(2047), 0)
    with pytest.raises(ValueError, match="subheader"):
        encode_mode2_form1(bytes(2048), 0, subheader=b"\0")
