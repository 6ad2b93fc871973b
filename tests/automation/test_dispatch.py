"""Automation semantics: ProgIDs, documented names, COM value types, errors, streams, shims."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openimapi import automation, virtual
from openimapi.automation import _registry

DOCUMENTED = [
    "IMAPI2.MsftDiscMaster2", "IMAPI2.MsftDiscRecorder2", "IMAPI2.MsftDiscFormat2Data",
    "IMAPI2.MsftDiscFormat2Erase", "IMAPI2.MsftWriteEngine2", "IMAPI2.MsftStreamPrgn001",
    "IMAPI2.MsftStreamConcatenate", "IMAPI2.MsftStreamInterleave", "IMAPI2.MsftRawCDImageCreator",
    "IMAPI2.MsftFileSystemImage", "IMAPI2FS.MsftFileSystemImage", "IMAPI2.BootOptions",
    "IMAPI2FS.BootOptions", "IMAPI2FS.MsftIsoImageManager", "MSDiscMasterObj", "ADODB.Stream",
]
LATE = ["IMAPI2.MsftDiscFormat2TrackAtOnce", "IMAPI2.MsftDiscFormat2RawCD"]


@pytest.mark.parametrize("progid", DOCUMENTED)
def test_documented_progids_create_their_object(progid: str) -> None:
    obj = automation.Dispatch(progid)
    cls = _registry.PROGIDS[progid][1]
    assert type(obj._oleobj_).__name__ == cls
    assert type(automation.Dispatch(progid.upper())._oleobj_).__name__ == cls  # ProgIDs ignore case
    assert type(automation.CreateObject(progid)._oleobj_).__name__ == cls


@pytest.mark.parametrize("progid", LATE)
def test_writer_progids_are_registered(progid: str) -> None:
    try:
        obj = automation.Dispatch(progid)
    except automation.com_error as exc:  # the class is not part of this installation yet
        assert exc.args == (-2147221164, "Class not registered", None, None)
    else:
        assert type(obj._oleobj_).__name__ == _registry.PROGIDS[progid][1]


def test_clsid_strings_resolve() -> None:
    obj = automation.Dispatch("{2735412E-7F64-5B0F-8F00-5D77AFBE261E}")
    assert type(obj._oleobj_).__name__ == "DiscMaster2"


def test_unknown_progid_fails_as_on_windows() -> None:
    with pytest.raises(automation.com_error) as info:
        automation.Dispatch("IMAPI2.MsftDiscMaster3")
    assert info.value.args == (-2147221005, "Invalid class string", None, None)
    assert info.value.hresult == -2147221005
    with pytest.raises(OSError) as err:
        automation.CreateObject("IMAPI2.MsftDiscMaster3")
    assert err.value.errno == -2147221005


def test_members_case_insensitive_properties_and_accessors(tmp_path: Path) -> None:
    virtual.create_drive("d1").insert("cd-rw")
    master = automation.Dispatch("IMAPI2.MsftDiscMaster2")
    assert master.Count == master.count == master.get_Count() == 1
    assert master.IsSupportedEnvironment is True
    ids = list(master)
    assert ids == [master.Item(0)] == [master[0]] == [master(0)]
    recorder = automation.Dispatch("IMAPI2.MsftDiscRecorder2")
    recorder.initializediscrecorder(ids[0])
    profiles = recorder.SupportedProfiles
    assert isinstance(profiles, tuple) and all(type(p) is int for p in profiles)
    assert 0x000A in profiles  # CD-RW
    assert isinstance(recorder.DeviceCanLoadMedia, bool)
    writer = automation.Dispatch("IMAPI2.MsftDiscFormat2Data")
    writer.put_Recorder(recorder)
    writer.ClientName = "test"
    assert writer.get_ClientName() == writer.clientname == "test"
    assert writer.Recorder == recorder
    assert writer.CurrentPhysicalMediaType == 3
    assert writer.IsCurrentMediaSupported(recorder) is True


def test_unknown_names_fail_like_pywin32_and_comtypes() -> None:
    master = automation.Dispatch("IMAPI2.MsftDiscMaster2")
    with pytest.raises(AttributeError):
        _ = master.Counts
    with pytest.raises(automation.com_error) as info:
        master.NoSuchMethod()
    assert info.value.hresult == -2147352570  # DISP_E_UNKNOWNNAME
    ct = automation.CreateObject("IMAPI2.MsftDiscMaster2")
    with pytest.raises(automation.COMError) as cinfo:
        _ = ct.Counts
    assert isinstance(cinfo.value, AttributeError) and cinfo.value.hresult == -2147352570
    with pytest.raises(AttributeError):
        master.Count = 3  # read-only


def test_failures_carry_the_imapi_hresult() -> None:
    writer = automation.Dispatch("IMAPI2.MsftDiscFormat2Data")
    with pytest.raises(automation.com_error) as info:
        writer.Write(b"\0" * 2048)  # no recorder
    hresult, _text, excepinfo, _argerr = info.value.args
    assert excepinfo[5] == hresult == info.value.hresult
    assert automation.to_unsigned(hresult) >> 16 in (0xC0AA, 0x8000, 0x8007)
    assert isinstance(info.value.__cause__, Exception)
    assert info.value.__cause__.hresult == automation.to_unsigned(hresult)
    ct = automation.CreateObject("IMAPI2.MsftDiscFormat2Data")
    with pytest.raises(automation.COMError) as cinfo:
        ct.Write(b"\0" * 2048)
    assert cinfo.value.hresult == hresult


def test_adodb_stream_loads_a_file(tmp_path: Path) -> None:
    src = tmp_path / "boot.bin"
    src.write_bytes(bytes(range(256)) * 8)
    stream = automation.Dispatch("ADODB.Stream")
    stream.Type = 1
    stream.Open()
    stream.LoadFromFile(str(src))
    assert stream.Size == 2048 and stream.Type == 1
    assert stream.Read(4) == b"\0\1\2\3"
    assert stream.Position == 4
    stream.Position = 0
    assert stream.Read() == src.read_bytes()
    stream.Position = 0  # IMAPI reads the IStream from its current position
    options = automation.Dispatch("IMAPI2FS.BootOptions")
    options.AssignBootImage(stream)
    assert options.ImageSize == 2048
    stream.Close()
    with pytest.raises(automation.com_error):
        stream.Read(1)


def test_shell_and_hglobal_streams(tmp_path: Path) -> None:
    path = tmp_path / "track.raw"
    path.write_bytes(b"x" * 5000)
    stream = automation.SHCreateStreamOnFileEx(str(path), 0, 0, False, None)
    assert stream.Stat()[2] == 5000
    stream.SetSize(2352)
    assert stream.Stat()[2] == 2352 and len(stream.Read(10000)) == 2352
    assert stream.QueryInterface("{0000000C-0000-0000-C000-000000000046}") is stream
    assert path.stat().st_size == 5000  # a read-only stream only trims what it shows
    mem = automation.CreateStreamOnHGlobal()
    assert mem.Write(b"hello world") == 11
    assert mem.Seek(6, 0) == 6
    assert mem.Read(5) == b"world"


def test_missing_file_is_hresult_from_win32(tmp_path: Path) -> None:
    with pytest.raises(automation.com_error) as info:
        automation.SHCreateStreamOnFileEx(str(tmp_path / "missing"), 0, 0, False, None)
    assert automation.to_unsigned(info.value.hresult) == 0x80070002  # ERROR_FILE_NOT_FOUND


def test_result_stream_reads_and_data_writer_events(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"data")
    fsi = automation.Dispatch("IMAPI2FS.MsftFileSystemImage")
    fsi.Root.AddTree(str(tmp_path), False)
    result = fsi.CreateResultImage()
    stream = result.ImageStream
    data = stream.Read(result.TotalBlocks * result.BlockSize)
    assert len(data) == result.TotalBlocks * 2048
    assert data[0x8001:0x8006] == b"CD001"


def test_dispatch_with_events_is_object_and_sink() -> None:
    virtual.create_drive("d1").insert("cd-rw")

    class Events:
        def __init__(self) -> None:
            self.seen: list[tuple[int, int]] = []

        def OnUpdate(self, sender: object, elapsed: int, total: int) -> None:
            self.seen.append((elapsed, total))

    eraser = automation.DispatchWithEvents("IMAPI2.MsftDiscFormat2Erase", Events)
    assert isinstance(eraser, Events) and isinstance(eraser, automation.CDispatch)
    recorder = automation.Dispatch("IMAPI2.MsftDiscRecorder2")
    recorder.InitializeDiscRecorder(automation.Dispatch("IMAPI2.MsftDiscMaster2").Item(0))
    eraser.Recorder = recorder
    eraser.ClientName = "t"
    eraser.EraseMedia()
    assert eraser.seen and all(isinstance(e, int) for pair in eraser.seen for e in pair)
    count = len(eraser.seen)
    eraser.close()
    eraser.EraseMedia()
    assert len(eraser.seen) == count  # disconnected


def test_fs_events_reach_comtypes_sink(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"data" * 1000)
    fsi = automation.CreateObject("IMAPI2FS.MsftFileSystemImage")
    seen: list[str] = []

    class Sink:
        def DFileSystemImageEvents_Update(self, this: object, sender: object, current: str,
                                          copied: int, total: int) -> None:
            assert this is sink
            seen.append(current)

    sink = Sink()
    conn = automation.GetEvents(fsi, sink)
    fsi.Root.AddTree(str(tmp_path), False)
    conn.disconnect()
    assert any("f.txt" in s for s in seen)


def test_install_registers_missing_modules_only() -> None:
    added = automation.install()
    try:
        import win32com.client  # type: ignore[import-not-found]
        from win32com.shell import shell  # type: ignore[import-not-found]

        assert win32com.client.Dispatch is automation.Dispatch
        assert shell.SHCreateStreamOnFileEx is automation.SHCreateStreamOnFileEx
        assert sys.modules["pythoncom"].com_error is automation.com_error
        assert sys.modules["comtypes.client"].GetEvents is automation.GetEvents
        assert win32com.client.constants.IMAPI_MEDIA_TYPE_CDRW == 3
        assert automation.install() == []  # idempotent
    finally:
        automation.uninstall()
    assert "win32com.client" in added and "win32com.client" not in sys.modules


def test_module_runner_usage() -> None:
    proc = subprocess.run([sys.executable, "-m", "openimapi.automation"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_event_sources_and_objects_without_events() -> None:
    class Sink:
        def OnNotifyDeviceAdded(self, sender: object, uid: str) -> None:
            raise AssertionError("never fired")

    master = automation.DispatchWithEvents("IMAPI2.MsftDiscMaster2", Sink)
    assert master.Count == 0
    master.close()
    with pytest.raises(automation.com_error) as info:
        automation.DispatchWithEvents("IMAPI2.MsftDiscRecorder2", Sink)
    assert automation.to_unsigned(info.value.hresult) == 0x80040200  # CONNECT_E_NOCONNECTION
