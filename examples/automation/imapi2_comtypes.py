"""IMAPI2 from Python with comtypes, as written for Windows (Microsoft's sample sequences).

    python imapi2_comtypes.py list
    python imapi2_comtypes.py burn-folder INDEX FOLDER [CANCEL_AT_PERCENT]
    python imapi2_comtypes.py burn-iso INDEX FILE.iso
    python imapi2_comtypes.py audio INDEX TRACK.wav...
    python imapi2_comtypes.py erase INDEX
    python imapi2_comtypes.py mkiso FOLDER OUT.iso

On Linux: python -m openimapi.automation imapi2_comtypes.py ... (no edit needed).
"""

import sys

import comtypes
import comtypes.client

FS_ISO9660, FS_JOLIET = 1, 2
WRITE_ACTION_WRITING_DATA = 5
E_IMAPI_REQUEST_CANCELLED = -1062600702  # 0xC0AA0002, signed as comtypes reports it
AD_TYPE_BINARY = 1


def get_disc_recorder(index):
    master = comtypes.client.CreateObject("IMAPI2.MsftDiscMaster2")
    recorder = comtypes.client.CreateObject("IMAPI2.MsftDiscRecorder2")
    recorder.InitializeDiscRecorder(master[index])
    return recorder


def list_recorders():
    master = comtypes.client.CreateObject("IMAPI2.MsftDiscMaster2")
    print("recorders:", master.Count, "supported:", master.IsSupportedEnvironment)
    for index in range(master.Count):
        recorder = comtypes.client.CreateObject("IMAPI2.MsftDiscRecorder2")
        recorder.InitializeDiscRecorder(master.Item(index))
        writer = comtypes.client.CreateObject("IMAPI2.MsftDiscFormat2Data")
        writer.Recorder = recorder
        print("%d: %s %s media=%d paths=%s" % (
            index, recorder.VendorId.strip(), recorder.ProductId.strip(),
            writer.CurrentPhysicalMediaType, list(recorder.VolumePathNames)))


class DataWriterSink:
    """DDiscFormat2DataEvents handlers, comtypes naming."""

    def __init__(self, writer, cancel_at):
        self.writer = writer
        self.cancel_at = cancel_at
        self.updates = 0
        self.actions = set()

    def DDiscFormat2DataEvents_Update(self, this, sender, args):
        self.updates += 1
        self.actions.add(args.CurrentAction)
        if args.CurrentAction == WRITE_ACTION_WRITING_DATA and args.SectorCount:
            percent = 100 * (args.LastWrittenLba - args.StartLba) // args.SectorCount
            if self.cancel_at is not None and percent >= self.cancel_at:
                print("cancel button pressed at %d%%" % percent)
                sender.CancelWrite()


def burn_folder(index, folder, cancel_at=None):
    recorder = get_disc_recorder(index)
    writer = comtypes.client.CreateObject("IMAPI2.MsftDiscFormat2Data")
    writer.Recorder = recorder
    writer.ClientName = "comtypes sample"
    image = comtypes.client.CreateObject("IMAPI2FS.MsftFileSystemImage")
    image.ChooseImageDefaults(recorder)
    image.FileSystemsToCreate = FS_ISO9660 | FS_JOLIET
    image.VolumeName = "COMTYPES"
    image.Root.AddTree(folder, False)
    print("files=%d dirs=%d" % (image.FileCount, image.DirectoryCount))
    stream = image.CreateResultImage().ImageStream
    sink = DataWriterSink(writer, cancel_at)
    connection = comtypes.client.GetEvents(writer, sink)
    try:
        writer.Write(stream)
    except comtypes.COMError as err:
        if err.hresult == E_IMAPI_REQUEST_CANCELLED:
            print("write cancelled: hresult=0x%08X updates=%d" % (err.hresult & 0xFFFFFFFF, sink.updates))
            return 3
        raise
    finally:
        connection.disconnect()
    print("burned: updates=%d actions=%s" % (sink.updates, sorted(sink.actions)))
    return 0


def burn_iso(index, path):
    stream = comtypes.client.CreateObject("ADODB.Stream")
    stream.Type = AD_TYPE_BINARY
    stream.Open()
    stream.LoadFromFile(path)
    writer = comtypes.client.CreateObject("IMAPI2.MsftDiscFormat2Data")
    writer.Recorder = get_disc_recorder(index)
    writer.ClientName = "comtypes sample"
    writer.Write(stream)
    print("burned %d bytes" % stream.Size)
    stream.Close()
    return 0


class TaoSink:
    def __init__(self):
        self.tracks = set()

    def Update(self, sender, args):
        self.tracks.add(args.CurrentTrackNumber)


def burn_audio(index, tracks):
    writer = comtypes.client.CreateObject("IMAPI2.MsftDiscFormat2TrackAtOnce")
    recorder = get_disc_recorder(index)
    writer.Recorder = recorder
    writer.ClientName = "comtypes sample"
    if not writer.IsCurrentMediaSupported(recorder):
        print("media not supported")
        return 1
    sink = TaoSink()
    connection = comtypes.client.GetEvents(writer, sink)
    writer.PrepareMedia()
    for path in tracks:
        stream = comtypes.client.CreateObject("ADODB.Stream")
        stream.Type = AD_TYPE_BINARY
        stream.Open()
        stream.LoadFromFile(path)
        stream.Position = stream.Size - stream.Size % 2352  # whole sectors only, as the SDK sample
        stream.SetEOS()
        stream.Position = 0
        writer.AddAudioTrack(stream)
    writer.ReleaseMedia()
    connection.disconnect()
    print("audio tracks burned: %d events for tracks %s" % (len(tracks), sorted(sink.tracks)))
    return 0


class EraseSink:
    def __init__(self):
        self.updates = []

    def Update(self, sender, elapsed, total):
        self.updates.append((elapsed, total))


def erase(index):
    eraser = comtypes.client.CreateObject("IMAPI2.MsftDiscFormat2Erase")
    eraser.Recorder = get_disc_recorder(index)
    eraser.ClientName = "comtypes sample"
    eraser.FullErase = False
    sink = EraseSink()
    connection = comtypes.client.GetEvents(eraser, sink)
    eraser.EraseMedia()
    connection.disconnect()
    print("erased: updates=%d blank=%s" % (len(sink.updates), eraser.MediaPhysicallyBlank))
    return 0


def make_iso(folder, out):
    image = comtypes.client.CreateObject("IMAPI2FS.MsftFileSystemImage")
    image.FileSystemsToCreate = FS_ISO9660 | FS_JOLIET
    image.VolumeName = "COMTYPESISO"
    image.Root.AddTree(folder, False)
    result = image.CreateResultImage()
    stream = result.ImageStream
    written = 0
    with open(out, "wb") as f:
        for _ in range(result.TotalBlocks):
            chunk = stream.Read(result.BlockSize)
            f.write(chunk)
            written += len(chunk)
    print("image written: %d bytes" % written)
    return 0


def main(argv):
    comtypes.CoInitialize()
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
    except comtypes.COMError as err:
        print("COM error 0x%08X: %s" % (err.hresult & 0xFFFFFFFF, err.text))
        return 1
    finally:
        comtypes.CoUninitialize()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
