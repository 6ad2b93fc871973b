"""Exclusive access and medium locking hold across processes (file locks)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from openimapi import errors, transport, virtual
from openimapi.mmc import Command, ScsiStatus
from openimapi.mmc.sense_map import error_from_completion

HOLDER = textwrap.dedent(
    """
    import sys
    from openimapi import transport
    t = transport.open("virtual:d1")
    t.acquire_exclusive("burner-A")
    print("held", flush=True)
    sys.stdin.readline()
    """
)


def _holder() -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_two_processes_exclusive_access() -> None:
    drive = virtual.create_drive("d1")
    drive.insert("dvd+r")
    proc = _holder()
    try:
        with transport.open("virtual:d1") as t:
            assert t.exclusive_owner == "burner-A"  # type: ignore[attr-defined]
            with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED, match="burner-A"):
                t.acquire_exclusive("burner-B")  # type: ignore[attr-defined]
            write = Command(bytes([0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0]), data_out=bytes(2048))
            busy = t.execute(write)
            assert busy.status == ScsiStatus.RESERVATION_CONFLICT
            assert isinstance(error_from_completion(write, busy), errors.E_IMAPI_RECORDER_LOCKED)
            assert drive.exclusive_owner == "burner-A"
            with pytest.raises(virtual.MediumLocked):
                virtual.remove_drive("d1")
    finally:
        proc.kill()
        proc.communicate()
    # the holder died: its lock went with it
    with transport.open("virtual:d1") as t:
        assert t.exclusive_owner is None  # type: ignore[attr-defined]
        t.acquire_exclusive("burner-B")  # type: ignore[attr-defined]
        assert t.exclusive_owner == "burner-B"  # type: ignore[attr-defined]
        done = t.execute(Command(bytes([0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0]), data_out=bytes(2048)))
        assert done.status in (0, 2)
        t.release_exclusive()  # type: ignore[attr-defined]
        assert t.exclusive_owner is None  # type: ignore[attr-defined]


def test_released_on_close() -> None:
    virtual.create_drive("d1")
    t1 = transport.open("virtual:d1")
    t1.acquire_exclusive("one")  # type: ignore[attr-defined]
    t2 = transport.open("virtual:d1")
    with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED):
        t2.acquire_exclusive("two")  # type: ignore[attr-defined]
    t1.close()
    t2.acquire_exclusive("two")  # type: ignore[attr-defined]
    t2.close()


def test_locked_fault_refuses_exclusive_access() -> None:
    drive = virtual.create_drive("d1")
    drive.inject_fault("locked")
    with transport.open("virtual:d1") as t:
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED, match="injected"):
            t.acquire_exclusive("me")  # type: ignore[attr-defined]
        t.acquire_exclusive("me")  # type: ignore[attr-defined]
        assert t.exclusive_owner == "me"  # type: ignore[attr-defined]
        t.release_exclusive()  # type: ignore[attr-defined]
