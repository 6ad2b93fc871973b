"""DiscFormat2TrackAtOnce on the virtual recorder: audio written track by track reads back
bit for bit (READ CD), the TOC gives the disc ids python-discid computes, and every
documented error of put_Recorder, PrepareMedia and AddAudioTrack is provoked."""

from __future__ import annotations

import io
from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_TAO_WRITE_ACTION as TA
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT
from openimapi.imapi2.cdread import read_audio, read_toc
from openimapi.mmc.toc import Toc

from .conftest import SECTOR, pcm, vdrive


def tao(recorder: Any, client: str = "pytest") -> openimapi.DiscFormat2TrackAtOnce:
    fmt = openimapi.DiscFormat2TrackAtOnce()
    fmt.recorder = recorder
    fmt.client_name = client
    return fmt


def test_three_tracks_read_back_bit_exact(make_drive: Any) -> None:
    rec = make_drive("cd-r")
    fmt = tao(rec)
    assert fmt.current_physical_media_type == PT.IMAPI_MEDIA_TYPE_CDR
    assert fmt.is_current_media_supported(rec)
    fmt.prepare_media()
    assert fmt.number_of_existing_tracks == 0
    total = fmt.total_sectors_on_media
    assert fmt.free_sectors_on_media == total and fmt.used_sectors_on_media == 0
    with pytest.raises(errors.E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC):
        _ = fmt.expected_table_of_contents
    events: list[Any] = []
    fmt.add_listener(lambda sender, args: events.append(args))
    tracks = [pcm(300, 1), pcm(420, 2), pcm(310, 3)]
    for t in tracks:
        fmt.add_audio_track(io.BytesIO(t))
    assert fmt.number_of_existing_tracks == 3
    assert {e.current_track_number for e in events} == {1, 2, 3}
    assert events[0].current_action == TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_PREPARING
    assert TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_VERIFYING in {e.current_action for e in events}
    expected = Toc.from_bytes(fmt.expected_table_of_contents)
    assert [e.address for e in expected.tracks] == [0, 450, 1020]
    assert fmt.used_sectors_on_media >= 1030
    fmt.release_media()
    toc = read_toc(rec.drive)
    assert toc.starts == (0, 450, 1020) and toc.leadout == expected.lead_out == 1330
    for start, t in zip(toc.starts, tracks, strict=True):
        assert read_audio(rec.drive, start, len(t) // SECTOR) == t
    assert vdrive().disc.status == "complete"
    import discid

    offsets = [s + 150 for s in toc.starts]
    ref = discid.put(1, 3, toc.leadout + 150, offsets)
    assert toc.musicbrainz_id == ref.id
    assert toc.freedb_id == ref.freedb_id


def test_short_track_is_padded_and_disc_left_open(make_drive: Any) -> None:
    rec = make_drive("cd-rw")
    fmt = tao(rec)
    fmt.do_not_finalize_media = True
    fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_PREPARED):
        fmt.do_not_finalize_media = False
    fmt.add_audio_track(pcm(10, 4))
    odd = pcm(301, 5)[:-1000]  # a partial last sector is padded with silence
    fmt.add_audio_track(io.BytesIO(odd))
    fmt.release_media()
    toc = read_toc(rec.drive)
    assert toc.starts[1] - toc.starts[0] == 450 and toc.leadout - toc.starts[1] == 301
    assert read_audio(rec.drive, 0, 300) == pcm(10, 4) + bytes(290 * SECTOR)
    assert read_audio(rec.drive, toc.starts[1], 301) == odd + bytes(1000)
    assert vdrive().disc.status != "complete"


def test_disc_id_vectors_agree_with_python_discid(data_dir: Any) -> None:
    import json

    import discid

    from openimapi.imapi2.cdread import AudioToc

    vectors = json.loads((data_dir / "captures/dataset_audio-cd-toc-vectors.json").read_text())["vectors"]
    for v in vectors:
        offsets = [int(o) for o in v["offsets"]]
        first, sectors = int(v["first"]), int(v["sectors"])
        ref = discid.put(first, first + len(offsets) - 1, sectors, offsets)
        toc = AudioToc(first, tuple(o - 150 for o in offsets), sectors - 150, (0,) * len(offsets))
        assert toc.musicbrainz_id == ref.id == v["musicbrainz_id"]
        assert toc.freedb_id == ref.freedb_id


@pytest.mark.parametrize("cls_name", ["DiscFormat2TrackAtOnce", "DiscFormat2RawCD"])
def test_speeds(make_drive: Any, cls_name: str) -> None:
    from openimapi.errors import SuccessCode

    fmt = getattr(openimapi, cls_name)()
    no_recorder = errors.E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED if "Track" in cls_name else \
        errors.E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED
    with pytest.raises(errors.E_IMAPI_RECORDER_REQUIRED):
        fmt.set_write_speed(-1, False)
    for name in ("current_write_speed", "current_rotation_type_is_pure_cav", "supported_write_speeds",
                 "supported_write_speed_descriptors"):
        with pytest.raises(no_recorder):
            getattr(fmt, name)
    fmt.recorder = make_drive("cd-r")
    fmt.client_name = "pytest"
    speeds = fmt.supported_write_speeds
    assert speeds and speeds == sorted(speeds, reverse=True)
    assert {d.write_speed for d in fmt.supported_write_speed_descriptors} == set(speeds)
    assert fmt.set_write_speed(-1, False) == SuccessCode.S_OK
    assert fmt.requested_write_speed == -1 and not fmt.requested_rotation_type_is_pure_cav
    assert fmt.set_write_speed(speeds[-1], False) in (SuccessCode.S_OK, SuccessCode.S_IMAPI_SPEEDADJUSTED)
    assert fmt.current_write_speed > 0
    with pytest.raises(errors.E_INVALIDARG):
        fmt.set_write_speed(-5, False)
    fmt.prepare_media()
    fmt.release_media()
