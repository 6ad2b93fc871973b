"""WriteEngine2: raw sections at an address."""

from __future__ import annotations

from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.errors import SuccessCode

from .conftest import writer


def _format(rec: Any) -> None:
    """A first DiscFormat2Data write formats the BD-RE."""
    writer(rec).write(bytes(32 * 2048))


def test_write_section_with_streaming_write12(make_drive: Any) -> None:
    rec = make_drive("bd-re")
    _format(rec)
    eng = openimapi.WriteEngine2()
    assert eng.cancel_write() == SuccessCode.S_IMAPI_WRITE_NOT_IN_PROGRESS
    with pytest.raises(errors.E_INVALIDARG):
        eng.write_section(bytes(2048), 0, 1)
    eng.recorder = rec
    eng.use_streaming_write12 = True
    eng.starting_sectors_per_second = 75 * 40
    eng.ending_sectors_per_second = 75 * 40
    eng.bytes_per_sector = 2048
    with pytest.raises(errors.E_INVALIDARG):
        eng.bytes_per_sector = 2049
    with pytest.raises(errors.E_INVALIDARG):
        eng.starting_sectors_per_second = 0
    seen: list[Any] = []
    eng.add_listener(lambda sender, args: seen.append(args))
    data = openimapi.StreamPseudoRandomBased(96 * 2048, seed=9)
    eng.write_section(data, 64, 96)
    assert not eng.write_in_progress
    data.seek(0)
    assert rec.drive.read(64, 96) == data.read()
    assert seen and seen[-1].last_written_lba == 64 + 95 and seen[-1].start_lba == 64 and seen[-1].sector_count == 96
    with pytest.raises(errors.E_INVALIDARG):
        eng.write_section(bytes(2048), 0, 2)  # stream shorter than two sectors


def test_cancel_from_listener(make_drive: Any) -> None:
    rec = make_drive("bd-re")
    _format(rec)
    eng = openimapi.WriteEngine2()
    eng.recorder = rec
    eng.transfer_blocks = 1

    def listener(sender: Any, args: Any) -> None:
        with pytest.raises(errors.E_FAIL):
            sender.use_streaming_write12 = True
        if args.last_written_lba >= 10:
            assert sender.cancel_write() == SuccessCode.S_OK

    eng.add_listener(listener)
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        eng.write_section(openimapi.StreamZero(50_000 * 2048), 0, 50_000)
