"""FileSystemImage and its items through the public API: behaviour, errors, the virtual image."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import stat
import subprocess
from pathlib import Path

import pycdlib
import pytest

from openimapi import BootOptions, FileSystemImage, IsoImageManager, errors
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE, FsiFileSystems, FsiItemType

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF


def image_bytes(fsi: FileSystemImage) -> bytes:
    return fsi.create_result_image().image_stream.read()


def open_pycdlib(data: bytes) -> pycdlib.PyCdlib:
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(data))
    return iso


def read_joliet(iso: pycdlib.PyCdlib, path: str) -> bytes:
    out = io.BytesIO()
    iso.get_file_from_iso_fp(out, joliet_path=path)
    return out.getvalue()


def test_tree_operations_and_errors() -> None:
    fsi = FileSystemImage()
    root = fsi.root
    root.add_directory("a")
    root.add_file("a/x.txt", b"xx")
    assert fsi.exists("\\a\\x.txt") == FsiItemType.FsiItemFile
    assert fsi.exists("/a") == FsiItemType.FsiItemDirectory
    assert fsi.exists("/nothing") == FsiItemType.FsiItemNotFound
    with pytest.raises(errors.IMAPI_E_DIR_NOT_FOUND):
        fsi.exists("/nope/x")
    with pytest.raises(errors.IMAPI_E_INVALID_PATH):
        fsi.exists("a/x.txt")
    with pytest.raises(errors.IMAPI_E_DUP_NAME):
        root.add_file("a/x.txt", b"again")
    with pytest.raises(errors.IMAPI_E_INVALID_PATH):
        root.add_file("missing/x.txt", b"")
    with pytest.raises(errors.IMAPI_E_INVALID_PATH):
        root.add_directory("a/..")
    with pytest.raises(errors.E_POINTER):
        root.add_file("y", None)
    with pytest.raises(errors.IMAPI_E_DIR_NOT_EMPTY):
        root.remove("a")
    with pytest.raises(errors.IMAPI_E_NOT_DIR):
        root.remove_tree("a/x.txt")
    with pytest.raises(errors.IMAPI_E_ITEM_NOT_FOUND):
        root.item("a/zz")
    item = root.item("a\\x.txt")
    assert item.full_path == "\\a\\x.txt" and item.name == "x.txt"
    assert item.data_size == 2 and item.data.read() == b"xx"
    with pytest.raises(errors.IMAPI_E_READONLY):
        item.data = b"new"
    assert fsi.file_count == 1 and fsi.directory_count == 1
    assert [i.name for i in root] == ["a"] and root.count == 1 and len(root) == 1
    root.remove_tree("a")
    assert fsi.file_count == 0 and fsi.directory_count == 0 and root.count == 0


def test_create_items_and_add() -> None:
    fsi = FileSystemImage()
    other = FileSystemImage()
    d = fsi.create_directory_item("made")
    f = fsi.create_file_item("file.bin")
    f.data = b"payload"
    d.add(f)
    fsi.root.add(d)
    assert fsi.root.item("made/file.bin").data.read() == b"payload"
    with pytest.raises(errors.IMAPI_E_NOT_IN_FILE_SYSTEM):
        fsi.root.add(other.create_file_item("x"))
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.create_file_item("bad/name")
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.root.add(d)


def test_enumerators() -> None:
    fsi = FileSystemImage()
    for n in "abc":
        fsi.root.add_file(n, n.encode())
    en = fsi.root.enum_fsi_items
    assert [i.name for i in en.next(2)] == ["a", "b"]
    clone = en.clone()
    assert en.skip(5) is False
    assert [i.name for i in clone] == ["c"]
    en.reset()
    assert len(list(en)) == 3
    with pytest.raises(errors.E_INVALIDARG):
        en.next(-1)


def test_properties_validate() -> None:
    fsi = FileSystemImage()
    assert fsi.file_systems_to_create == ISO | JOLIET
    assert fsi.iso9660_interchange_levels_supported == [1, 2, 3]
    assert 0x260 in fsi.udf_revisions_supported
    for bad in (0, 8, 0x40000000):
        with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
            fsi.file_systems_to_create = bad
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.iso9660_interchange_level = 4
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.udf_revision = 0x300
    with pytest.raises(errors.IMAPI_E_INVALID_VOLUME_NAME):
        fsi.volume_name = "x" * 33
    fsi.volume_name = "my disc.v2"
    assert fsi.volume_name_iso9660 == "MY_DISC_V2"
    assert fsi.volume_name_joliet == "my disc.v2"
    with pytest.raises(errors.IMAPI_E_INVALID_WORKING_DIRECTORY):
        fsi.working_directory = "/nonexistent/dir"
    fsi.choose_image_defaults_for_media_type(IMAPI_MEDIA_PHYSICAL_TYPE.IMAPI_MEDIA_TYPE_BDR)
    assert fsi.file_systems_to_create == UDF and fsi.udf_revision == 0x250
    assert fsi.free_media_blocks == 12_219_392
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.choose_image_defaults_for_media_type(99)


def test_size_limits() -> None:
    fsi = FileSystemImage()
    fsi.free_media_blocks = 300
    with pytest.raises(errors.IMAPI_E_IMAGE_SIZE_LIMIT):
        fsi.root.add_file("big", bytes(2048 * 400))
    assert fsi.file_count == 0
    fsi.root.add_file("small", bytes(2048 * 10))
    with pytest.raises(errors.IMAPI_E_IMAGE_TOO_BIG):
        fsi.free_media_blocks = 20
    fsi2 = FileSystemImage()
    fsi2.root.add_file("f", bytes(2048 * 100))
    fsi2._free_media_blocks = 50  # as if the medium shrank: the exact check at creation time
    with pytest.raises(errors.IMAPI_E_IMAGE_TOO_BIG):
        fsi2.create_result_image()


def test_change_points() -> None:
    fsi = FileSystemImage()
    fsi.root.add_file("keep", b"1")
    point = fsi.change_point
    fsi.root.add_directory("d")
    fsi.root.add_file("d/x", b"2")
    fsi.root.item("keep").is_hidden = True
    fsi.root.remove("keep")
    fsi.rollback_to_change_point(point)
    assert [i.name for i in fsi.root] == ["keep"]
    assert fsi.root.item("keep").is_hidden is False
    assert fsi.file_count == 1 and fsi.directory_count == 0
    fsi.lock_in_change_point()
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.rollback_to_change_point(0)


def test_virtual_image_random_access_matches_sequential() -> None:
    fsi = FileSystemImage()
    rnd = random.Random(5)
    for i in range(40):
        fsi.root.add_file(f"f{i}.bin", rnd.randbytes(rnd.randrange(0, 9000)))
    result = fsi.create_result_image()
    whole = result.image_stream.read()
    assert len(whole) == result.total_blocks * result.block_size
    stream = result.image_stream
    for _ in range(200):
        pos = rnd.randrange(0, len(whole))
        n = rnd.randrange(0, 10000)
        stream.seek(pos)
        assert stream.read(n) == whole[pos : pos + n]
    stream.seek(-100, io.SEEK_END)
    assert stream.read() == whole[-100:]
    assert stream.read_blocks(16, 1) == whole[16 * 2048 : 17 * 2048]
    assert whole[16 * 2048 + 1 : 16 * 2048 + 6] == b"CD001"
    item = result.progress_items.progress_item_from_description("\\f7.bin")
    assert result.progress_items.progress_item_from_block(item.first_block) == item
    data = fsi.root.item("f7.bin").data.read()
    assert whole[item.first_block * 2048 : item.first_block * 2048 + len(data)] == data
    with pytest.raises(errors.E_INVALIDARG):
        result.progress_items.progress_item_from_block(0)
    ranges = result.modified_blocks.block_ranges
    assert ranges[0].start_lba == 0 and ranges[0].end_lba == result.total_blocks - 1
    assert len(result.disc_id) == 36


def test_source_changing_size_is_an_error_not_a_wrong_disc(tmp_path: Path) -> None:
    src = tmp_path / "grows.txt"
    src.write_bytes(b"a" * 5000)
    fsi = FileSystemImage()
    fsi.root.add_file("grows.txt", str(src))
    staged = FileSystemImage()
    staged.stage_files = True
    staged.working_directory = str(tmp_path)
    staged.root.add_file("grows.txt", str(src))
    src.write_bytes(b"b" * 7000)
    with pytest.raises(errors.IMAPI_E_DATA_STREAM_INCONSISTENCY):
        fsi.create_result_image().image_stream.read()
    iso = open_pycdlib(image_bytes(staged))
    assert read_joliet(iso, "/grows.txt") == b"a" * 5000
    assert not [p for p in os.listdir(tmp_path) if p.startswith("openimapi-stash")]


def test_add_tree_safety(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "f.txt").write_bytes(b"data")
    os.symlink("sub/f.txt", tree / "rel-link")
    os.symlink("/etc/passwd", tree / "outside-link")
    os.symlink("..", tree / "sub" / "loop")
    os.mkfifo(tree / "fifo")
    events: list[tuple[str, int, int]] = []

    class Sink:
        def update(self, sender: object, current_file: str, copied: int, total: int) -> None:
            events.append((current_file, copied, total))

    plain = FileSystemImage()
    plain.advise(Sink())
    plain.root.add_tree(str(tree), False)
    assert sorted(i.name for i in plain.root) == ["sub"]
    assert [i.name for i in plain.root.item("sub")] == ["f.txt"]
    skipped = dict(plain.skipped_items)
    assert "symbolic link" in skipped[str(tree / "outside-link")]
    assert "special file" in skipped[str(tree / "fifo")]
    assert any("fifo" in e[0] and "skipped" in e[0] for e in events)
    rr = FileSystemImage()
    rr.rock_ridge = True
    rr.root.add_tree(str(tree), True)
    assert rr.root.item("tree/outside-link").target == "/etc/passwd"
    iso = open_pycdlib(image_bytes(rr))
    rec = iso.get_record(rr_path="/tree/rel-link")
    assert rec.rock_ridge.is_symlink() and rec.rock_ridge.symlink_path() == b"sub/f.txt"
    followed = FileSystemImage()
    followed.root.add_tree(str(tree), False, follow_symlinks=True)
    assert followed.root.item("rel-link").data.read() == b"data"
    assert "loops" in dict(followed.skipped_items)[str(tree / "sub" / "loop")]
    with pytest.raises(errors.IMAPI_E_DIR_NOT_FOUND):
        plain.root.add_tree(str(tree / "sub" / "f.txt"), False)
    with pytest.raises(errors.IMAPI_E_DUP_NAME):
        plain.root.add_tree(str(tree), False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_named(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    tree.mkdir()
    secret = tree / "secret.txt"
    secret.write_bytes(b"x")
    secret.chmod(0)
    with pytest.raises(errors.IMAPI_E_DATA_STREAM_CREATE_FAILURE, match=r"secret\.txt"):
        FileSystemImage().root.add_tree(str(tree), False)


def test_rock_ridge_attributes() -> None:
    fsi = FileSystemImage()
    fsi.rock_ridge = True
    f = fsi.root.add_file("x" * 200 + ".txt", b"long name")
    f.last_modified_time = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    iso = open_pycdlib(image_bytes(fsi))
    rec = iso.get_record(rr_path="/" + "x" * 200 + ".txt")
    assert rec.rock_ridge.get_file_mode() == stat.S_IFREG | 0o444
    out = io.BytesIO()
    iso.get_file_from_iso_fp(out, rr_path="/" + "x" * 200 + ".txt")
    assert out.getvalue() == b"long name"


@pytest.mark.skipif(shutil.which("xorriso") is None or shutil.which("isoinfo") is None,
                    reason="needs xorriso and isoinfo")
def test_multi_extent_file_at_level_3(tmp_path: Path) -> None:
    big = tmp_path / "sparse.bin"
    size = (4 << 30) + 12345
    with open(big, "wb") as f:
        f.truncate(size)
        f.seek(size - 5)
        f.write(b"TAIL!")
    fsi = FileSystemImage()
    fsi.root.add_file("sparse.bin", str(big))
    with pytest.raises(errors.IMAPI_E_DATA_TOO_BIG):
        fsi.create_result_image()
    fsi.iso9660_interchange_level = 3
    result = fsi.create_result_image()
    stream = result.image_stream
    item = result.progress_items.progress_item_from_description("\\sparse.bin")
    stream.seek(item.first_block * 2048 + size - 5)
    assert stream.read(5) == b"TAIL!"
    # metadata only, in a sparse file of the image's size: readers list without reading data
    image = tmp_path / "meta.iso"
    with open(image, "wb") as f:
        f.write(stream.read_blocks(0, item.first_block))
        f.truncate(result.total_blocks * 2048)
    listing = subprocess.run(["xorriso", "-indev", str(image), "-find", "/", "-exec", "lsdl"],
                             capture_output=True, check=True, timeout=60).stdout.decode()
    assert f" {size} " in listing and "sparse.bin" in listing
    records = subprocess.run(["isoinfo", "-i", str(image), "-l"], capture_output=True, check=True,
                             timeout=60).stdout.decode()
    sizes = [int(line.split()[4]) for line in records.splitlines() if "SPARSE.BIN;1" in line]
    assert sizes == [0xFFFFF800, size - 0xFFFFF800]


def test_boot_options_validate() -> None:
    boot = BootOptions()
    with pytest.raises(errors.E_POINTER):
        boot.assign_boot_image(None)
    with pytest.raises(errors.IMAPI_E_BOOT_IMAGE_DATA):
        boot.assign_boot_image(b"")
    boot.assign_boot_image(bytes(2048))
    with pytest.raises(errors.IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH):
        boot.emulation = 2
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        boot.manufacturer = "x" * 25
    assert boot.image_size == 2048 and boot.boot_image is not None


def test_iso_image_manager(tmp_path: Path) -> None:
    mgr = IsoImageManager()
    with pytest.raises(errors.IMAPI_E_IMAGEMANAGER_NO_IMAGE):
        mgr.validate()
    fsi = FileSystemImage()
    fsi.root.add_file("a", b"a")
    good = tmp_path / "good.iso"
    good.write_bytes(image_bytes(fsi))
    mgr.set_path(str(good))
    mgr.validate()
    mgr.set_stream(good.read_bytes()[:-1])
    with pytest.raises(errors.IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED):
        mgr.validate()
    mgr.set_stream(bytes(2048 * 20))
    with pytest.raises(errors.IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND):
        mgr.validate()
    with pytest.raises(errors.IMAPI_E_INVALID_PATH):
        mgr.set_path(str(tmp_path / "none.iso"))


def test_vanished_source_is_named_when_read(tmp_path: Path) -> None:
    src = tmp_path / "gone.txt"
    src.write_bytes(b"soon gone")
    fsi = FileSystemImage()
    fsi.root.add_file("gone.txt", str(src))
    src.unlink()
    with pytest.raises(errors.IMAPI_E_DATA_STREAM_READ_FAILURE, match=r"gone\.txt"):
        fsi.create_result_image().image_stream.read()


def test_update_events_while_adding(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "a.bin").write_bytes(bytes(5000))
    seen: list[tuple[object, str, int, int]] = []

    class Sink:
        def update(self, sender: object, current_file: str, copied: int, total: int) -> None:
            seen.append((sender, current_file, copied, total))

    fsi = FileSystemImage()
    cookie = fsi.advise(Sink())
    fsi.root.add_tree(str(tree), False)
    assert seen == [(fsi, str(tree / "a.bin"), 0, 3)]
    fsi.unadvise(cookie)
    fsi.root.add_file("b", b"x")
    assert len(seen) == 1
    with pytest.raises(errors.E_INVALIDARG):
        fsi.unadvise(cookie)


def test_named_streams_are_never_silently_dropped() -> None:
    """This build writes no UDF stream directories: AddStream says so instead of losing data."""
    fsi = FileSystemImage()
    fsi.root.add_file("f.txt", b"main data")
    item = fsi.root.item("f.txt")
    # ISO 9660 + Joliet cannot hold a named stream: kept in the model, flagged as IMAPI does.
    assert item.add_stream("meta", b"stream bytes") == errors.SuccessCode.IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED
    assert item.fsi_named_streams.count == 1
    assert item.fsi_named_streams.item(0).is_named_stream
    with pytest.raises(errors.IMAPI_E_DUP_NAME):
        item.add_stream("meta", b"again")
    image_bytes(fsi)  # the documented outcome: an image without the stream
    # Switching to UDF 2.00+ afterwards must not produce a disc lacking the accepted stream.
    fsi.file_systems_to_create = ISO | JOLIET | UDF
    fsi.udf_revision = 0x201
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED):
        fsi.create_result_image()
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED):
        item.add_stream("other", b"x")
    item.remove_stream("meta")
    assert item.fsi_named_streams.count == 0
    image_bytes(fsi)
    # UDF 1.02 has no named streams either: the S_ code again.
    fsi.udf_revision = 0x102
    assert item.add_stream("meta", b"s") == errors.SuccessCode.IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED


def test_update_events_while_the_result_image_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from openimapi.fs import result as result_module

    seen: list[tuple[str, int, int]] = []

    class Sink:
        def update(self, sender: object, current_file: str, copied: int, total: int) -> None:
            seen.append((current_file, copied, total))

    fsi = FileSystemImage()
    fsi.root.add_file("one.bin", bytes(10 * 2048))
    fsi.root.add_file("two.bin", bytes(3 * 2048))
    result = fsi.create_result_image()
    fsi.advise(Sink())
    total = result.total_blocks
    one = result.progress_items.progress_item_from_description("\\one.bin")
    # Fast reads: the first read and the one reaching the end fire, nothing in between.
    stream = result.image_stream
    while stream.read(2048):
        pass
    assert seen[0] == ("", 1, total)
    assert seen[-1][1:] == (total, total) and len(seen) == 2
    # A clock that moves 0.6 s per read (slower than UPDATE_INTERVAL): every read fires,
    # naming the file the read ended in.
    clock = iter(range(1, 10_000))
    monkeypatch.setattr(result_module.time, "monotonic", lambda: next(clock) * 0.6)
    seen.clear()
    stream = result.image_stream
    stream.seek(one.first_block * 2048)
    stream.read(4 * 2048)
    assert seen == [("\\one.bin", one.first_block + 4, total)]
    seen.clear()
    with io.BytesIO() as out:
        result.image_stream.write_to(out, chunk=2048)
    assert [s[1] for s in seen] == list(range(1, total + 1))
    two = result.progress_items.progress_item_from_description("\\two.bin")
    assert ("\\two.bin", two.last_block + 1, total) in seen
    assert result.image_stream.read_blocks(one.first_block, 1) and seen[-1][0] == "\\one.bin"
