"""Test doubles and conformance checks, public so that every backend and every user's tests
can use them (as trio ships ``trio.testing``).

* :func:`check_transport` runs the conformance checks every transport must pass (SG_IO,
  the virtual recorder, replay, iSCSI): what a correct SCSI device and a correct transport
  answer to a handful of commands, and how closing behaves.
* :class:`FakeClock`: a monotonic clock and a ``sleep`` that only advance when told.
* :class:`MinimalDrive`: the smallest device that passes :func:`check_transport` (TEST
  UNIT READY, INQUIRY; every other opcode is INVALID COMMAND OPERATION CODE), a device
  function for fake transports.
* :class:`FakeSgKernel`: stands in for ``fcntl.ioctl`` under
  :class:`openimapi.transport.sgio.SgTransport`, reading and filling the ``sg_io_hdr`` in
  memory as the kernel does and handing each command to a device function, so the whole
  SG_IO command path runs without a drive.

The transport contract checked here (a backend must honour all of it):

* ``execute`` returns a :class:`~openimapi.mmc.Completion` whose ``status`` is an int,
  ``sense``/``data`` are bytes and ``residual`` an int; CHECK CONDITION is a completion
  with well-formed sense, never an exception;
* for data-in, ``len(data) + residual == data_in_length``;
* ``close()`` may be called any number of times;
* ``execute`` after ``close`` raises :class:`~openimapi.errors.TransportError` (the
  backends of openimapi raise ``HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE``).
"""

from __future__ import annotations

import ctypes
import errno as errno_mod
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openimapi import errors
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.codec import MalformedData
from openimapi.mmc.sense import build_fixed_sense, decode_sense
from openimapi.mmc.spc import Inquiry, InquiryData, TestUnitReady
from openimapi.transport import Transport
from openimapi.transport.sgio import (
    DRIVER_SENSE,
    SG_DXFER_FROM_DEV,
    SG_DXFER_NONE,
    SG_DXFER_TO_DEV,
    SG_GET_VERSION_NUM,
    SG_INFO_CHECK,
    SG_IO,
    SgIoHdr,
)

__all__ = [
    "FakeClock",
    "FakeSgKernel",
    "MinimalDrive",
    "TransportReport",
    "UNSUPPORTED_OPCODE",
    "check_transport",
]

#: A vendor-specific opcode (group 7, SPC-4 4.2.5.1) no MMC drive is expected to implement.
UNSUPPORTED_OPCODE = 0xFF


class FakeClock:
    """A monotonic clock that advances only through :meth:`sleep` or :meth:`advance`.

    Call the instance (or :meth:`monotonic`) for the time; pass :meth:`sleep` where code
    takes a ``sleep`` function. ``sleeps`` records every requested sleep.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance by ``seconds`` at once.

        Raises:
            ValueError: ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        """Move the clock forward without recording a sleep.

        Raises:
            ValueError: ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        self.now += seconds


Device = Callable[[Command], Completion]


class MinimalDrive:
    """A device function answering like an MMC drive to TEST UNIT READY and INQUIRY only.

    TEST UNIT READY answers GOOD, or NOT READY / MEDIUM NOT PRESENT (02/3A/00) when
    ``medium`` is false. INQUIRY returns standard data (peripheral device type 5, the
    given identity, ``inquiry_length`` bytes in all) truncated to the allocation length;
    EVPD=0 with a page code, or EVPD=1 (no vital product data here), answers 5/24/00.
    Every other opcode answers 5/20/00. It emulates nothing else: no media, no sense
    retention for REQUEST SENSE, no unit attentions. ``commands`` lists what it received.
    """

    def __init__(
        self,
        *,
        vendor: str = "OPENIMAP",
        product: str = "MINIMAL DRIVE",
        revision: str = "1.0",
        medium: bool = True,
        inquiry_length: int = 96,
    ) -> None:
        if not 36 <= inquiry_length <= 255:
            raise ValueError("standard INQUIRY data is 36..255 bytes")
        self.medium = medium
        self.commands: list[Command] = []
        data = bytearray(inquiry_length)
        data[0] = 0x05
        data[1] = 0x80  # removable medium
        data[2] = 0x05  # SPC-3
        data[3] = 0x02  # response data format 2
        data[4] = inquiry_length - 5
        data[8:16] = vendor.encode("ascii")[:8].ljust(8)
        data[16:32] = product.encode("ascii")[:16].ljust(16)
        data[32:36] = revision.encode("ascii")[:4].ljust(4)
        self.inquiry_data = bytes(data)

    @staticmethod
    def _check(command: Command, key: int, asc: int, ascq: int) -> Completion:
        """CHECK CONDITION: nothing transferred, so the residual is the whole allocation."""
        return Completion(
            status=ScsiStatus.CHECK_CONDITION,
            sense=build_fixed_sense(key, asc, ascq),
            residual=command.data_in_length,
        )

    def __call__(self, command: Command) -> Completion:
        self.commands.append(command)
        cdb = command.cdb
        if cdb[0] == 0x00 and len(cdb) == 6:
            return Completion() if self.medium else self._check(command, 0x2, 0x3A, 0x00)
        if cdb[0] == 0x12 and len(cdb) == 6:
            if cdb[1] & 0x01 or cdb[2]:
                return self._check(command, 0x5, 0x24, 0x00)
            allocation = int.from_bytes(cdb[3:5], "big")
            data = self.inquiry_data[: min(allocation, command.data_in_length)]
            return Completion(data=data, residual=command.data_in_length - len(data))
        return self._check(command, 0x5, 0x20, 0x00)


