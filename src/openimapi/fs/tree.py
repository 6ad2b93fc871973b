"""The format-neutral tree: directories, files and symbolic links with POSIX attributes.

Every file system writer (ISO 9660, Joliet, UDF, Rock Ridge) derives its own names and
layout from this tree; the IMAPI objects (FsiDirectoryItem, FsiFileItem) are thin views
on its nodes. Nodes use ``__slots__``: a tree of 50,000 files must stay small.
"""

from __future__ import annotations

import datetime as _dt
import re
import stat
from collections.abc import Iterator

from openimapi import errors
from openimapi.fs.source import BytesSource, Source

__all__ = ["DirNode", "FileNode", "LinkNode", "Node", "check_name", "now", "split_path"]

_EMPTY = BytesSource(b"", "<empty>")
# Characters no name may hold: the path separators of IMAPI ('\\' and '/') and NUL.
_BAD_CHARS = re.compile(r"[\x00-\x1f\\/]")
MAX_NAME = 255


def now() -> _dt.datetime:
    """The current time, UTC, to the second (what the file systems record)."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def check_name(name: str) -> str:
    """Validate one path component.

    Raises:
        IMAPI_E_INVALID_PARAM: not a string.
        IMAPI_E_INVALID_PATH: empty, ".", "..", too long, or holding '/', '\\', NUL or a
            control character.
    """
    if not isinstance(name, str):
        raise errors.IMAPI_E_INVALID_PARAM(f"a name must be a string, not {type(name).__name__}")
    if name in ("", ".", "..") or len(name) > MAX_NAME:
        raise errors.IMAPI_E_INVALID_PATH(f"invalid item name {name!r}")
    if _BAD_CHARS.search(name):
        raise errors.IMAPI_E_INVALID_PATH(f"item name {name!r} holds a separator or control character")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise errors.IMAPI_E_INVALID_PATH(f"item name {name!r} is not valid Unicode") from exc
    return name


def split_path(path: str) -> list[str]:
    """Split an image path ('\\a\\b', '/a/b' or 'a/b') into validated components.

    Raises:
        IMAPI_E_INVALID_PATH: an empty or invalid component.
    """
    if not isinstance(path, str):
        raise errors.IMAPI_E_INVALID_PARAM(f"a path must be a string, not {type(path).__name__}")
    parts = [p for p in path.replace("\\", "/").split("/") if p != ""]
    for part in parts:
        check_name(part)
    return parts


class Node:
    """Attributes common to every item (IFsiItem): name, times, hidden flag, POSIX attributes."""

    __slots__ = ("atime", "ctime", "gid", "hidden", "mode", "mtime", "name", "parent", "uid")

    def __init__(self, name: str, mode: int, when: _dt.datetime | None = None) -> None:
        when = when or now()
        self.name = name
        self.parent: DirNode | None = None
        self.ctime = self.mtime = self.atime = when
        self.hidden = False
        self.mode = mode
        self.uid = 0
        self.gid = 0

    @property
    def path(self) -> str:
        """IMAPI full path: '\\' for the root, '\\a\\b' below it."""
        parts: list[str] = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            parts.append(node.name)
            node = node.parent
        return "\\" + "\\".join(reversed(parts))

    @property
    def depth(self) -> int:
        """0 for the root, 1 for its children, ..."""
        depth, node = 0, self.parent
        while node is not None:
            depth, node = depth + 1, node.parent
        return depth

    def root(self) -> Node:
        node: Node = self
        while node.parent is not None:
            node = node.parent
        return node


class FileNode(Node):
    """A regular file: its data source and optional named streams (UDF 2.00+)."""

    __slots__ = ("real_time", "source", "streams")

    def __init__(self, name: str, source: Source | None = None, mode: int = stat.S_IFREG | 0o444,
                 when: _dt.datetime | None = None) -> None:
        super().__init__(name, mode, when)
        self.source: Source = source if source is not None else _EMPTY
        self.streams: dict[str, FileNode] | None = None
        self.real_time = False

    @property
    def size(self) -> int:
        return self.source.size


class LinkNode(Node):
    """A symbolic link (written as a Rock Ridge SL entry; invisible to the other namespaces)."""

    __slots__ = ("target",)

    def __init__(self, name: str, target: str, when: _dt.datetime | None = None) -> None:
        super().__init__(name, stat.S_IFLNK | 0o777, when)
        self.target = target


class DirNode(Node):
    """A directory: children by exact (case-sensitive) name."""

    __slots__ = ("children",)

    def __init__(self, name: str = "", mode: int = stat.S_IFDIR | 0o555, when: _dt.datetime | None = None) -> None:
        super().__init__(name, mode, when)
        self.children: dict[str, Node] = {}

    def attach(self, node: Node) -> None:
        """Make ``node`` a child.

        Raises:
            IMAPI_E_DUP_NAME: a child of that name exists.
        """
        if node.name in self.children:
            raise errors.IMAPI_E_DUP_NAME(f"{self.path.rstrip(chr(92))}\\{node.name} already exists")
        self.children[node.name] = node
        node.parent = self

    def detach(self, name: str) -> Node:
        node = self.children.pop(name)
        node.parent = None
        return node

    def walk(self) -> Iterator[Node]:
        """Every node below (not including) this directory, parents before children."""
        stack: list[DirNode] = [self]
        while stack:
            d = stack.pop()
            for child in d.children.values():
                yield child
                if isinstance(child, DirNode):
                    stack.append(child)

    def counts(self) -> tuple[int, int]:
        """(files, directories) below this directory."""
        files = dirs = 0
        for node in self.walk():
            if isinstance(node, DirNode):
                dirs += 1
            elif isinstance(node, FileNode):
                files += 1
        return files, dirs

    def height(self) -> int:
        """Directory levels below this one (0 for a directory without subdirectories)."""
        best = 0
        stack: list[tuple[DirNode, int]] = [(self, 0)]
        while stack:
            d, level = stack.pop()
            best = max(best, level)
            stack.extend((c, level + 1) for c in d.children.values() if isinstance(c, DirNode))
        return best
