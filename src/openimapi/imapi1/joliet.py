"""JolietDiscMaster (IJolietDiscMaster): stage files and folders for an ISO 9660 + Joliet data
CD, recorded by openimapi.imapi2.DiscFormat2Data from an openimapi.fs.FileSystemImage.

``add_data`` takes a storage: a host directory (its folders become folders, its files
files), or an in-memory storage, a mapping of names to bytes, binary streams, host file
paths, or nested mappings (sub-storages, which become folders).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openimapi import errors
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA
from openimapi.enums import FsiFileSystems, FsiItemType
from openimapi.errors import SuccessCode
from openimapi.fs import BootOptions, FileSystemImage
from openimapi.imapi1._errors import Stage, to_v1
from openimapi.imapi1._format import Burn, FormatBase
from openimapi.imapi1.master import IID_IJolietDiscMaster
from openimapi.imapi1.properties import PropertyStorage, outcome
from openimapi.imapi1.recorder import CLIENT
from openimapi.imapi2 import DiscFormat2Data
from openimapi.imapi2.media import MediaState

if TYPE_CHECKING:
    from openimapi.imapi1.recorder import DiscRecorder

__all__ = ["JolietDiscMaster"]

BLOCK = 2048
POSTGAP = 150  # DiscFormat2Data ends a CD data track with 150 blocks of post-gap
_BAD_JOLIET = set('*/:;?\\') | {chr(c) for c in range(32)}
_PREPARING = {
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA,
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FORMATTING_MEDIA,
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_INITIALIZING_HARDWARE,
    WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_CALIBRATING_POWER,
}


def _default_volume_name() -> str:
    return _dt.date.today().strftime("%b %d %Y")


def check_joliet_name(name: str) -> None:
    """Raises: IMAPI_E_BADJOLIETNAME: empty, longer than 64 characters, '.'/'..', or holding
    one of ``* / : ; ? \\`` or a control character (Joliet specification, section 3)."""
    if not name or len(name) > 64 or name in (".", "..") or _BAD_JOLIET.intersection(name):
        raise errors.IMAPI_E_BADJOLIETNAME(f"{name!r} is not a valid Joliet name")


def _entries(storage: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(relative path, source or None for a folder), parents first."""
    if isinstance(storage, Mapping):
        items = list(storage.items())
        for name, value in items:
            if not isinstance(name, str):
                raise errors.E_INVALIDARG(f"storage names are strings, not {name!r}")
            check_joliet_name(name)
            path = f"{prefix}{name}"
            if isinstance(value, Mapping):
                yield path, None
                yield from _entries(value, path + "/")
            elif isinstance(value, (bytes, bytearray, memoryview)):
                yield path, bytes(value)
            elif hasattr(value, "read"):
                yield path, value
            elif isinstance(value, (str, os.PathLike)):
                yield path, _host_file(Path(value))
            else:
                raise errors.E_INVALIDARG(f"{path}: a {type(value).__name__} is neither a stream nor a storage")
        return
    root = Path(storage)
    if not root.is_dir():
        raise errors.IMAPI_E_FILEACCESS(f"{root} is not a readable directory")
    try:
        children = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise errors.IMAPI_E_FILEACCESS(f"{root}: {exc}") from exc
    for child in children:
        check_joliet_name(child.name)
        path = f"{prefix}{child.name}"
        if child.is_dir():
            yield path, None
            yield from _entries(child, path + "/")
        else:
            yield path, _host_file(child)


def _host_file(path: Path) -> str:
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise errors.IMAPI_E_FILEACCESS(f"{path}: {exc}") from exc
    return str(path)


