"""Scanning a host directory for AddTree: safe with links, loops and special files.

* Symbolic links are recorded as links (when Rock Ridge is on) or skipped with a note;
  they are followed only when asked, and then never into a directory already on the
  current path (no loops).
* Sockets, FIFOs and devices are skipped with a note (an Update event).
* An unreadable file or directory fails the whole AddTree, naming it.
* Names that are not valid in an image (holding '\\', or undecodable bytes) are skipped
  with a note.
"""

from __future__ import annotations

import datetime as _dt
import os
import stat
from typing import TYPE_CHECKING

from openimapi import errors
from openimapi.fs.source import PathSource
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node, check_name

if TYPE_CHECKING:
    from openimapi.fs.fsimage import FileSystemImage

__all__ = ["scan_tree"]


_STAMPS: dict[int, _dt.datetime] = {}


def _stamp(seconds: float) -> _dt.datetime:
    key = int(seconds)
    found = _STAMPS.get(key)
    if found is None:
        if len(_STAMPS) > 65536:
            _STAMPS.clear()
        found = _STAMPS[key] = _dt.datetime.fromtimestamp(key, _dt.UTC)
    return found


def _times(node: Node, st: os.stat_result) -> None:
    node.mtime = _stamp(st.st_mtime)
    node.atime = _stamp(st.st_atime)
    node.ctime = _stamp(st.st_ctime)
    node.uid = st.st_uid
    node.gid = st.st_gid


def scan_tree(fsi: FileSystemImage, source_directory: str, include_base: bool, follow_symlinks: bool) -> list[Node]:
    """Build detached nodes for a host tree; returns the nodes to attach to the target.

    Raises:
        IMAPI_E_DIR_NOT_FOUND: ``source_directory`` is not a directory.
        IMAPI_E_DIRECTORY_READ_FAILURE: a directory cannot be listed (named).
        IMAPI_E_DATA_STREAM_CREATE_FAILURE: a file cannot be opened for reading (named).
    """
    path = os.fspath(source_directory)
    try:
        top = os.stat(path)
    except OSError as exc:
        raise errors.IMAPI_E_DIR_NOT_FOUND(f"{path!r}: {exc.strerror}") from exc
    if not stat.S_ISDIR(top.st_mode):
        raise errors.IMAPI_E_DIR_NOT_FOUND(f"{path!r} is not a directory")
    rock_ridge = fsi.rock_ridge
    restricted = fsi.use_restricted_character_set
    base = DirNode(check_name(os.path.basename(os.path.normpath(path)) or "root") if include_base else "root")
    _times(base, top)
    base.mode = top.st_mode
    # stack of (host path, node, ancestors' (dev, ino))
    stack: list[tuple[str, DirNode, frozenset[tuple[int, int]]]] = [
        (path, base, frozenset({(top.st_dev, top.st_ino)}))
    ]
    stage = fsi.stage_files
    check_access = os.geteuid() != 0  # root reads everything: no need to ask
    while stack:
        host, parent, ancestors = stack.pop()
        try:
            with os.scandir(host) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise errors.IMAPI_E_DIRECTORY_READ_FAILURE(f"cannot read directory {host!r}: {exc.strerror}") from exc
        for entry in entries:
            full = entry.path
            name = entry.name
            try:
                if "\\" in name or name != name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"):
                    raise errors.IMAPI_E_INVALID_PATH(name)
                check_name(name)
                if restricted and any(not 32 <= ord(c) < 128 for c in name):
                    raise errors.IMAPI_E_RESTRICTED_NAME_VIOLATION(name)
            except errors.ImapiError:
                fsi._note(full, "skipped: the name cannot be recorded in an image")
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                raise errors.IMAPI_E_DIRECTORY_READ_FAILURE(f"cannot stat {full!r}: {exc.strerror}") from exc
            if stat.S_ISLNK(st.st_mode):
                if follow_symlinks:
                    try:
                        st = os.stat(full)
                    except OSError:
                        fsi._note(full, "skipped: dangling symbolic link")
                        continue
                    if (st.st_dev, st.st_ino) in ancestors:
                        fsi._note(full, "skipped: symbolic link loops back to an enclosing directory")
                        continue
                else:
                    if rock_ridge:
                        link = LinkNode(name, os.readlink(full), _stamp(st.st_mtime))
                        _times(link, st)
                        parent.attach(link)
                    else:
                        fsi._note(full, "skipped: symbolic link (switch on rock_ridge to record links)")
                    continue
            if stat.S_ISDIR(st.st_mode):
                node = DirNode(name, st.st_mode, _stamp(st.st_mtime))
                _times(node, st)
                parent.attach(node)
                stack.append((full, node, ancestors | {(st.st_dev, st.st_ino)}))
            elif stat.S_ISREG(st.st_mode):
                if check_access and not os.access(full, os.R_OK):
                    raise errors.IMAPI_E_DATA_STREAM_CREATE_FAILURE(f"cannot read file {full!r}: permission denied")
                source = fsi._source_for(PathSource(full, st.st_size)) if stage else PathSource(full, st.st_size)
                file_node = FileNode(name, source, st.st_mode, _stamp(st.st_mtime))
                _times(file_node, st)
                parent.attach(file_node)
                fsi._fire_update(full, 0, -(-st.st_size // 2048))
            else:
                fsi._note(full, "skipped: special file (device, socket or FIFO)")
    if include_base:
        return [base]
    nodes = list(base.children.values())
    for n in nodes:
        n.parent = None
    return nodes
