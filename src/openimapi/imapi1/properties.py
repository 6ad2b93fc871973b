"""PropertyStorage: the IPropertyStorage that IMAPI v1 hands out for recorder and Joliet
properties (names are strings, PRSPEC_LPWSTR).

A storage is a snapshot: reading it never touches the device, changing it changes nothing
until it is given back to ``set_recorder_properties`` / ``set_joliet_properties``, which
apply the known writable names and report IMAPI_S_PROPERTIESIGNORED for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from openimapi import errors
from openimapi.errors import SuccessCode

__all__ = ["PropertyStorage"]


class PropertyStorage(MutableMapping[str, Any]):
    """Named property values (IPropertyStorage); ``read_only`` lists the names a set-call
    ignores. Mapping access (``storage["WriteSpeed"] = 8``) or the COM-style
    ``read_multiple`` / ``write_multiple``."""

    def __init__(self, values: Mapping[str, Any], read_only: Iterable[str] = ()) -> None:
        self._values: dict[str, Any] = dict(values)
        self._read_only = frozenset(read_only)

    @property
    def read_only(self) -> frozenset[str]:
        """Names whose value the object ignores when the storage is given back."""
        return self._read_only

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __setitem__(self, name: str, value: Any) -> None:
        if not isinstance(name, str) or not name:
            raise errors.E_INVALIDARG(f"property names are non-empty strings, not {name!r}")
        self._values[name] = value

    def __delitem__(self, name: str) -> None:
        del self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"PropertyStorage({self._values!r})"

    def read_multiple(self, names: Iterable[str]) -> list[Any]:
        """The values of ``names`` (None for a name the storage does not hold)."""
        return [self._values.get(n) for n in names]

    def write_multiple(self, values: Mapping[str, Any]) -> None:
        """Set several values at once.

        Raises:
            E_INVALIDARG: a name is not a non-empty string.
        """
        for name, value in values.items():
            self[name] = value

    def changes(self, current: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """The writable names whose value differs from ``current``, and whether anything was
        ignored (an unknown name, or a read-only one given a new value)."""
        changed: dict[str, Any] = {}
        ignored = False
        for name, value in self._values.items():
            if name not in current:
                ignored = True
            elif name in self._read_only or (isinstance(current, PropertyStorage) and name in current.read_only):
                ignored = ignored or value != current[name]
            elif value != current[name]:
                changed[name] = value
        return changed, ignored


def outcome(ignored: bool) -> SuccessCode:
    """S_OK, or IMAPI_S_PROPERTIESIGNORED when a set-call skipped names."""
    return SuccessCode.IMAPI_S_PROPERTIESIGNORED if ignored else SuccessCode.S_OK
