"""``trace:ADDRESS`` records every command of a transport; ``replay:FILE`` plays it back.

:class:`TraceTransport` wraps any transport by composition. For each command it writes two
JSON lines to its sink, flushed at once so that a hung or killed process still shows the
command it was waiting on:

``{"type": "command", "seq": 3, "op": "INQUIRY", "cdb": "120000002400", "direction": "in",
"data_in_length": 36, "data_out_length": 0, "timeout": 10.0, "start": 1234.5}``

``{"type": "completion", "seq": 3, "status": 0, "status_name": "GOOD", "sense": "",
"sense_text": "", "data": "0580...", "residual": 0, "duration": 0.0012}``

or, when the transport raised, ``{"type": "error", "seq": 3, "name": ..., "hresult": ...,
"message": ..., "duration": ...}``. Data-in is recorded in full (replay returns it);
data-out in full up to ``data_out_limit`` bytes (``"data_out"``, hex) and always as a
SHA-256 digest (``"data_out_sha256"``). The first line of a session is ``{"type": "open",
"format": "openimapi-trace/1", "address": ..., "time": ISO-8601 wall clock}``; ``start`` is
:func:`time.monotonic`. ``op`` names the opcode (from the codec registry
:data:`openimapi.mmc.codec.OPCODES`, else the MMC/SPC opcode tables); ``name`` is added
when the command carries a name of its own.

``trace:ADDRESS`` writes to the file named by ``$OPENIMAPI_TRACE`` (appended to; if it
names a directory, a new file in it), else to a new file
``$XDG_STATE_HOME/openimapi/traces/<drive>-<UTC time>.jsonl``.

:class:`ReplayTransport` (``replay:FILE``) answers each command with the next recorded
completion, or raises the recorded error again. A command that differs from the recorded
one (CDB, data direction, length, data-out) raises :class:`ReplayMismatch`, a
:class:`~openimapi.errors.TransportError`: to the code under test the replayed device simply
cannot answer that command, and the message shows both commands.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib
import json
import os
import pkgutil
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Final

from openimapi import errors
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.sense import decode_sense
from openimapi.mmc.sense_map import describe_sense
from openimapi.transport import Address, Transport, TransportBase, parse_address

__all__ = [
    "DEFAULT_DATA_OUT_LIMIT",
    "ENV_TRACE",
    "FORMAT",
    "ReplayMismatch",
    "ReplayTransport",
    "TraceTransport",
    "default_trace_path",
    "format_trace",
    "load_trace",
    "open_replay",
    "open_trace",
    "opcode_name",
]

FORMAT: Final = "openimapi-trace/1"
ENV_TRACE: Final = "OPENIMAPI_TRACE"
#: data-out longer than this is recorded by digest only (mode pages, cue sheets and OPC
#: tables fit; the sectors of a WRITE are compared by digest on replay).
DEFAULT_DATA_OUT_LIMIT: Final = 4096

# Opcode names of SPC-4 and MMC-6, used when no codec has registered the opcode.
_STANDARD_OPCODES: Final = {
    0x00: "TEST UNIT READY",
    0x03: "REQUEST SENSE",
    0x04: "FORMAT UNIT",
    0x12: "INQUIRY",
    0x15: "MODE SELECT(6)",
    0x1A: "MODE SENSE(6)",
    0x1B: "START STOP UNIT",
    0x1E: "PREVENT ALLOW MEDIUM REMOVAL",
    0x23: "READ FORMAT CAPACITIES",
    0x25: "READ CAPACITY",
    0x28: "READ(10)",
    0x2A: "WRITE(10)",
    0x2B: "SEEK(10)",
    0x2E: "WRITE AND VERIFY(10)",
    0x2F: "VERIFY(10)",
    0x35: "SYNCHRONIZE CACHE",
    0x3B: "WRITE BUFFER",
    0x3C: "READ BUFFER",
    0x42: "READ SUB-CHANNEL",
    0x43: "READ TOC/PMA/ATIP",
    0x45: "PLAY AUDIO(10)",
    0x46: "GET CONFIGURATION",
    0x47: "PLAY AUDIO MSF",
    0x4A: "GET EVENT STATUS NOTIFICATION",
    0x4B: "PAUSE/RESUME",
    0x4E: "STOP PLAY/SCAN",
    0x51: "READ DISC INFORMATION",
    0x52: "READ TRACK INFORMATION",
    0x53: "RESERVE TRACK",
    0x54: "SEND OPC INFORMATION",
    0x55: "MODE SELECT(10)",
    0x58: "REPAIR TRACK",
    0x5A: "MODE SENSE(10)",
    0x5B: "CLOSE TRACK/SESSION",
    0x5C: "READ BUFFER CAPACITY",
    0x5D: "SEND CUE SHEET",
    0xA0: "REPORT LUNS",
    0xA1: "BLANK",
    0xA2: "SECURITY PROTOCOL IN",
    0xA3: "SEND KEY",
    0xA4: "REPORT KEY",
    0xA5: "PLAY AUDIO(12)",
    0xA6: "LOAD/UNLOAD MEDIUM",
    0xA7: "SET READ AHEAD",
    0xA8: "READ(12)",
    0xAA: "WRITE(12)",
    0xAC: "GET PERFORMANCE",
    0xAD: "READ DISC STRUCTURE",
    0xB5: "SECURITY PROTOCOL OUT",
    0xB6: "SET STREAMING",
    0xB9: "READ CD MSF",
    0xBA: "SCAN",
    0xBB: "SET CD SPEED",
    0xBD: "MECHANISM STATUS",
    0xBE: "READ CD",
    0xBF: "SEND DISC STRUCTURE",
}

_codecs_loaded = False
_codecs_lock = threading.Lock()


def _load_codecs() -> None:
    """Import every codec module of openimapi.mmc once, so their opcodes are registered."""
    global _codecs_loaded
    with _codecs_lock:
        if _codecs_loaded:
            return
        _codecs_loaded = True
        import openimapi.mmc as mmc_pkg

        for info in pkgutil.iter_modules(mmc_pkg.__path__):
            if info.name.startswith("_"):
                continue
            try:
                importlib.import_module(f"openimapi.mmc.{info.name}")
            except Exception:  # a broken codec must not break tracing
                continue


def opcode_name(opcode: int) -> str:
    """The name of an opcode: the registered codec's ``NAME``, else the standard's name,
    else ``"OPCODE 0xNN"``."""
    _load_codecs()
    from openimapi.mmc.codec import OPCODES

    cls = OPCODES.get(opcode)
    name = getattr(cls, "NAME", None) if cls is not None else None
    if isinstance(name, str) and name:
        return name
    return _STANDARD_OPCODES.get(opcode, f"OPCODE {opcode:#04x}")


def _status_name(status: int) -> str:
    try:
        return ScsiStatus(status).name
    except ValueError:
        return f"STATUS {status:#04x}"


def _safe_name(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", address).strip("-") or "drive"


def default_trace_path(address: str, *, env: dict[str, str] | None = None, now: _dt.datetime | None = None) -> Path:
    """Where ``trace:ADDRESS`` writes: ``$OPENIMAPI_TRACE`` (a file, or a directory to
    create a file in), else ``$XDG_STATE_HOME/openimapi/traces/<drive>-<UTC time>.jsonl``
    (``XDG_STATE_HOME`` defaulting to ``~/.local/state``)."""
    env = dict(os.environ) if env is None else env
    stamp = (now or _dt.datetime.now(_dt.UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    filename = f"{_safe_name(address)}-{stamp}.jsonl"
    configured = env.get(ENV_TRACE)
    if configured:
        path = Path(configured).expanduser()
        if configured.endswith(os.sep) or path.is_dir():
            return path / filename
        return path
    state = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(state) / "openimapi" / "traces" / filename


Sink = IO[str] | Callable[[dict[str, Any]], None]


class TraceTransport(TransportBase):
    """Wraps ``inner`` and records every command, completion and timing to ``sink``.

    ``sink`` is a text file (one JSON object per line, flushed per line) or a callable
    receiving each record as a dict. Closing the trace closes ``inner``, and the sink too
    when ``close_sink`` is true.
    """

    def __init__(
        self,
        inner: Transport,
        sink: Sink,
        *,
        data_out_limit: int = DEFAULT_DATA_OUT_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        close_sink: bool = False,
    ) -> None:
        self._inner = inner
        self._sink = sink
        self._limit = data_out_limit
        self._clock = clock
        self._close_sink = close_sink
        self._seq = 0
        self._lock = threading.Lock()
        self._closed = False
        self._emit(
            {
                "type": "open",
                "format": FORMAT,
                "address": inner.address,
                "time": _dt.datetime.now(_dt.UTC).isoformat(),
                "monotonic": clock(),
            }
        )

    @property
    def address(self) -> str:
        return f"trace:{self._inner.address}"

    @property
    def inner(self) -> Transport:
        return self._inner

    def __enter__(self) -> TraceTransport:
        return self

    def _emit(self, record: dict[str, Any]) -> None:
        if callable(self._sink):
            self._sink(record)
            return
        self._sink.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._sink.flush()

    def execute(self, command: Command) -> Completion:
        """Record ``command``, run it on the inner transport, record the outcome.

        Raises:
            HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE: the trace is closed (nothing recorded).
            TransportError: whatever the inner transport raises (recorded first).
        """
        with self._lock:
            if self._closed:
                raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE(f"{self.address}: the transport is closed")
            self._seq += 1
            seq = self._seq
            start = self._clock()
            record: dict[str, Any] = {
                "type": "command",
                "seq": seq,
                "op": opcode_name(command.opcode),
                "cdb": command.cdb.hex(),
                "direction": command.direction.value,
                "data_in_length": command.data_in_length,
                "data_out_length": len(command.data_out),
                "timeout": command.timeout,
                "start": start,
            }
            if command.name and command.name != record["op"]:
                record["name"] = command.name
            if command.data_out:
                record["data_out_sha256"] = hashlib.sha256(command.data_out).hexdigest()
                if len(command.data_out) <= self._limit:
                    record["data_out"] = command.data_out.hex()
            self._emit(record)
        try:
            completion = self._inner.execute(command)
        except Exception as exc:
            self._emit_error(seq, start, exc)
            raise
        duration = self._clock() - start
        sense = decode_sense(completion.sense) if completion.sense else None
        with self._lock:
            self._emit(
                {
                    "type": "completion",
                    "seq": seq,
                    "status": completion.status,
                    "status_name": _status_name(completion.status),
                    "sense": completion.sense.hex(),
                    "sense_text": describe_sense(sense) if sense is not None else "",
                    "data": completion.data.hex(),
                    "residual": completion.residual,
                    "duration": duration,
                }
            )
        return completion

    def _emit_error(self, seq: int, start: float, exc: Exception) -> None:
        record: dict[str, Any] = {
            "type": "error",
            "seq": seq,
            "class": type(exc).__name__,
            "message": getattr(exc, "message", str(exc)),
            "duration": self._clock() - start,
        }
        if isinstance(exc, errors.ImapiError):
            record["name"] = exc.name
            record["hresult"] = exc.hresult
        with self._lock:
            self._emit(record)

    def close(self) -> None:
        """Close the inner transport (and the sink when owned); closing twice is harmless."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._inner.close()
        finally:
            with self._lock:
                self._emit({"type": "close", "seq": self._seq, "monotonic": self._clock()})
            if self._close_sink and not callable(self._sink):
                self._sink.close()


