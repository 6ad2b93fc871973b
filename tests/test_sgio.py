"""The SG_IO backend: the sg_io_hdr layout against the kernel ABI, and the whole command
path through a fake kernel (openimapi.testing.FakeSgKernel) that fills the header in memory."""

from __future__ import annotations

import ctypes
import errno
import os
import platform

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openimapi.transport
from openimapi import errors
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.sense import build_fixed_sense, decode_sense
from openimapi.testing import FakeSgKernel, MinimalDrive, check_transport
from openimapi.transport import sgio

# <scsi/sg.h> on x86-64 (LP64): offsets of struct sg_io_hdr as the kernel lays it out.
X86_64_OFFSETS = {
    "interface_id": 0,
    "dxfer_direction": 4,
    "cmd_len": 8,
    "mx_sb_len": 9,
    "iovec_count": 10,
    "dxfer_len": 12,
    "dxferp": 16,
    "cmdp": 24,
    "sbp": 32,
    "timeout": 40,
    "flags": 44,
    "pack_id": 48,
    "usr_ptr": 56,
    "status": 64,
    "masked_status": 65,
    "msg_status": 66,
    "sb_len_wr": 67,
    "host_status": 68,
    "driver_status": 70,
    "resid": 72,
    "duration": 76,
    "info": 80,
}


@pytest.mark.skipif(platform.machine() != "x86_64", reason="pins the x86-64 kernel ABI")
def test_sg_io_hdr_layout_matches_the_x86_64_kernel_abi() -> None:
    assert ctypes.sizeof(sgio.SgIoHdr) == 88
    offsets = {f[0]: getattr(sgio.SgIoHdr, f[0]).offset for f in sgio.SgIoHdr._fields_}
    assert offsets == X86_64_OFFSETS
    sizes = {f[0]: getattr(sgio.SgIoHdr, f[0]).size for f in sgio.SgIoHdr._fields_}
    assert sizes["dxferp"] == sizes["cmdp"] == sizes["sbp"] == sizes["usr_ptr"] == 8
    assert (sizes["cmd_len"], sizes["iovec_count"], sizes["host_status"], sizes["resid"]) == (1, 2, 2, 4)


def test_ioctl_numbers_and_directions() -> None:
    assert (sgio.SG_IO, sgio.SG_GET_VERSION_NUM) == (0x2285, 0x2282)
    assert (sgio.SG_DXFER_NONE, sgio.SG_DXFER_TO_DEV, sgio.SG_DXFER_FROM_DEV) == (-1, -2, -3)


class FakeNode:
    """An opener handing out real descriptors of /dev/null, recording the flags asked for."""

    def __init__(self, refuse: dict[int, int] | None = None) -> None:
        self.refuse = refuse or {}
        self.calls: list[tuple[str, int]] = []
        self.fds: list[int] = []

    def __call__(self, path: str, flags: int) -> int:
        self.calls.append((path, flags))
        mode = flags & os.O_ACCMODE
        if mode in self.refuse:
            raise OSError(self.refuse[mode], os.strerror(self.refuse[mode]), path)
        fd = os.open(os.devnull, os.O_RDONLY)
        self.fds.append(fd)
        return fd


def fd_is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


@pytest.fixture
def drive() -> MinimalDrive:
    return MinimalDrive(vendor="HL-DT-ST", product="BD-RE BH16NS40", revision="1.02", medium=False)


@pytest.fixture
def kernel(drive: MinimalDrive) -> FakeSgKernel:
    return FakeSgKernel(drive)


def open_fake(kernel: FakeSgKernel, node: FakeNode | None = None, **kw: bool) -> sgio.SgTransport:
    return sgio.open_sg("sg:/dev/sr0", ioctl=kernel, opener=node or FakeNode(), **kw)


