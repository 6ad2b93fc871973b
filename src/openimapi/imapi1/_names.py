"""How documented IMAPI v1 member names become Python names.

The rules are those of IMAPI2 (openimapi.imapi2._names: ``GetRecorderType`` ->
``get_recorder_type``), with two spellings fixed by hand where the plain rule would split
"PnP". tools/gen_imapi1_names.py writes docs/imapi1-names.md with these rules, and
tests/imapi1 pin every member of the reference to an attribute of the class named here.
"""

from __future__ import annotations

from openimapi.imapi2._names import python_name as _v2_name

__all__ = ["INTERFACE_CLASSES", "SPECIAL", "python_name"]

#: Interface of the reference (api imapi1) -> the Python classes implementing it.
INTERFACE_CLASSES: dict[str, tuple[str, ...]] = {
    "IDiscMaster": ("DiscMaster",),
    "IDiscMasterProgressEvents": ("DiscMasterProgressEvents",),
    "IDiscRecorder": ("DiscRecorder",),
    "IEnumDiscRecorders": ("EnumDiscRecorders",),
    "IEnumDiscMasterFormats": ("EnumDiscMasterFormats",),
    "IJolietDiscMaster": ("JolietDiscMaster",),
    "IRedbookDiscMaster": ("RedbookDiscMaster",),
}

#: Members whose Python spelling is not the plain snake_case of the documented name.
SPECIAL: dict[str, str] = {
    "GetBasePnPID": "get_base_pnp_id",
    "NotifyPnPActivity": "notify_pnp_activity",
}


def python_name(member: str) -> str:
    """The Python name of a documented v1 member.

    >>> python_name("GetRecorderGUID")
    'get_recorder_guid'
    >>> python_name("NotifyPnPActivity")
    'notify_pnp_activity'
    """
    return SPECIAL.get(member) or _v2_name(member)
