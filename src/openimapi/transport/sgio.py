"""Linux SG_IO: the backend that drives real optical drives (``sg:/dev/srN``, ``sg:/dev/sgN``).

One :class:`~openimapi.mmc.Command` becomes one ``ioctl(fd, SG_IO, sg_io_hdr)`` (the sg
version 3 interface, ``<scsi/sg.h>``), which both the sr block driver and the sg character
driver accept. The header is a :mod:`ctypes` structure with the kernel's layout; the CDB,
data and sense buffers are ctypes arrays kept alive for the duration of the call.

What the kernel reports is sorted by whose fault it is:

* the device's SCSI status (GOOD, CHECK CONDITION with its sense, BUSY, ...) is a
  :class:`~openimapi.mmc.Completion`, never an exception;
* ``host_status`` / ``driver_status`` (the adapter or the driver failed to deliver the
  command) and ``errno`` of the ioctl are :class:`~openimapi.errors.TransportError`\\ s:
  a device that is gone is ``HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)``, a timeout is
  ``E_IMAPI_RECORDER_COMMAND_TIMEOUT`` (also a :class:`TimeoutError`), missing permission
  is ``E_ACCESS_DENIED`` with a message about the ``cdrom`` group.

The device is opened ``O_RDWR | O_NONBLOCK``: non-blocking so that an empty drive or an
open tray opens at all (without it the cdrom driver answers ENOMEDIUM). When write access
is refused the device is opened read-only instead; the kernel then lets only commands that
cannot change the medium through (INQUIRY, READ, GET CONFIGURATION, ...) and refuses the
others with EPERM, which :meth:`SgTransport.execute` reports as ``E_ACCESS_DENIED``.

The ``ioctl`` and ``opener`` callables are injectable so that tests drive the whole command
path with a fake kernel that fills the header as the real one does.
"""

from __future__ import annotations

import ctypes
import errno as errno_mod
import fcntl
import math
import os
import threading
from collections.abc import Callable
from typing import Any, Final

from openimapi import errors
from openimapi.mmc import Command, Completion, Direction, ScsiStatus
from openimapi.transport import Address, TransportBase, parse_address

__all__ = [
    "DRIVER_SENSE",
    "DRIVER_TIMEOUT",
    "DID_NO_CONNECT",
    "DID_OK",
    "DID_TIME_OUT",
    "IoctlFunction",
    "OpenFunction",
    "SENSE_BUFFER_LENGTH",
    "SG_DXFER_FROM_DEV",
    "SG_DXFER_NONE",
    "SG_DXFER_TO_DEV",
    "SG_GET_VERSION_NUM",
    "SG_INFO_CHECK",
    "SG_IO",
    "SgIoHdr",
    "SgTransport",
    "open_sg",
]

# <scsi/sg.h>
SG_IO: Final = 0x2285
SG_GET_VERSION_NUM: Final = 0x2282
SG_DXFER_NONE: Final = -1
SG_DXFER_TO_DEV: Final = -2
SG_DXFER_FROM_DEV: Final = -3
SG_INFO_OK_MASK: Final = 0x1
SG_INFO_CHECK: Final = 0x1
#: SPC-4 4.5.1: sense data is at most 252 bytes.
SENSE_BUFFER_LENGTH: Final = 252
#: sg version 3 (30000) introduced sg_io_hdr.
_MIN_SG_VERSION: Final = 30000
_MAX_TIMEOUT_MS: Final = 0xFFFFFFFF
#: dxfer_len is an unsigned int and resid an int: keep transfers below 2 GiB. (The
#: adapter's own limit, max_sectors_kb, is far lower: the kernel answers EINVAL/ENOMEM.)
_MAX_TRANSFER: Final = 0x7FFFFFFF

# host_status values (<scsi/scsi.h>, DID_*).
DID_OK: Final = 0x00
DID_NO_CONNECT: Final = 0x01
DID_BUS_BUSY: Final = 0x02
DID_TIME_OUT: Final = 0x03
DID_BAD_TARGET: Final = 0x04
_HOST_NAMES: Final = {
    0x00: "DID_OK",
    0x01: "DID_NO_CONNECT",
    0x02: "DID_BUS_BUSY",
    0x03: "DID_TIME_OUT",
    0x04: "DID_BAD_TARGET",
    0x05: "DID_ABORT",
    0x06: "DID_PARITY",
    0x07: "DID_ERROR",
    0x08: "DID_RESET",
    0x09: "DID_BAD_INTR",
    0x0A: "DID_PASSTHROUGH",
    0x0B: "DID_SOFT_ERROR",
    0x0C: "DID_IMM_RETRY",
    0x0D: "DID_REQUEUE",
    0x0E: "DID_TRANSPORT_DISRUPTED",
    0x0F: "DID_TRANSPORT_FAILFAST",
    0x10: "DID_TARGET_FAILURE",
    0x11: "DID_NEXUS_FAILURE",
    0x12: "DID_ALLOC_FAILURE",
    0x13: "DID_MEDIUM_ERROR",
}
#: host statuses meaning the device is no longer reachable.
_HOST_GONE: Final = frozenset({DID_NO_CONNECT, DID_BAD_TARGET, 0x0F})

