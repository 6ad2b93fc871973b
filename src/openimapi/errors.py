"""Errors of openimapi: every IMAPI HRESULT as a value and, for failures, as a class.

Every failure HRESULT of the reference (IMAPI2, IMAPI2FS, IMAPI v1 and the generic codes
IMAPI documents) has one class named after it, deriving from a base that says who is at
fault (see :mod:`openimapi._errorbase`). Success codes are :class:`SuccessCode` values and
are never raised.

>>> from openimapi import errors
>>> err = errors.error_for(0xC0AA0403, "image size is not a multiple of 2048")
>>> type(err).__name__, err.name, isinstance(err, ValueError)
('E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED', 'E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED', True)
"""

from __future__ import annotations

from openimapi._codes import *  # noqa: F403  (generated: one class per code)
from openimapi._codes import FAILURE_CLASSES, SuccessCode
from openimapi._errorbase import (
    CancelledError,
    DeviceError,
    DeviceProtocolError,
    DeviceTimeoutError,
    HostIOError,
    ImageDataError,
    ImapiError,
    InternalError,
    RecorderBusyError,
    TransportError,
    UnsuitableMediaError,
    UsageError,
)

__all__ = [
    "CancelledError",
    "DeviceError",
    "DeviceProtocolError",
    "DeviceTimeoutError",
    "FAILURE_CLASSES",
    "HostIOError",
    "ImageDataError",
    "ImapiError",
    "InternalError",
    "RecorderBusyError",
    "SuccessCode",
    "TransportError",
    "UnsuitableMediaError",
    "UsageError",
    "by_name",
    "error_class",
    "error_for",
    "is_success",
]
__all__ += [cls.__name__ for cls in FAILURE_CLASSES]

# Where two documented names share one value (E_INVALIDARG and STRSAFE_E_INVALID_PARAMETER),
# the first row of the reference wins the value lookup; both stay reachable by name.
_BY_VALUE: dict[int, type[ImapiError]] = {}
for _cls in FAILURE_CLASSES:
    _BY_VALUE.setdefault(_cls.hresult, _cls)
_BY_NAME: dict[str, type[ImapiError]] = {cls.name: cls for cls in FAILURE_CLASSES}


def _u32(value: int) -> int:
    return value & 0xFFFFFFFF


def is_success(hresult: int) -> bool:
    """True when the HRESULT has the severity bit clear (S_OK, S_IMAPI_*, ...)."""
    return not _u32(hresult) & 0x80000000


def error_class(hresult: int) -> type[ImapiError]:
    """The class of a failure HRESULT (signed or unsigned form).

    Raises:
        ValueError: the value is a success code, or unknown to the reference.
    """
    value = _u32(hresult)
    if is_success(value):
        raise ValueError(f"0x{value:08X} is a success code, not an error")
    try:
        return _BY_VALUE[value]
    except KeyError:
        raise ValueError(f"0x{value:08X} is not an HRESULT of the IMAPI reference") from None


def by_name(name: str) -> type[ImapiError]:
    """The class of a documented failure name, e.g. ``"E_IMAPI_RECORDER_LOCKED"``.

    Raises:
        KeyError: no failure of the reference has that name.
    """
    return _BY_NAME[name]


def error_for(hresult: int, message: str | None = None) -> ImapiError:
    """An instance of the class of ``hresult``; an unknown failure gives a plain ImapiError
    subclass carrying that value, so no HRESULT is ever lost.

    Raises:
        ValueError: ``hresult`` is a success code.
    """
    value = _u32(hresult)
    if is_success(value):
        raise ValueError(f"0x{value:08X} is a success code, not an error")
    cls = _BY_VALUE.get(value)
    if cls is None:
        cls = type(
            f"HRESULT_0x{value:08X}",
            (ImapiError,),
            {"hresult": value, "name": f"0x{value:08X}", "meaning": "unknown failure"},
        )
    return cls(message)
