"""IFsiItem, IFsiDirectoryItem(2), IFsiFileItem(2), IFsiNamedStreams, IEnumFsiItems.

Thin views on the nodes of :mod:`openimapi.fs.tree`; every change goes through the
owning FileSystemImage so that change points, size accounting and events stay right.
Paths are IMAPI paths ('\\dir\\file'); '/' is accepted too.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from openimapi import errors
from openimapi.enums import FsiFileSystems
from openimapi.errors import SuccessCode
from openimapi.fs import names as _names
from openimapi.fs.source import make_source
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node, check_name, split_path

if TYPE_CHECKING:
    from openimapi.fs.fsimage import FileSystemImage

__all__ = ["EnumFsiItems", "FsiDirectoryItem", "FsiFileItem", "FsiItem", "FsiNamedStreams", "FsiSymlinkItem"]


def wrap(fsi: FileSystemImage, node: Node) -> FsiItem:
    """The IMAPI view of a node."""
    if isinstance(node, DirNode):
        return FsiDirectoryItem(fsi, node)
    if isinstance(node, FileNode):
        return FsiFileItem(fsi, node)
    return FsiSymlinkItem(fsi, node)


class FsiItem:
    """IFsiItem: name, full path, times, hidden flag and per-file-system names."""

    __slots__ = ("_fsi", "_node")

    def __init__(self, fsi: FileSystemImage, node: Node) -> None:
        self._fsi = fsi
        self._node = node

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FsiItem) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.full_path!r}>"

    @property
    def name(self) -> str:
        """Name of the item (Name)."""
        return self._node.name

    @property
    def full_path(self) -> str:
        """Absolute path in the image, '\\a\\b' (FullPath)."""
        return self._node.path

    def _set_time(self, attr: str, value: _dt.datetime) -> None:
        if not isinstance(value, _dt.datetime):
            raise errors.IMAPI_E_INVALID_PARAM("a time must be a datetime")
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        self._fsi._set_attr(self._node, attr, value.astimezone(_dt.UTC))

    @property
    def creation_time(self) -> _dt.datetime:
        """Creation time (CreationTime)."""
        return self._node.ctime

    @creation_time.setter
    def creation_time(self, value: _dt.datetime) -> None:
        self._set_time("ctime", value)

    @property
    def last_accessed_time(self) -> _dt.datetime:
        """Last access time (LastAccessedTime)."""
        return self._node.atime

    @last_accessed_time.setter
    def last_accessed_time(self, value: _dt.datetime) -> None:
        self._set_time("atime", value)

    @property
    def last_modified_time(self) -> _dt.datetime:
        """Last modification time, recorded by every file system (LastModifiedTime)."""
        return self._node.mtime

    @last_modified_time.setter
    def last_modified_time(self, value: _dt.datetime) -> None:
        self._set_time("mtime", value)

    @property
    def is_hidden(self) -> bool:
        """Hidden flag: ISO 9660 existence bit, UDF hidden characteristic (IsHidden)."""
        return self._node.hidden

    @is_hidden.setter
    def is_hidden(self, value: bool) -> None:
        self._fsi._set_attr(self._node, "hidden", bool(value))

    def file_system_name(self, file_system: FsiFileSystems | int) -> str:
        """The name this item gets in one file system (FileSystemName).

        Raises:
            IMAPI_E_INVALID_PARAM: not exactly one of ISO9660, Joliet, UDF.
            IMAPI_E_NO_UNIQUE_NAME: no unique name can be made.
        """
        node = self._node
        parent = node.parent
        if parent is None:
            _one_fs(file_system)
            return ""
        fs = _one_fs(file_system)
        if fs == FsiFileSystems.FsiFileSystemISO9660:
            name = _names.iso_names(parent, self._fsi.iso9660_interchange_level,
                                    links=self._fsi.rock_ridge).get(node, "")
            return name[:-2].rstrip(".") if name.endswith(";1") else name
        if fs == FsiFileSystems.FsiFileSystemJoliet:
            return _names.joliet_names(parent).get(node, "")
        return _names.udf_names(parent).get(node, "")

    def file_system_path(self, file_system: FsiFileSystems | int) -> str:
        """The path this item gets in one file system (FileSystemPath).

        Raises:
            IMAPI_E_INVALID_PARAM: not exactly one of ISO9660, Joliet, UDF.
        """
        parts: list[str] = []
        node: Node | None = self._node
        while node is not None and node.parent is not None:
            parts.append(wrap(self._fsi, node).file_system_name(file_system))
            node = node.parent
        _one_fs(file_system)
        return "\\" + "\\".join(reversed(parts))


def _one_fs(file_system: FsiFileSystems | int) -> FsiFileSystems:
    try:
        fs = FsiFileSystems(int(file_system))
    except (ValueError, TypeError) as exc:
        raise errors.IMAPI_E_INVALID_PARAM(f"unknown file system {file_system!r}") from exc
    if fs not in (FsiFileSystems.FsiFileSystemISO9660, FsiFileSystems.FsiFileSystemJoliet,
                  FsiFileSystems.FsiFileSystemUDF):
        raise errors.IMAPI_E_INVALID_PARAM(f"{fs!r} is not exactly one file system")
    return fs


class FsiFileItem(FsiItem):
    """IFsiFileItem / IFsiFileItem2: a file, its data stream and its named streams."""

    __slots__ = ()

    _node: FileNode

    @property
    def data_size(self) -> int:
        """Length of the data in bytes (DataSize)."""
        return self._node.size

    @property
    def data_size32_bit_low(self) -> int:
        """Low 32 bits of the data size (DataSize32BitLow)."""
        return self._node.size & 0xFFFFFFFF

    @property
    def data_size32_bit_high(self) -> int:
        """High 32 bits of the data size (DataSize32BitHigh)."""
        return self._node.size >> 32

    @property
    def data(self) -> io.RawIOBase:
        """A fresh read-only stream of the file's data (Data)."""
        return self._node.source.open_stream()

    @data.setter
    def data(self, value: Any) -> None:
        if self._node.parent is not None or self._node in self._fsi._stream_nodes:
            raise errors.IMAPI_E_READONLY("the data of an item in the image cannot be replaced")
        if value is None:
            raise errors.E_POINTER("data must not be None")
        self._node.source = self._fsi._source_for(make_source(value))

    @property
    def is_named_stream(self) -> bool:
        """Whether this item is itself a named stream of a file (IsNamedStream)."""
        return self._node in self._fsi._stream_nodes

    @property
    def fsi_named_streams(self) -> FsiNamedStreams:
        """The named streams of the file (FsiNamedStreams).

        Raises:
            IMAPI_E_PROPERTY_NOT_ACCESSIBLE: on an item that is itself a named stream.
        """
        if self.is_named_stream:
            raise errors.IMAPI_E_PROPERTY_NOT_ACCESSIBLE("a named stream has no named streams")
        return FsiNamedStreams(self._fsi, self._node)

    def add_stream(self, name: str, stream_data: Any) -> SuccessCode:
        """Attach a named stream to the file (AddStream).

        Named streams belong to UDF 2.00 and later only; ISO 9660 and Joliet cannot hold
        them. This build does not write UDF stream directories, so it never accepts a stream
        it would then drop silently: with UDF 2.00+ selected it refuses the stream, and
        otherwise it keeps the stream in the object model and returns
        IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED as IMAPI does (the result image will not carry
        it). CreateResultImage refuses an image with UDF 2.00+ and named streams.

        Returns:
            SuccessCode.IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED: the stream was attached but the
            selected file systems will not record it.

        Raises:
            IMAPI_E_INVALID_PARAM: bad name; IMAPI_E_DUP_NAME: the stream exists;
            IMAPI_E_PROPERTY_NOT_ACCESSIBLE: on a named stream;
            IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED: UDF 2.00+ is selected, and writing
            named streams is not implemented.
        """
        if self.is_named_stream:
            raise errors.IMAPI_E_PROPERTY_NOT_ACCESSIBLE("a named stream cannot have named streams")
        try:
            check_name(name)
        except errors.IMAPI_E_INVALID_PATH as exc:
            raise errors.IMAPI_E_INVALID_PARAM(str(exc.message)) from exc
        if stream_data is None:
            raise errors.E_POINTER("stream data must not be None")
        streams = self._node.streams or {}
        if name in streams:
            raise errors.IMAPI_E_DUP_NAME(f"named stream {name!r} exists on {self.full_path}")
        if self._fsi._udf_streams_selected():
            raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(
                "named streams are not written by this build; UDF 2.00+ is selected")
        node = FileNode(name, self._fsi._source_for(make_source(stream_data)))
        self._fsi._add_stream(self._node, node)
        return SuccessCode.IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED

    def remove_stream(self, name: str) -> None:
        """Detach a named stream (RemoveStream).

        Raises:
            IMAPI_E_INVALID_PARAM: no stream of that name.
        """
        if not self._node.streams or name not in self._node.streams:
            raise errors.IMAPI_E_INVALID_PARAM(f"no named stream {name!r} on {self.full_path}")
        self._fsi._remove_stream(self._node, name)

    @property
    def is_real_time(self) -> bool:
        """UDF real-time attribute (IsRealTime).

        Raises:
            IMAPI_E_PROPERTY_NOT_ACCESSIBLE: on a named stream.
        """
        if self.is_named_stream:
            raise errors.IMAPI_E_PROPERTY_NOT_ACCESSIBLE("a named stream has no real-time attribute")
        return self._node.real_time

    @is_real_time.setter
    def is_real_time(self, value: bool) -> None:
        if self.is_named_stream:
            raise errors.IMAPI_E_PROPERTY_NOT_ACCESSIBLE("a named stream has no real-time attribute")
        self._fsi._set_attr(self._node, "real_time", bool(value))


