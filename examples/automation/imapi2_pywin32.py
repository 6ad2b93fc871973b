"""IMAPI2 from Python with pywin32, as written for Windows (Microsoft's sample sequences).

    python imapi2_pywin32.py list
    python imapi2_pywin32.py burn-folder INDEX FOLDER [CANCEL_AT_PERCENT]
    python imapi2_pywin32.py burn-iso INDEX FILE.iso
    python imapi2_pywin32.py audio INDEX TRACK.wav...
    python imapi2_pywin32.py erase INDEX
    python imapi2_pywin32.py mkiso FOLDER OUT.iso

On Linux: python -m openimapi.automation imapi2_pywin32.py ... (no edit needed).
"""

import sys

import pythoncom
import pywintypes
import win32com.client
from win32com.shell import shell

FS_ISO9660, FS_JOLIET = 1, 2
WRITE_ACTION_WRITING_DATA = 5
E_IMAPI_REQUEST_CANCELLED = -1062600702  # 0xC0AA0002 as pywin32 reports it
STGM_READ, STGM_SHARE_DENY_WRITE = 0x0, 0x20


def get_disc_recorder(index):
    master = win32com.client.Dispatch("IMAPI2.MsftDiscMaster2")
    recorder = win32com.client.Dispatch("IMAPI2.MsftDiscRecorder2")
    recorder.InitializeDiscRecorder(master.Item(index))
    return recorder


def list_recorders():
    master = win32com.client.Dispatch("IMAPI2.MsftDiscMaster2")
    print("recorders:", master.Count, "supported:", master.IsSupportedEnvironment)
    for index, unique_id in enumerate(master):
        recorder = win32com.client.Dispatch("IMAPI2.MsftDiscRecorder2")
        recorder.InitializeDiscRecorder(unique_id)
        writer = win32com.client.Dispatch("IMAPI2.MsftDiscFormat2Data")
        writer.Recorder = recorder
        paths = recorder.VolumePathNames
        print("%d: %s %s media=%d paths=%s profiles=%s" % (
            index, recorder.VendorId.strip(), recorder.ProductId.strip(),
            writer.CurrentPhysicalMediaType, list(paths), type(recorder.SupportedProfiles).__name__))
        try:
            recorder.NoSuchMember
        except AttributeError:
            print("unknown member raises AttributeError")


class DataWriterEvents:
    """DDiscFormat2DataEvents sink: DispatchWithEvents makes the writer itself this sink."""

    def __init__(self):
        self.updates = 0
        self.cancel_at = None
        self.actions = set()

    def OnUpdate(self, sender, args):
        progress = win32com.client.Dispatch(args)
        self.updates += 1
        self.actions.add(progress.CurrentAction)
        if progress.CurrentAction == WRITE_ACTION_WRITING_DATA and progress.SectorCount:
            done = progress.LastWrittenLba - progress.StartLba
            percent = 100 * done // progress.SectorCount
            if self.cancel_at is not None and percent >= self.cancel_at:
                print("cancel button pressed at %d%%" % percent)
                self.CancelWrite()


def burn_folder(index, folder, cancel_at=None):
    recorder = get_disc_recorder(index)
    writer = win32com.client.DispatchWithEvents("IMAPI2.MsftDiscFormat2Data", DataWriterEvents)
    writer.cancel_at = cancel_at
    writer.Recorder = recorder
    writer.ClientName = "pywin32 sample"
    image = win32com.client.Dispatch("IMAPI2FS.MsftFileSystemImage")
    image.FreeMediaBlocks = writer.FreeSectorsOnMedia
    image.FileSystemsToCreate = FS_ISO9660 | FS_JOLIET
    image.VolumeName = "PYWIN32"
    image.Root.AddTree(folder, False)
    print("files=%d dirs=%d" % (image.FileCount, image.DirectoryCount))
    stream = image.CreateResultImage().ImageStream
    try:
        writer.Write(stream)
    except pywintypes.com_error as err:
        if err.hresult == E_IMAPI_REQUEST_CANCELLED:
            print("write cancelled: hresult=0x%08X updates=%d" % (err.hresult & 0xFFFFFFFF, writer.updates))
            return 3
        raise
    finally:
        writer.close()
    print("burned: updates=%d actions=%s" % (writer.updates, sorted(writer.actions)))
    return 0