def open_trace(address: Address | str, *, path: str | os.PathLike[str] | None = None) -> TraceTransport:
    """Open ``trace:ADDRESS``: open ADDRESS and record it to :func:`default_trace_path`
    (or ``path``).

    Raises:
        ValueError: the address is malformed.
        TransportError: the inner transport could not be opened.
        HostIOError: the trace file could not be created.
    """
    parsed = parse_address(address) if isinstance(address, str) else address
    if parsed.scheme != "trace":
        raise ValueError(f"{parsed}: not a trace: address")
    from openimapi.transport import open as open_transport

    inner = open_transport(parsed.target)
    target = Path(path) if path is not None else default_trace_path(parsed.target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sink = target.open("a", encoding="utf-8")
    except OSError as exc:
        inner.close()
        raise errors.HostIOError(f"cannot write the trace file {target}: {exc.strerror or exc}") from exc
    return TraceTransport(inner, sink, close_sink=True)


class ReplayMismatch(errors.TransportError):
    """The command sent to a :class:`ReplayTransport` is not the one recorded next (or the
    trace is exhausted)."""


def load_trace(lines: Iterable[str], *, source: str = "<trace>") -> list[dict[str, Any]]:
    """Parse the JSON lines of a trace into records (blank lines skipped).

    Raises:
        ValueError: a line is not JSON, not an object, or the format is unknown.
    """
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}:{number}: not a JSON line ({exc.msg})") from None
        if not isinstance(record, dict) or "type" not in record:
            raise ValueError(f"{source}:{number}: not a trace record")
        if record["type"] == "open" and record.get("format") != FORMAT:
            raise ValueError(f"{source}:{number}: unknown trace format {record.get('format')!r}")
        records.append(record)
    return records


