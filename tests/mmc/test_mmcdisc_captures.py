"""Capture helpers for the disc, TOC and GET CONFIGURATION tests (mmcdisc).

Reads tests/data/captures/*.json directly; the shared loader of the SPC tests is
tests/mmc/captures.py. dvd+rw-mediainfo reports are split into their sections
("READ DISC INFORMATION:", "READ TRACK INFORMATION[#1]:", ...), each a list of
(label, value) pairs as the tool printed them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DIR = Path(__file__).resolve().parent.parent / "data" / "captures"


def load_all() -> list[tuple[str, dict[str, Any]]]:
    """(file-stem#index, capture entry) for every drive capture."""
    out = []
    for path in sorted(DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for i, entry in enumerate(doc.get("captures", [])):
            out.append((f"{path.stem}#{i}", entry))
    return out


def matching(pattern: str) -> list[tuple[str, dict[str, Any]]]:
    """Captures whose command matches ``pattern`` (regular expression, searched)."""
    found = [(cid, e) for cid, e in load_all() if re.search(pattern, e["command"])]
    assert found, f"no capture matches {pattern!r}"
    return found


def hexbytes(text: str) -> bytes:
    return bytes(int(t, 16) for t in text.split())


_SECTION = re.compile(r"^([A-Z][A-Z0-9 +\-]*(?:\[[^\]]*\])?):\s*$")


def sections(tool_output: list[str]) -> dict[str, list[tuple[str, str]]]:
    """A dvd+rw-mediainfo report split by section heading."""
    out: dict[str, list[tuple[str, str]]] = {}
    current = "PREAMBLE"
    for line in tool_output:
        heading = _SECTION.match(line.strip())
        if heading:
            current = heading.group(1)
            out.setdefault(current, [])
            continue
        label, sep, value = line.partition(":")
        if sep:
            out.setdefault(current, []).append((label.strip().strip('"'), value.strip()))
        else:
            out.setdefault(current, []).append(("", line.strip()))
    return out


def mediainfo_reports() -> list[tuple[str, dict[str, list[tuple[str, str]]]]]:
    """(capture id, sections) for every dvd+rw-mediainfo report."""
    return [(cid, sections(e["stated"]["tool_output"])) for cid, e in matching(r"^dvd\+rw-mediainfo")]


def first(pairs: list[tuple[str, str]], label: str) -> str | None:
    for key, value in pairs:
        if key == label:
            return value
    return None


def blocks(value: str) -> int:
    """The block count of '2295104*2KB=4700372992' or '0*2048=0'."""
    return int(value.split("*")[0])
