"""Microsoft's audio samples (imapi2sample 8d track-at-once and 8e raw disc-at-once, see
tests/data/reference/samples.md) run as Python on the virtual recorder; the discs are
ripped to BIN/CUE, decoded with sox back to the PCM that was sent, and their TOC gives the
disc ids python-discid computes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import discid
import numpy as np
import pytest
import soundfile

import openimapi
from openimapi.audio.rip import rip_bin_cue
from openimapi.audio.source import AudioSource
from openimapi.enums import IMAPI_CD_SECTOR_TYPE as CT
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE as ST

from .conftest import SECTOR, pcm

pytestmark = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed (.ci/run installs it)")


class _SetSize(io.RawIOBase):
    """A file stream whose size was cut with IStream::SetSize, as the sample does."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self._f = path.open("rb")
        self.size = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.size - self._f.tell()
        view = memoryview(buffer).cast("B")[: max(0, left)]
        return self._f.readinto(view)

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            return self._f.seek(self.size + offset)
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def close(self) -> None:
        self._f.close()
        super().close()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    for i, sectors in enumerate((300, 330, 305)):
        frames = np.frombuffer(pcm(sectors, 40 + i), dtype="<i2").reshape(-1, 2)
        soundfile.write(folder / f"{i + 1:02d}.wav", frames, 44100, subtype="PCM_16")
    return folder


def _recorder(index: int = 0) -> openimapi.DiscRecorder2:
    master = openimapi.DiscMaster2()
    recorder = openimapi.DiscRecorder2()
    recorder.initialize_disc_recorder(master.item(index))
    return recorder


def _play_back(rip: Any, tmp_path: Path, expected: list[bytes]) -> None:
    """Decode each track of the BIN/CUE with sox and compare with the PCM sent."""
    cue = rip.cue.read_text(encoding="latin-1")
    starts = [int(m) * 4500 + int(s) * 75 + int(f) for m, s, f in re.findall(r"INDEX 01 (\d+):(\d+):(\d+)", cue)]
    assert len(starts) == len(expected)
    for k, want in enumerate(expected):
        out = tmp_path / f"track{k + 1}.wav"
        samples = len(want) // 4
        subprocess.run(["sox", "-t", "raw", "-r", "44100", "-e", "signed-integer", "-b", "16", "-c", "2", "-L",
                        str(rip.bin), str(out), "trim", f"{starts[k] * 588}s", f"{samples}s"], check=True)
        got, rate = soundfile.read(out, dtype="int16")
        assert rate == 44100
        assert np.array_equal(got, np.frombuffer(want, dtype="<i2").reshape(-1, 2))
    ref = discid.put(rip.toc.first_track, rip.toc.last_track, rip.toc.leadout + 150,
                     [s + 150 for s in rip.toc.starts])
    assert (rip.toc.musicbrainz_id, rip.toc.freedb_id) == (ref.id, ref.freedb_id)


def test_sample_8d_track_at_once(tmp_path: Path) -> None:
    from openimapi import virtual

    virtual.create_drive("burner", model="cd-writer").insert("cd-r")
    folder = _folder(tmp_path)
    # 1. writer, recorder, client name
    tao = openimapi.DiscFormat2TrackAtOnce()
    recorder = _recorder(0)
    tao.recorder = recorder
    tao.client_name = "imapi2sample"
    # 2. media type, supported?
    assert tao.current_physical_media_type == openimapi.enums.IMAPI_MEDIA_PHYSICAL_TYPE.IMAPI_MEDIA_TYPE_CDR
    assert tao.is_current_media_supported(recorder)
    # 3. prepare; 4. events
    tao.prepare_media()
    seen: list[int] = []
    tao.add_listener(lambda sender, args: seen.append(args.current_track_number))
    # 5. every file, whole .wav (header included) cut to whole sectors with SetSize
    sent = []
    for path in sorted(folder.iterdir()):
        size = path.stat().st_size // SECTOR * SECTOR
        stream = _SetSize(path, size)
        sent.append(path.read_bytes()[:size])
        tao.add_audio_track(stream)
        stream.close()
    # 6. release (closes the disc), detach
    tao.release_media()
    tao.recorder = None
    assert sorted(set(seen)) == [1, 2, 3]
    rip = rip_bin_cue(recorder.drive, tmp_path / "tao.cue")
    assert rip.pregaps == tuple(s - (150 if i else 0) for i, s in enumerate(rip.toc.starts))
    assert "INDEX 00" in rip.cue.read_text()
    _play_back(rip, tmp_path, sent)
    recorder.close()


def test_sample_8e_raw_disc_at_once(tmp_path: Path) -> None:
    from openimapi import virtual

    virtual.create_drive("burner", model="cd-writer").insert("cd-rw")
    folder = _folder(tmp_path)
    raw = openimapi.DiscFormat2RawCD()
    recorder = _recorder(0)
    raw.recorder = recorder
    raw.client_name = "imapi2sample"
    assert raw.is_recorder_supported(recorder) and raw.is_current_media_supported(recorder)
    creator = openimapi.RawCDImageCreator()
    creator.resulting_image_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
    sent = []
    streams = []
    for path in sorted(folder.iterdir()):
        size = path.stat().st_size // SECTOR * SECTOR
        stream = _SetSize(path, size)
        streams.append(stream)
        sent.append(path.read_bytes()[:size])
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, stream)
    image = creator.create_result_image()
    raw.prepare_media()
    raw.requested_sector_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
    raw.write_media(image)
    raw.release_media()
    for s in streams:
        s.close()
    rip = rip_bin_cue(recorder.drive, tmp_path / "raw.cue")
    assert rip.toc.starts == (0, 300, 630)  # gapless: no pre-gaps between audio tracks
    _play_back(rip, tmp_path, sent)
    recorder.close()


def test_audio_files_of_any_format_through_both_writers(make_drive: Any, tmp_path: Path) -> None:
    """A 48 kHz mono FLAC and a 22.05 kHz stereo Ogg become Red Book tracks with known sizes."""
    t = np.arange(48000 * 5) / 48000
    soundfile.write(tmp_path / "a.flac", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 48000)
    t2 = np.arange(22050 * 4) / 22050
    soundfile.write(tmp_path / "b.ogg", np.stack([0.2 * np.sin(2 * np.pi * 330 * t2)] * 2, axis=1), 22050)
    sources = [AudioSource(tmp_path / "a.flac"), AudioSource(tmp_path / "b.ogg")]
    expected = [bytes(s.read()) for s in sources]
    for s in sources:
        s.seek(0)
    assert [len(e) for e in expected] == [s.size for s in sources] == [375 * SECTOR, 300 * SECTOR]
    rec = make_drive("cd-r")
    fmt = openimapi.DiscFormat2TrackAtOnce()
    fmt.recorder = rec
    fmt.client_name = "pytest"
    fmt.prepare_media()
    for s in sources:
        fmt.add_audio_track(s)
    fmt.release_media()
    rip = rip_bin_cue(rec.drive, tmp_path / "files.cue")
    _play_back(rip, tmp_path, expected)