@dataclass
class _Failure:
    errno: int = 0
    host_status: int = 0
    driver_status: int = 0


class FakeSgKernel:
    """A fake ``ioctl`` for :class:`~openimapi.transport.sgio.SgTransport`.

    For ``SG_IO`` it checks the header as the kernel does (interface id ``'S'``, CDB length,
    direction), reads the CDB and data-out from the caller's memory, calls ``device`` with
    the resulting :class:`~openimapi.mmc.Command`, and writes status, sense, data-in,
    residual, duration and info back into the caller's buffers. ``SG_GET_VERSION_NUM``
    answers ``version``. :meth:`fail_next` makes the next SG_IO fail with an errno or a
    host/driver status. ``commands`` lists every command received.
    """

    def __init__(self, device: Device, *, version: int = 30536) -> None:
        self.device = device
        self.version = version
        self.commands: list[Command] = []
        self.headers: list[dict[str, int]] = []
        self._failures: list[_Failure] = []

    def fail_next(self, *, errno: int = 0, host_status: int = 0, driver_status: int = 0) -> None:
        """Make the next SG_IO raise ``OSError(errno)`` or complete with these statuses."""
        self._failures.append(_Failure(errno, host_status, driver_status))

    def __call__(self, fd: int, request: int, arg: Any) -> int:
        if request == SG_GET_VERSION_NUM:
            arg.value = self.version
            return 0
        if request != SG_IO:
            raise OSError(errno_mod.ENOTTY, "Inappropriate ioctl for device")
        hdr: SgIoHdr = arg
        if hdr.interface_id != ord("S"):
            raise OSError(errno_mod.ENOSYS, "bad interface id")
        if hdr.cmd_len not in (6, 10, 12, 16) or not hdr.cmdp:
            raise OSError(errno_mod.EINVAL, "bad CDB")
        self.headers.append({f[0]: getattr(hdr, f[0]) for f in SgIoHdr._fields_})
        cdb = ctypes.string_at(hdr.cmdp, hdr.cmd_len)
        length = int(hdr.dxfer_len)
        timeout = max(hdr.timeout, 1) / 1000
        if hdr.dxfer_direction == SG_DXFER_FROM_DEV:
            command = Command(cdb, data_in_length=length, timeout=timeout)
        elif hdr.dxfer_direction == SG_DXFER_TO_DEV:
            command = Command(cdb, data_out=ctypes.string_at(hdr.dxferp, length), timeout=timeout)
        elif hdr.dxfer_direction == SG_DXFER_NONE:
            command = Command(cdb, timeout=timeout)
        else:
            raise OSError(errno_mod.EINVAL, "bad data direction")
        self.commands.append(command)
        failure = self._failures.pop(0) if self._failures else _Failure()
        if failure.errno:
            raise OSError(failure.errno, "fake kernel failure")
        if failure.host_status or failure.driver_status:
            hdr.status = hdr.masked_status = hdr.sb_len_wr = 0
            hdr.host_status = failure.host_status
            hdr.driver_status = failure.driver_status
            hdr.resid = length
            hdr.info = SG_INFO_CHECK
            return 0
        completion = self.device(command)
        data = b""
        if hdr.dxfer_direction == SG_DXFER_FROM_DEV:
            data = completion.data[:length]
            if data:
                ctypes.memmove(hdr.dxferp, data, len(data))
            resid = length - len(data)
        else:
            resid = min(completion.residual, length)
        sense = completion.sense[: hdr.mx_sb_len] if hdr.sbp else b""
        if sense:
            ctypes.memmove(hdr.sbp, sense, len(sense))
        hdr.status = completion.status
        hdr.masked_status = (completion.status >> 1) & 0x7F
        hdr.msg_status = 0
        hdr.sb_len_wr = len(sense)
        hdr.host_status = 0
        hdr.driver_status = DRIVER_SENSE if sense else 0
        hdr.resid = resid
        hdr.duration = 1
        hdr.info = SG_INFO_CHECK if completion.status or sense else 0
        return 0


