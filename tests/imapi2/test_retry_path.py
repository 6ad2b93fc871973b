"""The command path waits out transient drive conditions with the injected clock (no sleeps)."""

from __future__ import annotations

from typing import Any

import pytest

from openimapi import errors
from openimapi.imapi2._drive import Drive

from .conftest import vdrive


class Clock:
    """A fake monotonic clock that advances only when slept on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_becoming_ready_is_waited_out(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    clock = Clock()
    drive = Drive(rec.drive.transport, sleep=clock.sleep, clock=clock)
    vdrive().inject_fault("becoming-ready", count=3)
    assert drive.disc_info().disc_status == 0  # blank BD-R, after three retries
    assert len(clock.sleeps) == 3 and clock.sleeps == sorted(clock.sleeps)
    assert vdrive().faults == []


def test_becoming_ready_past_the_budget_is_the_documented_error(make_drive: Any) -> None:
    from openimapi.engine import device

    rec = make_drive("bd-r")
    clock = Clock()
    drive = Drive(rec.drive.transport, sleep=clock.sleep, clock=clock)
    vdrive().inject_fault("becoming-ready", count=None)
    with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY):
        drive.disc_info()
    assert device.TRANSIENT_WAIT <= clock.now < device.TRANSIENT_WAIT + 2
    vdrive().clear_faults()


def test_long_write_in_progress_is_waited_out(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    clock = Clock()
    drive = Drive(rec.drive.transport, sleep=clock.sleep, clock=clock)
    vdrive().inject_fault("busy", count=2)
    drive.require_medium()
    assert len(clock.sleeps) == 2


def test_unit_attention_after_a_medium_change_is_resent(make_drive: Any) -> None:
    from openimapi.mmc import disc
    from openimapi.mmc.sense import SenseKey, decode_sense

    rec = make_drive("bd-r")
    drive = rec.drive
    drive.require_medium()
    vdrive().eject()
    vdrive().insert("dvd+r")
    first = drive.transport.execute(disc.ReadDiscInformation(allocation_length=34).to_command())
    sense = decode_sense(first.sense)
    assert sense is not None and sense.key == SenseKey.UNIT_ATTENTION  # the drive reports the change once ...
    vdrive().eject()
    vdrive().insert("bd-r")
    assert drive.disc_info().disc_status == 0  # ... and the command path resends past it
