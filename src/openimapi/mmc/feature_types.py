"""Feature descriptors of GET CONFIGURATION, decoded (MMC-6 5.3; MMC-5 for DDCD/HD DVD).

Every descriptor is ``feature code (2) | version (bits 5-2), persistent (bit 1), current
(bit 0) | additional length (1) | data``. Most features are a few flags and integers at
fixed places; those are declared as a ``LAYOUT`` table of
``(field, MMC byte, lowest bit, width in bits)`` and packed generically. Lists (profiles,
link sizes, serial numbers, DCB identifiers) have their own code. A feature this module
does not know is kept whole as a generic :class:`Feature`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from openimapi.mmc._binfields import check_bool, check_uint, get_u, pad_to
from openimapi.mmc._featurebase import Feature, FeatureDescriptor
from openimapi.mmc.codec import MalformedData
from openimapi.mmc.feature_fixed import (
    AacsFeature,
    BdrPowFeature,
    CdAudioExternalPlayFeature,
    CdMasteringFeature,
    CdReadFeature,
    CdRwCavWriteFeature,
    CdRwMediaWriteSupportFeature,
    CdTrackAtOnceFeature,
    CoreFeature,
    DdcdReadFeature,
    DdcdRWriteFeature,
    DdcdRwWriteFeature,
    DvdCprmFeature,
    DvdCssFeature,
    DvdDashWriteFeature,
    DvdPlusRDualLayerFeature,
    DvdPlusRFeature,
    DvdPlusRwDualLayerFeature,
    DvdPlusRwFeature,
    DvdReadFeature,
    EmbeddedChangerFeature,
    EnhancedDefectReportingFeature,
    FormattableFeature,
    HardwareDefectManagementFeature,
    HdDvdReadFeature,
    HdDvdWriteFeature,
    MediaSerialNumberFeature,
    MicrocodeUpgradeFeature,
    MorphingFeature,
    MrwFeature,
    MultiReadFeature,
    PowerManagementFeature,
    RandomReadableFeature,
    RandomWritableFeature,
    RealTimeStreamingFeature,
    RemovableMediumFeature,
    RestrictedOverwriteFeature,
    RigidRestrictedOverwriteFeature,
    SectorErasableFeature,
    SmartFeature,
    TimeoutFeature,
    VcpsFeature,
    WriteOnceFeature,
    WriteProtectFeature,
)

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
