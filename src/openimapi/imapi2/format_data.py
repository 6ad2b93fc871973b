"""DiscFormat2Data: recording a data stream (IDiscFormat2Data, IBurnVerification).

The write sequence follows what careful recorders send (shared/mmc-sequences.md):
validate everything that can be checked without touching the medium, take exclusive access
and lock the tray, (format / set the write parameters / speed / OPC), stream the data through
the engine at the next writable address (sequential media) or from sector 0 (overwritable
media, honouring the stream's block ranges), synchronise the cache, close the track and the
session (or finalise), read back for verification, unlock and release.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from openimapi import errors
from openimapi.engine import (
    CancelToken,
    Progress,
    Source,
    SourceError,
    WriteOptions,
    open_source,
    verify_section,
    write_section,
)
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE
from openimapi.errors import SuccessCode
from openimapi.imapi2._drive import (
    BD_PROFILES,
    CD_PROFILES,
    DVD_DASH_PROFILES,
    OVERWRITE_PROFILES,
    SEQUENTIAL_PROFILES,
    Drive,
)
from openimapi.imapi2._format2 import DiscFormat2
from openimapi.imapi2.media import MediaState, media_state, physical_type
from openimapi.imapi2.multisession import (
    DiscFormat2DataEventArgs,
    MultisessionRandomWrite,
    MultisessionSequential,
    WriteSpeedDescriptor,
    previous_session,
)
from openimapi.imapi2.recorder import DiscRecorder2
from openimapi.mmc import speed
from openimapi.mmc.modepages import DataBlockType, MultiSession, SessionFormat, WriteType
from openimapi.mmc.profiles import MediaFamily, profile_info
from openimapi.mmc.sense import SenseKey

__all__ = ["DiscFormat2Data"]

SECTOR = 2048
POSTGAP = 150  # sectors of post-gap after a CD data track (Red Book / ECMA-130 2 s)


def _family(profile: int) -> MediaFamily:
    family = profile_info(profile).family if profile else MediaFamily.OTHER
    return family if family in speed.KBPS_AT_1X else MediaFamily.DVD


def _kbps_to_sectors(kbps: int, profile: int) -> int:
    """IMAPI sectors per second (x factor times IMAPI_SECTORS_PER_SECOND_AT_1X_*) of kB/s."""
    return speed.sectors_per_second_from_kbps(kbps, _family(profile))


def _sectors_to_kbps(sectors: int, profile: int) -> int:
    return speed.kbps_from_sectors_per_second(sectors, _family(profile))


class DiscFormat2Data(DiscFormat2):
    """Writes a data stream as a session (or over the whole medium) (MsftDiscFormat2Data)."""

    PROFILES = SEQUENTIAL_PROFILES | OVERWRITE_PROFILES
    CLIENT_NAME_ERROR = errors.E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID
    IN_PROGRESS_ERROR = errors.E_IMAPI_DF2DATA_WRITE_IN_PROGRESS
    RECORDER_NOT_SUPPORTED_ERROR = errors.E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED

    def __init__(self) -> None:
        super().__init__()
        self._buffer_underrun_free_disabled = False
        self._postgap_already_in_image = False
        self._force_media_to_be_closed = False
        self._disable_consumer_dvd_compatibility_mode = False
        self._force_overwrite = False
        self._test_write = False
        self._verification = VL.IMAPI_BURN_VERIFICATION_QUICK
        self._requested_speed = -1
        self._requested_cav = False
        self._cancel = CancelToken()
        self._multisession: list[MultisessionSequential | MultisessionRandomWrite] | None = None
        self._multisession_for: DiscRecorder2 | None = None
        #: sectors per WRITE command; None = chosen from the path's transfer limit
        self.transfer_blocks: int | None = None

    # -- simple properties --------------------------------------------------------------------------
    def _flag(self, name: str, value: bool) -> None:
        self._check_idle()
        setattr(self, name, bool(value))

    @property
    def buffer_underrun_free_disabled(self) -> bool:
        return self._buffer_underrun_free_disabled

    @buffer_underrun_free_disabled.setter
    def buffer_underrun_free_disabled(self, value: bool) -> None:
        self._flag("_buffer_underrun_free_disabled", value)

    @property
    def postgap_already_in_image(self) -> bool:
        return self._postgap_already_in_image

    @postgap_already_in_image.setter
    def postgap_already_in_image(self, value: bool) -> None:
        self._flag("_postgap_already_in_image", value)

    @property
    def force_media_to_be_closed(self) -> bool:
        return self._force_media_to_be_closed

    @force_media_to_be_closed.setter
    def force_media_to_be_closed(self, value: bool) -> None:
        self._flag("_force_media_to_be_closed", value)

    @property
    def disable_consumer_dvd_compatibility_mode(self) -> bool:
        return self._disable_consumer_dvd_compatibility_mode

    @disable_consumer_dvd_compatibility_mode.setter
    def disable_consumer_dvd_compatibility_mode(self, value: bool) -> None:
        self._flag("_disable_consumer_dvd_compatibility_mode", value)

    @property
    def force_overwrite(self) -> bool:
        """On overwritable media: write the whole stream even if it lists changed block ranges."""
        return self._force_overwrite

    @force_overwrite.setter
    def force_overwrite(self, value: bool) -> None:
        self._flag("_force_overwrite", value)

    @property
    def test_write(self) -> bool:
        """Simulate the write (not an IMAPI2 member; IMAPI v1's RecordDisc(simulate) uses it):
        page 05h Test Write, so the drive goes through the motions and records nothing. Only
        CD-R/RW and DVD-R/RW have a test-write mode; the session is neither closed nor verified."""
        return self._test_write

    @test_write.setter
    def test_write(self, value: bool) -> None:
        self._flag("_test_write", value)

    @property
    def burn_verification_level(self) -> VL:
        """IBurnVerification: none, quick (sampled read-back) or full (every sector)."""
        return self._verification

    @burn_verification_level.setter
    def burn_verification_level(self, value: VL | int) -> None:
        self._check_idle()
        try:
            self._verification = VL(int(value))
        except ValueError:
            raise errors.E_INVALIDARG(f"{value!r} is not an IMAPI_BURN_VERIFICATION_LEVEL") from None

    def _recorder_changed(self) -> None:
        self._multisession = None

    # -- media -------------------------------------------------------------------------------------
    @property
    def current_media_status(self) -> MS:
        return self._state().status

    @property
    def write_protect_status(self) -> Any:
        return self._state().write_protect

    @property
    def total_sectors_on_media(self) -> int:
        return self._state().total

    @property
    def free_sectors_on_media(self) -> int:
        """Free sectors; on overwritable media the whole capacity."""
        state = self._state()
        return state.free if state.nwa is not None else 0

    @property
    def next_writable_address(self) -> int:
        """Raises: E_IMAPI_DF2DATA_INVALID_MEDIA_STATE when the medium takes no more data."""
        state = self._state()
        if state.nwa is None:
            raise errors.E_IMAPI_DF2DATA_INVALID_MEDIA_STATE("the medium takes no more data")
        return state.nwa

    @property
    def start_address_of_previous_session(self) -> int:
        """-1 on blank media and media without sessions."""
        prev = previous_session(self._drive(), self._state())
        return -1 if prev is None else prev[0]

    @property
    def last_written_address_of_previous_session(self) -> int:
        """-1 on blank media and media without sessions."""
        prev = previous_session(self._drive(), self._state())
        return -1 if prev is None else prev[1]

    @property
    def multisession_interfaces(self) -> list[MultisessionSequential | MultisessionRandomWrite]:
        """The multisession objects for the current medium (never empty)."""
        recorder = self._require_recorder()
        try:
            overwrite = self._state().overwrite
        except errors.ImapiError:
            overwrite = False
        kind = MultisessionRandomWrite if overwrite else MultisessionSequential
        if (
            self._multisession is None
            or self._multisession_for is not recorder
            or not isinstance(self._multisession[0], kind)
        ):
            self._multisession = [kind(recorder)]
            self._multisession_for = recorder
        return list(self._multisession)

    # -- speeds -------------------------------------------------------------------------------------
    @property
    def requested_write_speed(self) -> int:
        """Sectors per second asked for with set_write_speed (-1: the fastest)."""
        return self._requested_speed

    @property
    def requested_rotation_type_is_pure_cav(self) -> bool:
        return self._requested_cav

    @property
    def current_write_speed(self) -> int:
        """Sectors per second the drive selected (mode page 2Ah, current write speed)."""
        drive = self._drive()
        page = drive.capabilities()
        if (page.page_length or 0) < 28:
            raise errors.E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE("mode page 2Ah is too short for the write speed")
        return _kbps_to_sectors(page.current_write_speed_selected, drive.current_profile())

    @property
    def current_rotation_type_is_pure_cav(self) -> bool:
        page = self._drive().capabilities()
        return (page.page_length or 0) >= 26 and page.rotation_control_selected == 1

    def _speed_table(self) -> list[tuple[int, bool]]:
        drive = self._drive()
        profile = drive.current_profile()
        speeds = [(_kbps_to_sectors(d.write_speed, profile), d.wrc == 1) for d in drive.write_speeds() if d.write_speed]
        if not speeds:
            for d in drive.capabilities().write_speed_descriptors:
                speeds.append((_kbps_to_sectors(d.write_speed, profile), d.rotation_control & 3 == 1))
        unique: list[tuple[int, bool]] = []
        for s in sorted(speeds, key=lambda x: -x[0]):
            if s not in unique:
                unique.append(s)
        return unique

    @property
    def supported_write_speeds(self) -> list[int]:
        """Write speeds of the current medium in sectors per second, fastest first."""
        out: list[int] = []
        for rate, _ in self._speed_table():
            if rate not in out:
                out.append(rate)
        return out

    @property
    def supported_write_speed_descriptors(self) -> list[WriteSpeedDescriptor]:
        kind: IMAPI_MEDIA_PHYSICAL_TYPE = physical_type(self._drive().current_profile())
        return [WriteSpeedDescriptor(kind, cav, rate) for rate, cav in self._speed_table()]

    def set_write_speed(
        self, requested_sectors_per_second: int, rotation_type_is_pure_cav: bool = False
    ) -> SuccessCode:
        """Ask for a write speed (-1 or 0xFFFFFFFF: the fastest) and rotation control.

        Returns S_OK, or S_IMAPI_SPEEDADJUSTED / S_IMAPI_ROTATIONADJUSTED / S_IMAPI_BOTHADJUSTED
        when the drive chose something else.

        Raises:
            E_INVALIDARG: a negative speed other than -1.
            E_IMAPI_DF2DATA_WRITE_IN_PROGRESS: a write is running.
        """
        self._check_idle()
        speed = int(requested_sectors_per_second)
        if speed == 0xFFFFFFFF:
            speed = -1
        if speed < -1 or speed > 0x7FFFFFFF:
            raise errors.E_INVALIDARG(f"write speed {requested_sectors_per_second} is not valid")
        self._requested_speed = speed
        self._requested_cav = bool(rotation_type_is_pure_cav)
        return self._apply_speed()

    def _apply_speed(self) -> SuccessCode:
        drive = self._drive()
        profile = drive.current_profile()
        kbps = _sectors_to_kbps(self._requested_speed, profile) if self._requested_speed > 0 else 0
        try:
            if profile in CD_PROFILES:
                drive.set_cd_speed(kbps, rotation=1 if self._requested_cav else 0)
            elif profile:
                end = max(0, self._state().total - 1)
                drive.set_streaming(kbps, end, wrc=1 if self._requested_cav else 0)
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST and sense.asc in (0x24, 0x26):
                raise errors.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH(f"the drive refused the speed: {exc}") from exc
            raise
        speed_adjusted = self._requested_speed > 0 and abs(self.current_write_speed - self._requested_speed) > 1
        rotation_adjusted = self._requested_cav and not self.current_rotation_type_is_pure_cav
        if speed_adjusted and rotation_adjusted:
            return SuccessCode.S_IMAPI_BOTHADJUSTED
        if speed_adjusted:
            return SuccessCode.S_IMAPI_SPEEDADJUSTED
        if rotation_adjusted:
            return SuccessCode.S_IMAPI_ROTATIONADJUSTED
        return SuccessCode.S_OK

    # -- writing -----------------------------------------------------------------------------------
    def cancel_write(self) -> None:
        """Stop a running write at the next command; write() then raises E_IMAPI_REQUEST_CANCELLED.

        Raises:
            E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS: nothing is being written.
        """
        if not self._in_progress:
            raise errors.E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS("no write is in progress")
        self._cancel.cancel()

    def write(self, data: Any) -> SuccessCode:
        """Record ``data`` (a binary file object, bytes or a path; a multiple of 2048 bytes).

        Blocks until the medium is written (and verified); progress goes to the listeners.
        Returns S_OK, or an S_IMAPI_*ADJUSTED code when the drive changed the requested speed.

        Raises:
            E_IMAPI_RECORDER_REQUIRED: no recorder set.
            E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID: no client name set.
            E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED: the stream is unreadable, empty or not whole sectors.
            E_IMAPI_DF2DATA_WRITE_IN_PROGRESS: this object is writing already.
            E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED: the medium cannot take data (ROM, finalized).
            E_IMAPI_DF2DATA_MEDIA_NOT_BLANK: a finalized rewritable disc must be erased first.
            E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA: not enough free sectors.
            E_IMAPI_RECORDER_LOCKED: another client holds exclusive access.
            E_IMAPI_REQUEST_CANCELLED: cancel_write was called.
            E_IMAPI_BURN_VERIFICATION_FAILED: read-back differs; the message names the first bad LBA.
            ImapiError: the documented error of any device failure.
        """
        recorder = self._require_recorder()
        if self._client_name is None:
            raise errors.E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID("set client_name before writing")
        try:
            source = open_source(data)
        except SourceError as exc:
            raise errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED(str(exc)) from exc
        try:
            if source.size == 0 or source.size % SECTOR:
                raise errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED(
                    f"the stream is {source.size} bytes, not a positive multiple of {SECTOR}"
                )
            if not self._busy.acquire(blocking=False):
                raise errors.E_IMAPI_DF2DATA_WRITE_IN_PROGRESS("this object is writing already")
            try:
                self._cancel.reset()
                return _Job(self, recorder, source).run()
            finally:
                self._busy.release()
        finally:
            source.close()


class _Job:
    """One run of DiscFormat2Data.write."""

    def __init__(self, fmt: DiscFormat2Data, recorder: DiscRecorder2, source: Source) -> None:
        self.fmt = fmt
        self.recorder = recorder
        self.drive: Drive = recorder.drive
        self.source = source
        self.sectors = source.size // SECTOR
        self.started = time.monotonic()
        self.action = WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA
        self.start_lba = 0
        self.total_sectors = self.sectors
        self.last_progress: Progress | None = None
        self.device_buffer = (0, 0)
        self.last_buffer_poll = -1e9

    # -- events ------------------------------------------------------------------------------------
    def phase(self, action: WA) -> None:
        self.action = action
        if action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING:
            self.last_progress = None  # the read-back counts from the start again
        self.emit(None)

    def emit(self, progress: Progress | None) -> None:
        if progress is not None:
            self.last_progress = progress
        p = self.last_progress
        elapsed = time.monotonic() - self.started
        done = p.sectors_done if p is not None and not p.verifying else 0
        if self.action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA and done > 0:
            total = elapsed * self.total_sectors / done
        else:
            total = elapsed
        if self.action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA and self.fmt._listeners:
            now = time.monotonic()
            if now - self.last_buffer_poll >= 1.0:
                self.last_buffer_poll = now
                length, blank = self.drive.buffer_capacity()
                self.device_buffer = (length, max(0, length - blank))
        args = DiscFormat2DataEventArgs(
            start_lba=self.start_lba,
            sector_count=self.total_sectors,
            last_read_lba=p.last_read_lba if p is not None else self.start_lba - 1,
            last_written_lba=p.last_written_lba if p is not None else self.start_lba - 1,
            total_system_buffer=p.total_system_buffer if p is not None else 0,
            used_system_buffer=p.used_system_buffer if p is not None else 0,
            free_system_buffer=p.free_system_buffer if p is not None else 0,
            elapsed_time=int(elapsed),
            remaining_time=max(0, int(total - elapsed)),
            total_time=int(total),
            current_action=self.action,
            total_device_buffer=self.device_buffer[0],
            used_device_buffer=self.device_buffer[1],
        )
        self.fmt._fire(args)

    # -- the sequence -------------------------------------------------------------------------------
    def validate(self) -> MediaState:
        self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA)
        self.recorder.exclusive.check()
        state = media_state(self.drive)
        if state.rom or not (state.sequential or state.overwrite):
            raise errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED(f"profile {state.profile:#06x} cannot take data")
        if state.write_protect:
            raise errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED(
                f"the medium is write protected ({state.write_protect!r})"
            )
        if state.sequential:
            if state.disc_status == 2 or state.nwa is None:
                if state.erasable:
                    raise errors.E_IMAPI_DF2DATA_MEDIA_NOT_BLANK("the disc is closed: erase it before writing")
                raise errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED("the disc is closed and takes no more sessions")
            if state.last_session_state == 2:
                raise errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED("the disc's last session is damaged")
        if self.fmt.test_write and not (state.sequential and state.profile in CD_PROFILES | DVD_DASH_PROFILES):
            raise errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED(
                f"profile {state.profile:#06x} has no test-write mode (only CD-R/RW and DVD-R/RW)"
            )
        needed = self.sectors + (POSTGAP if self.postgap(state) else 0)
        capacity = state.free if state.sequential else state.total
        if capacity and needed > capacity:
            raise errors.E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA(
                f"{needed} sectors do not fit in the {capacity} free sectors"
            )
        return state

    def postgap(self, state: MediaState) -> bool:
        return state.profile in CD_PROFILES and not self.fmt.postgap_already_in_image

    def run(self) -> SuccessCode:
        state = self.validate()
        took_exclusive = False
        locked = False
        outcome = SuccessCode.S_OK
        wrote = False
        try:
            if not self.recorder.exclusive.held:
                self.recorder.exclusive.acquire(self.fmt.client_name or "openimapi")
                took_exclusive = True
            self.drive.prevent_removal(True)
            locked = True
            if state.overwrite:
                self.format_if_needed(state)
            self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_INITIALIZING_HARDWARE)
            self.write_parameters(state)
            if self.fmt.requested_write_speed > 0 or self.fmt.requested_rotation_type_is_pure_cav:
                outcome = self.fmt._apply_speed()
            if state.sequential and state.profile in CD_PROFILES | DVD_DASH_PROFILES:
                self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_CALIBRATING_POWER)
                self.drive.send_opc()
            self.start_lba = state.nwa if state.sequential and state.nwa is not None else 0
            self.total_sectors = self.sectors + (POSTGAP if self.postgap(state) else 0)
            self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA)
            wrote = True
            sections = self.write_data(state)
            self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FINALIZATION)
            self.finish(state)
            wrote = False
            if self.fmt.burn_verification_level != VL.IMAPI_BURN_VERIFICATION_NONE and not self.fmt.test_write:
                self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING)
                self.verify(sections)
            self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED)
        except BaseException:
            if wrote:
                self.close_after_failure(state)
            raise
        finally:
            if locked:
                self.drive.release_medium()
            if took_exclusive:
                self.recorder.exclusive.release()
        return outcome

    def format_if_needed(self, state: MediaState) -> None:
        try:
            _, kind, descriptors = self.drive.format_capacities()
        except errors.ImapiError:
            return
        if kind != 1 or not descriptors:  # 1 = unformatted medium (MMC-6 table 484)
            return
        self.phase(WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FORMATTING_MEDIA)
        blocks, fmt_type, param = descriptors[0]
        if state.profile == 0x1A:  # DVD+RW: format type 26h, the whole medium, in the background
            blocks, fmt_type, param = 0xFFFFFFFF, 0x26, 0
        self.drive.format_unit(blocks, fmt_type, param, immed=True)
        self.drive.wait_ready(on_wait=lambda _p: self.emit(None))

    def write_parameters(self, state: MediaState) -> None:
        """MODE SELECT page 05h for CD and DVD-R/RW (MMC-6 7.5); DVD+R/+RW, RAM and BD take none."""
        if state.profile not in CD_PROFILES | DVD_DASH_PROFILES or state.overwrite:
            return
        page = self.drive.write_parameters()
        if (page.page_length or 0) < 14:
            raise errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS("write parameters page too short")
        cd = state.profile in CD_PROFILES
        page = dataclasses.replace(
            page,
            ps=False,
            bufe=not self.fmt.buffer_underrun_free_disabled,
            test_write=self.fmt.test_write,  # Test Write (MMC-6 7.5.4.2)
            ls_v=False,
            write_type=WriteType.TAO if cd else WriteType.PACKET,  # TAO on CD, incremental on DVD-R
            multi_session=MultiSession.NO_B0_NEXT_NOT_ALLOWED
            if self.fmt.force_media_to_be_closed
            else MultiSession.NEXT_ALLOWED,
            fp=False,
            copy=False,
            track_mode=4 if cd else 5,  # data, uninterrupted (5: incremental)
            data_block_type=DataBlockType.MODE1_2048,
            session_format=SessionFormat.CDDA_OR_CDROM,
        )
        self.drive.mode_select(page.to_bytes())

    def options(self, checksums: bool) -> WriteOptions:
        blocks = self.fmt.transfer_blocks
        if blocks is None:
            limit = self.recorder.get_maximum_page_aligned_transfer_size() // SECTOR
            blocks = max(16, min(limit, 2048))
        blocks = max(1, min(blocks, 0xFFFF))
        chunks = max(4, min(16, (32 << 20) // (blocks * SECTOR)))  # about 32 MiB of buffer
        return WriteOptions(transfer_blocks=blocks, checksums=checksums, buffer_chunks=chunks)

    def write_data(self, state: MediaState) -> list[tuple[int, Any]]:
        verify = self.fmt.burn_verification_level != VL.IMAPI_BURN_VERIFICATION_NONE
        opts = self.options(verify)
        ranges: list[tuple[int, int]] = [(0, self.sectors - 1)]
        if state.overwrite and not self.fmt.force_overwrite and self.source.block_ranges is not None:
            ranges = [
                (max(0, a), min(b, self.sectors - 1))
                for a, b in self.source.block_ranges
                if a <= b and a < self.sectors
            ]
        sections: list[tuple[int, Any]] = []
        for first, last in ranges:
            result = write_section(
                self.drive.transport,
                self.source,
                self.start_lba + first,
                last - first + 1,
                source_offset=first * SECTOR,
                options=opts,
                on_progress=self.emit,
                cancel=self.fmt._cancel,
            )
            sections.append((self.start_lba + first, result.checksums))
        if self.postgap(state):
            write_section(
                self.drive.transport,
                open_source(bytes(POSTGAP * SECTOR)),
                self.start_lba + self.sectors,
                POSTGAP,
                options=WriteOptions(transfer_blocks=opts.transfer_blocks),
                on_progress=self.emit,
                cancel=self.fmt._cancel,
            )
        return sections

    def finish(self, state: MediaState) -> None:
        drive = self.drive
        drive.synchronize_cache()
        if self.fmt.test_write:
            return  # a simulated track is not closed: nothing was recorded
        profile = state.profile
        if state.sequential:
            if profile not in CD_PROFILES:
                drive.close(1, state.invisible_track)
            if self.fmt.force_media_to_be_closed and profile in (0x1B, 0x2B):
                drive.close(5)  # finalize DVD+R (MMC-6 6.3.3.2.3)
            elif self.fmt.force_media_to_be_closed and profile in BD_PROFILES:
                drive.close(6)  # finalize BD-R
            else:
                drive.close(2)  # close session; CD and DVD-R finalize per page 05 multi-session
        elif profile == 0x1A and not self.fmt.disable_consumer_dvd_compatibility_mode:
            try:
                drive.close(2)  # DVD+RW: end background formatting compatibly (MMC-6 6.3.3.3)
            except errors.ImapiError:
                pass

    def close_after_failure(self, state: MediaState) -> None:
        """Leave a cancelled or failed sequential write as a closed, readable session."""
        try:
            self.drive.synchronize_cache()
            if state.sequential and not self.fmt.test_write:
                if state.profile not in CD_PROFILES:
                    self.drive.close(1, state.invisible_track)
                self.drive.close(2)
        except errors.ImapiError:
            pass

    def verify(self, sections: list[tuple[int, Any]]) -> None:
        drive = self.drive
        info = drive.disc_info()
        if info.disc_status == 0:
            raise errors.E_IMAPI_BURN_VERIFICATION_FAILED("READ DISC INFORMATION reports a blank disc after writing")
        for number in range(info.first_track, info.last_track_last_session + 1):
            drive.track_info(number)
        full = self.fmt.burn_verification_level == VL.IMAPI_BURN_VERIFICATION_FULL
        for start, sums in sections:
            if sums is None:
                continue
            verify_section(
                drive.transport,
                start,
                sums,
                full=full,
                options=self.options(False),
                on_progress=self.emit,
                cancel=self.fmt._cancel,
            )
