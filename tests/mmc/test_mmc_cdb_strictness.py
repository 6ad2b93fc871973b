"""Strict CDB parsing of the recording, reading and drive-control codecs: whatever the
bytes, ``from_cdb`` either refuses them with InvalidCdbField (pointing inside the CDB) or
returns a request that encodes back to the very same CDB, so no bit is silently ignored.
(Property test; the field layouts are those of MMC-6, checked byte for byte elsewhere.)
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc.codec import InvalidCdbField
from openimapi.mmc.cuesheet import SendCueSheet
from openimapi.mmc.drive import GetEventStatusNotification, MechanismStatus, ReadBufferCapacity, SendOpcInformation
from openimapi.mmc.read import Read10, Read12, ReadCd
from openimapi.mmc.speed import SetCdSpeed, SetStreaming
from openimapi.mmc.write import (
    Blank,
    CloseTrackSession,
    FormatUnit,
    ReserveTrack,
    SynchronizeCache,
    Verify10,
    Write10,
    Write12,
)

CLASSES: list[tuple[Any, int]] = [
    (Write10, 10),
    (Write12, 12),
    (Verify10, 10),
    (SynchronizeCache, 10),
    (CloseTrackSession, 10),
    (ReserveTrack, 10),
    (Blank, 12),
    (FormatUnit, 6),
    (Read10, 10),
    (Read12, 12),
    (ReadCd, 12),
    (SendCueSheet, 10),
    (GetEventStatusNotification, 10),
    (MechanismStatus, 12),
    (ReadBufferCapacity, 10),
    (SendOpcInformation, 10),
    (SetCdSpeed, 12),
    (SetStreaming, 12),
]


def _reencode(req: Any) -> bytes:
    if hasattr(req, "to_cdb"):
        return bytes(req.to_cdb())
    return bytes(req.to_command().cdb)


# mostly zero bytes, so that valid CDBs are drawn often and both outcomes are exercised
_byte = st.one_of(st.just(0), st.just(0), st.integers(0, 255), st.sampled_from([1, 2, 0x10, 0x80]))


@pytest.mark.parametrize(("cls", "length"), CLASSES, ids=[c.__name__ for c, _ in CLASSES])
@given(body=st.lists(_byte, min_size=11, max_size=11))
def test_any_cdb_is_rejected_or_reencoded_exactly(cls: Any, length: int, body: list[int]) -> None:
    cdb = bytes((cls.OPCODE, *body[: length - 1]))
    try:
        req = cls.from_cdb(cdb)
    except InvalidCdbField as exc:
        assert 0 <= exc.byte < length and exc.in_cdb
        return
    assert _reencode(req) == cdb


@pytest.mark.parametrize(("cls", "length"), CLASSES, ids=[c.__name__ for c, _ in CLASSES])
def test_all_zero_cdb_parses(cls: Any, length: int) -> None:
    """The all-zero CDB is valid for every command but FORMAT UNIT (format code 001b)."""
    cdb = bytes((cls.OPCODE,)) + bytes(length - 1)
    if cls is FormatUnit:
        with pytest.raises(InvalidCdbField):
            cls.from_cdb(cdb)
        return
    assert _reencode(cls.from_cdb(cdb)) == cdb
