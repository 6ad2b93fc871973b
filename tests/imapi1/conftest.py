"""A private $OPENIMAPI_HOME with a virtual CD writer for the IMAPI v1 tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openimapi import v1
from openimapi.engine import device as engine_device


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(path))
    monkeypatch.setattr(engine_device, "TRANSIENT_WAIT", 0.3)
    return path


@pytest.fixture
def drive() -> Any:
    from openimapi import virtual

    d = virtual.create_drive("cd1", model="cd-writer")
    d.insert("cd-r")
    return d


@pytest.fixture
def master() -> Iterator[v1.DiscMaster]:
    m = v1.DiscMaster()
    m.open()
    yield m
    m.close()


class Recorder(v1.DiscMasterProgressEvents):
    """A sink that writes every callback down, and cancels when told to."""

    def __init__(self, cancel_after_blocks: int | None = None) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.cancel_after_blocks = cancel_after_blocks
        self.polls = 0

    def query_cancel(self) -> bool:
        self.polls += 1
        blocks = [e for e in self.events if e[0] == "block"]
        return self.cancel_after_blocks is not None and len(blocks) >= self.cancel_after_blocks

    def notify_pnp_activity(self) -> None:
        self.events.append(("pnp",))

    def notify_add_progress(self, completed_steps: int, total_steps: int) -> None:
        self.events.append(("add", completed_steps, total_steps))

    def notify_block_progress(self, completed: int, total: int) -> None:
        self.events.append(("block", completed, total))

    def notify_track_progress(self, current_track: int, total_tracks: int) -> None:
        self.events.append(("track", current_track, total_tracks))

    def notify_preparing_burn(self, estimated_seconds: int) -> None:
        self.events.append(("preparing", estimated_seconds))

    def notify_closing_disc(self, estimated_seconds: int) -> None:
        self.events.append(("closing", estimated_seconds))

    def notify_burn_complete(self, status: int) -> None:
        self.events.append(("complete", status))

    def notify_erase_complete(self, status: int) -> None:
        self.events.append(("erased", status))

    def kinds(self) -> list[str]:
        out: list[str] = []
        for e in self.events:
            if not out or out[-1] != e[0]:
                out.append(e[0])
        return out


def joliet_ready(master: v1.DiscMaster) -> tuple[v1.JolietDiscMaster, v1.DiscRecorder]:
    """Steps 3-6 of the v1 sample: Joliet format, first recorder made active."""
    fmt = master.set_active_disc_master_format(v1.IID_IJolietDiscMaster)
    recorder = master.enum_disc_recorders().next(1)[0]
    master.set_active_disc_recorder(recorder)
    return fmt, recorder
