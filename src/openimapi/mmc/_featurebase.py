"""Feature descriptor machinery of GET CONFIGURATION (private): the 4-byte header, the
raw :class:`Feature`, and the layout-driven :class:`FeatureDescriptor` base.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from openimapi.mmc._binfields import check_bool, check_uint, get_u, pad_to, put_u
from openimapi.mmc.codec import MalformedData

__all__ = ["Feature", "FeatureDescriptor", "fixed_layout", "header"]

_Layout = tuple[tuple[str, int, int, int], ...]


def header(code: int, version: int, persistent: bool, current: bool, payload: bytes) -> bytes:
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
        return header(self.code, self.version, self.persistent, self.current, self.data)


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
        return header(self.CODE, self.version, self.persistent, self.current, self.payload())



def fixed_layout(code: int, length: int, layout: _Layout, lengths: dict[int, int] | None = None) -> Any:
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
