"""What DiscFormat2TrackAtOnce and DiscFormat2RawCD share: a prepared (locked, exclusive)
CD-R/RW in a recorder, write speeds, and the documented error classes of each object.

PrepareMedia / ReleaseMedia bracket a recording: between them the object holds exclusive
access to the recorder, the tray is locked (PREVENT ALLOW MEDIUM REMOVAL), media change
notification is disabled, and the settings that shape the session are read-only.
"""

from __future__ import annotations

from typing import ClassVar

from openimapi import errors
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE
from openimapi.errors import SuccessCode
from openimapi.imapi2._drive import Drive
from openimapi.imapi2._format2 import DiscFormat2
from openimapi.imapi2.format_data import DiscFormat2Data
from openimapi.imapi2.media import MediaState, media_state
from openimapi.imapi2.multisession import WriteSpeedDescriptor
from openimapi.imapi2.recorder import DiscRecorder2

__all__ = ["CdFormat"]

E = type[errors.ImapiError]
#: CD profiles these writers record (MMC-6 table 79): CD-R and CD-RW.
CD_WRITE_PROFILES = frozenset({0x09, 0x0A})


class CdFormat(DiscFormat2):
    """Base of the CD writers: prepare/release of the medium and the speed members."""

    PROFILES = CD_WRITE_PROFILES
    #: the MMC feature a recorder needs (002Dh CD track-at-once, 002Eh CD mastering)
    FEATURE: ClassVar[int] = 0x2D
    NO_RECORDER: ClassVar[E] = errors.E_IMAPI_RECORDER_REQUIRED
    PREPARED: ClassVar[E] = errors.E_FAIL
    NOT_PREPARED: ClassVar[E] = errors.E_FAIL
    NOT_SUPPORTED: ClassVar[E] = errors.E_FAIL
    NOT_BLANK: ClassVar[E] = errors.E_FAIL

    def __init__(self) -> None:
        super().__init__()
        self._prepared: DiscRecorder2 | None = None
        self._took_exclusive = False
        self._mcn = False
        self._buffer_underrun_free_disabled = False
        self._requested_speed = -1
        self._requested_cav = False

    # -- guards ---------------------------------------------------------------------------------
    def _check_not_prepared(self) -> None:
        self._check_idle()
        if self._prepared is not None:
            raise self.PREPARED("the medium is prepared: call release_media first")

    def _check_prepared(self) -> DiscRecorder2:
        if self._prepared is None:
            raise self.NOT_PREPARED("call prepare_media first")
        return self._prepared

    def _drive(self) -> Drive:
        if self._recorder is None:
            raise self.NO_RECORDER("set the recorder first")
        return self._recorder.drive

    # -- recorder and client (refused while prepared) ----------------------------------------------
    @DiscFormat2.recorder.setter  # type: ignore[attr-defined]
    def recorder(self, value: DiscRecorder2 | None) -> None:
        self._check_not_prepared()
        DiscFormat2.recorder.fset(self, value)  # type: ignore[attr-defined]

    @DiscFormat2.client_name.setter  # type: ignore[attr-defined]
    def client_name(self, value: str) -> None:
        self._check_not_prepared()
        DiscFormat2.client_name.fset(self, value)  # type: ignore[attr-defined]

    def is_recorder_supported(self, recorder: DiscRecorder2) -> bool:
        """True when the recorder writes CD-R/RW and has the feature this writer needs."""
        if not DiscFormat2.is_recorder_supported(self, recorder):
            return False
        try:
            return recorder.drive.feature(self.FEATURE) is not None
        except errors.ImapiError:
            return False

    @property
    def current_physical_media_type(self) -> IMAPI_MEDIA_PHYSICAL_TYPE:
        """The type of the medium in the drive (UNKNOWN when there is none)."""
        self._drive()
        return DiscFormat2.current_physical_media_type.fget(self)  # type: ignore[attr-defined]

    @property
    def buffer_underrun_free_disabled(self) -> bool:
        return self._buffer_underrun_free_disabled

    @buffer_underrun_free_disabled.setter
    def buffer_underrun_free_disabled(self, value: bool) -> None:
        self._check_idle()
        self._check_prepared()
        self._buffer_underrun_free_disabled = bool(value)

    # -- prepare / release ---------------------------------------------------------------------------
    def _prepare(self) -> MediaState:
        """Check the recorder, client and medium, then take exclusive access and lock the tray.

        Raises:
            NO_RECORDER / PREPARED / client-name / NOT_SUPPORTED / NOT_BLANK: the object's errors.
            E_IMAPI_RECORDER_LOCKED: another client holds the recorder.
            ImapiError: the documented error of a device failure (no medium, not ready, ...).
        """
        self._check_idle()
        if self._recorder is None:
            raise self.NO_RECORDER("set the recorder first")
        if self._prepared is not None:
            raise self.PREPARED("the medium is prepared already")
        if self._client_name is None:
            raise self.CLIENT_NAME_ERROR("set client_name before prepare_media")
        recorder = self._recorder
        recorder.exclusive.check()
        drive = recorder.drive
        drive.require_medium()
        state = media_state(drive)
        if state.profile not in self.PROFILES:
            raise self.NOT_SUPPORTED(f"profile {state.profile:#06x} is not a writable CD")
        if state.write_protect:
            raise errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED(f"write protected: {state.write_protect!r}")
        if not state.blank:
            raise self.NOT_BLANK("the disc is not blank")
        took = False
        if not recorder.exclusive.held:
            recorder.exclusive.acquire(self._client_name)
            took = True
        try:
            drive.prevent_removal(True)
            recorder.disable_mcn()
        except BaseException:
            if took:
                recorder.exclusive.release()
            raise
        self._prepared = recorder
        self._took_exclusive = took
        self._mcn = True
        return state

    def _unprepare(self) -> None:
        recorder = self._prepared
        if recorder is None:
            return
        self._prepared = None
        try:
            recorder.drive.prevent_removal(False)
        except errors.ImapiError:
            pass
        finally:
            if self._mcn:
                recorder.enable_mcn()
                self._mcn = False
            if self._took_exclusive:
                recorder.exclusive.release()
                self._took_exclusive = False

    # -- speeds (the same device exchanges as DiscFormat2Data) -------------------------------------
    @property
    def requested_write_speed(self) -> int:
        """Sectors per second asked for with set_write_speed (-1: the fastest)."""
        return self._requested_speed

    @property
    def requested_rotation_type_is_pure_cav(self) -> bool:
        return self._requested_cav

    @property
    def current_write_speed(self) -> int:
        """Sectors per second the drive selected (mode page 2Ah).

        Raises:
            E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE: the page is too short.
        """
        return DiscFormat2Data.current_write_speed.fget(self)  # type: ignore[attr-defined]

    @property
    def current_rotation_type_is_pure_cav(self) -> bool:
        return DiscFormat2Data.current_rotation_type_is_pure_cav.fget(self)  # type: ignore[attr-defined]

    @property
    def supported_write_speeds(self) -> list[int]:
        """Write speeds of the current medium in sectors per second, fastest first."""
        return DiscFormat2Data.supported_write_speeds.fget(self)  # type: ignore[attr-defined]

    @property
    def supported_write_speed_descriptors(self) -> list[WriteSpeedDescriptor]:
        return DiscFormat2Data.supported_write_speed_descriptors.fget(self)  # type: ignore[attr-defined]

    def _speed_table(self) -> list[tuple[int, bool]]:
        return DiscFormat2Data._speed_table(self)  # type: ignore[arg-type]

    def set_write_speed(
        self, requested_sectors_per_second: int, rotation_type_is_pure_cav: bool = False
    ) -> SuccessCode:
        """Ask for a write speed (-1: the fastest) and rotation control; S_OK or an S_IMAPI_*ADJUSTED code.

        Raises:
            E_IMAPI_RECORDER_REQUIRED: no recorder set.
            E_INVALIDARG: a negative speed other than -1.
        """
        if self._recorder is None:
            raise errors.E_IMAPI_RECORDER_REQUIRED("set the recorder first")
        return DiscFormat2Data.set_write_speed(self, requested_sectors_per_second,  # type: ignore[arg-type]
                                               rotation_type_is_pure_cav)

    def _apply_speed(self) -> SuccessCode:
        return DiscFormat2Data._apply_speed(self)  # type: ignore[arg-type]

    def _state(self) -> MediaState:
        return media_state(self._drive())
