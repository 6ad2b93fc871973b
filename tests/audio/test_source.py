"""AudioSource: Red Book PCM from audio files, checked sample by sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from openimapi.audio import AUDIO_SECTOR, AudioSource, RedBookFormatError
from openimapi.errors import IMAPI_E_DATA_STREAM_READ_FAILURE


def _tone(frames: int, rate: int, channels: int, freq: float = 1000.0) -> np.ndarray:
    t = np.arange(frames) / rate
    mono = 0.5 * np.sin(2 * np.pi * freq * t)
    return np.stack([mono * (1 - 0.1 * c) for c in range(channels)], axis=1)


def test_cd_format_wav_passes_through_bit_exact(tmp_path: Path) -> None:
    pcm = np.random.default_rng(1).integers(-32768, 32767, (44100 + 17, 2), dtype=np.int16)
    path = tmp_path / "a.wav"
    sf.write(path, pcm, 44100, subtype="PCM_16")
    with AudioSource(path) as src:
        assert src.passthrough
        data = src.read()
    assert len(data) == src.size and src.size % AUDIO_SECTOR == 0
    assert data[: pcm.size * 2] == pcm.astype("<i2").tobytes()
    assert set(data[pcm.size * 2 :]) <= {0}


def test_flac_mono_48k_is_resampled_to_stereo(tmp_path: Path) -> None:
    path = tmp_path / "b.flac"
    sf.write(path, _tone(48000, 48000, 1), 48000, subtype="PCM_24")
    src = AudioSource(path)
    assert not src.passthrough and src.frames == 44100
    out = np.frombuffer(src.read(), dtype="<i2").reshape(-1, 2)[: src.frames].astype(np.float64) / 32768
    assert np.max(np.abs(out[:, 0] - out[:, 1])) <= 2 / 32768  # mono on both sides (own dither)
    # a 1 kHz tone: compare with the ideal tone away from the edges (filter settling)
    ideal = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(src.frames) / 44100)
    middle = slice(2000, src.frames - 2000)
    assert np.max(np.abs(out[middle, 0] - ideal[middle])) < 3e-3
    assert src.clipped_samples == 0


def test_multichannel_downmix_and_clipping_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.wav"
    data = np.zeros((4410, 4), dtype=np.float32)
    data[:, 0] = data[:, 2] = 1.0  # left channels at full scale: clips
    data[:, 1] = 0.25
    data[:, 3] = -0.25
    sf.write(path, data, 44100, subtype="FLOAT")
    src = AudioSource(path, pad_to_sector=False)
    out = np.frombuffer(src.read(), dtype="<i2").reshape(-1, 2)
    assert len(out) == 4410 and src.size == 4410 * 4
    assert np.all(out[:, 0] >= 32766)
    assert np.all(np.abs(out[:, 1]) <= 1)  # (0.25 - 0.25) / 2 plus dither
    assert src.clipped_samples > 0


def test_streaming_reads_and_seek_back_reproduce(tmp_path: Path) -> None:
    path = tmp_path / "d.ogg"
    sf.write(path, _tone(22050 * 3, 22050, 2), 22050, format="OGG", subtype="VORBIS")
    src = AudioSource(path)
    whole = b"".join(iter(lambda: src.read(5000), b""))
    assert len(whole) == src.size == src.sectors * AUDIO_SECTOR
    src.seek(0)
    assert src.read() == whole


def test_bad_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all" * 10)
    with pytest.raises(RedBookFormatError):
        AudioSource(junk)
    with pytest.raises(IMAPI_E_DATA_STREAM_READ_FAILURE):
        AudioSource(tmp_path / "missing.flac")
