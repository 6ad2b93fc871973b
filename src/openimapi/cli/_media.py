"""Words for media types and states, and the medium state after a failed or cancelled write."""

from __future__ import annotations

from typing import Any

from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT

#: IMAPI sectors per second at 1x.
SECTORS_1X = {"cd": 75, "dvd": 680, "bd": 2195}

MEDIA_NAMES = {
    PT.IMAPI_MEDIA_TYPE_UNKNOWN: "unknown", PT.IMAPI_MEDIA_TYPE_CDROM: "CD-ROM", PT.IMAPI_MEDIA_TYPE_CDR: "CD-R",
    PT.IMAPI_MEDIA_TYPE_CDRW: "CD-RW", PT.IMAPI_MEDIA_TYPE_DVDROM: "DVD-ROM", PT.IMAPI_MEDIA_TYPE_DVDRAM: "DVD-RAM",
    PT.IMAPI_MEDIA_TYPE_DVDPLUSR: "DVD+R", PT.IMAPI_MEDIA_TYPE_DVDPLUSRW: "DVD+RW",
    PT.IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER: "DVD+R DL", PT.IMAPI_MEDIA_TYPE_DVDDASHR: "DVD-R",
    PT.IMAPI_MEDIA_TYPE_DVDDASHRW: "DVD-RW", PT.IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER: "DVD-R DL",
    PT.IMAPI_MEDIA_TYPE_DISK: "disk", PT.IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER: "DVD+RW DL",
    PT.IMAPI_MEDIA_TYPE_HDDVDROM: "HD DVD-ROM", PT.IMAPI_MEDIA_TYPE_HDDVDR: "HD DVD-R",
    PT.IMAPI_MEDIA_TYPE_HDDVDRAM: "HD DVD-RAM", PT.IMAPI_MEDIA_TYPE_BDROM: "BD-ROM",
    PT.IMAPI_MEDIA_TYPE_BDR: "BD-R", PT.IMAPI_MEDIA_TYPE_BDRE: "BD-RE",
}

_FLAGS = (
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK, "blank"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE, "appendable"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY, "overwritable"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINAL_SESSION, "final session"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_NON_EMPTY_SESSION, "open session"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_DAMAGED, "damaged"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_ERASE_REQUIRED, "needs erasing"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_WRITE_PROTECTED, "write-protected"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED, "closed"),
    (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_UNSUPPORTED_MEDIA, "unsupported"),
)


def media_name(kind: Any) -> str:
    try:
        return MEDIA_NAMES[PT(int(kind))]
    except (ValueError, KeyError):
        return str(kind)


def state_words(status: int) -> list[str]:
    """The flags of an IMAPI_FORMAT2_DATA_MEDIA_STATE as words."""
    return [word for flag, word in _FLAGS if status & flag]


def family(kind: Any) -> str:
    name = media_name(kind)
    return "bd" if name.startswith("BD") else "cd" if name.startswith("CD") else "dvd"


def media_status(fmt: Any) -> int | None:
    """The medium state through DiscFormat2Data, or None without a medium."""
    try:
        return int(fmt.current_media_status)
    except errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA:
        return None


def state_sentence(fmt: Any) -> str:
    """What the disc is now, for the line after a cancelled or failed write."""
    try:
        status = media_status(fmt)
    except errors.ImapiError as exc:
        return f"its state cannot be read ({exc.message})"
    if status is None:
        return "the drive reports no disc"
    words = state_words(status)
    if status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK:
        return "the disc is still blank and can be used again"
    if status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_DAMAGED:
        return "the disc is damaged (an incomplete session); erase it if it is rewritable"
    if status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE:
        return "the disc is appendable: earlier sessions are intact and another session can be added"
    if status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY:
        return "the disc is overwritable: burn again to replace the partial data"
    return "the disc is " + (", ".join(words) or "in an unknown state")


#: Blank media for the "which media fit" hint: name, sectors of 2048 bytes, size for people.
BLANKS = (("CD-R", 359_849, "700 MB"), ("DVD+R", 2_295_104, "4.7 GB"), ("DVD+R DL", 4_173_824, "8.5 GB"),
          ("BD-R", 12_219_392, "25 GB"))


def fit_hint(sectors: int) -> str:
    """Which blank media hold ``sectors`` sectors, as a hint."""
    size = f"{sectors * 2048 / 1e6:,.1f} MB"
    for name, capacity, label in BLANKS:
        if sectors <= capacity - 64:
            smallest = f"a blank {name} ({label})"
            return f"the data needs {size}: insert {smallest}" + (" or larger" if name != "BD-R" else "")
    return f"the data needs {size}, more than a BD-R holds: burn it in parts"
