"""How documented IMAPI2 member names become Python names.

``VendorId`` -> ``vendor_id``; ``get_Recorder``/``put_Recorder`` -> the property ``recorder``;
``CancelWrite`` -> ``cancel_write``; ``get__NewEnum`` -> ``__iter__``; ``get_Item`` (a
property with an index argument) -> the method ``item(index)``. tools/gen_imapi2_names.py
writes the table of docs/imapi2-names.md with these rules, and tests/imapi2 pin every
member of the reference to an attribute of the class named here.
"""

from __future__ import annotations

import re

__all__ = ["INTERFACE_CLASSES", "SPECIAL", "python_name"]

#: Interface (or stream coclass) of the reference -> the Python classes implementing it.
INTERFACE_CLASSES: dict[str, tuple[str, ...]] = {
    "IDiscMaster2": ("DiscMaster2",),
    "IDiscRecorder2": ("DiscRecorder2",),
    "IDiscRecorder2Ex": ("DiscRecorder2",),
    "IDiscFormat2": ("DiscFormat2Data", "DiscFormat2Erase"),
    "IDiscFormat2Data": ("DiscFormat2Data",),
    "IDiscFormat2DataEventArgs": ("DiscFormat2DataEventArgs",),
    "IDiscFormat2Erase": ("DiscFormat2Erase",),
    "IWriteEngine2": ("WriteEngine2",),
    "IWriteEngine2EventArgs": ("WriteEngine2EventArgs", "DiscFormat2DataEventArgs"),
    "IBurnVerification": ("DiscFormat2Data",),
    "IWriteSpeedDescriptor": ("WriteSpeedDescriptor",),
    "IMultisession": ("MultisessionSequential", "MultisessionRandomWrite"),
    "IMultisessionSequential": ("MultisessionSequential",),
    "IMultisessionSequential2": ("MultisessionSequential",),
    "IMultisessionRandomWrite": ("MultisessionRandomWrite",),
    "IBlockRange": ("BlockRange",),
    "IBlockRangeList": ("BlockRangeList",),
    "IStreamPseudoRandomBased": ("StreamPseudoRandomBased",),
    "IStreamConcatenate": ("StreamConcatenate",),
    "IStreamInterleave": ("StreamInterleave",),
    "MsftStreamZero": ("StreamZero",),
}

#: Members whose Python spelling is not the plain snake_case of the documented name.
SPECIAL: dict[str, str] = {
    "_NewEnum": "__iter__",
    "Item": "item",
}

_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def python_name(member: str) -> str:
    """The Python name of a documented member (with or without its get_/put_ prefix).

    >>> python_name("get_CurrentRotationTypeIsPureCAV")
    'current_rotation_type_is_pure_cav'
    >>> python_name("GetMaximumNonPageAlignedTransferSize")
    'get_maximum_non_page_aligned_transfer_size'
    """
    name = member
    if name.startswith(("get_", "put_")):
        name = name[4:]
    if name in SPECIAL:
        return SPECIAL[name]
    name = _ACRONYM.sub(r"\1_\2", name)
    name = _CAMEL.sub(r"\1_\2", name)
    return name.lower()
