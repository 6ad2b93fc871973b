"""Lays out a whole image: volume descriptors, every namespace, boot catalog and file data.

:func:`lay_out` runs the phases over all writers (reserve, place file data, emit) and
returns a :class:`Layout`: the extent map of a virtual image, ready to be read.

Block map (relative to the session start)::

    0-15    system area (zeros)
    16      primary volume descriptor            (ISO 9660 / Joliet)
    17      boot record                           (El Torito, if any)
    ..      Joliet supplementary descriptor, terminator
    ..      BEA01 NSR02/NSR03 TEA01               (UDF volume recognition)
    ..      UDF main/reserve volume descriptor sequences, integrity sequence
    256     UDF anchor volume descriptor pointer (never handed to anything else)
    ..      boot catalog, path tables, directories, Rock Ridge continuation areas,
            UDF file entries and directories, boot images, then file data
    last    UDF anchor volume descriptor pointer
"""

from __future__ import annotations

import importlib
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from openimapi import errors
from openimapi.fs.ecma119 import (
    JOLIET_ESCAPES,
    VD_PRIMARY,
    VD_SUPPLEMENTARY,
    DirectoryRecord,
    VolumeDescriptor,
    VolumeDescriptorSetTerminator,
)
from openimapi.fs.image import ExtentMap, FileExtent
from openimapi.fs.isowriter import NamespaceWriter
from openimapi.fs.plan import Options, Plan
from openimapi.fs.tree import DirNode, FileNode

__all__ = ["Layout", "iso_volume_id", "lay_out"]


@dataclass(frozen=True, slots=True)
class Layout:
    """A finished layout: the extent map and what the result object reports."""

    extents: ExtentMap
    total_blocks: int
    file_count: int
    directory_count: int


def iso_volume_id(name: str) -> str:
    """The ISO 9660 volume identifier: at most 32 d-characters."""
    from openimapi.fs.names import _d_chars

    return _d_chars(name)[:32]


def _data_order(root: DirNode) -> list[tuple[FileNode, str]]:
    """(file, IMAPI path) in breadth-first order, each directory's children by name."""
    order: list[tuple[FileNode, str]] = []
    queue: deque[tuple[DirNode, str]] = deque([(root, "")])
    while queue:
        d, prefix = queue.popleft()
        for name in sorted(d.children):
            child = d.children[name]
            if isinstance(child, DirNode):
                queue.append((child, f"{prefix}\\{name}"))
            elif isinstance(child, FileNode):
                order.append((child, f"{prefix}\\{name}"))
    return order


def lay_out(root: DirNode, options: Options) -> Layout:
    """Lay out the tree under ``root`` as an image with the file systems of ``options``.

    Raises:
        IMAPI_E_NO_OUTPUT: no file system selected.
        IMAPI_E_DATA_TOO_BIG, IMAPI_E_TOO_MANY_DIRS, IMAPI_E_ISO9660_LEVELS,
        IMAPI_E_NO_UNIQUE_NAME: the tree does not fit the chosen file systems.
    """
    if not (options.iso9660 or options.joliet or options.udf):
        raise errors.IMAPI_E_NO_OUTPUT("no file system selected to create")
    plan = Plan(root, options)
    ecma119 = options.iso9660 or options.joliet
    vd_blocks: list[tuple[int, str]] = []  # (block, kind) of the volume descriptor set
    block = 16
    if ecma119:
        vd_blocks.append((block, "pvd"))
        block += 1
        if options.boot:
            vd_blocks.append((block, "boot"))
            block += 1
        if options.joliet:
            vd_blocks.append((block, "joliet"))
            block += 1
        vd_blocks.append((block, "terminator"))
        block += 1
    plan.take_at(0, block)
    udf: _UdfWriter | None = None
    if options.udf:
        udf = _udf_writer(plan)
        udf.reserve_descriptors()
    boot = None
    if options.boot:
        from openimapi.fs.eltorito import BootWriter

        boot = BootWriter(plan)
        boot.reserve()
    iso = NamespaceWriter(plan, joliet=False) if ecma119 else None
    joliet = NamespaceWriter(plan, joliet=True) if options.joliet else None
    for writer in (iso, joliet):
        if writer is not None:
            writer.reserve()
    if udf is not None:
        udf.reserve_tree()
    files = _data_order(root)
    for node, path in files:
        source = node.source
        disc_location = getattr(source, "disc_location", None)
        if disc_location is not None:
            plan.file_location[node] = disc_location
            continue
        count = -(-source.size // 2048)
        start = plan.take(count)
        plan.file_location[node] = plan.lba(start)
        if count:
            plan.extents.add(start, count, FileExtent(source), path)
    if udf is not None:
        udf.reserve_tail()
    total = plan.next
    if boot is not None:
        boot.emit()
    for writer in (iso, joliet):
        if writer is not None:
            writer.emit()
    if udf is not None:
        udf.emit(total)
    for blk, kind in vd_blocks:
        if kind == "terminator":
            plan.put(blk, VolumeDescriptorSetTerminator().to_bytes())
        elif kind == "boot" and boot is not None:
            plan.put(blk, boot.boot_record())
        else:
            writer = iso if kind == "pvd" else joliet
            assert writer is not None
            plan.put(blk, _volume_descriptor(plan, writer, total, kind == "joliet"))
    plan.extents.finish(total)
    n_files, n_dirs = root.counts()
    return Layout(plan.extents, total, n_files, n_dirs)


class _UdfWriter(Protocol):
    def reserve_descriptors(self) -> None: ...
    def reserve_tree(self) -> None: ...
    def reserve_tail(self) -> None: ...
    def emit(self, total: int) -> None: ...


def _udf_writer(plan: Plan) -> _UdfWriter:
    """The UDF writer (openimapi.fs.udfwriter), when this build has it.

    Raises:
        IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED: UDF writing is not available yet.
    """
    try:
        module = importlib.import_module("openimapi.fs.udfwriter")
    except ModuleNotFoundError as exc:
        raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED("UDF writing is not available in this build") from exc
    writer: _UdfWriter = module.UdfWriter(plan)
    return writer


def _volume_descriptor(plan: Plan, writer: NamespaceWriter, total: int, joliet: bool) -> bytes:
    opts = plan.options
    root = DirectoryRecord.from_bytes(writer.root_record())
    name = opts.volume_name
    return VolumeDescriptor(
        vd_type=VD_SUPPLEMENTARY if joliet else VD_PRIMARY,
        volume_id=name[:16] if joliet else iso_volume_id(name),
        space_size=plan.lba(total),
        path_table_size=writer.path_table_size,
        l_path_table=plan.lba(writer.l_table),
        m_path_table=plan.lba(writer.m_table),
        root=root,
        created=opts.created,
        modified=opts.created,
        effective=opts.created,
        escapes=JOLIET_ESCAPES[2] if joliet else b"",
    ).to_bytes()

