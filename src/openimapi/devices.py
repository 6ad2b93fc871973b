"""Discovery: find the optical drives of every backend, each under a stable unique id (its
transport address, which :func:`openimapi.transport.open` accepts).

Linux drives are found in sysfs without opening them: each ``/sys/class/block/srN`` whose
SCSI device is of type 5 (MMC) or 4 (WORM) gives ``sg:/dev/srN``, with the identity the
kernel read by INQUIRY at attach time (``device/vendor``, ``device/model``, ``device/rev``)
and the matching SCSI generic node (``device/scsi_generic/sgM``, or the older
``device/scsi_generic:sgM`` link).

Other backends (virtual drives, iSCSI portals) add their own *enumerators*, callables
returning :class:`DriveInfo` values, with :func:`register_enumerator` when their module is
imported; :func:`discover_all` first imports the modules named in
:data:`ENUMERATOR_MODULES` (lazily, as the transport backends are) and then asks each
enumerator. An enumerator that fails is logged and skipped, so
one broken backend never hides the drives of the others.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ENUMERATOR_MODULES",
    "DriveInfo",
    "Enumerator",
    "discover",
    "discover_all",
    "discover_iscsi",
    "enumerators",
    "register_enumerator",
    "unregister_enumerator",
]

log = logging.getLogger(__name__)

#: SCSI peripheral device types of optical drives: 5 (CD/DVD, MMC) and 4 (write-once).
_OPTICAL_TYPES = frozenset({4, 5})
_SR = re.compile(r"sr(\d+)")
_SG = re.compile(r"sg\d+")


@dataclass(frozen=True, slots=True)
class DriveInfo:
    """One drive found by discovery.

    ``address`` is its unique id and transport address (``sg:/dev/sr0``,
    ``virtual:NAME``, ...); ``sg_node`` and ``block_node`` are the Linux device nodes, or
    None for drives that have none.

    Raises:
        ValueError: ``address`` is empty.
    """

    address: str
    vendor: str
    product: str
    revision: str
    sg_node: str | None = None
    block_node: str | None = None

    def __post_init__(self) -> None:
        if not self.address:
            raise ValueError("a drive needs an address")

    def __str__(self) -> str:
        ident = " ".join(p for p in (self.vendor, self.product, self.revision) if p)
        return f"{self.address} ({ident})" if ident else self.address


Enumerator = Callable[[], Iterable[DriveInfo]]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def _sg_name(device: Path) -> str | None:
    generic = device / "scsi_generic"
    try:
        names = sorted(p.name for p in generic.iterdir() if _SG.fullmatch(p.name))
    except OSError:
        names = []
    if names:
        return names[0]
    try:  # older kernels: a "scsi_generic:sgN" link in the device directory
        for entry in sorted(device.iterdir()):
            prefix, sep, name = entry.name.partition(":")
            if sep and prefix == "scsi_generic" and _SG.fullmatch(name):
                return name
    except OSError:
        return None
    return None


def discover(sysfs_root: str | Path = "/sys", dev_root: str | Path = "/dev") -> list[DriveInfo]:
    """The optical drives the Linux kernel knows, from sysfs, in ``srN`` order.

    Nothing is opened, so a drive in use or without permission is still listed. Without
    sysfs (not Linux, a container without /sys) the list is empty.
    """
    block = Path(sysfs_root) / "class" / "block"
    try:
        entries = list(block.iterdir())
    except OSError:
        return []
    found: list[tuple[int, DriveInfo]] = []
    for entry in entries:
        match = _SR.fullmatch(entry.name)
        if not match:
            continue
        device = entry / "device"
        type_text = _read(device / "type")
        try:
            if int(type_text) not in _OPTICAL_TYPES:
                continue
        except ValueError:
            log.debug("%s: unreadable device type %r, skipped", entry, type_text)
            continue
        sg = _sg_name(device)
        block_node = str(Path(dev_root) / entry.name)
        found.append(
            (
                int(match.group(1)),
                DriveInfo(
                    address=f"sg:{block_node}",
                    vendor=_read(device / "vendor"),
                    product=_read(device / "model"),
                    revision=_read(device / "rev"),
                    sg_node=str(Path(dev_root) / sg) if sg else None,
                    block_node=block_node,
                ),
            )
        )
    return [info for _, info in sorted(found, key=lambda pair: pair[0])]


_ENUMERATORS: dict[str, Enumerator] = {}

#: Modules that register enumerators when imported; :func:`discover_all` imports them
#: first. A module that is missing or fails to import is logged and skipped.
ENUMERATOR_MODULES: list[str] = ["openimapi.virtual"]
_imported: set[str] = set()


def _import_enumerator_modules() -> None:
    for name in list(ENUMERATOR_MODULES):
        if name in _imported:
            continue
        _imported.add(name)
        try:
            importlib.import_module(name)
        except Exception:
            log.warning("drive enumerator module %s cannot be imported; skipped", name, exc_info=True)


def register_enumerator(fn: Enumerator, name: str | None = None) -> Enumerator:
    """Add a drive enumerator (usable as a decorator); ``name`` defaults to the function's
    qualified name, and registering a name again replaces the earlier enumerator."""
    key = name or f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    _ENUMERATORS[key] = fn
    return fn


def unregister_enumerator(name: str) -> None:
    """Remove the enumerator registered under ``name``.

    Raises:
        KeyError: no enumerator has that name.
    """
    del _ENUMERATORS[name]


def enumerators() -> dict[str, Enumerator]:
    """A copy of the registry: name -> enumerator."""
    return dict(_ENUMERATORS)


def discover_all() -> list[DriveInfo]:
    """The drives of every registered enumerator, in registration order, each address once
    (the first enumerator to report an address wins). Imports :data:`ENUMERATOR_MODULES`
    first. A failing enumerator or module is logged and skipped."""
    _import_enumerator_modules()
    drives: list[DriveInfo] = []
    seen: set[str] = set()
    for name, fn in list(_ENUMERATORS.items()):
        try:
            found = list(fn())
        except Exception:
            log.warning("drive enumerator %s failed; its drives are skipped", name, exc_info=True)
            continue
        for info in found:
            if not isinstance(info, DriveInfo):
                log.warning("drive enumerator %s returned %r, not a DriveInfo; skipped", name, info)
                continue
            if info.address in seen:
                continue
            seen.add(info.address)
            drives.append(info)
    return drives


def discover_iscsi() -> list[DriveInfo]:
    """The CD/DVD logical units behind the iSCSI portals of ``$OPENIMAPI_ISCSI_PORTALS``
    (comma- or space-separated ``HOST[:PORT]``), found by SendTargets, REPORT LUNS and
    INQUIRY; nothing when the variable is unset. Unreachable portals are skipped."""
    if not os.environ.get("OPENIMAPI_ISCSI_PORTALS", "").strip():
        return []
    from openimapi.transport.iscsi import enumerate_drives  # imported only when configured

    return [DriveInfo(unit.address, unit.vendor, unit.product, unit.revision) for unit in enumerate_drives()]


register_enumerator(discover, "sysfs")
register_enumerator(discover_iscsi, "iscsi")
