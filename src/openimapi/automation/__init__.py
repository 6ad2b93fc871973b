"""``openimapi.automation``: run IMAPI2 automation clients written for Windows.

pywin32 style (``Dispatch``, ``DispatchWithEvents``, ``com_error``) and comtypes style
(``CreateObject``, ``GetEvents``, ``COMError``) over the same objects: every documented
ProgID (``IMAPI2.MsftDiscMaster2``, ``IMAPI2FS.MsftFileSystemImage`` ...), documented member
names case-insensitively, SAFEARRAYs as tuples, IMAPI HRESULTs in the errors. ``install()``
(or ``import openimapi.automation.auto``, or ``python -m openimapi.automation script.py``)
makes ``win32com.client``, ``pythoncom``, ``comtypes.client`` and
``win32comext.shell.shell`` importable when the real packages are absent.
"""

from __future__ import annotations

from openimapi.automation._api import (
    CoInitialize,
    CoInitializeEx,
    CoUninitialize,
    CreateObject,
    CreateStreamOnHGlobal,
    Dispatch,
    DispatchWithEvents,
    GetEvents,
    PumpEvents,
    PumpWaitingMessages,
    SHCreateStreamOnFile,
    SHCreateStreamOnFileEx,
    ShowEvents,
    WithEvents,
)
from openimapi.automation._dispatch import CDispatch, ComtypesObject, Connection
from openimapi.automation._errors import COMError, com_error, to_signed, to_unsigned
from openimapi.automation._registry import progids
from openimapi.automation._shims import constants, install, uninstall
from openimapi.automation._streams import AdodbStream, ComStream

__all__ = [
    "AdodbStream",
    "CDispatch",
    "COMError",
    "ComStream",
    "ComtypesObject",
    "Connection",
    "CoInitialize",
    "CoInitializeEx",
    "CoUninitialize",
    "CreateObject",
    "CreateStreamOnHGlobal",
    "Dispatch",
    "DispatchWithEvents",
    "GetEvents",
    "PumpEvents",
    "PumpWaitingMessages",
    "SHCreateStreamOnFile",
    "SHCreateStreamOnFileEx",
    "ShowEvents",
    "WithEvents",
    "com_error",
    "constants",
    "install",
    "progids",
    "to_signed",
    "to_unsigned",
    "uninstall",
]
