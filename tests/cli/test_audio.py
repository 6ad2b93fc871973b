"""``openimapi audio`` (disc-at-once with CD-TEXT, track-at-once) and ``openimapi rip``, on
virtual CD-Rs: what is burned is ripped back sample for sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from openimapi import virtual

from .conftest import json_lines, run


def _tone(path: Path, seconds: float, freq: float, rate: int = 44100) -> np.ndarray:
    import soundfile

    t = np.arange(int(rate * seconds)) / rate
    x = (np.sin(2 * np.pi * freq * t) * 9000).astype("<i2")
    stereo = np.stack([x, -x], axis=1)
    soundfile.write(str(path), stereo, rate, subtype="PCM_16")
    return stereo


def test_dao_with_cd_text_then_rip(tmp_path: Path) -> None:
    import soundfile

    one = _tone(tmp_path / "intro.wav", 5, 440)
    two = _tone(tmp_path / "song.wav", 6.5, 550)
    result = run("audio", str(tmp_path / "intro.wav"), str(tmp_path / "song.wav"), "--cd-text-title", "Live",
                 "--cd-text-performer", "The Band", "--json")
    assert result.exit_code == 0, result.output
    done = json_lines(result.stdout)[-1]
    assert done["event"] == "completed" and done["tracks"] == 2 and done["mode"] == "dao"
    disc = virtual.open_drive("default").disc
    assert disc is not None and disc.media == "cd-r" and disc.status == "complete"
    assert [t.mode for t in disc.tracks] == ["audio", "audio"]
    out = tmp_path / "ripped"
    result = run("rip", str(out), "--cue")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["01 - intro.flac", "02 - song.flac", "disc.bin", "disc.cue"]
    got1, rate = soundfile.read(str(out / "01 - intro.flac"), dtype="int16")
    got2, _ = soundfile.read(str(out / "02 - song.flac"), dtype="int16")
    assert rate == 44100
    # whole sectors: the track ends padded with silence to 588 frames
    assert np.array_equal(got1[: len(one)], one) and not got1[len(one) :].any()
    assert np.array_equal(got2[: len(two)], two) and not got2[len(two) :].any()
    cue = (out / "disc.cue").read_text()
    assert 'TITLE "Live"' in cue and 'PERFORMER "The Band"' in cue and 'TITLE "song"' in cue


def test_tao_and_wav_rip(tmp_path: Path) -> None:
    import soundfile

    one = _tone(tmp_path / "a.wav", 4.5, 300)
    virtual.create_drive("cd", "cd-writer").insert("cd-r")
    result = run("audio", str(tmp_path / "a.wav"), str(tmp_path / "a.wav"), "--tao", "-d", "virtual:cd")
    assert result.exit_code == 0, result.output
    assert "track-at-once" in result.stdout
    result = run("rip", str(tmp_path / "w"), "--format", "wav", "-d", "virtual:cd")
    assert result.exit_code == 0, result.output
    for name in ("01.wav", "02.wav"):
        got, _ = soundfile.read(str(tmp_path / "w" / name), dtype="int16")
        assert np.array_equal(got[: len(one)], one)


def test_audio_bad_input(tmp_path: Path) -> None:
    _tone(tmp_path / "short.wav", 2, 440)
    (tmp_path / "text.wav").write_text("not audio")
    result = run("audio", str(tmp_path / "short.wav"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"openimapi: {tmp_path / 'short.wav'} lasts 2.0 s; a CD track lasts at "
                                          "least 4 s", "hint: pad it with silence or join it to the next track"]
    result = run("audio", str(tmp_path / "text.wav"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"openimapi: {tmp_path / 'text.wav'} is not an audio file openimapi " \
                                            "can decode"
    result = run("audio", str(tmp_path / "short.wav"), "--tao", "--gap", "0")
    assert result.exit_code == 2 and "track-at-once writes 2-second gaps" in result.stderr
    result = run("audio", str(tmp_path / "missing.flac"))
    assert result.exit_code == 2 and result.stderr.startswith("openimapi: no such file or folder")


@pytest.mark.parametrize("media", ["dvd+r", None])
def test_rip_needs_an_audio_cd(media: str | None, tmp_path: Path) -> None:
    drive = virtual.create_drive("x", "dvd-writer")
    if media:
        drive.insert(media)
    result = run("rip", str(tmp_path / "out"), "-d", "virtual:x")
    assert result.exit_code == 3
    expected = "openimapi: the disc is blank" if media else "openimapi: there is no audio CD in the drive"
    assert result.stderr.splitlines() == [expected, "hint: insert an audio CD"]


def test_write_cue_round_trip(tmp_path: Path) -> None:
    """rip --cue, then write the CUE sheet onto a new CD-R: the second rip is identical,
    CD-TEXT included."""
    _tone(tmp_path / "one.wav", 4.2, 440)
    _tone(tmp_path / "two.wav", 5, 660)
    assert run("audio", str(tmp_path / "one.wav"), str(tmp_path / "two.wav"), "--cd-text-title", "Album",
               "--cd-text-performer", "Singer", "-q").exit_code == 0
    first = tmp_path / "first"
    assert run("rip", str(first), "--cue", "-q").exit_code == 0
    result = run("write", str(first / "disc.cue"), "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[-1]["tracks"] == 2
    drive = virtual.open_drive("default")
    assert len(drive.library) == 2  # the autoloader took a new blank CD-R
    second = tmp_path / "second"
    assert run("rip", str(second), "--cue", "-q").exit_code == 0
    assert (second / "disc.bin").read_bytes() == (first / "disc.bin").read_bytes()
    assert (second / "disc.cue").read_text() == (first / "disc.cue").read_text()


def test_write_cue_bad_input(tmp_path: Path) -> None:
    cue = tmp_path / "d.cue"
    (tmp_path / "d.bin").write_bytes(bytes(2352 * 400))
    cue.write_text('FILE "d.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n')
    result = run("write", str(cue))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"openimapi: {cue} line 2: MODE1/2352 tracks cannot be written yet "
                                          "(AUDIO only)", "hint: write data discs from an ISO image"]
    cue.write_text('FILE "missing.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n')
    result = run("write", str(cue))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"openimapi: no such file or folder: {tmp_path / 'missing.bin'}"