def test_open_is_read_write_non_blocking_and_close_releases_the_fd(kernel: FakeSgKernel) -> None:
    node = FakeNode()
    t = open_fake(kernel, node)
    assert node.calls == [("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)]
    assert t.address == "sg:/dev/sr0" and not t.read_only and not t.closed
    assert isinstance(t, openimapi.transport.Transport)
    fd = t.fileno()
    assert fd_is_open(fd)
    t.close()
    t.close()
    assert t.closed and not fd_is_open(fd)


def test_inquiry_through_the_fake_kernel(kernel: FakeSgKernel) -> None:
    with open_fake(kernel) as t:
        c = t.execute(Command(bytes([0x12, 0, 0, 0, 36, 0]), data_in_length=36, timeout=7.5))
    assert c.status == ScsiStatus.GOOD and c.sense == b"" and c.residual == 0
    assert c.data[0] == 5 and c.data[8:16] == b"HL-DT-ST" and c.data[16:32] == b"BD-RE BH16NS40  "
    hdr = kernel.headers[-1]
    assert hdr["interface_id"] == ord("S")
    assert hdr["dxfer_direction"] == sgio.SG_DXFER_FROM_DEV
    assert (hdr["cmd_len"], hdr["mx_sb_len"], hdr["dxfer_len"], hdr["timeout"]) == (6, 252, 36, 7500)
    assert hdr["iovec_count"] == 0 and hdr["flags"] == 0
    assert kernel.commands[-1] == Command(bytes([0x12, 0, 0, 0, 36, 0]), data_in_length=36, timeout=7.5)


def test_residual_and_short_data(kernel: FakeSgKernel) -> None:
    with open_fake(kernel) as t:
        c = t.execute(Command(bytes([0x12, 0, 0, 0, 255, 0]), data_in_length=255))
    assert len(c.data) == 96 and c.residual == 255 - 96


def test_check_condition_is_a_completion_with_sense(kernel: FakeSgKernel) -> None:
    with open_fake(kernel) as t:
        c = t.execute(Command(bytes(6)))
    assert c.status == ScsiStatus.CHECK_CONDITION
    sense = decode_sense(c.sense)
    assert sense is not None and sense.triple == (2, 0x3A, 0)
    assert len(c.sense) == 18 and c.data == b""
    assert kernel.headers[-1]["dxfer_direction"] == sgio.SG_DXFER_NONE
    assert kernel.headers[-1]["dxfer_len"] == 0 and kernel.headers[-1]["dxferp"] is None


def test_data_out_reaches_the_device() -> None:
    received: list[bytes] = []

    def device(command: Command) -> Completion:
        received.append(command.data_out)
        return Completion()

    kernel = FakeSgKernel(device)
    payload = bytes(range(256)) * 8
    with open_fake(kernel) as t:
        c = t.execute(Command(bytes([0x55, 0x10, 0, 0, 0, 0, 0, 0x08, 0, 0]), data_out=payload))
    assert c.ok and c.data == b""
    assert received == [payload]
    assert kernel.headers[-1]["dxfer_direction"] == sgio.SG_DXFER_TO_DEV
    assert kernel.headers[-1]["dxfer_len"] == 2048


def test_sense_reported_only_through_driver_sense_counts_as_check_condition() -> None:
    sense = build_fixed_sense(0x6, 0x28, 0x00)

    def ioctl(fd: int, request: int, arg: object) -> int:
        if request == sgio.SG_GET_VERSION_NUM:
            arg.value = 30536  # type: ignore[attr-defined]
            return 0
        hdr = arg
        assert isinstance(hdr, sgio.SgIoHdr)
        ctypes.memmove(hdr.sbp, sense, len(sense))
        hdr.sb_len_wr = len(sense)
        hdr.status = 0
        hdr.driver_status = sgio.DRIVER_SENSE
        return 0

    with sgio.open_sg("sg:/dev/sg3", ioctl=ioctl, opener=FakeNode()) as t:
        c = t.execute(Command(bytes(6)))
    assert c.status == ScsiStatus.CHECK_CONDITION and c.sense == sense


def test_timeout_is_rounded_up_to_milliseconds(kernel: FakeSgKernel) -> None:
    with open_fake(kernel) as t:
        t.execute(Command(bytes(6), timeout=0.0001))
        t.execute(Command(bytes(6), timeout=3600))
    assert [h["timeout"] for h in kernel.headers] == [1, 3_600_000]


@pytest.mark.parametrize(
    ("host", "driver", "expected"),
    [
        (sgio.DID_NO_CONNECT, 0, errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        (sgio.DID_TIME_OUT, 0, errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
        (0, sgio.DRIVER_TIMEOUT, errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
        (0x07, 0, errors.TransportError),  # DID_ERROR
        (0, 0x04, errors.TransportError),  # DRIVER_ERROR
    ],
)
def test_host_and_driver_status_become_transport_errors(
    kernel: FakeSgKernel, host: int, driver: int, expected: type[errors.TransportError]
) -> None:
    kernel.fail_next(host_status=host, driver_status=driver)
    with open_fake(kernel) as t, pytest.raises(expected) as info:
        t.execute(Command(bytes(6), name="TEST UNIT READY"))
    assert type(info.value) is expected
    assert isinstance(info.value, OSError)
    assert "TEST UNIT READY" in str(info.value)


def test_timeout_is_also_a_builtin_timeout_error(kernel: FakeSgKernel) -> None:
    kernel.fail_next(host_status=sgio.DID_TIME_OUT)
    with open_fake(kernel) as t, pytest.raises(TimeoutError, match="within 10 s"):
        t.execute(Command(bytes(6)))


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        (errno.ENODEV, errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        (errno.ENXIO, errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST),
        (errno.ETIMEDOUT, errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT),
        (errno.EPERM, errors.E_ACCESS_DENIED),
        (errno.ENOMEM, errors.TransportError),
    ],
)
def test_ioctl_errno_becomes_a_transport_error(kernel: FakeSgKernel, err: int, expected: type[Exception]) -> None:
    kernel.fail_next(errno=err)
    with open_fake(kernel) as t, pytest.raises(expected) as info:
        t.execute(Command(bytes(6)))
    assert type(info.value) is expected
    assert info.value.errno == err  # type: ignore[attr-defined]


def test_read_only_fallback_and_refused_write_commands(kernel: FakeSgKernel) -> None:
    node = FakeNode(refuse={os.O_RDWR: errno.EACCES})
    t = open_fake(kernel, node)
    assert t.read_only
    assert [flags & os.O_ACCMODE for _, flags in node.calls] == [os.O_RDWR, os.O_RDONLY]
    assert all(flags & os.O_NONBLOCK for _, flags in node.calls)
    kernel.fail_next(errno=errno.EPERM)
    with pytest.raises(errors.E_ACCESS_DENIED, match="cdrom"):
        t.execute(Command(bytes([0x5B, 0, 0, 0, 0, 0, 0, 0, 0, 0])))
    t.close()


def test_read_only_on_request(kernel: FakeSgKernel) -> None:
    node = FakeNode()
    with open_fake(kernel, node, read_only=True) as t:
        assert t.read_only
    assert [flags & os.O_ACCMODE for _, flags in node.calls] == [os.O_RDONLY]


def test_permission_denied_explains_the_cdrom_group(kernel: FakeSgKernel) -> None:
    node = FakeNode(refuse={os.O_RDWR: errno.EACCES, os.O_RDONLY: errno.EACCES})
    with pytest.raises(errors.E_ACCESS_DENIED) as info:
        open_fake(kernel, node)
    assert "cdrom" in str(info.value) and "udev" in str(info.value)
    assert info.value.errno == errno.EACCES
    assert node.fds == []


def test_missing_node_is_device_not_present(kernel: FakeSgKernel) -> None:
    node = FakeNode(refuse={os.O_RDWR: errno.ENOENT})
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST, match="/dev/sr0"):
        open_fake(kernel, node)


def test_exclusive_open_adds_o_excl(kernel: FakeSgKernel) -> None:
    node = FakeNode()
    open_fake(kernel, node, exclusive=True).close()
    assert node.calls[0][1] & os.O_EXCL
    with pytest.raises(errors.IMAPI_E_DEVICE_NOTACCESSIBLE, match="open or mounted"):
        open_fake(kernel, FakeNode(refuse={os.O_RDWR: errno.EBUSY}), exclusive=True)


def test_busy_node(kernel: FakeSgKernel) -> None:
    with pytest.raises(errors.IMAPI_E_DEVICE_NOTACCESSIBLE):
        open_fake(kernel, FakeNode(refuse={os.O_RDWR: errno.EBUSY}))


def test_a_node_without_sg_io_is_refused_and_closed() -> None:
    def ioctl(fd: int, request: int, arg: object) -> int:
        raise OSError(errno.ENOTTY, "Inappropriate ioctl for device")

    node = FakeNode()
    with pytest.raises(errors.TransportError, match="SG_IO"):
        sgio.open_sg("sg:/dev/sr0", ioctl=ioctl, opener=node)
    assert not fd_is_open(node.fds[0])


def test_old_sg_driver_is_refused() -> None:
    node = FakeNode()
    with pytest.raises(errors.TransportError, match=r"older than 3\.0"):
        sgio.open_sg("sg:/dev/sg0", ioctl=FakeSgKernel(MinimalDrive(), version=20000), opener=node)
    assert not fd_is_open(node.fds[0])


def test_open_sg_checks_its_address() -> None:
    with pytest.raises(ValueError):
        sgio.open_sg("virtual:x")
    with pytest.raises(ValueError):
        sgio.open_sg("sg:/tmp/sr0")


def test_execute_after_close_raises_invalid_handle(kernel: FakeSgKernel) -> None:
    t = open_fake(kernel)
    t.close()
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE):
        t.execute(Command(bytes(6)))
    assert kernel.commands == []


def test_the_real_kernel_refuses_a_plain_file() -> None:
    """The default ioctl really is fcntl.ioctl: SG_GET_VERSION_NUM on /dev/null fails."""
    with pytest.raises(errors.TransportError, match="SG_IO"):
        sgio.open_sg("sg:/dev/sr0", opener=lambda path, flags: os.open(os.devnull, os.O_RDONLY))


@pytest.mark.parametrize("medium", [True, False])
def test_sg_transport_passes_the_conformance_checks(medium: bool) -> None:
    drive = MinimalDrive(medium=medium)
    report = check_transport(lambda: sgio.open_sg("sg:/dev/sr1", ioctl=FakeSgKernel(drive), opener=FakeNode()))
    assert report.ready is medium
    assert (report.vendor, report.product, report.revision) == ("OPENIMAP", "MINIMAL DRIVE", "1.0")
    assert report.checks[-1] == "execute-after-close"


# --- real hardware: pytest --hardware=/dev/srN -------------------------------------------


@pytest.mark.hardware
def test_hardware_conformance(hardware_device: str) -> None:
    report = check_transport(lambda: openimapi.transport.open(f"sg:{hardware_device}"))
    assert report.vendor


@pytest.mark.hardware
def test_hardware_read_only_commands(hardware_device: str) -> None:
    with openimapi.transport.open(f"sg:{hardware_device}") as t:
        # GET CONFIGURATION, RT=0, header only: data length and current profile.
        conf = t.execute(Command(bytes([0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0]), data_in_length=8))
        assert conf.status == ScsiStatus.GOOD and len(conf.data) == 8
        # MODE SENSE(10) page 2Ah header.
        mode = t.execute(Command(bytes([0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0, 8, 0]), data_in_length=8))
        assert mode.status == ScsiStatus.GOOD
        # GET EVENT STATUS NOTIFICATION, polled, media class.
        gesn = t.execute(Command(bytes([0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0]), data_in_length=8))
        assert gesn.status == ScsiStatus.GOOD
        tur = t.execute(Command(bytes(6)))
        if tur.ok:
            cap = t.execute(Command(bytes([0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0]), data_in_length=8))
            assert cap.status in (ScsiStatus.GOOD, ScsiStatus.CHECK_CONDITION)


def test_a_transfer_of_2_gib_is_refused_before_the_kernel(kernel: FakeSgKernel) -> None:
    with open_fake(kernel) as t, pytest.raises(errors.E_INVALIDARG) as info:
        t.execute(Command(bytes([0x28] + [0] * 9), data_in_length=0x80000000))
    assert isinstance(info.value, ValueError) and kernel.commands == []


@settings(max_examples=60, deadline=None)
@given(
    allocation=st.integers(1, 4096),
    answer=st.binary(max_size=5000),
    sense=st.binary(min_size=0, max_size=300),
    status=st.sampled_from([0x00, 0x02, 0x08, 0x18]),
)
def test_any_answer_keeps_the_completion_contract(allocation: int, answer: bytes, sense: bytes, status: int) -> None:
    """Whatever the device answers, data + residual == allocation and sense is at most 252
    bytes, only kept with CHECK CONDITION."""
    kernel = FakeSgKernel(lambda c: Completion(status=status, sense=sense, data=answer))
    with sgio.open_sg("sg:/dev/sr0", ioctl=kernel, opener=FakeNode()) as t:
        c = t.execute(Command(bytes([0x28] + [0] * 9), data_in_length=allocation))
    assert len(c.data) + c.residual == allocation
    assert c.data == answer[:allocation]
    assert c.status == (0x02 if status == 0 and sense else status)
    assert c.sense == (sense[:252] if c.status == 0x02 else b"")
