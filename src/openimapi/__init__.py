"""openimapi: the Image Mastering API (IMAPI2, IMAPI2FS, IMAPI v1) in Python."""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public classes, imported on first use so that ``import openimapi.mmc`` stays I/O-free.
_LAZY: dict[str, str] = {
    name: "openimapi.imapi2"
    for name in (
        "BlockRange",
        "BlockRangeList",
        "DiscFormat2Data",
        "DiscFormat2DataEventArgs",
        "DiscFormat2Erase",
        "DiscFormat2RawCD",
        "DiscFormat2RawCDEventArgs",
        "DiscFormat2TrackAtOnce",
        "DiscFormat2TrackAtOnceEventArgs",
        "DiscMaster2",
        "DiscRecorder2",
        "MultisessionRandomWrite",
        "MultisessionSequential",
        "RawCDImageCreator",
        "RawCDImageTrackInfo",
        "StreamConcatenate",
        "StreamInterleave",
        "StreamPseudoRandomBased",
        "StreamZero",
        "WriteEngine2",
        "WriteEngine2EventArgs",
        "WriteSpeedDescriptor",
    )
}

_LAZY.update(
    (name, "openimapi.fs")
    for name in (
        "BootOptions",
        "DFileSystemImageEvents",
        "DFileSystemImageImportEvents",
        "EnumFsiItems",
        "EnumProgressItems",
        "FileSystemImage",
        "FileSystemImageResult",
        "FsiDirectoryItem",
        "FsiFileItem",
        "FsiItem",
        "FsiNamedStreams",
        "IsoImageManager",
        "ProgressItem",
        "ProgressItems",
    )
)

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    if name == "v1":  # the IMAPI v1 object model, a module of its own
        return importlib.import_module("openimapi.v1")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'openimapi' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
