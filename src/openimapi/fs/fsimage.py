"""IFileSystemImage / IFileSystemImage2 / IFileSystemImage3: the image builder.

Build a tree (``root.add_file``, ``root.add_tree``, ...), choose the file systems and
call :meth:`FileSystemImage.create_result_image`; the result's ``image_stream`` is a
virtual, random-access image. openimapi extensions are ``rock_ridge`` (POSIX modes,
owners, long names, symbolic links on the ISO 9660 hierarchy), ``skipped_items`` (what
AddTree left out, and why) and ``advise``/``unadvise`` for the event sinks.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from typing import Any, Protocol, runtime_checkable

from openimapi import errors
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as MT
from openimapi.enums import FsiFileSystems, FsiItemType
from openimapi.fs import multisession as _ms
from openimapi.fs.boot import BootOptions
from openimapi.fs.items import FsiDirectoryItem, FsiFileItem, FsiItem
from openimapi.fs.layout import iso_volume_id, lay_out
from openimapi.fs.names import ISO_MAX_DEPTH
from openimapi.fs.plan import BootEntry, Options
from openimapi.fs.result import FileSystemImageResult
from openimapi.fs.source import Source, stage
from openimapi.fs.tree import DirNode, FileNode, Node, check_name, split_path

__all__ = ["DFileSystemImageEvents", "DFileSystemImageImportEvents", "FileSystemImage"]

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF
SUPPORTED = ISO | JOLIET | UDF
UDF_REVISIONS = (0x102, 0x150, 0x200, 0x201, 0x250, 0x260)
ISO_LEVELS = (1, 2, 3)

# (file systems, UDF revision, capacity in blocks) per media type, for ChooseImageDefaultsForMediaType
_DEFAULTS: dict[int, tuple[FsiFileSystems, int, int]] = {
    MT.IMAPI_MEDIA_TYPE_CDROM: (ISO | JOLIET, 0x102, 359_847),
    MT.IMAPI_MEDIA_TYPE_CDR: (ISO | JOLIET, 0x102, 359_847),
    MT.IMAPI_MEDIA_TYPE_CDRW: (ISO | JOLIET, 0x102, 359_847),
    MT.IMAPI_MEDIA_TYPE_DVDROM: (ISO | JOLIET | UDF, 0x102, 2_295_104),
    MT.IMAPI_MEDIA_TYPE_DVDRAM: (UDF, 0x200, 2_236_704),
    MT.IMAPI_MEDIA_TYPE_DVDPLUSR: (ISO | JOLIET | UDF, 0x102, 2_295_104),
    MT.IMAPI_MEDIA_TYPE_DVDPLUSRW: (ISO | JOLIET | UDF, 0x102, 2_295_104),
    MT.IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER: (ISO | JOLIET | UDF, 0x102, 4_173_824),
    MT.IMAPI_MEDIA_TYPE_DVDDASHR: (ISO | JOLIET | UDF, 0x102, 2_298_496),
    MT.IMAPI_MEDIA_TYPE_DVDDASHRW: (ISO | JOLIET | UDF, 0x102, 2_298_496),
    MT.IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER: (ISO | JOLIET | UDF, 0x102, 4_171_712),
    MT.IMAPI_MEDIA_TYPE_DISK: (ISO | JOLIET | UDF, 0x102, 0),
    MT.IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER: (ISO | JOLIET | UDF, 0x102, 4_173_824),
    MT.IMAPI_MEDIA_TYPE_HDDVDROM: (UDF, 0x250, 7_307_264),
    MT.IMAPI_MEDIA_TYPE_HDDVDR: (UDF, 0x250, 7_307_264),
    MT.IMAPI_MEDIA_TYPE_HDDVDRAM: (UDF, 0x250, 9_842_112),
    MT.IMAPI_MEDIA_TYPE_BDROM: (UDF, 0x250, 12_219_392),
    MT.IMAPI_MEDIA_TYPE_BDR: (UDF, 0x250, 12_219_392),
    MT.IMAPI_MEDIA_TYPE_BDRE: (UDF, 0x250, 11_826_176),
}


@runtime_checkable
class DFileSystemImageEvents(Protocol):
    """Event sink (DFileSystemImageEvents): called for each file added or staged."""

    def update(self, sender: Any, current_file: str, copied_sectors: int, total_sectors: int) -> None: ...


@runtime_checkable
class DFileSystemImageImportEvents(Protocol):
    """Event sink (DFileSystemImageImportEvents): called while a previous session is imported."""

    def update_import(self, sender: Any, file_system: FsiFileSystems, current_item: str,
                      imported_directory_items: int, total_directory_items: int,
                      imported_file_items: int, total_file_items: int) -> None: ...


def _blocks(size: int) -> int:
    return -(-size // 2048)


class FileSystemImage:
    """MsftFileSystemImage: IFileSystemImage, IFileSystemImage2, IFileSystemImage3."""

    def __init__(self) -> None:
        self._root = DirNode("")
        self._file_systems = ISO | JOLIET
        self._iso_level = 2
        self._udf_revision = 0x102
        self._volume_name = _dt.datetime.now().strftime("%m_%d_%Y")
        self._free_media_blocks = 0
        self._session_start = 0
        self._strict = False
        self._restricted = False
        self._working_directory = tempfile.gettempdir()
        self._stage = False
        self._boot: list[BootOptions] = []
        self._multisession: list[Any] = []
        self._imported: _ms.ImportedSession | None = None
        self._log: list[tuple[Any, ...]] = []
        self._locked = 0
        self._stream_nodes: set[FileNode] = set()
        self._sinks: dict[int, Any] = {}
        self._next_cookie = 1
        self._notes: list[tuple[str, str]] = []
        self._data_blocks = 0
        self._files = 0
        self._dirs = 0
        self._redundant_udf = False
        self.rock_ridge = False

    # ----- tree accounting and change log (used by the items) -----------------------------

    def _in_image(self, node: Node) -> bool:
        return node.root() is self._root

    @staticmethod
    def _stats(node: Node) -> tuple[int, int, int]:
        nodes = [node, *node.walk()] if isinstance(node, DirNode) else [node]
        files = dirs = blocks = 0
        for n in nodes:
            if isinstance(n, DirNode):
                dirs += 1
            elif isinstance(n, FileNode):
                files += 1
                if getattr(n.source, "disc_location", None) is None:
                    blocks += _blocks(n.size)
                for s in (n.streams or {}).values():
                    blocks += _blocks(s.size)
        return files, dirs, blocks

    def _check_names(self, node: Node, parent: DirNode) -> None:
        nodes = [node, *node.walk()] if isinstance(node, DirNode) else [node]
        if self._restricted:
            for n in nodes:
                if any(not 32 <= ord(c) < 128 for c in n.name):
                    raise errors.IMAPI_E_RESTRICTED_NAME_VIOLATION(f"{n.name!r} is outside code points 32-127")
        if self._strict and self._file_systems & ISO:
            height = node.height() if isinstance(node, DirNode) else 0
            if isinstance(node, DirNode) and parent.depth + 1 + height >= ISO_MAX_DEPTH:
                raise errors.IMAPI_E_ISO9660_LEVELS("the tree would be deeper than 8 ISO 9660 levels")

    def _attach(self, parent: DirNode, node: Node) -> None:
        self._attach_many(parent, [node])

    def _attach_many(self, parent: DirNode, nodes: list[Node]) -> None:
        seen: set[str] = set()
        for node in nodes:
            if node.name in parent.children or node.name in seen:
                raise errors.IMAPI_E_DUP_NAME(f"{parent.path.rstrip(chr(92))}\\{node.name} already exists")
            seen.add(node.name)
            self._check_names(node, parent)
        if self._in_image(parent):
            files = dirs = blocks = 0
            for node in nodes:
                f, d, b = self._stats(node)
                files, dirs, blocks = files + f, dirs + d, blocks + b
            if self._free_media_blocks and self._estimate(files, dirs, blocks) > self._free_media_blocks:
                raise errors.IMAPI_E_IMAGE_SIZE_LIMIT(
                    f"adding {files} files of {blocks} blocks exceeds FreeMediaBlocks ({self._free_media_blocks})")
            self._files += files
            self._dirs += dirs
            self._data_blocks += blocks
        for node in nodes:
            parent.attach(node)
            self._log.append(("attach", parent, node))

    def _detach(self, parent: DirNode, node: Node) -> None:
        if self._in_image(parent):
            f, d, b = self._stats(node)
            self._files, self._dirs, self._data_blocks = self._files - f, self._dirs - d, self._data_blocks - b
        parent.detach(node.name)
        self._log.append(("detach", parent, node))

    def _set_attr(self, node: Node, attr: str, value: Any) -> None:
        self._log.append(("attr", node, attr, getattr(node, attr)))
        setattr(node, attr, value)

    def _add_stream(self, file: FileNode, stream: FileNode) -> None:
        if file.streams is None:
            file.streams = {}
        file.streams[stream.name] = stream
        self._stream_nodes.add(stream)
        if self._in_image(file):
            self._data_blocks += _blocks(stream.size)
        self._log.append(("stream+", file, stream))

    def _udf_streams_selected(self) -> bool:
        """Whether the selected file systems include UDF 2.00+, the only one with named streams."""
        return bool(self._file_systems & UDF) and self._udf_revision >= 0x200

    def _check_no_streams(self) -> None:
        if not self._udf_streams_selected():
            return
        for node in self._root.walk():
            if isinstance(node, FileNode) and node.streams:
                raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(
                    f"{node.name!r} has named streams, which this build does not write to UDF")

    def _remove_stream(self, file: FileNode, name: str) -> None:
        assert file.streams is not None
        stream = file.streams.pop(name)
        if self._in_image(file):
            self._data_blocks -= _blocks(stream.size)
        self._log.append(("stream-", file, stream))

    def _source_for(self, source: Source) -> Source:
        """Stage the source when StageFiles is on."""
        if self._stage:
            staged = stage(source, self._working_directory)
            self._fire_update(source.description, _blocks(source.size), _blocks(source.size))
            return staged
        return source

    def _note(self, path: str, reason: str) -> None:
        self._notes.append((path, reason))
        self._fire_update(f"{path} ({reason})", 0, 0)

    def _fire_update(self, current: str, copied: int, total: int) -> None:
        for sink in list(self._sinks.values()):
            update = getattr(sink, "update", None)
            if update is not None:
                update(self, current, copied, total)

    def _fire_import(self, fs: FsiFileSystems, item: str, dirs: int, total_dirs: int, files: int,
                     total_files: int) -> None:
        for sink in list(self._sinks.values()):
            update = getattr(sink, "update_import", None)
            if update is not None:
                update(self, fs, item, dirs, total_dirs, files, total_files)

    def _estimate(self, extra_files: int = 0, extra_dirs: int = 0, extra_blocks: int = 0) -> int:
        files = self._files + extra_files
        dirs = self._dirs + extra_dirs + 1
        entries = files + dirs
        meta = 20
        fs = self._file_systems
        for bit in (ISO, JOLIET):
            if fs & bit:
                meta += 2 * _blocks(entries * 10) + dirs + _blocks(entries * 64)
        if fs & UDF:
            meta += 260 + 2 * dirs + files + _blocks(entries * 60)
        for boot in self._boot:
            meta += 1 + _blocks(boot.image_size)
        return meta + self._data_blocks + extra_blocks

    # ----- events -------------------------------------------------------------------------

    def advise(self, sink: Any) -> int:
        """Connect an event sink (update / update_import methods); returns a cookie.

        Raises:
            E_POINTER: None.
        """
        if sink is None:
            raise errors.E_POINTER("sink must not be None")
        cookie = self._next_cookie
        self._next_cookie += 1
        self._sinks[cookie] = sink
        return cookie

    def unadvise(self, cookie: int) -> None:
        """Disconnect a sink. Raises: E_INVALIDARG for an unknown cookie."""
        if self._sinks.pop(cookie, None) is None:
            raise errors.E_INVALIDARG(f"no sink with cookie {cookie}")

    @property
    def skipped_items(self) -> list[tuple[str, str]]:
        """(host path, reason) of everything AddTree skipped (an openimapi extension)."""
        return list(self._notes)

    # ----- IFileSystemImage properties ----------------------------------------------------

    @property
    def root(self) -> FsiDirectoryItem:
        """The root directory (Root)."""
        return FsiDirectoryItem(self, self._root)

    @property
    def session_start_block(self) -> int:
        """First block of the session being built (SessionStartBlock)."""
        return self._session_start

    @session_start_block.setter
    def session_start_block(self, value: int) -> None:
        if not isinstance(value, int) or value < 0:
            raise errors.IMAPI_E_INVALID_PARAM(f"invalid session start block {value!r}")
        self._session_start = value

    @property
    def free_media_blocks(self) -> int:
        """Block budget of the image, 0 for no limit (FreeMediaBlocks)."""
        return self._free_media_blocks

    @free_media_blocks.setter
    def free_media_blocks(self, value: int) -> None:
        if not isinstance(value, int) or value < 0:
            raise errors.IMAPI_E_INVALID_PARAM(f"invalid block count {value!r}")
        if value and self._estimate() > value:
            raise errors.IMAPI_E_IMAGE_TOO_BIG(f"the image already needs about {self._estimate()} blocks")
        self._free_media_blocks = value

    def set_max_media_blocks_from_device(self, disc_recorder: Any) -> None:
        """Set FreeMediaBlocks from the medium in a recorder (SetMaxMediaBlocksFromDevice).

        Raises:
            E_POINTER: None; IMAPI_E_FSI_INTERNAL_ERROR: the capacity cannot be read.
        """
        if disc_recorder is None:
            raise errors.E_POINTER("recorder must not be None")
        info = _ms.media_info(disc_recorder)
        if info is None:
            raise errors.IMAPI_E_FSI_INTERNAL_ERROR("cannot read the capacity of the medium")
        self.free_media_blocks = info[1]

    @property
    def used_blocks(self) -> int:
        """Estimated number of blocks of the image (UsedBlocks)."""
        return self._estimate()

    @property
    def volume_name(self) -> str:
        """Volume label for every file system (VolumeName)."""
        return self._volume_name

    @volume_name.setter
    def volume_name(self, value: str) -> None:
        if not isinstance(value, str) or len(value) > 32 or any(ord(c) < 32 or c in "\\/*?" for c in value):
            raise errors.IMAPI_E_INVALID_VOLUME_NAME(f"invalid volume name {value!r}")
        self._volume_name = value

    @property
    def imported_volume_name(self) -> str | None:
        """Volume label of the imported session, None before an import (ImportedVolumeName)."""
        return None if self._imported is None else self._imported.volume_name

    @property
    def volume_name_udf(self) -> str:
        """The label as written to UDF (VolumeNameUDF)."""
        return self._volume_name

    @property
    def volume_name_joliet(self) -> str:
        """The label as written to Joliet: 16 characters (VolumeNameJoliet)."""
        return self._volume_name[:16]

    @property
    def volume_name_iso9660(self) -> str:
        """The label as written to ISO 9660: 32 d-characters (VolumeNameISO9660)."""
        return iso_volume_id(self._volume_name)

    @property
    def boot_image_options(self) -> BootOptions | None:
        """The single boot entry, or None (BootImageOptions)."""
        return self._boot[0] if self._boot else None

    @boot_image_options.setter
    def boot_image_options(self, value: BootOptions | None) -> None:
        self.boot_image_options_array = [] if value is None else [value]

    @property
    def boot_image_options_array(self) -> list[BootOptions]:
        """All boot entries: BIOS and UEFI together (BootImageOptionsArray)."""
        return list(self._boot)

    @boot_image_options_array.setter
    def boot_image_options_array(self, value: list[BootOptions]) -> None:
        entries = list(value or [])
        for entry in entries:
            if not isinstance(entry, BootOptions):
                raise errors.E_NOINTERFACE("boot entries must be BootOptions")
            if entry.source is None:
                raise errors.IMAPI_E_BOOT_IMAGE_DATA("a boot entry has no boot image")
        if entries and self._imported is not None:
            raise errors.IMAPI_E_BOOT_OBJECT_CONFLICT("a boot image is only allowed in the first session")
        self._boot = entries

    @property
    def file_count(self) -> int:
        """Number of files in the image (FileCount)."""
        return self._files

    @property
    def directory_count(self) -> int:
        """Number of directories below the root (DirectoryCount)."""
        return self._dirs

    @property
    def working_directory(self) -> str:
        """Host directory for staged copies (WorkingDirectory)."""
        return self._working_directory

    @working_directory.setter
    def working_directory(self, value: str) -> None:
        if not isinstance(value, str | os.PathLike) or not os.fspath(value):
            raise errors.IMAPI_E_INVALID_PARAM("the working directory must be a path")
        path = os.fspath(value)
        if not os.path.isdir(path) or not os.access(path, os.W_OK | os.X_OK):
            raise errors.IMAPI_E_INVALID_WORKING_DIRECTORY(f"{path!r} is not a writable directory")
        self._working_directory = path

    @property
    def change_point(self) -> int:
        """Number of changes so far, usable with RollbackToChangePoint (ChangePoint)."""
        return len(self._log)

    @property
    def strict_file_system_compliance(self) -> bool:
        """True: enforce the 8-level ISO 9660 depth (StrictFileSystemCompliance)."""
        return self._strict

    @strict_file_system_compliance.setter
    def strict_file_system_compliance(self, value: bool) -> None:
        self._strict = bool(value)

    @property
    def use_restricted_character_set(self) -> bool:
        """True: names limited to code points 32-127 (UseRestrictedCharacterSet)."""
        return self._restricted

    @use_restricted_character_set.setter
    def use_restricted_character_set(self, value: bool) -> None:
        self._restricted = bool(value)

    @property
    def file_systems_to_create(self) -> FsiFileSystems:
        """File systems to write (FileSystemsToCreate)."""
        return self._file_systems

    @file_systems_to_create.setter
    def file_systems_to_create(self, value: FsiFileSystems | int) -> None:
        value = int(value)
        if not value or value & ~int(SUPPORTED):
            raise errors.IMAPI_E_INVALID_PARAM(f"unsupported file systems {value:#x}")
        if self._imported is not None and not value & self._imported.file_system:
            raise errors.IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED("the imported file system must be written again")
        self._file_systems = FsiFileSystems(value)

    @property
    def file_systems_supported(self) -> FsiFileSystems:
        """File systems openimapi writes: ISO 9660, Joliet, UDF (FileSystemsSupported)."""
        return SUPPORTED

    @property
    def udf_revision(self) -> int:
        """UDF revision to write, e.g. 0x102 (UDFRevision)."""
        return self._udf_revision

    @udf_revision.setter
    def udf_revision(self, value: int) -> None:
        if value not in UDF_REVISIONS:
            raise errors.IMAPI_E_INVALID_PARAM(f"unsupported UDF revision {value!r}")
        self._udf_revision = int(value)

    @property
    def udf_revisions_supported(self) -> list[int]:
        """UDF revisions openimapi writes (UDFRevisionsSupported)."""
        return list(UDF_REVISIONS)

    @property
    def iso9660_interchange_level(self) -> int:
        """ISO 9660 interchange level 1, 2 or 3 (ISO9660InterchangeLevel)."""
        return self._iso_level

    @iso9660_interchange_level.setter
    def iso9660_interchange_level(self, value: int) -> None:
        if value not in ISO_LEVELS:
            raise errors.IMAPI_E_INVALID_PARAM(f"unsupported ISO 9660 interchange level {value!r}")
        self._iso_level = int(value)

    @property
    def iso9660_interchange_levels_supported(self) -> list[int]:
        """ISO 9660 levels openimapi writes (ISO9660InterchangeLevelsSupported)."""
        return list(ISO_LEVELS)

    @property
    def stage_files(self) -> bool:
        """Copy file data into the working directory when added (StageFiles)."""
        return self._stage

    @stage_files.setter
    def stage_files(self, value: bool) -> None:
        self._stage = bool(value)

    @property
    def create_redundant_udf_metadata_files(self) -> bool:
        """Write the UDF 2.50+ metadata twice (CreateRedundantUdfMetadataFiles)."""
        return self._redundant_udf

    @create_redundant_udf_metadata_files.setter
    def create_redundant_udf_metadata_files(self, value: bool) -> None:
        self._redundant_udf = bool(value)

    # ----- defaults -----------------------------------------------------------------------

    def choose_image_defaults_for_media_type(self, value: MT | int) -> None:
        """File systems, UDF revision and FreeMediaBlocks for a media type
        (ChooseImageDefaultsForMediaType).

        Raises:
            IMAPI_E_INVALID_PARAM: unknown media type; IMAPI_E_IMAGE_TOO_BIG: the tree does
            not fit the medium.
        """
        defaults = _DEFAULTS.get(int(value)) if isinstance(value, int) else None
        if defaults is None:
            raise errors.IMAPI_E_INVALID_PARAM(f"no defaults for media type {value!r}")
        fs, revision, capacity = defaults
        self._file_systems = fs
        self._udf_revision = revision
        self.free_media_blocks = capacity

    def choose_image_defaults(self, disc_recorder: Any) -> None:
        """Defaults for the medium in a recorder (ChooseImageDefaults).

        Raises:
            E_POINTER: None; E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE: no usable medium;
            IMAPI_E_IMAGE_TOO_BIG: the tree does not fit.
        """
        if disc_recorder is None:
            raise errors.E_POINTER("recorder must not be None")
        info = _ms.media_info(disc_recorder)
        if info is None or int(info[0]) not in _DEFAULTS:
            raise errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE("no medium the image can be written to")
        self.choose_image_defaults_for_media_type(info[0])
        self.free_media_blocks = info[1]

    # ----- items --------------------------------------------------------------------------

    def create_directory_item(self, name: str) -> FsiDirectoryItem:
        """A detached directory item to Add later (CreateDirectoryItem).

        Raises:
            IMAPI_E_INVALID_PARAM: bad name.
        """
        return FsiDirectoryItem(self, DirNode(self._item_name(name)))

    def create_file_item(self, name: str) -> FsiFileItem:
        """A detached, empty file item to fill (``.data``) and Add later (CreateFileItem).

        Raises:
            IMAPI_E_INVALID_PARAM: bad name.
        """
        return FsiFileItem(self, FileNode(self._item_name(name)))

    @staticmethod
    def _item_name(name: str) -> str:
        if name is None:
            raise errors.E_POINTER("name must not be None")
        try:
            return check_name(name)
        except errors.IMAPI_E_INVALID_PATH as exc:
            raise errors.IMAPI_E_INVALID_PARAM(exc.message) from exc

    def exists(self, full_path: str) -> FsiItemType:
        """Whether a path is a file, a directory or absent (Exists).

        Raises:
            IMAPI_E_INVALID_PATH: not starting with '\\' or '/'; IMAPI_E_DIR_NOT_FOUND: a
            parent directory is missing.
        """
        if not isinstance(full_path, str) or not full_path.startswith(("\\", "/")):
            raise errors.IMAPI_E_INVALID_PATH(f"{full_path!r} must start with '\\' or '/'")
        parts = split_path(full_path)
        node: Node = self._root
        for i, part in enumerate(parts):
            if not isinstance(node, DirNode):
                raise errors.IMAPI_E_DIR_NOT_FOUND(f"{node.path} is not a directory")
            found = node.children.get(part)
            if found is None:
                if i < len(parts) - 1:
                    raise errors.IMAPI_E_DIR_NOT_FOUND(f"no directory {part!r} in {node.path}")
                return FsiItemType.FsiItemNotFound
            node = found
        if isinstance(node, DirNode):
            return FsiItemType.FsiItemDirectory
        return FsiItemType.FsiItemFile

    def item(self, full_path: str) -> FsiItem:
        """Shortcut for ``root.item(path)``."""
        return self.root.item(full_path)

    # ----- change points ------------------------------------------------------------------

    def rollback_to_change_point(self, change_point: int) -> None:
        """Undo every change made after ``change_point`` (RollbackToChangePoint).

        Raises:
            IMAPI_E_INVALID_PARAM: the point is locked in or in the future.
        """
        if not isinstance(change_point, int) or not self._locked <= change_point <= len(self._log):
            raise errors.IMAPI_E_INVALID_PARAM(f"cannot roll back to change point {change_point!r}")
        while len(self._log) > change_point:
            entry = self._log.pop()
            kind = entry[0]
            if kind == "attach":
                parent, node = entry[1], entry[2]
                self._detach(parent, node)
                self._log.pop()
            elif kind == "detach":
                parent, node = entry[1], entry[2]
                self._attach(parent, node)
                self._log.pop()
            elif kind == "attr":
                setattr(entry[1], entry[2], entry[3])
            elif kind == "stream+":
                self._remove_stream(entry[1], entry[2].name)
                self._log.pop()
            elif kind == "stream-":
                self._add_stream(entry[1], entry[2])
                self._log.pop()

    def lock_in_change_point(self) -> None:
        """Make the current state permanent (LockInChangePoint)."""
        self._locked = len(self._log)

    # ----- result -------------------------------------------------------------------------

    def _options(self) -> Options:
        fs = self._file_systems
        boot = tuple(
            BootEntry(b.source, int(b.platform_id), int(b.emulation), b.manufacturer, b.load_segment, 0,
                      b.boot_info_table, b.sector_count)
            for b in self._boot if b.source is not None
        )
        return Options(
            iso9660=bool(fs & ISO), joliet=bool(fs & JOLIET), udf=bool(fs & UDF), iso_level=self._iso_level,
            udf_revision=self._udf_revision, volume_name=self._volume_name, rock_ridge=self.rock_ridge,
            strict=self._strict, session_start=self._session_start, boot=boot,
            redundant_udf_metadata=self._redundant_udf,
        )

    def create_result_image(self) -> FileSystemImageResult:
        """Lay out the image and return its virtual result (CreateResultImage).

        Raises:
            IMAPI_E_NO_OUTPUT: no file system selected; IMAPI_E_IMAGE_TOO_BIG: more blocks
            than FreeMediaBlocks; IMAPI_E_DATA_TOO_BIG: a file of 4 GiB or more at ISO 9660
            level 1 or 2; IMAPI_E_ISO9660_LEVELS, IMAPI_E_TOO_MANY_DIRS;
            IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED: UDF 2.00+ is selected and a file has
            named streams (this build does not write UDF stream directories).
        """
        if self._imported is not None and self._boot:
            raise errors.IMAPI_E_BOOT_OBJECT_CONFLICT("a boot image is only allowed in the first session")
        self._check_no_streams()
        layout = lay_out(self._root, self._options())
        if self._free_media_blocks and layout.total_blocks > self._free_media_blocks:
            raise errors.IMAPI_E_IMAGE_TOO_BIG(
                f"the image needs {layout.total_blocks} blocks, FreeMediaBlocks is {self._free_media_blocks}")
        return FileSystemImageResult(layout, self._session_start, self._volume_name, update=self._fire_update)

    # ----- multisession -------------------------------------------------------------------

    @property
    def multisession_interfaces(self) -> list[Any]:
        """Multisession descriptions of the target disc (MultisessionInterfaces)."""
        return list(self._multisession)

    @multisession_interfaces.setter
    def multisession_interfaces(self, value: list[Any]) -> None:
        if value is None:
            raise errors.E_POINTER("the multisession list must not be None")
        self._multisession = _ms.check_interfaces(list(value))

    def _session(self) -> Any:
        if not self._multisession:
            raise errors.IMAPI_E_MULTISESSION_NOT_SET("set MultisessionInterfaces first")
        return _ms.pick(self._multisession)

    def calculate_disc_identifier(self) -> str:
        """A signature of the disc's last session (CalculateDiscIdentifier).

        Raises:
            IMAPI_E_MULTISESSION_NOT_SET: MultisessionInterfaces not set.
        """
        return _ms.disc_identifier(self._session())

    def identify_file_systems_on_disc(self, disc_recorder: Any = None) -> FsiFileSystems:
        """File systems found in the last session (IdentifyFileSystemsOnDisc); without a
        recorder, the disc behind MultisessionInterfaces is read.

        Raises:
            IMAPI_E_MULTISESSION_NOT_SET: neither a recorder nor MultisessionInterfaces;
            IMAPI_E_EMPTY_DISC: nothing recorded.
        """
        if disc_recorder is None:
            return _ms.identify(self._session())
        return _ms.identify(_ms.session_of(disc_recorder))

    def get_default_file_system_for_import(self, file_systems: FsiFileSystems | int) -> FsiFileSystems:
        """Which of several file systems an import would use: UDF, then Joliet, then ISO 9660
        (GetDefaultFileSystemForImport).

        Raises:
            IMAPI_E_INVALID_PARAM: none of the three in ``file_systems``.
        """
        value = int(file_systems)
        for fs in (UDF, JOLIET, ISO):
            if value & fs:
                return fs
        raise errors.IMAPI_E_INVALID_PARAM(f"no importable file system in {value:#x}")

    def import_file_system(self) -> FsiFileSystems:
        """Import the previous session's tree, preferring UDF > Joliet > ISO 9660
        (ImportFileSystem). Items already in this image win over imported ones.

        Raises:
            IMAPI_E_MULTISESSION_NOT_SET, IMAPI_E_EMPTY_DISC, IMAPI_E_NO_SUPPORTED_FILE_SYSTEM,
            IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR (a hostile or damaged disc).
        """
        session = self._session()
        found = _ms.identify(session)
        if not found:
            raise errors.IMAPI_E_NO_SUPPORTED_FILE_SYSTEM("no ISO 9660, Joliet or UDF file system on the disc")
        fs = self.get_default_file_system_for_import(found)
        self.import_specific_file_system(fs)
        return fs

    def import_specific_file_system(self, file_system_to_use: FsiFileSystems | int) -> None:
        """Import the previous session's tree from one file system (ImportSpecificFileSystem).

        Raises:
            IMAPI_E_INVALID_PARAM: not one file system; IMAPI_E_FILE_SYSTEM_NOT_FOUND: not on
            the disc; IMAPI_E_BOOT_OBJECT_CONFLICT: a boot image is set.
        """
        fs = int(file_system_to_use)
        if fs not in (ISO, JOLIET, UDF):
            raise errors.IMAPI_E_INVALID_PARAM(f"{fs:#x} is not exactly one file system")
        if self._boot:
            raise errors.IMAPI_E_BOOT_OBJECT_CONFLICT("a boot image is only allowed in the first session")
        session = self._session()
        imported = _ms.import_tree(session, FsiFileSystems(fs), self._fire_import_from(FsiFileSystems(fs)))
        self._merge(imported.root, self._root)
        self._imported = imported
        self._session_start = imported.next_writable_address
        self._file_systems = FsiFileSystems(int(self._file_systems) | fs)
        if self._free_media_blocks == 0 and imported.free_blocks:
            self._free_media_blocks = imported.free_blocks

    def _fire_import_from(self, fs: FsiFileSystems) -> Any:
        def fire(item: str, dirs: int, total_dirs: int, files: int, total_files: int) -> None:
            self._fire_import(fs, item, dirs, total_dirs, files, total_files)
        return fire

    def _merge(self, old: DirNode, new: DirNode) -> None:
        """Graft an imported tree under the current one; existing items win."""
        for name, node in list(old.children.items()):
            mine = new.children.get(name)
            if mine is None:
                old.detach(name)
                self._attach(new, node)
            elif isinstance(mine, DirNode) and isinstance(node, DirNode):
                self._merge(node, mine)

    def probe_specific_file_system(self, file_system_to_probe: FsiFileSystems | int) -> bool:
        """Whether that file system on the current disc can be appended to (ProbeSpecificFileSystem)."""
        try:
            found = _ms.identify(self._session())
        except errors.ImapiError:
            return False
        return bool(int(found) & int(file_system_to_probe))
