"""Every virtual-recorder test runs in its own $OPENIMAPI_HOME under tmp_path: the real
home is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def openimapi_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "openimapi-home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(home))
    yield home
