"""DiscFormat2TrackAtOnce: audio CDs written one track at a time (IDiscFormat2TrackAtOnce,
IBurnVerification, DDiscFormat2TrackAtOnceEvents).

The command sequence is the careful recorders' one (shared/mmc-sequences.md, "CD-R
track-at-once audio"): prepare_media checks the blank CD-R/RW, takes exclusive access, locks
the tray and sends page 05 (write type TAO, audio track mode, 2352-byte raw blocks, 2 s audio
pause, multi-session field from do_not_finalize_media). Each add_audio_track reads the next
writable address (READ TRACK INFORMATION, track FFh), checks the free space, streams the
PCM in WRITE(10) commands through the engine and ends the track with SYNCHRONIZE CACHE.
release_media closes the session (CLOSE TRACK/SESSION 010b; the drive finalizes unless
page 05 asked for more sessions), unlocks and releases the recorder.

Tracks shorter than 4 s (300 sectors, the Red Book minimum) are padded with digital
silence, and so is a last partial sector (Microsoft's sample trims its streams to whole
sectors itself); a stream that is not a whole number of 4-byte stereo frames is refused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from openimapi import errors
from openimapi.engine import (
    CancelToken,
    Progress,
    Source,
    SourceError,
    WriteOptions,
    open_source,
    sector_checksums,
    write_section,
)
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_TAO_WRITE_ACTION as TA
from openimapi.imapi2._cdformat import CdFormat
from openimapi.imapi2.multisession import WriteEngine2EventArgs
from openimapi.mmc.toc import Toc, TocEntry

__all__ = ["DiscFormat2TrackAtOnce", "DiscFormat2TrackAtOnceEventArgs"]

SECTOR = 2352
MIN_TRACK = 300  # sectors: 4 s, the shortest track the Red Book allows
MAX_TRACKS = 99
TRANSFER_BLOCKS = 27  # 63,504 bytes per WRITE(10): under a 64 KiB transfer limit


@dataclass(frozen=True, slots=True)
class DiscFormat2TrackAtOnceEventArgs(WriteEngine2EventArgs):
    """Progress of add_audio_track (IDiscFormat2TrackAtOnceEventArgs); times in seconds."""

    current_track_number: int = 0
    current_action: TA = TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_UNKNOWN
    elapsed_time: int = 0
    remaining_time: int = 0


class DiscFormat2TrackAtOnce(CdFormat):
    """Writes audio tracks one at a time (MsftDiscFormat2TrackAtOnce)."""

    FEATURE = 0x2D
    CLIENT_NAME_ERROR = errors.E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID
    IN_PROGRESS_ERROR = errors.E_IMAPI_DF2TAO_WRITE_IN_PROGRESS
    RECORDER_NOT_SUPPORTED_ERROR = errors.E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED
    NO_RECORDER = errors.E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED
    PREPARED = errors.E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
    NOT_PREPARED = errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED
    NOT_SUPPORTED = errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED
    NOT_BLANK = errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK

    def __init__(self) -> None:
        super().__init__()
        self._do_not_finalize = False
        self._test_write = False
        self._verification = VL.IMAPI_BURN_VERIFICATION_QUICK
        self._cancel = CancelToken()
        self._total = 0
        self._free = 0
        self._tracks: list[tuple[int, int]] = []  # (start LBA, sectors) written in this session
        #: sectors per WRITE(10) command
        self.transfer_blocks = TRANSFER_BLOCKS

    # -- properties -----------------------------------------------------------------------------
    @property
    def do_not_finalize_media(self) -> bool:
        """Leave the disc appendable after release_media (default: finalize it)."""
        return self._do_not_finalize

    @do_not_finalize_media.setter
    def do_not_finalize_media(self, value: bool) -> None:
        self._check_not_prepared()
        if self._recorder is not None:
            try:
                blank = self._state().blank
            except errors.ImapiError:
                blank = True  # nothing to judge without a medium
            if not blank:
                raise errors.E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY("the disc in the recorder is not blank")
        self._do_not_finalize = bool(value)

    @property
    def test_write(self) -> bool:
        """Simulate the tracks (not an IMAPI2 member; IMAPI v1's RecordDisc(simulate) uses it):
        page 05h Test Write, so the drive goes through the motions and records nothing; the
        session is not closed and no track is verified."""
        return self._test_write

    @test_write.setter
    def test_write(self, value: bool) -> None:
        self._check_not_prepared()
        self._test_write = bool(value)

    @property
    def burn_verification_level(self) -> VL:
        """IBurnVerification: none, quick (first and last sectors of each track) or full."""
        return self._verification

    @burn_verification_level.setter
    def burn_verification_level(self, value: VL | int) -> None:
        self._check_idle()
        try:
            self._verification = VL(int(value))
        except ValueError:
            raise errors.E_INVALIDARG(f"{value!r} is not an IMAPI_BURN_VERIFICATION_LEVEL") from None

    @property
    def number_of_existing_tracks(self) -> int:
        """Tracks on the disc (0 on a blank disc)."""
        self._check_idle()
        self._check_prepared()
        drive = self._drive()
        info = drive.disc_info()
        if info.disc_status == 0:
            return 0
        last = info.last_track_last_session
        if info.disc_status == 1 and drive.track_info(last).blank:
            last -= 1  # the invisible track of an appendable disc
        return last

    @property
    def total_sectors_on_media(self) -> int:
        self._check_prepared()
        return self._total

    @property
    def free_sectors_on_media(self) -> int:
        """Sectors left for new tracks (while a track is written: the value before it)."""
        self._check_prepared()
        return self._free

    @property
    def used_sectors_on_media(self) -> int:
        self._check_prepared()
        return self._total - self._free

    @property
    def expected_table_of_contents(self) -> bytes:
        """READ TOC format 0 data of the session as release_media will leave it.

        Raises:
            E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC: no track was written yet.
        """
        self._check_idle()
        self._check_prepared()
        if not self._tracks:
            raise errors.E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC("no track has been written")
        entries = [TocEntry(i + 1, start, 1, 0) for i, (start, _) in enumerate(self._tracks)]
        start, size = self._tracks[-1]
        entries.append(TocEntry(0xAA, start + size, 1, 0))
        return Toc(1, len(self._tracks), tuple(entries)).to_bytes()

    # -- prepare / release --------------------------------------------------------------------------
    def prepare_media(self) -> None:
        """Lock the blank CD for exclusive use and set up track-at-once audio recording.

        Raises:
            E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED: no recorder set.
            E_IMAPI_DF2TAO_MEDIA_IS_PREPARED: prepared already.
            E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID: no client name set.
            E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED: not a CD-R/RW.
            E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK: the disc has been written.
            E_IMAPI_RECORDER_LOCKED: another client holds the recorder.
            ImapiError: the documented error of a device failure (no medium, becoming ready, ...).
        """
        state = self._prepare()
        try:
            drive = self._drive()
            self._write_parameters()
            if self._requested_speed > 0 or self._requested_cav:
                self._apply_speed()
            drive.send_opc()
            self._total = state.total
            self._free = self._free_now()
            self._tracks = []
        except BaseException:
            self._unprepare()
            raise

    def _write_parameters(self) -> None:
        """MODE SELECT page 05 for TAO audio (MMC-6 7.5.4)."""
        drive = self._drive()
        page = bytearray(drive.mode_sense(0x05))
        if len(page) < 16:
            raise errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS("write parameters page too short")
        test = 0x10 if self._test_write else 0  # Test Write (MMC-6 7.5.4.2)
        page[2] = (0 if self._buffer_underrun_free_disabled else 0x40) | test | 1  # BUFE, write type TAO
        page[3] = (3 if self._do_not_finalize else 0) << 6 | 0  # multi-session, track mode: audio
        page[4] = 0  # data block type 0: raw 2352-byte sectors
        page[8] = 0  # session format CD-DA / CD-ROM
        page[14:16] = (150).to_bytes(2, "big")  # audio pause length
        drive.mode_select(bytes(page))

    @CdFormat.buffer_underrun_free_disabled.setter  # type: ignore[attr-defined]
    def buffer_underrun_free_disabled(self, value: bool) -> None:
        CdFormat.buffer_underrun_free_disabled.fset(self, value)  # type: ignore[attr-defined]
        self._write_parameters()

    def _free_now(self) -> int:
        info = self._drive().track_info(0xFF)
        return info.free_blocks

    def release_media(self) -> None:
        """Close the session (finalizing unless do_not_finalize_media) and unlock the recorder.

        Raises:
            E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED: prepare_media was not called.
            E_IMAPI_DF2TAO_WRITE_IN_PROGRESS: a track is being written.
            ImapiError: the documented error of a device failure while closing.
        """
        self._check_idle()
        self._check_prepared()
        try:
            if self._tracks:
                drive = self._drive()
                drive.synchronize_cache()
                if not self._test_write:
                    drive.close(2)
        finally:
            self._unprepare()

    # -- tracks -----------------------------------------------------------------------------------
    def cancel_add_track(self) -> None:
        """Stop the running add_audio_track; it raises E_IMAPI_REQUEST_CANCELLED.

        Raises:
            E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS: no track is being written.
        """
        if not self._in_progress:
            raise errors.E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS("no track is being written")
        self._cancel.cancel()

    def add_audio_track(self, data: Any) -> None:
        """Write one audio track: 44.1 kHz 16-bit stereo PCM (little-endian, no header; a last
        partial sector and tracks under 4 s are padded with silence); bytes, a path, a binary
        stream or an AudioSource.

        Raises:
            E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED: prepare_media was not called.
            E_IMAPI_DF2TAO_WRITE_IN_PROGRESS: a track is being written.
            E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED: the disc holds 99 tracks.
            E_POINTER: ``data`` is None.
            E_INVALIDARG: ``data`` is a number, not a stream.
            E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED: unreadable, empty or not whole stereo frames.
            E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE: the track does not fit (checked before writing).
            E_IMAPI_REQUEST_CANCELLED: cancel_add_track was called.
            ImapiError: the documented error of a device failure.
        """
        recorder = self._check_prepared()
        if not self._busy.acquire(blocking=False):
            raise errors.E_IMAPI_DF2TAO_WRITE_IN_PROGRESS("a track is being written")
        try:
            if len(self._tracks) >= MAX_TRACKS:
                raise errors.E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED("a CD holds at most 99 tracks")
            if data is None:
                raise errors.E_POINTER("no stream given")
            if isinstance(data, (int, float, bool)):
                raise errors.E_INVALIDARG(f"a {type(data).__name__} is not a stream")
            try:
                source = open_source(data)
            except SourceError as exc:
                raise errors.E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED(str(exc)) from exc
            try:
                if source.size == 0 or source.size % 4:
                    raise errors.E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED(
                        f"the stream is {source.size} bytes, not a positive number of 4-byte stereo frames")
                self._cancel.reset()
                _Track(self, recorder.drive, source, len(self._tracks) + 1).run()
            finally:
                source.close()
        finally:
            self._busy.release()


class _Track:
    """One run of add_audio_track."""

    def __init__(self, fmt: DiscFormat2TrackAtOnce, drive: Any, source: Source, number: int) -> None:
        self.fmt = fmt
        self.drive = drive
        self.source = source
        self.number = number
        self.sectors = source.size // SECTOR  # whole sectors; a partial last one is padded with silence
        self.tail = source.size % SECTOR
        self.padded = max(self.sectors + (1 if self.tail else 0), MIN_TRACK)
        self.started = time.monotonic()
        self.start = 0

    def emit(self, action: TA, progress: Progress | None = None) -> None:
        elapsed = time.monotonic() - self.started
        done = progress.sectors_done if progress is not None else 0
        remaining = elapsed * (self.padded - done) / done if done else 0.0
        last = progress.last_written_lba if progress is not None else self.start - 1
        args = DiscFormat2TrackAtOnceEventArgs(
            start_lba=self.start,
            sector_count=self.padded,
            last_read_lba=progress.last_read_lba if progress is not None else self.start - 1,
            last_written_lba=last,
            total_system_buffer=progress.total_system_buffer if progress is not None else 0,
            used_system_buffer=progress.used_system_buffer if progress is not None else 0,
            free_system_buffer=progress.free_system_buffer if progress is not None else 0,
            current_track_number=self.number,
            current_action=action,
            elapsed_time=int(elapsed),
            remaining_time=int(remaining),
        )
        self.fmt._fire(args)

    def run(self) -> None:
        fmt = self.fmt
        self.emit(TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_PREPARING)
        info = self.drive.track_info(0xFF)
        if not info.nwa_valid:
            raise errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED("the disc takes no more tracks")
        if self.padded > info.free_blocks:
            raise errors.E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE(
                f"the track needs {self.padded} sectors, the disc has {info.free_blocks} free")
        self.start = info.next_writable
        verify = fmt.burn_verification_level != VL.IMAPI_BURN_VERIFICATION_NONE and not fmt.test_write
        opts = WriteOptions(sector_size=SECTOR, transfer_blocks=fmt.transfer_blocks, checksums=verify)
        written = {"last": self.start - 1}

        def on_progress(p: Progress) -> None:
            written["last"] = p.last_written_lba
            self.emit(TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_WRITING, p)

        sums: list[Any] = []
        try:
            if self.sectors:
                result = write_section(self.drive.transport, self.source, self.start, self.sectors, options=opts,
                                       on_progress=on_progress, cancel=fmt._cancel)
                sums.append(result.checksums)
            if self.padded > self.sectors:
                pad = self.padded - self.sectors
                if self.tail and self.source.seekable:
                    self.source.seek(self.sectors * SECTOR)
                last = self.source.read(self.tail) if self.tail else b""
                result = write_section(self.drive.transport, open_source(last + bytes(pad * SECTOR - len(last))),
                                       self.start + self.sectors, pad, options=opts, cancel=fmt._cancel)
                sums.append(result.checksums)
            self.emit(TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_FINISHING)
            self.drive.synchronize_cache()  # ends the track (no CLOSE TRACK on CD-TAO)
        except BaseException:
            # what reached the disc stays there as a (short) track, as on a real recorder
            try:
                self.drive.synchronize_cache()
                after = self.drive.track_info(0xFF)
                if after.nwa_valid and after.next_writable > self.start:
                    fmt._tracks.append((self.start, max(1, written["last"] - self.start + 1)))
                fmt._free = after.free_blocks
            except errors.ImapiError:
                pass
            raise
        fmt._tracks.append((self.start, self.padded))
        fmt._free = fmt._free_now()
        if verify:
            self.emit(TA.IMAPI_FORMAT2_TAO_WRITE_ACTION_VERIFYING)
            expected = np.concatenate([s for s in sums if s is not None])
            full = fmt.burn_verification_level == VL.IMAPI_BURN_VERIFICATION_FULL
            self.verify(expected, full)

    def verify(self, expected: Any, full: bool) -> None:
        from openimapi.imapi2.cdread import read_audio

        n = len(expected)
        ranges = [(0, n)] if full else sorted({(0, min(n, 75)), (max(0, n - 75), n)})
        for first, end in ranges:
            data = read_audio(self.drive, self.start + first, end - first)
            got = sector_checksums(data, SECTOR)
            bad = np.flatnonzero(got != expected[first:end])
            if bad.size:
                raise errors.E_IMAPI_BURN_VERIFICATION_FAILED(
                    f"track {self.number}: sector {self.start + first + int(bad[0])} reads back differently")
