"""IDiscMasterProgressEvents: the sink an IMAPI v1 client gives to DiscMaster.progress_advise.

Subclass :class:`DiscMasterProgressEvents` and override what you need; every callback has a
do-nothing default and ``query_cancel`` answers False. Any object with some of these methods
works too: missing ones are skipped.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

__all__ = ["DiscMasterProgressEvents", "Sinks"]


class DiscMasterProgressEvents:
    """The v1 progress sink (IDiscMasterProgressEvents). IMAPI polls ``query_cancel`` during
    staging and burning; True cancels (the call then raises IMAPI_E_USERABORT)."""

    def query_cancel(self) -> bool:
        """Answer True to cancel the running AddData or RecordDisc."""
        return False

    def notify_pnp_activity(self) -> None:
        """The set of usable recorders changed (a format switch, a drive added or removed)."""

    def notify_add_progress(self, completed_steps: int, total_steps: int) -> None:
        """Staging progress of AddData / AddAudioTrackBlocks."""

    def notify_block_progress(self, completed: int, total: int) -> None:
        """Burn progress: blocks written of the total."""

    def notify_track_progress(self, current_track: int, total_tracks: int) -> None:
        """Audio burn: track ``current_track`` of ``total_tracks`` started (or all done)."""

    def notify_preparing_burn(self, estimated_seconds: int) -> None:
        """RecordDisc is preparing the recorder and the medium."""

    def notify_closing_disc(self, estimated_seconds: int) -> None:
        """RecordDisc is closing the session/disc."""

    def notify_burn_complete(self, status: int) -> None:
        """RecordDisc finished with the HRESULT ``status`` (0 = S_OK)."""

    def notify_erase_complete(self, status: int) -> None:
        """DiscRecorder.erase finished with the HRESULT ``status``."""


class Sinks:
    """The advised sinks of one DiscMaster, by cookie."""

    def __init__(self) -> None:
        self._sinks: dict[int, Any] = {}
        self._cookies = itertools.count(1)
        self._lock = threading.Lock()

    def advise(self, sink: Any) -> int:
        with self._lock:
            cookie = next(self._cookies)
            self._sinks[cookie] = sink
            return cookie

    def unadvise(self, cookie: int) -> bool:
        """Drop a sink; False when the cookie is unknown."""
        with self._lock:
            return self._sinks.pop(cookie, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._sinks.clear()

    def fire(self, name: str, *args: int) -> None:
        """Call ``name(*args)`` on every sink that has it."""
        with self._lock:
            sinks = list(self._sinks.values())
        for sink in sinks:
            method = getattr(sink, name, None)
            if callable(method):
                method(*args)

    def cancel_requested(self) -> bool:
        """Poll query_cancel of every sink; True when one of them asks to cancel."""
        with self._lock:
            sinks = list(self._sinks.values())
        answer = False
        for sink in sinks:
            method = getattr(sink, "query_cancel", None)
            if callable(method) and method():
                answer = True
        return answer
