"""Virtual CD writers in a private $OPENIMAPI_HOME for the audio-CD tests, and PCM helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import openimapi
from openimapi.engine import device as engine_device

SECTOR = 2352


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(path))
    monkeypatch.setattr(engine_device, "TRANSIENT_WAIT", 0.3)
    return path


@pytest.fixture
def make_drive() -> Iterator[Any]:
    from openimapi import virtual

    made: list[openimapi.DiscRecorder2] = []

    def make(media: str | None = "cd-r", name: str = "d1", model: str = "cd-writer") -> openimapi.DiscRecorder2:
        drive = virtual.create_drive(name, model=model)
        if media is not None:
            drive.insert(media)
        recorder = openimapi.DiscRecorder2()
        recorder.initialize_disc_recorder(drive.address)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        assert not recorder.exclusive.held, "a test left exclusive access held"
        recorder.close()


def vdrive(name: str = "d1") -> Any:
    from openimapi import virtual

    return virtual.open_drive(name)


def pcm(sectors: int, seed: int) -> bytes:
    """Pseudo-random 16-bit stereo PCM of ``sectors`` CD sectors (never silence)."""
    rng = np.random.default_rng(seed)
    return rng.integers(-20000, 20000, size=sectors * SECTOR // 2, dtype=np.int16).astype("<i2").tobytes()
