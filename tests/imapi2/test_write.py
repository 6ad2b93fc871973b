"""DiscFormat2Data.write on the virtual recorder: discs read back by independent readers,
documented errors for misuse and device faults, events, cancellation, verification."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT
from openimapi.errors import SuccessCode

from .conftest import iso_files, isoinfo_listing, make_iso, vdrive, writer

FILES = {"readme.txt": b"hello disc\n", "data/blob.bin": bytes(range(256)) * 300, "data/empty": b""}


def _export(tmp_path: Path, name: str = "out.iso") -> Path:
    disc = vdrive().disc
    assert disc is not None
    out = tmp_path / name
    disc.export(out)
    return out


def test_misuse_is_caught_before_the_disc_is_touched(make_drive: Any, tmp_path: Path) -> None:
    fmt = openimapi.DiscFormat2Data()
    with pytest.raises(errors.E_IMAPI_RECORDER_REQUIRED):
        fmt.write(bytes(2048))
    with pytest.raises(errors.E_IMAPI_RECORDER_REQUIRED):
        _ = fmt.current_media_status
    rec = make_drive("bd-r")
    fmt.recorder = rec
    with pytest.raises(errors.E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID):
        fmt.write(bytes(2048))
    with pytest.raises(errors.E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID):
        fmt.client_name = ""
    fmt.client_name = "pytest"
    for bad in (bytes(2047), bytes(0), b"x" * 4097, 42, "no/such/file.iso"):
        with pytest.raises(errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED):
            fmt.write(bad)
    assert fmt.media_physically_blank
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
    with pytest.raises(errors.E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS):
        fmt.cancel_write()
    with pytest.raises(errors.E_INVALIDARG):
        fmt.recorder = "virtual:d1"  # type: ignore[assignment]


def test_blank_bd_r_properties(make_drive: Any) -> None:
    fmt = writer(make_drive("bd-r"))
    assert fmt.current_physical_media_type == PT.IMAPI_MEDIA_TYPE_BDR
    assert fmt.current_media_status == MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
    assert fmt.total_sectors_on_media == fmt.free_sectors_on_media == 12_219_392
    assert fmt.next_writable_address == 0
    assert fmt.start_address_of_previous_session == -1
    assert fmt.last_written_address_of_previous_session == -1
    assert fmt.media_heuristically_blank and fmt.media_physically_blank
    assert fmt.write_protect_status == 0
    assert PT.IMAPI_MEDIA_TYPE_BDR in fmt.supported_media_types
    assert fmt.is_recorder_supported(fmt.recorder) and fmt.is_current_media_supported(fmt.recorder)
    ms = fmt.multisession_interfaces
    assert len(ms) == 1 and isinstance(ms[0], openimapi.MultisessionSequential)
    assert ms[0].is_first_data_session and ms[0].next_writable_address == 0 and ms[0].write_unit_size == 32
    assert ms[0].import_recorder is fmt.recorder


def test_data_disc_and_appended_session_read_back(make_drive: Any, tmp_path: Path) -> None:
    rec = make_drive("bd-r")
    fmt = writer(rec)
    first = make_iso(tmp_path, FILES, name="one")
    assert fmt.write(first) == SuccessCode.S_OK
    status = fmt.current_media_status
    assert status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
    assert not status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
    assert fmt.start_address_of_previous_session == 0
    nwa = fmt.next_writable_address
    assert nwa >= first.stat().st_size // 2048
    disc1 = _export(tmp_path, "disc1.iso")
    assert iso_files(disc1) == FILES
    assert "readme.txt" in isoinfo_listing(disc1)
    # second session, mastered by genisoimage against the first (-C start,nwa -M previous)
    more = {"second.txt": b"appended\n"}
    second = make_iso(tmp_path, more, name="two", extra=["-C", f"0,{nwa}", "-M", str(disc1)])
    ms = fmt.multisession_interfaces[0]
    assert not ms.is_first_data_session
    assert ms.start_address_of_previous_session == 0 and ms.next_writable_address == nwa
    fmt.write(second)
    assert fmt.start_address_of_previous_session == nwa
    disc2 = _export(tmp_path, "disc2.iso")
    assert iso_files(disc2) == FILES  # the first session as it was
    assert iso_files(disc2, session_start=nwa) == {**FILES, **more}
    listing = subprocess.run(
        ["isoinfo", "-R", "-l", "-T", str(nwa), "-i", str(disc2)], check=True, capture_output=True, text=True
    ).stdout
    assert "second.txt" in listing and "readme.txt" in listing


def test_force_media_to_be_closed_finalizes(make_drive: Any, tmp_path: Path) -> None:
    fmt = writer(make_drive("dvd+r"))
    fmt.force_media_to_be_closed = True
    fmt.write(make_iso(tmp_path, FILES))
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
    assert fmt.free_sectors_on_media == 0
    with pytest.raises(errors.E_IMAPI_DF2DATA_INVALID_MEDIA_STATE):
        _ = fmt.next_writable_address
    assert not fmt.multisession_interfaces[0].is_supported_on_current_media_state
    with pytest.raises(errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED):
        fmt.write(bytes(2048 * 16))
    assert iso_files(_export(tmp_path)) == FILES


def test_too_large_for_the_medium(make_drive: Any) -> None:
    fmt = writer(make_drive("cd-r", model="cd-writer"))

    class Huge:
        size = 400_000 * 2048

        def read(self, n: int) -> bytes:
            raise AssertionError("must not be read")

        def seekable(self) -> bool:
            return False

    with pytest.raises(errors.E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA):
        fmt.write(Huge())
    assert fmt.media_physically_blank


def test_cd_r_postgap(make_drive: Any, tmp_path: Path) -> None:
    rec = make_drive("cd-r", model="cd-writer")
    fmt = writer(rec)
    iso = make_iso(tmp_path, FILES)
    sectors = iso.stat().st_size // 2048
    fmt.write(iso)
    track = rec.drive.track_info(1)
    assert track.size >= sectors + 150
    assert iso_files(_export(tmp_path)) == FILES


def test_events_phases_and_monotonic_progress(make_drive: Any) -> None:
    fmt = writer(make_drive("bd-r"))
    fmt.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_FULL
    fmt.transfer_blocks = 32
    seen: list[Any] = []
    fmt.add_listener(lambda sender, args: seen.append((sender, args)))
    image = openimapi.StreamPseudoRandomBased(4096 * 2048, seed=3)
    fmt.write(image)
    assert all(sender is fmt for sender, _ in seen)
    actions = [a.current_action for _, a in seen]
    order = [WA(a) for a in dict.fromkeys(actions)]
    assert order[0] == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA
    assert WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA in order
    assert order[-3:] == [
        WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FINALIZATION,
        WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING,
        WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED,
    ]
    writing = [a for _, a in seen if a.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA]
    lbas = [a.last_written_lba for a in writing]
    assert lbas == sorted(lbas) and lbas[-1] == 4095
    assert all(a.start_lba == 0 and a.sector_count == 4096 for a in writing)
    assert all(a.used_system_buffer + a.free_system_buffer == a.total_system_buffer for a in writing)
    assert writing[-1].total_device_buffer > 0  # READ BUFFER CAPACITY of the drive
    assert all(0 <= a.used_device_buffer <= a.total_device_buffer for a in writing)
    verifying = [a for _, a in seen if a.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING]
    checked = [a.last_written_lba for a in verifying]
    assert checked == sorted(checked) and checked[0] == -1 and checked[-1] == 4095
    times = [a.elapsed_time for _, a in seen]
    assert times == sorted(times)
    fmt.remove_listener(seen.append)


def test_cancel_from_listener_leaves_a_loadable_disc(make_drive: Any, tmp_path: Path) -> None:
    rec = make_drive("bd-r")
    fmt = writer(rec)
    fmt.transfer_blocks = 16
    seen: list[int] = []

    def listener(sender: Any, args: Any) -> None:
        if args.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA:
            seen.append(args.last_written_lba)
            with pytest.raises(errors.E_IMAPI_DF2DATA_WRITE_IN_PROGRESS):
                sender.client_name = "other"
            with pytest.raises(errors.E_IMAPI_DF2DATA_WRITE_IN_PROGRESS):
                sender.write(bytes(2048))
            with pytest.raises(errors.E_IMAPI_DF2DATA_WRITE_IN_PROGRESS):
                sender.set_write_speed(-1)
            if args.last_written_lba >= 1000:
                sender.cancel_write()

    fmt.add_listener(listener)
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        fmt.write(openimapi.StreamPseudoRandomBased(20_000 * 2048, seed=1))
    assert max(seen) >= 1000
    assert not rec.exclusive.held and not vdrive().medium_locked
    # the disc is still usable: eject, re-insert, query and append
    disc = vdrive().eject()
    assert disc is not None
    vdrive().insert(disc)
    rec.drive.test_unit_ready()
    status = fmt.current_media_status
    assert status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
    fmt.remove_listener(listener)
    iso = make_iso(tmp_path, FILES)
    fmt.write(iso)
    assert fmt.start_address_of_previous_session > 0


def test_cancel_from_another_thread(make_drive: Any) -> None:
    fmt = writer(make_drive("bd-re"))
    fmt.transfer_blocks = 8
    started = threading.Event()
    fmt.add_listener(
        lambda s, a: started.set() if a.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA else None
    )

    def cancel() -> None:
        started.wait(10)
        fmt.cancel_write()

    t = threading.Thread(target=cancel)
    t.start()
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        fmt.write(openimapi.StreamZero(200_000 * 2048))
    t.join()


def test_verification_failure_names_first_bad_lba(make_drive: Any) -> None:
    rec = make_drive("bd-re")
    fmt = writer(rec)
    fmt.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_FULL
    corrupted = []

    def listener(sender: Any, args: Any) -> None:
        if args.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING and not corrupted:
            corrupted.append(True)
            write10 = bytes([0x2A, 0, 0, 0, 0x01, 0x2C, 0, 0, 1, 0])  # LBA 300, 1 sector
            rec.send_command_send_data_to_device(write10, b"\xff" * 2048)

    fmt.add_listener(listener)
    with pytest.raises(errors.E_IMAPI_BURN_VERIFICATION_FAILED, match="LBA 300 "):
        fmt.write(openimapi.StreamPseudoRandomBased(1024 * 2048, seed=5))


def test_rewritable_media_honour_block_ranges(make_drive: Any) -> None:
    rec = make_drive("bd-re")
    fmt = writer(rec)
    fmt.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_NONE
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY
    ms = fmt.multisession_interfaces[0]
    assert isinstance(ms, openimapi.MultisessionRandomWrite) and ms.write_unit_size == 32
    fmt.write(bytes([1]) * (64 * 2048))
    assert rec.drive.read(0, 64) == bytes([1]) * (64 * 2048)

    class Changed(openimapi.StreamZero):
        block_ranges = openimapi.BlockRangeList((openimapi.BlockRange(32, 47),))

    fmt.write(Changed(64 * 2048))
    back = rec.drive.read(0, 64)
    assert back[: 32 * 2048] == bytes([1]) * (32 * 2048)
    assert back[32 * 2048 : 48 * 2048] == bytes(16 * 2048)
    assert back[48 * 2048 :] == bytes([1]) * (16 * 2048)
    fmt.force_overwrite = True
    fmt.write(Changed(64 * 2048))
    assert rec.drive.read(0, 64) == bytes(64 * 2048)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("no-medium", errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA),
        ("becoming-ready", errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY),
        ("format-in-progress", errors.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS),
        ("busy", errors.E_IMAPI_RECORDER_MEDIA_BUSY),
        ("upside-down", errors.E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN),
        ("incompatible-medium", errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
        ("timeout", errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
        ("device-gone", errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        ("locked", errors.E_IMAPI_RECORDER_LOCKED),
    ],
)
def test_device_faults_surface_as_documented_errors(make_drive: Any, fault: str, error: type) -> None:
    fmt = writer(make_drive("bd-r"))
    vdrive().inject_fault(fault, count=None)
    with pytest.raises(error):
        fmt.write(bytes(32 * 2048))
    vdrive().clear_faults()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("write-protected", errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED),
        ("loss-of-streaming", errors.E_IMAPI_LOSS_OF_STREAMING),
    ],
)
def test_write_faults_leave_a_loadable_disc(make_drive: Any, fault: str, error: type) -> None:
    fmt = writer(make_drive("bd-r"))
    fmt.transfer_blocks = 32
    vdrive().inject_fault(fault, count=1, after=3)
    with pytest.raises(error):
        fmt.write(bytes(512 * 2048))
    vdrive().clear_faults()
    assert not fmt.recorder.exclusive.held
    assert fmt.current_media_status & (
        MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE | MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
    )


def test_rom_media_are_not_supported(make_drive: Any, tmp_path: Path) -> None:
    from openimapi import virtual

    rec = make_drive(None)
    disc = virtual.disc_from_image(make_iso(tmp_path, FILES))
    vdrive().insert(disc)
    fmt = writer(rec)
    rec.drive.test_unit_ready()
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_UNSUPPORTED_MEDIA
    assert not fmt.is_current_media_supported(rec)
    with pytest.raises(errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED):
        fmt.write(bytes(2048))


def test_speeds(make_drive: Any) -> None:
    fmt = writer(make_drive("bd-r"))
    speeds = fmt.supported_write_speeds
    assert speeds and speeds == sorted(speeds, reverse=True)
    descriptors = fmt.supported_write_speed_descriptors
    assert {d.write_speed for d in descriptors} == set(speeds)
    assert all(d.media_type == PT.IMAPI_MEDIA_TYPE_BDR for d in descriptors)
    assert fmt.requested_write_speed == -1 and not fmt.requested_rotation_type_is_pure_cav
    assert fmt.set_write_speed(speeds[-1]) == SuccessCode.S_OK
    assert fmt.requested_write_speed == speeds[-1]
    assert abs(fmt.current_write_speed - speeds[-1]) <= 1
    too_fast = speeds[0] * 4
    assert fmt.set_write_speed(too_fast) == SuccessCode.S_IMAPI_SPEEDADJUSTED
    assert fmt.current_write_speed <= speeds[0]
    assert fmt.requested_write_speed == too_fast
    assert fmt.set_write_speed(speeds[-1], True) == SuccessCode.S_IMAPI_ROTATIONADJUSTED  # no CAV on BD
    assert fmt.requested_rotation_type_is_pure_cav and not fmt.current_rotation_type_is_pure_cav
    assert fmt.set_write_speed(too_fast, True) == SuccessCode.S_IMAPI_BOTHADJUSTED
    with pytest.raises(errors.E_INVALIDARG):
        fmt.set_write_speed(-5)


def test_speed_mismatch(make_drive: Any) -> None:
    fmt = writer(make_drive("bd-r"))
    vdrive().inject_fault("speed-mismatch", count=None)
    with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH):
        fmt.write(bytes(32 * 2048))
    vdrive().clear_faults()


@pytest.mark.parametrize(
    ("media", "model", "appendable"),
    [
        ("cd-r", "cd-writer", True),
        ("cd-rw", "cd-writer", True),
        ("dvd-r", "dvd-writer", True),
        ("dvd-rw", "dvd-writer", True),
        ("dvd+r", "dvd-writer", True),
        ("dvd+r-dl", "dvd-writer", True),
        ("dvd+rw", "dvd-writer", False),
        ("dvd-ram", "dvd-writer", False),
        ("bd-r", "bd-writer", True),
        ("bd-re", "bd-writer", False),
    ],
)
def test_every_medium_takes_two_verified_writes(make_drive: Any, media: str, model: str, appendable: bool) -> None:
    rec = make_drive(media, model=model)
    fmt = writer(rec)
    fmt.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_FULL
    first = openimapi.StreamPseudoRandomBased(64 * 2048, seed=1)
    fmt.write(first)
    if appendable:
        assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
        nwa = fmt.next_writable_address
        assert nwa >= 64
        fmt.write(openimapi.StreamPseudoRandomBased(64 * 2048, seed=2))
        assert fmt.start_address_of_previous_session == nwa
        first.seek(0)
        assert rec.read_sectors(0, 64) == first.read()
    else:
        assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY
        assert fmt.next_writable_address == 0 and fmt.start_address_of_previous_session == -1
        second = openimapi.StreamPseudoRandomBased(64 * 2048, seed=2)
        fmt.write(second)
        second.seek(0)
        assert rec.read_sectors(0, 64) == second.read()
