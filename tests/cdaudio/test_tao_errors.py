"""Every error the reference lists for put_Recorder, PrepareMedia and AddAudioTrack of
IDiscFormat2TrackAtOnce, device-side ones provoked with the virtual recorder's faults."""

from __future__ import annotations

from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_TAO_WRITE_ACTION as TA

from .conftest import SECTOR, pcm, vdrive
from .test_tao import tao


def test_put_recorder_errors(make_drive: Any) -> None:
    reader = make_drive("cd-r", name="rom", model="dvd-rom")
    fmt = openimapi.DiscFormat2TrackAtOnce()
    assert not fmt.is_recorder_supported(reader)
    with pytest.raises(errors.E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED):
        fmt.recorder = reader
    rec = make_drive("cd-r")
    fmt.recorder = rec
    fmt.client_name = "pytest"
    fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_PREPARED):
        fmt.recorder = None
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_PREPARED):
        fmt.client_name = "other"
    seen: list[type] = []

    def during(sender: Any, args: Any) -> None:
        for attempt in (lambda: setattr(fmt, "recorder", rec), lambda: fmt.add_audio_track(pcm(300, 0)),
                        fmt.release_media, lambda: fmt.number_of_existing_tracks):
            try:
                attempt()
            except errors.ImapiError as exc:
                seen.append(type(exc))

    fmt.add_listener(during)
    fmt.add_audio_track(pcm(300, 1))
    fmt.remove_listener(during)
    assert set(seen) == {errors.E_IMAPI_DF2TAO_WRITE_IN_PROGRESS}
    fmt.release_media()
    fmt.recorder = None
    assert fmt.recorder is None


def test_prepare_media_errors(make_drive: Any) -> None:
    fmt = openimapi.DiscFormat2TrackAtOnce()
    with pytest.raises(errors.E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED):
        fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED):
        _ = fmt.current_physical_media_type
    rec = make_drive("dvd+r", model="bd-writer")
    fmt.recorder = rec
    with pytest.raises(errors.E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID):
        fmt.prepare_media()
    for bad in ("", "a" * 64, "bad/name"):
        with pytest.raises(errors.E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID):
            fmt.client_name = bad
    fmt.client_name = "pytest"
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED):
        fmt.prepare_media()
    drive = vdrive()
    drive.eject()
    drive.insert("cd-r")
    fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_PREPARED):
        fmt.prepare_media()
    fmt.add_audio_track(pcm(300, 1))
    fmt.release_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK):
        fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY):
        fmt.do_not_finalize_media = True
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED):
        fmt.release_media()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("no-medium", errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA),
        ("becoming-ready", errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY),
        ("upside-down", errors.E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN),
        ("busy", errors.E_IMAPI_RECORDER_MEDIA_BUSY),
        ("incompatible-medium", errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
        ("device-gone", errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        ("timeout", errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
    ],
)
def test_prepare_media_device_errors(make_drive: Any, fault: str, error: type) -> None:
    fmt = tao(make_drive("cd-r"))
    vdrive().inject_fault(fault, count=None)
    with pytest.raises(error):
        fmt.prepare_media()
    vdrive().clear_faults()
    fmt.prepare_media()  # nothing was left half-prepared
    fmt.release_media()


def test_prepare_media_when_another_client_holds_the_recorder(make_drive: Any) -> None:
    rec = make_drive("cd-r")
    other = openimapi.DiscRecorder2()
    other.initialize_disc_recorder(rec.active_disc_recorder)
    other.acquire_exclusive_access(False, "someone")
    try:
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED):
            tao(rec).prepare_media()
    finally:
        other.release_exclusive_access()
        other.close()


def test_add_audio_track_errors(make_drive: Any, tmp_path: Any) -> None:
    fmt = tao(make_drive("cd-r"))
    with pytest.raises(errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED):
        fmt.add_audio_track(pcm(300, 1))
    with pytest.raises(errors.E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS):
        fmt.cancel_add_track()
    fmt.prepare_media()
    with pytest.raises(errors.E_POINTER):
        fmt.add_audio_track(None)
    with pytest.raises(errors.E_INVALIDARG):
        fmt.add_audio_track(42)
    for bad in (b"", bytes(SECTOR + 2), str(tmp_path / "missing.pcm"), object()):
        with pytest.raises(errors.E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED):
            fmt.add_audio_track(bad)
    free = fmt.free_sectors_on_media
    with pytest.raises(errors.E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE):
        fmt.add_audio_track(_Huge(free + 1))
    assert fmt.free_sectors_on_media == free  # refused before anything was written

    def cancel(sender: Any, args: Any) -> None:
        if args.current_action == TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_PREPARING:
            fmt.cancel_add_track()

    fmt.add_listener(cancel)
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        fmt.add_audio_track(pcm(400, 2))
    fmt.remove_listener(cancel)
    fmt.add_audio_track(pcm(300, 3))  # the object is usable after a cancel
    assert fmt.number_of_existing_tracks == 1  # nothing reached the disc before the cancel
    fmt.release_media()


class _Huge:
    """A stream that announces ``sectors`` sectors and must never be read."""

    def __init__(self, sectors: int) -> None:
        self.size = sectors * SECTOR

    def read(self, n: int = -1) -> bytes:
        raise AssertionError("read before the space check")


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("loss-of-streaming", errors.E_IMAPI_LOSS_OF_STREAMING),
        ("write-error", errors.E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE),
        ("speed-mismatch", errors.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH),
        ("write-protected", errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED),
    ],
)
def test_add_audio_track_device_errors(make_drive: Any, fault: str, error: type) -> None:
    """Faults in the middle of the track (after three commands)."""
    fmt = tao(make_drive("cd-r"))
    fmt.prepare_media()
    if fault == "loss-of-streaming":
        fmt.buffer_underrun_free_disabled = True
    vdrive().inject_fault(fault, after=3)
    with pytest.raises(error):
        fmt.add_audio_track(pcm(300, 5))
    fmt.release_media()


def test_track_limit(make_drive: Any) -> None:
    fmt = tao(make_drive("cd-r"))
    fmt.burn_verification_level = 0
    fmt.prepare_media()
    fmt.transfer_blocks = 300
    track = pcm(300, 7)
    for _ in range(99):
        fmt.add_audio_track(track)
    with pytest.raises(errors.E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED):
        fmt.add_audio_track(track)
    fmt.release_media()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("no-medium", errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA),
        ("becoming-ready", errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY),
        ("format-in-progress", errors.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS),
        ("upside-down", errors.E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN),
        ("busy", errors.E_IMAPI_RECORDER_MEDIA_BUSY),
        ("incompatible-medium", errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
        ("timeout", errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
        ("device-gone", errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        ("locked", errors.E_IMAPI_RECORDER_LOCKED),
    ],
)
def test_add_audio_track_when_the_drive_fails_from_the_start(make_drive: Any, fault: str, error: type) -> None:
    fmt = tao(make_drive("cd-r"))
    fmt.prepare_media()
    vdrive().inject_fault(fault, count=None)
    with pytest.raises(error):
        fmt.add_audio_track(pcm(300, 6))
    vdrive().clear_faults()
    fmt.add_audio_track(pcm(300, 6))  # the object recovers once the drive does
    fmt.release_media()
