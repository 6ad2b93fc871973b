"""The ``virtual:NAME`` transport: commands go to the virtual drive NAME of
``$OPENIMAPI_HOME/drives`` and come back as a real drive's completions.

Beyond the :class:`~openimapi.transport.Transport` protocol it offers exclusive access
(``acquire_exclusive(client)``, ``release_exclusive()``, ``exclusive_owner``), held with
a file lock so that it holds across processes, as O_EXCL does on a real device node.
"""

from __future__ import annotations

import os

from openimapi import errors
from openimapi.mmc.command import Command, Completion
from openimapi.transport import Address, TransportBase
from openimapi.virtual.device import Device, DeviceGone, DeviceLocked, DeviceTimeout
from openimapi.virtual.drive import DriveFolder, NoSuchDrive
from openimapi.virtual.store import LockBusy, StoreError

__all__ = ["VirtualTransport", "open_virtual"]


class VirtualTransport(TransportBase):
    """A transport to one virtual drive.

    Raises:
        TransportError: (constructor) no such drive.
    """

    def __init__(self, name: str) -> None:
        try:
            folder = DriveFolder(name)
        except NoSuchDrive as exc:
            raise errors.TransportError(str(exc)) from None
        except (StoreError, ValueError) as exc:
            raise errors.TransportError(f"virtual drive {name!r} cannot be opened: {exc}") from None
        self._name = name
        self._ident = str(folder.path / "drive.json")
        self._device: Device | None = Device(folder)

    @property
    def address(self) -> str:
        return f"virtual:{self._name}"

    def _dev(self) -> Device:
        if self._device is None:
            raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE(f"{self.address}: the transport is closed")
        return self._device

    def execute(self, command: Command) -> Completion:
        """Run one command on the virtual drive.

        Raises:
            HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE: the transport is closed.
            TransportError: the drive was removed or is gone.
            DeviceTimeoutError: an injected timeout.
            E_IMAPI_RECORDER_LOCKED: another client holds exclusive access.
        """
        dev = self._dev()
        if not os.path.exists(self._ident):
            raise errors.TransportError(f"virtual drive {self._name!r} was removed")
        try:
            return dev.execute(command)
        except DeviceGone as exc:
            raise errors.TransportError(str(exc)) from None
        except DeviceTimeout as exc:
            raise errors.DeviceTimeoutError(str(exc)) from None
        except DeviceLocked as exc:
            raise errors.E_IMAPI_RECORDER_LOCKED(f"{self.address} is in exclusive use by {exc}") from None
        except StoreError as exc:
            raise errors.TransportError(f"{self.address}: {exc}") from None

    def acquire_exclusive(self, client: str) -> None:
        """Take exclusive access for ``client`` (a name shown to other clients).

        Raises:
            E_IMAPI_RECORDER_LOCKED: another client holds it (or a ``locked`` fault).
        """
        drive = self._dev().drive
        with drive.locked() as state:
            faults = state.get("faults", [])
            for i, raw in enumerate(faults):
                if raw.get("kind") == "locked" and int(raw.get("after", 0)) == 0:
                    if raw.get("count") is None or int(raw["count"]) > 1:
                        raw["count"] = None if raw.get("count") is None else int(raw["count"]) - 1
                    else:
                        del faults[i]
                    raise errors.E_IMAPI_RECORDER_LOCKED(
                        f"{self.address} is in exclusive use by another client (injected fault)")
        try:
            drive.acquire_exclusive(client)
        except LockBusy as exc:
            raise errors.E_IMAPI_RECORDER_LOCKED(str(exc)) from None

    def release_exclusive(self) -> None:
        """Give exclusive access back; harmless when not held."""
        if self._device is not None:
            self._device.drive.release_exclusive()

    @property
    def exclusive_owner(self) -> str | None:
        """The client holding exclusive access (this transport's or another), or None."""
        return self._dev().drive.exclusive_owner()

    def close(self) -> None:
        if self._device is not None:
            self._device.drive.close()
            if self._device.disc is not None:
                self._device.disc.close()
            self._device = None


def open_virtual(address: Address) -> VirtualTransport:
    """Opener of ``virtual:NAME`` addresses (registered in ``transport.BACKENDS``).

    Raises:
        TransportError: no such virtual drive.
    """
    return VirtualTransport(address.target)
