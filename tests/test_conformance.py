"""Every transport of openimapi through openimapi.testing.check_transport: the virtual
recorder (empty and loaded), the same wrapped in trace:, and the replay of that trace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimapi import errors, transport, virtual
from openimapi.mmc.spc import TestUnitReady
from openimapi.testing import check_transport


@pytest.fixture(autouse=True)
def openimapi_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(home))
    monkeypatch.setenv("OPENIMAPI_TRACE", str(tmp_path / "trace.jsonl"))
    yield home


@pytest.mark.parametrize("media", [None, "cd-r", "dvd+rw", "bd-re"])
def test_virtual_recorder_conforms(media: str | None) -> None:
    drive = virtual.create_drive("conf")
    if media is not None:
        drive.insert(media)
    report = check_transport(lambda: transport.open("virtual:conf"))
    assert report.ready is (media is not None)
    assert report.notes[0].startswith("test unit ready: UNIT_ATTENTION 6/")


def test_trace_of_virtual_conforms_and_replays(tmp_path: Path) -> None:
    virtual.create_drive("conf").insert("dvd+r")
    live = check_transport(lambda: transport.open("trace:virtual:conf"))
    assert live.address == "trace:virtual:conf"
    path = tmp_path / "trace.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["address"] == "virtual:conf" and records[-1]["type"] == "close"
    ops = [r["op"] for r in records if r["type"] == "command"]
    assert ops[:3] == ["TEST UNIT READY", "TEST UNIT READY", "INQUIRY"]
    assert "OPCODE 0xff" in ops  # the vendor-specific opcode of the unsupported-opcode check
    replayed = check_transport(lambda: transport.open(f"replay:{path}"))
    assert (replayed.checks, replayed.vendor, replayed.product, replayed.ready) == (
        live.checks,
        live.vendor,
        live.product,
        True,
    )


def test_a_closed_trace_records_nothing_more(tmp_path: Path) -> None:
    virtual.create_drive("conf")
    t = transport.open("trace:virtual:conf")
    t.close()
    size = (tmp_path / "trace.jsonl").stat().st_size
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE):
        t.execute(TestUnitReady().to_command())
    assert (tmp_path / "trace.jsonl").stat().st_size == size
