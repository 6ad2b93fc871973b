"""Exclusive access to a recorder, held across processes.

A transport that manages exclusive access itself (the virtual recorder's does) offers
``acquire_exclusive(client)``, ``release_exclusive()`` and ``exclusive_owner()``; for any other
transport the lock is an ``flock`` on ``$OPENIMAPI_HOME/locks/<address>.lock`` whose content
is the owner's client name. flock locks belong to an open file, so two recorder objects of
one process exclude each other too, as two handles do on Windows.
"""

from __future__ import annotations

import fcntl
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any

from openimapi import errors

__all__ = ["ExclusiveAccess", "check_client_name", "home"]

_CLIENT = re.compile(r"[A-Za-z0-9 _.\-]{1,63}")


def home() -> Path:
    """``$OPENIMAPI_HOME``, else ``$XDG_DATA_HOME/openimapi``, else ``~/.local/share/openimapi``."""
    env = os.environ.get("OPENIMAPI_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    return Path(xdg) / "openimapi" if xdg else Path.home() / ".local" / "share" / "openimapi"


def check_client_name(name: object) -> str | None:
    """The name if it is a valid client name (1-63 letters, digits, space, ``_.-``), else None."""
    if isinstance(name, str) and _CLIENT.fullmatch(name):
        return name
    return None


class ExclusiveAccess:
    """Exclusive access of one recorder object to the device at ``address``."""

    def __init__(self, address: str, transport: Any) -> None:
        self.address = address
        self._transport = transport
        self._native = all(callable(getattr(transport, n, None)) for n in ("acquire_exclusive", "release_exclusive"))
        self._native = self._native and hasattr(transport, "exclusive_owner")
        self._fd: int | None = None
        self._client = ""
        self.depth = 0

    @property
    def _path(self) -> Path:
        return home() / "locks" / (urllib.parse.quote(self.address, safe="") + ".lock")

    @property
    def held(self) -> bool:
        return self.depth > 0

    def owner(self) -> str:
        """The client name of whoever holds the lock ('' when nobody does)."""
        if self.held:
            return self._client
        if self._native:
            owner = self._transport.exclusive_owner
            if callable(owner):
                owner = owner()
            return str(owner) if owner else ""
        path = self._path
        if not path.exists():
            return ""
        fd = os.open(path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return os.pread(fd, 256, 0).decode("utf-8", "replace").strip() or "(unknown client)"
            fcntl.flock(fd, fcntl.LOCK_UN)
            return ""
        finally:
            os.close(fd)

    def check(self) -> None:
        """Raises: E_IMAPI_RECORDER_LOCKED when another client holds exclusive access."""
        if self.held:
            return
        owner = self.owner()
        if owner:
            raise errors.E_IMAPI_RECORDER_LOCKED(f"{self.address} is in exclusive use by {owner!r}")

    def acquire(self, client: str) -> None:
        """Take (or nest) exclusive access for ``client``.

        Raises:
            E_IMAPI_RECORDER_LOCKED: another client holds it; the message names the owner.
        """
        if self.held:
            self.depth += 1
            return
        if self._native:
            try:
                self._transport.acquire_exclusive(client)
            except errors.ImapiError:
                raise
            except Exception as exc:
                owner = self.owner() or "another client"
                raise errors.E_IMAPI_RECORDER_LOCKED(f"{self.address} is in exclusive use by {owner!r}") from exc
        else:
            path = self._path
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise errors.E_IMAPI_RECORDER_LOCKED(
                    f"{self.address} is in exclusive use by {self.owner() or 'another client'!r}"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, client.encode(), 0)
            self._fd = fd
        self._client = client
        self.depth = 1

    def release(self) -> None:
        """Give up one level of exclusive access; the lock goes when the last level does."""
        if not self.held:
            return
        self.depth -= 1
        if self.depth:
            return
        if self._native:
            self._transport.release_exclusive()
        elif self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._client = ""
