"""Raw SCSI/MMC commands through the iSCSI transport to tgt's MMC emulation.

The scenario of a DVD+R recording (identify, write an ISO with WRITE(10), SYNCHRONIZE
CACHE, CLOSE TRACK/SESSION) and its error paths, with CDBs from the openimapi.mmc codecs
(built by hand from MMC-6 where no codec exists yet), checked against tgt's answers and
against the backing file read by independent readers (pycdlib and, when installed,
xorriso).
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pycdlib
import pytest
from tgt_server import Target, Tgt

from openimapi import transport
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.read import Read10
from openimapi.mmc.sense import decode_sense
from openimapi.mmc.spc import Inquiry, InquiryData, PreventAllowMediumRemoval, StartStopUnit, TestUnitReady
from openimapi.mmc.write import CloseFunction, CloseTrackSession, SynchronizeCache, Write10

BLOCK = 2048


def inquiry(length: int = 96) -> Command:
    return Inquiry(allocation_length=length).to_command()


def tur() -> Command:
    return TestUnitReady().to_command()


def read_capacity() -> Command:
    return Command(bytes([0x25]) + bytes(9), data_in_length=8, name="READ CAPACITY")


def write10(lba: int, data: bytes) -> Command:
    return Write10(lba, len(data) // BLOCK, data).to_command(timeout=30)


def read10(lba: int, blocks: int) -> Command:
    return Read10(lba, blocks).to_command()


def get_configuration(length: int = 8) -> Command:
    return Command(bytes([0x46, 0, 0, 0, 0, 0, 0]) + length.to_bytes(2, "big") + b"\0", data_in_length=length)


def read_disc_information() -> Command:
    return Command(bytes([0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0]), data_in_length=34, name="READ DISC INFORMATION")


def close_track_session(function: int, number: int = 0) -> Command:
    return CloseTrackSession(CloseFunction(function), number).to_command(timeout=60)


def sense_of(completion: Completion) -> tuple[int, int, int]:
    assert completion.status == ScsiStatus.CHECK_CONDITION, completion
    sense = decode_sense(completion.sense)
    assert sense is not None
    return sense.key, sense.asc, sense.ascq


def ready(drive: transport.Transport) -> None:
    """Clear the power-on unit attention every new I_T nexus gets first."""
    for _ in range(3):
        if drive.execute(tur()).ok:
            return
    raise AssertionError("drive never became ready")


def make_iso(files: dict[str, bytes]) -> bytes:
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, vol_ident="OPENIMAPI_PEER")
    for name, data in files.items():
        iso.add_fp(io.BytesIO(data), len(data), f"/{name.upper()};1")
    out = io.BytesIO()
    iso.write_fp(out)
    iso.close()
    return out.getvalue()


def test_inquiry_names_a_removable_cd_dvd_device(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        answer = drive.execute(inquiry(96))
    assert answer.ok
    additional = answer.data[4] + 5
    assert len(answer.data) == min(96, additional)
    assert answer.residual == 96 - len(answer.data)  # tgt reports the underflow
    data = InquiryData.from_bytes(answer.data)
    assert data.peripheral_device_type == 5 and data.rmb  # a removable CD/DVD device
    assert (data.vendor, data.product) == ("IET", "VIRTUAL-CDROM")


def test_first_command_of_a_session_gets_the_power_on_unit_attention(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        assert sense_of(drive.execute(tur())) == (0x6, 0x29, 0x00)
        assert drive.execute(tur()).ok


def test_blank_file_is_a_blank_dvd_plus_r(blank_dvd: Target) -> None:
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        config = drive.execute(get_configuration(8))
        info = drive.execute(read_disc_information())
    assert config.ok and int.from_bytes(config.data[6:8], "big") == 0x001B  # DVD+R
    assert info.ok and info.data[2] & 0x03 == 0  # disc status: blank


def test_write_an_iso_to_a_blank_dvd_plus_r_and_read_it_back(blank_dvd: Target, tmp_path: Path) -> None:
    files = {f"file{i}.bin": bytes([i]) * (1000 + 40_000 * i) for i in range(6)}
    image = make_iso(files)
    assert len(image) % BLOCK == 0
    chunk = 32 * BLOCK  # 64 KiB: immediate data, then R2Ts
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        for offset in range(0, len(image), chunk):
            done = drive.execute(write10(offset // BLOCK, image[offset : offset + chunk]))
            assert done.ok and done.residual == 0, done
        assert drive.execute(SynchronizeCache().to_command(timeout=60)).ok
        assert drive.execute(close_track_session(1, 1)).ok
        assert drive.execute(close_track_session(2)).ok
        info = drive.execute(read_disc_information())
        assert info.ok and info.data[2] & 0x03 == 2  # complete (tgt finalizes on any close)
        capacity = drive.execute(read_capacity())
        last_lba, block = struct.unpack(">II", capacity.data)
        assert (last_lba + 1) * block == len(image) and block == BLOCK
        blocks = len(image) // BLOCK
        back = b"".join(
            drive.execute(read10(lba, min(128, blocks - lba))).data for lba in range(0, blocks, 128)
        )
    assert back == image
    backing = blank_dvd.backing()
    assert backing.read_bytes() == image
    reader = pycdlib.PyCdlib()
    reader.open(str(backing))
    try:
        for name, data in files.items():
            out = io.BytesIO()
            reader.get_file_from_iso_fp(out, iso_path=f"/{name.upper()};1")
            assert out.getvalue() == data
    finally:
        reader.close()
    if shutil.which("xorriso"):
        listing = subprocess.run(
            ["xorriso", "-indev", str(backing), "-find", "/", "-type", "f"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        found = sorted(line.strip("'").lower() for line in listing.stdout.split() if line.startswith("'/"))
        assert found == sorted(f"'/{name}".strip("'") for name in files)


@pytest.mark.parametrize(
    "params",
    [
        {},  # tgt's defaults: InitialR2T=Yes, ImmediateData=Yes
        {"InitialR2T": "No"},  # unsolicited Data-Out PDUs up to FirstBurstLength
        {"ImmediateData": "No", "InitialR2T": "Yes"},  # every byte on an R2T
        {"ImmediateData": "No", "InitialR2T": "No", "FirstBurstLength": 16384, "MaxBurstLength": 32768},
        {"MaxRecvDataSegmentLength": 4096, "MaxBurstLength": 16384},
    ],
    ids=["default", "unsolicited", "r2t-only", "small-bursts", "small-pdus"],
)
def test_data_out_variants_deliver_every_byte(tgt: Tgt, tmp_path: Path, params: dict[str, object]) -> None:
    backing = tmp_path / "blank.img"
    backing.touch()
    target = tgt.add_target({1: backing})
    try:
        for name, value in params.items():
            tgt.set_target_param(target, name, str(value))
        payload = bytes((i * 7 + i // 2048) & 0xFF for i in range(300 * BLOCK))  # 600 KiB
        with transport.open(target.address()) as drive:
            ready(drive)
            assert drive.execute(write10(0, payload)).ok
            assert backing.read_bytes() == payload
            assert drive.execute(close_track_session(2)).ok  # tgt reads only a closed disc
            assert drive.execute(read10(0, 300)).data == payload
    finally:
        tgt.remove_target(target)


def test_read_spanning_many_data_in_pdus_and_underflow(blank_dvd: Target) -> None:
    payload = bytes(range(256)) * 8 * 16  # 16 blocks
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        assert drive.execute(write10(0, payload)).ok
        unreadable = drive.execute(read10(0, 16))  # tgt: an open session cannot be read
        assert sense_of(unreadable) == (0x5, 0x21, 0x00) and unreadable.residual == len(payload)
        assert drive.execute(close_track_session(2)).ok
        big = drive.execute(read10(0, 16))
        assert big.data == payload and big.residual == 0
        # Ask for 8 bytes more than READ CAPACITY answers: tgt sends 8 and flags the underflow.
        capacity = drive.execute(Command(bytes([0x25]) + bytes(9), data_in_length=16))
    assert capacity.ok and len(capacity.data) == 8 and capacity.residual == 8


def test_empty_tray_reports_no_medium(empty_tray: Target) -> None:
    with transport.open(empty_tray.address()) as drive:
        drive.execute(tur())  # power-on unit attention
        key, asc, _ = sense_of(drive.execute(tur()))
        assert (key, asc) == (0x2, 0x3A)  # NOT READY, MEDIUM NOT PRESENT
        key, asc, _ = sense_of(drive.execute(read_capacity()))
        assert (key, asc) == (0x2, 0x3A)


def test_prevented_medium_removal_refuses_eject(blank_dvd: Target) -> None:
    prevent = PreventAllowMediumRemoval(prevent=True).to_command()
    allow = PreventAllowMediumRemoval(prevent=False).to_command()
    eject = StartStopUnit.eject().to_command()
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        assert drive.execute(prevent).ok
        assert "Prevent removal: Yes" in blank_dvd.tgt.show()
        assert sense_of(drive.execute(eject)) == (0x5, 0x53, 0x02)  # MEDIUM REMOVAL PREVENTED
        assert drive.execute(allow).ok


@pytest.mark.parametrize("opcode", [0xFF, 0x53, 0x4A], ids=["undefined", "reserve-track", "gesn"])
def test_unsupported_commands_are_illegal_requests(blank_dvd: Target, opcode: int) -> None:
    cdb = bytes([opcode, 1 if opcode == 0x4A else 0, 0, 0, 0x10 if opcode == 0x4A else 0, 0, 0, 0, 8, 0])
    with transport.open(blank_dvd.address()) as drive:
        ready(drive)
        answer = drive.execute(Command(cdb, data_in_length=8 if opcode == 0x4A else 0))
        assert sense_of(answer) == (0x5, 0x20, 0x00)  # INVALID COMMAND OPERATION CODE
        assert drive.execute(tur()).ok  # the session survives
