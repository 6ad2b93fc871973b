"""El Torito (Bootable CD-ROM Format Specification 1.0): catalog records and the writer.

The first boot entry is the catalog's initial/default entry; each further entry gets a
section header (0x90, the last 0x91) with its platform, so BIOS and UEFI (platform 0xEF)
entries live together. Boot images are written as hidden extents (no directory entry).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from openimapi import errors
from openimapi.enums import EmulationType
from openimapi.fs.ecma119 import BootRecord
from openimapi.fs.image import BLOCK, FileExtent
from openimapi.fs.plan import BootEntry, Plan

__all__ = ["BootWriter", "SectionEntry", "SectionHeader", "ValidationEntry", "parse_catalog"]

MEDIA_TYPE = {
    EmulationType.EmulationNone: 0,
    EmulationType.Emulation12MFloppy: 1,
    EmulationType.Emulation144MFloppy: 2,
    EmulationType.Emulation288MFloppy: 3,
    EmulationType.EmulationHardDisk: 4,
}


@dataclass(frozen=True, slots=True)
class ValidationEntry:
    """El Torito 2.1: the first catalog record (platform, ID string, checksum, 55 AA)."""

    platform: int
    id_string: bytes = b""

    def to_bytes(self) -> bytes:
        body = bytearray(32)
        body[0] = 1
        body[1] = self.platform
        body[4 : 4 + len(self.id_string[:24])] = self.id_string[:24]
        body[30:32] = b"\x55\xaa"
        total = sum(struct.unpack("<16H", bytes(body))) & 0xFFFF
        body[28:30] = ((-total) & 0xFFFF).to_bytes(2, "little")
        return bytes(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> ValidationEntry:
        """Raises: ValueError for a bad header, key bytes or checksum."""
        if len(data) < 32 or data[0] != 1 or data[30:32] != b"\x55\xaa":
            raise ValueError("not an El Torito validation entry")
        if sum(struct.unpack("<16H", bytes(data[:32]))) & 0xFFFF:
            raise ValueError("El Torito validation entry checksum is wrong")
        return cls(data[1], bytes(data[4:28]).rstrip(b"\x00"))


@dataclass(frozen=True, slots=True)
class SectionHeader:
    """El Torito 2.3: section header (0x90 more follow, 0x91 final)."""

    platform: int
    entries: int
    final: bool
    id_string: bytes = b""

    def to_bytes(self) -> bytes:
        return (bytes((0x91 if self.final else 0x90, self.platform)) + self.entries.to_bytes(2, "little")
                + self.id_string[:28].ljust(28, b"\x00"))

    @classmethod
    def from_bytes(cls, data: bytes) -> SectionHeader:
        if data[0] not in (0x90, 0x91):
            raise ValueError("not an El Torito section header")
        return cls(data[1], int.from_bytes(data[2:4], "little"), data[0] == 0x91, bytes(data[4:32]).rstrip(b"\x00"))


@dataclass(frozen=True, slots=True)
class SectionEntry:
    """El Torito 2.2/2.4: initial/default entry or section entry (same layout)."""

    bootable: bool
    media_type: int
    load_segment: int
    system_type: int
    sector_count: int
    load_rba: int

    def to_bytes(self) -> bytes:
        return (bytes((0x88 if self.bootable else 0, self.media_type)) + self.load_segment.to_bytes(2, "little")
                + bytes((self.system_type, 0)) + self.sector_count.to_bytes(2, "little")
                + self.load_rba.to_bytes(4, "little") + bytes(20))

    @classmethod
    def from_bytes(cls, data: bytes) -> SectionEntry:
        if data[0] not in (0x88, 0x00):
            raise ValueError("not an El Torito boot entry")
        return cls(data[0] == 0x88, data[1] & 0x0F, int.from_bytes(data[2:4], "little"), data[4],
                   int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:12], "little"))


def parse_catalog(data: bytes) -> list[tuple[int, SectionEntry]]:
    """(platform, entry) of every boot entry of a catalog block.

    Raises:
        ValueError: the validation entry is bad.
    """
    validation = ValidationEntry.from_bytes(data[:32])
    out = [(validation.platform, SectionEntry.from_bytes(data[32:64]))]
    pos = 64
    while pos + 32 <= len(data) and data[pos] in (0x90, 0x91):
        header = SectionHeader.from_bytes(data[pos : pos + 32])
        pos += 32
        for _ in range(header.entries):
            if pos + 32 > len(data):
                break
            out.append((header.platform, SectionEntry.from_bytes(data[pos : pos + 32])))
            pos += 32
        if header.final:
            break
    return out


class BootWriter:
    """Reserves the catalog and the boot images; emits the catalog and the boot record."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.entries: list[BootEntry] = list(plan.options.boot)
        self.catalog = 0
        self.images: list[int] = []

    def reserve(self) -> None:
        """Raises: IMAPI_E_BOOT_IMAGE_DATA: more entries than one catalog block holds."""
        if 2 + 2 * len(self.entries) > BLOCK // 32:
            raise errors.IMAPI_E_BOOT_IMAGE_DATA("too many boot entries for one boot catalog")
        self.catalog = self.plan.take(1)
        for entry in self.entries:
            self.images.append(self.plan.take(self.plan.blocks(entry.source.size)))

    def boot_record(self) -> bytes:
        return BootRecord(self.plan.lba(self.catalog)).to_bytes()

    def _entry(self, entry: BootEntry, rba: int) -> SectionEntry:
        emulation = EmulationType(entry.emulation)
        size = entry.source.size
        if entry.sector_count is not None:
            count = entry.sector_count
        elif emulation == EmulationType.EmulationNone:
            count = min(0xFFFF, -(-size // 512))
        else:
            count = 1
        system_type = entry.system_type
        if emulation == EmulationType.EmulationHardDisk and not system_type:
            mbr = entry.source.read_at(0, 512)
            if mbr[510:512] != b"\x55\xaa":
                raise errors.IMAPI_E_BOOT_IMAGE_DATA("a hard disk emulation image needs an MBR (55 AA)")
            system_type = mbr[446 + 4]
        return SectionEntry(True, MEDIA_TYPE[emulation], entry.load_segment, system_type, count, rba)

    def emit(self) -> None:
        plan = self.plan
        first = self.entries[0]
        parts = [ValidationEntry(first.platform, first.manufacturer.encode("ascii", "replace")).to_bytes(),
                 self._entry(first, plan.lba(self.images[0])).to_bytes()]
        rest = list(zip(self.entries[1:], self.images[1:], strict=True))
        for i, (entry, block) in enumerate(rest):
            parts.append(SectionHeader(entry.platform, 1, i == len(rest) - 1,
                                       entry.manufacturer.encode("ascii", "replace")).to_bytes())
            parts.append(self._entry(entry, plan.lba(block)).to_bytes())
        plan.put(self.catalog, b"".join(parts), "Boot catalog")
        for n, (entry, block) in enumerate(zip(self.entries, self.images, strict=True)):
            source = entry.source
            size = source.size
            patch = None
            if entry.boot_info_table:
                if size < 64:
                    raise errors.IMAPI_E_BOOT_IMAGE_DATA("a boot info table needs an image of at least 64 bytes")
                data = source.read_at(0, size)
                data += bytes(-len(data) % 4)
                checksum = sum(struct.unpack_from(f"<{(len(data) - 64) // 4}I", data, 64)) & 0xFFFFFFFF
                table = struct.pack("<4I", plan.lba(16), plan.lba(block), size, checksum) + bytes(40)
                patch = (8, table)
            plan.extents.add(block, plan.blocks(size), FileExtent(source, patch=patch),
                             f"Boot image {n + 1}")