@dataclass(frozen=True, slots=True)
class TransportReport:
    """What :func:`check_transport` found: the checks passed, in order, and the identity
    of the device (INQUIRY vendor, product, revision) and whether it was ready."""

    address: str
    checks: tuple[str, ...]
    vendor: str
    product: str
    revision: str
    ready: bool
    notes: tuple[str, ...] = field(default=())


_PRINTABLE = set(string.printable.encode()) - set(b"\t\n\r\x0b\x0c")


class _Checker:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.current = "open"

    def fail(self, message: str) -> AssertionError:
        return AssertionError(f"check_transport[{self.current}] on {self.transport.address}: {message}")

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            raise self.fail(message)

    def run(self, command: Command) -> Completion:
        try:
            completion = self.transport.execute(command)
        except Exception as exc:
            raise self.fail(f"execute({command.cdb.hex()}) raised {type(exc).__name__}: {exc}") from exc
        self.expect(isinstance(completion, Completion), f"execute returned {type(completion).__name__}, not Completion")
        self.expect(type(completion.status) in (int, ScsiStatus), "Completion.status is not an int")
        self.expect(isinstance(completion.sense, bytes), "Completion.sense is not bytes")
        self.expect(isinstance(completion.data, bytes), "Completion.data is not bytes")
        self.expect(isinstance(completion.residual, int), "Completion.residual is not an int")
        if command.data_in_length:
            self.expect(
                len(completion.data) + completion.residual == command.data_in_length,
                f"{len(completion.data)} bytes of data + residual {completion.residual} "
                f"!= allocation {command.data_in_length}",
            )
        else:
            self.expect(completion.data == b"", "data returned for a command without data-in")
        if completion.status == ScsiStatus.GOOD:
            self.expect(completion.sense == b"", "sense bytes with status GOOD")
        return completion

    def expect_sense(self, completion: Completion, triple: tuple[int, int, int], what: str) -> None:
        self.expect(
            completion.status == ScsiStatus.CHECK_CONDITION,
            f"{what}: expected CHECK CONDITION, got status {completion.status:#04x}",
        )
        sense = decode_sense(completion.sense)
        self.expect(sense is not None, f"{what}: malformed sense {completion.sense.hex()}")
        assert sense is not None
        got = (sense.key, sense.asc, sense.ascq)
        self.expect(
            got == triple,
            f"{what}: expected sense {triple[0]:X}/{triple[1]:02X}/{triple[2]:02X}, "
            f"got {got[0]:X}/{got[1]:02X}/{got[2]:02X}",
        )