class _Step:
    __slots__ = ("command", "outcome")

    def __init__(self, command: dict[str, Any], outcome: dict[str, Any] | None) -> None:
        self.command = command
        self.outcome = outcome


class ReplayTransport(TransportBase):
    """Plays a recorded trace back: each :meth:`execute` must send the next recorded
    command and gets its recorded completion (or error).

    The timeout of a command is not compared; everything else that reaches a device is.
    """

    def __init__(self, records: Iterable[dict[str, Any]], *, address: str = "replay:<memory>") -> None:
        self._address = address
        self._steps: list[_Step] = []
        self.recorded_address: str | None = None
        for record in records:
            kind = record.get("type")
            if kind == "open" and self.recorded_address is None:
                self.recorded_address = record.get("address")
            elif kind == "command":
                self._steps.append(_Step(record, None))
            elif kind in ("completion", "error"):
                # pair with the latest unanswered command of the same seq
                for step in reversed(self._steps):
                    if step.outcome is None and step.command.get("seq") == record.get("seq"):
                        step.outcome = record
                        break
                else:
                    raise ValueError(f"{address}: a {kind} for seq {record.get('seq')} has no command")
        self._next = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        return self._address

    @property
    def remaining(self) -> int:
        """Recorded commands not replayed yet."""
        return len(self._steps) - self._next

    def __enter__(self) -> ReplayTransport:
        return self

    def close(self) -> None:
        """Stop replaying; closing twice is harmless."""
        self._closed = True

    def execute(self, command: Command) -> Completion:
        """Return the next recorded completion, or raise the recorded error.

        Raises:
            HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE: the transport is closed.
            ReplayMismatch: ``command`` is not the one recorded next, or the trace is over.
            TransportError: the error recorded for this command.
        """
        with self._lock:
            if self._closed:
                raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE(f"{self._address}: the transport is closed")
            index = self._next
            if index >= len(self._steps):
                raise ReplayMismatch(
                    f"{self._address}: the trace is over after {len(self._steps)} commands, "
                    f"but {_describe(command)} was sent"
                )
            step = self._steps[index]
            problem = _compare(step.command, command)
            if problem:
                raise ReplayMismatch(
                    f"{self._address}: command #{index + 1} differs from the trace ({problem}): "
                    f"recorded {step.command.get('op', '?')} {step.command.get('cdb')}, "
                    f"sent {_describe(command)}"
                )
            self._next += 1
        outcome = step.outcome
        if outcome is None:
            raise ReplayMismatch(f"{self._address}: the trace ends while command #{index + 1} was running")
        if outcome["type"] == "error":
            raise _recorded_error(outcome)
        return Completion(
            status=int(outcome["status"]),
            sense=bytes.fromhex(outcome.get("sense", "")),
            data=bytes.fromhex(outcome.get("data", "")),
            residual=int(outcome.get("residual", 0)),
        )


