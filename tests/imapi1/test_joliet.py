"""The v1 Joliet flow of samples.md section 11 on a virtual CD writer: simulate (nothing
written, progress reported) and a real burn read back by pycdlib and isoinfo."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from openimapi import errors, v1
from openimapi.enums import MEDIA_FLAGS, MEDIA_TYPES, RECORDER_TYPES

from .conftest import Recorder, joliet_ready


def _files(iso: Path) -> dict[str, bytes]:
    import pycdlib

    pc = pycdlib.PyCdlib()
    pc.open(str(iso))
    out: dict[str, bytes] = {}
    try:
        for dirpath, _dirs, files in pc.walk(joliet_path="/"):
            for name in files:
                path = f"{dirpath.rstrip('/')}/{name}"
                buf = io.BytesIO()
                pc.get_file_from_iso_fp(buf, joliet_path=path)
                out[path.lstrip("/")] = buf.getvalue()
    finally:
        pc.close()
    return out


def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "Docs and Notes").mkdir(parents=True)
    (src / "readme.txt").write_bytes(b"hello v1\n")
    (src / "Docs and Notes" / "A rather long file name, more than 31 chars.bin").write_bytes(bytes(range(256)) * 300)
    return src


def test_sample_flow_simulated_then_recorded(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    # steps 3-7: formats, recorders (queried while opened), active recorder, progress sink
    formats = master.enum_disc_master_formats()
    assert formats.next(5) == [v1.IID_IJolietDiscMaster, v1.IID_IRedbookDiscMaster]
    fmt = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    assert isinstance(fmt, v1.JolietDiscMaster)
    assert master.get_active_disc_master_format() == v1.IID_IJolietDiscMaster
    recorders = list(master.enum_disc_recorders())
    assert len(recorders) == 1
    recorder = recorders[0]
    assert recorder.get_display_names() == v1.DisplayNames("PLEXTOR", "CD-R   PX-W4824A", "1.04")
    assert recorder.get_recorder_type() == RECORDER_TYPES.RECORDER_CDRW
    recorder.open_exclusive()
    assert recorder.get_recorder_state() == 1  # RECORDER_OPENED
    assert recorder.query_media_type() == v1.MediaType(
        MEDIA_TYPES.MEDIA_CDDA_CDROM, MEDIA_FLAGS.MEDIA_BLANK | MEDIA_FLAGS.MEDIA_WRITABLE)
    info = recorder.query_media_info()
    assert (info.sessions, info.last_track, info.next_writable) == (0, 0, 0)
    assert info.free_blocks == drive.disc.capacity
    recorder.close()
    master.set_active_disc_recorder(recorder)
    assert master.get_active_disc_recorder() is recorder
    sink = Recorder()
    cookie = master.progress_advise(sink)

    # steps 8-9: Joliet properties, AddData from a host folder and from an in-memory storage
    props = fmt.get_joliet_properties()
    props["VolumeName"] = "V1 SAMPLE"
    assert fmt.set_joliet_properties(props) == errors.SuccessCode.S_OK
    assert fmt.get_data_block_size() == 2048
    total = fmt.get_total_data_blocks()
    assert total == drive.disc.capacity - 150
    fmt.add_data(str(_tree(tmp_path)), False)
    fmt.add_data({"memory": {"note.txt": b"from memory\n", "stream.bin": io.BytesIO(b"s" * 5000)}}, 0)
    used = fmt.get_used_data_blocks()
    assert 20 < used < 100
    assert [e for e in sink.events if e[0] == "add"][-1] == ("add", 3, 3)

    # step 10, simulated: the whole sequence and its progress, nothing on the disc
    sink.events.clear()
    master.record_disc(True, False)
    assert sink.kinds() == ["preparing", "block", "closing", "complete"]
    blocks = [e for e in sink.events if e[0] == "block"]
    assert blocks[-1][1] == blocks[-1][2] >= used
    assert sink.events[-1] == ("complete", 0)
    assert drive.disc.status == "blank"
    assert fmt.get_used_data_blocks() == used  # a simulation keeps the staged content

    # step 10 for real, then 11
    sink.events.clear()
    master.record_disc(False, False)
    assert sink.kinds() == ["preparing", "block", "closing", "complete"]
    assert drive.disc.status == "appendable"
    assert fmt.get_used_data_blocks() < used  # staged content discarded after the burn
    master.progress_unadvise(cookie)
    master.close()

    iso = tmp_path / "disc.iso"
    drive.disc.export(iso)
    files = _files(iso)
    assert files == {
        "readme.txt": b"hello v1\n",
        "Docs and Notes/A rather long file name, more than 31 chars.bin": bytes(range(256)) * 300,
        "memory/note.txt": b"from memory\n",
        "memory/stream.bin": b"s" * 5000,
    }
    listing = subprocess.run(["isoinfo", "-d", "-i", str(iso)], check=True, capture_output=True, text=True).stdout
    assert "Joliet with UCS level 3 found" in listing
    assert "Volume id: V1 SAMPLE" in listing or "Volume id: V1_SAMPLE" in listing


def test_second_session_imports_the_first(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    fmt, _recorder = joliet_ready(master)
    fmt.add_data({"first.txt": b"one"})
    master.record_disc(False, False)
    fmt.add_data({"second.txt": b"two"})
    assert not drive.tray_open
    master.record_disc(False, True)  # eject after the burn
    assert drive.tray_open
    drive.close_tray()
    assert [t.session for t in drive.disc.tracks] == [1, 2]
    iso = tmp_path / "disc.iso"
    drive.disc.export(iso)
    start = drive.disc.tracks[1].start
    out = subprocess.run(["xorriso", "-load", "sbsector", str(start), "-indev", str(iso), "-find", "/", "-type", "f"],
                         check=True, capture_output=True, text=True).stdout
    assert "'/first.txt'" in out and "'/second.txt'" in out


def test_file_overwrite_flag_and_write_speed(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    import openimapi

    fmt, recorder = joliet_ready(master)
    assert recorder.set_recorder_properties({"WriteSpeed": 16}) == errors.SuccessCode.S_OK
    fmt.add_data({"a.txt": b"old", "d": {"x": b"1"}})
    with pytest.raises(errors.IMAPI_E_FILEEXISTS):
        fmt.add_data({"b.txt": b"new", "a.txt": b"new"}, False)
    fmt.add_data({"a.txt": b"newer"}, True)
    master.record_disc(False, False)
    iso = tmp_path / "disc.iso"
    drive.disc.export(iso)
    assert _files(iso) == {"a.txt": b"newer", "d/x": b"1"}  # b.txt was rolled back with the failed call
    check = openimapi.DiscFormat2Data()
    check.recorder = recorder.recorder2
    assert check.current_write_speed == 16 * 75  # WriteSpeed reached the drive (sectors/s)


def test_query_cancel_stops_the_burn(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    fmt.add_data({"big.bin": bytes(2048 * 3000)})
    sink = Recorder(cancel_after_blocks=1)
    master.progress_advise(sink)
    with pytest.raises(errors.IMAPI_E_USERABORT):
        master.record_disc(False, False)
    assert sink.events[-1] == ("complete", errors.IMAPI_E_USERABORT.hresult)
    written = [e for e in sink.events if e[0] == "block"]
    assert written[-1][1] < written[-1][2]
    assert sink.polls > 0


def test_query_cancel_stops_staging(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = joliet_ready(master)
    before = fmt.get_used_data_blocks()

    class Cancel(Recorder):
        def query_cancel(self) -> bool:
            return len(self.events) >= 1

    master.progress_advise(Cancel())
    with pytest.raises(errors.IMAPI_E_USERABORT):
        fmt.add_data({"a": b"1", "b": b"2", "c": b"3"})
    assert fmt.get_used_data_blocks() == before


def test_recorder_properties(drive: Any, master: v1.DiscMaster) -> None:
    _, recorder = joliet_ready(master)
    props = recorder.get_recorder_properties()
    assert set(props) == {"WriteSpeed", "MaxWriteSpeed", "AudioGapSize", "BufferUnderrunFreeCapable",
                          "EnableBufferUnderrunFree"}
    assert props["WriteSpeed"] == props["MaxWriteSpeed"] > 0
    assert props["AudioGapSize"] == 150
    assert props["BufferUnderrunFreeCapable"] is True
    props["AudioGapSize"] = 0
    props["WriteSpeed"] = 8
    props["EnableBufferUnderrunFree"] = False
    assert recorder.set_recorder_properties(props) == errors.SuccessCode.S_OK
    again = recorder.get_recorder_properties()
    assert (again["AudioGapSize"], again["WriteSpeed"], again["EnableBufferUnderrunFree"]) == (0, 8, False)
    again["MaxWriteSpeed"] = 1
    again["NoSuchThing"] = 3
    assert recorder.set_recorder_properties(again) == errors.SuccessCode.IMAPI_S_PROPERTIESIGNORED
    assert recorder.get_recorder_properties()["MaxWriteSpeed"] == props["MaxWriteSpeed"]
    with pytest.raises(errors.E_INVALIDARG):
        recorder.set_recorder_properties({"AudioGapSize": -1})
    guid = recorder.get_recorder_guid()
    assert guid.data == b"virtual:cd1" and guid.hresult == errors.SuccessCode.S_OK
    short = recorder.get_recorder_guid(4)
    assert (short.data, short.required_size, short.hresult) == (b"virt", 11, errors.SuccessCode.IMAPI_S_BUFFER_TO_SMALL)
    twin = v1.DiscRecorder()
    twin.init(guid.data)
    assert twin == recorder and twin.get_path() == "virtual:cd1"


def test_enumerators(drive: Any, master: v1.DiscMaster) -> None:
    formats = master.enum_disc_master_formats()
    assert formats.skip(1) is True
    clone = formats.clone()
    assert formats.next(1) == [v1.IID_IRedbookDiscMaster] == clone.next(3)
    assert formats.skip(1) is False
    formats.reset()
    assert list(formats) == [v1.IID_IJolietDiscMaster, v1.IID_IRedbookDiscMaster]