class JolietDiscMaster(FormatBase):
    """The Joliet data format of a DiscMaster (IJolietDiscMaster)."""

    IID = IID_IJolietDiscMaster

    def __init__(self, master: Any) -> None:
        super().__init__(master)
        self._total = 0
        self._session_start = 0
        self._multisession: list[Any] = []
        self._volume_name = _default_volume_name()
        self._boot = False
        self._boot_manufacturer = ""
        self._boot_platform = 0
        self._boot_emulation = 0
        self._boot_image: Any = None
        self._blank = True
        self._image = self._new_image()
        self._staged = False

    def _new_image(self) -> FileSystemImage:
        fsi = FileSystemImage()
        fsi.file_systems_to_create = FsiFileSystems.FsiFileSystemISO9660 | FsiFileSystems.FsiFileSystemJoliet
        return fsi

    # -- DiscMaster hooks -------------------------------------------------------------------------
    def can_record(self, recorder: DiscRecorder) -> bool:
        try:
            return 0x09 in recorder.recorder2.supported_profiles
        except errors.ImapiError:
            return False

    def _recorder_set(self, recorder: DiscRecorder, state: MediaState) -> None:
        super()._recorder_set(recorder, state)
        self._total = max(0, state.free - POSTGAP)
        self._blank = state.blank
        self._session_start = state.nwa or 0
        if not self._staged:
            self._image = self._new_image()
            self._multisession = []
            if not state.blank:
                writer = DiscFormat2Data()
                writer.recorder = recorder.recorder2
                self._multisession = writer.multisession_interfaces
                self._image.multisession_interfaces = self._multisession
                try:
                    self._image.import_file_system()
                except errors.ImapiError:
                    pass  # no file system to carry over: the new session stands alone
        self._image.session_start_block = self._session_start

    def _discard(self) -> None:
        self._image = self._new_image()
        self._image.session_start_block = self._session_start
        if self._multisession:
            self._image.multisession_interfaces = self._multisession
            try:
                self._image.import_file_system()
            except errors.ImapiError:
                pass
        self._staged = False

    # -- IJolietDiscMaster ------------------------------------------------------------------------
    def get_total_data_blocks(self) -> int:
        """Blocks the disc in the active recorder offers for data (0 before a recorder is set).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return self._total

    def get_used_data_blocks(self) -> int:
        """Blocks the staged image takes (file system structures included).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return self._image.used_blocks

    def get_data_block_size(self) -> int:
        """2048 bytes.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return BLOCK

    def add_data(self, storage: Any, file_overwrite: bool | int = False) -> None:
        """Stage the contents of ``storage`` at the root of the disc (all or nothing). Sinks
        get notify_add_progress per item and may cancel with query_cancel.

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
            IMAPI_E_NOACTIVERECORDER: no recorder chosen yet.
            E_POINTER: ``storage`` is None.
            IMAPI_E_BADJOLIETNAME: a name Joliet cannot hold.
            IMAPI_E_FILEEXISTS: a staged file has that name and ``file_overwrite`` is false.
            IMAPI_E_FILEACCESS: a host file or folder cannot be read.
            IMAPI_E_DISCFULL: the image would not fit the disc.
            IMAPI_E_USERABORT: a sink cancelled.
        """
        self._require_recorder()
        if storage is None:
            raise errors.E_POINTER("no storage given")
        fsi = self._image
        mark = fsi.change_point
        try:
            entries = list(_entries(storage))
            total = len(entries)
            for done, (path, source) in enumerate(entries, 1):
                if self._cancelled():
                    raise errors.IMAPI_E_USERABORT("cancelled by the progress sink")
                self._stage(fsi, path, source, bool(file_overwrite))
                self._fire("notify_add_progress", done, total)
            if fsi.used_blocks > self._total:
                raise errors.IMAPI_E_DISCFULL(f"the image needs {fsi.used_blocks} blocks, the disc has {self._total}")
        except BaseException:
            fsi.rollback_to_change_point(mark)
            raise
        self._staged = self._staged or fsi.change_point > mark

    def _stage(self, fsi: FileSystemImage, path: str, source: Any, overwrite: bool) -> None:
        kind = fsi.exists("/" + path)
        root = fsi.root
        try:
            if source is None:
                if kind == FsiItemType.FsiItemDirectory:
                    return
                if kind == FsiItemType.FsiItemFile:
                    if not overwrite:
                        raise errors.IMAPI_E_FILEEXISTS(f"{path} is a staged file")
                    root.remove(path)
                root.add_directory(path)
                return
            if kind != FsiItemType.FsiItemNotFound:
                if not overwrite:
                    raise errors.IMAPI_E_FILEEXISTS(f"{path} is staged already")
                if kind == FsiItemType.FsiItemDirectory:
                    root.remove_tree(path)
                else:
                    root.remove(path)
            root.add_file(path, source)
        except errors.IMAPI_E_FILEEXISTS:
            raise
        except (errors.IMAPI_E_INVALID_PATH, errors.IMAPI_E_INVALID_PARAM) as exc:
            raise errors.IMAPI_E_BADJOLIETNAME(f"{path}: {exc}") from exc
        except OSError as exc:
            raise errors.IMAPI_E_FILEACCESS(f"{path}: {exc}") from exc

    # -- properties -------------------------------------------------------------------------------
    def get_joliet_properties(self) -> PropertyStorage:
        """VolumeName (default: today's date), PlaceBootImageOnDisc, BootImageManufacturerIDString,
        BootImagePlatform (0 x86, 1 PowerPC, 2 Mac), BootImageEmulationType (0 none, 1-3
        floppies, 4 hard disk) and BootImage (a stream, bytes or path; None).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
        """
        self._check()
        return PropertyStorage({
            "VolumeName": self._volume_name,
            "PlaceBootImageOnDisc": self._boot,
            "BootImageManufacturerIDString": self._boot_manufacturer,
            "BootImagePlatform": self._boot_platform,
            "BootImageEmulationType": self._boot_emulation,
            "BootImage": self._boot_image,
        })

    def set_joliet_properties(self, storage: PropertyStorage | dict[str, Any]) -> SuccessCode:
        """Apply changed Joliet properties; S_OK or IMAPI_S_PROPERTIESIGNORED (unknown names).

        Raises:
            IMAPI_E_NOTOPENED: the master is not open.
            IMAPI_E_WRONGFORMAT: this is no longer the active format.
            E_POINTER: ``storage`` is None.
            E_INVALIDARG: a value of the wrong type or out of range.
            IMAPI_E_BOOTIMAGE_AND_NONBLANK_DISC: a boot image for a disc that is not blank.
        """
        current = self.get_joliet_properties()
        if storage is None:
            raise errors.E_POINTER("no property storage given")
        given = storage if isinstance(storage, PropertyStorage) else PropertyStorage(storage)
        changed, ignored = given.changes(current)
        values = {**dict(current), **changed}
        name = values["VolumeName"]
        if not isinstance(name, str) or len(name) > 16 or _BAD_JOLIET.intersection(name):
            raise errors.E_INVALIDARG(f"VolumeName {name!r} is not up to 16 Joliet characters")
        if not isinstance(values["BootImageManufacturerIDString"], str) or len(
                values["BootImageManufacturerIDString"].encode("latin-1", "replace")) > 24:
            raise errors.E_INVALIDARG("BootImageManufacturerIDString is a string of at most 24 bytes")
        if values["BootImagePlatform"] not in (0, 1, 2):
            raise errors.E_INVALIDARG("BootImagePlatform is 0 (x86), 1 (PowerPC) or 2 (Mac)")
        if values["BootImageEmulationType"] not in (0, 1, 2, 3, 4):
            raise errors.E_INVALIDARG("BootImageEmulationType is 0..4")
        boot = bool(values["PlaceBootImageOnDisc"])
        if boot and self._recorder is not None and not self._blank:
            raise errors.IMAPI_E_BOOTIMAGE_AND_NONBLANK_DISC("a boot image needs a blank disc")
        self._volume_name = name
        self._boot = boot
        self._boot_manufacturer = values["BootImageManufacturerIDString"]
        self._boot_platform = int(values["BootImagePlatform"])
        self._boot_emulation = int(values["BootImageEmulationType"])
        self._boot_image = values["BootImage"]
        return outcome(ignored)

    # -- recording --------------------------------------------------------------------------------
    def _check_recordable(self) -> None:
        if self._boot and self._boot_image is None:
            raise errors.IMAPI_E_INVALIDIMAGE("PlaceBootImageOnDisc is set but BootImage is empty")

    def _result_stream(self, state: MediaState) -> Any:
        fsi = self._image
        fsi.volume_name = self._volume_name
        if self._boot:
            if not state.blank:
                raise errors.IMAPI_E_BOOTIMAGE_AND_NONBLANK_DISC("a boot image needs a blank disc")
            options = BootOptions()
            options.assign_boot_image(self._boot_image)
            options.manufacturer = self._boot_manufacturer
            options.platform_id = self._boot_platform
            options.emulation = self._boot_emulation
            fsi.boot_image_options = options
        else:
            fsi.boot_image_options = None
        fsi.free_media_blocks = 0
        try:
            result = fsi.create_result_image()
        except errors.IMAPI_E_IMAGE_TOO_BIG as exc:
            raise errors.IMAPI_E_DISCFULL(str(exc)) from exc
        except errors.ImapiError as exc:
            raise errors.IMAPI_E_INVALIDIMAGE(str(exc)) from exc
        if result.total_blocks > self._total:
            raise errors.IMAPI_E_DISCFULL(f"the image needs {result.total_blocks} blocks, the disc has {self._total}")
        return result.image_stream

    def _record(self, recorder: DiscRecorder, state: MediaState, simulate: bool) -> None:
        stream = self._result_stream(state)
        writer = DiscFormat2Data()
        writer.recorder = recorder.recorder2
        writer.client_name = CLIENT
        writer.test_write = simulate
        writer.buffer_underrun_free_disabled = not recorder.buffer_underrun_free()
        quick = VL.IMAPI_BURN_VERIFICATION_QUICK
        writer.burn_verification_level = VL.IMAPI_BURN_VERIFICATION_NONE if simulate else quick
        burn = Burn(self, writer.cancel_write)
        stage = {"now": Stage.PREPARING}
        blocks = state.free or 1
        burn.preparing(max(1, blocks // 75 // max(1, recorder.requested_write_speed() or 16)))

        def on_update(_sender: Any, args: Any) -> None:
            action = args.current_action
            if action in _PREPARING:
                stage["now"] = Stage.PREPARING
                burn.poll()
            elif action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA:
                stage["now"] = Stage.WRITING
                burn.blocks(max(0, args.last_written_lba - args.start_lba + 1), args.sector_count)
            elif action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_FINALIZATION:
                stage["now"] = Stage.CLOSING
                burn.closing_disc(2)
            elif action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING:
                stage["now"] = Stage.OTHER
                burn.poll()

        writer.add_listener(on_update)
        try:
            speed = recorder.requested_write_speed()
            if speed:
                writer.set_write_speed(speed * 75)
            writer.write(stream)
        except errors.ImapiError as exc:
            if burn.cancelled and isinstance(exc, errors.E_IMAPI_REQUEST_CANCELLED):
                raise errors.IMAPI_E_USERABORT("cancelled by the progress sink") from exc
            raise to_v1(exc, stage["now"]) from exc
        finally:
            writer.remove_listener(on_update)
            close = getattr(stream, "close", None)
            if callable(close):
                close()