def _describe(command: Command) -> str:
    return f"{command.name or opcode_name(command.opcode)} {command.cdb.hex()}"


def _compare(recorded: dict[str, Any], command: Command) -> str:
    if recorded.get("cdb") != command.cdb.hex():
        return "CDB"
    if recorded.get("direction") != command.direction.value:
        return f"direction {recorded.get('direction')} != {command.direction.value}"
    if int(recorded.get("data_in_length", 0)) != command.data_in_length:
        return f"data-in length {recorded.get('data_in_length')} != {command.data_in_length}"
    if int(recorded.get("data_out_length", 0)) != len(command.data_out):
        return f"data-out length {recorded.get('data_out_length')} != {len(command.data_out)}"
    if command.data_out:
        if "data_out" in recorded:
            if recorded["data_out"] != command.data_out.hex():
                return "data-out bytes"
        elif recorded.get("data_out_sha256") != hashlib.sha256(command.data_out).hexdigest():
            return "data-out digest"
    return ""


def _recorded_error(outcome: dict[str, Any]) -> errors.ImapiError:
    message = str(outcome.get("message", "recorded transport error"))
    hresult = outcome.get("hresult")
    name = outcome.get("name")
    cls: type[errors.ImapiError] = errors.TransportError
    if isinstance(name, str):
        try:
            cls = errors.by_name(name)
        except KeyError:
            cls = errors.TransportError
    elif isinstance(hresult, int):
        try:
            cls = errors.error_class(hresult)
        except ValueError:
            cls = errors.TransportError
    return cls(message)


