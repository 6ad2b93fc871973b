"""Disc-at-once audio recording shared by ``audio`` and ``write disc.cue``:
RawCDImageCreator -> DiscFormat2RawCD, with CD-TEXT, ISRC and MCN, progress and Ctrl-C."""

from __future__ import annotations

import io
from typing import Any

import openimapi
from openimapi import errors
from openimapi.cli._common import CLIENT, EXIT_CANCELLED, EXIT_USAGE, CliError, Options
from openimapi.cli._media import state_sentence
from openimapi.cli._progress import Progress, run_cancellable

SECTORS_PER_SECOND = 75
RAW = 2352


class FileSlice(io.RawIOBase):
    """``length`` bytes of a file from ``offset``, as a seekable stream with a ``size``."""

    def __init__(self, path: str, offset: int, length: int) -> None:
        super().__init__()
        self._f = open(path, "rb")  # noqa: SIM115 - closed with the slice
        self._offset = offset
        self.size = length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = max(0, min(len(view), self.size - self._pos))
        if n == 0:
            return 0
        self._f.seek(self._offset + self._pos)
        got = self._f.readinto(view[:n]) or 0
        self._pos += got
        return got

    def close(self) -> None:
        self._f.close()
        super().close()


def cd_text(title: str, performer: str, tracks: list[dict[str, str]]) -> Any:
    """CD-TEXT from an album title/performer and per-track fields, or None without any text.

    Raises:
        CliError: text that is not ISO 8859-1 (exit 2).
    """
    from openimapi.imapi2.rawcd import album_cd_text

    album = {k: v for k, v in (("title", title), ("performer", performer)) if v}
    if not album and not any(tracks):
        return None
    try:
        return album_cd_text(album, tracks)
    except ValueError as exc:
        raise CliError(f"CD-TEXT: {exc}", "CD-TEXT holds ISO 8859-1 (Latin-1) text only", EXIT_USAGE) from None


def write_dao(rec: openimapi.DiscRecorder2, streams: list[Any], opts: Options, *, gaps: bool, text: Any = None,
              mcn: str = "", isrcs: list[str] | None = None, speed: float | None = None) -> None:
    """Record the audio ``streams`` as one finalized session.

    Raises:
        CliError: cancelled (exit 130). ImapiError: as documented by DiscFormat2RawCD.
    """
    from openimapi.enums import IMAPI_CD_SECTOR_TYPE as CT

    creator = openimapi.RawCDImageCreator()
    for stream in streams:
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, stream)
    creator.disable_gapless_audio = gaps
    if mcn:
        creator.media_catalog_number = mcn
    for number, isrc in enumerate(isrcs or [], 1):
        if isrc:
            creator.track_info(number).isrc = isrc
    image = creator.create_result_image()
    fmt = openimapi.DiscFormat2RawCD()
    fmt.recorder = rec
    fmt.client_name = CLIENT
    if text is not None:
        fmt.cd_text = text
    if speed:
        fmt.set_write_speed(max(1, int(speed * SECTORS_PER_SECOND)), False)
    fmt.prepare_media()
    try:
        with Progress(opts, "audio", "cd") as progress:
            listener = listener_for(progress, creator.start_of_leadout + 150)
            fmt.add_listener(listener)
            try:
                run_cancellable(lambda: fmt.write_media(image), fmt.cancel_write)
            except errors.E_IMAPI_REQUEST_CANCELLED as exc:
                raise cancelled(rec, exc) from None
            finally:
                fmt.remove_listener(listener)
            progress.update("completed", 100.0, final=True)
    finally:
        fmt.release_media()


def listener_for(progress: Progress, total: int) -> Any:
    def update(_sender: Any, args: Any) -> None:
        done = max(0, int(args.last_written_lba) - int(args.start_lba) + 1)
        progress.update("writing", 100.0 * done / max(1, total), sectors_done=done * RAW // 2048,
                        remaining=float(getattr(args, "remaining_time", 0) or 0))

    return update


def cancelled(rec: openimapi.DiscRecorder2, exc: errors.ImapiError) -> CliError:
    view = openimapi.DiscFormat2Data()
    view.recorder = rec
    view.client_name = CLIENT
    return CliError(f"burn cancelled; {state_sentence(view)}", "", EXIT_CANCELLED, f"{exc.name} 0x{exc.hresult:08X}")
