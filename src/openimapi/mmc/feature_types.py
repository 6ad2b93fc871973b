"""Feature descriptors of GET CONFIGURATION, decoded (MMC-6 5.3; MMC-5 for DDCD/HD DVD).

Every descriptor is ``feature code (2) | version (bits 5-2), persistent (bit 1), current
(bit 0) | additional length (1) | data``. Most features are a few flags and integers at
fixed places; those are declared as a ``LAYOUT`` table of
``(field, MMC byte, lowest bit, width in bits)`` and packed generically. Lists (profiles,
link sizes, serial numbers, DCB identifiers) have their own code. A feature this module
does not know is kept whole as a generic :class:`Feature`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from openimapi.mmc._binfields import check_bool, check_uint, get_u, pad_to, put_u
from openimapi.mmc.codec import MalformedData

__all__ = [
    "FEATURE_CLASSES",
    "AacsFeature",
    "AnyFeature",
    "BdReadFeature",
    "BdWriteFeature",
    "BdrPowFeature",
    "CdAudioExternalPlayFeature",
    "CdMasteringFeature",
    "CdReadFeature",
    "CdRwCavWriteFeature",
    "CdRwMediaWriteSupportFeature",
    "CdTrackAtOnceFeature",
    "CoreFeature",
    "DdcdReadFeature",
    "DdcdRWriteFeature",
    "DdcdRwWriteFeature",
    "DiscControlBlocksFeature",
    "DvdCprmFeature",
    "DvdCssFeature",
    "DvdDashWriteFeature",
    "DvdPlusRDualLayerFeature",
    "DvdPlusRFeature",
    "DvdPlusRwDualLayerFeature",
    "DvdPlusRwFeature",
    "DvdReadFeature",
    "EmbeddedChangerFeature",
    "EnhancedDefectReportingFeature",
    "Feature",
    "FeatureDescriptor",
    "FirmwareInformationFeature",
    "FormattableFeature",
    "HardwareDefectManagementFeature",
    "HdDvdReadFeature",
    "HdDvdWriteFeature",
    "IncrementalStreamingWritableFeature",
    "LayerJumpRecordingFeature",
    "LogicalUnitSerialNumberFeature",
    "MediaSerialNumberFeature",
    "MicrocodeUpgradeFeature",
    "MorphingFeature",
    "MrwFeature",
    "MultiReadFeature",
    "PowerManagementFeature",
    "ProfileDescriptor",
    "ProfileListFeature",
    "RandomReadableFeature",
    "RandomWritableFeature",
    "RealTimeStreamingFeature",
    "RemovableMediumFeature",
    "RestrictedOverwriteFeature",
    "RigidRestrictedOverwriteFeature",
    "SectorErasableFeature",
    "SmartFeature",
    "TimeoutFeature",
    "VcpsFeature",
    "WriteOnceFeature",
    "WriteProtectFeature",
    "decode_feature",
]

_Layout = tuple[tuple[str, int, int, int], ...]


def _header(code: int, version: int, persistent: bool, current: bool, payload: bytes) -> bytes:
    if len(payload) % 4:
        payload += bytes(4 - len(payload) % 4)
    if len(payload) > 0xFF:
        raise ValueError(f"feature {code:04X}h: {len(payload)} bytes of data exceed 255")
    flags = (version << 2) | (int(persistent) << 1) | int(current)
    return code.to_bytes(2, "big") + bytes((flags, len(payload))) + payload


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature kept raw: its code, header flags and the data after the 4-byte header.

    Raises:
        ValueError: a field out of range, or more than 255 bytes of data.
    """

    code: int
    version: int = 0
    persistent: bool = False
    current: bool = True
    data: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        check_uint("code", self.code, 16)
        check_uint("version", self.version, 4)
        check_bool("persistent", self.persistent)
        check_bool("current", self.current)
        if len(self.data) > 0xFF:
            raise ValueError("a feature holds at most 255 bytes of data")

    def to_bytes(self) -> bytes:
        """The descriptor, data padded with zeros to a multiple of 4 bytes."""
        return _header(self.code, self.version, self.persistent, self.current, self.data)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureDescriptor:
    """Base of the decoded features: header flags, and layout-driven packing.

    ``LENGTH`` is the additional length written; ``LENGTHS`` overrides it for versions
    whose descriptor was shorter (fields beyond it must then be zero).

    Raises:
        ValueError: a field out of range or not representable in the given version.
    """

    CODE: ClassVar[int] = -1
    LENGTH: ClassVar[int] = 0
    LENGTHS: ClassVar[dict[int, int]] = {}
    LAYOUT: ClassVar[_Layout] = ()

    version: int = 0
    persistent: bool = False
    current: bool = True

    def __post_init__(self) -> None:
        check_uint("version", self.version, 4)
        check_bool("persistent", self.persistent)
        check_bool("current", self.current)
        length = self.payload_length()
        for name, byte, _shift, bits in self.LAYOUT:
            value = getattr(self, name)
            if bits == 1:
                check_bool(name, value)
            else:
                check_uint(name, value, bits)
            if value and byte - 4 >= length:
                raise ValueError(f"{type(self).__name__} version {self.version} has no field {name}")

    @property
    def code(self) -> int:
        return self.CODE

    def payload_length(self) -> int:
        """Bytes of data after the header that this version carries."""
        return self.LENGTHS.get(self.version, self.LENGTH)

    def payload(self) -> bytes:
        """The data after the 4-byte header (unpadded)."""
        buf = bytearray(self.payload_length())
        for name, byte, shift, bits in self.LAYOUT:
            if byte - 4 >= len(buf):
                continue
            value = int(getattr(self, name))
            if bits >= 8:
                put_u(buf, byte - 4, bits // 8, value)
            else:
                buf[byte - 4] |= value << shift
        return bytes(buf)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        """Decode the data after the header; missing trailing bytes read as zero.

        Raises:
            MalformedData: the data cannot be decoded.
        """
        data = pad_to(bytes(payload), max((b - 4 + max(bits // 8, 1) for _, b, _, bits in cls.LAYOUT), default=0))
        values: dict[str, Any] = {}
        for name, byte, shift, bits in cls.LAYOUT:
            if bits >= 8:
                values[name] = get_u(data, byte - 4, bits // 8)
            elif bits == 1:
                values[name] = bool(data[byte - 4] >> shift & 1)
            else:
                values[name] = data[byte - 4] >> shift & ((1 << bits) - 1)
        try:
            return cls(version=version, persistent=persistent, current=current, **values)
        except ValueError as exc:
            raise MalformedData(f"feature {cls.CODE:04X}h: {exc}") from exc

    def to_bytes(self) -> bytes:
        """The whole descriptor: header and data padded to a multiple of 4."""
        return _header(self.CODE, self.version, self.persistent, self.current, self.payload())


# --- list-shaped features -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileDescriptor:
    """One profile of the Profile List: its number and the CurrentP flag."""

    number: int
    current: bool = False

    def __post_init__(self) -> None:
        check_uint("profile number", self.number, 16)
        check_bool("current", self.current)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileListFeature(FeatureDescriptor):
    """0000h Profile List: every profile the drive supports, in the drive's order."""

    CODE: ClassVar[int] = 0x0000
    profiles: tuple[ProfileDescriptor, ...] = ()
    persistent: bool = True

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        object.__setattr__(self, "profiles", tuple(self.profiles))
        if len(self.profiles) > 63:
            raise ValueError("at most 63 profile descriptors fit a feature")

    def payload(self) -> bytes:
        return b"".join(p.number.to_bytes(2, "big") + bytes((int(p.current), 0)) for p in self.profiles)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        profiles = tuple(
            ProfileDescriptor(get_u(payload, i, 2), bool(payload[i + 2] & 1)) for i in range(0, len(payload) - 3, 4)
        )
        return cls(version=version, persistent=persistent, current=current, profiles=profiles)

    @property
    def current_profiles(self) -> tuple[int, ...]:
        """Numbers of the profiles flagged current (some drives flag two)."""
        return tuple(p.number for p in self.profiles if p.current)


def _link_sizes_payload(head: bytes, sizes: tuple[int, ...]) -> bytes:
    return head + bytes((len(sizes),)) + bytes(sizes)


def _check_link_sizes(sizes: tuple[int, ...]) -> None:
    if len(sizes) > 0xFF - 4:
        raise ValueError("too many link sizes")
    for size in sizes:
        check_uint("link size", size, 8)


@dataclass(frozen=True, slots=True, kw_only=True)
class IncrementalStreamingWritableFeature(FeatureDescriptor):
    """0021h Incremental Streaming Writable: data block types (bit n = type n), BUF, ARSV,
    TRIO and the supported link sizes."""

    CODE: ClassVar[int] = 0x0021
    data_block_types: int = 0
    buf: bool = False
    arsv: bool = False
    trio: bool = False
    link_sizes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        object.__setattr__(self, "link_sizes", tuple(self.link_sizes))
        check_uint("data_block_types", self.data_block_types, 16)
        for name in ("buf", "arsv", "trio"):
            check_bool(name, getattr(self, name))
        _check_link_sizes(self.link_sizes)

    def payload(self) -> bytes:
        flags = int(self.trio) << 2 | int(self.arsv) << 1 | int(self.buf)
        return _link_sizes_payload(self.data_block_types.to_bytes(2, "big") + bytes((flags,)), self.link_sizes)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        data = pad_to(bytes(payload), 4)
        count = min(data[3], len(data) - 4)
        return cls(
            version=version, persistent=persistent, current=current,
            data_block_types=get_u(data, 0, 2), buf=bool(data[2] & 1), arsv=bool(data[2] & 2),
            trio=bool(data[2] & 4), link_sizes=tuple(data[4 : 4 + count]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerJumpRecordingFeature(FeatureDescriptor):
    """0033h Layer Jump Recording: the supported link sizes."""

    CODE: ClassVar[int] = 0x0033
    link_sizes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        object.__setattr__(self, "link_sizes", tuple(self.link_sizes))
        _check_link_sizes(self.link_sizes)

    def payload(self) -> bytes:
        return _link_sizes_payload(bytes(3), self.link_sizes)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        data = pad_to(bytes(payload), 4)
        count = min(data[3], len(data) - 4)
        return cls(version=version, persistent=persistent, current=current, link_sizes=tuple(data[4 : 4 + count]))


@dataclass(frozen=True, slots=True, kw_only=True)
class LogicalUnitSerialNumberFeature(FeatureDescriptor):
    """0108h Drive (logical unit) Serial Number, ASCII, padded with spaces to 4n bytes."""

    CODE: ClassVar[int] = 0x0108
    serial_number: str = ""

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        if not self.serial_number.isascii() or len(self.serial_number) > 252:
            raise ValueError("the serial number is at most 252 ASCII characters")
        if self.serial_number != self.serial_number.rstrip(" \x00"):
            raise ValueError("the serial number must not end in padding")

    def payload(self) -> bytes:
        raw = self.serial_number.encode("ascii")
        return raw + b" " * (-len(raw) % 4)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        text = bytes(payload).decode("ascii", "replace").rstrip(" \x00")
        return cls(version=version, persistent=persistent, current=current, serial_number=text)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscControlBlocksFeature(FeatureDescriptor):
    """010Ah Disc Control Blocks: the supported DCB content descriptors (4 bytes each)."""

    CODE: ClassVar[int] = 0x010A
    content_descriptors: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        object.__setattr__(self, "content_descriptors", tuple(self.content_descriptors))
        if len(self.content_descriptors) > 63:
            raise ValueError("at most 63 DCB descriptors fit a feature")
        for value in self.content_descriptors:
            check_uint("content descriptor", value, 32)

    def payload(self) -> bytes:
        return b"".join(v.to_bytes(4, "big") for v in self.content_descriptors)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        values = tuple(get_u(payload, i, 4) for i in range(0, len(payload) - 3, 4))
        return cls(version=version, persistent=persistent, current=current, content_descriptors=values)


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmwareInformationFeature(FeatureDescriptor):
    """010Ch Firmware Information: creation time as 14 ASCII digits, ``YYYYMMDDhhmmss``."""

    CODE: ClassVar[int] = 0x010C
    LENGTH: ClassVar[int] = 16
    date_time: str = "00000000000000"

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        if len(self.date_time) != 14 or not self.date_time.isascii():
            raise ValueError("date_time is 14 ASCII characters (YYYYMMDDhhmmss)")

    def payload(self) -> bytes:
        return self.date_time.encode("ascii") + bytes(2)

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        text = pad_to(bytes(payload), 14)[:14].decode("ascii", "replace").replace("\ufffd", "?")
        return cls(version=version, persistent=persistent, current=current, date_time=text)


def _classes(data: bytes, offset: int) -> tuple[int, int, int, int]:
    return (get_u(data, offset, 2), get_u(data, offset + 2, 2), get_u(data, offset + 4, 2), get_u(data, offset + 6, 2))


def _check_classes(name: str, values: tuple[int, ...]) -> None:
    if len(values) != 4:
        raise ValueError(f"{name} holds one bitmap for each of the classes 0..3")
    for value in values:
        check_uint(name, value, 16)


@dataclass(frozen=True, slots=True, kw_only=True)
class BdReadFeature(FeatureDescriptor):
    """0040h BD Read: version bitmaps (bit n = version n) for classes 0..3 of BD-RE,
    BD-R and BD-ROM."""

    CODE: ClassVar[int] = 0x0040
    LENGTH: ClassVar[int] = 28
    bd_re: tuple[int, int, int, int] = (0, 0, 0, 0)
    bd_r: tuple[int, int, int, int] = (0, 0, 0, 0)
    bd_rom: tuple[int, int, int, int] = (0, 0, 0, 0)

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        for name in ("bd_re", "bd_r", "bd_rom"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
            _check_classes(name, getattr(self, name))

    def payload(self) -> bytes:
        body = b"".join(v.to_bytes(2, "big") for v in (*self.bd_re, *self.bd_r, *self.bd_rom))
        return bytes(4) + body

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        data = pad_to(bytes(payload), 28)
        return cls(
            version=version, persistent=persistent, current=current,
            bd_re=_classes(data, 4), bd_r=_classes(data, 12), bd_rom=_classes(data, 20),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BdWriteFeature(FeatureDescriptor):
    """0041h BD Write: SVNR and version bitmaps for classes 0..3 of BD-RE and BD-R."""

    CODE: ClassVar[int] = 0x0041
    LENGTH: ClassVar[int] = 20
    svnr: bool = False
    bd_re: tuple[int, int, int, int] = (0, 0, 0, 0)
    bd_r: tuple[int, int, int, int] = (0, 0, 0, 0)

    def __post_init__(self) -> None:
        FeatureDescriptor.__post_init__(self)
        check_bool("svnr", self.svnr)
        for name in ("bd_re", "bd_r"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
            _check_classes(name, getattr(self, name))

    def payload(self) -> bytes:
        body = b"".join(v.to_bytes(2, "big") for v in (*self.bd_re, *self.bd_r))
        return bytes((int(self.svnr), 0, 0, 0)) + body

    @classmethod
    def from_payload(cls, payload: bytes, *, version: int, persistent: bool, current: bool) -> Self:
        data = pad_to(bytes(payload), 20)
        return cls(
            version=version, persistent=persistent, current=current, svnr=bool(data[0] & 1),
            bd_re=_classes(data, 4), bd_r=_classes(data, 12),
        )


# --- fixed-layout features: (field, MMC byte, lowest bit, width in bits) -----------------


def _fixed(code: int, length: int, layout: _Layout, lengths: dict[int, int] | None = None) -> Any:
    """Class decorator filling CODE, LENGTH, LAYOUT (and LENGTHS) of a fixed feature."""

    def wrap(cls: type[FeatureDescriptor]) -> type[FeatureDescriptor]:
        cls.CODE = code
        cls.LENGTH = length
        cls.LAYOUT = layout
        cls.LENGTHS = lengths or {}
        names = {f.name for f in fields(cls)}
        missing = [n for n, *_ in layout if n not in names]
        if missing:
            raise TypeError(f"{cls.__name__}: layout names unknown fields {missing}")
        return cls

    return wrap


@_fixed(0x0001, 8, (("physical_interface", 4, 0, 32), ("inq2", 8, 1, 1), ("dbe", 8, 0, 1)), {0: 4})
@dataclass(frozen=True, slots=True, kw_only=True)
class CoreFeature(FeatureDescriptor):
    """0001h Core: physical interface standard (1 SCSI, 2 ATAPI, ...), INQ2, DBE."""

    physical_interface: int = 0
    inq2: bool = False
    dbe: bool = False
    persistent: bool = True


@_fixed(0x0002, 4, (("oc_event", 4, 1, 1), ("async_", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class MorphingFeature(FeatureDescriptor):
    """0002h Morphing: OCEvent, Async (``async_``)."""

    oc_event: bool = False
    async_: bool = False
    persistent: bool = True


@_fixed(0x0003, 4, (("loading_mechanism", 4, 5, 3), ("load", 4, 4, 1), ("eject", 4, 3, 1),
                    ("prevent_jumper", 4, 2, 1), ("dbml", 4, 1, 1), ("lock", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RemovableMediumFeature(FeatureDescriptor):
    """0003h Removable Medium: loading mechanism (0 caddy, 1 tray, 2 pop-up, 4 changer
    with individual discs, 5 changer with a magazine), Load, Eject, Pvnt Jmpr, DBML, Lock."""

    loading_mechanism: int = 0
    load: bool = False
    eject: bool = False
    prevent_jumper: bool = False
    dbml: bool = False
    lock: bool = False
    persistent: bool = True


@_fixed(0x0004, 4, (("dwp", 4, 3, 1), ("wdcb", 4, 2, 1), ("spwp", 4, 1, 1), ("sswpp", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class WriteProtectFeature(FeatureDescriptor):
    """0004h Write Protect: DWP, WDCB, SPWP, SSWPP."""

    dwp: bool = False
    wdcb: bool = False
    spwp: bool = False
    sswpp: bool = False


@_fixed(0x0010, 8, (("block_size", 4, 0, 32), ("blocking", 8, 0, 16), ("pp", 10, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RandomReadableFeature(FeatureDescriptor):
    """0010h Random Readable: logical block size, blocking, PP."""

    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x001D, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class MultiReadFeature(FeatureDescriptor):
    """001Dh Multi-Read: no data."""


@_fixed(0x001E, 4, (("dap", 4, 7, 1), ("c2_flags", 4, 1, 1), ("cd_text", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdReadFeature(FeatureDescriptor):
    """001Eh CD Read: DAP, C2 Flags, CD-Text."""

    dap: bool = False
    c2_flags: bool = False
    cd_text: bool = False


@_fixed(0x001F, 4, (("multi110", 4, 0, 1), ("dual_rw", 6, 1, 1), ("dual_r", 6, 0, 1)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdReadFeature(FeatureDescriptor):
    """001Fh DVD Read: MULTI110, DualRW, DualR (version 0 carries no data)."""

    multi110: bool = False
    dual_rw: bool = False
    dual_r: bool = False


@_fixed(0x0020, 12, (("last_lba", 4, 0, 32), ("block_size", 8, 0, 32), ("blocking", 12, 0, 16), ("pp", 14, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RandomWritableFeature(FeatureDescriptor):
    """0020h Random Writable: last LBA, logical block size, blocking, PP."""

    last_lba: int = 0
    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x0022, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class SectorErasableFeature(FeatureDescriptor):
    """0022h Sector Erasable: no data."""


@_fixed(0x0023, 8, (("renosa", 4, 3, 1), ("expand", 4, 2, 1), ("qcert", 4, 1, 1), ("cert", 4, 0, 1),
                    ("rrm", 8, 0, 1)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class FormattableFeature(FeatureDescriptor):
    """0023h Formattable: RENoSA, Expand, QCert, Cert, RRM (version 0 carries no data)."""

    renosa: bool = False
    expand: bool = False
    qcert: bool = False
    cert: bool = False
    rrm: bool = False


@_fixed(0x0024, 4, (("ssa", 4, 7, 1),), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class HardwareDefectManagementFeature(FeatureDescriptor):
    """0024h Hardware Defect Management: SSA (version 0 carries no data)."""

    ssa: bool = False


@_fixed(0x0025, 8, (("block_size", 4, 0, 32), ("blocking", 8, 0, 16), ("pp", 10, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOnceFeature(FeatureDescriptor):
    """0025h Write Once: logical block size, blocking, PP."""

    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x0026, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictedOverwriteFeature(FeatureDescriptor):
    """0026h Restricted Overwrite: no data."""


@_fixed(0x0027, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class CdRwCavWriteFeature(FeatureDescriptor):
    """0027h CD-RW CAV Write: 4 reserved bytes."""


@_fixed(0x0028, 4, (("dvd_plus_write", 4, 2, 1), ("dvd_plus_read", 4, 1, 1), ("write", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class MrwFeature(FeatureDescriptor):
    """0028h MRW: DVD+Write, DVD+Read, Write (CD-MRW)."""

    dvd_plus_write: bool = False
    dvd_plus_read: bool = False
    write: bool = False


@_fixed(0x0029, 4, (("drt_dm", 4, 0, 1), ("dbi_cache_zones", 5, 0, 8), ("entries", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class EnhancedDefectReportingFeature(FeatureDescriptor):
    """0029h Enhanced Defect Reporting: DRT-DM, DBI cache zones, number of entries."""

    drt_dm: bool = False
    dbi_cache_zones: int = 0
    entries: int = 0


@_fixed(0x002A, 4, (("write", 4, 0, 1), ("quick_start", 5, 1, 1), ("close_only", 5, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRwFeature(FeatureDescriptor):
    """002Ah DVD+RW: Write, Quick Start, Close Only."""

    write: bool = False
    quick_start: bool = False
    close_only: bool = False


@_fixed(0x002B, 4, (("write", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRFeature(FeatureDescriptor):
    """002Bh DVD+R: Write."""

    write: bool = False


@_fixed(0x002C, 4, (("dsdg", 4, 3, 1), ("dsdr", 4, 2, 1), ("intermediate", 4, 1, 1), ("blank", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RigidRestrictedOverwriteFeature(FeatureDescriptor):
    """002Ch Rigid Restricted Overwrite: DSDG, DSDR, Intermediate, Blank."""

    dsdg: bool = False
    dsdr: bool = False
    intermediate: bool = False
    blank: bool = False


@_fixed(0x002D, 4, (("buf", 4, 6, 1), ("rw_raw", 4, 4, 1), ("rw_pack", 4, 3, 1), ("test_write", 4, 2, 1),
                    ("cd_rw", 4, 1, 1), ("rw_subcode", 4, 0, 1), ("data_types", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdTrackAtOnceFeature(FeatureDescriptor):
    """002Dh CD Track at Once: BUF, R-W Raw, R-W Pack, Test Write, CD-RW, R-W Sub-code,
    Data Type Supported (bit n = data block type n)."""

    buf: bool = False
    rw_raw: bool = False
    rw_pack: bool = False
    test_write: bool = False
    cd_rw: bool = False
    rw_subcode: bool = False
    data_types: int = 0


@_fixed(0x002E, 4, (("buf", 4, 6, 1), ("sao", 4, 5, 1), ("raw_ms", 4, 4, 1), ("raw", 4, 3, 1),
                    ("test_write", 4, 2, 1), ("cd_rw", 4, 1, 1), ("rw", 4, 0, 1),
                    ("max_cue_sheet_length", 5, 0, 24)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdMasteringFeature(FeatureDescriptor):
    """002Eh CD Mastering (SAO/raw): BUF, SAO, Raw MS, Raw, Test Write, CD-RW, R-W,
    maximum cue sheet length."""

    buf: bool = False
    sao: bool = False
    raw_ms: bool = False
    raw: bool = False
    test_write: bool = False
    cd_rw: bool = False
    rw: bool = False
    max_cue_sheet_length: int = 0


@_fixed(0x002F, 4, (("buf", 4, 6, 1), ("rdl", 4, 3, 1), ("test_write", 4, 2, 1), ("dvd_rw_sl", 4, 1, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdDashWriteFeature(FeatureDescriptor):
    """002Fh DVD-R/-RW Write: BUF, RDL, Test Write, DVD-RW SL."""

    buf: bool = False
    rdl: bool = False
    test_write: bool = False
    dvd_rw_sl: bool = False


@_fixed(0x0030, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdReadFeature(FeatureDescriptor):
    """0030h DDCD Read (MMC-5, legacy): no data."""


@_fixed(0x0031, 4, (("test_write", 4, 2, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdRWriteFeature(FeatureDescriptor):
    """0031h DDCD-R Write (MMC-5, legacy): Test Write."""

    test_write: bool = False


@_fixed(0x0032, 4, (("intermediate", 4, 1, 1), ("blank", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdRwWriteFeature(FeatureDescriptor):
    """0032h DDCD-RW Write (MMC-5, legacy): Intermediate, Blank."""

    intermediate: bool = False
    blank: bool = False


@_fixed(0x0037, 4, (("subtypes", 5, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdRwMediaWriteSupportFeature(FeatureDescriptor):
    """0037h CD-RW Media Write Support: bitmap of supported CD-RW media sub-types."""

    subtypes: int = 0


@_fixed(0x0038, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class BdrPowFeature(FeatureDescriptor):
    """0038h BD-R Pseudo-Overwrite: 4 reserved bytes."""


@_fixed(0x003A, 4, (("write", 4, 0, 1), ("quick_start", 5, 1, 1), ("close_only", 5, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRwDualLayerFeature(FeatureDescriptor):
    """003Ah DVD+RW Dual Layer: Write, Quick Start, Close Only."""

    write: bool = False
    quick_start: bool = False
    close_only: bool = False


@_fixed(0x003B, 4, (("write", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRDualLayerFeature(FeatureDescriptor):
    """003Bh DVD+R Dual Layer: Write."""

    write: bool = False


@_fixed(0x0050, 4, (("hd_dvd_r", 4, 0, 1), ("hd_dvd_ram", 6, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class HdDvdReadFeature(FeatureDescriptor):
    """0050h HD DVD Read (MMC-5): HD DVD-R, HD DVD-RAM."""

    hd_dvd_r: bool = False
    hd_dvd_ram: bool = False


@_fixed(0x0051, 4, (("hd_dvd_r", 4, 0, 1), ("hd_dvd_ram", 6, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class HdDvdWriteFeature(FeatureDescriptor):
    """0051h HD DVD Write (MMC-5): HD DVD-R, HD DVD-RAM."""

    hd_dvd_r: bool = False
    hd_dvd_ram: bool = False


@_fixed(0x0100, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class PowerManagementFeature(FeatureDescriptor):
    """0100h Power Management: no data."""


@_fixed(0x0101, 4, (("pp", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class SmartFeature(FeatureDescriptor):
    """0101h S.M.A.R.T.: PP."""

    pp: bool = False


@_fixed(0x0102, 4, (("scc", 4, 4, 1), ("sdp", 4, 2, 1), ("highest_slot", 7, 0, 5)))
@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddedChangerFeature(FeatureDescriptor):
    """0102h Embedded Changer: SCC, SDP, highest slot number."""

    scc: bool = False
    sdp: bool = False
    highest_slot: int = 0


@_fixed(0x0103, 4, (("scan", 4, 2, 1), ("scm", 4, 1, 1), ("sv", 4, 0, 1), ("volume_levels", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdAudioExternalPlayFeature(FeatureDescriptor):
    """0103h CD Audio External Play: Scan, SCM, SV, number of volume levels."""

    scan: bool = False
    scm: bool = False
    sv: bool = False
    volume_levels: int = 0


@_fixed(0x0104, 4, (("m5", 4, 0, 1),), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class MicrocodeUpgradeFeature(FeatureDescriptor):
    """0104h Microcode Upgrade: M5 (version 0 carries no data)."""

    m5: bool = False


@_fixed(0x0105, 4, (("group3", 4, 0, 1), ("unit_length", 6, 0, 16)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class TimeoutFeature(FeatureDescriptor):
    """0105h Timeout: Group3, unit length (version 0 carries no data)."""

    group3: bool = False
    unit_length: int = 0


@_fixed(0x0106, 4, (("css_version", 7, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdCssFeature(FeatureDescriptor):
    """0106h DVD CSS: CSS version."""

    css_version: int = 1


@_fixed(0x0107, 4, (("rbcb", 4, 4, 1), ("scs", 4, 3, 1), ("mp2a", 4, 2, 1), ("wspd", 4, 1, 1), ("sw", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RealTimeStreamingFeature(FeatureDescriptor):
    """0107h Real Time Streaming: RBCB (READ BUFFER CAPACITY block), SCS (SET CD SPEED),
    MP2A (write speeds in page 2Ah), WSPD (write speeds in GET PERFORMANCE), SW (stream
    writing)."""

    rbcb: bool = False
    scs: bool = False
    mp2a: bool = False
    wspd: bool = False
    sw: bool = False


@_fixed(0x0109, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class MediaSerialNumberFeature(FeatureDescriptor):
    """0109h Media Serial Number: no data."""


@_fixed(0x010B, 4, (("cprm_version", 7, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdCprmFeature(FeatureDescriptor):
    """010Bh DVD CPRM: CPRM version."""

    cprm_version: int = 1


@_fixed(0x010D, 4, (("bng", 4, 0, 1), ("block_count", 5, 0, 8), ("agids", 6, 0, 4), ("aacs_version", 7, 0, 8)))
@dataclass(frozen=True, slots=True, kw_only=True)
class AacsFeature(FeatureDescriptor):
    """010Dh AACS: BNG, block count for the binding nonce, number of AGIDs, AACS version."""

    bng: bool = False
    block_count: int = 0
    agids: int = 0
    aacs_version: int = 1


@_fixed(0x0110, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class VcpsFeature(FeatureDescriptor):
    """0110h VCPS: 4 reserved bytes."""



#: feature code -> decoded class.
FEATURE_CLASSES: dict[int, type[FeatureDescriptor]] = {
    cls.CODE: cls
    for cls in (
        ProfileListFeature, CoreFeature, MorphingFeature, RemovableMediumFeature, WriteProtectFeature,
        RandomReadableFeature, MultiReadFeature, CdReadFeature, DvdReadFeature, RandomWritableFeature,
        IncrementalStreamingWritableFeature, SectorErasableFeature, FormattableFeature,
        HardwareDefectManagementFeature, WriteOnceFeature, RestrictedOverwriteFeature, CdRwCavWriteFeature,
        MrwFeature, EnhancedDefectReportingFeature, DvdPlusRwFeature, DvdPlusRFeature,
        RigidRestrictedOverwriteFeature, CdTrackAtOnceFeature, CdMasteringFeature, DvdDashWriteFeature,
        DdcdReadFeature, DdcdRWriteFeature, DdcdRwWriteFeature, LayerJumpRecordingFeature,
        CdRwMediaWriteSupportFeature, BdrPowFeature, DvdPlusRwDualLayerFeature, DvdPlusRDualLayerFeature,
        BdReadFeature, BdWriteFeature, HdDvdReadFeature, HdDvdWriteFeature, PowerManagementFeature,
        SmartFeature, EmbeddedChangerFeature, CdAudioExternalPlayFeature, MicrocodeUpgradeFeature,
        TimeoutFeature, DvdCssFeature, RealTimeStreamingFeature, LogicalUnitSerialNumberFeature,
        MediaSerialNumberFeature, DiscControlBlocksFeature, DvdCprmFeature, FirmwareInformationFeature,
        AacsFeature, VcpsFeature,
    )
}

AnyFeature = FeatureDescriptor | Feature


def decode_feature(code: int, flags: int, payload: bytes) -> AnyFeature:
    """Decode one descriptor from its code, header byte 2 and data.

    Unknown codes, and known ones whose data this module cannot make sense of, come back
    as a raw :class:`Feature`, so nothing a drive says is lost.
    """
    version, persistent, current = flags >> 2 & 0x0F, bool(flags & 2), bool(flags & 1)
    cls = FEATURE_CLASSES.get(code)
    if cls is not None:
        try:
            return cls.from_payload(payload, version=version, persistent=persistent, current=current)
        except MalformedData:
            pass
    return Feature(code, version, persistent, current, bytes(payload))
