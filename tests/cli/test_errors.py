"""Bad input: one line, a hint, the documented exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from openimapi import virtual

from .conftest import json_lines, run, run_process

NO_DISC = "openimapi: there is no disc in the drive"
HINT_BLANK = "hint: the data needs 0.6 MB: insert a blank CD-R (700 MB) or larger"


def _lines(result: object) -> list[str]:
    return result.stderr.splitlines()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("command", [["burn"], ["mkiso", "-o", "x.iso"]])
def test_missing_path(command: list[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    result = run(*command, missing)
    assert result.exit_code == 2
    assert _lines(result) == [f"openimapi: no such file or folder: {missing}", "hint: check the path"]
    assert "Traceback" not in result.output


def test_missing_image_for_write_and_verify(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.iso")
    for args in (["write", missing], ["verify", "--against", missing]):
        result = run(*args)
        assert result.exit_code == 2 and _lines(result)[0] == f"openimapi: no such file or folder: {missing}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    secret.chmod(0)
    result = run("burn", str(secret))
    assert result.exit_code == 2
    assert _lines(result) == [f"openimapi: cannot read {secret}: permission denied",
                              "hint: check its permissions (ls -l)"]


def test_not_an_iso(tmp_path: Path) -> None:
    bad = tmp_path / "bad.iso"
    bad.write_bytes(b"x" * 1000)
    result = run("write", str(bad))
    assert result.exit_code == 2
    assert _lines(result) == [f"openimapi: {bad} is not an ISO image (1000 bytes, not a multiple of 2048)",
                              "hint: give a .iso file (mkiso makes one)"]


def test_no_medium(tree: Path) -> None:
    virtual.create_drive("empty")
    result = run("burn", str(tree), "-d", "virtual:empty")
    assert result.exit_code == 3
    assert _lines(result) == [NO_DISC, HINT_BLANK]
    result = run("burn", str(tree), "-d", "virtual:empty", "--verbose")
    assert _lines(result)[0] == NO_DISC + " [E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202]"


def test_no_medium_json_error_event(tree: Path) -> None:
    virtual.create_drive("empty")
    result = run("burn", str(tree), "-d", "virtual:empty", "--json")
    assert result.exit_code == 3
    event = json_lines(result.stdout)[-1]
    assert event == {"event": "error", "code": 3, "message": "there is no disc in the drive",
                     "hint": HINT_BLANK.removeprefix("hint: "),
                     "hresult": "E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202"}


def test_wrong_medium(tree: Path, tmp_path: Path) -> None:
    iso = tmp_path / "pressed.iso"
    assert run("mkiso", str(tree), "-o", str(iso), "-q").exit_code == 0
    virtual.create_drive("rom").insert(iso)
    result = run("burn", str(tree), "-d", "virtual:rom")
    assert result.exit_code == 3
    assert _lines(result) == [
        "openimapi: the disc in the drive cannot take more data (it is write-protected, closed, unsupported)",
        "hint: insert a blank disc, or erase a rewritable one: openimapi erase"]
    result = run("erase", "-d", "virtual:rom")
    assert result.exit_code == 3 and _lines(result)[0].startswith("openimapi: the disc in the drive cannot be used")


def test_disc_full(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(900 * 1024 * 1024)  # sparse: never read, the image is too big first
    virtual.create_drive("small").insert("cd-r")
    result = run("burn", str(big), "-d", "virtual:small")
    assert result.exit_code == 4
    assert _lines(result) == ["openimapi: the data (944.3 MB) does not fit on the CD-R (737.0 MB free)",
                              "hint: the data needs 944.3 MB: insert a blank DVD+R (4.7 GB) or larger"]


def test_no_such_drive(tree: Path) -> None:
    result = run("info", "-d", "virtual:nosuch")
    assert result.exit_code == 6
    assert _lines(result)[-1] == "hint: list the drives with: openimapi drives"
    assert "nosuch" in _lines(result)[0]


def test_drive_locked_by_another_process(tree: Path) -> None:
    drive = virtual.create_drive("busy", "dvd-writer")
    drive.insert("dvd+r")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import openimapi,sys; r=openimapi.DiscRecorder2('virtual:busy');"
         "r.acquire_exclusive_access(False,'other-app'); print('held',flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run("burn", str(tree), "-d", "virtual:busy")
        assert result.exit_code == 5
        assert _lines(result) == [
            "openimapi: the drive is in use by another program: INQUIRY: device status 0x18 (RESERVATION CONFLICT: "
            "another initiator holds the device)",
            "hint: wait for it to finish, or close the program that holds the drive"]
    finally:
        holder.communicate("", timeout=20)
    assert drive.disc is not None and drive.disc.status == "blank"


def test_subprocess_bad_input_has_no_traceback(tmp_path: Path) -> None:
    result = run_process("burn", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"openimapi: no such file or folder: {tmp_path / 'nope'}",
                                          "hint: check the path"]
    result = run_process("burn")
    assert result.returncode == 2 and "give at least one file or folder" in result.stderr
    result = run_process("burn", "--verify", "sometimes", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "openimapi: Invalid value for '--verify': 'sometimes' is not one of 'none', 'quick', 'full'.",
        "hint: see openimapi burn --help"]
    result = run_process("brun", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["openimapi: No such command 'brun'. Did you mean 'burn'?",
                                          "hint: see openimapi --help"]
