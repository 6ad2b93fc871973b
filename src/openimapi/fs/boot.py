"""IBootOptions: one El Torito boot entry (image stream, platform, emulation, ID string)."""

from __future__ import annotations

import io
from typing import Any

from openimapi import errors
from openimapi.enums import EmulationType, PlatformId
from openimapi.fs.source import Source, make_source

__all__ = ["EMULATION_SIZES", "BootOptions"]

#: image sizes the floppy emulations require (El Torito 2.0, boot media type 1-3)
EMULATION_SIZES = {
    EmulationType.Emulation12MFloppy: 1_228_800,
    EmulationType.Emulation144MFloppy: 1_474_560,
    EmulationType.Emulation288MFloppy: 2_949_120,
}


class BootOptions:
    """IBootOptions: creatable; assign a boot image and set platform and emulation.

    openimapi extensions: ``boot_info_table`` (patch the El Torito boot info table into
    a no-emulation image, as isolinux expects), ``load_segment`` and ``sector_count``
    (None: the whole image for no emulation, 1 sector for the emulations).
    """

    def __init__(self) -> None:
        self._source: Source | None = None
        self._manufacturer = ""
        self._platform = PlatformId.PlatformX86
        self._emulation = EmulationType.EmulationNone
        self.boot_info_table = False
        self.load_segment = 0
        self.sector_count: int | None = None

    @property
    def boot_image(self) -> io.RawIOBase | None:
        """A stream over the assigned boot image, or None (BootImage)."""
        return None if self._source is None else self._source.open_stream()

    @property
    def manufacturer(self) -> str:
        """ID string of the boot catalog entry, at most 24 ASCII characters (Manufacturer)."""
        return self._manufacturer

    @manufacturer.setter
    def manufacturer(self, value: str) -> None:
        if value is None:
            raise errors.E_POINTER("manufacturer must not be None")
        if not isinstance(value, str) or len(value) > 24 or not value.isascii():
            raise errors.IMAPI_E_INVALID_PARAM("the manufacturer string is at most 24 ASCII characters")
        self._manufacturer = value

    @property
    def platform_id(self) -> PlatformId:
        """Platform of the entry: x86 BIOS, PowerPC, Mac or EFI (PlatformId)."""
        return self._platform

    @platform_id.setter
    def platform_id(self, value: PlatformId | int) -> None:
        try:
            self._platform = PlatformId(int(value))
        except ValueError as exc:
            raise errors.IMAPI_E_INVALID_PARAM(f"unknown platform id {value!r}") from exc

    @property
    def emulation(self) -> EmulationType:
        """Emulation type of the entry (Emulation)."""
        return self._emulation

    @emulation.setter
    def emulation(self, value: EmulationType | int) -> None:
        try:
            emulation = EmulationType(int(value))
        except ValueError as exc:
            raise errors.IMAPI_E_INVALID_PARAM(f"unknown emulation type {value!r}") from exc
        if self._source is not None:
            _check_size(emulation, self._source)
        self._emulation = emulation

    @property
    def image_size(self) -> int:
        """Size of the boot image in bytes, 0 without one (ImageSize)."""
        return 0 if self._source is None else self._source.size

    def assign_boot_image(self, new_val: Any) -> None:
        """Attach the boot image: bytes, a path or a binary stream (AssignBootImage).

        Raises:
            E_POINTER: None; IMAPI_E_BOOT_IMAGE_DATA: empty or unreadable image;
            IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH: size does not fit the emulation.
        """
        if new_val is None:
            raise errors.E_POINTER("the boot image must not be None")
        try:
            source = make_source(new_val)
        except errors.ImapiError as exc:
            raise errors.IMAPI_E_BOOT_IMAGE_DATA(f"cannot use the boot image: {exc.message}") from exc
        if source.size == 0:
            raise errors.IMAPI_E_BOOT_IMAGE_DATA("the boot image is empty")
        _check_size(self._emulation, source)
        self._source = source

    @property
    def source(self) -> Source | None:
        """The assigned image as an openimapi source (used by the image writer)."""
        return self._source


def _check_size(emulation: EmulationType, source: Source) -> None:
    want = EMULATION_SIZES.get(emulation)
    if want is not None and source.size != want:
        raise errors.IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH(
            f"{emulation.name} needs a {want}-byte image, this one has {source.size}")
    if emulation == EmulationType.EmulationHardDisk and source.size < 512:
        raise errors.IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH("hard disk emulation needs a disk image with an MBR")