class FsiSymlinkItem(FsiItem):
    """A symbolic link recorded by AddTree when Rock Ridge is on (an openimapi extension)."""

    __slots__ = ()

    _node: LinkNode

    @property
    def target(self) -> str:
        return self._node.target


class FsiDirectoryItem(FsiItem):
    """IFsiDirectoryItem / IFsiDirectoryItem2: a directory and the operations on its subtree."""

    __slots__ = ()

    _node: DirNode

    def _resolve(self, path: str) -> tuple[DirNode, str]:
        """(parent directory node, last name) of a relative path below this directory."""
        parts = split_path(path)
        if not parts:
            raise errors.IMAPI_E_INVALID_PATH(f"empty path {path!r}")
        node: Node = self._node
        for part in parts[:-1]:
            if not isinstance(node, DirNode):
                raise errors.IMAPI_E_INVALID_PATH(f"{node.path} is not a directory")
            found = node.children.get(part)
            if found is None:
                raise errors.IMAPI_E_INVALID_PATH(f"{path!r}: no directory {part!r}")
            node = found
        if not isinstance(node, DirNode):
            raise errors.IMAPI_E_INVALID_PATH(f"{node.path} is not a directory")
        return node, parts[-1]

    def _lookup(self, path: str) -> Node:
        parent, name = self._resolve(path)
        found = parent.children.get(name)
        if found is None:
            raise errors.IMAPI_E_ITEM_NOT_FOUND(f"{path!r} not found below {self.full_path}")
        return found

    def __iter__(self) -> Iterator[FsiItem]:
        """The children, a snapshot (_NewEnum)."""
        return iter([wrap(self._fsi, c) for c in self._node.children.values()])

    def __len__(self) -> int:
        return len(self._node.children)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self._lookup(path)
        except errors.ImapiError:
            return False
        return True

    def item(self, path: str) -> FsiItem:
        """The item at a path relative to this directory (Item).

        Raises:
            IMAPI_E_INVALID_PATH: malformed path; IMAPI_E_ITEM_NOT_FOUND: nothing there.
        """
        return wrap(self._fsi, self._lookup(path))

    @property
    def count(self) -> int:
        """Number of direct children (Count)."""
        return len(self._node.children)

    @property
    def enum_fsi_items(self) -> EnumFsiItems:
        """An IEnumFsiItems over the children (EnumFsiItems)."""
        return EnumFsiItems(list(self))

    def add_directory(self, path: str) -> FsiDirectoryItem:
        """Create an empty directory at a relative path (AddDirectory).

        Raises:
            IMAPI_E_INVALID_PATH: bad path or missing parent; IMAPI_E_DUP_NAME: exists.
        """
        parent, name = self._resolve(path)
        node = DirNode(name)
        self._fsi._attach(parent, node)
        return FsiDirectoryItem(self._fsi, node)

    def add_file(self, path: str, file_data: Any) -> FsiFileItem:
        """Add a file at a relative path with data from bytes, a path or a stream (AddFile).

        Raises:
            E_POINTER: no data; IMAPI_E_INVALID_PATH: bad path; IMAPI_E_DUP_NAME: exists;
            IMAPI_E_IMAGE_SIZE_LIMIT: the image would exceed FreeMediaBlocks.
        """
        if file_data is None:
            raise errors.E_POINTER("file data must not be None")
        parent, name = self._resolve(path)
        node = FileNode(name, self._fsi._source_for(make_source(file_data)))
        self._fsi._attach(parent, node)
        return FsiFileItem(self._fsi, node)

    def add(self, item: FsiItem) -> None:
        """Insert an item made by CreateFileItem/CreateDirectoryItem (Add).

        Raises:
            E_POINTER: None; IMAPI_E_NOT_IN_FILE_SYSTEM: made by another image;
            IMAPI_E_INVALID_PARAM: already in a tree; IMAPI_E_DUP_NAME: name taken.
        """
        if item is None:
            raise errors.E_POINTER("item must not be None")
        if not isinstance(item, FsiItem) or item._fsi is not self._fsi:
            raise errors.IMAPI_E_NOT_IN_FILE_SYSTEM("the item belongs to another file system image")
        if item._node.parent is not None or item._node is self._fsi._root:
            raise errors.IMAPI_E_INVALID_PARAM(f"{item.full_path} is already in the image")
        if isinstance(item._node, DirNode):
            node: Node | None = self._node
            while node is not None:
                if node is item._node:
                    raise errors.IMAPI_E_INVALID_PARAM("a directory cannot be added below itself")
                node = node.parent
        self._fsi._attach(self._node, item._node)

    def add_tree(self, source_directory: str, include_base_directory: bool, *,
                 follow_symlinks: bool = False) -> None:
        """Add a host directory tree (AddTree); atomic: on error nothing is added.

        Symbolic links become Rock Ridge links (or are skipped with a note when Rock
        Ridge is off); they are followed only with ``follow_symlinks`` and never in a loop.
        Sockets, devices and FIFOs are skipped with a note in the Update events.

        Raises:
            IMAPI_E_DIR_NOT_FOUND: not a directory; IMAPI_E_DIRECTORY_READ_FAILURE /
            IMAPI_E_DATA_STREAM_CREATE_FAILURE: a directory or file cannot be read (named
            in the message); IMAPI_E_DUP_NAME: the base name exists here;
            IMAPI_E_IMAGE_SIZE_LIMIT: the image would exceed FreeMediaBlocks.
        """
        from openimapi.fs.hosttree import scan_tree

        nodes = scan_tree(self._fsi, source_directory, include_base_directory, follow_symlinks)
        self._fsi._attach_many(self._node, nodes)

    def add_tree_with_named_streams(self, source_directory: str, include_base_directory: bool) -> None:
        """AddTreeWithNamedStreams: Linux files have no alternate data streams, so this is
        AddTree (extended attributes are not carried over)."""
        self.add_tree(source_directory, include_base_directory)

    def remove(self, path: str) -> None:
        """Delete one item; a directory must be empty (Remove).

        Raises:
            IMAPI_E_INVALID_PATH: bad path; IMAPI_E_ITEM_NOT_FOUND: nothing there;
            IMAPI_E_DIR_NOT_EMPTY: a directory with children.
        """
        node = self._lookup(path)
        if isinstance(node, DirNode) and node.children:
            raise errors.IMAPI_E_DIR_NOT_EMPTY(f"{node.path} is not empty")
        assert node.parent is not None
        self._fsi._detach(node.parent, node)

    def remove_tree(self, path: str) -> None:
        """Delete a directory and everything below it (RemoveTree).

        Raises:
            IMAPI_E_INVALID_PATH: bad path; IMAPI_E_DIR_NOT_FOUND: nothing there;
            IMAPI_E_NOT_DIR: a file.
        """
        try:
            node = self._lookup(path)
        except errors.IMAPI_E_ITEM_NOT_FOUND as exc:
            raise errors.IMAPI_E_DIR_NOT_FOUND(str(exc.message)) from exc
        if not isinstance(node, DirNode):
            raise errors.IMAPI_E_NOT_DIR(f"{node.path} is not a directory")
        assert node.parent is not None
        self._fsi._detach(node.parent, node)


