"""RedbookDiscMaster (IRedbookDiscMaster): stage audio tracks of raw Red Book PCM (44.1 kHz,
16-bit, stereo, little-endian; 2352-byte blocks), recorded track-at-once by
openimapi.imapi2.DiscFormat2TrackAtOnce.

Staged audio waits in a stash: one anonymous temporary file per track (in ``stash_dir``,
default the system temporary folder), deleted when the content is discarded.
"""

from __future__ import annotations

import errno
import tempfile
from typing import IO, TYPE_CHECKING, Any

from openimapi import errors
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_TAO_WRITE_ACTION as TA
from openimapi.imapi1._errors import Stage, to_v1
from openimapi.imapi1._format import Burn, FormatBase
from openimapi.imapi1.master import IID_IRedbookDiscMaster
from openimapi.imapi1.recorder import CLIENT
from openimapi.imapi2.media import MediaState
from openimapi.imapi2.tao import DiscFormat2TrackAtOnce

if TYPE_CHECKING:
    from openimapi.imapi1.recorder import DiscRecorder

__all__ = ["RedbookDiscMaster"]

BLOCK = 2352
MIN_TRACK = 300  # blocks: 4 s, the shortest track the Red Book allows
MAX_TRACKS = 99


class _Track:
    __slots__ = ("blocks", "stash")

    def __init__(self, stash: IO[bytes]) -> None:
        self.stash = stash
        self.blocks = 0


