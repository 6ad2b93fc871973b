"""DiscFormat2Data.test_write: page 05h Test Write, nothing recorded, only where media have it."""

from __future__ import annotations

from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA

from .conftest import vdrive, writer


def test_test_write_records_nothing_and_reports_progress(make_drive: Any) -> None:
    recorder = make_drive("cd-r", model="cd-writer")
    fmt = writer(recorder)
    fmt.test_write = True
    actions: list[int] = []
    fmt.add_listener(lambda _s, args: actions.append(int(args.current_action)))
    fmt.write(bytes(2048 * 64))
    assert WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA in actions
    assert WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING not in actions  # nothing to read back
    assert actions[-1] == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED
    assert vdrive().disc.status == "blank"
    fmt.test_write = False
    fmt.write(bytes(2048 * 64))
    assert vdrive().disc.status == "appendable"


def test_test_write_needs_cd_or_dvd_dash(make_drive: Any) -> None:
    recorder = make_drive("bd-r")
    fmt = writer(recorder)
    fmt.test_write = True
    with pytest.raises(errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED):
        fmt.write(bytes(2048 * 32))
    assert isinstance(recorder, openimapi.DiscRecorder2)
