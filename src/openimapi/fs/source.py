"""Data sources of file items: each declares its size and whether it can be read twice.

A source is read at image-read time, not when it is added (the image is virtual). A
path source remembers the size it had when added; if the file has another size when
the image reads it, reading fails with IMAPI_E_DATA_STREAM_INCONSISTENCY instead of
producing a silently wrong disc. Staging (FileSystemImage.stage_files) copies a source
into the working directory at add time, so later changes to the original cannot matter.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from typing import Any

from openimapi import errors

__all__ = ["BytesSource", "PathSource", "Source", "StagedSource", "StreamSource", "make_source", "stage"]


class Source(ABC):
    """Base of all sources.

    Attributes:
        size: the number of bytes the source provides.
        rereadable: whether the bytes can be read more than once (and out of order).
        description: what to name in errors and progress events.
    """

    __slots__ = ("description", "rereadable", "size")

    def __init__(self, size: int, rereadable: bool, description: str) -> None:
        self.size = size
        self.rereadable = rereadable
        self.description = description

    @abstractmethod
    def read_at(self, offset: int, length: int) -> bytes:
        """Read exactly ``length`` bytes at ``offset`` (clipped at the declared size).

        Raises:
            IMAPI_E_DATA_STREAM_INCONSISTENCY: the source no longer has its declared size.
            IMAPI_E_DATA_STREAM_READ_FAILURE: the source cannot be read.
        """

    def close(self) -> None:
        """Release an OS handle kept open between reads."""
        return None

    def open_stream(self) -> io.RawIOBase:
        """A fresh readable stream over the whole source (FsiFileItem.data)."""
        return _SourceStream(self)


class BytesSource(Source):
    """In-memory bytes; always rereadable."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | bytearray | memoryview, description: str = "<bytes>") -> None:
        self.data = bytes(data)
        super().__init__(len(self.data), True, description)

    def read_at(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]


