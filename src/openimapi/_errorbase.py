"""Base classes of the openimapi errors, split by whose fault a failure is.

The IMAPI HRESULT is an attribute of every error (``.hresult``, ``.name``); the class
hierarchy says who is to blame, and each blame also inherits the matching builtin so that
ordinary ``except ValueError`` / ``except OSError`` handlers work:

=====================  ==========================  =====================================
class                  also a                      blame
=====================  ==========================  =====================================
UsageError             ValueError                  the caller (bad argument, wrong order)
UnsuitableMediaError   UsageError                  the medium in the drive does not fit
DeviceError            --                          the device answered CHECK CONDITION
RecorderBusyError      --                          another client holds the recorder
DeviceProtocolError    --                          the device answered nonsense
TransportError         OSError                     the path to the device failed
DeviceTimeoutError     TransportError, TimeoutError the device did not answer in time
HostIOError            OSError                     a file of this machine failed
ImageDataError         ValueError                  an image or disc holds invalid data
CancelledError         --                          the request was cancelled
InternalError          RuntimeError                a bug of openimapi
=====================  ==========================  =====================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # typing only: errors sits above mmc in the layers
    from openimapi.mmc.sense import Sense


class ImapiError(Exception):
    """Root of every openimapi error.

    Attributes:
        hresult: the documented HRESULT value (an unsigned 32-bit int).
        name: the documented name of that HRESULT.
        message: a sentence saying what happened.
    """

    hresult: ClassVar[int] = 0x80004005
    name: ClassVar[str] = "E_FAIL"
    meaning: ClassVar[str] = "unspecified failure"
    api: ClassVar[str] = "generic"

    def __init__(self, message: str | None = None, *args: Any) -> None:
        self.message = message if message is not None else self.meaning
        super().__init__(self.message, *args)

    def __str__(self) -> str:
        return f"{self.message} [{self.name} 0x{self.hresult:08X}]"


class UsageError(ImapiError, ValueError):
    """The caller misused the API: a bad argument, or a call out of order."""


class UnsuitableMediaError(UsageError):
    """The medium (or recorder) present does not suit the requested operation."""


class DeviceError(ImapiError):
    """The device completed a command with CHECK CONDITION.

    Attributes:
        sense: the decoded sense data (``openimapi.mmc.sense.Sense``) or None.
        cdb: the command descriptor block that failed, when known.
    """

    def __init__(
        self,
        message: str | None = None,
        *args: Any,
        sense: Sense | None = None,
        cdb: bytes | None = None,
    ) -> None:
        super().__init__(message, *args)
        self.sense = sense
        self.cdb = cdb


class RecorderBusyError(DeviceError):
    """Another client holds the recorder (exclusive access or a running job)."""


class DeviceProtocolError(DeviceError):
    """The device answered in a way MMC does not allow (short, malformed, unexpected)."""


class TransportError(ImapiError, OSError):
    """The path to the device failed (ioctl error, device gone, permission)."""


class DeviceTimeoutError(TransportError, TimeoutError):
    """The device did not complete a command within its timeout."""


class HostIOError(ImapiError, OSError):
    """A file or directory of this machine could not be read or written."""


class ImageDataError(ImapiError, ValueError):
    """An image, a stream or a disc's file system holds invalid data."""


class CancelledError(ImapiError):
    """The request was cancelled (CancelWrite, QueryCancel, Ctrl-C)."""


class InternalError(ImapiError, RuntimeError):
    """A bug of openimapi: please report it."""
