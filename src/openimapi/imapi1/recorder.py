"""DiscRecorder (IDiscRecorder) and EnumDiscRecorders: an IMAPI v1 recorder on top of
openimapi.imapi2.DiscRecorder2.

v1 was CD-only: recorder types are RECORDER_CDR / RECORDER_CDRW, only drives that record
CD-R are enumerated, and other media report MEDIA_SPECIAL with MEDIA_FORMAT_UNUSABLE_BY_IMAPI.
Media calls, eject, erase and close need ``open_exclusive`` first (IMAPI_E_NOTOPENED).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openimapi import errors
from openimapi.enums import DISC_RECORDER_STATE_FLAGS as RS
from openimapi.enums import MEDIA_FLAGS, MEDIA_TYPES, RECORDER_TYPES
from openimapi.errors import SuccessCode
from openimapi.imapi1._enum import ListEnum
from openimapi.imapi1._errors import to_v1
from openimapi.imapi1.properties import PropertyStorage, outcome
from openimapi.imapi2 import DiscFormat2Erase, DiscRecorder2
from openimapi.imapi2._drive import CD_PROFILES, Drive
from openimapi.imapi2.media import media_state
from openimapi.imapi2.multisession import previous_session

if TYPE_CHECKING:
    from openimapi.imapi1.events import Sinks

__all__ = ["DiscRecorder", "DisplayNames", "EnumDiscRecorders", "MediaInfo", "MediaType", "RecorderGuid"]

CLIENT = "IMAPI v1"
CD_1X_KBPS = 176  # kB/s of 1x CD (176.4)
WRITABLE_CD = frozenset({0x09, 0x0A})


@dataclass(frozen=True, slots=True)
class RecorderGuid:
    """GetRecorderGUID: the id bytes (cut to the buffer size), the size needed, and S_OK or
    IMAPI_S_BUFFER_TO_SMALL."""

    data: bytes
    required_size: int
    hresult: SuccessCode


@dataclass(frozen=True, slots=True)
class DisplayNames:
    """GetDisplayNames: the INQUIRY vendor, product and revision strings."""

    vendor_id: str
    product_id: str
    revision: str


@dataclass(frozen=True, slots=True)
class MediaType:
    """QueryMediaType: MEDIA_TYPES and MEDIA_FLAGS of the disc (both 0 without a disc)."""

    media_type: MEDIA_TYPES | int
    media_flags: MEDIA_FLAGS


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """QueryMediaInfo: closed sessions, last track, start of the last session, next writable
    address and free blocks."""

    sessions: int
    last_track: int
    start_address: int
    next_writable: int
    free_blocks: int


#: Recorder properties: name -> (default, read-only). MaxWriteSpeed and the capability are
#: read from the drive; the others are the caller's choices, applied by RecordDisc.
_PROPERTY_NAMES = ("WriteSpeed", "MaxWriteSpeed", "AudioGapSize", "BufferUnderrunFreeCapable",
                   "EnableBufferUnderrunFree")
_READ_ONLY = frozenset({"MaxWriteSpeed", "BufferUnderrunFreeCapable"})


def _device(exc: errors.ImapiError) -> errors.ImapiError:
    """The v1 error for a device failure outside a recording."""
    return to_v1(exc)


class DiscRecorder:
    """One CD recorder (IDiscRecorder). Get it from DiscMaster.enum_disc_recorders, or create
    it and call :meth:`init` with a unique id (a transport address such as ``virtual:cd1``)."""

    def __init__(self) -> None:
        self._v2: DiscRecorder2 | None = None
        self._address = ""
        self._drive_number = 0
        self._opened = False
        self._burning = False
        self._sinks: Sinks | None = None
        self._write_speed: int | None = None  # None: the fastest
        self._audio_gap = 150
        self._bufe: bool | None = None  # None: on when the drive can

    # -- binding -------------------------------------------------------------------------------
    def init(self, unique_id: bytes | str, drive_number: int = 0) -> None:
        """Bind this object to the recorder with ``unique_id`` (what get_recorder_guid returns).

        Raises:
            IMAPI_E_DEVICE_NOTPRESENT: no such recorder (or it cannot be opened).
            IMAPI_E_DEVICE_INVALIDTYPE: the device records no CD, or (MMC-1) cannot list its
                profiles and features with GET CONFIGURATION.
            E_FAIL: the object is bound already.
        """
        if self._v2 is not None:
            raise errors.E_FAIL("this recorder object is initialised already")
        address = unique_id.decode("utf-8") if isinstance(unique_id, (bytes, bytearray)) else str(unique_id)
        try:
            v2 = DiscRecorder2(address)
        except errors.E_INVALIDARG as exc:
            raise errors.IMAPI_E_DEVICE_NOTPRESENT(str(exc)) from exc
        except errors.ImapiError as exc:
            v1 = _device(exc)
            if isinstance(v1, errors.IMAPI_E_DEVICE_NOTACCESSIBLE):
                raise v1 from exc
            raise errors.IMAPI_E_DEVICE_NOTPRESENT(str(exc)) from exc
        try:
            cd_writer = writes_cd(v2)
        except errors.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED as exc:
            v2.close()  # an MMC-1 drive: its profiles and write features cannot be asked
            raise errors.IMAPI_E_DEVICE_INVALIDTYPE(f"{address} does not answer GET CONFIGURATION") from exc
        except errors.ImapiError as exc:
            v2.close()
            raise _device(exc) from exc
        if not cd_writer:
            v2.close()
            raise errors.IMAPI_E_DEVICE_INVALIDTYPE(f"{address} does not record CD-R")
        self._v2 = v2
        self._address = address
        self._drive_number = int(drive_number)

    @property
    def recorder2(self) -> DiscRecorder2:
        """The IMAPI2 recorder underneath (the v2 core that does the work).

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        if self._v2 is None:
            raise errors.IMAPI_E_NOTINITIALIZED("call init first")
        return self._v2

    def _drive(self) -> Drive:
        return self.recorder2.drive

    def _require_opened(self) -> Drive:
        drive = self._drive()
        if not self._opened:
            raise errors.IMAPI_E_NOTOPENED("call open_exclusive first")
        return drive

    def __repr__(self) -> str:
        return f"DiscRecorder({self._address!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DiscRecorder) and bool(self._address) and other._address == self._address

    def __hash__(self) -> int:
        return hash(self._address)

    # -- identity ------------------------------------------------------------------------------
    def get_recorder_guid(self, buffer_size: int | None = None) -> RecorderGuid:
        """The recorder's unique id bytes (UTF-8 of its address), cut to ``buffer_size``.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        data = self.recorder2.active_disc_recorder.encode("utf-8")
        if buffer_size is not None and buffer_size < len(data):
            return RecorderGuid(data[: max(0, buffer_size)], len(data), SuccessCode.IMAPI_S_BUFFER_TO_SMALL)
        return RecorderGuid(data, len(data), SuccessCode.S_OK)

    def get_recorder_type(self) -> RECORDER_TYPES:
        """RECORDER_CDRW when the drive records CD-RW, else RECORDER_CDR.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        try:
            return recorder_type(self.recorder2)
        except errors.ImapiError as exc:
            raise _device(exc) from exc

    def get_display_names(self) -> DisplayNames:
        """Vendor, product and revision (INQUIRY).

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        try:
            ident = self._drive().inquiry()
        except errors.ImapiError as exc:
            raise _device(exc) from exc
        return DisplayNames(ident.vendor_id, ident.product_id, ident.product_revision)

    def get_base_pnp_id(self) -> str:
        """A PnP-style id of the model: ``CdRom`` + vendor + ``_`` + product, spaces as ``_``.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        names = self.get_display_names()
        return "CdRom" + f"{names.vendor_id}_{names.product_id}".replace(" ", "_")

    def get_path(self) -> str:
        """The device path (``/dev/srN``), or the unique id for drives without one.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        return self.recorder2.volume_name

    # -- properties ----------------------------------------------------------------------------
    def _capabilities(self) -> tuple[int, bool]:
        drive = self._drive()
        try:
            speeds = [d.write_speed for d in drive.write_speeds() if d.write_speed]
        except errors.ImapiError:
            speeds = []
        max_speed = max(speeds) // CD_1X_KBPS if speeds else 0
        feature = drive.feature(0x002D) or drive.feature(0x002E)
        bufe = bool(feature is not None and feature.data and feature.data[0] & 0x40)
        return max_speed, bufe

    def get_recorder_properties(self) -> PropertyStorage:
        """A snapshot of WriteSpeed, MaxWriteSpeed (multiples of 1x CD, 176.4 kB/s),
        AudioGapSize (blocks of pause before each audio track after the first, default 150),
        BufferUnderrunFreeCapable and EnableBufferUnderrunFree. MaxWriteSpeed is that of the
        disc in the drive (0 without one); WriteSpeed defaults to it.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        try:
            max_speed, capable = self._capabilities()
        except errors.ImapiError as exc:
            raise _device(exc) from exc
        speed = max_speed if self._write_speed is None else min(self._write_speed, max_speed or self._write_speed)
        values = {
            "WriteSpeed": speed,
            "MaxWriteSpeed": max_speed,
            "AudioGapSize": self._audio_gap,
            "BufferUnderrunFreeCapable": capable,
            "EnableBufferUnderrunFree": capable if self._bufe is None else self._bufe and capable,
        }
        return PropertyStorage(values, _READ_ONLY)

    def set_recorder_properties(self, storage: PropertyStorage | dict[str, Any]) -> SuccessCode:
        """Apply the changed writable values of ``storage`` (from get_recorder_properties).

        Returns S_OK, or IMAPI_S_PROPERTIESIGNORED when unknown or read-only names were skipped.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            E_POINTER: ``storage`` is None.
            E_INVALIDARG: a value of the wrong type or out of range.
        """
        if storage is None:
            raise errors.E_POINTER("no property storage given")
        current = self.get_recorder_properties()
        given = storage if isinstance(storage, PropertyStorage) else PropertyStorage(storage)
        changed, ignored = given.changes(current)
        updates: dict[str, Any] = {}
        for name, value in changed.items():
            if name in ("WriteSpeed", "AudioGapSize"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise errors.E_INVALIDARG(f"{name} takes a non-negative integer, not {value!r}")
                if name == "AudioGapSize" and value > 0xFFFF:
                    raise errors.E_INVALIDARG(f"AudioGapSize {value} is more than 65535 blocks")
            elif not isinstance(value, (bool, int)):
                raise errors.E_INVALIDARG(f"{name} takes a boolean, not {value!r}")
            updates[name] = value
        if "WriteSpeed" in updates:
            self._write_speed = updates["WriteSpeed"] or None
        if "AudioGapSize" in updates:
            self._audio_gap = updates["AudioGapSize"]
        if "EnableBufferUnderrunFree" in updates:
            self._bufe = bool(updates["EnableBufferUnderrunFree"])
        return outcome(ignored)

    @property
    def audio_gap_size(self) -> int:
        """AudioGapSize as set (blocks)."""
        return self._audio_gap

    def requested_write_speed(self) -> int | None:
        """WriteSpeed as set (multiple of 1x), None for the fastest."""
        return self._write_speed

    def buffer_underrun_free(self) -> bool:
        """EnableBufferUnderrunFree as it applies to the next burn."""
        return self._bufe is not False

    # -- state and exclusive use ---------------------------------------------------------------------
    def get_recorder_state(self) -> int:
        """RECORDER_DOING_NOTHING, or the RECORDER_OPENED / RECORDER_BURNING bits.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
        """
        self.recorder2  # noqa: B018 - raises IMAPI_E_NOTINITIALIZED
        state = RS.RECORDER_DOING_NOTHING.value
        if self._opened:
            state |= RS.RECORDER_OPENED.value
        if self._burning:
            state |= RS.RECORDER_BURNING.value
        return state

    @property
    def opened(self) -> bool:
        """True between open_exclusive and close."""
        return self._opened

    def open_exclusive(self) -> None:
        """Take the recorder for exclusive use (other clients get IMAPI_E_DEVICE_NOTACCESSIBLE).

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_DEVICE_NOTACCESSIBLE: opened already, or another client holds the recorder.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        v2 = self.recorder2
        if self._opened:
            raise errors.IMAPI_E_DEVICE_NOTACCESSIBLE("this recorder object is opened already")
        try:
            v2.drive.inquiry()
            v2.exclusive.acquire(CLIENT)
        except errors.ImapiError as exc:
            raise _device(exc) from exc
        self._opened = True

    def close(self) -> None:
        """Give up exclusive use taken with open_exclusive.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_NOTOPENED: open_exclusive was not called.
        """
        v2 = self.recorder2
        if not self._opened:
            raise errors.IMAPI_E_NOTOPENED("the recorder is not opened")
        self._opened = False
        try:
            v2.exclusive.release()
        except errors.ImapiError as exc:
            raise _device(exc) from exc

    # -- media ---------------------------------------------------------------------------------------
    def query_media_type(self) -> MediaType:
        """MEDIA_TYPES and MEDIA_FLAGS of the disc; both 0 without a disc. Media other than CD
        answer MEDIA_SPECIAL with MEDIA_FORMAT_UNUSABLE_BY_IMAPI (v1 records CD only).

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_NOTOPENED: open_exclusive was not called.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        drive = self._require_opened()
        try:
            return media_type(drive)
        except errors.ImapiError as exc:
            raise _device(exc) from exc

    def query_media_info(self) -> MediaInfo:
        """Sessions, last track, start address, next writable address and free blocks.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_NOTOPENED: open_exclusive was not called.
            IMAPI_E_MEDIUM_NOTPRESENT: no disc.
            IMAPI_E_MEDIUM_INVALIDTYPE: not a CD.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        drive = self._require_opened()
        try:
            state = media_state(drive)
            if state.profile not in CD_PROFILES:
                raise errors.IMAPI_E_MEDIUM_INVALIDTYPE(f"profile {state.profile:#06x} is not a CD")
            prev = previous_session(drive, state) if state.sequential else None
            if state.blank:
                sessions = last_track = 0
            elif state.disc_status == 1 and state.last_session_state == 0:
                sessions, last_track = state.sessions - 1, state.first_track_last_session - 1
            else:
                sessions, last_track = state.sessions, state.last_track_last_session
            return MediaInfo(sessions, last_track, prev[0] if prev else 0, state.nwa or 0, state.free)
        except errors.IMAPI_E_MEDIUM_INVALIDTYPE:
            raise
        except errors.ImapiError as exc:
            raise _device(exc) from exc

    def eject(self) -> None:
        """Unlock and eject the tray.

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_NOTOPENED: open_exclusive was not called.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
        """
        self._require_opened()
        try:
            self.recorder2.eject_media()
        except errors.ImapiError as exc:
            raise _device(exc) from exc

    def erase(self, full_erase: bool = False) -> None:
        """Blank the CD-RW (full, or quick: the TOC area only); notifies the advised sinks of
        the master with notify_erase_complete(hresult).

        Raises:
            IMAPI_E_NOTINITIALIZED: init was not called.
            IMAPI_E_NOTOPENED: open_exclusive was not called.
            IMAPI_E_MEDIUM_NOTPRESENT: no disc.
            IMAPI_E_MEDIUM_INVALIDTYPE: not a CD-RW.
            IMAPI_E_DEVICE_INVALIDTYPE: the recorder cannot erase.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder is gone.
            IMAPI_E_GENERIC: the drive failed while erasing.
        """
        drive = self._require_opened()
        status = 0
        try:
            try:
                drive.require_medium()
                if drive.current_profile() != 0x0A:
                    raise errors.IMAPI_E_MEDIUM_INVALIDTYPE("only CD-RW can be erased")
                eraser = DiscFormat2Erase()
                eraser.recorder = self.recorder2
                eraser.client_name = CLIENT
                eraser.full_erase = bool(full_erase)
                eraser.erase_media()
            except errors.E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED as exc:
                raise errors.IMAPI_E_DEVICE_INVALIDTYPE(str(exc)) from exc
            except (errors.E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED, errors.E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE) as exc:
                raise errors.IMAPI_E_MEDIUM_INVALIDTYPE(str(exc)) from exc
            except errors.ImapiError as exc:
                v1 = to_v1(exc)
                if v1 is exc:
                    raise
                raise v1 from exc
        except errors.ImapiError as exc:
            status = exc.hresult
            raise
        finally:
            if self._sinks is not None:
                self._sinks.fire("notify_erase_complete", status)




def writes_cd(recorder: DiscRecorder2) -> bool:
    """True when the drive lists CD-R among its profiles and has a CD write feature."""
    drive = recorder.drive
    features = {f.code for f in drive.configuration(rt=0)[1]}
    return 0x09 in recorder.supported_profiles and bool(features & {0x002D, 0x002E})


def recorder_type(recorder: DiscRecorder2) -> RECORDER_TYPES:
    drive = recorder.drive
    feature = drive.feature(0x002D) or drive.feature(0x002E)
    cd_rw = bool(feature is not None and feature.data and feature.data[0] & 0x02)
    if cd_rw or (0x0A in recorder.supported_profiles and feature is None):
        return RECORDER_TYPES.RECORDER_CDRW
    return RECORDER_TYPES.RECORDER_CDR


def media_type(drive: Drive) -> MediaType:
    """MEDIA_TYPES / MEDIA_FLAGS of the disc in ``drive`` (0, 0 without one)."""
    try:
        drive.require_medium()
    except errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA:
        return MediaType(0, MEDIA_FLAGS(0))
    state = media_state(drive)
    if state.profile not in CD_PROFILES:
        return MediaType(MEDIA_TYPES.MEDIA_SPECIAL, MEDIA_FLAGS.MEDIA_FORMAT_UNUSABLE_BY_IMAPI)
    flags = MEDIA_FLAGS(0)
    if state.blank:
        flags |= MEDIA_FLAGS.MEDIA_BLANK
    if state.profile == 0x0A:
        flags |= MEDIA_FLAGS.MEDIA_RW
    if state.profile in WRITABLE_CD and state.nwa is not None and not state.write_protect:
        flags |= MEDIA_FLAGS.MEDIA_WRITABLE
    info = drive.disc_info()
    disc_type = info.raw[8] if len(info.raw) > 8 else 0
    kinds = {0x10: MEDIA_TYPES.MEDIA_CD_I, 0x20: MEDIA_TYPES.MEDIA_CD_ROM_XA}
    kind = kinds.get(disc_type, MEDIA_TYPES.MEDIA_CDDA_CDROM)
    if not state.blank and kind == MEDIA_TYPES.MEDIA_CDDA_CDROM and _audio_then_data(drive, state):
        kind = MEDIA_TYPES.MEDIA_CD_EXTRA
    return MediaType(kind, flags)


def _audio_then_data(drive: Drive, state: Any) -> bool:
    """CD Extra (Blue Book): audio tracks in the first session, data in a later one."""
    last = state.last_track_last_session
    if state.nwa is not None and state.disc_status == 1:
        last = state.invisible_track - 1
    if last < 2:
        return False
    first, final = drive.track_info(1), drive.track_info(last)
    return not first.track_mode & 0x04 and bool(final.track_mode & 0x04) and final.session > first.session


class EnumDiscRecorders(ListEnum[DiscRecorder]):
    """The CD recorders usable with the active format (IEnumDiscRecorders)."""
