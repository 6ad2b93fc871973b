"""Module aliases so that unmodified Windows scripts import: ``win32com.client``,
``pythoncom``, ``pywintypes``, ``win32com.shell.shell`` / ``win32comext.shell.shell``,
``comtypes`` and ``comtypes.client``. A real package that imports is left alone."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

from openimapi import enums

__all__ = ["constants", "install", "uninstall"]


class _Constants:
    """``win32com.client.constants``: every IMAPI enumeration member by its C name."""

    def __getattr__(self, name: str) -> int:
        for value in vars(enums).values():
            if isinstance(value, type) and hasattr(value, "__members__") and name in value.__members__:
                return int(value.__members__[name])
        raise AttributeError(name)


constants = _Constants()
_INSTALLED: list[str] = []

_IIDS = {
    "IID_IUnknown": "{00000000-0000-0000-C000-000000000046}",
    "IID_IDispatch": "{00020400-0000-0000-C000-000000000046}",
    "IID_IStream": "{0000000C-0000-0000-C000-000000000046}",
    "IID_IConnectionPointContainer": "{B196B284-BAB4-101A-B69C-00AA00341D07}",
}


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name, f"openimapi.automation stand-in for {name}")
    module.__dict__.update(attrs)
    module.__openimapi_shim__ = True  # type: ignore[attr-defined]
    return module


def _modules() -> dict[str, types.ModuleType]:
    from openimapi import automation as a
    from openimapi.automation import _streams as s

    stgm = {"STGM_READ": s.STGM_READ, "STGM_WRITE": s.STGM_WRITE, "STGM_READWRITE": s.STGM_READWRITE,
            "STGM_CREATE": s.STGM_CREATE, "STGM_SHARE_DENY_WRITE": s.STGM_SHARE_DENY_WRITE,
            "STGM_SHARE_DENY_NONE": 0x40, "STGM_SHARE_EXCLUSIVE": 0x10, "STATFLAG_NONAME": 1,
            "STATFLAG_DEFAULT": 0, "STREAM_SEEK_SET": 0, "STREAM_SEEK_CUR": 1, "STREAM_SEEK_END": 2}
    pywintypes = _module("pywintypes", com_error=a.com_error, error=OSError, IID=str)
    pythoncom = _module(
        "pythoncom", com_error=a.com_error, CoInitialize=a.CoInitialize, CoInitializeEx=a.CoInitializeEx,
        CoUninitialize=a.CoUninitialize, PumpWaitingMessages=a.PumpWaitingMessages,
        CreateStreamOnHGlobal=a.CreateStreamOnHGlobal, COINIT_MULTITHREADED=0, COINIT_APARTMENTTHREADED=2,
        CLSCTX_ALL=23, CLSCTX_INPROC_SERVER=1, Empty=None, Missing=None, **_IIDS, **stgm)
    gencache = _module("win32com.client.gencache", EnsureDispatch=a.Dispatch, EnsureModule=lambda *x, **k: None)
    dynamic = _module("win32com.client.dynamic", Dispatch=a.Dispatch, CDispatch=a.CDispatch)
    client = _module(
        "win32com.client", Dispatch=a.Dispatch, DispatchEx=a.Dispatch, DispatchWithEvents=a.DispatchWithEvents,
        WithEvents=a.WithEvents, CDispatch=a.CDispatch, constants=constants, gencache=gencache,
        dynamic=dynamic, pythoncom=pythoncom, pywintypes=pywintypes)
    shell_funcs = {"SHCreateStreamOnFileEx": a.SHCreateStreamOnFileEx,
                   "SHCreateStreamOnFile": a.SHCreateStreamOnFile,
                   "SHCreateStreamOnFileW": a.SHCreateStreamOnFile}
    shell = _module("win32comext.shell.shell", **shell_funcs)
    shellcon = _module("win32comext.shell.shellcon", **stgm)
    shell_pkg = _module("win32comext.shell", shell=shell, shellcon=shellcon, __path__=[])
    win32comext = _module("win32comext", shell=shell_pkg, __path__=[])
    win32com = _module("win32com", client=client, shell=shell_pkg, __path__=[])
    ct_client = _module(
        "comtypes.client", CreateObject=a.CreateObject, GetEvents=a.GetEvents, ShowEvents=a.ShowEvents,
        PumpEvents=a.PumpEvents, GetModule=lambda *x, **k: None)
    comtypes = _module(
        "comtypes", client=ct_client, COMError=a.COMError, CoInitialize=a.CoInitialize,
        CoInitializeEx=a.CoInitializeEx, CoUninitialize=a.CoUninitialize, IUnknown=object, __path__=[])
    return {
        "pywintypes": pywintypes, "pythoncom": pythoncom,
        "win32com": win32com, "win32com.client": client, "win32com.client.gencache": gencache,
        "win32com.client.dynamic": dynamic, "win32com.shell": shell_pkg, "win32com.shell.shell": shell,
        "win32com.shell.shellcon": shellcon, "win32comext": win32comext, "win32comext.shell": shell_pkg,
        "win32comext.shell.shell": shell, "win32comext.shell.shellcon": shellcon,
        "comtypes": comtypes, "comtypes.client": ct_client,
    }


def _real(top: str) -> bool:
    """Whether a real package of that name imports here (pywin32 on Windows)."""
    existing = sys.modules.get(top)
    if existing is not None:
        return not getattr(existing, "__openimapi_shim__", False)
    try:
        if importlib.util.find_spec(top) is None:
            return False
        importlib.import_module(top)
    except Exception:  # comtypes installed on Linux fails to import: use ours
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
        return False
    return True


def install() -> list[str]:
    """Register the stand-in modules whose real package is absent; returns their names."""
    added: list[str] = []
    tops: dict[str, bool] = {}
    for name, module in _modules().items():
        top = name.split(".")[0]
        if top not in tops:
            tops[top] = _real(top)
        if tops[top] or name in sys.modules:
            continue
        sys.modules[name] = module
        added.append(name)
    _INSTALLED.extend(added)
    return added


def uninstall() -> None:
    """Remove the stand-ins :func:`install` registered."""
    while _INSTALLED:
        sys.modules.pop(_INSTALLED.pop(), None)
