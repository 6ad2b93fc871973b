"""Microsoft's IMAPI2 samples (tests/data/reference/samples.md) run as Python on the
virtual recorder; every resulting disc is exported and read back with pycdlib / isoinfo."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import openimapi
from openimapi.enums import IMAPI_FEATURE_PAGE_TYPE as F
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_FORMAT2_DATA_WRITE_ACTION as WA
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT

from .conftest import iso_files, make_iso, seven_zip_files, vdrive

TREE = {"a.txt": b"first file\n", "sub/b.bin": bytes(range(256)) * 64, "sub/deeper/c.txt": b"c" * 5000}
MORE = {"added.txt": b"second session\n", "extra/new.bin": b"\x01" * 9000}


def _folder(tmp_path: Path, files: dict[str, bytes], name: str) -> Path:
    root = tmp_path / name
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def _get_disc_recorder(index: int) -> openimapi.DiscRecorder2:
    """The samples' GetDiscRecorder helper: DiscMaster2 -> Item(index) -> InitializeDiscRecorder."""
    master = openimapi.DiscMaster2()
    recorder = openimapi.DiscRecorder2()
    recorder.initialize_disc_recorder(master.item(index))
    return recorder


def _export(tmp_path: Path, name: str) -> Path:
    disc = vdrive().disc
    assert disc is not None
    out = tmp_path / name
    disc.export(out)
    return out


def test_1_burn_a_folder(make_drive: Any, tmp_path: Path) -> None:
    make_drive("dvd+r")
    recorder = _get_disc_recorder(0)
    try:
        fsi = openimapi.FileSystemImage()
        root = fsi.root
        data_writer = openimapi.DiscFormat2Data()
        data_writer.recorder = recorder
        data_writer.client_name = "IMAPIv2 TEST"
        fsi.choose_image_defaults(recorder)
        root.add_tree(str(_folder(tmp_path, TREE, "src")), False)
        stream = fsi.create_result_image().image_stream
        data_writer.write(stream)
    finally:
        recorder.close()
    assert iso_files(_export(tmp_path, "disc.iso")) == TREE


def test_2_bootable_disc(make_drive: Any, tmp_path: Path) -> None:
    make_drive("dvd+r")
    recorder = _get_disc_recorder(0)
    boot_file = tmp_path / "etfsboot.com"
    boot_file.write_bytes(b"\xeb\xfe" + bytes(2046))  # a 2048-byte no-emulation loader (jmp $)
    try:
        boot = openimapi.BootOptions()
        boot.manufacturer = "Microsoft"
        boot.platform_id = 0
        boot.emulation = 0
        with boot_file.open("rb") as stream:
            boot.assign_boot_image(stream)
            fsi = openimapi.FileSystemImage()
            fsi.choose_image_defaults(recorder)
            fsi.boot_image_options = boot
            fsi.root.add_tree(str(_folder(tmp_path, TREE, "src")), False)
            stream_out = fsi.create_result_image().image_stream
            data_writer = openimapi.DiscFormat2Data()
            data_writer.recorder = recorder
            data_writer.client_name = "IMAPI2 BOOT"
            data_writer.write(stream_out)
    finally:
        recorder.close()
    disc = _export(tmp_path, "disc.iso")
    info = subprocess.run(["isoinfo", "-d", "-i", str(disc)], check=True, capture_output=True, text=True).stdout
    assert "El Torito" in info
    assert {k: v for k, v in iso_files(disc).items() if k in TREE} == TREE


def test_3_and_4_drive_and_media_inspection(make_drive: Any) -> None:
    make_drive("dvd-r", model="dvd-writer")
    recorder = _get_disc_recorder(0)
    try:
        assert recorder.volume_path_names == []
        assert F.IMAPI_FEATURE_PAGE_TYPE_DVD_DASH_WRITE in recorder.supported_feature_pages
        assert recorder.current_feature_pages and recorder.supported_profiles and recorder.current_profiles
        assert recorder.supported_mode_pages
        data_writer = openimapi.DiscFormat2Data()
        data_writer.recorder = recorder
        assert data_writer.is_recorder_supported(recorder)
        assert data_writer.is_current_media_supported(recorder)
        status = data_writer.current_media_status
        assert status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
        assert not status & (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE | MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_DAMAGED)
        assert data_writer.current_physical_media_type == PT.IMAPI_MEDIA_TYPE_DVDDASHR
    finally:
        recorder.close()


