"""The automation view of a Python IMAPI object: documented names, COM value types, events.

One generic mapping (DESIGN.md "Names"): a documented member name, case-insensitive, with
or without its ``get_``/``put_`` prefix, is matched against the object's Python names with
underscores and case ignored (``VendorId`` -> ``vendor_id``, ``_NewEnum`` -> ``__iter__``).
Results become what a COM client receives: SAFEARRAYs tuples, enums ints, VARIANT_BOOL
bool, objects wrapped again. Failures become the client's exception with the IMAPI HRESULT.
"""

from __future__ import annotations

import enum
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from openimapi.automation._errors import (
    DISP_E_MEMBERNOTFOUND,
    DISP_E_UNKNOWNNAME,
    COMError,
    UnknownName,
    UnknownNameCT,
    com_error,
    comtypes_error,
    pywin32_error,
)

__all__ = ["AutomationObject", "CDispatch", "ComtypesObject", "Connection", "connect_events", "unwrap"]

_KEYS: dict[type, dict[str, str]] = {}


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _members(cls: type) -> dict[str, str]:
    """Lower-cased, underscore-free key -> Python attribute name, per class (cached)."""
    table = _KEYS.get(cls)
    if table is None:
        table = {}
        for name in dir(cls):
            if name.startswith("_") and name != "__iter__":
                continue
            table.setdefault(_key(name), name)
        table["newenum"] = "__iter__"
        _KEYS[cls] = table
    return table


def _documented(name: str) -> tuple[str, str]:
    """(prefix, bare name): ``get_VendorId`` -> ("get", "VendorId")."""
    low = name.lower()
    for prefix in ("get_", "put_", "putref_"):
        if low.startswith(prefix) and len(name) > len(prefix):
            return prefix[:-1], name[len(prefix):]
    return "", name


def unwrap(value: Any) -> Any:
    """What the Python layer takes for an argument a client passed."""
    if isinstance(value, AutomationObject):
        return object.__getattribute__(value, "_oleobj_")
    if isinstance(value, (list, tuple)):
        return [unwrap(v) for v in value]
    return value


