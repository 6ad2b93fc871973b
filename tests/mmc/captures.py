"""Loader of the real-drive captures in tests/data/captures/*.json (see its README.md).

Generic on purpose, shared by every codec's tests: iterate the captures, filter by the
command name, get the raw bytes. Usage::

    from .captures import captures, params

    @pytest.mark.parametrize("cap", params(r"^INQUIRY \\(standard\\) -- identification"))
    def test_x(cap): ...
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CAPTURES_DIR = Path(__file__).resolve().parent.parent / "data" / "captures"

_HEX_TOKEN = re.compile(r"^[0-9a-fA-F]{2}$")


def hexbytes(text: str | None) -> bytes | None:
    """Bytes of a capture's hex string ("41 43 20", with "|" separators allowed); reading
    stops at the first token that is not a hex byte (e.g. "(as printed by ...)")."""
    if text is None:
        return None
    out = bytearray()
    for token in text.replace("|", " ").split():
        if not _HEX_TOKEN.match(token):
            break
        out.append(int(token, 16))
    return bytes(out)


def number(value: Any) -> int:
    """A stated number: an int, or a string like "0x3A" / "58"."""
    if isinstance(value, int):
        return value
    return int(str(value), 0)


@dataclass(frozen=True)
class Capture:
    """One entry of a capture file's ``captures`` list."""

    id: str
    file: str
    drive: dict[str, Any]
    command: str
    cdb: bytes | None
    response: bytes | None
    kind: str
    stated: dict[str, Any]
    entry: dict[str, Any]

    @property
    def offset(self) -> int:
        """Where ``response`` starts inside the full answer (raw-partial captures)."""
        return int(self.entry.get("offset_in_response", 0))

    def get(self, key: str, default: Any = None) -> Any:
        return self.entry.get(key, default)


def _load() -> list[Capture]:
    out: list[Capture] = []
    for path in sorted(CAPTURES_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for index, entry in enumerate(doc.get("captures", [])):
            out.append(
                Capture(
                    id=f"{path.stem}#{index}",
                    file=path.name,
                    drive=doc.get("drive", {}),
                    command=entry["command"],
                    cdb=hexbytes(entry.get("cdb")),
                    response=hexbytes(entry.get("response_hex")),
                    kind=entry.get("response_kind", ""),
                    stated=entry.get("stated", {}),
                    entry=entry,
                )
            )
    return out


_ALL = _load()


def captures(command: str | Callable[[Capture], bool] | None = None) -> Iterator[Capture]:
    """All drive captures, or those whose command matches a regular expression (searched,
    case-insensitive) or a predicate."""
    for cap in _ALL:
        if command is None:
            yield cap
        elif isinstance(command, str):
            if re.search(command, cap.command, re.IGNORECASE):
                yield cap
        elif command(cap):
            yield cap


def params(command: str | Callable[[Capture], bool] | None = None) -> list[Any]:
    """``captures(command)`` as pytest params with readable ids; fails collection when
    nothing matches (a filter that silently selects nothing would test nothing)."""
    found = [pytest.param(cap, id=cap.id) for cap in captures(command)]
    if not found:
        raise LookupError(f"no capture matches {command!r}")
    return found
