"""El Torito through BootOptions and BootImageOptionsArray: BIOS and UEFI together."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pycdlib
import pytest

from openimapi import BootOptions, FileSystemImage, errors
from openimapi.enums import EmulationType, PlatformId
from openimapi.fs.eltorito import parse_catalog


def _boot(image: bytes, platform: PlatformId = PlatformId.PlatformX86,
          emulation: EmulationType = EmulationType.EmulationNone) -> BootOptions:
    boot = BootOptions()
    boot.platform_id = platform
    boot.emulation = emulation
    boot.assign_boot_image(image)
    return boot


def _mbr() -> bytes:
    disk = bytearray(512 * 64)
    disk[446 + 4] = 0x0C  # FAT32 LBA partition type
    disk[510:512] = b"\x55\xaa"
    return bytes(disk)


@pytest.fixture
def image(tmp_path: Path) -> tuple[bytes, FileSystemImage]:
    fsi = FileSystemImage()
    fsi.root.add_file("readme.txt", b"bootable")
    bios = _boot(bytes(range(256)) * 24)
    bios.manufacturer = "openimapi"
    bios.boot_info_table = True
    efi = _boot(b"\x4d\x5a" + bytes(100_000), PlatformId.PlatformEFI)
    floppy = _boot(bytes(1_474_560), emulation=EmulationType.Emulation144MFloppy)
    disk = _boot(_mbr(), emulation=EmulationType.EmulationHardDisk)
    fsi.boot_image_options_array = [bios, efi, floppy, disk]
    return fsi.create_result_image().image_stream.read(), fsi


def test_catalog_entries(image: tuple[bytes, FileSystemImage]) -> None:
    data, fsi = image
    assert data[17 * 2048 + 7 : 17 * 2048 + 30] == b"EL TORITO SPECIFICATION"
    catalog = int.from_bytes(data[17 * 2048 + 71 : 17 * 2048 + 75], "little")
    entries = parse_catalog(data[catalog * 2048 : catalog * 2048 + 2048])
    assert [(p, e.media_type) for p, e in entries] == [(0, 0), (0xEF, 0), (0, 2), (0, 4)]
    assert entries[0][1].sector_count == -(-6144 // 512) and entries[1][1].sector_count == -(-100_002 // 512)
    assert entries[3][1].system_type == 0x0C and entries[2][1].sector_count == 1
    bios_lba = entries[0][1].load_rba
    boot_image = data[bios_lba * 2048 : bios_lba * 2048 + 6144]
    pvd, file_lba, length, checksum = struct.unpack_from("<4I", boot_image, 8)
    assert (pvd, file_lba, length) == (16, bios_lba, 6144)
    original = bytes(range(256)) * 24
    assert checksum == sum(struct.unpack_from(f"<{(6144 - 64) // 4}I", original, 64)) & 0xFFFFFFFF
    assert boot_image[64:] == original[64:] and boot_image[:8] == original[:8]
    efi_lba = entries[1][1].load_rba
    assert data[efi_lba * 2048 : efi_lba * 2048 + 2] == b"\x4d\x5a"
    assert fsi.boot_image_options is fsi.boot_image_options_array[0]


def test_independent_readers_see_the_catalog(image: tuple[bytes, FileSystemImage], tmp_path: Path) -> None:
    data, _ = image
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(data))
    catalog = iso.eltorito_boot_catalog
    assert catalog.validation_entry.platform_id == 0
    assert catalog.initial_entry.boot_indicator == 0x88
    assert [s.platform_id for s in catalog.sections] == [0xEF, 0, 0]
    iso.close()
    if shutil.which("xorriso") is None:
        pytest.skip("xorriso is not installed")
    path = tmp_path / "boot.iso"
    path.write_bytes(data)
    report = subprocess.run(["xorriso", "-indev", str(path), "-report_el_torito", "plain"], capture_output=True,
                            check=True, timeout=60).stdout.decode()
    rows = [line.split() for line in report.splitlines() if line.startswith("El Torito boot img :")]
    assert [(r[6], r[8]) for r in rows] == [("BIOS", "none"), ("UEFI", "none"), ("BIOS", "fd1.4"), ("BIOS", "hd")]


def test_boot_errors() -> None:
    fsi = FileSystemImage()
    with pytest.raises(errors.E_NOINTERFACE):
        fsi.boot_image_options_array = ["not a boot option"]  # type: ignore[list-item]
    with pytest.raises(errors.IMAPI_E_BOOT_IMAGE_DATA):
        fsi.boot_image_options = BootOptions()
    bad_disk = _boot(bytes(1024), emulation=EmulationType.EmulationHardDisk)
    fsi.boot_image_options = bad_disk
    with pytest.raises(errors.IMAPI_E_BOOT_IMAGE_DATA):
        fsi.create_result_image()
    fsi.boot_image_options = None
    assert fsi.boot_image_options is None and fsi.boot_image_options_array == []
