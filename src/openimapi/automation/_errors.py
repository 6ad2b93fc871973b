"""The exceptions automation clients catch: pywin32's ``com_error`` and comtypes' ``COMError``.

Both carry the HRESULT as a *signed* 32-bit int, as pywin32 and comtypes report it
(``E_IMAPI_REQUEST_CANCELLED`` 0xC0AA0002 is ``-1062600702``); ``to_signed``/``to_unsigned``
convert. An unknown member is both the client's error class and ``AttributeError``.
"""

from __future__ import annotations

from typing import Any

from openimapi._errorbase import ImapiError

__all__ = [
    "CLASS_NOT_REGISTERED",
    "COMError",
    "DISP_E_MEMBERNOTFOUND",
    "DISP_E_TYPEMISMATCH",
    "DISP_E_UNKNOWNNAME",
    "INVALID_CLASS_STRING",
    "com_error",
    "hresult_of",
    "to_signed",
    "to_unsigned",
]

DISP_E_UNKNOWNNAME = 0x80020006
DISP_E_MEMBERNOTFOUND = 0x80020003
DISP_E_TYPEMISMATCH = 0x80020005
INVALID_CLASS_STRING = 0x800401F3  # CO_E_CLASSSTRING
CLASS_NOT_REGISTERED = 0x80040154  # REGDB_E_CLASSNOTREG
E_INVALIDARG = 0x80070057
E_FAIL = 0x80004005

_TEXT = {
    DISP_E_UNKNOWNNAME: "Unknown name.",
    DISP_E_MEMBERNOTFOUND: "Member not found.",
    DISP_E_TYPEMISMATCH: "Type mismatch.",
    INVALID_CLASS_STRING: "Invalid class string",
    CLASS_NOT_REGISTERED: "Class not registered",
    E_INVALIDARG: "The parameter is incorrect.",
    E_FAIL: "Unspecified error",
}

#: errno -> Win32 error code, for host I/O failures (HRESULT_FROM_WIN32).
_WIN32 = {2: 2, 13: 5, 17: 80, 21: 5, 28: 112, 20: 3}


def to_signed(hresult: int) -> int:
    """The signed 32-bit form pywin32 and comtypes report (0x80004005 -> -2147467259)."""
    hresult &= 0xFFFFFFFF
    return hresult - (1 << 32) if hresult & 0x80000000 else hresult


def to_unsigned(hresult: int) -> int:
    """The unsigned form the IMAPI headers print (-2147467259 -> 0x80004005)."""
    return hresult & 0xFFFFFFFF


def hresult_of(exc: BaseException) -> int:
    """The unsigned HRESULT an exception stands for (IMAPI errors carry theirs)."""
    if isinstance(exc, ImapiError):
        return exc.hresult & 0xFFFFFFFF
    if isinstance(exc, (com_error, COMError)):
        return to_unsigned(exc.hresult)
    if isinstance(exc, TypeError):
        return DISP_E_TYPEMISMATCH
    if isinstance(exc, OSError) and exc.errno in _WIN32:
        return 0x80070000 | _WIN32[exc.errno]
    if isinstance(exc, (ValueError, KeyError, IndexError)):
        return E_INVALIDARG
    return E_FAIL


def describe(hresult: int, exc: BaseException | None = None) -> str:
    """The text a client sees for a failure."""
    if exc is not None and str(exc):
        return str(exc)
    return _TEXT.get(to_unsigned(hresult), f"HRESULT 0x{to_unsigned(hresult):08X}")


class com_error(Exception):
    """pywin32's ``pywintypes.com_error``: ``args == (hresult, text, excepinfo, argerr)``.

    ``excepinfo`` is ``None`` for plain HRESULT failures and pywin32's 6-tuple
    ``(wcode, source, description, helpfile, helpcontext, scode)`` for failures raised by
    the object; ``.hresult`` is the signed HRESULT.
    """

    def __init__(self, hresult: int, text: str | None = None, excepinfo: Any = None,
                 argerr: int | None = None) -> None:
        hresult = to_signed(hresult)
        super().__init__(hresult, text if text is not None else describe(hresult), excepinfo, argerr)

    @property
    def hresult(self) -> int:
        return int(self.args[0])

    @property
    def strerror(self) -> str:
        return str(self.args[1])

    @property
    def excepinfo(self) -> Any:
        return self.args[2]

    @property
    def argerr(self) -> Any:
        return self.args[3]


class COMError(Exception):
    """comtypes' ``COMError``: ``args == (hresult, text, details)``, details being
    ``(description, source, helpfile, helpcontext, progid)``."""

    def __init__(self, hresult: int, text: str | None = None, details: Any = None) -> None:
        hresult = to_signed(hresult)
        super().__init__(hresult, text if text is not None else describe(hresult), details)

    @property
    def hresult(self) -> int:
        return int(self.args[0])

    @property
    def text(self) -> str:
        return str(self.args[1])

    @property
    def details(self) -> Any:
        return self.args[2]


class UnknownName(com_error, AttributeError):
    """pywin32 flavour of a name that is no member (DISP_E_UNKNOWNNAME)."""


class UnknownNameCT(COMError, AttributeError):
    """comtypes flavour of a name that is no member."""


def pywin32_error(exc: BaseException, source: str) -> com_error:
    """The com_error pywin32 raises for a failing call: DISP_E_EXCEPTION-style excepinfo
    whose scode, like ``.hresult``, is the IMAPI HRESULT."""
    hr = hresult_of(exc)
    text = describe(hr, exc)
    return com_error(hr, text, (0, source, text, None, 0, to_signed(hr)), None)


def comtypes_error(exc: BaseException, source: str) -> COMError:
    """The COMError comtypes raises for a failing call."""
    hr = hresult_of(exc)
    text = describe(hr, exc)
    return COMError(hr, text, (text, source, None, 0, None))