# driver_status: low nibble is the driver byte, high nibble the (obsolete) suggestion.
DRIVER_OK: Final = 0x00
DRIVER_TIMEOUT: Final = 0x06
DRIVER_SENSE: Final = 0x08
_DRIVER_NAMES: Final = {
    0x0: "DRIVER_OK",
    0x1: "DRIVER_BUSY",
    0x2: "DRIVER_SOFT",
    0x3: "DRIVER_MEDIA",
    0x4: "DRIVER_ERROR",
    0x5: "DRIVER_INVALID",
    0x6: "DRIVER_TIMEOUT",
    0x7: "DRIVER_HARD",
    0x8: "DRIVER_SENSE",
}

_GONE_ERRNOS: Final = frozenset({errno_mod.ENODEV, errno_mod.ENXIO, errno_mod.ENOENT})
_DENIED_ERRNOS: Final = frozenset({errno_mod.EACCES, errno_mod.EPERM})

_PERMISSION_HINT: Final = (
    "add your user to the group owning the device (usually 'cdrom': "
    "sudo usermod -aG cdrom $USER, then log in again) or give it access with a udev rule"
)


class SgIoHdr(ctypes.Structure):
    """``struct sg_io_hdr`` of ``<scsi/sg.h>`` (88 bytes on x86-64)."""

    _fields_ = [
        ("interface_id", ctypes.c_int),
        ("dxfer_direction", ctypes.c_int),
        ("cmd_len", ctypes.c_ubyte),
        ("mx_sb_len", ctypes.c_ubyte),
        ("iovec_count", ctypes.c_ushort),
        ("dxfer_len", ctypes.c_uint),
        ("dxferp", ctypes.c_void_p),
        ("cmdp", ctypes.c_void_p),
        ("sbp", ctypes.c_void_p),
        ("timeout", ctypes.c_uint),
        ("flags", ctypes.c_uint),
        ("pack_id", ctypes.c_int),
        ("usr_ptr", ctypes.c_void_p),
        ("status", ctypes.c_ubyte),
        ("masked_status", ctypes.c_ubyte),
        ("msg_status", ctypes.c_ubyte),
        ("sb_len_wr", ctypes.c_ubyte),
        ("host_status", ctypes.c_ushort),
        ("driver_status", ctypes.c_ushort),
        ("resid", ctypes.c_int),
        ("duration", ctypes.c_uint),
        ("info", ctypes.c_uint),
    ]


#: ``ioctl(fd, request, arg)``; for SG_IO ``arg`` is the :class:`SgIoHdr` to fill in place,
#: for SG_GET_VERSION_NUM a ``ctypes.c_int``. Same contract as :func:`fcntl.ioctl`.
IoctlFunction = Callable[[int, int, Any], Any]
#: ``open(path, flags) -> fd``, as :func:`os.open`.
OpenFunction = Callable[[str, int], int]


def _kernel_ioctl(fd: int, request: int, arg: Any) -> Any:
    return fcntl.ioctl(fd, request, arg, True)


def _timeout_ms(seconds: float) -> int:
    return max(1, min(_MAX_TIMEOUT_MS, math.ceil(seconds * 1000)))


def _transport_error(
    cls: type[errors.TransportError], message: str, err: int | None = None
) -> errors.TransportError:
    exc = cls(message)
    if err is not None:
        exc.errno = err
        exc.strerror = os.strerror(err)
    return exc


