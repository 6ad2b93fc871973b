"""What JolietDiscMaster and RedbookDiscMaster share: the tie to their DiscMaster, the v1
state checks, progress/cancel plumbing from the IMAPI2 writers to the v1 sinks."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, ClassVar

from openimapi import errors
from openimapi.imapi2.media import MediaState

if TYPE_CHECKING:
    from openimapi.imapi1.master import DiscMaster
    from openimapi.imapi1.recorder import DiscRecorder

__all__ = ["Burn", "FormatBase"]


class FormatBase:
    """A format object handed out by DiscMaster.set_active_disc_master_format. It works while
    it is the master's active format (else IMAPI_E_WRONGFORMAT) and the master is open
    (else IMAPI_E_NOTOPENED)."""

    IID: ClassVar[uuid.UUID]

    def __init__(self, master: DiscMaster) -> None:
        self._master = master
        self._recorder: DiscRecorder | None = None

    def _check(self) -> DiscMaster:
        master = self._master
        master._check_open()
        if master._format is not self:
            raise errors.IMAPI_E_WRONGFORMAT("this format is no longer the active one")
        return master

    def _require_recorder(self) -> DiscRecorder:
        self._check()
        if self._recorder is None:
            raise errors.IMAPI_E_NOACTIVERECORDER("call DiscMaster.set_active_disc_recorder first")
        return self._recorder

    def _cancelled(self) -> bool:
        return self._master.sinks.cancel_requested()

    def _fire(self, name: str, *args: int) -> None:
        self._master.sinks.fire(name, *args)

    # -- hooks for DiscMaster ---------------------------------------------------------------------
    def can_record(self, recorder: DiscRecorder) -> bool:  # pragma: no cover - overridden
        raise TypeError("abstract")

    def _recorder_set(self, recorder: DiscRecorder, state: MediaState) -> None:
        self._recorder = recorder

    def _discard(self) -> None:
        """Throw the staged content away."""

    def _check_recordable(self) -> None:
        """Raise the v1 error when the staged content cannot be recorded now."""

    def _record(self, recorder: DiscRecorder, state: MediaState, simulate: bool) -> None:  # pragma: no cover
        raise TypeError("abstract")


class Burn:
    """Turns IMAPI2 write progress into v1 notifications and polls query_cancel."""

    def __init__(self, fmt: FormatBase, cancel: object) -> None:
        self.fmt = fmt
        self.cancel = cancel  # callable that cancels the running IMAPI2 write
        self.started = time.monotonic()
        self.prepared = False
        self.closing = False
        self.cancelled = False
        self.last_blocks = -1

    def poll(self) -> None:
        if not self.cancelled and self.fmt._cancelled():
            self.cancelled = True
            cancel = self.cancel
            if callable(cancel):
                cancel()

    def preparing(self, estimate: int) -> None:
        if not self.prepared:
            self.prepared = True
            self.fmt._fire("notify_preparing_burn", max(0, estimate))
        self.poll()

    def blocks(self, done: int, total: int) -> None:
        if done != self.last_blocks:
            self.last_blocks = done
            self.fmt._fire("notify_block_progress", done, total)
        self.poll()

    def closing_disc(self, estimate: int) -> None:
        if not self.closing:
            self.closing = True
            self.fmt._fire("notify_closing_disc", max(0, estimate))
