"""DiscFormat2Erase on the virtual recorder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT

from .conftest import vdrive, writer


def _eraser(rec: Any, full: bool = False) -> openimapi.DiscFormat2Erase:
    er = openimapi.DiscFormat2Erase()
    er.recorder = rec
    er.client_name = "pytest"
    er.full_erase = full
    return er


@pytest.mark.parametrize("full", [False, True])
def test_cd_rw_blank(make_drive: Any, full: bool) -> None:
    rec = make_drive("cd-rw", model="cd-writer")
    fmt = writer(rec)
    fmt.force_media_to_be_closed = True
    fmt.write(bytes(300 * 2048))
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
    with pytest.raises(errors.E_IMAPI_DF2DATA_MEDIA_NOT_BLANK):
        fmt.write(bytes(2048))
    er = _eraser(rec, full)
    assert er.current_physical_media_type == PT.IMAPI_MEDIA_TYPE_CDRW
    updates: list[tuple[int, int]] = []
    er.add_listener(lambda sender, elapsed, total: updates.append((elapsed, total)))
    er.erase_media()
    assert updates and all(e <= t for e, t in updates)
    assert fmt.media_physically_blank
    fmt.write(bytes(300 * 2048))


def test_dvd_plus_rw_quick_erase_by_writing(make_drive: Any) -> None:
    rec = make_drive("dvd+rw", model="dvd-writer")
    fmt = writer(rec)
    fmt.write(b"\x07" * (4096 * 2048))
    assert not fmt.media_heuristically_blank or rec.drive.read(0, 1) == b"\x07" * 2048
    _eraser(rec).erase_media()
    assert rec.drive.read(0, 2048) == bytes(2048 * 2048)


def test_erase_errors(make_drive: Any, tmp_path: Path) -> None:
    er = openimapi.DiscFormat2Erase()
    with pytest.raises(errors.E_IMAPI_RECORDER_REQUIRED):
        er.erase_media()
    rec = make_drive("bd-r")
    er.recorder = rec
    with pytest.raises(errors.E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID):
        er.erase_media()
    with pytest.raises(errors.E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID):
        er.client_name = "bad\nname"
    er.client_name = "pytest"
    with pytest.raises(errors.E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED):
        er.erase_media()
    other = openimapi.DiscRecorder2("virtual:d1")
    try:
        with pytest.raises(errors.E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED):
            er.recorder = other
    finally:
        other.close()
    er.recorder = None
    assert er.recorder is None


def test_erase_failures_at_each_step(make_drive: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A transport timeout injected at each successive command of an erase: spin-up, BLANK
    and the polling each fail with their documented code; exclusive access is always freed."""
    import openimapi.imapi2.erase as erase_module

    rec = make_drive("cd-rw", model="cd-writer")
    er = _eraser(rec)
    seen = set()
    for after in range(10):
        vdrive().inject_fault("timeout", count=1, after=after)
        try:
            er.erase_media()
        except errors.ImapiError as exc:
            seen.add(type(exc))
        vdrive().clear_faults()
        assert not rec.exclusive.held
    assert errors.E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND in seen
    assert errors.E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND in seen
    assert errors.E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE in seen
    assert seen <= {
        errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT,
        errors.E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND,
        errors.E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND,
        errors.E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE,
    }
    # a drive that stays busy: the one-hour limit (shortened here)
    monkeypatch.setattr(erase_module, "ONE_HOUR", 0.3)
    vdrive().inject_fault("busy", count=None, after=3)
    with pytest.raises(errors.E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR):
        er.erase_media()
    vdrive().clear_faults()
    assert not rec.exclusive.held
