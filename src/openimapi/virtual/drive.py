"""A drive folder and its state (tray, inserted disc, medium lock, faults, pending
events), shared by the device (commands) and the Python API (insert, eject, faults).

Every change happens under the drive's command lock (``drives/NAME/lock``), so a process
inserting a disc and another sending commands see each other's changes whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openimapi.virtual.drive_models import DriveModel, drive_model
from openimapi.virtual.store import (
    FileLock,
    LockBusy,
    StoreError,
    atomic_write_json,
    check_name,
    drives_dir,
    file_identity,
    read_json,
)

__all__ = ["DriveFolder", "NoSuchDrive", "DriveExists"]

DRIVE_VERSION = 1


class NoSuchDrive(LookupError):
    """No virtual drive of that name exists."""


class DriveExists(FileExistsError):
    """A virtual drive of that name exists already."""


def _default_state() -> dict[str, Any]:
    return {
        "version": DRIVE_VERSION,
        "tray_open": False,
        "disc": None,
        "prevent": False,
        "unit_attention": [0x29, 0x00],  # power on, reset
        "media_event": 0,
        "faults": [],
        "paced": False,
        "write_speed": None,
        "read_speed": None,
        "page05": None,
        "power": 1,
    }


class DriveFolder:
    """``$OPENIMAPI_HOME/drives/NAME``: identity, state and locks of one drive."""

    def __init__(self, name: str) -> None:
        self.name = check_name(name)
        self.path = drives_dir() / name
        if not (self.path / "drive.json").is_file():
            raise NoSuchDrive(f"no virtual drive {name!r} (create it with: openimapi virtual create {name})")
        ident = read_json(self.path / "drive.json")
        self.model: DriveModel = drive_model(str(ident["model"]))
        self.created = float(ident.get("created", 0))
        self.command_lock = FileLock(self.path / "lock")
        self.exclusive_lock = FileLock(self.path / "exclusive")
        self._probe = FileLock(self.path / "exclusive")
        self._state_path = self.path / "state.json"
        self.state: dict[str, Any] = {}
        self._identity: tuple[int, int, int] | None = None
        self.reload()

    @classmethod
    def create(cls, name: str, model: str) -> DriveFolder:
        """Create the folder of a new drive.

        Raises:
            DriveExists: the name is taken.
            ValueError: bad name or model.
        """
        check_name(name)
        drive_model(model)
        path = drives_dir() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir()
        except FileExistsError:
            raise DriveExists(f"a virtual drive {name!r} exists already") from None
        atomic_write_json(path / "state.json", _default_state(), durable=True)
        atomic_write_json(path / "drive.json", {"model": model, "name": name, "created": time.time()}, durable=True)
        return cls(name)

    @staticmethod
    def names() -> list[str]:
        base = drives_dir()
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / "drive.json").is_file())

    def remove(self) -> None:
        """Delete the drive folder (its discs stay in ``discs/``).

        Raises:
            StoreError: another process holds exclusive access.
        """
        if self.exclusive_owner() is not None:
            raise StoreError(f"virtual drive {self.name!r} is in exclusive use by {self.exclusive_owner()}")
        shutil.rmtree(self.path)

    # ------------------------------------------------------------------ state
    def reload(self, *, force: bool = False) -> None:
        """Re-read the state when another process changed it."""
        ident = file_identity(self._state_path)
        if force or ident != self._identity or not self.state:
            try:
                state = read_json(self._state_path)
            except StoreError:
                state = _default_state()
            base = _default_state()
            base.update(state)
            self.state = base
            self._identity = ident

    def save(self, *, durable: bool = False) -> None:
        atomic_write_json(self._state_path, self.state, durable=durable)
        self._identity = file_identity(self._state_path)

    def close(self) -> None:
        """Close the lock files (releasing exclusive access)."""
        self.release_exclusive()
        for lock in (self.command_lock, self.exclusive_lock, self._probe):
            lock.close()

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, Any]]:
        """Hold the command lock and the fresh state; the state is saved on exit when
        it changed."""
        with self.command_lock.hold():
            self.reload()
            before = json.dumps(self.state, sort_keys=True)
            yield self.state
            if json.dumps(self.state, sort_keys=True) != before:
                self.save()

    # ------------------------------------------------------------------ exclusive access
    def _owner_file(self) -> Path:
        return self.path / "exclusive.json"

    def exclusive_owner(self) -> str | None:
        """The client name holding exclusive access (from any process), or None."""
        if self.exclusive_lock.held:
            return self._read_owner()
        try:
            self._probe.acquire(blocking=False)
        except LockBusy:
            return self._read_owner() or "another process"
        self._probe.release()
        return None

    def _read_owner(self) -> str | None:
        try:
            value = read_json(self._owner_file())
        except StoreError:
            return None
        return str(value.get("client", "")) or None

    def acquire_exclusive(self, client: str) -> None:
        """Take exclusive access for ``client``.

        Raises:
            LockBusy: another holder has it (the message names it).
        """
        if self.exclusive_lock.held:
            atomic_write_json(self._owner_file(), {"client": client, "pid": os.getpid()})
            return
        try:
            self.exclusive_lock.acquire(blocking=False)
        except LockBusy:
            owner = self._read_owner() or "another process"
            raise LockBusy(f"virtual drive {self.name!r} is in exclusive use by {owner}") from None
        atomic_write_json(self._owner_file(), {"client": client, "pid": os.getpid()})

    def release_exclusive(self) -> None:
        if self.exclusive_lock.held:
            with contextlib.suppress(OSError):
                os.unlink(self._owner_file())
            self.exclusive_lock.release()

    def locked_by_other(self) -> str | None:
        """The other holder of exclusive access, None when free or held by this object."""
        if self.exclusive_lock.held:
            return None
        return self.exclusive_owner()