def burn_iso(index, path):
    stream = shell.SHCreateStreamOnFileEx(path, STGM_READ | STGM_SHARE_DENY_WRITE, 0, False, None)
    size = stream.Stat()[2]
    if size % 2048:
        print("not a multiple of 2048 bytes")
        return 1
    writer = win32com.client.Dispatch("IMAPI2.MsftDiscFormat2Data")
    writer.Recorder = get_disc_recorder(index)
    writer.ClientName = "pywin32 sample"
    print("supported media:", len(writer.SupportedMediaTypes))
    writer.Write(stream)
    writer.Recorder = None
    print("burned %d bytes" % size)
    return 0


class TaoEvents:
    def __init__(self):
        self.tracks = set()

    def OnUpdate(self, sender, args):
        self.tracks.add(win32com.client.Dispatch(args).CurrentTrackNumber)


def burn_audio(index, tracks):
    writer = win32com.client.DispatchWithEvents("IMAPI2.MsftDiscFormat2TrackAtOnce", TaoEvents)
    recorder = get_disc_recorder(index)
    writer.Recorder = recorder
    writer.ClientName = "pywin32 sample"
    if not writer.IsCurrentMediaSupported(recorder):
        print("media not supported")
        return 1
    writer.PrepareMedia()
    for path in tracks:
        stream = shell.SHCreateStreamOnFileEx(path, STGM_READ | STGM_SHARE_DENY_WRITE, 0, False, None)
        size = stream.Stat()[2]
        stream.SetSize(size - size % 2352)
        writer.AddAudioTrack(stream)
    writer.ReleaseMedia()
    writer.close()
    print("audio tracks burned: %d events for tracks %s" % (len(tracks), sorted(writer.tracks)))
    return 0


class EraseEvents:
    def __init__(self):
        self.updates = []

    def OnUpdate(self, sender, elapsed, total):
        self.updates.append((elapsed, total))


def erase(index):
    eraser = win32com.client.DispatchWithEvents("IMAPI2.MsftDiscFormat2Erase", EraseEvents)
    eraser.Recorder = get_disc_recorder(index)
    eraser.ClientName = "pywin32 sample"
    eraser.FullErase = False
    eraser.EraseMedia()
    print("erased: updates=%d blank=%s" % (len(eraser.updates), eraser.MediaPhysicallyBlank))
    return 0


def make_iso(folder, out):
    image = win32com.client.Dispatch("IMAPI2FS.MsftFileSystemImage")
    image.FileSystemsToCreate = FS_ISO9660 | FS_JOLIET
    image.VolumeName = "PYWIN32ISO"
    image.Root.AddTree(folder, False)
    stream = image.CreateResultImage().ImageStream
    stream = stream.QueryInterface(pythoncom.IID_IStream)
    written = 0
    with open(out, "wb") as f:
        while True:
            chunk = stream.Read(1024 * 1024)
            if not chunk:
                break
            f.write(chunk)
            written += len(chunk)
    print("image written: %d bytes" % written)
    return 0


def main(argv):
    pythoncom.CoInitialize()
    try:
        command = argv[1]
        if command == "list":
            list_recorders()
            return 0
        if command == "burn-folder":
            return burn_folder(int(argv[2]), argv[3], int(argv[4]) if len(argv) > 4 else None)
        if command == "burn-iso":
            return burn_iso(int(argv[2]), argv[3])
        if command == "audio":
            return burn_audio(int(argv[2]), argv[3:])
        if command == "erase":
            return erase(int(argv[2]))
        if command == "mkiso":
            return make_iso(argv[2], argv[3])
        print(__doc__)
        return 2
    except pywintypes.com_error as err:
        hresult, text, excepinfo, argerr = err.args
        print("COM error 0x%08X: %s" % (hresult & 0xFFFFFFFF, text))
        return 1
    finally:
        pythoncom.CoUninitialize()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
