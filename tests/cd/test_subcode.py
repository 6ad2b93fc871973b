"""Q and P subcode of the program area, checked against the Red Book layout by hand-made
vectors (no public capture of raw subcode was available)."""

from __future__ import annotations

import numpy as np
import pytest

from openimapi.cd.subcode import (
    SubcodeTrack,
    encode_isrc,
    encode_mcn,
    interleave_pw,
    p_channel,
    program_area_q,
    q_crc_ok,
)


def _tracks() -> list[SubcodeTrack]:
    return [
        SubcodeTrack(1, 0, isrc="US-ABC-26-00001"),
        SubcodeTrack(2, 1000, pregap=150, indexes=(1200,)),
        SubcodeTrack(3, 3000, pregap=0, control=0x4),
    ]


def test_mode1_fields_and_crc() -> None:
    q = program_area_q(_tracks(), 4000)
    assert q.shape == (4150, 12)
    assert all(q_crc_ok(r.tobytes()) for r in q)

    def at(lba: int) -> bytes:
        return q[lba + 150].tobytes()

    # LBA -1: track 1 index 0, relative time counting down to 00:00:01, absolute 00:01:74
    assert at(-1)[:10] == bytes([0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74])
    # LBA 999: track 2 pause, one frame before its start
    assert at(999)[:3] == bytes([0x01, 0x02, 0x00]) and at(999)[3:6] == bytes([0, 0, 1])
    # LBA 1000: track 2 index 1, relative 00:00:00, absolute 00:15:25 (1150 frames)
    assert at(1000)[:10] == bytes([0x01, 0x02, 0x01, 0, 0, 0, 0, 0x00, 0x15, 0x25])
    # LBA 1200: index 2; relative time keeps counting from index 1
    assert at(1200)[2] == 0x02 and at(1200)[3:6] == bytes([0x00, 0x02, 0x50])
    # track 3 is a data track: CONTROL 4
    assert at(3000)[0] == 0x41 and at(3000)[1] == 0x03


def test_mcn_and_isrc_replace_one_in_a_hundred() -> None:
    q = program_area_q(_tracks(), 4000, mcn="0123456789012")
    modes = q[:, 0] & 0x0F
    absf = np.arange(-150, 4000) + 150
    assert np.all(modes[absf % 100 == 0] == 2)
    assert bytes(q[0, 1:9]) == encode_mcn("0123456789012")
    isrc_rows = np.nonzero(modes == 3)[0]
    assert len(isrc_rows) > 0 and np.all(absf[isrc_rows] % 100 == 50)
    assert np.all(isrc_rows + -150 < 1000)  # only within track 1
    assert all(q_crc_ok(r.tobytes()) for r in q)


def test_isrc_and_mcn_encoding() -> None:
    # U=0x25 S=0x23 A=0x11 B=0x12 C=0x13 -> 30 bits, 2 zero bits; then digits 2600001 and a 0 nibble
    bits = (0x25 << 24) | (0x23 << 18) | (0x11 << 12) | (0x12 << 6) | 0x13
    assert encode_isrc("US-ABC-26-00001") == (bits << 2).to_bytes(4, "big") + bytes([0x26, 0x00, 0x00, 0x10])
    assert encode_mcn("0123456789012") == bytes([0x01, 0x23, 0x45, 0x67, 0x89, 0x01, 0x20, 0x00])
    with pytest.raises(ValueError):
        encode_isrc("XX")
    with pytest.raises(ValueError):
        encode_mcn("12")


def test_p_channel_and_raw_interleave() -> None:
    tracks = _tracks()
    p = p_channel(tracks, 4000)
    assert p[:150].all() and not p[150:1000 - 150 + 150].any()
    assert p[850 + 150 : 1000 + 150].all() and not p[1000 + 150 :].any()
    q = program_area_q(tracks, 4000)
    raw = interleave_pw(p, q)
    assert raw.shape == (4150, 96)
    # Q bits come back out of bit 6, P out of bit 7
    assert np.array_equal(np.packbits((raw >> 6) & 1, axis=1), q)
    assert np.array_equal(raw[:, 0] >> 7, p)


def test_bad_track_lists() -> None:
    with pytest.raises(ValueError):
        program_area_q([], 100)
    with pytest.raises(ValueError):
        program_area_q([SubcodeTrack(1, 0), SubcodeTrack(3, 500)], 1000)
    with pytest.raises(ValueError):
        SubcodeTrack(1, 10, indexes=(5,))
