"""Stream helpers and block ranges: contents, random access, documented errors."""

from __future__ import annotations

import io

import pytest

from openimapi import errors
from openimapi.engine import open_source
from openimapi.imapi2.streams import (
    BlockRange,
    BlockRangeList,
    StreamConcatenate,
    StreamInterleave,
    StreamPseudoRandomBased,
    StreamZero,
)


def test_stream_zero() -> None:
    z = StreamZero()
    assert z.size == 0 and z.read() == b""
    z.set_size(5000)
    assert z.read(10) == bytes(10) and z.tell() == 10
    assert len(z.read()) == 4990
    assert open_source(z).size == 5000
    with pytest.raises(errors.E_INVALIDARG):
        z.set_size(-1)


def test_prng_is_reproducible_and_random_access() -> None:
    a = StreamPseudoRandomBased(200_000, seed=7)
    whole = a.read()
    assert len(whole) == 200_000 and whole != bytes(200_000)
    b = StreamPseudoRandomBased(200_000)
    b.seed = 7
    b.seek(65_000)
    assert b.read(2_000) == whole[65_000:67_000]
    c = StreamPseudoRandomBased(200_000, seed=8)
    assert c.read(100) != whole[:100]
    assert a.seed == 7
    with pytest.raises(errors.E_NOTIMPL):
        _ = a.extended_seed
    with pytest.raises(errors.E_NOTIMPL):
        a.extended_seed = [1, 2]
    with pytest.raises(errors.E_INVALIDARG):
        a.seed = 1 << 32


def test_concatenate() -> None:
    s = StreamConcatenate()
    s.initialize(b"abc", io.BytesIO(b"defgh"))
    assert s.size == 8 and s.read() == b"abcdefgh"
    s.seek(2)
    assert s.read(3) == b"cde"
    s.initialize2([b"1", b"", StreamZero(2), b"9"])
    assert s.read() == b"1\x00\x009"
    with pytest.raises(errors.E_NOTIMPL):
        s.append(b"x")
    with pytest.raises(errors.E_NOTIMPL):
        s.append2([b"x"])
    with pytest.raises(errors.E_INVALIDARG):
        s.initialize2([])
    with pytest.raises(errors.E_INVALIDARG):
        s.initialize(b"a", 42)


def test_interleave() -> None:
    s = StreamInterleave()
    s.initialize([b"AAAAAA", b"bbbb"], [3, 2], 2)
    assert s.size == 10 and s.read() == b"AAAbbAAAbb"
    s.seek(4)
    assert s.read(4) == b"bAAA"
    with pytest.raises(errors.E_INVALIDARG):
        s.initialize([b"AAAAAA", b"bbb"], [3, 2], 2)
    with pytest.raises(errors.E_INVALIDARG):
        s.initialize([b"AA"], [2, 2], 2)
    with pytest.raises(errors.E_INVALIDARG):
        s.initialize([b"AA"], [0])


def test_block_ranges_travel_with_a_stream() -> None:
    ranges = BlockRangeList((BlockRange(0, 15), BlockRange(100, 100)))
    assert [(r.start_lba, r.end_lba) for r in ranges.block_ranges] == [(0, 15), (100, 100)]
    with pytest.raises(errors.E_INVALIDARG):
        BlockRange(5, 4)

    class WithRanges(io.BytesIO):
        block_ranges = ranges

    assert open_source(WithRanges(b"x" * 2048)).block_ranges == ((0, 15), (100, 100))
