"""CD addressing: LBA <-> MSF as MMC maps them, and BCD helpers.

MMC-6 table 18 ("LBA to MSF translation"): a CD address in minutes, seconds and frames
(75 frames a second) maps to a logical block address as

* MSF 00:00:00 .. 89:59:74  ->  LBA = (M*60 + S)*75 + F - 150   (LBA -150 .. 404849)
* MSF 90:00:00 .. 99:59:74  ->  LBA = (M*60 + S)*75 + F - 450150 (LBA -45150 .. -151)

so the lead-in, whose ATIP start time is around 97:xx:xx, gets negative LBAs
(97:26:66 is LBA -11634), and the two-second pre-gap of track 1 is LBA -150 .. -1.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FRAMES_PER_SECOND",
    "LBA_MAX",
    "LBA_MIN",
    "Msf",
    "bcd_to_int",
    "int_to_bcd",
    "lba_to_msf",
    "msf_to_lba",
]

FRAMES_PER_SECOND = 75
#: Lowest LBA with an MSF form (99:59:74 maps to -151; 90:00:00 to -45150).
LBA_MIN = -45150
#: Highest LBA with an MSF form (89:59:74).
LBA_MAX = 404849

_LEAD_IN_OFFSET = 450150
_PREGAP = 150


@dataclass(frozen=True, slots=True, order=True)
class Msf:
    """A CD time: minute 0..99, second 0..59, frame 0..74.

    Raises:
        ValueError: a part out of range.
    """

    minute: int
    second: int
    frame: int

    def __post_init__(self) -> None:
        if not 0 <= self.minute <= 99:
            raise ValueError(f"minute {self.minute} out of 0..99")
        if not 0 <= self.second <= 59:
            raise ValueError(f"second {self.second} out of 0..59")
        if not 0 <= self.frame < FRAMES_PER_SECOND:
            raise ValueError(f"frame {self.frame} out of 0..74")

    @property
    def frames(self) -> int:
        """Total frames, (M*60 + S)*75 + F, without the MMC offset."""
        return (self.minute * 60 + self.second) * FRAMES_PER_SECOND + self.frame

    def to_lba(self) -> int:
        """The MMC logical block address of this time."""
        return msf_to_lba(self)

    @classmethod
    def from_lba(cls, lba: int) -> Msf:
        """The MSF time of an MMC logical block address.

        Raises:
            ValueError: ``lba`` outside -45150 .. 404849.
        """
        return lba_to_msf(lba)

    @classmethod
    def from_frames(cls, frames: int) -> Msf:
        """Split a plain frame count (no offset) into M:S:F.

        Raises:
            ValueError: ``frames`` negative or beyond 99:59:74.
        """
        if frames < 0:
            raise ValueError("frame count must not be negative")
        minutes, rest = divmod(frames, 60 * FRAMES_PER_SECOND)
        seconds, frame = divmod(rest, FRAMES_PER_SECOND)
        return cls(minutes, seconds, frame)

    def to_bytes(self) -> bytes:
        """The 3 bytes M, S, F (binary, as MMC returns them)."""
        return bytes((self.minute, self.second, self.frame))

    def __str__(self) -> str:
        return f"{self.minute:02d}:{self.second:02d}:{self.frame:02d}"


def msf_to_lba(msf: Msf | tuple[int, int, int]) -> int:
    """LBA of an MSF time, with the MMC lead-in mapping (M >= 90 gives a negative LBA).

    Raises:
        ValueError: a part of the time out of range.
    """
    if not isinstance(msf, Msf):
        msf = Msf(*msf)
    if msf.minute >= 90:
        return msf.frames - _LEAD_IN_OFFSET
    return msf.frames - _PREGAP


def lba_to_msf(lba: int) -> Msf:
    """MSF time of an LBA, the inverse of :func:`msf_to_lba`.

    Raises:
        ValueError: ``lba`` outside -45150 .. 404849 (no MSF form).
    """
    if not LBA_MIN <= lba <= LBA_MAX:
        raise ValueError(f"LBA {lba} has no MSF form (range {LBA_MIN}..{LBA_MAX})")
    if lba >= -_PREGAP:
        return Msf.from_frames(lba + _PREGAP)
    return Msf.from_frames(lba + _LEAD_IN_OFFSET)


def bcd_to_int(value: int) -> int:
    """Decode one packed-BCD byte (0x59 -> 59).

    Raises:
        ValueError: not a byte, or a nibble above 9.
    """
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{value} is not a byte")
    high, low = value >> 4, value & 0x0F
    if high > 9 or low > 9:
        raise ValueError(f"{value:#04x} is not packed BCD")
    return high * 10 + low


def int_to_bcd(value: int) -> int:
    """Encode 0..99 as one packed-BCD byte (59 -> 0x59).

    Raises:
        ValueError: outside 0..99.
    """
    if not 0 <= value <= 99:
        raise ValueError(f"{value} does not fit two BCD digits")
    return (value // 10) << 4 | value % 10