class PathSource(Source):
    """A file of this machine, opened lazily at read time; its size is checked then."""

    __slots__ = ("_fd", "path")

    def __init__(self, path: str | os.PathLike[str], size: int | None = None) -> None:
        self.path = os.fspath(path)
        if size is None:
            try:
                size = os.stat(self.path).st_size
            except OSError as exc:
                raise errors.IMAPI_E_DATA_STREAM_CREATE_FAILURE(f"cannot open {self.path!r}: {exc.strerror}") from exc
        super().__init__(size, True, self.path)
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as exc:
                raise errors.IMAPI_E_DATA_STREAM_READ_FAILURE(f"cannot read {self.path!r}: {exc.strerror}") from exc
            actual = os.fstat(fd).st_size
            if actual != self.size:
                os.close(fd)
                raise errors.IMAPI_E_DATA_STREAM_INCONSISTENCY(
                    f"{self.path!r} changed size: {self.size} bytes when added, {actual} now"
                )
            self._fd = fd
        return self._fd

    def read_at(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        fd = self._open()
        try:
            data = os.pread(fd, length, offset)
            while len(data) < length:
                more = os.pread(fd, length - len(data), offset + len(data))
                if not more:
                    break
                data += more
        except OSError as exc:
            raise errors.IMAPI_E_DATA_STREAM_READ_FAILURE(f"cannot read {self.path!r}: {exc.strerror}") from exc
        if len(data) != length:
            raise errors.IMAPI_E_DATA_STREAM_INCONSISTENCY(
                f"{self.path!r} changed size: {self.size} bytes when added, ended at {offset + len(data)}"
            )
        return data

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class StreamSource(Source):
    """A binary stream (IStream): rereadable when it can seek; size from seek/tell if not given."""

    __slots__ = ("_base", "_pos", "stream")

    def __init__(self, stream: Any, size: int | None = None, description: str = "<stream>") -> None:
        self.stream = stream
        seekable = bool(getattr(stream, "seekable", lambda: False)())
        if size is None:
            if not seekable:
                raise errors.IMAPI_E_INVALID_PARAM("a stream that cannot seek needs its size")
            here = stream.tell()
            size = stream.seek(0, io.SEEK_END) - here
            stream.seek(here)
        self._pos = stream.tell() if seekable else 0
        super().__init__(int(size), seekable, description)
        self._base = self._pos

    def read_at(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        try:
            if self.rereadable:
                self.stream.seek(self._base + offset)
            elif offset != self._pos - self._base:
                raise errors.IMAPI_E_DATA_STREAM_READ_FAILURE(f"{self.description} cannot be read twice")
            data = self.stream.read(length)
        except OSError as exc:
            raise errors.IMAPI_E_DATA_STREAM_READ_FAILURE(f"cannot read {self.description}: {exc}") from exc
        data = bytes(data or b"")
        self._pos = self._base + offset + len(data)
        if len(data) != length:
            raise errors.IMAPI_E_DATA_STREAM_INCONSISTENCY(
                f"{self.description} ended at {offset + len(data)} bytes, {self.size} declared"
            )
        return data


class _SourceStream(io.RawIOBase):
    """Read-only stream view of a source (what FsiFileItem.data returns)."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self._source = source
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._source.rereadable

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._source.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._source.read_at(self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)


def make_source(data: Any, size: int | None = None) -> Source:
    """A source from bytes, a path or a binary stream (an existing Source passes through).

    Raises:
        IMAPI_E_INVALID_PARAM: None or an object that is none of those.
        IMAPI_E_DATA_STREAM_CREATE_FAILURE: a path that cannot be opened.
    """
    if isinstance(data, Source):
        return data
    if isinstance(data, bytes | bytearray | memoryview):
        return BytesSource(data)
    if isinstance(data, str | os.PathLike):
        return PathSource(data, size)
    if data is not None and hasattr(data, "read"):
        return StreamSource(data, size, getattr(data, "name", "<stream>") if isinstance(
            getattr(data, "name", None), str) else "<stream>")
    raise errors.IMAPI_E_INVALID_PARAM(f"file data must be bytes, a path or a binary stream, not {type(data).__name__}")


def stage(source: Source, directory: str) -> PathSource:
    """Copy a source into ``directory`` now, so later changes of the original cannot matter.

    The staged copy is unlinked right away and kept open, so it vanishes with the process.

    Raises:
        IMAPI_E_STASHFILE_OPEN_FAILURE: the working directory cannot hold a file.
        IMAPI_E_STASHFILE_WRITE_FAILURE: writing the copy failed (e.g. no space).
    """
    try:
        handle = tempfile.NamedTemporaryFile(dir=directory, prefix="openimapi-stash-", delete=False)  # noqa: SIM115
    except OSError as exc:
        raise errors.IMAPI_E_STASHFILE_OPEN_FAILURE(f"cannot create a stash file in {directory!r}: {exc}") from exc
    try:
        with handle:
            if isinstance(source, PathSource):
                with open(source.path, "rb") as src:
                    shutil.copyfileobj(src, handle, 1 << 20)
            else:
                offset = 0
                while offset < source.size:
                    chunk = source.read_at(offset, min(1 << 20, source.size - offset))
                    handle.write(chunk)
                    offset += len(chunk)
        staged = StagedSource(handle.name, source.description)
    except OSError as exc:
        raise errors.IMAPI_E_STASHFILE_WRITE_FAILURE(f"cannot write the stash copy of {source.description}") from exc
    finally:
        try:
            os.unlink(handle.name)
        except OSError:
            pass
    return staged


class StagedSource(PathSource):
    """A private, already unlinked copy made by :func:`stage`; its descriptor stays open."""

    __slots__ = ()

    def __init__(self, path: str, description: str) -> None:
        super().__init__(path)
        self._open()  # keeps the inode alive after the caller unlinks the name
        self.description = description

    def close(self) -> None:
        """The copy lives as long as the source object; nothing to release between reads."""

    def __del__(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