class FsiNamedStreams:
    """IFsiNamedStreams: the read-only collection of a file's named streams."""

    __slots__ = ("_fsi", "_node")

    def __init__(self, fsi: FileSystemImage, node: FileNode) -> None:
        self._fsi = fsi
        self._node = node

    def _items(self) -> list[FsiFileItem]:
        streams = self._node.streams or {}
        return [FsiFileItem(self._fsi, streams[k]) for k in sorted(streams)]

    def __iter__(self) -> Iterator[FsiFileItem]:
        """Snapshot of the streams (_NewEnum)."""
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._node.streams or {})

    def item(self, index: int) -> FsiFileItem:
        """The stream at a zero-based index (Item).

        Raises:
            IMAPI_E_INVALID_PARAM: index out of range.
        """
        items = self._items()
        if not isinstance(index, int) or not 0 <= index < len(items):
            raise errors.IMAPI_E_INVALID_PARAM(f"no named stream at index {index!r}")
        return items[index]

    @property
    def count(self) -> int:
        """Number of named streams (Count)."""
        return len(self)

    @property
    def enum_named_streams(self) -> EnumFsiItems:
        """An IEnumFsiItems over the streams (EnumNamedStreams)."""
        return EnumFsiItems(list(self._items()))


class EnumFsiItems:
    """IEnumFsiItems: a COM-style enumerator (Next/Skip/Reset/Clone), also a Python iterator."""

    __slots__ = ("_items", "_pos")

    def __init__(self, items: list[Any], pos: int = 0) -> None:
        self._items = items
        self._pos = pos

    def next(self, celt: int = 1) -> list[Any]:
        """Up to ``celt`` further items (Next); fewer at the end.

        Raises:
            E_INVALIDARG: a negative count.
        """
        if celt < 0:
            raise errors.E_INVALIDARG("celt must not be negative")
        out = self._items[self._pos : self._pos + celt]
        self._pos += len(out)
        return out

    def skip(self, celt: int) -> bool:
        """Skip ``celt`` items (Skip); False (S_FALSE) when fewer were left."""
        left = len(self._items) - self._pos
        self._pos += min(celt, left)
        return celt <= left

    def reset(self) -> None:
        """Rewind (Reset)."""
        self._pos = 0

    def clone(self) -> EnumFsiItems:
        """A copy with the same position (Clone)."""
        return type(self)(self._items, self._pos)

    def __iter__(self) -> EnumFsiItems:
        return self

    def __next__(self) -> Any:
        got = self.next(1)
        if not got:
            raise StopIteration
        return got[0]
