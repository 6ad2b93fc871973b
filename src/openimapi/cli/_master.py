"""Mastering options shared by ``burn`` and ``mkiso``: which file systems, the volume
label, Rock Ridge, El Torito boot images; and building the FileSystemImage from them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

import openimapi
from openimapi.cli._common import EXIT_USAGE, CliError, check_inputs
from openimapi.enums import EmulationType, FsiFileSystems, PlatformId

F = TypeVar("F", bound=Callable[..., Any])

FS_NAMES = {"iso9660": FsiFileSystems.FsiFileSystemISO9660, "joliet": FsiFileSystems.FsiFileSystemJoliet,
            "udf": FsiFileSystems.FsiFileSystemUDF}


@dataclass(frozen=True, slots=True)
class MasterOptions:
    label: str | None
    fs: FsiFileSystems | None
    udf_revision: int | None
    rock_ridge: bool
    boot: str | None
    efi: str | None


def _parse_fs(value: str | None) -> FsiFileSystems | None:
    if not value:
        return None
    out = FsiFileSystems.FsiFileSystemNone
    for part in value.replace("+", ",").split(","):
        key = part.strip().lower().replace("-", "").replace(" ", "")
        if key not in FS_NAMES:
            raise CliError(f"unknown file system {part.strip()!r}", "use iso9660, joliet and/or udf, e.g. "
                           "--fs iso9660,joliet", EXIT_USAGE)
        out |= FS_NAMES[key]
    return out


def _parse_udf(value: str | None) -> int | None:
    if not value:
        return None
    text = value.strip().lower()
    try:
        if text.startswith("0x"):
            return int(text, 16)
        major, _, minor = text.partition(".")
        return int(major) * 0x100 + int(minor.ljust(2, "0")[:2], 16)
    except ValueError:
        raise CliError(f"bad UDF revision {value!r}", "give it as 1.02, 1.50, 2.00, 2.01, 2.50 or 2.60",
                       EXIT_USAGE) from None


def master_options(func: F) -> F:
    """The options of the file-system image; passed as ``master``."""

    @click.option("--label", default=None, help="volume label (default: the folder's name)")
    @click.option("--fs", "fs", default=None, metavar="LIST",
                  help="file systems, comma-separated: iso9660, joliet, udf (default: what suits the medium)")
    @click.option("--udf-revision", default=None, metavar="REV", help="UDF revision: 1.02 ... 2.60")
    @click.option("--rock-ridge/--no-rock-ridge", default=True, show_default=True,
                  help="POSIX names, permissions and links (Rock Ridge)")
    @click.option("--boot", default=None, metavar="IMAGE", help="El Torito BIOS boot image (no emulation)")
    @click.option("--efi", default=None, metavar="IMAGE", help="El Torito EFI boot image (with --boot or alone)")
    @functools.wraps(func)
    def wrapper(*args: Any, label: str | None, fs: str | None, udf_revision: str | None, rock_ridge: bool,
                boot: str | None, efi: str | None, **kwargs: Any) -> Any:
        master = MasterOptions(label, _parse_fs(fs), _parse_udf(udf_revision), rock_ridge, boot, efi)
        return func(*args, master=master, **kwargs)

    return wrapper  # type: ignore[return-value]


def default_label(paths: tuple[str, ...]) -> str:
    """The volume label: the single folder's name, else ``OPENIMAPI``."""
    if len(paths) == 1 and os.path.isdir(paths[0]):
        name = os.path.basename(os.path.abspath(paths[0]).rstrip("/"))
        if name:
            return name[:32]
    return "OPENIMAPI"


def build_image(paths: tuple[str, ...], master: MasterOptions, fsi: Any | None = None, *,
                imported: bool = False) -> Any:
    """Add ``paths`` to a FileSystemImage (a new one unless given; ``imported``: it holds
    the previous session, whose file systems and label stay unless options say otherwise)
    with the options. A folder is added with its contents at the root; a file goes to the root.

    Raises:
        CliError: a path is missing or unreadable; ImapiError from the image.
    """
    check_inputs(paths)
    for extra in (master.boot, master.efi):
        if extra:
            check_inputs([extra])
    image = fsi if fsi is not None else openimapi.FileSystemImage()
    if master.fs is not None:
        image.file_systems_to_create = master.fs
    elif fsi is None:
        image.file_systems_to_create = (FsiFileSystems.FsiFileSystemISO9660 | FsiFileSystems.FsiFileSystemJoliet
                                        | FsiFileSystems.FsiFileSystemUDF)
    if master.udf_revision is not None:
        image.udf_revision = master.udf_revision
    image.rock_ridge = master.rock_ridge
    if not imported or master.label:
        image.volume_name = master.label or default_label(paths)
    boots = []
    for path, platform in ((master.boot, PlatformId.PlatformX86), (master.efi, PlatformId.PlatformEFI)):
        if path:
            opt = openimapi.BootOptions()
            opt.platform_id = platform
            opt.emulation = EmulationType.EmulationNone
            opt.assign_boot_image(path)
            boots.append(opt)
    if boots:
        image.boot_image_options_array = boots
    for p in paths:
        if os.path.isdir(p):
            image.root.add_tree(os.path.abspath(p), False)
        else:
            image.root.add_file(os.path.basename(p), os.path.abspath(p))
    return image
