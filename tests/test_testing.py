"""openimapi.testing: check_transport must catch each kind of non-conformance it names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openimapi import errors
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.sense import build_fixed_sense
from openimapi.testing import FakeClock, MinimalDrive, TransportReport, check_transport

Device = Callable[[Command], Completion]


class DeviceTransport:
    """An in-memory transport around a device function; its close/after-close behaviour
    can be broken on purpose."""

    address = "virtual:check"

    def __init__(self, device: Device, *, close_raises: bool = False, works_after_close: bool = False) -> None:
        self.device = device
        self.closed = False
        self.close_raises = close_raises
        self.works_after_close = works_after_close

    def execute(self, command: Command) -> Completion:
        if self.closed and not self.works_after_close:
            raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE("closed")
        return self.device(command)

    def close(self) -> None:
        if self.closed and self.close_raises:
            raise RuntimeError("already closed")
        self.closed = True

    def __enter__(self) -> DeviceTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def patched(override: Callable[[Command], Completion | None], **kw: bool) -> Callable[[], DeviceTransport]:
    """A factory for a MinimalDrive whose answers ``override`` may replace (None: keep)."""
    drive = MinimalDrive()

    def device(command: Command) -> Completion:
        answer = override(command)
        return answer if answer is not None else drive(command)

    return lambda: DeviceTransport(device, **kw)


def test_a_conformant_transport_passes_every_check() -> None:
    report = check_transport(lambda: DeviceTransport(MinimalDrive(medium=False)))
    assert isinstance(report, TransportReport)
    assert report.checks == (
        "protocol",
        "test-unit-ready",
        "inquiry",
        "residual",
        "unsupported-opcode",
        "invalid-field",
        "close-twice",
        "execute-after-close",
    )
    assert not report.ready and report.notes == ("test unit ready: NOT_READY 2/3A/00",)


@pytest.mark.parametrize(
    ("override", "check", "says"),
    [
        (lambda c: Completion() if c.opcode == 0xFF else None, "unsupported-opcode", "expected CHECK CONDITION"),
        (
            lambda c: Completion(data=MinimalDrive().inquiry_data[:36]) if c.cdb[2] else None,
            "invalid-field",
            "expected CHECK CONDITION",
        ),
        (
            lambda c: Completion(data=b"\x00" + bytes(35)) if c.opcode == 0x12 else None,
            "inquiry",
            "peripheral device type 0",
        ),
        (
            lambda c: Completion(data=b"\x05" + bytes(7) + b"\x01" * 28) if c.opcode == 0x12 else None,
            "inquiry",
            "not printable",
        ),
        (
            lambda c: Completion(data=MinimalDrive().inquiry_data[:96]) if c.data_in_length == 255 else None,
            "residual",
            "96 bytes of data + residual 0 != allocation 255",
        ),
        (
            lambda c: Completion(status=ScsiStatus.CHECK_CONDITION, sense=b"\x00\x01") if c.opcode == 0 else None,
            "test-unit-ready",
            "malformed sense",
        ),
        (lambda c: Completion(status=ScsiStatus.BUSY) if c.opcode == 0 else None, "test-unit-ready", "0x08"),
        (
            lambda c: Completion(status=ScsiStatus.CHECK_CONDITION, sense=build_fixed_sense(5, 0x24, 1), residual=36)
            if c.cdb[2]
            else None,
            "invalid-field",
            "expected sense 5/24/00, got 5/24/01",
        ),
    ],
)
def test_non_conformant_answers_fail_the_named_check(
    override: Callable[[Command], Completion | None], check: str, says: str
) -> None:
    with pytest.raises(AssertionError) as info:
        check_transport(patched(override))
    assert f"check_transport[{check}] on virtual:check" in str(info.value)
    assert says in str(info.value)


def test_close_that_raises_the_second_time_fails() -> None:
    with pytest.raises(AssertionError, match=r"\[close-twice\].*RuntimeError"):
        check_transport(lambda: DeviceTransport(MinimalDrive(), close_raises=True))


def test_execute_after_close_must_raise_a_transport_error() -> None:
    with pytest.raises(AssertionError, match=r"\[execute-after-close\].*did not raise"):
        check_transport(lambda: DeviceTransport(MinimalDrive(), works_after_close=True))


def test_an_exception_from_execute_fails_the_check_and_closes_the_transport() -> None:
    made: list[DeviceTransport] = []

    def boom(command: Command) -> Completion:
        raise errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST("gone")

    def factory() -> DeviceTransport:
        made.append(DeviceTransport(boom))
        return made[-1]

    with pytest.raises(AssertionError, match=r"\[test-unit-ready\].*raised HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST"):
        check_transport(factory)
    assert made[0].closed


def test_fake_clock() -> None:
    clock = FakeClock(10)
    assert clock() == clock.monotonic() == 10.0
    clock.sleep(1.5)
    clock.advance(0.5)
    assert clock() == 12.0 and clock.sleeps == [1.5]
    with pytest.raises(ValueError):
        clock.sleep(-1)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_minimal_drive_answers() -> None:
    drive = MinimalDrive(vendor="V", product="P", revision="R", inquiry_length=36)
    answer = drive(Command(bytes([0x12, 0, 0, 0, 255, 0]), data_in_length=255))
    assert answer.data[:9] == b"\x05\x80\x05\x02\x1f\x00\x00\x00V" and len(answer.data) == 36
    assert answer.residual == 219
    assert drive(Command(bytes([0x12, 1, 0, 0, 36, 0]), data_in_length=36)).check_condition  # no VPD
    assert drive(Command(bytes(10))).sense[12:14] == b"\x20\x00"  # a 10-byte opcode 00h is unknown
    with pytest.raises(ValueError):
        MinimalDrive(inquiry_length=35)
