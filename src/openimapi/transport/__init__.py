"""Transports: the one place where a :class:`~openimapi.mmc.Command` meets a device.

A transport executes exactly the command it is given and returns the device's
:class:`~openimapi.mmc.Completion`; it never interprets the answer (a CHECK CONDITION is a
completion, not an exception). :func:`openimapi.testing.check_transport` checks a backend
against this contract. Failures of the path itself (ioctl error, device gone,
timeout) raise :class:`~openimapi.errors.TransportError`.

Addresses are checked strictly and name a backend, which is imported only when used
(as python-can does with its interfaces):

=========================  ============================================================
address                    backend
=========================  ============================================================
``sg:/dev/srN``            Linux SG_IO on an optical drive (also ``sg:/dev/sgN``)
``virtual:NAME``           the virtual recorder NAME of ``$OPENIMAPI_HOME/drives``
``trace:ADDRESS``          wraps ADDRESS, recording every command, sense and timing
``replay:FILE``            replays a trace recorded by ``trace:`` (for tests)
``iscsi://HOST[:PORT]/IQN/LUN``  an iSCSI target (reserved)
=========================  ============================================================
"""

from __future__ import annotations

import abc
import importlib
import re
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, runtime_checkable

from openimapi.mmc import Command, Completion

__all__ = [
    "Address",
    "BACKENDS",
    "Transport",
    "TransportBase",
    "open",
    "parse_address",
    "register_backend",
]


@runtime_checkable
class Transport(Protocol):
    """What every backend provides."""

    @property
    def address(self) -> str:
        """The address this transport was opened with (a drive's unique id)."""
        ...

    def execute(self, command: Command) -> Completion:
        """Run one command and return the device's answer.

        Raises:
            TransportError: the command could not be delivered or its answer not received,
                or the transport is closed (openimapi's backends raise
                HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE then).
            DeviceTimeoutError: the device did not complete in ``command.timeout`` seconds.
        """
        ...

    def close(self) -> None:
        """Release the device; closing twice is harmless."""
        ...

    def __enter__(self) -> Transport: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class TransportBase(abc.ABC):
    """Context-manager plumbing shared by the backends; each defines ``close``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the device; closing twice is harmless."""

    def __enter__(self) -> TransportBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed transport address: ``scheme`` and the scheme-specific ``target``."""

    scheme: str
    target: str

    def __str__(self) -> str:
        if self.scheme == "iscsi":
            return f"iscsi://{self.target}"
        return f"{self.scheme}:{self.target}"


_SG_PATH = re.compile(r"/dev/(sr|sg|scd)\d+")
_VIRTUAL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ISCSI = re.compile(r"[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/[^/\s]+/\d+")


def parse_address(address: str) -> Address:
    """Check and split a transport address.

    Raises:
        ValueError: the address is malformed or names no known backend.
    """
    if not isinstance(address, str) or not address:
        raise ValueError("a transport address is a non-empty string such as 'sg:/dev/sr0'")
    if address.startswith("iscsi://"):
        target = address[len("iscsi://") :]
        if not _ISCSI.fullmatch(target):
            raise ValueError(f"{address!r}: expected iscsi://HOST[:PORT]/TARGET-IQN/LUN")
        return Address("iscsi", target)
    scheme, sep, target = address.partition(":")
    if not sep:
        raise ValueError(f"{address!r}: an address starts with a scheme, e.g. 'sg:/dev/sr0'")
    if scheme == "sg":
        if not _SG_PATH.fullmatch(target):
            raise ValueError(f"{address!r}: expected sg:/dev/srN or sg:/dev/sgN")
    elif scheme == "virtual":
        if not _VIRTUAL_NAME.fullmatch(target):
            raise ValueError(
                f"{address!r}: a virtual drive name is 1-64 letters, digits, '.', '_' or '-'"
            )
    elif scheme == "trace":
        parse_address(target)
    elif scheme == "replay":
        if not target:
            raise ValueError(f"{address!r}: expected replay:PATH-OF-A-TRACE")
    elif scheme not in BACKENDS:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"{address!r}: unknown transport {scheme!r} (known: {known})")
    return Address(scheme, target)


#: scheme -> "module:function" opening that backend; imported on first use.
BACKENDS: dict[str, str] = {
    "sg": "openimapi.transport.sgio:open_sg",
    "virtual": "openimapi.virtual.transport:open_virtual",
    "trace": "openimapi.transport.trace:open_trace",
    "replay": "openimapi.transport.trace:open_replay",
    "iscsi": "openimapi.transport.iscsi:open_iscsi",
}


def register_backend(scheme: str, opener: str) -> None:
    """Register ``"module:function"`` as the opener of ``scheme:`` addresses."""
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        raise ValueError(f"bad scheme {scheme!r}")
    BACKENDS[scheme] = opener


def open(address: str) -> Transport:
    """Open the transport an address names.

    Raises:
        ValueError: the address is malformed.
        TransportError: the backend could not open the device.
    """
    parsed = parse_address(address)
    module_name, _, func_name = BACKENDS[parsed.scheme].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise ValueError(f"{address!r}: the {parsed.scheme!r} transport is not available") from exc
        raise
    opener = getattr(module, func_name)
    transport: Transport = opener(parsed)
    return transport
