"""DiscMaster (IDiscMaster) and EnumDiscMasterFormats: the IMAPI v1 entry point.

The documented order is enforced: ``open`` before anything (IMAPI_E_NOTOPENED; a second open
anywhere under the same OPENIMAPI_HOME fails with IMAPI_E_ALREADYOPEN, as the v1 service
served one application at a time), a format chosen with ``set_active_disc_master_format``
before recorders are listed or chosen (IMAPI_E_NOACTIVEFORMAT), a recorder chosen with the
disc inserted before staging (IMAPI_E_NOACTIVERECORDER), and the recorder closed by the
application before ``record_disc`` (IMAPI_E_DEVICE_STILL_IN_USE). Recording runs on the IMAPI2
writers (DiscFormat2Data for Joliet, DiscFormat2TrackAtOnce for Redbook): no second engine.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from pathlib import Path
from typing import IO, Any

from openimapi import errors
from openimapi.imapi1._enum import ListEnum
from openimapi.imapi1._errors import to_v1
from openimapi.imapi1.events import Sinks
from openimapi.imapi1.recorder import DiscRecorder, EnumDiscRecorders
from openimapi.imapi2._drive import CD_PROFILES
from openimapi.imapi2.media import MediaState, media_state
from openimapi.imapi2.recorder import discover

__all__ = [
    "IID_IJolietDiscMaster",
    "IID_IRedbookDiscMaster",
    "DiscMaster",
    "EnumDiscMasterFormats",
]

IID_IJolietDiscMaster = uuid.UUID("E3BC42CE-4E5C-11D3-9144-00104BA11C5E")
IID_IRedbookDiscMaster = uuid.UUID("E3BC42CD-4E5C-11D3-9144-00104BA11C5E")
FORMATS = (IID_IJolietDiscMaster, IID_IRedbookDiscMaster)
_PASSED_ON = (errors.IMAPI_E_MEDIUM_NOTPRESENT, errors.IMAPI_E_DEVICE_NOTPRESENT, errors.IMAPI_E_DEVICE_NOTACCESSIBLE)


def _home() -> Path:
    env = os.environ.get("OPENIMAPI_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(xdg) / "openimapi"


class EnumDiscMasterFormats(ListEnum[uuid.UUID]):
    """The format IIDs the disc master supports (IEnumDiscMasterFormats)."""


class DiscMaster:
    """The IMAPI v1 disc master (MSDiscMasterObj, IDiscMaster). See the module docstring for
    the order of calls; ``record_disc`` burns what the active format staged."""

    def __init__(self) -> None:
        self._lock: IO[bytes] | None = None
        self._format: Any = None
        self._recorder: DiscRecorder | None = None
        self._disc: tuple[int, int, int | None, int] | None = None
        self._sinks = Sinks()

    # -- session ---------------------------------------------------------------------------------
    def open(self) -> None:
        """Start using IMAPI v1 (one open disc master at a time).

        Raises:
            IMAPI_E_ALREADYOPEN: this or another disc master is open.
        """
        if self._lock is not None:
            raise errors.IMAPI_E_ALREADYOPEN("this disc master is open already")
        home = _home()
        home.mkdir(parents=True, exist_ok=True)
        f = open(home / "imapi1.lock", "ab")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            raise errors.IMAPI_E_ALREADYOPEN("another disc master is open") from None
        self._lock = f

    def close(self) -> None:
        """End the session: the staged content is discarded, the sinks are dropped and other
        applications may open a disc master. Closing a closed master does nothing."""
        if self._lock is None:
            return
        if self._format is not None:
            self._format._discard()
        self._format = None
        self._recorder = None
        self._disc = None
        self._sinks.clear()
        fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
        self._lock.close()
        self._lock = None

    def __enter__(self) -> DiscMaster:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def _check_open(self) -> None:
        if self._lock is None:
            raise errors.IMAPI_E_NOTOPENED("call open first")

    def _check_format(self) -> Any:
        self._check_open()
        if self._format is None:
            raise errors.IMAPI_E_NOACTIVEFORMAT("call set_active_disc_master_format first")
        return self._format

    @property
    def sinks(self) -> Sinks:
        """The advised progress sinks (used by the format objects)."""
        return self._sinks

    # -- formats ---------------------------------------------------------------------------------
    def enum_disc_master_formats(self) -> EnumDiscMasterFormats:
        """IID_IJolietDiscMaster and IID_IRedbookDiscMaster.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
        """
        self._check_open()
        return EnumDiscMasterFormats(FORMATS)

    def get_active_disc_master_format(self) -> uuid.UUID:
        """The IID of the active format.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            IMAPI_E_NOACTIVEFORMAT: no format was chosen.
        """
        return uuid.UUID(str(self._check_format().IID))

    def set_active_disc_master_format(self, riid: uuid.UUID | str) -> Any:
        """Choose Joliet (data) or Redbook (audio) and return its object (a JolietDiscMaster or
        RedbookDiscMaster). The staged content is discarded; an active recorder that cannot
        record the new format is dropped and the sinks get notify_pnp_activity.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            E_NOINTERFACE: not one of the two format IIDs.
        """
        self._check_open()
        try:
            iid = riid if isinstance(riid, uuid.UUID) else uuid.UUID(str(riid))
        except ValueError:
            raise errors.E_NOINTERFACE(f"{riid!r} is not an IID") from None
        if iid not in FORMATS:
            raise errors.E_NOINTERFACE(f"{iid} is not a disc master format")
        from openimapi.imapi1.joliet import JolietDiscMaster
        from openimapi.imapi1.redbook import RedbookDiscMaster

        if self._format is not None:
            self._format._discard()
        cls = JolietDiscMaster if iid == IID_IJolietDiscMaster else RedbookDiscMaster
        previous = self._format
        self._format = cls(self)
        if self._recorder is not None:
            if not self._format.can_record(self._recorder):
                self._recorder = None
                self._disc = None
                self._sinks.fire("notify_pnp_activity")
            else:
                self._format._recorder_set(self._recorder, self._media())
        elif previous is not None and type(previous) is not cls:
            self._sinks.fire("notify_pnp_activity")
        return self._format

    # -- recorders ------------------------------------------------------------------------------
    def enum_disc_recorders(self) -> EnumDiscRecorders:
        """The CD recorders that can record the active format.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            IMAPI_E_NOACTIVEFORMAT: no format was chosen.
        """
        fmt = self._check_format()
        found: list[DiscRecorder] = []
        for address in discover():
            recorder = DiscRecorder()
            try:
                recorder.init(address)
            except errors.ImapiError:
                continue
            if fmt.can_record(recorder):
                recorder._sinks = self._sinks
                found.append(recorder)
        return EnumDiscRecorders(found)

    def get_active_disc_recorder(self) -> DiscRecorder:
        """The recorder record_disc will use.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            IMAPI_E_NOACTIVEFORMAT: no format was chosen.
            IMAPI_E_NOACTIVERECORDER: no recorder was chosen.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder has gone.
        """
        self._check_format()
        if self._recorder is None:
            raise errors.IMAPI_E_NOACTIVERECORDER("call set_active_disc_recorder first")
        try:
            self._recorder.recorder2.drive.inquiry()
        except errors.ImapiError as exc:
            raise errors.IMAPI_E_DEVICE_NOTPRESENT(str(exc)) from exc
        return self._recorder

    def set_active_disc_recorder(self, recorder: DiscRecorder) -> None:
        """Choose the recorder (with the disc to record inserted). With Joliet and a disc that
        has a data session and room for another, staging switches to multisession: the
        previous session's files are imported and the new session follows them.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            IMAPI_E_NOACTIVEFORMAT: no format was chosen.
            E_INVALIDARG: not a DiscRecorder, or one the active format cannot use.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder has gone.
            IMAPI_E_MEDIUM_NOTPRESENT: no disc in the recorder.
            IMAPI_E_MEDIUM_INVALIDTYPE: the disc is not a CD-R/RW.
            IMAPI_E_DISCFULL: the disc takes no more data.
            IMAPI_E_DISCINFO: the disc information cannot be read.
        """
        fmt = self._check_format()
        if not isinstance(recorder, DiscRecorder):
            raise errors.E_INVALIDARG(f"a {type(recorder).__name__} is not a DiscRecorder")
        try:
            recorder.recorder2.drive.inquiry()
        except errors.ImapiError as exc:
            raise errors.IMAPI_E_DEVICE_NOTPRESENT(str(exc)) from exc
        if not fmt.can_record(recorder):
            raise errors.E_INVALIDARG(f"{recorder!r} cannot record this format")
        recorder._sinks = self._sinks
        self._recorder = recorder
        self._disc = None
        try:
            state = self._media()
        except BaseException:
            self._recorder = None
            raise
        fmt._recorder_set(recorder, state)

    def _media(self) -> MediaState:
        """The disc in the active recorder, checked for v1 (a writable CD); remembered so that
        record_disc can tell whether it was swapped."""
        recorder = self._recorder
        assert recorder is not None
        drive = recorder.recorder2.drive
        try:
            drive.require_medium()
            state = media_state(drive)
        except errors.ImapiError as exc:
            v1 = to_v1(exc)
            if isinstance(v1, _PASSED_ON):
                raise v1 from exc
            raise errors.IMAPI_E_DISCINFO(str(exc)) from exc
        if state.profile not in CD_PROFILES or state.profile == 0x08:
            raise errors.IMAPI_E_MEDIUM_INVALIDTYPE(f"profile {state.profile:#06x} is not a CD-R/RW")
        if state.nwa is None or not state.free:
            raise errors.IMAPI_E_DISCFULL("the disc takes no more data")
        self._disc = (state.profile, state.disc_status, state.nwa, state.sessions)
        return state

    def _after_burn(self, fmt: Any, recorder: DiscRecorder, *, discard: bool) -> None:
        """The disc changed (a failed burn may have closed a session too): discard what was
        recorded, and stage the next session against the disc as it is now."""
        if discard:
            fmt._discard()
        self._disc = None
        try:
            fmt._recorder_set(recorder, self._media())
        except errors.ImapiError:
            pass  # a finalized or full disc, or a gone drive: record_disc will say so

    def clear_format_content(self) -> None:
        """Discard the staged content of the active format (nothing when none is active).

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
        """
        self._check_open()
        if self._format is not None:
            self._format._discard()
            if self._recorder is not None and self._disc is not None:
                self._format._recorder_set(self._recorder, self._media())

    # -- progress --------------------------------------------------------------------------------
    def progress_advise(self, events: Any) -> int:
        """Register an IDiscMasterProgressEvents sink; returns its cookie.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            E_POINTER: ``events`` is None.
        """
        self._check_open()
        if events is None:
            raise errors.E_POINTER("no sink given")
        return self._sinks.advise(events)

    def progress_unadvise(self, cookie: int) -> None:
        """Drop the sink registered under ``cookie``.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            E_INVALIDARG: no sink has that cookie.
        """
        self._check_open()
        if not self._sinks.unadvise(cookie):
            raise errors.E_INVALIDARG(f"no sink has cookie {cookie!r}")

    # -- burning ---------------------------------------------------------------------------------
    def record_disc(self, simulate: bool = False, eject_after_burn: bool = False) -> None:
        """Burn the staged content on the active recorder; blocks. With ``simulate`` the drive
        runs in test-write mode: every step and progress event happens, nothing is recorded
        and the staged content is kept. After a real burn the staged content is discarded.

        Sinks get notify_preparing_burn, notify_block_progress (and notify_track_progress for
        audio), notify_closing_disc and notify_burn_complete(hresult); a sink answering True
        to query_cancel stops the burn.

        Raises:
            IMAPI_E_NOTOPENED: open was not called.
            IMAPI_E_NOACTIVEFORMAT: no format was chosen.
            IMAPI_E_NOACTIVERECORDER: no recorder was chosen.
            IMAPI_E_DEVICE_STILL_IN_USE: the application still holds the recorder open.
            IMAPI_E_TRACKOPEN: an audio track is still open.
            IMAPI_E_INVALIDIMAGE: nothing to record (no audio track).
            IMAPI_E_MEDIUM_NOTPRESENT: no disc.
            IMAPI_E_MEDIUM_INVALIDTYPE: not a CD-R/RW.
            IMAPI_E_WRONGDISC: the disc is not the one inserted when the recorder was chosen.
            IMAPI_E_DEVICE_NOTACCESSIBLE: another client holds the recorder.
            IMAPI_E_DEVICE_NOTPRESENT: the recorder has gone.
            IMAPI_E_USERABORT: a sink cancelled.
            IMAPI_E_DISCFULL, IMAPI_E_CANNOT_WRITE_TO_MEDIA, IMAPI_E_LOSS_OF_STREAMING,
            IMAPI_E_INITIALIZE_WRITE, IMAPI_E_INITIALIZE_ENDWRITE, IMAPI_E_FILESYSTEM,
            IMAPI_E_GENERIC: the burn failed (the IMAPI2 error is the ``__cause__``).
        """
        fmt = self._check_format()
        recorder = self._recorder
        if recorder is None:
            raise errors.IMAPI_E_NOACTIVERECORDER("call set_active_disc_recorder first")
        if recorder.opened:
            raise errors.IMAPI_E_DEVICE_STILL_IN_USE("close the recorder (DiscRecorder.close) before burning")
        fmt._check_recordable()
        expected = self._disc
        state = self._media()
        if expected is not None and self._disc != expected:
            self._disc = expected
            raise errors.IMAPI_E_WRONGDISC("the disc was changed since the recorder was chosen")
        status = 0
        recorder._burning = True
        try:
            fmt._record(recorder, state, bool(simulate))
        except BaseException as exc:
            v1 = to_v1(exc) if isinstance(exc, (errors.ImapiError, OSError)) else None
            status = v1.hresult if v1 is not None else errors.IMAPI_E_GENERIC.hresult
            if v1 is not None and v1 is not exc:
                raise v1 from exc
            raise
        finally:
            recorder._burning = False
            if not simulate:
                self._after_burn(fmt, recorder, discard=status == 0)
            self._sinks.fire("notify_burn_complete", status)
        if eject_after_burn:
            try:
                recorder.recorder2.eject_media()
            except errors.ImapiError as exc:
                raise to_v1(exc) from exc

