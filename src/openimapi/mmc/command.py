"""The two values every transport exchanges: a frozen :class:`Command` in, a
:class:`Completion` out. No I/O here (sans-I/O, as h11 and libiscsi's tasks).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Command", "Completion", "Direction", "ScsiStatus", "DEFAULT_TIMEOUT"]

#: Seconds; IMAPI2_DEFAULT_COMMAND_TIMEOUT of imapi2.h.
DEFAULT_TIMEOUT = 10.0


class Direction(enum.Enum):
    """Direction of the data phase, seen from the host."""

    NONE = "none"
    IN = "in"  # device to host
    OUT = "out"  # host to device


class ScsiStatus(enum.IntEnum):
    """SCSI status byte values (SAM-5 5.3)."""

    GOOD = 0x00
    CHECK_CONDITION = 0x02
    CONDITION_MET = 0x04
    BUSY = 0x08
    RESERVATION_CONFLICT = 0x18
    TASK_SET_FULL = 0x28
    ACA_ACTIVE = 0x30
    TASK_ABORTED = 0x40


@dataclass(frozen=True, slots=True)
class Command:
    """One SCSI command: its CDB and its data phase.

    Give ``data_in_length`` for a command that reads from the device, ``data_out`` for one
    that sends data, neither for a command without a data phase.

    Raises:
        ValueError: the CDB length is not 6, 10, 12 or 16, or both data phases are given.
    """

    cdb: bytes
    data_in_length: int = 0
    data_out: bytes = b""
    timeout: float = DEFAULT_TIMEOUT
    name: str = ""

    def __post_init__(self) -> None:
        cdb = bytes(self.cdb)
        object.__setattr__(self, "cdb", cdb)
        object.__setattr__(self, "data_out", bytes(self.data_out))
        if len(cdb) not in (6, 10, 12, 16):
            raise ValueError(f"a CDB is 6, 10, 12 or 16 bytes, not {len(cdb)}")
        if self.data_in_length < 0:
            raise ValueError("data_in_length must not be negative")
        if self.data_in_length and self.data_out:
            raise ValueError("a command has one data phase: data_in_length or data_out")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    @property
    def opcode(self) -> int:
        return self.cdb[0]

    @property
    def direction(self) -> Direction:
        if self.data_out:
            return Direction.OUT
        if self.data_in_length:
            return Direction.IN
        return Direction.NONE

    @property
    def transfer_length(self) -> int:
        """Bytes of the data phase, whichever its direction."""
        return len(self.data_out) if self.data_out else self.data_in_length


@dataclass(frozen=True, slots=True)
class Completion:
    """What the device answered: SCSI status, sense bytes, data read, residual count.

    ``data`` holds the bytes actually transferred in (``data_in_length - residual``);
    ``sense`` is empty unless the status is CHECK CONDITION.
    """

    status: int = ScsiStatus.GOOD
    sense: bytes = b""
    data: bytes = b""
    residual: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sense", bytes(self.sense))
        object.__setattr__(self, "data", bytes(self.data))
        if not 0 <= self.status <= 0xFF:
            raise ValueError(f"status {self.status} is not a byte")
        if self.residual < 0:
            raise ValueError("residual must not be negative")

    @property
    def ok(self) -> bool:
        return self.status == ScsiStatus.GOOD

    @property
    def check_condition(self) -> bool:
        return self.status == ScsiStatus.CHECK_CONDITION