def check_transport(factory: Callable[[], Transport]) -> TransportReport:
    """Run the transport conformance checks on ``factory()``, a freshly opened transport to
    an optical drive that may or may not hold a medium. The transport is closed at the end.

    Checks, in order: the object is a Transport; TEST UNIT READY answers GOOD or CHECK
    CONDITION with well-formed sense; INQUIRY (36) gives peripheral device type 5 and
    printable vendor, product and revision; INQUIRY with a 255-byte allocation reports a
    residual consistent with the data; a vendor-specific opcode answers 5/20/00 (INVALID
    COMMAND OPERATION CODE); INQUIRY with EVPD=0 and a page code answers 5/24/00 (INVALID
    FIELD IN CDB, SPC-4 6.6.1); completions are well typed throughout; ``close()`` twice is
    harmless; ``execute`` after ``close`` raises TransportError.

    Raises:
        AssertionError: a check failed; the message names it.
    """
    transport = factory()
    checker = _Checker(transport)
    passed: list[str] = []
    notes: list[str] = []
    try:
        checker.current = "protocol"
        checker.expect(isinstance(transport, Transport), f"{type(transport).__name__} is not a Transport")
        checker.expect(isinstance(transport.address, str) and bool(transport.address), "address is not a string")
        passed.append(checker.current)

        checker.current = "test-unit-ready"
        # A unit attention is reported once: on one, ask again so the answer is the state.
        for _ in range(2):
            tur = checker.run(TestUnitReady().to_command())
            checker.expect(
                tur.status in (ScsiStatus.GOOD, ScsiStatus.CHECK_CONDITION),
                f"status {tur.status:#04x} is neither GOOD nor CHECK CONDITION",
            )
            if tur.status == ScsiStatus.GOOD:
                break
            sense = decode_sense(tur.sense)
            checker.expect(sense is not None, f"CHECK CONDITION with malformed sense {tur.sense.hex()!r}")
            notes.append(f"test unit ready: {sense}")
            if sense is not None and sense.key != 0x6:
                break
        ready = tur.status == ScsiStatus.GOOD
        passed.append(checker.current)

        checker.current = "inquiry"
        inq = checker.run(Inquiry(allocation_length=36).to_command())
        checker.expect(inq.status == ScsiStatus.GOOD, f"INQUIRY answered status {inq.status:#04x}")
        checker.expect(len(inq.data) >= 36, f"INQUIRY returned {len(inq.data)} bytes, not 36")
        checker.expect(inq.data[0] & 0xE0 == 0, f"peripheral qualifier {inq.data[0] >> 5} is not 0 (connected)")
        checker.expect(inq.data[0] & 0x1F == 5, f"peripheral device type {inq.data[0] & 0x1F} is not 5 (MMC)")
        for name, span in (("vendor", inq.data[8:16]), ("product", inq.data[16:32]), ("revision", inq.data[32:36])):
            checker.expect(all(b in _PRINTABLE for b in span), f"{name} {span!r} is not printable ASCII")
        try:
            identity = InquiryData.from_bytes(inq.data)
        except MalformedData as exc:
            raise checker.fail(f"standard INQUIRY data does not decode: {exc}") from exc
        vendor, product, revision = identity.vendor, identity.product, identity.revision
        passed.append(checker.current)

        checker.current = "residual"
        big = checker.run(Inquiry(allocation_length=255).to_command())
        checker.expect(big.status == ScsiStatus.GOOD, f"INQUIRY(255) answered status {big.status:#04x}")
        answer_length = big.data[4] + 5 if len(big.data) > 4 else 0
        checker.expect(
            len(big.data) >= min(255, answer_length) and len(big.data) >= 36,
            f"INQUIRY(255) returned {len(big.data)} bytes but the answer is {answer_length} bytes long",
        )
        checker.expect(big.data[:36] == inq.data[:36], "INQUIRY(255) and INQUIRY(36) disagree on the first 36 bytes")
        if answer_length < 255:
            checker.expect(big.residual > 0, "an answer shorter than the allocation left no residual")
        passed.append(checker.current)

        checker.current = "unsupported-opcode"
        bad_op = checker.run(Command(bytes([UNSUPPORTED_OPCODE, 0, 0, 0, 0, 0]), name="VENDOR SPECIFIC"))
        checker.expect_sense(bad_op, (0x5, 0x20, 0x00), f"opcode {UNSUPPORTED_OPCODE:#04x}")
        passed.append(checker.current)

        checker.current = "invalid-field"
        # hand-built: the codec refuses to build this invalid CDB
        bad_field = checker.run(Command(bytes([0x12, 0, 0x80, 0, 36, 0]), data_in_length=36, name="INQUIRY"))
        checker.expect_sense(bad_field, (0x5, 0x24, 0x00), "INQUIRY EVPD=0 with page code 80h")
        passed.append(checker.current)
    except BaseException:
        transport.close()
        raise

    checker.current = "close-twice"
    try:
        transport.close()
        transport.close()
    except Exception as exc:
        raise checker.fail(f"close() raised {type(exc).__name__}: {exc}") from exc
    passed.append(checker.current)

    checker.current = "execute-after-close"
    try:
        transport.execute(TestUnitReady().to_command())
    except errors.TransportError:
        pass
    except Exception as exc:
        raise checker.fail(f"raised {type(exc).__name__}, not a TransportError: {exc}") from exc
    else:
        raise checker.fail("execute after close() did not raise")
    passed.append(checker.current)

    return TransportReport(
        address=transport.address,
        checks=tuple(passed),
        vendor=vendor,
        product=product,
        revision=revision,
        ready=ready,
        notes=tuple(notes),
    )