class RedbookDiscMaster(FormatBase):
    """The Red Book audio format of a DiscMaster (IRedbookDiscMaster)."""

    IID = IID_IRedbookDiscMaster

    def __init__(self, master: Any) -> None:
        super().__init__(master)
        self._tracks: list[_Track] = []
        self._open: _Track | None = None
        self._total = 0
        #: folder of the stash files (None: the system temporary folder)
        self.stash_dir: str | None = None

    # -- DiscMaster hooks -------------------------------------------------------------------------
    def can_record(self, recorder: DiscRecorder) -> bool:
        try:
            return recorder.recorder2.drive.feature(0x002D) is not None
        except errors.ImapiError:
            return False

    def _recorder_set(self, recorder: DiscRecorder, state: MediaState) -> None:
        super()._recorder_set(recorder, state)
        self._total = state.free if state.blank else 0

    def _discard(self) -> None:
        for track in self._tracks + ([self._open] if self._open is not None else []):
            track.stash.close()
        self._tracks = []
        self._open = None

    def _gap(self) -> int:
        return self._recorder.audio_gap_size if self._recorder is not None else 150

    def _used(self) -> int:
        tracks = self._tracks + ([self._open] if self._open is not None else [])
        return sum(max(t.blocks, MIN_TRACK) if t is not self._open else t.blocks for t in tracks) + self._gap() * max(
            0, len(tracks) - 1)

    # -- IRedbookDiscMaster -----------------------------------------------------------------------
    def get_total_audio_tracks(self) -> int:
        """Tracks staged, the open one included.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return len(self._tracks) + (self._open is not None)

    def get_total_audio_blocks(self) -> int:
        """Audio blocks the (blank) disc in the active recorder holds; 0 before a recorder is
        chosen or when the disc is not blank (v1 writes audio on blank discs only).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return self._total

    def get_used_audio_blocks(self) -> int:
        """Blocks taken by the staged tracks and the AudioGapSize pauses between them (closed
        tracks count at least 300 blocks, the Red Book minimum).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return self._used()

    def get_available_audio_track_blocks(self) -> int:
        """Blocks that can still go into the open track (or into a new one).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        extra = self._gap() if self._open is None and self._tracks else 0
        return max(0, self._total - self._used() - extra)

    def get_audio_block_size(self) -> int:
        """2352 bytes.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return BLOCK

    def create_audio_track(self, n_blocks: int = 0) -> None:
        """Open a new track; ``n_blocks`` is the caller's estimate of its length (checked
        against the room left).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
            IMAPI_E_NOACTIVERECORDER: no recorder chosen yet.
            IMAPI_E_TRACKOPEN: a track is open already.
            IMAPI_E_DISCFULL: 99 tracks staged, or the estimate does not fit.
            E_INVALIDARG: a negative estimate.
            IMAPI_E_NOTENOUGHDISKFORSTASH: the stash file cannot be created.
        """
        self._require_recorder()
        if self._open is not None:
            raise errors.IMAPI_E_TRACKOPEN("close the open track first")
        if n_blocks < 0:
            raise errors.E_INVALIDARG(f"block estimate {n_blocks} is negative")
        if len(self._tracks) >= MAX_TRACKS:
            raise errors.IMAPI_E_DISCFULL("a CD holds at most 99 tracks")
        if n_blocks > self.get_available_audio_track_blocks():
            raise errors.IMAPI_E_DISCFULL(f"{n_blocks} blocks do not fit in the {self._total - self._used()} left")
        try:
            stash = tempfile.TemporaryFile(dir=self.stash_dir)  # noqa: SIM115 - lives with the track
        except OSError as exc:
            raise errors.IMAPI_E_NOTENOUGHDISKFORSTASH(f"cannot create the stash: {exc}") from exc
        if self._tracks:
            pass  # the pause before this track is counted by _used
        self._open = _Track(stash)

    def add_audio_track_blocks(self, data: bytes | bytearray | memoryview, cb: int | None = None) -> None:
        """Append PCM to the open track: ``cb`` bytes of ``data`` (all of it by default), a
        multiple of 2352.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
            IMAPI_E_TRACKNOTOPEN: no track is open.
            E_INVALIDARG: not a whole number of blocks, or ``cb`` beyond ``data``.
            IMAPI_E_DISCFULL: the disc has no room for these blocks.
            IMAPI_E_USERABORT: a sink cancelled.
            IMAPI_E_NOTENOUGHDISKFORSTASH: the stash cannot take the data.
        """
        self._check()
        track = self._open
        if track is None:
            raise errors.IMAPI_E_TRACKNOTOPEN("call create_audio_track first")
        view = memoryview(data).cast("B")
        size = len(view) if cb is None else int(cb)
        if size < 0 or size > len(view) or size % BLOCK:
            raise errors.E_INVALIDARG(f"{size} bytes is not a whole number of {BLOCK}-byte blocks of the data")
        blocks = size // BLOCK
        if blocks > self.get_available_audio_track_blocks():
            raise errors.IMAPI_E_DISCFULL(f"{blocks} blocks do not fit on the disc")
        if self._cancelled():
            raise errors.IMAPI_E_USERABORT("cancelled by the progress sink")
        try:
            track.stash.seek(track.blocks * BLOCK)  # after a failed write: over its partial bytes
            track.stash.write(view[:size])
            track.stash.flush()
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise errors.IMAPI_E_NOTENOUGHDISKFORSTASH(str(exc)) from exc
            raise errors.IMAPI_E_FILESYSTEM(str(exc)) from exc
        track.blocks += blocks
        self._fire("notify_add_progress", self._used(), self._total)

    def close_audio_track(self) -> None:
        """Close the open track.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
            IMAPI_E_TRACKNOTOPEN: no track is open.
            IMAPI_E_TRACK_NOT_BIG_ENOUGH: shorter than 300 blocks (4 s, the Red Book minimum);
                the track stays open for more blocks.
        """
        self._check()
        track = self._open
        if track is None:
            raise errors.IMAPI_E_TRACKNOTOPEN("no track is open")
        if track.blocks < MIN_TRACK:
            raise errors.IMAPI_E_TRACK_NOT_BIG_ENOUGH(f"{track.blocks} blocks: a track needs at least {MIN_TRACK}")
        self._tracks.append(track)
        self._open = None

    # -- recording --------------------------------------------------------------------------------
    def _check_recordable(self) -> None:
        if self._open is not None:
            raise errors.IMAPI_E_TRACKOPEN("close the open audio track before recording")
        if not self._tracks:
            raise errors.IMAPI_E_INVALIDIMAGE("no audio track is staged")

    def _record(self, recorder: DiscRecorder, state: MediaState, simulate: bool) -> None:
        if not state.blank:
            raise errors.IMAPI_E_CANNOT_WRITE_TO_MEDIA("audio is recorded on blank discs only")
        writer = DiscFormat2TrackAtOnce()
        writer.recorder = recorder.recorder2
        writer.client_name = CLIENT
        writer.test_write = simulate
        quick = VL.IMAPI_BURN_VERIFICATION_QUICK
        writer.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_NONE if simulate else quick
        burn = Burn(self, writer.cancel_add_track)
        total = sum(t.blocks for t in self._tracks)
        done_before = 0
        stage = Stage.PREPARING

        def on_update(_sender: Any, args: Any) -> None:
            if args.current_action == TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_WRITING:
                written = max(0, args.last_written_lba - args.start_lba + 1)
                burn.blocks(done_before + min(written, current.blocks), total)
            else:
                burn.poll()

        current = self._tracks[0]
        burn.preparing(max(1, total // 75 // max(1, recorder.requested_write_speed() or 16)))
        writer.add_listener(on_update)
        try:
            writer.prepare_media()
            try:
                if not recorder.buffer_underrun_free():
                    writer.buffer_underrun_free_disabled = True
                speed = recorder.requested_write_speed()
                if speed:
                    writer.set_write_speed(speed * 75)
                stage = Stage.WRITING
                for number, track in enumerate(self._tracks, 1):
                    current = track
                    self._fire("notify_track_progress", number - 1, len(self._tracks))
                    burn.poll()
                    if burn.cancelled:
                        raise errors.IMAPI_E_USERABORT("cancelled by the progress sink")
                    track.stash.seek(0)
                    writer.add_audio_track(_Stashed(track))
                    done_before += track.blocks
                self._fire("notify_track_progress", len(self._tracks), len(self._tracks))
                stage = Stage.CLOSING
                burn.closing_disc(2)
            finally:
                writer.release_media()
        except errors.ImapiError as exc:
            if burn.cancelled and isinstance(exc, (errors.E_IMAPI_REQUEST_CANCELLED, errors.IMAPI_E_USERABORT)):
                raise errors.IMAPI_E_USERABORT("cancelled by the progress sink") from exc
            raise to_v1(exc, stage) from exc
        finally:
            writer.remove_listener(on_update)


class _Stashed:
    """A staged track's stash file as a stream of known size (the writer reads it once)."""

    def __init__(self, track: _Track) -> None:
        self._f = track.stash
        self._size = track.blocks * BLOCK

    def read(self, n: int = -1) -> bytes:
        left = self._size - self._f.tell()
        if left <= 0:
            return b""
        return self._f.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._f.tell(), 2: self._size}[whence]
        return self._f.seek(base + offset)

    def tell(self) -> int:
        return self._f.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True
