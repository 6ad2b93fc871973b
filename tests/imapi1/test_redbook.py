"""The v1 Redbook flow of samples.md section 11: staging rules and totals, then a burn
through DiscFormat2TrackAtOnce, simulated (nothing written) and real (read back as audio)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from openimapi import errors, v1

from .conftest import Recorder

BLOCK = 2352


def _pcm(blocks: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    return rng.integers(-32768, 32767, size=blocks * BLOCK // 2, dtype=np.int16).astype("<i2").tobytes()


def redbook_ready(master: v1.DiscMaster) -> tuple[v1.RedbookDiscMaster, v1.DiscRecorder]:
    fmt = master.set_active_disc_master_format(v1.IID_IRedbookDiscMaster)
    recorder = master.enum_disc_recorders().next()[0]
    master.set_active_disc_recorder(recorder)
    return fmt, recorder


def test_staging_totals_and_track_rules(drive: Any, master: v1.DiscMaster) -> None:
    fmt = master.set_active_disc_master_format(v1.IID_IRedbookDiscMaster)
    assert isinstance(fmt, v1.RedbookDiscMaster)
    assert fmt.get_audio_block_size() == 2352
    with pytest.raises(errors.IMAPI_E_NOACTIVERECORDER):
        fmt.create_audio_track(300)
    recorder = master.enum_disc_recorders().next()[0]
    master.set_active_disc_recorder(recorder)
    total = fmt.get_total_audio_blocks()
    assert total == drive.disc.capacity
    assert (fmt.get_total_audio_tracks(), fmt.get_used_audio_blocks()) == (0, 0)
    with pytest.raises(errors.IMAPI_E_TRACKNOTOPEN):
        fmt.add_audio_track_blocks(bytes(BLOCK))
    with pytest.raises(errors.IMAPI_E_TRACKNOTOPEN):
        fmt.close_audio_track()
    fmt.create_audio_track(400)
    with pytest.raises(errors.IMAPI_E_TRACKOPEN):
        fmt.create_audio_track(400)
    with pytest.raises(errors.E_INVALIDARG):
        fmt.add_audio_track_blocks(bytes(BLOCK + 1))
    fmt.add_audio_track_blocks(bytes(BLOCK * 10), BLOCK * 4)  # cb: only the first 4 blocks
    assert fmt.get_used_audio_blocks() == 4
    with pytest.raises(errors.IMAPI_E_TRACKOPEN):
        master.record_disc(True, False)
    with pytest.raises(errors.IMAPI_E_TRACK_NOT_BIG_ENOUGH):
        fmt.close_audio_track()
    fmt.add_audio_track_blocks(bytes(BLOCK * 296))
    fmt.close_audio_track()
    assert fmt.get_total_audio_tracks() == 1
    assert fmt.get_used_audio_blocks() == 300
    assert fmt.get_available_audio_track_blocks() == total - 300 - 150  # the pause before track 2
    with pytest.raises(errors.IMAPI_E_DISCFULL):
        fmt.create_audio_track(total - 449)  # the estimate does not fit
    fmt.create_audio_track()
    assert fmt.get_total_audio_tracks() == 2
    assert fmt.get_used_audio_blocks() == 450
    master.clear_format_content()
    assert (fmt.get_total_audio_tracks(), fmt.get_used_audio_blocks()) == (0, 0)
    with pytest.raises(errors.IMAPI_E_INVALIDIMAGE):
        master.record_disc(True, False)


def test_audio_gap_size_counts_between_tracks(drive: Any, master: v1.DiscMaster) -> None:
    fmt, recorder = redbook_ready(master)
    props = recorder.get_recorder_properties()
    props["AudioGapSize"] = 0
    recorder.set_recorder_properties(props)
    for _ in range(2):
        fmt.create_audio_track(300)
        fmt.add_audio_track_blocks(bytes(BLOCK * 300))
        fmt.close_audio_track()
    assert fmt.get_used_audio_blocks() == 600


def test_wrongformat_between_joliet_and_redbook(drive: Any, master: v1.DiscMaster) -> None:
    joliet = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    sink = Recorder()
    master.progress_advise(sink)
    redbook = master.set_active_disc_master_format(v1.IID_IRedbookDiscMaster)
    assert sink.events == [("pnp",)]
    with pytest.raises(errors.IMAPI_E_WRONGFORMAT):
        joliet.get_joliet_properties()
    with pytest.raises(errors.IMAPI_E_WRONGFORMAT):
        joliet.set_joliet_properties({"VolumeName": "X"})
    master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    with pytest.raises(errors.IMAPI_E_WRONGFORMAT):
        redbook.get_total_audio_blocks()
    with pytest.raises(errors.IMAPI_E_WRONGFORMAT):
        redbook.create_audio_track(1)


def test_stash_that_cannot_grow(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    import resource
    import signal

    fmt, _ = redbook_ready(master)
    fmt.stash_dir = str(tmp_path)
    fmt.create_audio_track(300)
    fmt.add_audio_track_blocks(bytes(BLOCK * 10))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (BLOCK * 12, hard))  # the stash file may not grow past 12 blocks
    try:
        with pytest.raises(errors.IMAPI_E_NOTENOUGHDISKFORSTASH):
            fmt.add_audio_track_blocks(bytes(BLOCK * 10))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    assert fmt.get_used_audio_blocks() == 10
    fmt.add_audio_track_blocks(bytes(BLOCK * 290))  # the stash continues after the last whole call
    fmt.close_audio_track()
    assert fmt.get_used_audio_blocks() == 300


def test_sample_flow_simulated_then_recorded(drive: Any, master: v1.DiscMaster, tmp_path: Path) -> None:
    from openimapi import DiscRecorder2
    from openimapi.imapi2.cdread import read_audio, read_toc

    fmt, _ = redbook_ready(master)
    sink = Recorder()
    master.progress_advise(sink)
    tracks = [_pcm(300, 1), _pcm(420, 2)]
    for pcm in tracks:
        fmt.create_audio_track(len(pcm) // BLOCK)
        for at in range(0, len(pcm), BLOCK * 100):  # in pieces, as the sample does
            fmt.add_audio_track_blocks(pcm[at : at + BLOCK * 100])
        fmt.close_audio_track()
    assert fmt.get_total_audio_tracks() == 2
    assert fmt.get_used_audio_blocks() == 300 + 150 + 420

    sink.events.clear()
    master.record_disc(True, False)
    assert sink.kinds() == ["preparing", "track", "block", "track", "block", "track", "closing", "complete"]
    assert [e for e in sink.events if e[0] == "track"] == [("track", 0, 2), ("track", 1, 2), ("track", 2, 2)]
    assert [e for e in sink.events if e[0] == "block"][-1] == ("block", 720, 720)
    assert sink.events[-1] == ("complete", 0)
    assert drive.disc.status == "blank"
    assert fmt.get_total_audio_tracks() == 2  # kept after a simulation

    sink.events.clear()
    master.record_disc(False, False)
    assert sink.events[-1] == ("complete", 0)
    assert fmt.get_total_audio_tracks() == 0
    master.close()
    assert drive.disc.status == "complete"

    reader = DiscRecorder2("virtual:cd1")
    try:
        toc = read_toc(reader.drive)
        assert toc.last_track == 2
        for number, pcm in enumerate(tracks, 1):
            start = toc.starts[number - 1]
            assert read_audio(reader.drive, start, len(pcm) // BLOCK) == pcm
    finally:
        reader.close()
    files = drive.disc.export(tmp_path / "disc.cue")
    binary = next(f for f in files if f.suffix == ".bin").read_bytes()
    cue = next(f for f in files if f.suffix == ".cue").read_text(encoding="latin-1")
    starts = [int(m) * 4500 + int(s) * 75 + int(f) for m, s, f in re.findall(r"INDEX 01 (\d+):(\d+):(\d+)", cue)]
    for start, pcm in zip(starts, tracks, strict=True):
        assert binary[start * BLOCK : start * BLOCK + len(pcm)] == pcm


def test_cancel_during_audio_burn(drive: Any, master: v1.DiscMaster) -> None:
    fmt, _ = redbook_ready(master)
    fmt.create_audio_track(600)
    fmt.add_audio_track_blocks(_pcm(600, 3))
    fmt.close_audio_track()
    sink = Recorder(cancel_after_blocks=1)
    master.progress_advise(sink)
    with pytest.raises(errors.IMAPI_E_USERABORT):
        master.record_disc(False, False)
    assert sink.events[-1] == ("complete", errors.IMAPI_E_USERABORT.hresult)


def test_audio_needs_a_blank_disc(drive: Any, master: v1.DiscMaster) -> None:
    joliet = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    recorder = master.enum_disc_recorders().next()[0]
    master.set_active_disc_recorder(recorder)
    joliet.add_data({"a": b"1"})
    master.record_disc(False, False)
    fmt = master.set_active_disc_master_format(v1.IID_IRedbookDiscMaster)
    assert fmt.get_total_audio_blocks() == 0
    with pytest.raises(errors.IMAPI_E_DISCFULL):
        fmt.create_audio_track(300)