class SgTransport(TransportBase):
    """An open SG_IO device. Use :func:`open_sg` (or ``openimapi.transport.open``).

    ``fd`` is owned by the transport and closed by :meth:`close`. ``execute`` is
    serialised by a lock: one command at a time, as the sg v3 interface is synchronous.
    """

    def __init__(
        self,
        fd: int,
        address: str,
        *,
        read_only: bool = False,
        ioctl: IoctlFunction = _kernel_ioctl,
        close_fd: Callable[[int], None] = os.close,
    ) -> None:
        self._fd: int | None = fd
        self._address = address
        self._read_only = read_only
        self._ioctl = ioctl
        self._close_fd = close_fd
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        return self._address

    @property
    def read_only(self) -> bool:
        """True when the device could only be opened for reading."""
        return self._read_only

    @property
    def closed(self) -> bool:
        return self._fd is None

    def __enter__(self) -> SgTransport:
        return self

    def __repr__(self) -> str:
        state = "closed" if self._fd is None else ("read-only" if self._read_only else "open")
        return f"<SgTransport {self._address} {state}>"

    def fileno(self) -> int:
        """The device's file descriptor.

        Raises:
            HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE: the transport is closed.
        """
        if self._fd is None:
            raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE(f"{self._address}: the transport is closed")
        return self._fd

    def close(self) -> None:
        """Close the device; closing twice is harmless."""
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            self._close_fd(fd)

    def execute(self, command: Command) -> Completion:
        """Send one command through SG_IO and return the device's answer.

        Raises:
            E_INVALIDARG: the transfer is 2 GiB or more (also a ValueError).
            HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE: the transport is closed.
            HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST: the device is gone (unplugged, no connect).
            E_IMAPI_RECORDER_COMMAND_TIMEOUT: no answer within ``command.timeout``.
            E_ACCESS_DENIED: the kernel refused the command (device opened read-only, or a
                command reserved to CAP_SYS_RAWIO).
            TransportError: any other failure of the ioctl, the adapter or the driver.
        """
        if command.transfer_length > _MAX_TRANSFER:
            raise errors.E_INVALIDARG(
                f"{self._address}: a {command.transfer_length}-byte transfer does not fit SG_IO "
                f"(at most {_MAX_TRANSFER}); split the command"
            )
        cdb_buf = (ctypes.c_ubyte * len(command.cdb)).from_buffer_copy(command.cdb)
        sense_buf = (ctypes.c_ubyte * SENSE_BUFFER_LENGTH)()
        direction = command.direction
        length = command.transfer_length
        data_buf: ctypes.Array[ctypes.c_char] | None = None
        if direction is Direction.IN:
            data_buf = ctypes.create_string_buffer(length)
            dxfer_direction = SG_DXFER_FROM_DEV
        elif direction is Direction.OUT:
            data_buf = ctypes.create_string_buffer(command.data_out, length)
            dxfer_direction = SG_DXFER_TO_DEV
        else:
            dxfer_direction = SG_DXFER_NONE
        hdr = SgIoHdr()
        hdr.interface_id = ord("S")
        hdr.dxfer_direction = dxfer_direction
        hdr.cmd_len = len(command.cdb)
        hdr.mx_sb_len = SENSE_BUFFER_LENGTH
        hdr.iovec_count = 0
        hdr.dxfer_len = length
        hdr.dxferp = ctypes.addressof(data_buf) if data_buf is not None else None
        hdr.cmdp = ctypes.addressof(cdb_buf)
        hdr.sbp = ctypes.addressof(sense_buf)
        hdr.timeout = _timeout_ms(command.timeout)
        hdr.flags = 0
        hdr.pack_id = 0
        hdr.usr_ptr = None

        with self._lock:
            fd = self.fileno()
            try:
                self._ioctl(fd, SG_IO, hdr)
            except OSError as exc:
                raise self._ioctl_error(command, exc) from exc

        self._check_host_and_driver(command, hdr)
        resid = max(0, min(int(hdr.resid), length))
        sense_len = min(int(hdr.sb_len_wr), SENSE_BUFFER_LENGTH)
        sense = ctypes.string_at(sense_buf, sense_len) if sense_len else b""
        status = int(hdr.status)
        if status == ScsiStatus.GOOD and (hdr.driver_status & 0x0F) == DRIVER_SENSE and sense:
            # Some adapters report CHECK CONDITION only through DRIVER_SENSE.
            status = ScsiStatus.CHECK_CONDITION
        data = b""
        if direction is Direction.IN and data_buf is not None:
            data = ctypes.string_at(data_buf, length - resid)
        if status != ScsiStatus.CHECK_CONDITION:
            sense = b""
        # For data-out the residual says how much was not sent; keep it as reported.
        return Completion(status=status, sense=sense, data=data, residual=resid)

    def _ioctl_error(self, command: Command, exc: OSError) -> errors.TransportError:
        err = exc.errno
        what = f"{self._address}: SG_IO of {command.name or f'opcode {command.opcode:#04x}'}"
        if err in _GONE_ERRNOS:
            return _transport_error(
                errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
                f"{what} failed: the device is gone ({exc.strerror})",
                err,
            )
        if err in _DENIED_ERRNOS:
            why = (
                "the device is open read-only, so the kernel lets only read commands through; "
                + _PERMISSION_HINT
                if self._read_only
                else "the kernel refused this command (it needs write access or CAP_SYS_RAWIO)"
            )
            return _transport_error(errors.E_ACCESS_DENIED, f"{what} was refused: {why}", err)
        if err == errno_mod.ETIMEDOUT:
            return _transport_error(
                errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT, f"{what} timed out after {command.timeout:g} s", err
            )
        if err == errno_mod.EBADF:
            return _transport_error(errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE, f"{what}: bad file descriptor", err)
        return _transport_error(errors.TransportError, f"{what} failed: {exc.strerror or exc}", err)

    def _check_host_and_driver(self, command: Command, hdr: SgIoHdr) -> None:
        host = int(hdr.host_status)
        driver = int(hdr.driver_status) & 0x0F
        if host == DID_OK and driver in (DRIVER_OK, DRIVER_SENSE):
            return
        what = f"{self._address}: {command.name or f'opcode {command.opcode:#04x}'}"
        host_name = _HOST_NAMES.get(host, f"host status {host:#x}")
        driver_name = _DRIVER_NAMES.get(driver, f"driver status {driver:#x}")
        if host == DID_TIME_OUT or driver == DRIVER_TIMEOUT:
            raise errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT(
                f"{what}: no answer within {command.timeout:g} s ({host_name}, {driver_name})"
            )
        if host in _HOST_GONE:
            raise errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST(f"{what}: the device is gone ({host_name})")
        raise errors.TransportError(f"{what}: the command was not delivered ({host_name}, {driver_name})")


