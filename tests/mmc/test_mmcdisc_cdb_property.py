"""Every request codec of GET CONFIGURATION, disc/track information, capacities, TOC, disc
structure and performance: any valid request survives CDB -> parse unchanged, and the CDB
carries the registered opcode and a matching data-in length."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from openimapi.mmc import (
    GetConfiguration,
    GetPerformance,
    ReadCapacity,
    ReadDiscInformation,
    ReadDiscStructure,
    ReadFormatCapacities,
    ReadToc,
    ReadTrackInformation,
)
from openimapi.mmc.codec import OPCODES

U16 = st.integers(0, 0xFFFF)
U32 = st.integers(0, 2**32 - 1)

REQUESTS = st.one_of(
    st.builds(GetConfiguration, st.integers(0, 2), U16, U16),
    st.builds(ReadDiscInformation, st.integers(0, 7), U16),
    st.builds(ReadTrackInformation, st.just(0), st.integers(-(2**31), 2**31 - 1), st.booleans(), U16),
    st.builds(ReadTrackInformation, st.integers(1, 2), U32, st.booleans(), U16),
    st.builds(ReadCapacity),
    st.builds(ReadFormatCapacities, U16),
    st.builds(ReadToc, st.integers(0, 5), st.booleans(), st.integers(0, 255), U16),
    st.builds(ReadDiscStructure, st.integers(0, 255), st.integers(0, 15), U32, st.integers(0, 255), U16,
              st.integers(0, 3)),
    st.builds(GetPerformance, st.integers(0, 255), st.integers(0, 31), U32, U16),
)


@settings(max_examples=300, deadline=None)
@given(REQUESTS)
def test_cdb_round_trip(request: Any) -> None:
    command = request.to_command()
    assert OPCODES[command.cdb[0]] is type(request)
    assert type(request).from_cdb(command.cdb) == request
    assert command.data_in_length == getattr(request, "allocation_length", 8)
