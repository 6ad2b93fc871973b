"""Injected faults reach the documented IMAPI errors, from the API, from the CLI and from
another process; misuse gets the sense a real drive gives."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from openimapi import errors, transport, virtual
from openimapi.cli import cli
from openimapi.mmc import Command
from openimapi.mmc.sense_map import error_from_completion

from .host import Host

TUR = Command(bytes(6))
SET_SPEED = Command(bytes.fromhex("bb00ffffffff000000000000"))
WRITE = Command(bytes.fromhex("2a00000000000000 1000".replace(" ", "")), data_out=bytes(16 * 2048))


def _error(t: transport.Transport, command: Command) -> errors.ImapiError | None:
    return error_from_completion(command, t.execute(command))


@pytest.mark.parametrize(
    ("kind", "command", "expected"),
    [
        ("no-medium", TUR, errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA),
        ("becoming-ready", TUR, errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY),
        ("format-in-progress", TUR, errors.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS),
        ("busy", TUR, errors.E_IMAPI_RECORDER_MEDIA_BUSY),
        ("upside-down", TUR, errors.E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN),
        ("incompatible-medium", TUR, errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
        ("write-protected", WRITE, errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED),
        ("speed-mismatch", WRITE, errors.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH),
        ("speed-mismatch", SET_SPEED, errors.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH),
        ("loss-of-streaming", WRITE, errors.E_IMAPI_LOSS_OF_STREAMING),
        ("locked", TUR, errors.E_IMAPI_RECORDER_LOCKED),
    ],
)
def test_fault_reaches_its_hresult(kind: str, command: Command, expected: type[errors.ImapiError]) -> None:
    drive = virtual.create_drive("f")
    drive.insert("dvd+r")
    with transport.open("virtual:f") as t:
        t.execute(TUR)  # the unit attention of the insertion
        drive.inject_fault(kind)
        assert isinstance(_error(t, command), expected)
        assert _error(t, command) is None  # it fired once
        assert drive.faults == []


def test_transport_faults() -> None:
    drive = virtual.create_drive("f")
    with transport.open("virtual:f") as t:
        drive.inject_fault("timeout", after=1)
        t.execute(TUR)
        with pytest.raises(errors.DeviceTimeoutError):
            t.execute(TUR)
        drive.inject_fault("device-gone", count=None)
        for _ in range(2):
            with pytest.raises(errors.TransportError):
                t.execute(TUR)
        drive.clear_faults()
        t.execute(TUR)


def test_write_error_at_an_lba() -> None:
    drive = virtual.create_drive("f")
    drive.insert("bd-r")
    with transport.open("virtual:f") as t:
        t.execute(TUR)
        drive.inject_fault("write-error", lba=20)
        assert _error(t, WRITE) is None  # LBA 0-15
        bad = Command(bytes.fromhex("2a0000000010000010 00".replace(" ", "")), data_out=bytes(16 * 2048))
        done = t.execute(bad)
        assert done.check_condition
        err = error_from_completion(bad, done)
        assert err is not None and err.sense is not None
        assert err.sense.triple == (3, 0x0C, 0) and err.sense.information == 20


def test_fault_from_the_cli_hits_another_process() -> None:
    virtual.create_drive("f")
    virtual.open_drive("f").insert("cd-r")
    runner = CliRunner()
    result = runner.invoke(cli, ["virtual", "fault", "f", "becoming-ready", "--count", "2"])
    assert result.exit_code == 0, result.output
    code = (
        "from openimapi import transport\n"
        "from openimapi.mmc import Command\n"
        "from openimapi.mmc.sense import decode_sense\n"
        "t = transport.open('virtual:f')\n"
        "for _ in range(4): print(decode_sense(t.execute(Command(bytes(6))).sense))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:4] == ["UNIT_ATTENTION 6/28/00", "NOT_READY 2/04/01", "NOT_READY 2/04/01", "None"]


def test_misuse_answers() -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    h = Host("rec")
    try:
        assert h.sense("00 00 00 00 00 00") == (6, 0x29, 0)  # power on
        assert h.sense("2a 00 00 00 00 00 00 00 01 00", out=bytes(2048)) == (2, 0x3A, 1)  # no medium, tray closed
        bd = drive.insert("bd-re")  # a BD in a DVD drive
        assert h.sense("00 00 00 00 00 00") == (6, 0x28, 0)
        assert h.sense("00 00 00 00 00 00") == (2, 0x30, 0)  # incompatible medium
        drive.eject()
        assert h.sense("00 00 00 00 00 00") == (2, 0x3A, 2)  # tray open
        plus = drive.insert("dvd+r")
        h.settle()
        assert h.sense("2a 00 00 00 00 10 00 00 01 00", out=bytes(2048)) == (5, 0x21, 0x02)  # not the NWA
        assert h.sense("2a 00 00 23 05 40 00 00 10 00", out=bytes(32768)) == (5, 0x21, 0x00)  # past the end
        assert h.sense("28 00 00 00 00 00 00 00 01 00", 2048) == (5, 0x21, 0x00)  # nothing recorded
        assert h.sense("a1 00 00 00 00 00 00 00 00 00 00 00") == (5, 0x30, 0x05)  # BLANK of a DVD+R
        done = h.send("5b 00 07 00 00 00 00 00 00 00")  # reserved close function
        assert done.check_condition
        plus.write_protected = True
        assert h.sense("2a 00 00 00 00 00 00 00 01 00", out=bytes(2048)) == (7, 0x27, 0x00)
        drive.eject()
        virtual.create_drive("bd").insert(bd)
        h2 = Host("bd")
        h2.settle()
        write = "2a 00 00 00 00 00 00 00 01 00"
        assert h2.sense(write, out=bytes(2048)) == (5, 0x30, 0x10)  # unformatted BD-RE
        err = error_from_completion(Command(bytes.fromhex(write.replace(" ", "")), data_out=bytes(2048)),
                                    h2.send(write, out=bytes(2048)))
        assert isinstance(err, errors.E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED)
        h2.close()
    finally:
        h.close()


def test_paced_buffer_and_underrun() -> None:
    drive = virtual.create_drive("p", "cd-writer")
    drive.insert("cd-r")
    drive.paced = True
    h = Host("p")
    try:
        h.settle()
        h.ok("bb 00 00 b0 00 b0 00 00 00 00 00 00")  # SET CD SPEED: read and write 176 kB/s (1x)
        for lba in range(0, 512, 32):  # 1 MiB: fits the 2.3 MB buffer, drains in 6 s at 1x
            h.ok(f"2a 00 {lba:08x} 00 0020 00", out=bytes(32 * 2048))
        cap = h.ok("5c 00 00 00 00 00 00 00 0c 00", 12)
        length, free = int.from_bytes(cap[4:8], "big"), int.from_bytes(cap[8:12], "big")
        assert length == 2_394_336 and free < length - 512 * 1024  # the buffer holds the writes
        h.ok("bb 00 ff ff ff ff 00 00 00 00 00 00")  # SET CD SPEED: maximum (48x drains 1 MiB in 0.13 s)
        time.sleep(0.5)  # the buffer runs dry while the track is open, BUFE is off
        assert h.sense("2a 00 00 00 02 00 00 00 10 00", out=bytes(16 * 2048)) == (3, 0x0C, 0x09)
        assert int.from_bytes(h.ok("5c 00 00 00 00 00 00 00 0c 00", 12)[8:12], "big") == length
    finally:
        h.close()
