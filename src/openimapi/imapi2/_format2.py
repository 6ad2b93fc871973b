"""What the writers share (IDiscFormat2): recorder, client name, listeners, media queries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from openimapi import errors
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE
from openimapi.imapi2._drive import Drive
from openimapi.imapi2._exclusive import check_client_name
from openimapi.imapi2.media import MediaState, media_state, physical_type
from openimapi.imapi2.recorder import DiscRecorder2

__all__ = ["DiscFormat2", "Listener"]

Listener = Callable[[Any, Any], None]


class DiscFormat2:
    """Base of the writers: a recorder, a client name, event listeners and media queries.

    Subclasses name the profiles they handle and their own error classes.
    """

    PROFILES: ClassVar[frozenset[int]] = frozenset()
    CLIENT_NAME_ERROR: ClassVar[type[errors.ImapiError]] = errors.E_INVALIDARG
    IN_PROGRESS_ERROR: ClassVar[type[errors.ImapiError]] = errors.E_FAIL
    RECORDER_NOT_SUPPORTED_ERROR: ClassVar[type[errors.ImapiError] | None] = None

    def __init__(self) -> None:
        self._recorder: DiscRecorder2 | None = None
        self._client_name: str | None = None
        self._listeners: list[Listener] = []
        self._busy = threading.Lock()

    # -- state guard -----------------------------------------------------------------------------
    @property
    def _in_progress(self) -> bool:
        return self._busy.locked()

    def _check_idle(self) -> None:
        if self._in_progress:
            raise self.IN_PROGRESS_ERROR("a write is in progress on this object")

    # -- events ----------------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(sender, args)`` on every progress update (the Update event)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _fire(self, *args: Any) -> None:
        for listener in list(self._listeners):
            listener(self, *args)

    # -- recorder and client ----------------------------------------------------------------------
    @property
    def recorder(self) -> DiscRecorder2 | None:
        return self._recorder

    @recorder.setter
    def recorder(self, value: DiscRecorder2 | None) -> None:
        self._check_idle()
        if value is None:
            self._recorder = None
            self._recorder_changed()
            return
        if not isinstance(value, DiscRecorder2):
            raise errors.E_INVALIDARG(f"a {type(value).__name__} is not a DiscRecorder2")
        if self.RECORDER_NOT_SUPPORTED_ERROR is not None and not self.is_recorder_supported(value):
            raise self.RECORDER_NOT_SUPPORTED_ERROR(f"{value.active_disc_recorder} cannot record for this format")
        self._recorder = value
        self._recorder_changed()

    def _recorder_changed(self) -> None:
        """Hook for subclasses that keep objects tied to the recorder."""

    @property
    def client_name(self) -> str | None:
        return self._client_name

    @client_name.setter
    def client_name(self, value: str) -> None:
        self._check_idle()
        name = check_client_name(value)
        if name is None:
            raise self.CLIENT_NAME_ERROR(f"client name {value!r} is not 1-63 letters, digits, space, '_', '.', '-'")
        self._client_name = name

    def _require_recorder(self) -> DiscRecorder2:
        if self._recorder is None:
            raise errors.E_IMAPI_RECORDER_REQUIRED("set the recorder first")
        return self._recorder

    def _drive(self) -> Drive:
        return self._require_recorder().drive

    def _state(self) -> MediaState:
        return media_state(self._drive())

    # -- IDiscFormat2 ----------------------------------------------------------------------------
    def is_recorder_supported(self, recorder: DiscRecorder2) -> bool:
        """True when the recorder can record at least one medium this format writes."""
        if not isinstance(recorder, DiscRecorder2):
            raise errors.E_INVALIDARG("not a DiscRecorder2")
        return any(p in self.PROFILES for p in recorder.supported_profiles)

    def is_current_media_supported(self, recorder: DiscRecorder2) -> bool:
        """True when the medium in ``recorder`` is one this format writes.

        Raises:
            E_IMAPI_RECORDER_MEDIA_NO_MEDIA: the drive holds no medium (the Windows 7 behaviour).
        """
        if not isinstance(recorder, DiscRecorder2):
            raise errors.E_INVALIDARG("not a DiscRecorder2")
        drive = recorder.drive
        drive.require_medium()
        return drive.current_profile() in self.PROFILES

    @property
    def media_physically_blank(self) -> bool:
        """True when READ DISC INFORMATION says the medium is blank."""
        return self._drive().disc_info().disc_status == 0

    @property
    def media_heuristically_blank(self) -> bool:
        """Blank, or (on overwritable media) no ISO 9660 or UDF volume where one would start."""
        state = self._state()
        if state.blank:
            return True
        if not state.overwrite:
            return False
        drive = self._drive()
        try:
            data = drive.read(16, 1) + drive.read(256, 1)
        except errors.ImapiError:
            return True
        iso = data[1:6] == b"CD001"
        udf = data[2048:2050] == b"\x02\x00"  # anchor volume descriptor pointer tag (ECMA-167 3/10.2)
        return not (iso or udf)

    @property
    def supported_media_types(self) -> list[IMAPI_MEDIA_PHYSICAL_TYPE]:
        """The media types this format can write in this recorder."""
        seen: list[IMAPI_MEDIA_PHYSICAL_TYPE] = []
        for profile in self._require_recorder().supported_profiles:
            if profile in self.PROFILES:
                kind = physical_type(profile)
                if kind not in seen:
                    seen.append(kind)
        return seen

    @property
    def current_physical_media_type(self) -> IMAPI_MEDIA_PHYSICAL_TYPE:
        """The type of the medium in the drive (UNKNOWN when there is none)."""
        drive = self._drive()
        return physical_type(drive.current_profile())
