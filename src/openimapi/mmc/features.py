"""GET CONFIGURATION (46h, MMC-6 6.6): the request, the answer, and the profile and
feature tables (re-exported from :mod:`.profiles` and :mod:`.feature_types`).

The answer is an 8-byte feature header (data length, current profile) followed by feature
descriptors in ascending code order. A device builds the full :class:`Configuration` of
its drive and medium, narrows it with :meth:`Configuration.select` for the request's RT
and starting feature, and sends ``to_bytes()`` cut to the allocation length; a host
decodes whatever arrived with :meth:`Configuration.from_bytes`, which keeps the complete
descriptors of a truncated answer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar

from openimapi.mmc import feature_types as _types
from openimapi.mmc import profiles as _profiles
from openimapi.mmc._binfields import check_uint, get_u, reserved_zero
from openimapi.mmc.codec import InvalidCdbField, MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.feature_types import *  # noqa: F403 - the descriptor classes belong to this API
from openimapi.mmc.feature_types import (
    AnyFeature,
    Feature,
    FeatureDescriptor,
    ProfileDescriptor,
    ProfileListFeature,
    decode_feature,
)
from openimapi.mmc.profiles import *  # noqa: F403
from openimapi.mmc.profiles import profile_info

__all__ = ["Configuration", "GetConfiguration", "RequestType", *_types.__all__, *_profiles.__all__]


class RequestType(enum.IntEnum):
    """The RT field of GET CONFIGURATION."""

    ALL = 0  # every feature from the starting one
    CURRENT = 1  # only current features from the starting one
    ONE = 2  # only the starting feature, if the drive has it


@register
@dataclass(frozen=True, slots=True)
class GetConfiguration:
    """GET CONFIGURATION CDB: RT, starting feature number, allocation length.

    Raises:
        ValueError: a field out of range (RT 3 is reserved).
    """

    OPCODE: ClassVar[int] = 0x46
    NAME: ClassVar[str] = "GET CONFIGURATION"

    rt: RequestType | int = RequestType.ALL
    starting_feature: int = 0
    allocation_length: int = 0xFFFE

    def __post_init__(self) -> None:
        if self.rt not in (0, 1, 2):
            raise ValueError(f"RT {self.rt} is reserved")
        object.__setattr__(self, "rt", RequestType(self.rt))
        check_uint("starting_feature", self.starting_feature, 16)
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(10)
        cdb[0] = self.OPCODE
        cdb[1] = int(self.rt)
        cdb[2:4] = self.starting_feature.to_bytes(2, "big")
        cdb[7:9] = self.allocation_length.to_bytes(2, "big")
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> GetConfiguration:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length, reserved bits set, or RT 3.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_zero(cdb, 1, 0xFC)
        for byte in (4, 5, 6):
            reserved_zero(cdb, byte)
        if cdb[1] & 3 == 3:
            raise InvalidCdbField("RT 3 is reserved", byte=1, bit=1)
        return cls(cdb[1] & 3, get_u(cdb, 2, 2), get_u(cdb, 7, 2))


@dataclass(frozen=True, slots=True)
class Configuration:
    """GET CONFIGURATION answer: the current profile and the feature descriptors.

    ``data_length`` is the header's Data Length as a device reported it (``None`` for a
    built value); it is not compared, so a decoded answer equals the one that was built.
    A truncated answer shows as ``data_length + 4 > len(received)``.

    Raises:
        ValueError: a field out of range, or features not in ascending code order.
    """

    current_profile: int = 0
    features: tuple[AnyFeature, ...] = ()
    data_length: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        check_uint("current_profile", self.current_profile, 16)
        codes = [f.code for f in self.features]
        if codes != sorted(codes) or len(set(codes)) != len(codes):
            raise ValueError("features must be in ascending order of code, each once")
        for feature in self.features:
            if not isinstance(feature, FeatureDescriptor | Feature):
                raise ValueError(f"{feature!r} is not a feature descriptor")

    def feature(self, code: int) -> AnyFeature | None:
        """The descriptor of feature ``code``, or None."""
        for feature in self.features:
            if feature.code == code:
                return feature
        return None

    @property
    def profiles(self) -> tuple[ProfileDescriptor, ...]:
        """The Profile List's descriptors (empty when the list is absent or raw)."""
        found = self.feature(0x0000)
        return found.profiles if isinstance(found, ProfileListFeature) else ()

    @property
    def profile_name(self) -> str:
        """Name of the current profile, from the profile table."""
        return profile_info(self.current_profile).name

    def select(self, rt: RequestType | int, starting_feature: int = 0) -> Configuration:
        """The subset a drive returns for an RT and a starting feature (MMC-6 6.6.2.2).

        Raises:
            ValueError: RT not 0, 1 or 2.
        """
        rt = RequestType(rt)
        if rt is RequestType.ONE:
            chosen = tuple(f for f in self.features if f.code == starting_feature)
        else:
            chosen = tuple(
                f for f in self.features if f.code >= starting_feature and (rt is RequestType.ALL or f.current)
            )
        return Configuration(self.current_profile, chosen)

    def to_bytes(self) -> bytes:
        body = b"".join(f.to_bytes() for f in self.features)
        return (len(body) + 4).to_bytes(4, "big") + bytes(2) + self.current_profile.to_bytes(2, "big") + body

    @classmethod
    def from_bytes(cls, data: bytes) -> Configuration:
        """Decode a (possibly truncated) answer; a cut-off last descriptor is dropped.

        Raises:
            MalformedData: fewer than the 8 header bytes.
        """
        data = bytes(data)
        if len(data) < 8:
            raise MalformedData(f"GET CONFIGURATION answer: need the 8-byte header, got {len(data)} bytes")
        data_length = get_u(data, 0, 4)
        end = min(len(data), data_length + 4)
        features: list[AnyFeature] = []
        offset = 8
        while offset + 4 <= end:
            code, flags, length = get_u(data, offset, 2), data[offset + 2], data[offset + 3]
            if offset + 4 + length > end:
                break
            features.append(decode_feature(code, flags, data[offset + 4 : offset + 4 + length]))
            offset += 4 + length
        try:
            return cls(get_u(data, 6, 2), _ascending(features), data_length)
        except ValueError as exc:  # pragma: no cover - _ascending makes the order valid
            raise MalformedData(str(exc)) from exc


def _ascending(features: list[AnyFeature]) -> tuple[AnyFeature, ...]:
    """Features in ascending order, the first of duplicated codes kept (forgiving read)."""
    seen: dict[int, AnyFeature] = {}
    for feature in features:
        seen.setdefault(feature.code, feature)
    return tuple(seen[code] for code in sorted(seen))