def test_5_append_a_session(make_drive: Any, tmp_path: Path) -> None:
    make_drive("bd-r")
    for files, name in ((TREE, "one"), (MORE, "two")):
        recorder = _get_disc_recorder(0)
        try:
            data_writer = openimapi.DiscFormat2Data()
            data_writer.recorder = recorder
            data_writer.client_name = "IMAPI2 MULTISESSION"
            fsi = openimapi.FileSystemImage()
            if not data_writer.media_heuristically_blank:
                fsi.multisession_interfaces = data_writer.multisession_interfaces
                fsi.import_file_system()
            else:
                fsi.choose_image_defaults(recorder)
            fsi.root.add_tree(str(_folder(tmp_path, files, name)), False)
            data_writer.write(fsi.create_result_image().image_stream)
            last_session = data_writer.start_address_of_previous_session
        finally:
            recorder.close()
    disc = _export(tmp_path, "disc.iso")
    assert seven_zip_files(disc, tmp_path) == TREE  # the first session: UDF only on BD-R
    assert iso_files(disc, session_start=last_session) == {**TREE, **MORE}


def test_6_progress_events(make_drive: Any, tmp_path: Path) -> None:
    make_drive("bd-r")
    recorder = _get_disc_recorder(0)
    percents: list[float] = []
    actions: list[int] = []
    try:
        fsi = openimapi.FileSystemImage()
        data_writer = openimapi.DiscFormat2Data()
        data_writer.recorder = recorder
        data_writer.client_name = "IMAPI2 PROGRESS"
        fsi.free_media_blocks = data_writer.free_sectors_on_media
        fsi.file_systems_to_create = 1
        big = {**TREE, "big.bin": bytes(range(256)) * 8192}
        fsi.root.add_tree(str(_folder(tmp_path, big, "src")), False)
        stream = fsi.create_result_image().image_stream

        def update(sender: Any, progress: Any) -> None:
            assert progress.elapsed_time <= progress.total_time or progress.total_time == 0
            actions.append(progress.current_action)
            if progress.current_action == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA:
                done = progress.last_written_lba - progress.start_lba
                percents.append(100 * done / progress.sector_count)

        data_writer.add_listener(update)
        data_writer.write(stream)
        data_writer.remove_listener(update)
    finally:
        recorder.close()
    assert percents == sorted(percents) and percents[-1] > 99
    assert actions[-1] == WA.IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED
    assert iso_files(_export(tmp_path, "disc.iso")) == big


def test_8a_8b_list_drives_and_burn_an_iso_file(make_drive: Any, tmp_path: Path) -> None:
    make_drive("dvd+r", name="a", model="dvd-writer")
    make_drive("cd-r", name="b", model="cd-writer")
    master = openimapi.DiscMaster2()
    listing = []
    for index in range(master.count):
        recorder = _get_disc_recorder(index)
        try:
            fmt = openimapi.DiscFormat2Data()
            fmt.recorder = recorder
            listing.append((recorder.vendor_id, recorder.volume_path_names, fmt.current_physical_media_type))
        finally:
            recorder.close()
    assert [m for *_, m in listing] == [PT.IMAPI_MEDIA_TYPE_DVDPLUSR, PT.IMAPI_MEDIA_TYPE_CDR]
    iso = make_iso(tmp_path, TREE)
    assert iso.stat().st_size % 2048 == 0
    recorder = _get_disc_recorder(1)
    try:
        fmt = openimapi.DiscFormat2Data()
        fmt.recorder = recorder
        fmt.client_name = "imapi2sample"
        assert PT.IMAPI_MEDIA_TYPE_CDR in fmt.supported_media_types
        events: list[Any] = []
        fmt.add_listener(lambda s, a: events.append(a))
        with iso.open("rb") as f:
            fmt.write(f)
        fmt.recorder = None
    finally:
        recorder.close()
    assert events
    disc = vdrive("b").disc
    assert disc is not None
    out = tmp_path / "cd.iso"
    disc.export(out)
    assert iso_files(out) == TREE


def test_8f_8g_erase_and_eject(make_drive: Any) -> None:
    make_drive("cd-rw", model="cd-writer")
    recorder = _get_disc_recorder(0)
    try:
        fmt = openimapi.DiscFormat2Data()
        fmt.recorder = recorder
        fmt.client_name = "imapi2sample"
        fmt.write(bytes(400 * 2048))
        eraser = openimapi.DiscFormat2Erase()
        eraser.recorder = recorder
        eraser.client_name = "imapi2sample"
        assert eraser.current_physical_media_type == PT.IMAPI_MEDIA_TYPE_CDRW
        eraser.full_erase = True
        updates: list[tuple[int, int]] = []
        eraser.add_listener(lambda sender, elapsed, total: updates.append((elapsed, total)))
        eraser.erase_media()
        assert updates
        assert fmt.media_physically_blank
        recorder.disable_mcn()
        try:
            if recorder.device_can_load_media:
                recorder.eject_media()
                assert vdrive().tray_open
                recorder.close_tray()
                assert not vdrive().tray_open
        finally:
            recorder.enable_mcn()
    finally:
        recorder.close()
