"""IMAPI2FS: file-system images (ISO 9660, Joliet, UDF, Rock Ridge, El Torito).

The result image is virtual: :meth:`FileSystemImage.create_result_image` lays the image
out once, and its ``image_stream`` assembles any byte range on demand from metadata kept
in memory and from the source files.
"""

from __future__ import annotations

from openimapi.fs.boot import BootOptions
from openimapi.fs.fsimage import DFileSystemImageEvents, DFileSystemImageImportEvents, FileSystemImage
from openimapi.fs.image import ImageStream
from openimapi.fs.isomanager import IsoImageManager
from openimapi.fs.items import EnumFsiItems, FsiDirectoryItem, FsiFileItem, FsiItem, FsiNamedStreams, FsiSymlinkItem
from openimapi.fs.multisession import ImageMultisession
from openimapi.fs.result import (
    EnumProgressItems,
    FileSystemImageResult,
    ProgressItem,
    ProgressItems,
)

__all__ = [
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
    "FsiSymlinkItem",
    "ImageMultisession",
    "ImageStream",
    "IsoImageManager",
    "ProgressItem",
    "ProgressItems",
]
