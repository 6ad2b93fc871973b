"""``openimapi audio -o``: an audio CD image (BIN/CUE) mastered from audio files (decoded by
libsndfile through AudioSource), checked sample for sample and line for line."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .conftest import json_lines, run


def _tone(path: Path, seconds: float, freq: float, rate: int = 44100) -> np.ndarray:
    import soundfile

    t = np.arange(int(rate * seconds)) / rate
    x = (np.sin(2 * np.pi * freq * t) * 9000).astype("<i2")
    stereo = np.stack([x, -x], axis=1)
    soundfile.write(str(path), stereo, rate, subtype="PCM_16")
    return stereo


def test_master_bin_cue_with_gaps_and_cd_text(tmp_path: Path) -> None:
    one = _tone(tmp_path / "intro.wav", 5, 440)
    two = _tone(tmp_path / "song.flac", 6.5, 550)
    cue = tmp_path / "live.cue"
    result = run("audio", str(tmp_path / "intro.wav"), str(tmp_path / "song.flac"), "-o", str(cue),
                 "--cd-text-title", "Live", "--cd-text-performer", "The Band", "--json")
    assert result.exit_code == 0, result.output
    done = json_lines(result.stdout)[-1]
    assert done["event"] == "completed" and done["tracks"] == 2
    assert cue.read_text().splitlines() == [
        'TITLE "Live"', 'PERFORMER "The Band"', 'FILE "live.bin" BINARY',
        "  TRACK 01 AUDIO", '    TITLE "intro"', '    PERFORMER "The Band"', "    INDEX 01 00:00:00",
        "  TRACK 02 AUDIO", '    TITLE "song"', '    PERFORMER "The Band"', "    INDEX 00 00:05:00",
        "    INDEX 01 00:07:00"]
    pcm = np.frombuffer((tmp_path / "live.bin").read_bytes(), dtype="<i2").reshape(-1, 2)
    assert len(pcm) == (375 + 150 + 488) * 588  # whole sectors: 5 s, a 2 s gap, 6.5 s padded
    assert np.array_equal(pcm[: len(one)], one) and not pcm[len(one) : 525 * 588].any()
    assert np.array_equal(pcm[525 * 588 : 525 * 588 + len(two)], two)


def test_gapless_and_resampled(tmp_path: Path) -> None:
    _tone(tmp_path / "a.wav", 4.5, 300, rate=48000)
    _tone(tmp_path / "b.wav", 4, 300)
    cue = tmp_path / "mix.cue"
    result = run("audio", str(tmp_path / "a.wav"), str(tmp_path / "b.wav"), "--gap", "0", "-o", str(cue), "-q")
    assert result.exit_code == 0, result.output
    text = cue.read_text()
    assert "INDEX 00" not in text and "    INDEX 01 00:04:38" in text  # 4.5 s at 44.1 kHz = 338 sectors
    assert "TITLE" not in text  # no CD-TEXT asked for


def test_audio_bad_input(tmp_path: Path) -> None:
    _tone(tmp_path / "short.wav", 2, 440)
    _tone(tmp_path / "ok.wav", 5, 440)
    (tmp_path / "text.wav").write_text("not audio")
    out = str(tmp_path / "x.cue")
    result = run("audio", str(tmp_path / "short.wav"), "-o", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"openimapi: {tmp_path / 'short.wav'} lasts 2.0 s; a CD track lasts at "
                                          "least 4 s", "hint: pad it with silence or join it to the next track"]
    result = run("audio", str(tmp_path / "text.wav"), "-o", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"openimapi: {tmp_path / 'text.wav'} is not an audio file openimapi " \
                                            "can decode"
    result = run("audio", str(tmp_path / "ok.wav"), "--gap", "1", "-o", out)
    assert result.exit_code == 2 and "a gap of 1 seconds is not offered" in result.stderr
    result = run("audio", str(tmp_path / "missing.flac"), "-o", out)
    assert result.exit_code == 2 and result.stderr.startswith("openimapi: no such file or folder")
    result = run("audio", str(tmp_path / "ok.wav"), "-o", out, "--cd-text-title", "Łódź")
    assert result.exit_code == 2 and "is not ISO 8859-1 text" in result.stderr
