"""trace: records commands, completions and timing as JSON lines; replay: plays them back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest

import openimapi.transport
from openimapi import errors
from openimapi.mmc import Command, Completion
from openimapi.testing import FakeClock, FakeSgKernel, MinimalDrive, check_transport
from openimapi.transport import sgio
from openimapi.transport.trace import (
    FORMAT,
    ReplayMismatch,
    ReplayTransport,
    TraceTransport,
    default_trace_path,
    format_trace,
    load_trace,
    opcode_name,
    open_replay,
)

INQUIRY36 = Command(bytes([0x12, 0, 0, 0, 36, 0]), data_in_length=36)
TUR = Command(bytes(6))


class DeviceTransport:
    """A minimal in-memory transport around a device function (no SG_IO involved)."""

    def __init__(self, device: MinimalDrive, address: str = "virtual:mini") -> None:
        self.device = device
        self.address = address
        self.closed = False

    def execute(self, command: Command) -> Completion:
        if self.closed:
            raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE("closed")
        return self.device(command)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> DeviceTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def records_of(buf: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_trace_records_command_completion_and_timing() -> None:
    clock = FakeClock(100.0)
    buf = io.StringIO()
    inner = DeviceTransport(MinimalDrive(medium=False))
    t = TraceTransport(inner, buf, clock=clock)
    assert t.address == "trace:virtual:mini"
    c = t.execute(INQUIRY36)
    assert c == inner.device.__call__(INQUIRY36)  # the answer passes through untouched
    clock.advance(0.25)
    t.execute(Command(bytes([0xFF, 0, 0, 0, 0, 0]), timeout=3))
    t.close()
    t.close()
    recs = records_of(buf)
    assert [r["type"] for r in recs] == ["open", "command", "completion", "command", "completion", "close"]
    assert recs[0]["format"] == FORMAT and recs[0]["address"] == "virtual:mini"
    cmd, done = recs[1], recs[2]
    assert cmd == {
        "type": "command",
        "seq": 1,
        "op": "INQUIRY",
        "cdb": "120000002400",
        "direction": "in",
        "data_in_length": 36,
        "data_out_length": 0,
        "timeout": 10.0,
        "start": 100.0,
    }
    assert done["status_name"] == "GOOD" and done["residual"] == 0 and done["sense"] == ""
    assert bytes.fromhex(str(done["data"])) == c.data  # data-in in full
    assert recs[3]["op"] == "OPCODE 0xff" and recs[3]["timeout"] == 3 and recs[3]["start"] == 100.25
    assert recs[4]["status_name"] == "CHECK_CONDITION"
    assert recs[4]["sense_text"] == "ILLEGAL_REQUEST 5/20/00: invalid command operation code"
    assert recs[4]["duration"] == 0.0
    assert inner.closed


def test_standard_names_fill_in_and_command_names_are_kept() -> None:
    assert opcode_name(0x5B) == "CLOSE TRACK/SESSION"
    assert opcode_name(0x12) == "INQUIRY"
    assert opcode_name(0xFE) == "OPCODE 0xfe"
    sink: list[dict[str, object]] = []
    t = TraceTransport(DeviceTransport(MinimalDrive()), sink.append)
    t.execute(Command(bytes(6), name="poll"))
    assert sink[1]["op"] == "TEST UNIT READY" and sink[1]["name"] == "poll"


def test_codec_names_are_used_when_registered() -> None:
    from openimapi.mmc.codec import OPCODES

    class Fancy:
        OPCODE = 0xE7
        NAME = "FANCY VENDOR COMMAND"

    OPCODES[0xE7] = Fancy
    try:
        assert opcode_name(0xE7) == "FANCY VENDOR COMMAND"
    finally:
        del OPCODES[0xE7]


def test_data_out_in_full_up_to_the_limit_then_by_digest() -> None:
    sink: list[dict[str, object]] = []
    t = TraceTransport(DeviceTransport(MinimalDrive()), sink.append, data_out_limit=16)
    small, big = bytes(range(16)), bytes(17)
    t.execute(Command(bytes(10), data_out=small))
    t.execute(Command(bytes(10), data_out=big))
    assert sink[1]["data_out"] == small.hex() and sink[1]["data_out_length"] == 16
    assert "data_out" not in sink[3] and sink[3]["data_out_length"] == 17
    assert sink[3]["data_out_sha256"] == hashlib.sha256(big).hexdigest()


def test_errors_are_recorded_and_replayed() -> None:
    kernel = FakeSgKernel(MinimalDrive())
    inner = sgio.open_sg("sg:/dev/sr0", ioctl=kernel, opener=lambda p, f: os.open(os.devnull, os.O_RDONLY))
    buf = io.StringIO()
    t = TraceTransport(inner, buf)
    kernel.fail_next(host_status=sgio.DID_TIME_OUT)
    with pytest.raises(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT):
        t.execute(TUR)
    t.close()
    recs = records_of(buf)
    assert recs[2]["type"] == "error" and recs[2]["name"] == "E_IMAPI_RECORDER_COMMAND_TIMEOUT"
    assert recs[2]["hresult"] == 0xC0AA020D
    replay = ReplayTransport(recs)
    with pytest.raises(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT, match="no answer"):
        replay.execute(TUR)


def record(commands: list[Command], device: MinimalDrive) -> str:
    buf = io.StringIO()
    with TraceTransport(DeviceTransport(device), buf) as t:
        for command in commands:
            t.execute(command)
    return buf.getvalue()


def test_replay_returns_the_recorded_completions_in_order() -> None:
    device = MinimalDrive(medium=False)
    text = record([TUR, INQUIRY36, TUR], device)
    replay = ReplayTransport(load_trace(text.splitlines()))
    assert replay.recorded_address == "virtual:mini" and replay.remaining == 3
    assert replay.execute(TUR) == MinimalDrive(medium=False)(TUR)
    assert replay.execute(INQUIRY36).data == device.inquiry_data[:36]
    assert replay.execute(Command(bytes(6), timeout=99)).check_condition  # the timeout is not compared
    assert replay.remaining == 0
    with pytest.raises(ReplayMismatch, match="trace is over after 3 commands"):
        replay.execute(TUR)


def test_replay_refuses_a_different_command() -> None:
    text = record([INQUIRY36], MinimalDrive())
    replay = ReplayTransport(load_trace(text.splitlines()))
    with pytest.raises(ReplayMismatch, match=r"differs from the trace \(CDB\).*INQUIRY 120000002400.*sent") as info:
        replay.execute(Command(bytes([0x12, 0, 0, 0, 96, 0]), data_in_length=96))
    assert isinstance(info.value, errors.TransportError)
    with pytest.raises(ReplayMismatch, match="data-in length 36 != 35"):
        replay.execute(Command(bytes([0x12, 0, 0, 0, 36, 0]), data_in_length=35))
    assert replay.remaining == 1  # a refused command does not consume the step


def test_replay_compares_data_out_bytes_and_digests() -> None:
    text = record([Command(bytes(10), data_out=b"abc")], MinimalDrive())
    replay = ReplayTransport(load_trace(text.splitlines()))
    with pytest.raises(ReplayMismatch, match="data-out bytes"):
        replay.execute(Command(bytes(10), data_out=b"abd"))
    sink: list[dict[str, object]] = []
    TraceTransport(DeviceTransport(MinimalDrive()), sink.append, data_out_limit=1).execute(
        Command(bytes(10), data_out=b"abc")
    )
    digest_replay = ReplayTransport(sink)  # type: ignore[arg-type]
    with pytest.raises(ReplayMismatch, match="data-out digest"):
        digest_replay.execute(Command(bytes(10), data_out=b"abd"))
    assert digest_replay.execute(Command(bytes(10), data_out=b"abc")).check_condition


def test_a_trace_cut_inside_a_command_is_reported() -> None:
    lines = record([TUR], MinimalDrive()).splitlines()
    replay = ReplayTransport(load_trace(lines[:2]))
    with pytest.raises(ReplayMismatch, match="ends while command #1 was running"):
        replay.execute(TUR)


def test_load_trace_rejects_garbage() -> None:
    with pytest.raises(ValueError, match=r"t\.jsonl:2: not a JSON line"):
        load_trace(['{"type": "close"}', "nope"], source="t.jsonl")
    with pytest.raises(ValueError, match="unknown trace format"):
        load_trace(['{"type": "open", "format": "other/9"}'])
    with pytest.raises(ValueError, match="not a trace record"):
        load_trace(["[1, 2]"])


def test_conformance_of_the_replay_of_a_conformance_run(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    drive = MinimalDrive(medium=False)
    with path.open("w", encoding="utf-8") as sink:
        live = check_transport(
            lambda: TraceTransport(
                sgio.open_sg(
                    "sg:/dev/sr0", ioctl=FakeSgKernel(drive), opener=lambda p, f: os.open(os.devnull, os.O_RDONLY)
                ),
                sink,
            )
        )
    assert live.address == "trace:sg:/dev/sr0"
    replayed = check_transport(lambda: openimapi.transport.open(f"replay:{path}"))
    assert replayed.checks == live.checks
    assert (replayed.vendor, replayed.product, replayed.ready) == (live.vendor, live.product, False)


def test_trace_address_opens_the_inner_transport_and_writes_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source.jsonl"
    source.write_text(record([TUR], MinimalDrive()), encoding="utf-8")
    out_dir = tmp_path / "traces"
    out_dir.mkdir()
    monkeypatch.setenv("OPENIMAPI_TRACE", str(out_dir))
    with openimapi.transport.open(f"trace:replay:{source}") as t:
        assert t.address == f"trace:replay:{source}"
        assert t.execute(TUR).ok
    (written,) = out_dir.iterdir()
    assert written.name.startswith("replay-") and written.suffix == ".jsonl"
    recs = [json.loads(line) for line in written.read_text().splitlines()]
    assert [r["type"] for r in recs] == ["open", "command", "completion", "close"]
    assert recs[0]["address"] == f"replay:{source}"


def test_default_trace_path() -> None:
    now = dt.datetime(2026, 11, 21, 6, 30, 1, 5, tzinfo=dt.UTC)
    home = {"HOME": "/home/u"}
    assert default_trace_path("sg:/dev/sr0", env=home, now=now) == Path(
        "/home/u/.local/state/openimapi/traces/sg-dev-sr0-20261121T063001.000005Z.jsonl"
    )
    assert default_trace_path("virtual:a", env={"XDG_STATE_HOME": "/s"}, now=now).parent == Path("/s/openimapi/traces")
    assert default_trace_path("sg:/dev/sr0", env={"OPENIMAPI_TRACE": "/tmp/x.jsonl"}) == Path("/tmp/x.jsonl")
    assert default_trace_path("sg:/dev/sr0", env={"OPENIMAPI_TRACE": "/tmp/d/"}, now=now).parent == Path("/tmp/d")


def test_replay_of_a_missing_file_is_a_host_io_error(tmp_path: Path) -> None:
    with pytest.raises(errors.HostIOError):
        open_replay(f"replay:{tmp_path / 'nothing.jsonl'}")
    with pytest.raises(ValueError):
        open_replay("trace:virtual:x")


def test_format_trace_is_one_line_per_command() -> None:
    clock = FakeClock(5.0)
    buf = io.StringIO()
    t = TraceTransport(DeviceTransport(MinimalDrive(medium=False)), buf, clock=clock)
    t.execute(TUR)
    clock.advance(0.5)
    t.execute(Command(bytes([0x12, 0, 0, 0, 255, 0]), data_in_length=255, name="identify"))
    t.execute(Command(bytes(10), data_out=b"\x01\x02"))
    t.close()
    lines = format_trace(load_trace(buf.getvalue().splitlines()))
    assert lines[0].startswith("== virtual:mini opened ")
    assert lines[1] == (
        "#1  +0.000s  TEST UNIT READY  00 00 00 00 00 00  no data  "
        "-> CHECK_CONDITION NOT_READY 2/3A/00: medium not present  (0.0 ms)"
    )
    assert lines[2] == (
        "#2  +0.500s  INQUIRY (identify)  12 00 00 00 ff 00  in 255  -> GOOD, 96 bytes, residual 159  (0.0 ms)"
    )
    assert lines[3].startswith("#3  +0.500s  TEST UNIT READY  00 00 00 00 00 00 00 00 00 00  out 2  -> CHECK_CONDITION")
    assert lines[4] == "== closed after 3 commands"
    cut = format_trace(load_trace(buf.getvalue().splitlines()[:2]))
    assert cut[-1] == "#1  TEST UNIT READY  000000000000  (no answer recorded)"


def test_trace_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from openimapi.cli import cli

    path = tmp_path / "t.jsonl"
    path.write_text(record([TUR], MinimalDrive()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["trace", str(path)])
    assert result.exit_code == 0, result.output
    # the recording ran on the real clock: the offset of the first command is a few ms at most
    assert re.search(r"#1  \+0\.0\d\ds  TEST UNIT READY  00 00 00 00 00 00  no data  -> GOOD", result.output)
    path.write_text("garbage\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["trace", str(path)])
    assert result.exit_code == 1 and "not a JSON line" in result.output


def test_sessions_appended_to_one_file_replay_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "source.jsonl"
    source.write_text(record([TUR, INQUIRY36, TUR, INQUIRY36], MinimalDrive()), encoding="utf-8")
    out = tmp_path / "all.jsonl"
    monkeypatch.setenv("OPENIMAPI_TRACE", str(out))
    for _ in range(2):  # two programs, one OPENIMAPI_TRACE file: sessions are appended
        with openimapi.transport.open(f"trace:replay:{source}") as t:
            t.execute(TUR)
            t.execute(INQUIRY36)
    recs = load_trace(out.read_text().splitlines())
    assert [r["type"] for r in recs].count("open") == 2
    assert [r["seq"] for r in recs if r["type"] == "command"] == [1, 2, 1, 2]
    replay = ReplayTransport(recs)
    for _ in range(2):
        assert replay.execute(TUR).ok
        assert len(replay.execute(INQUIRY36).data) == 36
    assert replay.remaining == 0
