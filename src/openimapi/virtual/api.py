"""The Python API of the virtual recorder: drives and discs as durable objects.

Drives and discs are folders under ``$OPENIMAPI_HOME``; every method re-reads the state,
so several processes (a test and the recorder it drives, the CLI and a running burn)
share them. Recording itself goes through ``openimapi.transport.open("virtual:NAME")``:
this API only does what a person does with a drive (insert, eject, look at a disc).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openimapi.devices import DriveInfo
from openimapi.virtual.discstate import DiscState
from openimapi.virtual.drive import DriveExists, DriveFolder, NoSuchDrive
from openimapi.virtual.drive_models import DRIVE_MODELS, DriveModel
from openimapi.virtual.export import export_disc
from openimapi.virtual.faults import Fault
from openimapi.virtual.media import MEDIA, Medium, media_by_name, media_names
from openimapi.virtual.store import StoreError, check_name, discs_dir, openimapi_home

__all__ = [
    "Disc",
    "DriveExists",
    "MediumLocked",
    "NoSuchDisc",
    "NoSuchDrive",
    "TrackSummary",
    "VirtualDrive",
    "create_drive",
    "disc_from_image",
    "enumerate_drives",
    "list_discs",
    "list_drives",
    "open_disc",
    "open_drive",
    "remove_drive",
]


class MediumLocked(RuntimeError):
    """Medium removal is prevented (PREVENT ALLOW MEDIUM REMOVAL) or the drive is busy."""


class NoSuchDisc(LookupError):
    """No virtual disc with that id."""


@dataclass(frozen=True, slots=True)
class TrackSummary:
    """One track of a disc, as READ TRACK INFORMATION and the TOC describe it."""

    number: int
    session: int
    start: int
    size: int
    mode: str  # "audio", "mode1", "mode2"
    closed: bool


class Disc:
    """A virtual disc (a folder in ``$OPENIMAPI_HOME/discs``)."""

    def __init__(self, disc_id: str) -> None:
        self.id = disc_id
        self.path = discs_dir() / disc_id
        if not (self.path / "disc.json").is_file():
            raise NoSuchDisc(f"no virtual disc {disc_id!r}")

    def _state(self) -> DiscState:
        return DiscState.load(self.path)

    @property
    def medium(self) -> Medium:
        return self._state().medium

    @property
    def media(self) -> str:
        """The medium type name, e.g. ``"dvd+r"``."""
        return self._state().medium.name

    @property
    def status(self) -> str:
        """``blank``, ``appendable``, ``complete``, ``formatted`` (random-writable) or ``damaged``."""
        st = self._state()
        if st.s.get("damaged"):
            return "damaged"
        if st.random_access:
            return "formatted"
        code, _ = st.status()
        return {0: "blank", 1: "appendable", 2: "complete"}.get(code, "formatted")

    @property
    def sessions(self) -> int:
        st = self._state()
        return sum(1 for s in st.sessions if s["closed"]) + (0 if st.finalized or st.random_access else 1)

    @property
    def tracks(self) -> list[TrackSummary]:
        st = self._state()
        return [TrackSummary(i, int(t["session"]), int(t["start"]), int(t["written"]), str(t["mode"]),
                             bool(t["closed"])) for i, t in enumerate(st.tracks, 1)]

    @property
    def used_blocks(self) -> int:
        """Sectors recorded (one past the last recorded LBA)."""
        return self._state().recorded_end()

    @property
    def capacity(self) -> int:
        return self._state().capacity

    @property
    def write_protected(self) -> bool:
        return bool(self._state().s["write_protected"])

    @write_protected.setter
    def write_protected(self, value: bool) -> None:
        st = self._state()
        if st.medium.rom and not value:
            raise ValueError("a pressed disc cannot be made writable")
        st.s["write_protected"] = bool(value)
        st.save(durable=True)

    def export(self, path: str | os.PathLike[str], fmt: str | None = None) -> list[Path]:
        """Write the disc as an image: ``iso`` (data discs) or ``cue`` (BIN/CUE, any CD,
        audio included). ``fmt`` defaults from the suffix of ``path``. Returns the files
        written.

        Raises:
            ValueError: the format does not suit the disc (audio as ISO, DVD as BIN/CUE).
            OSError: the files cannot be written.
        """
        st = self._state()
        try:
            return export_disc(st, Path(path), fmt)
        finally:
            st.close()

    def remove(self) -> None:
        """Delete the disc folder.

        Raises:
            MediumLocked: the disc is in a drive.
        """
        holder = _drive_holding(self.id)
        if holder is not None:
            raise MediumLocked(f"disc {self.id!r} is in virtual drive {holder!r}; eject it first")
        import shutil

        shutil.rmtree(self.path)

    def __repr__(self) -> str:
        return f"<Disc {self.id} {self.media} {self.status}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Disc) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


def _new_disc_id(prefix: str) -> str:
    return check_name(f"{prefix}-{secrets.token_hex(4)}", "disc")


def new_blank_disc(media: str) -> Disc:
    """Create a blank disc of type ``media`` (not inserted anywhere).

    Raises:
        ValueError: unknown or not a blank writable medium.
    """
    medium = media_by_name(media)
    if medium.rom:
        raise ValueError(f"{medium.title} is pressed; make one from an image with disc_from_image()")
    disc_id = _new_disc_id(medium.name.replace("+", "plus"))
    DiscState.create(discs_dir() / disc_id, medium).close()
    return Disc(disc_id)


def disc_from_image(image: str | os.PathLike[str], media: str | None = None) -> Disc:
    """A pressed, read-only disc holding an ISO image: CD-ROM when it fits a CD,
    else DVD-ROM, else BD-ROM (or the ``media`` given: ``cd-rom``, ``dvd-rom``, ``bd-rom``).

    Raises:
        ValueError: not a multiple of 2048 bytes, too large, or ``media`` not a ROM type.
        OSError: the image cannot be read.
    """
    path = Path(image)
    blocks = path.stat().st_size // 2048
    if media is None:
        media = "cd-rom" if blocks <= MEDIA["cd-r"].capacity else "dvd-rom" if blocks <= 4_173_824 else "bd-rom"
    medium = media_by_name(media)
    if not medium.rom:
        raise ValueError(f"an image becomes a pressed disc: cd-rom, dvd-rom or bd-rom, not {media!r}")
    disc_id = _new_disc_id(f"{medium.name}-{_slug(path.stem)}")
    DiscState.create_rom(discs_dir() / disc_id, medium, path).close()
    return Disc(disc_id)


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() or c in "._-" else "-" for c in text)[:24].strip("-._")
    return out or "image"


def open_disc(disc_id: str) -> Disc:
    """The disc ``disc_id``.

    Raises:
        NoSuchDisc: it does not exist.
    """
    return Disc(disc_id)


def list_discs() -> list[Disc]:
    """Every virtual disc, by id."""
    base = discs_dir()
    if not base.is_dir():
        return []
    return [Disc(p.name) for p in sorted(base.iterdir()) if (p / "disc.json").is_file()]


def _drive_holding(disc_id: str) -> str | None:
    for name in DriveFolder.names():
        try:
            folder = DriveFolder(name)
        except (NoSuchDrive, StoreError, ValueError):
            continue
        if folder.state.get("disc") == disc_id:
            return name
    return None


class VirtualDrive:
    """A virtual recorder (a folder in ``$OPENIMAPI_HOME/drives``)."""

    def __init__(self, name: str) -> None:
        self._folder = DriveFolder(name)
        self.name = name

    @property
    def address(self) -> str:
        """The transport address: ``virtual:NAME``."""
        return f"virtual:{self.name}"

    @property
    def model(self) -> DriveModel:
        return self._folder.model

    @property
    def path(self) -> Path:
        return self._folder.path

    def _locked(self) -> Any:
        return self._folder.locked()

    @property
    def disc(self) -> Disc | None:
        """The inserted disc (None when empty or the tray is open)."""
        self._folder.reload()
        st = self._folder.state
        if st.get("disc") is None or st.get("tray_open"):
            return None
        try:
            return Disc(str(st["disc"]))
        except NoSuchDisc:
            return None

    @property
    def tray_open(self) -> bool:
        self._folder.reload()
        return bool(self._folder.state.get("tray_open"))

    @property
    def medium_locked(self) -> bool:
        """PREVENT ALLOW MEDIUM REMOVAL holds the disc in (from any process)."""
        self._folder.reload()
        return bool(self._folder.state.get("prevent"))

    def insert(self, media: str | Disc | os.PathLike[str]) -> Disc:
        """Put a disc in and close the tray: a blank disc type name (see
        :func:`media_names`), an existing :class:`Disc`, or the path of an ISO image (a
        pressed disc). A disc already in the drive is ejected first.

        Raises:
            MediumLocked: removal is prevented, or the disc is in another drive.
            ValueError: unknown medium name.
            OSError: an image cannot be read.
        """
        if isinstance(media, Disc):
            disc = media
            holder = _drive_holding(disc.id)
            if holder is not None and holder != self.name:
                raise MediumLocked(f"disc {disc.id!r} is in virtual drive {holder!r}")
        elif isinstance(media, str) and media.strip().lower() in MEDIA:
            disc = new_blank_disc(media)
        else:
            path = Path(media)
            if not path.is_file():
                raise ValueError(f"{media!r} is neither a medium type ({', '.join(media_names())}) nor an image file")
            disc = disc_from_image(path)
        with self._locked() as st:
            if st.get("prevent") and st.get("disc") is not None and st.get("disc") != disc.id:
                raise MediumLocked(f"virtual drive {self.name!r}: medium removal is prevented")
            st["disc"] = disc.id
            st["tray_open"] = False
            library = st.setdefault("library", [])
            if disc.id not in library:
                library.append(disc.id)
            st["unit_attention"] = [0x28, 0x00]
            st["media_event"] = 2
        return disc

    def eject(self, *, force: bool = False) -> Disc | None:
        """Open the tray and take the disc out (it stays in the disc store). ``force`` is
        the emergency-eject hole: it ignores a medium lock left by a crashed program.

        Raises:
            MediumLocked: medium removal is prevented (PREVENT ALLOW MEDIUM REMOVAL).
        """
        with self._locked() as st:
            if st.get("prevent") and not force:
                raise MediumLocked(f"virtual drive {self.name!r}: medium removal is prevented (force it with "
                                   "eject(force=True) or `openimapi virtual eject --force`)")
            st["prevent"] = False
            disc_id = st.get("disc")
            st["disc"] = None
            st["tray_open"] = True
            st["media_event"] = 3 if disc_id else 0
        return Disc(str(disc_id)) if disc_id else None

    def close_tray(self) -> None:
        """Close an open tray (empty: the drive then reports no medium, tray closed)."""
        with self._locked() as st:
            if st.get("tray_open") and st.get("disc") is not None:  # the disc on the tray is loaded
                st["unit_attention"] = [0x28, 0x00]
                st["media_event"] = 2
            st["tray_open"] = False

    def inject_fault(
        self,
        kind: str,
        *,
        count: int | None = 1,
        after: int = 0,
        lba: int | None = None,
        opcode: int | None = None,
        length: int = 0,
    ) -> Fault:
        """Make a later command fail as a real drive does (see ``faults.FAULTS``).

        ``count`` commands are hit (None: until :meth:`clear_faults`), after ``after``
        matching commands; ``lba`` restricts a write error to writes touching it;
        ``opcode`` and ``length`` say which answer a "short-answer" cuts, and to how many bytes.

        Raises:
            ValueError: unknown kind or bad counts.
        """
        fault = Fault(kind, count, after, lba, opcode, length)
        with self._locked() as st:
            st.setdefault("faults", []).append(fault.to_json())
        return fault

    def clear_faults(self) -> None:
        with self._locked() as st:
            st["faults"] = []

    @property
    def faults(self) -> list[Fault]:
        self._folder.reload()
        return [Fault.from_json(f) for f in self._folder.state.get("faults", [])]

    @property
    def paced(self) -> bool:
        """Whether writes run at the selected speed (default: as fast as possible)."""
        self._folder.reload()
        return bool(self._folder.state.get("paced"))

    @paced.setter
    def paced(self, value: bool) -> None:
        with self._locked() as st:
            st["paced"] = bool(value)

    @property
    def exclusive_owner(self) -> str | None:
        return self._folder.exclusive_owner()

    @property
    def autoloader(self) -> bool:
        """Whether the drive loads a blank disc by itself (see :meth:`load_blank`)."""
        self._folder.reload()
        return bool(self._folder.state.get("autoloader"))

    @autoloader.setter
    def autoloader(self, value: bool) -> None:
        with self._locked() as st:
            st["autoloader"] = bool(value)

    @property
    def library(self) -> list[Disc]:
        """Every disc this drive has held, oldest first (discs since deleted are left out);
        an autoloader's library is the discs it burned."""
        self._folder.reload()
        out = []
        for disc_id in self._folder.state.get("library", []):
            try:
                out.append(Disc(str(disc_id)))
            except NoSuchDisc:
                continue
        return out

    def load_blank(self, sectors: int) -> Disc:
        """Autoloader: put in the smallest blank medium this drive writes that holds
        ``sectors`` data sectors of 2048 bytes (CD-R, DVD+R, DVD+R DL, BD-R in that order);
        the disc in the drive, if any, goes back to the library.

        Raises:
            ValueError: nothing the drive writes is that large.
            MediumLocked: medium removal is prevented.
        """
        for name in _AUTOLOAD_MEDIA:
            medium = MEDIA[name]
            if medium.profile in self.model.writes and sectors <= medium.capacity - _AUTOLOAD_MARGIN:
                return self.insert(name)
        raise ValueError(f"{sectors} sectors ({sectors * 2048 / 1e9:.1f} GB) fit no blank medium of {self.address}")

    def __repr__(self) -> str:
        return f"<VirtualDrive {self.name} {self.model.name}>"