class AutomationObject:
    """Base of the two client flavours; ``_oleobj_`` is the Python object behind it."""

    _flavour = "pywin32"

    def __init__(self, target: Any, username: str | None = None) -> None:
        object.__setattr__(self, "_oleobj_", target)
        object.__setattr__(self, "_username_", username or type(target).__name__)

    # ----- conversions ------------------------------------------------------------------

    def _wrap(self, value: Any) -> Any:
        return convert(value, type(self) if not _is_event_class(type(self)) else _plain(type(self)))

    def _fail(self, exc: BaseException) -> BaseException:
        source = object.__getattribute__(self, "_username_")
        if self._flavour == "comtypes":
            return comtypes_error(exc, source)
        return pywin32_error(exc, source)

    def _unknown(self, name: str) -> BaseException:
        user = object.__getattribute__(self, "_username_")
        if self._flavour == "comtypes":
            return UnknownNameCT(DISP_E_UNKNOWNNAME, f"{user}.{name}")
        return UnknownName(DISP_E_UNKNOWNNAME, f"{user}.{name}", None, None)

    def _call(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            result = func(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
        except (com_error, COMError):
            raise
        except Exception as exc:
            raise self._fail(exc) from exc
        return self._wrap(result)

    # ----- member access ----------------------------------------------------------------

    def _resolve(self, name: str) -> tuple[str, str]:
        prefix, bare = _documented(name)
        target = object.__getattribute__(self, "_oleobj_")
        table = _members(type(target))
        attr = table.get(_key(bare))
        if attr is None and not prefix:
            attr = table.get(_key(name))
        if attr is None:  # plain instance attributes (ADODB.Stream's Type ...)
            own = {_key(n): n for n in getattr(target, "__dict__", {}) if not n.startswith("_")}
            attr = own.get(_key(bare))
        if attr is None:
            raise self._unknown(name)
        return prefix, attr

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        prefix, attr = self._resolve(name)
        target = object.__getattribute__(self, "_oleobj_")
        is_property = isinstance(getattr(type(target), attr, None), property)
        if prefix == "put" or prefix == "putref":
            return lambda value: self.__setattr__(attr, value)
        if attr == "__iter__":
            return lambda: iter(self)
        try:
            value = getattr(target, attr)
        except (com_error, COMError):
            raise
        except Exception as exc:
            raise self._fail(exc) from exc
        if is_property or not callable(value):
            wrapped = self._wrap(value)
            return (lambda: wrapped) if prefix == "get" else wrapped

        def method(*args: Any, **kwargs: Any) -> Any:
            return self._call(value, args, kwargs)

        method.__name__ = name
        return method

    def __setattr__(self, name: str, value: Any) -> None:
        target = object.__getattribute__(self, "_oleobj_")
        try:
            _prefix, attr = self._resolve(name)
        except AttributeError:
            if _is_event_class(type(self)):
                self.__dict__[name] = value
                return
            raise
        prop = getattr(type(target), attr, None)
        if prop is None and attr in getattr(target, "__dict__", {}):
            self._call(lambda v: setattr(target, attr, v), (value,), {})
            return
        if not isinstance(prop, property) or prop.fset is None:
            if _is_event_class(type(self)):
                self.__dict__[name] = value
                return
            if self._flavour == "comtypes":
                raise UnknownNameCT(DISP_E_MEMBERNOTFOUND, f"{name} is read-only")
            raise UnknownName(DISP_E_MEMBERNOTFOUND, f"Property '{self._username_}.{name}' can not be set.")
        self._call(lambda v: setattr(target, attr, v), (value,), {})

    # ----- collections (DISPID_NEWENUM, DISPID_VALUE) ---------------------------------

    def __iter__(self) -> Iterator[Any]:
        target = object.__getattribute__(self, "_oleobj_")
        try:
            items = list(iter(target))
        except TypeError:
            raise self._unknown("_NewEnum") from None
        except Exception as exc:
            raise self._fail(exc) from exc
        return iter([self._wrap(v) for v in items])

    def __getitem__(self, index: Any) -> Any:
        target = object.__getattribute__(self, "_oleobj_")
        item = getattr(target, "item", None)
        if item is None:
            try:
                return self._wrap(target[index])
            except (TypeError, KeyError):
                raise self._unknown("Item") from None
        if isinstance(index, int) and index >= len(self):
            raise IndexError(index)  # ends old-style iteration as pywin32's does
        return self._call(item, (index,), {})

    def __call__(self, *args: Any) -> Any:
        return self.__getattr__("Item")(*args)

    def __len__(self) -> int:
        target = object.__getattribute__(self, "_oleobj_")
        count = getattr(target, "count", None)
        if count is None:
            return len(target)
        return int(count() if callable(count) else count)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AutomationObject):
            return bool(object.__getattribute__(self, "_oleobj_") is object.__getattribute__(other, "_oleobj_"))
        return False

    def __hash__(self) -> int:
        return id(object.__getattribute__(self, "_oleobj_"))

    def __repr__(self) -> str:
        return f"<COMObject {object.__getattribute__(self, '_username_')}>"

    def QueryInterface(self, *_iid: Any) -> Any:  # noqa: N802 - IUnknown's name
        """Every interface of the object is reachable through this one wrapper."""
        return self

    def Release(self) -> int:  # noqa: N802
        """Nothing to release: Python owns the object."""
        return 0

    def Stat(self, _flags: int = 0) -> tuple[Any, ...]:  # noqa: N802 - IStream's name
        """IStream::Stat as pywin32 returns STATSTG: (name, type, size, mtime, ctime, atime,
        mode, locks, clsid, state, reserved); only the size is meaningful here."""
        target = object.__getattribute__(self, "_oleobj_")
        stat = getattr(target, "stat", None)
        if stat is not None:
            return tuple(stat())
        try:
            here = target.tell()
            size = target.seek(0, 2)
            target.seek(here)
        except Exception as exc:
            raise self._fail(exc) from exc
        return (None, 2, size, None, None, None, 0, 0, None, 0, 0)


class CDispatch(AutomationObject):
    """pywin32's dynamic dispatch object (``win32com.client.CDispatch``)."""

    _flavour = "pywin32"


class ComtypesObject(AutomationObject):
    """What comtypes.client.CreateObject returns: the same members, comtypes' errors."""

    _flavour = "comtypes"


def _is_event_class(cls: type) -> bool:
    return bool(getattr(cls, "_openimapi_events_", False))


def _plain(cls: type) -> type:
    for base in cls.__mro__:
        if base in (CDispatch, ComtypesObject):
            return base
    return CDispatch


def convert(value: Any, wrapper: type) -> Any:
    """A Python result as a COM client receives it."""
    if value is None or isinstance(value, (bool, str, bytes, float)):
        return value
    if isinstance(value, AutomationObject):
        return value
    if isinstance(value, enum.Enum):
        return int(value.value) if isinstance(value.value, int) else value.value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(convert(v, wrapper) for v in value)
    if isinstance(value, uuid.UUID):
        return "{" + str(value).upper() + "}"
    if type(value).__module__ in ("datetime", "decimal"):
        return value
    return wrapper(value)


# ----- events --------------------------------------------------------------------------


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


#: Documented event sources whose events openimapi does not raise (drive arrival/removal):
#: connecting succeeds, as on Windows, and no event comes.
_SILENT_SOURCES = frozenset({"DiscMaster2"})


class Connection:
    """An advised event sink; ``disconnect()`` (comtypes) / ``close()`` stop the events."""

    def __init__(self, undo: Callable[[], None]) -> None:
        self._undo: Callable[[], None] | None = undo

    def disconnect(self) -> None:
        """Unadvise; a second call does nothing."""
        undo, self._undo = self._undo, None
        if undo is not None:
            undo()

    close = disconnect

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()


class _SinkAdapter:
    """Receives the Python layer's sink calls (``update``, ``notify_block_progress`` ...)."""

    def __init__(self, deliver: Callable[..., Any]) -> None:
        self._deliver = deliver

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: self._deliver(_pascal(name), *args)


def connect_events(target: Any, sink: Any, wrapper: type, style: str) -> Connection:
    """Deliver the events of ``target`` to ``sink``'s handlers: ``On<Event>`` (pywin32
    style) or ``<Event>`` / ``<Interface>_<Event>`` (comtypes style). The sender and
    objects arrive wrapped; an exception in a handler is printed and swallowed, as COM
    does with a failing sink.

    Raises:
        com_error: the object fires no events (CONNECT_E_NOCONNECTION).
    """

    def handler(event: str) -> Callable[..., Any] | None:
        names = [n for n in dir(sink) if callable(getattr(sink, n, None))]
        if style == "pywin32":
            wanted = [("on" + event).lower()]
        else:  # comtypes looks for <Interface>_<Event> first, then <Event>
            wanted = [n.lower() for n in names if n.lower().endswith("_" + event.lower())] + [event.lower()]
        for want in wanted:
            for name in names:
                if name.lower() == want:
                    found: Callable[..., Any] = getattr(sink, name)
                    return found
        return None

    def deliver(event: str, *args: Any) -> Any:
        func = handler(event)
        if func is None:
            return None
        values = [convert(a, wrapper) for a in args]
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if style != "pywin32" and code is not None and code.co_varnames[:2] == ("self", "this"):
            values.insert(0, sink)  # comtypes passes the receiver's own pointer as ``this``
        try:
            return unwrap(func(*values))
        except Exception:  # a sink's failure never reaches the writer (COM semantics)
            traceback.print_exc(file=sys.stderr)
            return None

    add = getattr(target, "add_listener", None)
    if add is not None:
        def listener(sender: Any, *args: Any) -> None:
            deliver("Update", sender, *args)

        add(listener)
        return Connection(lambda: target.remove_listener(listener))
    advise = getattr(target, "advise", None)
    if advise is not None:
        cookie = advise(_SinkAdapter(deliver))
        return Connection(lambda: target.unadvise(cookie))
    if type(target).__name__ in _SILENT_SOURCES:
        return Connection(lambda: None)
    raise com_error(0x80040200, "The object has no outgoing interface", None, None)
