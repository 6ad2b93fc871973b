"""The IStream objects Windows clients hand to IMAPI, as Python binary streams.

* :class:`ComStream` - what ``SHCreateStreamOnFileEx`` and ``CreateStreamOnHGlobal``
  return: IStream's Read/Write/Seek/SetSize/Stat/Commit/Clone over a file or memory.
* :class:`AdodbStream` - the ``ADODB.Stream`` scripts load boot images with (Type, Open,
  LoadFromFile, Read, Write, Position, Size, SaveToFile, Close).

Both are also ordinary readable, seekable Python streams, which is all openimapi asks of an
IStream (DESIGN.md "Streams").
"""

from __future__ import annotations

import io
import os
from typing import IO, Any

from openimapi import errors

__all__ = [
    "STGM_CREATE",
    "STGM_READ",
    "STGM_READWRITE",
    "STGM_WRITE",
    "AdodbStream",
    "ComStream",
    "create_stream_on_hglobal",
    "sh_create_stream_on_file",
]

STGM_READ = 0x0
STGM_WRITE = 0x1
STGM_READWRITE = 0x2
STGM_SHARE_DENY_WRITE = 0x20
STGM_CREATE = 0x1000
STGTY_STREAM = 2


class ComStream(io.RawIOBase):
    """An IStream over a Python binary file; ``set_size`` on a read-only file trims what
    is visible (the size the track-at-once sample asks for) without touching the file."""

    def __init__(self, raw: IO[bytes], name: str = "", writable: bool = True) -> None:
        super().__init__()
        self._raw = raw
        self._name = name
        self._writable = writable
        self._limit: int | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return self._writable

    def _size(self) -> int:
        here = self._raw.tell()
        end = self._raw.seek(0, io.SEEK_END)
        self._raw.seek(here)
        return end if self._limit is None else min(end, self._limit)

    @property
    def size(self) -> int:
        """Bytes visible in the stream."""
        return self._size()

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = len(view)
        if self._limit is not None:
            want = max(0, min(want, self._limit - self._raw.tell()))
        data = self._raw.read(want)
        view[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        """IStream::Read(cb) - at most ``size`` bytes (all the rest when negative)."""
        if size is None or size < 0:
            size = max(0, self._size() - self._raw.tell())
        buf = bytearray(size)
        got = self.readinto(buf)
        return bytes(buf[:got])

    def write(self, data: Any) -> int:
        """IStream::Write - returns the byte count written.

        Raises:
            E_ACCESSDENIED: the stream was opened for reading.
        """
        if not self._writable:
            raise errors.error_for(0x80030005, "the stream was opened read-only (STG_E_ACCESSDENIED)")
        return self._raw.write(bytes(data))

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """IStream::Seek(move, origin) -> the new position (origins 0, 1, 2 as SEEK_*)."""
        if whence == io.SEEK_END and self._limit is not None:
            return self._raw.seek(self._size() + offset)
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def set_size(self, size: int) -> None:
        """IStream::SetSize."""
        if self._writable:
            self._raw.truncate(size)
        else:
            self._limit = int(size)

    def stat(self, _flags: int = 0) -> tuple[Any, ...]:
        """IStream::Stat as pywin32's STATSTG tuple; index 2 is the size."""
        return (self._name or None, STGTY_STREAM, self._size(), None, None, None, 0, 0, None, 0, 0)

    def commit(self, _flags: int = 0) -> None:
        """IStream::Commit."""
        self._raw.flush()

    def revert(self) -> None:
        """IStream::Revert (nothing is transacted)."""

    def clone(self) -> ComStream:
        """IStream::Clone - a second cursor over the same bytes."""
        if isinstance(self._raw, io.BytesIO):
            twin = ComStream(io.BytesIO(self._raw.getvalue()), self._name, self._writable)
        else:
            twin = ComStream(open(self._raw.name, "rb"), self._name, False)  # noqa: SIM115
        twin._limit = self._limit
        twin.seek(self.tell())
        return twin

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def sh_create_stream_on_file(path: str | os.PathLike[str], mode: int = STGM_READ, _attributes: int = 0,
                             create: bool = False, _template: Any = None) -> ComStream:
    """SHCreateStreamOnFileEx(path, grfMode, attributes, fCreate, template).

    Raises:
        OSError: the file cannot be opened (HRESULT_FROM_WIN32 of the error for clients).
    """
    access = mode & 0x3
    if create or mode & STGM_CREATE:
        raw: IO[bytes] = open(path, "w+b")  # noqa: SIM115
    elif access == STGM_READ:
        raw = open(path, "rb")  # noqa: SIM115
    else:
        raw = open(path, "r+b")  # noqa: SIM115
    return ComStream(raw, os.fspath(path), writable=access != STGM_READ or create or bool(mode & STGM_CREATE))


def create_stream_on_hglobal(data: Any = None, _delete_on_release: bool = True) -> ComStream:
    """CreateStreamOnHGlobal: a growable memory stream (optionally starting with ``data``)."""
    initial = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else b""
    return ComStream(io.BytesIO(initial), "", writable=True)


AD_TYPE_BINARY = 1
AD_TYPE_TEXT = 2
AD_READ_ALL = -1
AD_SAVE_CREATE_OVERWRITE = 2


class AdodbStream:
    """The ``ADODB.Stream`` stand-in: open it, ``LoadFromFile``, hand it to IMAPI as an IStream.

    Text mode (Type = 2) keeps characters in ``Charset`` (default "unicode", as ADO).
    """

    def __init__(self) -> None:
        self.type = AD_TYPE_TEXT
        self.charset = "unicode"
        self.mode = 0
        self._buf: io.BytesIO | None = None

    def _open_buf(self) -> io.BytesIO:
        if self._buf is None:
            raise errors.error_for(0x800A0E78, "Operation is not allowed when the object is closed.")
        return self._buf

    @property
    def state(self) -> int:
        """1 when open (adStateOpen), 0 when closed."""
        return 0 if self._buf is None else 1

    def open(self, _source: Any = None, mode: int = 0, _options: int = -1, _user: str = "",
             _password: str = "") -> None:
        """Open an empty stream."""
        self.mode = mode
        self._buf = io.BytesIO()

    def load_from_file(self, path: str) -> None:
        """Replace the content with a file's bytes; Position goes to 0.

        Raises:
            OSError: the file cannot be read.
        """
        buf = self._open_buf()
        with open(path, "rb") as src:
            data = src.read()
        buf.seek(0)
        buf.truncate()
        buf.write(data)
        buf.seek(0)

    def save_to_file(self, path: str, options: int = 1) -> None:
        """Write the content to a file (options 2 = overwrite).

        Raises:
            FileExistsError: the file exists and overwriting was not asked for.
        """
        if os.path.exists(path) and options != AD_SAVE_CREATE_OVERWRITE:
            raise FileExistsError(path)
        with open(path, "wb") as out:
            out.write(self._open_buf().getvalue())

    @property
    def size(self) -> int:
        """Bytes in the stream."""
        return len(self._open_buf().getbuffer())

    @property
    def position(self) -> int:
        """Current byte offset."""
        return self._open_buf().tell()

    @position.setter
    def position(self, value: int) -> None:
        self._open_buf().seek(int(value))

    @property
    def eos(self) -> bool:
        """At the end of the stream."""
        return self.position >= self.size

    def set_eos(self) -> None:
        """Cut the stream at the current position."""
        self._open_buf().truncate()

    def read(self, count: int = AD_READ_ALL) -> bytes:
        """Read ``count`` bytes (all the rest for -1)."""
        return self._open_buf().read(None if count is None or count < 0 else count)

    def readinto(self, buffer: Any) -> int:
        return self._open_buf().readinto(buffer)

    def write(self, data: Any) -> int:
        """Append/overwrite bytes at the current position."""
        return self._open_buf().write(bytes(data))

    def _codec(self) -> str:
        return "utf-16-le" if self.charset.lower() == "unicode" else self.charset

    def read_text(self, count: int = AD_READ_ALL) -> str:
        """Text mode: characters from the current position."""
        text = self.read().decode(self._codec())
        return text if count < 0 else text[:count]

    def write_text(self, text: str, _options: int = 0) -> None:
        """Text mode: write characters."""
        self.write(text.encode(self._codec()))

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._open_buf().seek(offset, whence)

    def tell(self) -> int:
        return self._open_buf().tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """Close the stream; its content is gone."""
        self._buf = None
