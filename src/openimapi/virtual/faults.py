"""Injected faults: the drive answers as a real one does when something goes wrong.

A fault is stored in the drive's state, so one process (a test, ``openimapi virtual
fault``) can inject it and another, which drives the recorder, meets it at its next
command. Each fault fires ``count`` times (None: until cleared) after skipping ``after``
matching commands.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from openimapi.virtual.conditions import CheckCondition

__all__ = ["FAULTS", "Fault", "FaultAction", "fault_names"]


@dataclass(frozen=True, slots=True)
class FaultAction:
    """What a fault does: a sense answer, a transport failure, or a timeout."""

    doc: str
    sense: tuple[int, int, int] | None = None
    applies_to: str = "any"  # medium (commands needing the medium), write, speed; "a+b" for both
    transport: str | None = None  # "gone" | "timeout" | "locked"


#: name -> action. Sense values from SPC-4 / MMC-6 as real drives report them.
FAULTS: dict[str, FaultAction] = {
    "no-medium": FaultAction("medium not present (2/3A/00)", (0x2, 0x3A, 0x00), "medium"),
    "becoming-ready": FaultAction("becoming ready (2/04/01)", (0x2, 0x04, 0x01), "medium"),
    "format-in-progress": FaultAction("format in progress (2/04/04)", (0x2, 0x04, 0x04), "medium"),
    "busy": FaultAction("long write in progress (2/04/08)", (0x2, 0x04, 0x08), "medium"),
    "upside-down": FaultAction("medium upside down: no reference position found (2/06/00)",
                               (0x2, 0x06, 0x00), "medium"),
    "write-protected": FaultAction("write protected (7/27/00)", (0x7, 0x27, 0x00), "write"),
    "speed-mismatch": FaultAction("speed class of the medium not supported: SET CD SPEED, SET STREAMING and "
                                  "power calibration fail (3/73/03)", (0x3, 0x73, 0x03), "write+speed"),
    "incompatible-medium": FaultAction("incompatible medium installed (2/30/00)", (0x2, 0x30, 0x00), "medium"),
    "timeout": FaultAction("the command does not complete: the transport times out", transport="timeout"),
    "device-gone": FaultAction("the device disappears: the transport fails (ENODEV)", transport="gone"),
    "locked": FaultAction("another initiator holds the device: RESERVATION CONFLICT status", transport="locked"),
    "loss-of-streaming": FaultAction("buffer underrun with BUFE off: WRITE fails (3/0C/09)", (0x3, 0x0C, 0x09),
                                     "write"),
    "write-error": FaultAction("write error at an LBA (3/0C/00, information = LBA)", (0x3, 0x0C, 0x00), "write"),
    # Real drives return fewer bytes than asked (the SG_IO residual): MMC-1 drives a page 2Ah
    # of 18 bytes and disc information without the OPC table, USB bridges cut answers.
    "short-answer": FaultAction("the answer of the command with opcode ``opcode`` (any when None) is cut "
                                "to ``length`` bytes, status GOOD", applies_to="answer"),
}


def fault_names() -> list[str]:
    return sorted(FAULTS)


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault.

    Raises:
        ValueError: unknown kind or negative counts.
    """

    kind: str
    count: int | None = 1
    after: int = 0
    lba: int | None = None
    opcode: int | None = None  # short-answer: the command it cuts
    length: int = 0  # short-answer: bytes left

    def __post_init__(self) -> None:
        if self.kind not in FAULTS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(fault_names())}")
        if self.count is not None and self.count < 1:
            raise ValueError("count is at least 1 (or None for a fault that stays)")
        if self.after < 0:
            raise ValueError("after must not be negative")

    @property
    def action(self) -> FaultAction:
        return FAULTS[self.kind]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Fault:
        return cls(str(value["kind"]), value.get("count"), int(value.get("after", 0)), value.get("lba"),
                   value.get("opcode"), int(value.get("length", 0)))


def matches(fault: Fault, category: str, lba_range: tuple[int, int] | None, opcode: int | None = None) -> bool:
    """Whether ``fault`` concerns a command of ``category`` ("medium", "write", "speed",
    "answer", "any") touching ``lba_range`` (first, end), with ``opcode``."""
    applies = fault.action.applies_to
    if fault.opcode is not None and opcode != fault.opcode:
        return False
    if (fault.action.transport is not None) != (category == "transport"):
        return False
    if category == "transport":
        return True
    if applies == "medium" and category in ("medium", "write"):
        return True
    if category not in applies.split("+"):
        return False
    if fault.lba is not None:
        return lba_range is not None and lba_range[0] <= fault.lba < lba_range[1]
    return True


def take(
    faults: list[dict[str, Any]], category: str, lba_range: tuple[int, int] | None = None, opcode: int | None = None
) -> Fault | None:
    """Find the first fault that fires for this command, updating ``faults`` in place
    (counting down ``after`` and ``count``, dropping spent faults)."""
    for i, raw in enumerate(faults):
        fault = Fault.from_json(raw)
        if not matches(fault, category, lba_range, opcode):
            continue
        if fault.after > 0:
            raw["after"] = fault.after - 1
            continue
        if fault.count is not None:
            if fault.count <= 1:
                del faults[i]
            else:
                raw["count"] = fault.count - 1
        return fault
    return None


def condition(fault: Fault, lba: int | None = None) -> CheckCondition:
    """The CHECK CONDITION a sense fault answers with."""
    assert fault.action.sense is not None
    key, asc, ascq = fault.action.sense
    info = fault.lba if fault.kind == "write-error" and fault.lba is not None else None
    return CheckCondition(key, asc, ascq, fault.action.doc, information=info)
