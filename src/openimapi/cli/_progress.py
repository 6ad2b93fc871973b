"""Progress of a long operation: a rich progress bar (phase, percent, MB/s and "x", time
left, drive buffer fill), plain lines, JSON lines (``--json``) or nothing (``--quiet``);
and running it in a worker thread so that Ctrl-C cancels it cleanly.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from openimapi.cli._common import Options, emit_json
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA

T = TypeVar("T")

#: Bytes per second at 1x of data (2048-byte sectors): CD mode 1 (75 sectors/s), DVD, BD.
ONE_X = {"cd": 153_600, "dvd": 1_385_000, "bd": 4_495_500}

PHASES = {
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA: "checking the disc",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FORMATTING_MEDIA: "formatting",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_INITIALIZING_HARDWARE: "preparing the drive",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_CALIBRATING_POWER: "calibrating the laser",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA: "writing",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FINALIZATION: "closing the session",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED: "completed",
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING: "verifying",
}


def family_of(media_type: Any) -> str:
    """``cd``, ``dvd`` or ``bd`` from an IMAPI_MEDIA_PHYSICAL_TYPE."""
    name = getattr(media_type, "name", str(media_type))
    if "BD" in name:
        return "bd"
    if "DVD" in name or "HD" in name:
        return "dvd"
    return "cd"


class Progress:
    """Shows the progress of one operation in the way the options ask for."""

    def __init__(self, opts: Options, title: str, family: str = "dvd") -> None:
        self.opts = opts
        self.title = title
        self.one_x = ONE_X.get(family, ONE_X["dvd"])
        self.phase = ""
        self.percent = 0.0
        self._rate_mark: tuple[float, int] | None = None
        self.rate = 0.0  # bytes per second
        self._last_line = 0.0
        self._last_json = 0.0
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self.rich = not opts.quiet and not opts.json and sys.stderr.isatty()

    def __enter__(self) -> Progress:
        if self.rich:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]{task.fields[phase]:<20}"),
                BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TextColumn("{task.fields[detail]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.title, total=100, phase="starting", detail="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    # -- updates ---------------------------------------------------------------------------------
    def update(self, phase: str, percent: float, *, sectors_done: int | None = None, remaining: float | None = None,
               buffer_fill: float | None = None, final: bool = False) -> None:
        """Record a new state and show it (rate-limited, except phase changes)."""
        with self._lock:
            now = time.monotonic()
            changed = phase != self.phase
            if changed:
                self._rate_mark = None
                self.rate = 0.0
            if sectors_done is not None:
                if self._rate_mark is None:
                    self._rate_mark = (now, sectors_done)
                elif now - self._rate_mark[0] >= 0.5:
                    t0, s0 = self._rate_mark
                    self.rate = (sectors_done - s0) * 2048 / (now - t0)
                    self._rate_mark = (now, sectors_done)
            self.phase = phase
            self.percent = max(0.0, min(100.0, percent))
            mb_s = self.rate / 1e6
            x = self.rate / self.one_x
            if self.opts.json:
                if changed or final or now - self._last_json >= 0.2:
                    self._last_json = now
                    emit_json("progress", phase=phase, percent=round(self.percent, 1), mb_per_s=round(mb_s, 2),
                              speed_x=round(x, 1), remaining_s=None if remaining is None else round(remaining),
                              buffer_fill=None if buffer_fill is None else round(buffer_fill, 2))
                return
            if self.opts.quiet:
                return
            parts = []
            if self.rate > 0:
                parts.append(f"{mb_s:6.2f} MB/s {x:5.1f}x")
            if remaining is not None and self.rate > 0:
                parts.append(f"{_clock(remaining)} left")
            if buffer_fill is not None:
                parts.append(f"buffer {buffer_fill:4.0%}")
            detail = "  ".join(parts)
            if self._bar is not None:
                self._bar.update(self._task, completed=self.percent, phase=phase, detail=detail)
            elif changed or final or now - self._last_line >= 2.0:
                self._last_line = now
                click.echo(f"{phase}: {self.percent:5.1f}%  {detail}".rstrip(), err=True)

    def data_event(self, _sender: Any, args: Any) -> None:
        """Listener for DiscFormat2Data / DiscFormat2Erase-style progress (event args objects)."""
        action = getattr(args, "current_action", None)
        phase = PHASES.get(action, str(action)) if action is not None else "working"
        total = max(1, int(getattr(args, "sector_count", 0) or 0))
        done = max(0, int(args.last_written_lba) - int(args.start_lba) + 1)
        if action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING:
            done = max(0, int(args.last_read_lba) - int(args.start_lba) + 1)
        if action in (WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA, WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING):
            percent = 100.0 * done / total
        elif action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED:
            percent = 100.0
        else:
            percent = 0.0
        fill = None
        if getattr(args, "total_device_buffer", 0):
            fill = args.used_device_buffer / args.total_device_buffer
        self.update(phase, percent, sectors_done=done if "writ" in phase or "verif" in phase else None,
                    remaining=float(args.remaining_time), buffer_fill=fill)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def run_cancellable(work: Callable[[], T], cancel: Callable[[], None]) -> T:
    """Run ``work`` in a worker thread; on Ctrl-C call ``cancel`` once and wait for ``work``
    to end (it then raises its cancellation error, which is returned to the caller)."""
    box: dict[str, Any] = {}
    finished = threading.Event()

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            finished.set()

    # An Event, not Thread.join: a KeyboardInterrupt inside join() can leave the thread
    # looking finished while it still runs.
    thread = threading.Thread(target=target, name="openimapi-work", daemon=True)
    thread.start()
    cancelled = False
    while not finished.is_set():
        try:
            finished.wait(0.1)
        except KeyboardInterrupt:
            if not cancelled:
                cancelled = True
                click.echo("\ncancelling ...", err=True)
                try:
                    cancel()
                except Exception:
                    pass
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
