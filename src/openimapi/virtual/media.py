"""Media models of the virtual recorder: what a blank (or pressed) disc of each type is.

Media are objects with capability queries (``medium.rewritable``, ``medium.formattable``,
``medium.family``), not profile numbers compared all over the device. Capacities are the
ones real discs report (READ TRACK INFORMATION free blocks of a blank disc / READ FORMAT
CAPACITIES), see tests/data/captures for the drives that reported them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["Atip", "Family", "MEDIA", "Medium", "Recording", "media_by_name", "media_names"]

#: bytes per second at 1x (CD: 75 sectors of 2352 bytes; DVD; BD).
ONE_X = {"cd": 176_400, "dvd": 1_385_000, "bd": 4_495_500}


class Family(enum.Enum):
    CD = "cd"
    DVD = "dvd"
    BD = "bd"


class Recording(enum.Enum):
    """How the medium is recorded."""

    ROM = "rom"  # pressed, read-only
    WRITE_ONCE = "write-once"  # sequential recording (incremental / TAO / SAO)
    REWRITABLE = "rewritable"


@dataclass(frozen=True, slots=True)
class Atip:
    """The ATIP of a CD-R/RW (READ TOC/PMA/ATIP format 4, MMC-6 6.33.2.5)."""

    lead_in_start: tuple[int, int, int]  # MSF of the start of the lead-in
    last_lead_out: tuple[int, int, int]  # MSF of the last possible start of the lead-out
    indicative_power: int = 4
    disc_type: int = 0  # 0 = dye type long strategy
    sub_type: int = 4
    reference_speed: int = 1
    low_speed: int = 1  # A1 values (CD-RW: lowest/highest CLV recording speed)
    high_speed: int = 7
    manufacturer: str = ""

    @property
    def lead_out_lba(self) -> int:
        m, s, f = self.last_lead_out
        return (m * 60 + s) * 75 + f - 150

    @property
    def lead_in_lba(self) -> int:
        m, s, f = self.lead_in_start
        return (m * 60 + s) * 75 + f - 450_150


@dataclass(frozen=True, slots=True)
class Medium:
    """One medium type.

    ``capacity`` is the number of user sectors of the blank (or, for media sold formatted,
    formatted) disc; ``unformatted`` the capacity before formatting where it differs.
    ``write_speeds`` are the multiples of 1x the drive offers for it, fastest first.
    """

    name: str
    title: str
    profile: int
    family: Family
    recording: Recording
    capacity: int
    unformatted: int = 0
    layers: int = 1
    layer_break: int = 0
    erasable: bool = False  # BLANK applies (CD-RW, DVD-RW)
    formattable: bool = False  # FORMAT UNIT applies
    needs_format: bool = False  # random writes only after FORMAT UNIT
    preformatted: bool = False  # sold formatted (DVD-RAM)
    multisession: bool = True
    media_id: str = ""
    write_speeds: tuple[int, ...] = ()
    atip: Atip | None = None
    formats: tuple[tuple[int, int, int], ...] = field(default=())  # (type, blocks, parameter)

    @property
    def is_cd(self) -> bool:
        return self.family is Family.CD

    @property
    def is_dvd(self) -> bool:
        return self.family is Family.DVD

    @property
    def is_bd(self) -> bool:
        return self.family is Family.BD

    @property
    def rom(self) -> bool:
        return self.recording is Recording.ROM

    @property
    def write_once(self) -> bool:
        return self.recording is Recording.WRITE_ONCE

    @property
    def rewritable(self) -> bool:
        return self.recording is Recording.REWRITABLE

    @property
    def writable(self) -> bool:
        return self.recording is not Recording.ROM

    @property
    def sequential(self) -> bool:
        """Recorded in tracks at a next writable address (write-once media, CD-RW and
        DVD-RW in sequential mode)."""
        return self.write_once or (self.rewritable and self.erasable)

    @property
    def slot_size(self) -> int:
        """Bytes kept per sector in the store: 2352 on CD (audio is raw), else 2048."""
        return 2352 if self.is_cd else 2048

    @property
    def one_x(self) -> int:
        """Bytes per second at 1x."""
        return ONE_X[self.family.value]

    @property
    def link_size(self) -> int:
        """Track start alignment in sectors: ECC block (DVD), cluster (BD), 1 (CD)."""
        return {Family.CD: 1, Family.DVD: 16, Family.BD: 32}[self.family]

    @property
    def first_session_gap(self) -> int:
        """Sectors between the end of the first session and the next session's first
        track (lead-out + lead-in + pre-gap): 11,400 on CD (Orange Book), a closure zone
        on DVD±R, none on BD-R."""
        return {Family.CD: 11_400, Family.DVD: 0x3000, Family.BD: 0}[self.family]

    @property
    def later_session_gap(self) -> int:
        """As :attr:`first_session_gap` for the sessions after the first (CD: 6,900)."""
        return {Family.CD: 6_900, Family.DVD: 0x3000, Family.BD: 0}[self.family]


def _cd_atip(minutes: int, rw: bool) -> Atip:
    last = (79, 59, 74) if minutes == 80 else (74, 0, 0)
    if rw:
        return Atip((97, 26, 66), last, indicative_power=4, disc_type=1, sub_type=0, low_speed=4, high_speed=10,
                    manufacturer="Mitsubishi Chemical Corporation")
    return Atip((97, 25, 22), last, indicative_power=4, disc_type=0, sub_type=4, manufacturer="Hitachi Maxell, Ltd.")


MEDIA: dict[str, Medium] = {}


def _add(m: Medium) -> None:
    MEDIA[m.name] = m


# CD: the capacity is the LBA of the last possible lead-out start (ATIP).
_add(Medium("cd-r", "CD-R", 0x09, Family.CD, Recording.WRITE_ONCE, 359_849, atip=_cd_atip(80, False),
            media_id="97m25s22f", write_speeds=(48, 40, 32, 24, 16, 10, 4)))
_add(Medium("cd-r74", "CD-R (74 min)", 0x09, Family.CD, Recording.WRITE_ONCE, 332_850, atip=_cd_atip(74, False),
            media_id="97m25s22f", write_speeds=(48, 40, 32, 24, 16, 10, 4)))
_add(Medium("cd-rw", "CD-RW", 0x0A, Family.CD, Recording.REWRITABLE, 359_849, erasable=True,
            atip=_cd_atip(80, True), media_id="97m26s66f", write_speeds=(10, 4)))
_add(Medium("cd-rom", "CD-ROM", 0x08, Family.CD, Recording.ROM, 0, multisession=False))
_add(Medium("dvd-r", "DVD-R", 0x11, Family.DVD, Recording.WRITE_ONCE, 2_298_496, media_id="MCC 03RG20",
            write_speeds=(16, 12, 8, 4)))
_add(Medium("dvd-rw", "DVD-RW", 0x14, Family.DVD, Recording.REWRITABLE, 2_298_496, erasable=True, formattable=True,
            media_id="MKM A02", write_speeds=(6, 4, 2)))
_add(Medium("dvd+r", "DVD+R", 0x1B, Family.DVD, Recording.WRITE_ONCE, 2_295_104, media_id="CMC MAG/M01",
            write_speeds=(16, 12, 8, 4)))
_add(Medium("dvd+r-dl", "DVD+R DL", 0x2B, Family.DVD, Recording.WRITE_ONCE, 4_173_824, layers=2,
            layer_break=2_086_912, media_id="MKM/001", write_speeds=(8, 6, 4, 2)))
_add(Medium("dvd+rw", "DVD+RW", 0x1A, Family.DVD, Recording.REWRITABLE, 2_295_104, formattable=True,
            needs_format=True, multisession=False, media_id="RICOHJPN/W11", write_speeds=(8, 4)))
_add(Medium("dvd-ram", "DVD-RAM", 0x12, Family.DVD, Recording.REWRITABLE, 2_236_704, formattable=True,
            needs_format=True, preformatted=True, multisession=False, media_id="MATSUSHITA",
            write_speeds=(5, 3, 2)))
_add(Medium("dvd-rom", "DVD-ROM", 0x10, Family.DVD, Recording.ROM, 0, multisession=False))
_add(Medium("bd-r", "BD-R", 0x41, Family.BD, Recording.WRITE_ONCE, 12_219_392, formattable=True,
            media_id="VERBAT/IMe", write_speeds=(12, 10, 8, 6, 4),
            formats=((0x00, 11_826_176, 0x3000), (0x32, 11_826_176, 0), (0x32, 5_796_864, 0),
                     (0x32, 12_088_320, 0))))
_add(Medium("bd-re", "BD-RE", 0x43, Family.BD, Recording.REWRITABLE, 11_826_176, unformatted=12_219_392,
            formattable=True, needs_format=True, multisession=False, media_id="VERBAT/IMe",
            write_speeds=(2,), formats=((0x00, 11_826_176, 0x3000), (0x30, 11_826_176, 0x3000),
                                        (0x30, 11_564_032, 0x5000), (0x30, 12_088_320, 0x1000),
                                        (0x31, 12_219_392, 0))))
_add(Medium("bd-rom", "BD-ROM", 0x40, Family.BD, Recording.ROM, 0, multisession=False))


def media_names(*, blank_only: bool = True) -> list[str]:
    """The names accepted by ``VirtualDrive.insert`` (blank writable media by default)."""
    return [n for n, m in MEDIA.items() if m.writable or not blank_only]


def media_by_name(name: str) -> Medium:
    """The medium model called ``name`` (case-insensitive, e.g. ``"dvd+r"``).

    Raises:
        ValueError: no such medium.
    """
    key = name.strip().lower()
    try:
        return MEDIA[key]
    except KeyError:
        raise ValueError(f"unknown medium {name!r}; known: {', '.join(media_names())}") from None
