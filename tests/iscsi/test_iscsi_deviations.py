"""Pins each row of docs/tgt-deviations.md: if tgt changes, the table must change too."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_iscsi_raw import (
    close_track_session,
    get_configuration,
    read10,
    read_disc_information,
    ready,
    sense_of,
    tur,
    write10,
)
from tgt_server import Target, Tgt

from openimapi import errors, transport
from openimapi.engine.device import run
from openimapi.mmc import Command
from openimapi.mmc.toc import Toc


def read_toc(fmt: int, length: int, msf: bool = False) -> Command:
    return Command(bytes([0x43, 0x02 if msf else 0, fmt, 0, 0, 0, 0]) + length.to_bytes(2, "big") + b"\0",
                   data_in_length=length, name="READ TOC")


def read_track_information(track: int = 1) -> Command:
    return Command(bytes([0x52, 1, 0, 0]) + track.to_bytes(2, "big") + bytes([0, 0, 48, 0]), data_in_length=48)


def test_closed_disc_deviations(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        before = drive.execute(read_track_information())
        assert drive.execute(write10(0, bytes(16 * 2048))).ok
        after = drive.execute(read_track_information())
        assert before.data[12:16] == after.data[12:16] == bytes(4)  # row 7: NWA stays 0
        assert drive.execute(write10(100, bytes(2048))).ok  # row 7: no sequential check
        assert sense_of(drive.execute(read10(0, 1))) == (0x5, 0x21, 0x00)  # row 8
        assert drive.execute(close_track_session(1, 1)).ok  # a track close only...
        info = drive.execute(read_disc_information())
        assert info.data[2] & 0x03 == 2 and (info.data[2] >> 2) & 0x03 == 3  # row 3: ...finalizes
        profile = drive.execute(get_configuration(8))
        assert int.from_bytes(profile.data[6:8], "big") == 0x0010  # row 3: now a DVD-ROM
        assert sense_of(drive.execute(write10(101, bytes(2048)))) == (0x5, 0x30, 0x05)
        toc = drive.execute(read_toc(0, 0xFFFE))
        declared = int.from_bytes(toc.data[:2], "big") + 2
        assert declared == 20 and len(toc.data) == 18 and toc.residual == 0xFFFE - 18  # row 1
        parsed = Toc.from_bytes(toc.data)  # forgiving: the partial lead-out is dropped
        assert [entry.track for entry in parsed.entries] == [1] and parsed.entries[0].address == 0


def test_command_set_deviations(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        assert sense_of(drive.execute(read_toc(2, 64, msf=True))) == (0x2, 0x24, 0x00)  # row 2
        slept: list[float] = []
        with pytest.raises(errors.ImapiError) as caught:
            run(drive, read_toc(2, 64, msf=True), sleep=slept.append)
        assert not isinstance(caught.value, errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA | errors.E_IMAPI_RECORDER_MEDIA_BUSY)
        assert slept == []  # not waited on as if the drive were becoming ready
        gesn = drive.execute(Command(bytes([0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0]), data_in_length=8))
        assert sense_of(gesn) == (0x5, 0x20, 0x00) and len(gesn.data) == 8  # row 4 and row 10
        for cdb in (
            bytes([0x53, 0, 0, 0, 0, 0, 0, 0, 16, 0]),  # RESERVE TRACK
            bytes([0x54, 1, 0, 0, 0, 0, 0, 0, 0, 0]),  # SEND OPC INFORMATION
            bytes([0xA1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),  # BLANK
        ):
            assert sense_of(drive.execute(Command(cdb))) == (0x5, 0x20, 0x00)  # row 5


def test_no_unit_attention_on_medium_change(tgt: Tgt, empty_tray: Target, tmp_path: Path) -> None:
    backing = tmp_path / "inserted.img"
    backing.touch()
    with transport.open(empty_tray.address()) as drive:
        assert sense_of(drive.execute(tur())) == (0x6, 0x29, 0x00)  # power on, new nexus
        assert sense_of(drive.execute(tur())) == (0x2, 0x3A, 0x00)
        tgt.tgtadm("--mode", "logicalunit", "--op", "update", "--tid", str(empty_tray.tid), "--lun", "1",
                   "--params", f"path={backing}")
        assert drive.execute(tur()).ok  # row 6: MMC wants 6/28/00 first
        assert int.from_bytes(drive.execute(get_configuration(8)).data[6:8], "big") == 0x001B


def test_reading_past_the_end_of_an_empty_closed_disc(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        assert drive.execute(close_track_session(2)).ok
        assert sense_of(drive.execute(read10(10, 1))) == (0x3, 0x11, 0x00)  # row 9
