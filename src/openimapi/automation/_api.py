"""pywin32- and comtypes-style entry points: Dispatch, DispatchWithEvents, CreateObject, GetEvents."""

from __future__ import annotations

import time
from typing import Any

from openimapi.automation._dispatch import (
    AutomationObject,
    CDispatch,
    ComtypesObject,
    Connection,
    connect_events,
)
from openimapi.automation._errors import COMError, com_error, to_signed
from openimapi.automation._registry import ClassLookupError, resolve
from openimapi.automation._streams import ComStream, create_stream_on_hglobal, sh_create_stream_on_file

__all__ = [
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
]


def _create(progid: str, flavour: str) -> Any:
    try:
        factory = resolve(progid)
    except ClassLookupError as exc:
        if flavour == "comtypes":
            err = OSError(to_signed(exc.hresult), exc.text)
            err.hresult = to_signed(exc.hresult)  # type: ignore[attr-defined]
            err.winerror = to_signed(exc.hresult)  # type: ignore[attr-defined]
            raise err from None
        raise com_error(exc.hresult, exc.text, None, None) from None
    try:
        return factory()
    except Exception as exc:
        wrapper = ComtypesObject if flavour == "comtypes" else CDispatch
        raise wrapper(None, progid)._fail(exc) from exc


def Dispatch(dispatch: Any, userName: str | None = None, *_args: Any, **_kwargs: Any) -> Any:  # noqa: N802, N803
    """``win32com.client.Dispatch``: a ProgID/CLSID string creates the object; an object
    (a Python IMAPI object or one already wrapped) is wrapped for late-bound calls.

    Raises:
        com_error: an unknown ProgID (CO_E_CLASSSTRING -2147221005, "Invalid class string")
            or a failing constructor.
    """
    if isinstance(dispatch, AutomationObject):
        target = object.__getattribute__(dispatch, "_oleobj_")
        return CDispatch(target, userName or object.__getattribute__(dispatch, "_username_"))
    if isinstance(dispatch, str):
        return CDispatch(_create(dispatch, "pywin32"), userName or dispatch)
    return CDispatch(dispatch, userName)


def WithEvents(disp: Any, user_event_class: type) -> Any:  # noqa: N802
    """``win32com.client.WithEvents``: an instance of the sink class receiving the events
    of ``disp`` (the object itself is not wrapped into the sink).

    Raises:
        com_error: as :func:`Dispatch`, or the object fires no events.
    """
    obj = Dispatch(disp)
    sink: Any = object.__new__(user_event_class)
    init = getattr(user_event_class, "__init__", None)
    if init is not None and init is not object.__init__:
        init(sink)
    conn = connect_events(object.__getattribute__(obj, "_oleobj_"), sink, CDispatch, "pywin32")
    sink.close = conn.disconnect
    return sink


def DispatchWithEvents(clsid: Any, user_event_class: type) -> Any:  # noqa: N802
    """``win32com.client.DispatchWithEvents``: the object, which is also an instance of
    ``user_event_class``; its ``On<Event>`` methods receive the events. ``close()``
    disconnects them.

    Raises:
        com_error: as :func:`Dispatch`, or the object fires no events.
    """
    obj = Dispatch(clsid)
    target = object.__getattribute__(obj, "_oleobj_")
    cls = type("COMEventClass", (CDispatch, user_event_class),
               {"_openimapi_events_": True})
    instance = cls(target, object.__getattribute__(obj, "_username_"))
    conn = connect_events(target, instance, CDispatch, "pywin32")
    instance.__dict__["close"] = conn.disconnect
    instance.__dict__["_connection_"] = conn
    init = getattr(user_event_class, "__init__", None)
    if init is not None and init is not object.__init__:
        init(instance)
    return instance


def CreateObject(progid: Any, clsctx: Any = None, machine: Any = None, interface: Any = None,  # noqa: N802
                 dynamic: bool = False, pServerInfo: Any = None) -> Any:  # noqa: N803
    """``comtypes.client.CreateObject``.

    Raises:
        OSError: an unknown ProgID ([WinError -2147221005] Invalid class string), as comtypes.
        COMError: a failing constructor.
    """
    if isinstance(progid, AutomationObject):
        return ComtypesObject(object.__getattribute__(progid, "_oleobj_"))
    return ComtypesObject(_create(str(progid), "comtypes"), str(progid))


def GetEvents(source: Any, sink: Any, interface: Any = None) -> Connection:  # noqa: N802
    """``comtypes.client.GetEvents``: call ``sink``'s ``<Event>`` (or
    ``<Interface>_<Event>``) methods; keep the returned connection and ``disconnect()`` it.

    Raises:
        COMError: the object fires no events.
    """
    target = object.__getattribute__(source, "_oleobj_") if isinstance(source, AutomationObject) else source
    try:
        return connect_events(target, sink, ComtypesObject, "comtypes")
    except com_error as exc:
        raise COMError(exc.hresult, exc.strerror, None) from None


def ShowEvents(source: Any, interface: Any = None) -> Connection:  # noqa: N802
    """``comtypes.client.ShowEvents``: print every event received."""

    class _Printer:
        def __getattr__(self, name: str) -> Any:
            raise AttributeError(name)

        def Update(self, *args: Any) -> None:  # noqa: N802
            print("Event Update", args)

    return GetEvents(source, _Printer(), interface)


def PumpEvents(timeout: float) -> None:  # noqa: N802
    """``comtypes.client.PumpEvents``: events arrive on the calling thread anyway; wait."""
    time.sleep(max(0.0, float(timeout)))


def PumpWaitingMessages(*_args: Any) -> int:  # noqa: N802
    """``pythoncom.PumpWaitingMessages``: nothing is queued; 0 (no WM_QUIT)."""
    return 0


def CoInitialize() -> None:  # noqa: N802
    """No apartment is needed: a no-op."""


def CoInitializeEx(_flags: int = 0) -> None:  # noqa: N802
    """No apartment is needed: a no-op."""


def CoUninitialize() -> None:  # noqa: N802
    """A no-op, like :func:`CoInitialize`."""


def _stream(stream: ComStream, flavour: type) -> Any:
    return flavour(stream, "IStream")


def SHCreateStreamOnFileEx(path: Any, mode: int = 0, attributes: int = 0, create: bool = False,  # noqa: N802
                           template: Any = None) -> Any:
    """``shell.SHCreateStreamOnFileEx``: an IStream on a file (pywin32 PyIStream-like).

    Raises:
        com_error: the file cannot be opened (HRESULT_FROM_WIN32, e.g. -2147024894).
    """
    try:
        stream = sh_create_stream_on_file(path, mode, attributes, create, template)
    except OSError as exc:
        raise CDispatch(None, "SHCreateStreamOnFileEx")._fail(exc) from exc
    return _stream(stream, CDispatch)


def SHCreateStreamOnFile(path: Any, mode: int = 0) -> Any:  # noqa: N802
    """``SHCreateStreamOnFile``. Raises: com_error as :func:`SHCreateStreamOnFileEx`."""
    return SHCreateStreamOnFileEx(path, mode)


def CreateStreamOnHGlobal(hglobal: Any = None, delete_on_release: bool = True) -> Any:  # noqa: N802
    """``pythoncom.CreateStreamOnHGlobal``: an empty, growable memory IStream."""
    return _stream(create_stream_on_hglobal(hglobal, delete_on_release), CDispatch)
