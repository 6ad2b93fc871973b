"""Multisession: the objects FileSystemImage.multisession_interfaces accepts, and import.

IMAPI hands the file-system image a list of IMultisession objects (from the data
writer); each tells where the previous session starts, where the next one may start,
and gives access to the recorder that reads the previous session. openimapi accepts any
object with that shape (duck typing) that can also read sectors:

* ``read_sectors(lba, count) -> bytes`` on the object itself, or
* ``import_recorder`` with a ``read_sectors(lba, count)`` method.

:class:`ImageMultisession` implements it over a disc image file or bytes (a previous
session written as an .iso, or a whole multisession disc kept as a file), which is how
the tests and the ``append to an .iso`` workflow use it; the IMAPI2 multisession objects
plug in the same way once their recorder can read sectors.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from typing import Any

from openimapi import errors
from openimapi.enums import FsiFileSystems
from openimapi.fs.ecma119 import BLOCK, JOLIET_ESCAPES, VD_PRIMARY, VD_SUPPLEMENTARY
from openimapi.fs.importer import Disc, SectorReader, find_volume_descriptors, read_iso_tree
from openimapi.fs.tree import DirNode

__all__ = ["ImageMultisession", "ImportedSession", "check_interfaces", "identify", "import_tree", "media_info", "pick"]

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF


class ImageMultisession:
    """A disc kept as an image file or bytes, with its sessions (an IMultisessionSequential look-alike).

    ``sessions`` lists the start block of every session on the disc (default: one session
    at block 0). The next session may start at ``next_writable_address`` (the end of the
    data, rounded up to ``gap`` blocks); ``capacity`` is the medium size in blocks.
    :meth:`append` writes a new session's image stream at its start block.
    """

    def __init__(self, image: Any, sessions: list[int] | None = None, capacity: int = 2_295_104,
                 gap: int = 16) -> None:
        if isinstance(image, bytes | bytearray):
            self._file: Any = io.BytesIO(bytes(image))
            self.path: str | None = None
        elif isinstance(image, str | os.PathLike):
            self.path = os.fspath(image)
            self._file = open(self.path, "r+b")  # noqa: SIM115 - lives as long as the object
        else:
            self._file = image
            self.path = None
        if sessions is None:
            sessions = [0] if self._file.seek(0, io.SEEK_END) else []
        self.sessions = list(sessions)
        self.capacity = capacity
        self.gap = gap
        self.in_use = False
        self.import_recorder = None
        self.is_supported_on_current_media_state = True

    def close(self) -> None:
        if self.path is not None:
            self._file.close()

    @property
    def size_blocks(self) -> int:
        return self._file.seek(0, io.SEEK_END) // BLOCK

    def read_sectors(self, lba: int, count: int) -> bytes:
        """Raises: OSError beyond the written data."""
        if lba < 0 or lba + count > self.size_blocks:
            raise OSError(f"blocks {lba}..{lba + count - 1} were never written")
        self._file.seek(lba * BLOCK)
        return bytes(self._file.read(count * BLOCK))

    @property
    def is_first_data_session(self) -> bool:
        return not self.sessions

    @property
    def start_address_of_previous_session(self) -> int:
        """-1 on a blank disc."""
        return self.sessions[-1] if self.sessions else -1

    @property
    def last_written_address_of_previous_session(self) -> int:
        """-1 on a blank disc."""
        return self.size_blocks - 1 if self.sessions else -1

    @property
    def next_writable_address(self) -> int:
        return -(-self.size_blocks // self.gap) * self.gap if self.sessions else 0

    @property
    def free_sectors_on_media(self) -> int:
        return max(0, self.capacity - self.next_writable_address)

    def append(self, stream: Any, start: int | None = None) -> int:
        """Write a session image (a result's image_stream) at ``start`` (default: the next
        writable address) and record the session; returns its start block."""
        start = self.next_writable_address if start is None else start
        self._file.seek(start * BLOCK)
        stream.seek(0)
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            self._file.write(chunk)
        self._file.flush()
        self.sessions.append(start)
        return start


@dataclass(slots=True)
class ImportedSession:
    """What an import found: the tree and where the new session goes."""

    root: DirNode
    volume_name: str
    file_system: FsiFileSystems
    next_writable_address: int
    free_blocks: int


def _reader(obj: Any) -> SectorReader | None:
    if hasattr(obj, "read_sectors"):
        return obj
    rec = getattr(obj, "import_recorder", None)
    if rec is not None and hasattr(rec, "read_sectors"):
        return rec
    return None


def check_interfaces(items: list[Any]) -> list[Any]:
    """Validate a MultisessionInterfaces list.

    Raises:
        IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE: an object without the multisession shape.
        IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE: none usable on the current medium.
    """
    for item in items:
        if not hasattr(item, "next_writable_address") or not hasattr(item, "start_address_of_previous_session"):
            raise errors.IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE(f"{type(item).__name__} is not a multisession object")
    if items and not any(getattr(i, "is_supported_on_current_media_state", True) for i in items):
        raise errors.IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE("no multisession type fits the medium")
    return items


def pick(items: list[Any]) -> Any:
    """The first usable multisession object.

    Raises:
        IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE: none is usable.
    """
    for item in items:
        if getattr(item, "is_supported_on_current_media_state", True):
            return item
    raise errors.IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE("no multisession type fits the medium")


def session_of(recorder: Any) -> Any:
    """The multisession view of a recorder (IMultisessionSequential over its medium); an
    object that already has the multisession shape passes through.

    Raises:
        IMAPI_E_BAD_MULTISESSION_PARAMETER: neither a recorder nor a multisession object.
    """
    if hasattr(recorder, "start_address_of_previous_session"):
        return recorder
    if not hasattr(recorder, "read_sectors"):
        raise errors.IMAPI_E_BAD_MULTISESSION_PARAMETER(f"{type(recorder).__name__} cannot read a disc")
    from openimapi.imapi2.multisession import MultisessionSequential

    return MultisessionSequential(recorder)


def media_info(recorder: Any) -> tuple[int, int] | None:
    """(physical media type, free blocks) of an object with the DiscFormat2Data shape, or None."""
    try:
        media = int(recorder.current_physical_media_type)
        free = int(recorder.free_sectors_on_media)
    except (AttributeError, TypeError, ValueError, errors.ImapiError):
        return None
    return media, free


def _disc(session: Any) -> tuple[Disc, int]:
    reader = _reader(session)
    if reader is None:
        raise errors.IMAPI_E_BAD_MULTISESSION_PARAMETER("the multisession object cannot read the previous session")
    try:
        start = int(session.start_address_of_previous_session)
        last = int(session.last_written_address_of_previous_session)
    except (AttributeError, TypeError, ValueError) as exc:
        raise errors.IMAPI_E_BAD_MULTISESSION_PARAMETER("previous session addresses unknown") from exc
    if last < 0 or start < 0:
        raise errors.IMAPI_E_EMPTY_DISC("the disc holds no session")
    if start > last:
        raise errors.IMAPI_E_BAD_MULTISESSION_PARAMETER(f"previous session starts at {start}, after its end {last}")
    return Disc(reader, last + 1), start


def identify(session: Any) -> FsiFileSystems:
    """File systems in the previous session (ISO 9660, Joliet, UDF).

    Raises:
        IMAPI_E_EMPTY_DISC: nothing written; IMAPI_E_BAD_MULTISESSION_PARAMETER.
    """
    disc, start = _disc(session)
    found = FsiFileSystems.FsiFileSystemNone
    for vd_type, block in find_volume_descriptors(disc, start):
        if vd_type == VD_PRIMARY:
            found |= ISO
        elif vd_type == VD_SUPPLEMENTARY and block[88:91] in JOLIET_ESCAPES:
            found |= JOLIET
    from openimapi.fs.udfreader import has_udf

    if has_udf(disc, start):
        found |= UDF
    return found


def disc_identifier(session: Any) -> str:
    """A digest of the previous session's volume descriptors and anchor."""
    disc, start = _disc(session)
    digest = hashlib.sha1()
    for lba in range(start + 16, min(disc.capacity, start + 32)):
        digest.update(disc.read(lba, 1))
    return digest.hexdigest().upper()


def import_tree(session: Any, fs: FsiFileSystems, fire: Any) -> ImportedSession:
    """Read the previous session's tree from one file system.

    Raises:
        IMAPI_E_FILE_SYSTEM_NOT_FOUND and the errors of :mod:`openimapi.fs.importer`.
    """
    disc, start = _disc(session)

    def progress(item: str, files: int, total: int) -> None:
        fire(item, 0, 0, files, total)

    if fs == UDF:
        from openimapi.fs.udfreader import read_udf_tree

        root, name = read_udf_tree(disc, start, progress)
    else:
        root, name = read_iso_tree(disc, start, fs == JOLIET, progress)
    nwa = int(session.next_writable_address)
    free = int(getattr(session, "free_sectors_on_media", 0) or 0)
    if nwa <= start:
        raise errors.IMAPI_E_BAD_MULTISESSION_PARAMETER(f"next writable address {nwa} is not after the session")
    return ImportedSession(root, name, fs, nwa, free)
