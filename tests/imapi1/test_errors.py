"""The v1 state rules and error codes (hresults.tsv, api imapi1), each provoked through the
public API on a virtual CD writer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from openimapi import errors, v1
from openimapi.enums import MEDIA_FLAGS, MEDIA_TYPES

from .conftest import Recorder, joliet_ready


def test_hresult_values() -> None:
    assert errors.IMAPI_E_NOTOPENED.hresult == 0x8004020B
    assert errors.IMAPI_E_DISCFULL.hresult == 0x8004021C
    assert errors.IMAPI_E_ALREADYOPEN.hresult == 0x80040222


def test_notopened_before_open_and_after_close(drive: Any) -> None:
    master = v1.DiscMaster()
    for call in (
        master.enum_disc_master_formats,
        master.get_active_disc_master_format,
        lambda: master.set_active_disc_master_format(v1.IID_IJolietDiscMaster),
        master.enum_disc_recorders,
        master.get_active_disc_recorder,
        master.clear_format_content,
        lambda: master.progress_advise(Recorder()),
        lambda: master.progress_unadvise(1),
        master.record_disc,
    ):
        with pytest.raises(errors.IMAPI_E_NOTOPENED):
            call()
    master.open()
    fmt, _ = joliet_ready(master)
    master.close()
    with pytest.raises(errors.IMAPI_E_NOTOPENED):
        fmt.get_total_data_blocks()
    with pytest.raises(errors.IMAPI_E_NOTOPENED):
        fmt.add_data({"a": b"1"})


def test_alreadyopen(drive: Any, master: v1.DiscMaster) -> None:
    with pytest.raises(errors.IMAPI_E_ALREADYOPEN):
        master.open()
    other = v1.DiscMaster()
    with pytest.raises(errors.IMAPI_E_ALREADYOPEN):
        other.open()
    master.close()
    other.open()  # free again once the first one closed
    other.close()


def test_noactiveformat(drive: Any, master: v1.DiscMaster) -> None:
    for call in (master.get_active_disc_master_format, master.enum_disc_recorders,
                 master.get_active_disc_recorder, master.record_disc):
        with pytest.raises(errors.IMAPI_E_NOACTIVEFORMAT):
            call()
    recorder = v1.DiscRecorder()
    recorder.init("virtual:cd1")
    with pytest.raises(errors.IMAPI_E_NOACTIVEFORMAT):
        master.set_active_disc_recorder(recorder)
    with pytest.raises(errors.E_NOINTERFACE):
        master.set_active_disc_master_format("00000000-0000-0000-0000-000000000000")


def test_noactiverecorder(drive: Any, master: v1.DiscMaster) -> None:
    fmt = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    assert fmt.get_total_data_blocks() == 0
    with pytest.raises(errors.IMAPI_E_NOACTIVERECORDER):
        master.get_active_disc_recorder()
    with pytest.raises(errors.IMAPI_E_NOACTIVERECORDER):
        fmt.add_data({"a": b"1"})
    with pytest.raises(errors.IMAPI_E_NOACTIVERECORDER):
        master.record_disc(True, False)


def test_wrongformat_for_a_replaced_format_object(drive: Any, master: v1.DiscMaster) -> None:
    old, _ = joliet_ready(master)
    old.add_data({"a": b"1"})
    new = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    assert new is not old
    for call in (old.get_joliet_properties, old.get_used_data_blocks, lambda: old.add_data({"b": b"2"})):
        with pytest.raises(errors.IMAPI_E_WRONGFORMAT):
            call()
    assert new.get_used_data_blocks() < 30  # switching formats discarded the staged file


def test_notinitialized() -> None:
    recorder = v1.DiscRecorder()
    for call in (recorder.get_recorder_guid, recorder.get_recorder_type, recorder.get_display_names,
                 recorder.get_base_pnp_id, recorder.get_path, recorder.get_recorder_properties,
                 recorder.get_recorder_state, recorder.open_exclusive, recorder.query_media_type,
                 recorder.query_media_info, recorder.eject, recorder.erase, recorder.close):
        with pytest.raises(errors.IMAPI_E_NOTINITIALIZED):
            call()


def test_recorder_calls_need_open_exclusive(drive: Any) -> None:
    recorder = v1.DiscRecorder()
    recorder.init(b"virtual:cd1")
    for call in (recorder.query_media_type, recorder.query_media_info, recorder.eject, recorder.erase,
                 recorder.close):
        with pytest.raises(errors.IMAPI_E_NOTOPENED):
            call()


def test_device_notpresent(drive: Any) -> None:
    with pytest.raises(errors.IMAPI_E_DEVICE_NOTPRESENT):
        v1.DiscRecorder().init("virtual:nosuchdrive")
    recorder = v1.DiscRecorder()
    recorder.init("virtual:cd1")
    drive.inject_fault("device-gone", count=None)
    with pytest.raises(errors.IMAPI_E_DEVICE_NOTPRESENT):
        recorder.open_exclusive()
    drive.clear_faults()


def test_device_notaccessible_and_still_in_use(drive: Any, master: v1.DiscMaster) -> None:
    from openimapi import DiscRecorder2

    fmt, recorder = joliet_ready(master)
    fmt.add_data({"a": b"1"})
    recorder.open_exclusive()
    with pytest.raises(errors.IMAPI_E_DEVICE_NOTACCESSIBLE):
        recorder.open_exclusive()
    with pytest.raises(errors.IMAPI_E_DEVICE_STILL_IN_USE):
        master.record_disc(False, False)
    recorder.close()
    assert recorder.get_recorder_state() == 0
    other = DiscRecorder2("virtual:cd1")
    other.acquire_exclusive_access(False, "other app")
    try:
        with pytest.raises(errors.IMAPI_E_DEVICE_NOTACCESSIBLE):
            recorder.open_exclusive()
        with pytest.raises(errors.IMAPI_E_DEVICE_NOTACCESSIBLE):
            master.record_disc(False, False)
    finally:
        other.release_exclusive_access()
        other.close()
    assert drive.disc.status == "blank"


def test_medium_notpresent(drive: Any, master: v1.DiscMaster) -> None:
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    recorder = master.enum_disc_recorders().next()[0]
    drive.eject()
    with pytest.raises(errors.IMAPI_E_MEDIUM_NOTPRESENT):
        master.set_active_disc_recorder(recorder)
    recorder.open_exclusive()
    try:
        assert recorder.query_media_type() == v1.MediaType(0, MEDIA_FLAGS(0))
        with pytest.raises(errors.IMAPI_E_MEDIUM_NOTPRESENT):
            recorder.query_media_info()
    finally:
        recorder.close()


def test_medium_notpresent_at_record(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    fmt.add_data({"a": b"1"})
    drive.eject()
    with pytest.raises(errors.IMAPI_E_MEDIUM_NOTPRESENT):
        master.record_disc(False, False)


def test_v1_is_cd_only(master: v1.DiscMaster) -> None:
    from openimapi import virtual

    dvd = virtual.create_drive("dvd1", model="dvd-writer")
    dvd.insert("dvd-r")
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    recorder = master.enum_disc_recorders().next()[0]
    with pytest.raises(errors.IMAPI_E_MEDIUM_INVALIDTYPE):
        master.set_active_disc_recorder(recorder)
    recorder.open_exclusive()
    try:
        assert recorder.query_media_type() == v1.MediaType(
            MEDIA_TYPES.MEDIA_SPECIAL, MEDIA_FLAGS.MEDIA_FORMAT_UNUSABLE_BY_IMAPI)
        with pytest.raises(errors.IMAPI_E_MEDIUM_INVALIDTYPE):
            recorder.query_media_info()
        with pytest.raises(errors.IMAPI_E_MEDIUM_INVALIDTYPE):
            recorder.erase(False)
    finally:
        recorder.close()


def test_discfull(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    fmt, _ = joliet_ready(master)
    src = tmp_path / "big"
    src.mkdir()
    with open(src / "huge.bin", "wb") as f:
        f.truncate(fmt.get_total_data_blocks() * 2048)  # sparse: the data alone fills the disc
    before = fmt.get_used_data_blocks()
    with pytest.raises(errors.IMAPI_E_DISCFULL):
        fmt.add_data(str(src))
    assert fmt.get_used_data_blocks() == before


def test_badjolietname_fileaccess(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    fmt, _ = joliet_ready(master)
    for bad in ("a*b", "x" * 65, "semi;colon", "q?"):
        with pytest.raises(errors.IMAPI_E_BADJOLIETNAME):
            fmt.add_data({bad: b"1"})
    src = tmp_path / "tree"
    src.mkdir()
    (src / "ok.txt").write_bytes(b"1")
    os.symlink(tmp_path / "missing", src / "dangling")
    with pytest.raises(errors.IMAPI_E_FILEACCESS):
        fmt.add_data(str(src))
    with pytest.raises(errors.IMAPI_E_FILEACCESS):
        fmt.add_data(str(tmp_path / "no such folder"))
    assert fmt.get_used_data_blocks() < 30


def test_wrongdisc(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    fmt.add_data({"a": b"1"})
    master.record_disc(False, False)
    fmt.add_data({"b": b"2"})
    drive.eject()
    drive.insert("cd-r")
    with pytest.raises(errors.IMAPI_E_WRONGDISC):
        master.record_disc(False, False)


def test_cannot_write_to_media(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    fmt.add_data({"a": b"1"})
    drive.inject_fault("write-protected")
    sink = Recorder()
    master.progress_advise(sink)
    with pytest.raises(errors.IMAPI_E_CANNOT_WRITE_TO_MEDIA) as info:
        master.record_disc(False, False)
    assert isinstance(info.value.__cause__, errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED)
    assert sink.events[-1] == ("complete", errors.IMAPI_E_CANNOT_WRITE_TO_MEDIA.hresult)


@pytest.mark.parametrize(("fault", "after", "expected"), [
    ("speed-mismatch", 0, errors.IMAPI_E_INITIALIZE_WRITE),  # power calibration fails
    ("write-error", 1, errors.IMAPI_E_GENERIC),  # a WRITE(10) fails
    ("write-error", 3, errors.IMAPI_E_INITIALIZE_ENDWRITE),  # SYNCHRONIZE CACHE fails
    ("loss-of-streaming", 1, errors.IMAPI_E_LOSS_OF_STREAMING),
])
def test_device_failures_by_stage(drive: Any, master: v1.DiscMaster, fault: str, after: int,
                                  expected: type[errors.ImapiError]) -> None:
    fmt, recorder = joliet_ready(master)
    recorder.set_recorder_properties({"EnableBufferUnderrunFree": False})
    fmt.add_data({"a": b"1" * 10})
    drive.inject_fault(fault, after=after)
    with pytest.raises(expected):
        master.record_disc(False, False)


def test_filesystem_source_vanished(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    fmt, _ = joliet_ready(master)
    src = tmp_path / "tree"
    src.mkdir()
    (src / "gone.bin").write_bytes(b"x" * 10000)
    fmt.add_data(str(src))
    (src / "gone.bin").unlink()
    with pytest.raises(errors.IMAPI_E_FILESYSTEM):
        master.record_disc(False, False)


def test_boot_image_rules(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    props = fmt.get_joliet_properties()
    props["PlaceBootImageOnDisc"] = True
    fmt.set_joliet_properties(props)
    fmt.add_data({"a": b"1"})
    with pytest.raises(errors.IMAPI_E_INVALIDIMAGE):
        master.record_disc(True, False)
    props["PlaceBootImageOnDisc"] = False
    fmt.set_joliet_properties(props)
    master.record_disc(False, False)
    props["PlaceBootImageOnDisc"] = True
    props["BootImage"] = bytes(2048)
    with pytest.raises(errors.IMAPI_E_BOOTIMAGE_AND_NONBLANK_DISC):
        fmt.set_joliet_properties(props)
    props["Unknown"] = 1
    props["PlaceBootImageOnDisc"] = False
    assert fmt.set_joliet_properties(props) == errors.SuccessCode.IMAPI_S_PROPERTIESIGNORED


def test_format_switch_keeps_a_capable_recorder(drive: Any, master: v1.DiscMaster) -> None:
    from openimapi import virtual

    second = virtual.create_drive("cd2", model="cd-writer")
    second.insert("cd-r")
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    cd2 = next(r for r in master.enum_disc_recorders() if r.get_path() == "virtual:cd2")
    master.set_active_disc_recorder(cd2)
    fmt = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    assert master.get_active_disc_recorder() is cd2
    assert fmt.get_total_data_blocks() == second.disc.capacity - 150
    fmt.add_data({"a": b"1"})
    master.record_disc(False, False)
    assert second.disc.status == "appendable" and drive.disc.status == "blank"


def test_discinfo(drive: Any, master: v1.DiscMaster) -> None:
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    recorder = master.enum_disc_recorders().next()[0]
    drive.inject_fault("upside-down")
    with pytest.raises(errors.IMAPI_E_DISCINFO):
        master.set_active_disc_recorder(recorder)


def test_erase_cd_rw(master: v1.DiscMaster) -> None:
    from openimapi import virtual

    drive = virtual.create_drive("rw1", model="cd-writer")
    drive.insert("cd-rw")
    fmt, recorder = joliet_ready(master)
    fmt.add_data({"a": b"1"})
    master.record_disc(False, False)
    assert drive.disc.status != "blank"
    sink = Recorder()
    master.progress_advise(sink)
    recorder.open_exclusive()
    try:
        assert recorder.query_media_type().media_flags & MEDIA_FLAGS.MEDIA_RW
        recorder.erase(False)
    finally:
        recorder.close()
    assert drive.disc.status == "blank"
    assert sink.events == [("erased", 0)]
    other = virtual.create_drive("r1", model="cd-writer")
    other.insert("cd-r")
    cdr = v1.DiscRecorder()
    cdr.init("virtual:r1")
    cdr.open_exclusive()
    try:
        with pytest.raises(errors.IMAPI_E_MEDIUM_INVALIDTYPE):
            cdr.erase(True)
        cdr.eject()
    finally:
        cdr.close()
    assert other.tray_open


def test_retry_after_a_failed_burn(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    import subprocess

    fmt, _ = joliet_ready(master)
    fmt.add_data({"keep.txt": b"kept for the retry"})
    drive.inject_fault("write-error", after=1)
    sink = Recorder()
    master.progress_advise(sink)
    with pytest.raises(errors.IMAPI_E_GENERIC):
        master.record_disc(False, False)
    assert sink.events[-1] == ("complete", errors.IMAPI_E_GENERIC.hresult)
    master.record_disc(False, False)  # same disc, staged content kept: no IMAPI_E_WRONGDISC
    iso = tmp_path / "disc.iso"
    drive.disc.export(iso)
    start = drive.disc.tracks[-1].start
    out = subprocess.run(["xorriso", "-load", "sbsector", str(start), "-indev", str(iso), "-find", "/", "-type", "f"],
                         check=True, capture_output=True, text=True).stdout
    assert "'/keep.txt'" in out


@pytest.mark.parametrize("model", ["dvd-rom", "mmc1-cd-writer"])
def test_device_invalidtype(master: v1.DiscMaster, model: str) -> None:
    from openimapi import virtual

    virtual.create_drive("other", model=model).insert("cd-r")
    with pytest.raises(errors.IMAPI_E_DEVICE_INVALIDTYPE):
        v1.DiscRecorder().init("virtual:other")
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    assert len(master.enum_disc_recorders()) == 0  # v1 lists only recorders it can drive