#: Blank media an autoloader chooses from, smallest first, and sectors kept free for the
#: file system's growth and track alignment.
_AUTOLOAD_MEDIA = ("cd-r", "dvd+r", "dvd+r-dl", "bd-r")
_AUTOLOAD_MARGIN = 64


def create_drive(name: str, model: str = "bd-writer", *, autoloader: bool = False) -> VirtualDrive:
    """Create a virtual drive (empty, tray closed); an ``autoloader`` loads blank discs
    itself (:meth:`VirtualDrive.load_blank`) and keeps the burned ones in its library.

    Raises:
        DriveExists: the name is taken.
        ValueError: bad name or unknown model.
    """
    DriveFolder.create(name, model)
    drive = VirtualDrive(name)
    if autoloader:
        drive.autoloader = True
    return drive


def open_drive(name: str) -> VirtualDrive:
    """An existing virtual drive.

    Raises:
        NoSuchDrive: no drive of that name.
        ValueError: bad name.
    """
    return VirtualDrive(name)


def list_drives() -> list[VirtualDrive]:
    """Every virtual drive of ``$OPENIMAPI_HOME``, by name."""
    out = []
    for name in DriveFolder.names():
        try:
            out.append(VirtualDrive(name))
        except (NoSuchDrive, StoreError, ValueError):
            continue
    return out


def remove_drive(name: str) -> None:
    """Delete a virtual drive (its discs stay in the disc store).

    Raises:
        NoSuchDrive: no such drive.
        MediumLocked: another client holds exclusive access.
    """
    folder = DriveFolder(name)
    try:
        folder.remove()
    except StoreError as exc:
        raise MediumLocked(str(exc)) from None


def enumerate_drives() -> list[DriveInfo]:
    """Discovery source (registered with :func:`openimapi.devices.register_enumerator` as
    ``"virtual"``): every virtual drive as a :class:`~openimapi.devices.DriveInfo`."""
    out = []
    for drive in list_drives():
        m = drive.model
        out.append(DriveInfo(address=drive.address, vendor=m.vendor, product=m.product, revision=m.revision))
    return out


def model_names() -> list[str]:
    return list(DRIVE_MODELS)


def home() -> Path:
    """``$OPENIMAPI_HOME`` (see :func:`openimapi.virtual.store.openimapi_home`)."""
    return openimapi_home()
