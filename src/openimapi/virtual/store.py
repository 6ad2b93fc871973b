"""The durable store of the virtual recorder: drive and disc folders, atomic JSON state,
sparse user-data files and the file locks that make several processes share one drive.

Layout under ``$OPENIMAPI_HOME`` (default ``$XDG_DATA_HOME/openimapi``, else
``~/.local/share/openimapi``)::

    drives/NAME/drive.json      identity: model name, creation time (written once)
    drives/NAME/state.json      tray, inserted disc, medium lock, pending faults, speed
    drives/NAME/lock            flock: held while one command runs (serialises processes)
    drives/NAME/exclusive       flock: held by the owner of exclusive access
    discs/ID/disc.json          the disc's state (sessions, tracks, format, ...)
    discs/ID/data               user data, a sparse file of the medium's size

Every JSON state file is replaced atomically (write to a temporary file, flush, fsync on
request, rename): a process killed at any instant leaves either the old or the new state.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "FileLock",
    "LockBusy",
    "StoreError",
    "atomic_write_json",
    "check_name",
    "discs_dir",
    "drives_dir",
    "openimapi_home",
    "read_json",
]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class StoreError(OSError):
    """A drive or disc folder is missing, malformed or cannot be written."""


class LockBusy(StoreError):
    """A non-blocking file lock is held by another open file (another process)."""


def openimapi_home() -> Path:
    """The root folder of the virtual drives and discs.

    ``$OPENIMAPI_HOME`` when set, else ``$XDG_DATA_HOME/openimapi``, else
    ``~/.local/share/openimapi``.
    """
    env = os.environ.get("OPENIMAPI_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "openimapi"


def drives_dir() -> Path:
    """``$OPENIMAPI_HOME/drives``."""
    return openimapi_home() / "drives"


def discs_dir() -> Path:
    """``$OPENIMAPI_HOME/discs``."""
    return openimapi_home() / "discs"


def check_name(name: str, what: str = "drive") -> str:
    """Check a drive or disc name (1-64 letters, digits, '.', '_', '-').

    Raises:
        ValueError: the name is not allowed.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"{name!r}: a {what} name is 1-64 letters, digits, '.', '_' or '-' (not starting with one)")
    return name


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_json(path: Path, value: Any, *, durable: bool = False) -> None:
    """Replace ``path`` with ``value`` as JSON, atomically.

    ``durable`` also fsyncs the file and its folder, so the new state survives a power
    loss, not only a killed process.

    Raises:
        StoreError: the file could not be written.
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                if durable:
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc


def read_json(path: Path) -> Any:
    """Read a JSON state file.

    Raises:
        StoreError: the file is missing or not valid JSON.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise StoreError(f"{path} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of ``path``, None when it does not exist: a state file
    replaced by rename gets a new inode, so a cached copy knows it is stale."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class FileLock:
    """An advisory ``flock`` on a lock file, shared between processes.

    Locks belong to the open file, so two FileLock objects on the same path exclude
    each other even within one process. The lock file stays open between acquisitions
    (closed by :meth:`close`), so taking the lock costs one system call.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def _open(self) -> int:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise StoreError(f"cannot open lock {self.path}: {exc.strerror}") from exc
        return self._fd

    def acquire(self, *, blocking: bool = True, shared: bool = False) -> None:
        """Take the lock.

        Raises:
            LockBusy: ``blocking`` is false and another holder has the lock.
            StoreError: the lock file cannot be opened.
        """
        if self._held:
            return
        fd = self._open()
        op = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if not blocking:
            op |= fcntl.LOCK_NB
        try:
            fcntl.flock(fd, op)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise LockBusy(f"{self.path} is locked by another process") from exc
            raise StoreError(f"cannot lock {self.path}: {exc.strerror}") from exc
        self._held = True

    def release(self) -> None:
        """Drop the lock; harmless when not held."""
        if self._held and self._fd is not None:
            self._held = False
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Drop the lock and close the lock file."""
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    @contextlib.contextmanager
    def hold(self, *, blocking: bool = True) -> Iterator[None]:
        """Context manager around :meth:`acquire` / :meth:`release`.

        Raises:
            LockBusy: see :meth:`acquire`.
        """
        was_held = self.held
        self.acquire(blocking=blocking)
        try:
            yield
        finally:
            if not was_held:
                self.release()


class SparseData:
    """The user data of a disc: a sparse file addressed by sector slot.

    Reads of never-written slots return zeros. The file is opened per instance and
    closed by :meth:`close`.
    """

    def __init__(self, path: Path, slot_size: int) -> None:
        self.path = path
        self.slot_size = slot_size
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {exc.strerror}") from exc

    def write(self, slot: int, data: bytes) -> None:
        """Write ``data`` starting at sector slot ``slot``.

        Raises:
            StoreError: the host file system failed.
        """
        try:
            view = memoryview(data)
            pos = slot * self.slot_size
            while view:
                n = os.pwrite(self._fd, view, pos)
                view = view[n:]
                pos += n
        except OSError as exc:
            raise StoreError(f"cannot write {self.path}: {exc.strerror}") from exc

    def read(self, slot: int, length: int) -> bytes:
        """Read ``length`` bytes from slot ``slot``; zeros past the end of the file.

        Raises:
            StoreError: the host file system failed.
        """
        try:
            data = os.pread(self._fd, length, slot * self.slot_size)
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}") from exc
        if len(data) < length:
            data += bytes(length - len(data))
        return data

    def truncate(self, slots: int = 0) -> None:
        """Forget the content from slot ``slots`` on (blanking).

        Raises:
            StoreError: the host file system failed.
        """
        try:
            os.ftruncate(self._fd, slots * self.slot_size)
        except OSError as exc:
            raise StoreError(f"cannot truncate {self.path}: {exc.strerror}") from exc

    def sync(self) -> None:
        """fsync the data file (what SYNCHRONIZE CACHE means on a real drive)."""
        with contextlib.suppress(OSError):
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
