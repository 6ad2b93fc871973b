"""The shape every command codec follows, and the opcode registry.

Each command has a *request* class (a frozen, slotted dataclass of the CDB's fields) with

* ``to_command(timeout=...) -> Command``: the host side, build the CDB (and data-out);
* ``from_cdb(cdb) -> request`` (classmethod): the device side, parse a CDB strictly,
  raising :class:`InvalidCdbField` for a reserved bit or value MMC forbids;

and, where the command transfers data, an *answer* or *parameter* class with

* ``to_bytes() -> bytes``: the side that sends it (the device for an answer, the host for
  MODE SELECT / SEND CUE SHEET parameter lists);
* ``from_bytes(data) -> answer`` (classmethod): the side that receives it; forgiving of
  truncated answers where drives are known to truncate, strict otherwise
  (:class:`MalformedData`).

Request classes register themselves with :func:`register` so that a device (the virtual
recorder) and a trace decoder can go from an opcode to its codec.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, TypeVar

from openimapi.mmc.command import DEFAULT_TIMEOUT, Command

__all__ = [
    "DEFAULT_TIMEOUT",
    "InvalidCdbField",
    "MalformedData",
    "OPCODES",
    "Request",
    "check_cdb",
    "register",
]


class InvalidCdbField(ValueError):
    """A CDB (or parameter list) field holds a value the standard forbids.

    ``byte`` and ``bit`` locate the field, so a device can answer ILLEGAL REQUEST with
    INVALID FIELD IN CDB (5/24/00) or INVALID FIELD IN PARAMETER LIST (5/26/00) and a
    sense-key-specific field pointer.
    """

    def __init__(self, message: str, *, byte: int, bit: int | None = None, in_cdb: bool = True) -> None:
        super().__init__(message)
        self.byte = byte
        self.bit = bit
        self.in_cdb = in_cdb


class MalformedData(ValueError):
    """Answer or parameter data too short or inconsistent to decode."""


class Request(Protocol):
    """What every request class offers."""

    OPCODE: ClassVar[int]
    NAME: ClassVar[str]

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command: ...

    @classmethod
    def from_cdb(cls, cdb: bytes) -> Any: ...


#: opcode -> request class (for service-action commands, the class that dispatches).
OPCODES: dict[int, type[Any]] = {}

_T = TypeVar("_T")


def register(cls: type[_T]) -> type[_T]:
    """Class decorator: record a request class under its ``OPCODE``.

    Raises:
        ValueError: another class already holds that opcode.
    """
    opcode: int = getattr(cls, "OPCODE")  # noqa: B009 - checked protocol attribute
    if opcode in OPCODES and OPCODES[opcode] is not cls:
        raise ValueError(f"opcode {opcode:#04x} registered twice")
    OPCODES[opcode] = cls
    return cls


def check_cdb(cdb: bytes, opcode: int, length: int) -> bytes:
    """Common checks of ``from_cdb``: the opcode and the CDB length.

    Raises:
        InvalidCdbField: wrong opcode or length.
    """
    cdb = bytes(cdb)
    if len(cdb) != length:
        raise InvalidCdbField(f"CDB of opcode {opcode:#04x} is {length} bytes, got {len(cdb)}", byte=0)
    if cdb[0] != opcode:
        raise InvalidCdbField(f"expected opcode {opcode:#04x}, got {cdb[0]:#04x}", byte=0)
    return cdb