def _open_fd(path: str, opener: OpenFunction, read_only: bool, exclusive: bool) -> tuple[int, bool]:
    base = os.O_NONBLOCK | os.O_CLOEXEC | (os.O_EXCL if exclusive else 0)
    attempts = [(os.O_RDONLY, True)] if read_only else [(os.O_RDWR, False), (os.O_RDONLY, True)]
    first_denied: OSError | None = None
    for mode, ro in attempts:
        try:
            return opener(path, mode | base), ro
        except OSError as exc:
            if exc.errno in _DENIED_ERRNOS or exc.errno == errno_mod.EROFS:
                first_denied = first_denied or exc
                continue
            if exc.errno in _GONE_ERRNOS:
                raise _transport_error(
                    errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
                    f"{path}: no such device ({exc.strerror}); is the drive connected?",
                    exc.errno,
                ) from exc
            if exc.errno == errno_mod.EBUSY:
                why = "another program has it open or mounted" if exclusive else "in use elsewhere?"
                raise _transport_error(
                    errors.IMAPI_E_DEVICE_NOTACCESSIBLE, f"{path}: the device is busy ({why})", exc.errno
                ) from exc
            raise _transport_error(
                errors.TransportError, f"{path}: cannot open ({exc.strerror or exc})", exc.errno
            ) from exc
    assert first_denied is not None
    raise _transport_error(
        errors.E_ACCESS_DENIED,
        f"{path}: permission denied; {_PERMISSION_HINT}",
        first_denied.errno,
    ) from first_denied


def open_sg(
    address: Address | str,
    *,
    read_only: bool = False,
    exclusive: bool = False,
    ioctl: IoctlFunction = _kernel_ioctl,
    opener: OpenFunction = os.open,
    close_fd: Callable[[int], None] = os.close,
) -> SgTransport:
    """Open ``sg:/dev/srN`` (or ``/dev/sgN``) for SG_IO.

    Opens read-write and non-blocking (an empty drive opens), falling back to read-only
    when write access is refused; ``read_only=True`` opens read-only straight away.
    ``exclusive=True`` adds ``O_EXCL``: the kernel then refuses the open (EBUSY) while
    another program has the drive open or a disc mounted, and others while we hold it.
    Checks that the device speaks sg version 3 (``SG_GET_VERSION_NUM``).

    Raises:
        ValueError: ``address`` is not an ``sg:`` address.
        HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST: the device node does not exist.
        E_ACCESS_DENIED: no permission, even read-only (the message explains the ``cdrom`` group).
        IMAPI_E_DEVICE_NOTACCESSIBLE: the device is busy (or, with ``exclusive``, open elsewhere).
        TransportError: the node is not a SCSI generic capable device, or another failure.
    """
    parsed = parse_address(address) if isinstance(address, str) else address
    if parsed.scheme != "sg":
        raise ValueError(f"{parsed}: not an sg: address")
    path = parsed.target
    fd, ro = _open_fd(path, opener, read_only, exclusive)
    try:
        version = ctypes.c_int(0)
        ioctl(fd, SG_GET_VERSION_NUM, version)
    except OSError as exc:
        close_fd(fd)
        raise _transport_error(
            errors.TransportError,
            f"{path}: not a SCSI device that accepts SG_IO ({exc.strerror or exc})",
            exc.errno,
        ) from exc
    if version.value < _MIN_SG_VERSION:
        close_fd(fd)
        raise errors.TransportError(f"{path}: sg driver version {version.value} is older than 3.0 (no SG_IO)")
    return SgTransport(fd, str(parsed), read_only=ro, ioctl=ioctl, close_fd=close_fd)
