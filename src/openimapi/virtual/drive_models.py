"""The drive models a virtual drive can be: identity, media it reads and writes, write
modes, buffer and speeds, each taken from a real recorder of tests/data/captures.

===============  =================================  ==================================
model            identity (from the capture)        media
===============  =================================  ==================================
``cd-writer``    PLEXTOR CD-R   PX-W4824A 1.04      CD-ROM, CD-R, CD-RW
``dvd-writer``   HL-DT-ST DVDRAM GH22LS40 LL01      CD and every DVD (DVD-RAM included)
``bd-writer``    HL-DT-ST BD-RE  WH16NS40 1.00      CD, DVD and BD (the default)
``dvd-rom``      SONY DVD-ROM DDU1621 S4.0          reads CD and DVD-ROM, records nothing
``mmc1-cd-writer`` HP CD-Writer+ 8200a 1.0g         CD-R, CD-RW; an MMC-1 drive
===============  =================================  ==================================

``mmc1-cd-writer`` is a drive of before MMC-2 (1999): it has no GET CONFIGURATION, GET
PERFORMANCE, SET STREAMING nor READ DISC STRUCTURE, and answers them INVALID COMMAND
OPERATION CODE (5/20/00), as every drive answers an opcode it does not implement.
"""

from __future__ import annotations

from dataclasses import dataclass

from openimapi.virtual.media import Medium

__all__ = ["DRIVE_MODELS", "DriveModel", "drive_model"]


@dataclass(frozen=True, slots=True)
class DriveModel:
    """A recorder model.

    ``profiles`` lists every profile of the GET CONFIGURATION profile list, in the drive's
    order (newest media first, as the LG drives of the captures list them).
    """

    name: str
    vendor: str
    product: str
    revision: str
    profiles: tuple[int, ...]
    writes: tuple[int, ...]  # profiles it records
    buffer_size: int  # bytes
    max_read: dict[str, int]  # family -> multiple of 1x
    bufe: bool = True
    test_write: bool = True
    cd_raw: bool = False  # raw (write type 3) CD recording is not emulated
    dvd_minus_test_write: bool = True
    inquiry_extra: str = ""  # vendor-specific bytes 36..55
    missing_opcodes: frozenset[int] = frozenset()  # answered 5/20/00 (commands of a later MMC)

    def reads(self, medium: Medium) -> bool:
        """The drive recognises ``medium`` (it is in its profile list)."""
        return medium.profile in self.profiles or (medium.profile == 0x14 and 0x13 in self.profiles)

    def writes_medium(self, medium: Medium) -> bool:
        return medium.profile in self.writes

    def write_speeds(self, medium: Medium) -> tuple[int, ...]:
        """Multiples of 1x offered for ``medium`` (fastest first)."""
        return medium.write_speeds if self.writes_medium(medium) else ()


_CD = (0x08, 0x09, 0x0A)
_DVD = (0x10, 0x11, 0x15, 0x16, 0x12, 0x13, 0x14, 0x1A, 0x1B, 0x2B)
_BD = (0x40, 0x41, 0x42, 0x43)

DRIVE_MODELS: dict[str, DriveModel] = {
    "cd-writer": DriveModel(
        "cd-writer", "PLEXTOR", "CD-R   PX-W4824A", "1.04", profiles=(0x08, 0x09, 0x0A), writes=(0x09, 0x0A),
        buffer_size=2_394_336, max_read={"cd": 48},
    ),
    "dvd-writer": DriveModel(
        "dvd-writer", "HL-DT-ST", "DVDRAM GH22LS40", "LL01",
        profiles=(0x12, 0x15, 0x16, 0x2B, 0x1B, 0x1A, 0x14, 0x13, 0x11, 0x10, 0x0A, 0x09, 0x08),
        writes=(0x12, 0x2B, 0x1B, 0x1A, 0x14, 0x13, 0x11, 0x0A, 0x09), buffer_size=2 * 1024 * 1024,
        max_read={"cd": 48, "dvd": 16},
    ),
    "bd-writer": DriveModel(
        "bd-writer", "HL-DT-ST", "BD-RE  WH16NS40", "1.00",
        profiles=(0x43, 0x42, 0x41, 0x40, 0x2B, 0x1B, 0x1A, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x10, 0x0A, 0x09,
                  0x08),
        writes=(0x43, 0x41, 0x2B, 0x1B, 0x1A, 0x14, 0x13, 0x12, 0x11, 0x0A, 0x09), buffer_size=4 * 1024 * 1024,
        max_read={"cd": 48, "dvd": 16, "bd": 12},
    ),
    "dvd-rom": DriveModel(
        "dvd-rom", "SONY", "DVD-ROM DDU1621", "S4.0", profiles=(0x10, 0x08), writes=(), buffer_size=512 * 1024,
        max_read={"cd": 40, "dvd": 16}, bufe=False, test_write=False, dvd_minus_test_write=False,
    ),
    "mmc1-cd-writer": DriveModel(
        "mmc1-cd-writer", "HP", "CD-Writer+ 8200a", "1.0g", profiles=(0x08, 0x09, 0x0A), writes=(0x09, 0x0A),
        buffer_size=1024 * 1024, max_read={"cd": 24}, bufe=False,
        missing_opcodes=frozenset({0x46, 0xAC, 0xB6, 0xAD}),
    ),
}


def drive_model(name: str) -> DriveModel:
    """The model called ``name``.

    Raises:
        ValueError: no such model.
    """
    try:
        return DRIVE_MODELS[name]
    except KeyError:
        raise ValueError(f"unknown drive model {name!r}; known: {', '.join(DRIVE_MODELS)}") from None
