"""INQUIRY vital product data pages (SPC-4 7.8): 00h supported pages, 80h unit serial
number, 83h device identification, and any other page as bytes (:class:`VpdPage`).
The request is :class:`openimapi.mmc.spc.Inquiry` with ``evpd=True``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc.codec import MalformedData
from openimapi.mmc.spc import MMC_DEVICE_TYPE, printable

__all__ = [
    "CodeSet",
    "DeviceIdentificationPage",
    "IdentificationDescriptor",
    "SupportedVpdPages",
    "UnitSerialNumberPage",
    "VpdPage",
]


def _check_width(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name} = {value} does not fit in {bits} bits")


def _vpd_header(page_code: int, qualifier: int, device_type: int, length: int) -> bytes:
    return bytes([qualifier << 5 | device_type, page_code]) + length.to_bytes(2, "big")


def _split_vpd(data: bytes, page_code: int | None) -> tuple[int, int, int, bytes]:
    data = bytes(data)
    if len(data) < 4:
        raise MalformedData(f"a VPD page has a 4-byte header, got {len(data)} bytes")
    if page_code is not None and data[1] != page_code:
        raise MalformedData(f"expected VPD page {page_code:02X}h, got {data[1]:02X}h")
    length = int.from_bytes(data[2:4], "big")
    return data[0] >> 5, data[0] & 0x1F, data[1], data[4 : 4 + length]


@dataclass(frozen=True, slots=True)
class VpdPage:
    """Any VPD page kept as bytes (the pages without a layout here).

    Raises:
        ValueError: a field does not fit its width.
    """

    page_code: int
    data: bytes = b""
    peripheral_device_type: int = MMC_DEVICE_TYPE
    peripheral_qualifier: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        _check_width("page_code", self.page_code, 8)
        _check_width("page length", len(self.data), 16)
        _check_width("peripheral_device_type", self.peripheral_device_type, 5)
        _check_width("peripheral_qualifier", self.peripheral_qualifier, 3)

    def to_bytes(self) -> bytes:
        head = _vpd_header(self.page_code, self.peripheral_qualifier, self.peripheral_device_type, len(self.data))
        return head + self.data

    @classmethod
    def from_bytes(cls, data: bytes) -> VpdPage:
        """Raises:
        MalformedData: shorter than the 4-byte header.
        """
        qualifier, dtype, code, body = _split_vpd(data, None)
        return cls(code, body, dtype, qualifier)


@dataclass(frozen=True, slots=True)
class SupportedVpdPages:
    """VPD page 00h: the list of supported VPD page codes (ascending).

    Raises:
        ValueError: a code not a byte, or codes not ascending.
    """

    PAGE_CODE: ClassVar[int] = 0x00
    pages: tuple[int, ...] = (0x00, 0x80, 0x83)
    peripheral_device_type: int = MMC_DEVICE_TYPE
    peripheral_qualifier: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))
        for code in self.pages:
            _check_width("page code", code, 8)
        if list(self.pages) != sorted(set(self.pages)):
            raise ValueError("supported VPD pages are listed once each, ascending")

    def to_bytes(self) -> bytes:
        head = _vpd_header(0x00, self.peripheral_qualifier, self.peripheral_device_type, len(self.pages))
        return head + bytes(self.pages)

    @classmethod
    def from_bytes(cls, data: bytes) -> SupportedVpdPages:
        """Raises:
        MalformedData: not page 00h, or a list that is not ascending.
        """
        qualifier, dtype, _, body = _split_vpd(data, 0x00)
        try:
            return cls(tuple(body), dtype, qualifier)
        except ValueError as exc:
            raise MalformedData(str(exc)) from None


@dataclass(frozen=True, slots=True)
class UnitSerialNumberPage:
    """VPD page 80h: the product serial number (ASCII, right-aligned with spaces on read
    stripped).

    Raises:
        ValueError: the serial number is not printable ASCII.
    """

    PAGE_CODE: ClassVar[int] = 0x80
    serial_number: str = ""
    peripheral_device_type: int = MMC_DEVICE_TYPE
    peripheral_qualifier: int = 0

    def __post_init__(self) -> None:
        raw = self.serial_number.encode("ascii", errors="replace")
        if any(not 0x20 <= ch < 0x7F for ch in raw) or len(raw) > 0xFFFF:
            raise ValueError(f"serial number must be printable ASCII: {self.serial_number!r}")

    def to_bytes(self) -> bytes:
        raw = self.serial_number.encode("ascii")
        return _vpd_header(0x80, self.peripheral_qualifier, self.peripheral_device_type, len(raw)) + raw

    @classmethod
    def from_bytes(cls, data: bytes) -> UnitSerialNumberPage:
        """Raises:
        MalformedData: not page 80h.
        """
        qualifier, dtype, _, body = _split_vpd(data, 0x80)
        return cls(printable(body).strip(" "), dtype, qualifier)


class CodeSet(enum.IntEnum):
    """CODE SET of an identification descriptor (SPC-4 table 481)."""

    BINARY = 1
    ASCII = 2
    UTF8 = 3


@dataclass(frozen=True, slots=True)
class IdentificationDescriptor:
    """One designation descriptor of VPD page 83h (SPC-4 7.8.6.1).

    ``designator_type``: 0 vendor specific, 1 T10 vendor ID, 2 EUI-64, 3 NAA, ...;
    ``association``: 0 the logical unit, 1 the target port, 2 the target device.

    Raises:
        ValueError: a field does not fit its width.
    """

    designator: bytes
    designator_type: int = 1
    code_set: int = CodeSet.ASCII
    association: int = 0
    piv: bool = False
    protocol_identifier: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "designator", bytes(self.designator))
        _check_width("designator length", len(self.designator), 8)
        _check_width("designator_type", self.designator_type, 4)
        _check_width("code_set", self.code_set, 4)
        _check_width("association", self.association, 2)
        _check_width("protocol_identifier", self.protocol_identifier, 4)

    def to_bytes(self) -> bytes:
        byte0 = self.protocol_identifier << 4 | self.code_set
        byte1 = (0x80 if self.piv else 0) | self.association << 4 | self.designator_type
        return bytes([byte0, byte1, 0, len(self.designator)]) + self.designator


@dataclass(frozen=True, slots=True)
class DeviceIdentificationPage:
    """VPD page 83h: the device identification descriptors (a drive gives at least a T10
    vendor ID based one: vendor + product + serial).

    Raises:
        ValueError: the descriptors exceed 65535 bytes.
    """

    PAGE_CODE: ClassVar[int] = 0x83
    descriptors: tuple[IdentificationDescriptor, ...] = ()
    peripheral_device_type: int = MMC_DEVICE_TYPE
    peripheral_qualifier: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "descriptors", tuple(self.descriptors))
        _check_width("page length", sum(4 + len(d.designator) for d in self.descriptors), 16)

    def to_bytes(self) -> bytes:
        body = b"".join(d.to_bytes() for d in self.descriptors)
        return _vpd_header(0x83, self.peripheral_qualifier, self.peripheral_device_type, len(body)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceIdentificationPage:
        """Raises:
        MalformedData: not page 83h, or a descriptor running past the page.
        """
        qualifier, dtype, _, body = _split_vpd(data, 0x83)
        descriptors = []
        pos = 0
        while pos + 4 <= len(body):
            length = body[pos + 3]
            if pos + 4 + length > len(body):
                raise MalformedData("identification descriptor runs past the end of page 83h")
            descriptors.append(
                IdentificationDescriptor(
                    designator=body[pos + 4 : pos + 4 + length],
                    designator_type=body[pos + 1] & 0x0F,
                    code_set=body[pos] & 0x0F,
                    association=body[pos + 1] >> 4 & 0x03,
                    piv=bool(body[pos + 1] & 0x80),
                    protocol_identifier=body[pos] >> 4,
                )
            )
            pos += 4 + length
        return cls(tuple(descriptors), dtype, qualifier)
