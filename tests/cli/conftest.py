"""Every CLI test runs in a private $OPENIMAPI_HOME (virtual drives and discs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from openimapi.cli import cli


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(path))
    monkeypatch.delenv("OPENIMAPI_DRIVE", raising=False)
    from openimapi import devices

    if any(d.address.startswith("sg:") for d in devices.discover_all()):  # pragma: no cover - a real drive here
        monkeypatch.setenv("OPENIMAPI_DRIVE", "virtual:default")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    (root / "2024").mkdir(parents=True)
    (root / "readme.txt").write_bytes(b"holiday photos\n")
    (root / "2024" / "beach.raw").write_bytes(bytes(range(256)) * 300)
    (root / "2024" / "notes.md").write_text("# sea\n" * 100)
    return root


def run(*args: str) -> Result:
    """The command through click's runner (stderr separate)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_process(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command as a subprocess: python -m openimapi ARGS."""
    return subprocess.run([sys.executable, "-m", "openimapi", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def files_of(iso: Path) -> dict[str, bytes]:
    """Every file of the (last session's) image as read by pycdlib through Rock Ridge or Joliet."""
    import io

    import pycdlib

    pc = pycdlib.PyCdlib()
    pc.open(str(iso))
    kind = "rr_path" if pc.has_rock_ridge() else "joliet_path"
    out: dict[str, bytes] = {}
    try:
        for dirpath, _dirs, names in pc.walk(**{kind: "/"}):
            for name in names:
                path = f"{dirpath.rstrip('/')}/{name}"
                buf = io.BytesIO()
                pc.get_file_from_iso_fp(buf, **{kind: path})
                out[path.lstrip("/")] = buf.getvalue()
    finally:
        pc.close()
    return out


def host_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
