"""The README's Python example runs as printed and burns examples/ onto a DVD+R."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_readme_python_example(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None and len(code.group(1).strip().splitlines()) <= 12
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})
    from openimapi import virtual

    disc = virtual.open_drive("example").disc
    assert disc is not None and disc.media == "dvd+r" and disc.status == "appendable"
    assert os.environ["OPENIMAPI_HOME"].endswith("home")
