"""The v1 error an IMAPI v1 caller sees for a failure of the v2 core underneath.

IMAPI v1 reports its own codes (IMAPI_E_*, FACILITY_ITF 0x200+n); the v2 core raises the
IMAPI2 ones. :func:`to_v1` picks the v1 code by what failed and when, and chains the v2
error as ``__cause__`` so the device detail is never lost.
"""

from __future__ import annotations

import enum

from openimapi import errors

__all__ = ["Stage", "to_v1"]


class Stage(enum.Enum):
    """Where a recording was when it failed."""

    PREPARING = "preparing"  # media checks, mode pages, power calibration
    WRITING = "writing"
    CLOSING = "closing"  # synchronize cache, close track/session
    OTHER = "other"


_DEVICE_GONE = (errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST, errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE)
_NO_MEDIUM = (errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA,)
_NOT_ACCESSIBLE = (errors.E_IMAPI_RECORDER_LOCKED, errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT)
_CANNOT_WRITE = (
    errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED,
    errors.E_IMAPI_DF2DATA_MEDIA_NOT_BLANK,
    errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
    errors.E_IMAPI_DF2DATA_INVALID_MEDIA_STATE,
    errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK,
    errors.E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED,
)
_INVALID_TYPE = (errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,)
_FULL = (errors.E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA, errors.E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE)
_SOURCE = (errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED, errors.E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED)


def to_v1(exc: BaseException, stage: Stage = Stage.OTHER) -> errors.ImapiError:
    """The v1 error for ``exc`` (already a v1 error: returned unchanged).

    Cancellation becomes IMAPI_E_USERABORT, a vanished device IMAPI_E_DEVICE_NOTPRESENT, a
    missing disc IMAPI_E_MEDIUM_NOTPRESENT, a recorder held by someone else
    IMAPI_E_DEVICE_NOTACCESSIBLE, a full disc IMAPI_E_DISCFULL, an unwritable disc
    IMAPI_E_CANNOT_WRITE_TO_MEDIA, an underrun IMAPI_E_LOSS_OF_STREAMING, an unreadable source
    IMAPI_E_FILESYSTEM; other device failures depend on ``stage``: IMAPI_E_INITIALIZE_WRITE
    while preparing, IMAPI_E_INITIALIZE_ENDWRITE while closing, IMAPI_E_GENERIC otherwise.
    """
    if isinstance(exc, errors.ImapiError) and exc.hresult & 0xFFFF0000 in (0x80040000, 0x00040000):
        return exc
    message = str(exc)
    table: tuple[tuple[tuple[type[BaseException], ...], type[errors.ImapiError]], ...] = (
        ((errors.E_IMAPI_REQUEST_CANCELLED,), errors.IMAPI_E_USERABORT),
        (_DEVICE_GONE, errors.IMAPI_E_DEVICE_NOTPRESENT),
        (_NO_MEDIUM, errors.IMAPI_E_MEDIUM_NOTPRESENT),
        (_NOT_ACCESSIBLE, errors.IMAPI_E_DEVICE_NOTACCESSIBLE),
        (_FULL, errors.IMAPI_E_DISCFULL),
        (_CANNOT_WRITE, errors.IMAPI_E_CANNOT_WRITE_TO_MEDIA),
        (_INVALID_TYPE, errors.IMAPI_E_MEDIUM_INVALIDTYPE),
        ((errors.E_IMAPI_LOSS_OF_STREAMING,), errors.IMAPI_E_LOSS_OF_STREAMING),
        (_SOURCE, errors.IMAPI_E_FILESYSTEM),
    )
    for kinds, v1 in table:
        if isinstance(exc, kinds):
            return v1(message)
    if isinstance(exc, OSError) and not isinstance(exc, errors.ImapiError):
        return errors.IMAPI_E_FILESYSTEM(message)
    if stage is Stage.PREPARING:
        return errors.IMAPI_E_INITIALIZE_WRITE(message)
    if stage is Stage.CLOSING:
        return errors.IMAPI_E_INITIALIZE_ENDWRITE(message)
    return errors.IMAPI_E_GENERIC(message)
