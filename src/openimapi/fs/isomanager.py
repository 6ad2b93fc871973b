"""IIsoImageManager: checks an existing .iso (path or stream) before it is written."""

from __future__ import annotations

import io
import os
from typing import Any

from openimapi import errors

__all__ = ["IsoImageManager"]

BLOCK = 2048
MAX_BLOCKS = 0x7FFFFFFF  # MAXLONG sectors


class IsoImageManager:
    """MsftIsoImageManager: point it at a path or a stream, then :meth:`validate`."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._stream: Any = None
        self._owned = False

    def close(self) -> None:
        """Close the stream the manager opened from a path."""
        if self._owned and self._stream is not None:
            self._stream.close()
        self._stream = None
        self._owned = False

    def __del__(self) -> None:
        self.close()

    @property
    def path(self) -> str | None:
        """Host path of the image, or None (Path)."""
        return self._path

    @property
    def stream(self) -> Any:
        """The image stream (opened from the path if one was set) (Stream)."""
        if self._stream is None and self._path is not None:
            self._stream = open(self._path, "rb")  # noqa: SIM115 - closed by close()
            self._owned = True
        return self._stream

    def set_path(self, val: str) -> None:
        """Use the image file at ``val`` (SetPath).

        Raises:
            IMAPI_E_INVALID_PATH: not an existing regular file.
        """
        if not isinstance(val, str | os.PathLike) or not os.path.isfile(val):
            raise errors.IMAPI_E_INVALID_PATH(f"{val!r} is not an image file")
        self.close()
        self._path = os.fspath(val)

    def set_stream(self, data: Any = None) -> None:
        """Use an image given as a binary stream (or bytes) (SetStream)."""
        if isinstance(data, bytes | bytearray):
            data = io.BytesIO(bytes(data))
        self.close()
        self._stream = data
        self._path = None

    def validate(self) -> None:
        """Check alignment, size and the presence of a volume descriptor (Validate).

        Raises:
            IMAPI_E_IMAGEMANAGER_NO_IMAGE, IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED,
            IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG, IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND.
        """
        stream = self.stream
        if stream is None:
            raise errors.IMAPI_E_IMAGEMANAGER_NO_IMAGE("set a path or a stream first")
        here = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        try:
            if size % BLOCK:
                raise errors.IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED(f"{size} bytes is not a multiple of 2048")
            if size // BLOCK > MAX_BLOCKS:
                raise errors.IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG(f"{size // BLOCK} blocks")
            if not _has_descriptor(stream, size // BLOCK):
                raise errors.IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND("no ISO 9660 or UDF volume descriptor")
        finally:
            stream.seek(here)


def _has_descriptor(stream: Any, blocks: int) -> bool:
    for lba in range(16, min(blocks, 16 + 64)):
        stream.seek(lba * BLOCK)
        head = stream.read(8)
        if head[1:6] == b"CD001" and head[0] in (1, 2):
            return True
        if head[1:6] in (b"NSR02", b"NSR03"):
            return True
        if head[1:6] not in (b"CD001", b"BEA01", b"TEA01", b"BOOT2", b"CDW02"):
            break
    return False
