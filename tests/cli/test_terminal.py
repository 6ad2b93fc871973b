"""A terminal session (pexpect, a real pty): the rich progress display, then Ctrl-C cancels
the burn through CancelWrite and the last line says what state the disc is in."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from openimapi import virtual

pexpect = pytest.importorskip("pexpect")


@pytest.mark.slow
def test_progress_and_ctrl_c(tmp_path: Path, home: Path) -> None:
    drive = virtual.create_drive("slow", "dvd-writer")
    drive.insert("cd-r")
    drive.paced = True  # writes take as long as at the chosen speed
    data = tmp_path / "data"
    data.mkdir()
    # at 10x a CD-R takes ~1.76 MB/s: 150 MB would take over a minute, so the burn is still
    # running when Ctrl-C arrives however loaded the machine is (a cancelled run stops early)
    (data / "big.bin").write_bytes(os.urandom(150_000_000))
    child = pexpect.spawn(sys.executable, ["-m", "openimapi", "burn", str(data), "-d", "virtual:slow", "--speed", "10"],
                          env={**os.environ, "OPENIMAPI_HOME": str(home), "COLUMNS": "120", "TERM": "xterm"},
                          encoding="utf-8", timeout=60, dimensions=(30, 120))
    child.expect(re.compile(r"burning 150\.\d MB to the CD-R in virtual:slow"))
    # the rich display: phase, percent, MB/s and x, time left, drive buffer fill
    child.expect(re.compile(r"writing\s.*\s(\d+\.\d)%\s+(\d+\.\d\d) MB/s\s+(\d+\.\d)x\s+\d+:\d\d left\s+buffer\s+\d+%"))
    percent, mb_s, x = (float(v) for v in child.match.groups())
    assert 0 < percent < 100 and mb_s > 0 and x > 0
    child.sendintr()
    child.expect("cancelling ...")
    child.expect("openimapi: burn cancelled; the disc is appendable: earlier sessions are intact and another "
                 "session can be added")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    disc = drive.disc
    assert disc is not None and disc.status == "appendable"
    assert not drive.medium_locked and drive.exclusive_owner is None
