"""ProgIDs and CLSIDs -> the classes behind them, resolved lazily.

Documented spellings (interface-page remarks) and sample spellings (Microsoft's scripts)
both resolve; CLSID strings too. A name that is not registered fails like
``CLSIDFromProgID`` on Windows (CO_E_CLASSSTRING, "Invalid class string"); a registered
name whose class this installation lacks fails with REGDB_E_CLASSNOTREG.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from openimapi.automation._errors import CLASS_NOT_REGISTERED, INVALID_CLASS_STRING

__all__ = ["PROGIDS", "ClassLookupError", "progids", "resolve"]

_I2 = "openimapi.imapi2"
_FS = "openimapi.fs"
_V1 = "openimapi.v1"
_AUTO = "openimapi.automation._streams"

#: ProgID -> (module, class name, CLSID or "").
PROGIDS: dict[str, tuple[str, str, str]] = {
    "IMAPI2.MsftDiscMaster2": (_I2, "DiscMaster2", "{2735412E-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftDiscRecorder2": (_I2, "DiscRecorder2", "{2735412D-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftWriteEngine2": (_I2, "WriteEngine2", "{2735412C-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftDiscFormat2Erase": (_I2, "DiscFormat2Erase", "{2735412B-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftDiscFormat2Data": (_I2, "DiscFormat2Data", "{2735412A-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftDiscFormat2TrackAtOnce": (_I2, "DiscFormat2TrackAtOnce",
                                          "{27354129-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftDiscFormat2RawCD": (_I2, "DiscFormat2RawCD", "{27354128-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftStreamZero": (_I2, "StreamZero", "{27354127-7F64-5B0F-8F00-5D77AFBE261E}"),
    # the documents spell the PRNG stream "Prgn"; the coclass is MsftStreamPrng001
    "IMAPI2.MsftStreamPrgn001": (_I2, "StreamPseudoRandomBased", "{27354126-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftStreamPrng001": (_I2, "StreamPseudoRandomBased", ""),
    "IMAPI2.MsftStreamConcatenate": (_I2, "StreamConcatenate", "{27354125-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftStreamInterleave": (_I2, "StreamInterleave", "{27354124-7F64-5B0F-8F00-5D77AFBE261E}"),
    "IMAPI2.MsftRawCDImageCreator": (_I2 + ".rawcd_image", "RawCDImageCreator",
                                     "{25983561-9D65-49CE-B335-40630D901227}"),
    "IMAPI2.BlockRange": (_I2, "BlockRange", "{B507CA27-2204-11DD-966A-001AA01BBC58}"),
    "IMAPI2.BlockRangeList": (_I2, "BlockRangeList", "{B507CA28-2204-11DD-966A-001AA01BBC58}"),
    # reference pages say IMAPI2.*, the sample scripts IMAPI2FS.*: both work
    "IMAPI2FS.MsftFileSystemImage": (_FS, "FileSystemImage", "{2C941FC5-975B-59BE-A960-9A2A262853A5}"),
    "IMAPI2.MsftFileSystemImage": (_FS, "FileSystemImage", ""),
    "IMAPI2FS.BootOptions": (_FS, "BootOptions", "{2C941FCE-975B-59BE-A960-9A2A262853A5}"),
    "IMAPI2.BootOptions": (_FS, "BootOptions", ""),
    "IMAPI2FS.MsftIsoImageManager": (_FS, "IsoImageManager", "{CEEE3B62-8F56-4056-869B-EF16917E3EFC}"),
    "IMAPI2.MsftIsoImageManager": (_FS, "IsoImageManager", ""),
    # IMAPI v1 documents no ProgID; the coclass name is what ports use
    "MSDiscMasterObj": (_V1, "DiscMaster", "{520CCA63-51A5-11D3-9144-00104BA11C5E}"),
    "IMAPI.MSDiscMasterObj": (_V1, "DiscMaster", ""),
    "IMAPILib.MSDiscMasterObj": (_V1, "DiscMaster", ""),
    # the stream clients load boot images and files with
    "ADODB.Stream": (_AUTO, "AdodbStream", "{00000566-0000-0010-8000-00AA006D2EA4}"),
}

_BY_KEY: dict[str, tuple[str, str, str]] = {}
for _progid, _entry in PROGIDS.items():
    _BY_KEY[_progid.lower()] = _entry
    if _entry[2]:
        _BY_KEY[_entry[2].lower()] = _entry
        _BY_KEY[_entry[2].lower().strip("{}")] = _entry


class ClassLookupError(LookupError):
    """A ProgID/CLSID that does not resolve; ``hresult`` says why (unsigned)."""

    def __init__(self, name: str, hresult: int, text: str) -> None:
        super().__init__(f"{text}: {name!r}")
        self.hresult = hresult
        self.text = text


def progids() -> list[str]:
    """Every registered ProgID."""
    return sorted(PROGIDS)


def resolve(name: str) -> Callable[[], Any]:
    """The factory of the class a ProgID or CLSID names (case-insensitive).

    Raises:
        ClassLookupError: not registered (CO_E_CLASSSTRING) or the implementing class
            is not part of this installation (REGDB_E_CLASSNOTREG).
    """
    entry = _BY_KEY.get(str(name).strip().lower())
    if entry is None:
        raise ClassLookupError(name, INVALID_CLASS_STRING, "Invalid class string")
    module_name, class_name, _clsid = entry
    try:
        module = importlib.import_module(module_name)
        factory: Callable[[], Any] = getattr(module, class_name)
    except (ImportError, AttributeError):
        raise ClassLookupError(name, CLASS_NOT_REGISTERED, "Class not registered") from None
    return factory
