"""Multisession objects (IMultisessionSequential(2), IMultisessionRandomWrite), write speed
descriptors (IWriteSpeedDescriptor) and the event arguments of the writers
(IWriteEngine2EventArgs, IDiscFormat2DataEventArgs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION, IMAPI_MEDIA_PHYSICAL_TYPE
from openimapi.imapi2._drive import Drive
from openimapi.imapi2.media import MediaState, media_state, write_unit

if TYPE_CHECKING:
    from openimapi.imapi2.recorder import DiscRecorder2

__all__ = [
    "DiscFormat2DataEventArgs",
    "MultisessionRandomWrite",
    "MultisessionSequential",
    "WriteEngine2EventArgs",
    "WriteSpeedDescriptor",
    "previous_session",
]


@dataclass(frozen=True, slots=True)
class WriteSpeedDescriptor:
    """One write speed the medium supports (IWriteSpeedDescriptor); ``write_speed`` in sectors/s."""

    media_type: IMAPI_MEDIA_PHYSICAL_TYPE
    rotation_type_is_pure_cav: bool
    write_speed: int


@dataclass(frozen=True, slots=True)
class WriteEngine2EventArgs:
    """Progress of a section being written (IWriteEngine2EventArgs); buffers in bytes."""

    start_lba: int
    sector_count: int
    last_read_lba: int
    last_written_lba: int
    total_system_buffer: int
    used_system_buffer: int
    free_system_buffer: int


@dataclass(frozen=True, slots=True)
class DiscFormat2DataEventArgs(WriteEngine2EventArgs):
    """Progress of DiscFormat2Data.write (IDiscFormat2DataEventArgs); times in whole seconds.

    ``total_device_buffer``/``used_device_buffer`` come from READ BUFFER CAPACITY (0 when the
    drive does not say).
    """

    elapsed_time: int = 0
    remaining_time: int = 0
    total_time: int = 0
    current_action: IMAPI_FORMAT2_DATA_WRITE_ACTION = (
        IMAPI_FORMAT2_DATA_WRITE_ACTION.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA
    )
    total_device_buffer: int = 0
    used_device_buffer: int = 0


def previous_session(drive: Drive, state: MediaState) -> tuple[int, int] | None:
    """(start LBA, last written LBA) of the newest closed session with data, or None."""
    if not state.sequential or state.disc_status == 0:
        return None
    if state.disc_status == 1 and state.last_session_state == 0:
        last_track = state.first_track_last_session - 1
    else:
        last_track = state.last_track_last_session
    if last_track < 1:
        return None
    last = drive.track_info(last_track)
    if last.blank:
        return None
    first = last
    number = last_track
    while number > 1:
        candidate = drive.track_info(number - 1)
        if candidate.session != last.session:
            break
        first = candidate
        number -= 1
    end = last.last_recorded if last.lra_valid and last.last_recorded else last.start + last.size - 1
    return first.start, end


class _Multisession:
    def __init__(self, recorder: DiscRecorder2) -> None:
        self._recorder = recorder
        self._in_use = False

    @property
    def import_recorder(self) -> DiscRecorder2:
        """The recorder from which earlier sessions are read (IMultisession::ImportRecorder)."""
        return self._recorder

    @property
    def in_use(self) -> bool:
        """Set by the file-system image that imports through this interface."""
        return self._in_use

    @in_use.setter
    def in_use(self, value: bool) -> None:
        self._in_use = bool(value)

    def _state(self) -> MediaState:
        return media_state(self._recorder.drive)


class MultisessionSequential(_Multisession):
    """Appending sessions to sequentially recorded media (IMultisessionSequential(2))."""

    @property
    def is_supported_on_current_media_state(self) -> bool:
        state = self._state()
        return state.sequential and state.disc_status in (0, 1) and state.nwa is not None

    @property
    def is_first_data_session(self) -> bool:
        """True when no earlier session holds data (the next session will be the first)."""
        state = self._state()
        return previous_session(self._recorder.drive, state) is None

    def _previous(self) -> tuple[int, int] | None:
        state = self._state()
        if not state.sequential:
            raise errors.E_IMAPI_DF2DATA_INVALID_MEDIA_STATE("the medium is not recorded in sessions")
        return previous_session(self._recorder.drive, state)

    @property
    def start_address_of_previous_session(self) -> int:
        """-1 when no session holds data yet.

        Raises:
            E_IMAPI_DF2DATA_INVALID_MEDIA_STATE: the medium is not sequentially recorded.
        """
        prev = self._previous()
        return -1 if prev is None else prev[0]

    @property
    def last_written_address_of_previous_session(self) -> int:
        """-1 when no session holds data yet.

        Raises:
            E_IMAPI_DF2DATA_INVALID_MEDIA_STATE: the medium is not sequentially recorded.
        """
        prev = self._previous()
        return -1 if prev is None else prev[1]

    @property
    def next_writable_address(self) -> int:
        """Raises: E_IMAPI_DF2DATA_INVALID_MEDIA_STATE when the medium takes no more data."""
        state = self._state()
        if state.nwa is None:
            raise errors.E_IMAPI_DF2DATA_INVALID_MEDIA_STATE("the medium takes no more sessions")
        return state.nwa

    @property
    def free_sectors_on_media(self) -> int:
        return self._state().free

    @property
    def write_unit_size(self) -> int:
        """Sectors per write unit (IMultisessionSequential2): 1 CD, 16 DVD, 32 BD."""
        return write_unit(self._state().profile)


class MultisessionRandomWrite(_Multisession):
    """Rewriting overwritable media as a whole (IMultisessionRandomWrite)."""

    @property
    def is_supported_on_current_media_state(self) -> bool:
        return self._state().overwrite

    @property
    def write_unit_size(self) -> int:
        return write_unit(self._state().profile)

    @property
    def total_sectors_on_media(self) -> int:
        return self._state().total

    @property
    def last_written_address(self) -> int:
        """The highest LBA written so far.

        Raises:
            E_NOTIMPL: the drive does not report it (as documented).
        """
        drive = self._recorder.drive
        try:
            track = drive.track_info(1)
        except errors.ImapiError as exc:
            raise errors.E_NOTIMPL(f"the drive does not report the last written address: {exc}") from exc
        if not track.lra_valid:
            raise errors.E_NOTIMPL("the drive does not report the last written address")
        return track.last_recorded