def format_trace(records: Iterable[dict[str, Any]]) -> list[str]:
    """One human-readable line per event of a trace: sessions, and each command with its
    outcome, e.g. ``#3  +0.012s  INQUIRY  12 00 00 00 24 00  in 36  -> GOOD, 36 bytes  (1.2 ms)``."""
    lines: list[str] = []
    starts: dict[Any, dict[str, Any]] = {}
    origin: float | None = None
    for record in records:
        kind = record.get("type")
        if kind == "open":
            lines.append(f"== {record.get('address')} opened {record.get('time', '')}")
            origin = record.get("monotonic")
        elif kind == "close":
            lines.append(f"== closed after {record.get('seq', 0)} commands")
        elif kind == "command":
            starts[record.get("seq")] = record
        elif kind in ("completion", "error"):
            cmd = starts.pop(record.get("seq"), {})
            start = cmd.get("start")
            when = f"+{start - origin:.3f}s" if isinstance(start, float) and isinstance(origin, float) else ""
            cdb = " ".join(str(cmd.get("cdb", ""))[i : i + 2] for i in range(0, len(str(cmd.get("cdb", ""))), 2))
            name = f"{cmd.get('op', '?')}" + (f" ({cmd['name']})" if "name" in cmd else "")
            direction = cmd.get("direction", "none")
            length = cmd.get("data_in_length") if direction == "in" else cmd.get("data_out_length")
            phase = f"{direction} {length}" if direction != "none" else "no data"
            if kind == "error":
                result = f"!! {record.get('name') or record.get('class')}: {record.get('message')}"
            else:
                result = f"-> {record.get('status_name')}"
                if record.get("sense_text"):
                    result += f" {record['sense_text']}"
                data = str(record.get("data", ""))
                if data or direction == "in":
                    result += f", {len(data) // 2} bytes"
                if record.get("residual"):
                    result += f", residual {record['residual']}"
            duration = record.get("duration")
            took = f"  ({duration * 1000:.1f} ms)" if isinstance(duration, (int, float)) else ""
            lines.append(f"#{record.get('seq')}  {when}  {name}  {cdb}  {phase}  {result}{took}")
    for seq, cmd in starts.items():
        lines.append(f"#{seq}  {cmd.get('op', '?')}  {cmd.get('cdb')}  (no answer recorded)")
    return lines


def open_replay(address: Address | str) -> ReplayTransport:
    """Open ``replay:FILE``: a transport that plays back the trace in FILE.

    Raises:
        ValueError: the address is malformed or the file is not a trace.
        HostIOError: the file cannot be read.
    """
    parsed = parse_address(address) if isinstance(address, str) else address
    if parsed.scheme != "replay":
        raise ValueError(f"{parsed}: not a replay: address")
    path = Path(parsed.target).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise errors.HostIOError(f"cannot read the trace {path}: {exc.strerror or exc}") from exc
    return ReplayTransport(load_trace(text.splitlines(), source=str(path)), address=str(parsed))
