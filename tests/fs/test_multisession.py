"""Multisession: import the previous session, add/replace/remove, append; five sessions on
a disc image and on a virtual DVD+R, every session read back by independent readers."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fs_oracles import READERS, Listing, assert_same, digest

from openimapi import FileSystemImage, errors
from openimapi.enums import FsiFileSystems
from openimapi.fs import ImageMultisession

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF
BLOCK = 2048


def session_view(disc: bytes, start: int, path: Path) -> Path:
    """The disc as a reader mounting the session at ``start`` sees it: that session's
    volume descriptors at block 16 and its UDF anchor at block 256 (with the tag location
    a reader expects there: only the tag checksum changes, ECMA-167 3/7.2); every address
    inside is absolute, so all other blocks stay where they are."""
    view = bytearray(disc)
    if start:
        for i in range(16, 32):  # the volume descriptor set, terminator included
            block = disc[(start + i) * BLOCK : (start + i + 1) * BLOCK]
            if block[1:6] not in (b"CD001", b"BEA01", b"NSR02", b"NSR03", b"TEA01"):
                break
            view[i * BLOCK : (i + 1) * BLOCK] = block
        anchor = bytearray(disc[(start + 256) * BLOCK : (start + 257) * BLOCK])
        if anchor[:2] == b"\x02\x00":
            anchor[12:16] = (256).to_bytes(4, "little")
            anchor[4] = (sum(anchor[0:4]) + sum(anchor[5:16])) & 0xFF
        view[256 * BLOCK : 257 * BLOCK] = anchor
    path.write_bytes(bytes(view))
    return path


def namespaces(fs: FsiFileSystems, rock_ridge: bool) -> list[tuple[str, str]]:
    out = []
    if fs & JOLIET:
        out += [("isoinfo", "joliet"), ("pycdlib", "joliet"), ("7z", "joliet")]
    if rock_ridge:
        out += [("isoinfo", "rr"), ("xorriso", "rr"), ("pycdlib", "rr")]
    if fs & UDF:
        out += [("udfinfo", "udf")]
    # with UDF: 7z -tiso would not be asked; pycdlib looks for the file set descriptor at the
    # partition start, but a later session's partition starts at block 0 (it covers old files)
    return [(r, ns) for r, ns in out if not (r in ("7z", "pycdlib") and fs & UDF)]


@pytest.mark.parametrize(("fs", "rock_ridge", "revision"), [
    (ISO | JOLIET, True, 0x102),
    (ISO | JOLIET | UDF, False, 0x102),
    (ISO | JOLIET | UDF, True, 0x201),
    (UDF, False, 0x250),
], ids=["iso-joliet-rr", "bridge-udf102", "bridge-udf201-rr", "udf250"])
def test_five_sessions_on_an_image(tmp_path: Path, fs: FsiFileSystems, rock_ridge: bool, revision: int) -> None:
    disc = ImageMultisession(io.BytesIO())
    want: dict[str, bytes] = {}
    for k in range(5):
        fsi = FileSystemImage()
        fsi.file_systems_to_create = fs
        fsi.udf_revision = revision
        fsi.rock_ridge = rock_ridge
        if k:
            fsi.multisession_interfaces = [disc]
            imported = fsi.import_file_system()
            assert imported == (UDF if fs & UDF else JOLIET)
            assert fsi.session_start_block == disc.next_writable_address
            assert {i.name for i in fsi.root} == {p.split("/")[1] for p in want}
            fsi.root.remove("common.txt")
            if k == 3:
                fsi.root.remove_tree("dir1")
                want = {p: d for p, d in want.items() if not p.startswith("/dir1/")}
        fsi.root.add_file("common.txt", f"version {k}\n".encode())
        fsi.root.add_directory(f"dir{k}")
        fsi.root.add_file(f"dir{k}/data.bin", bytes([k + 1]) * (3000 * (k + 1)))
        fsi.root.add_file(f"dir{k}/empty", b"")
        want.update({"/common.txt": f"version {k}\n".encode(), f"/dir{k}/data.bin": bytes([k + 1]) * (3000 * (k + 1)),
                     f"/dir{k}/empty": b""})
        result = fsi.create_result_image()
        start = disc.append(result.image_stream, fsi.session_start_block)
        assert start == fsi.session_start_block
        image = disc._file.getvalue()
        view = session_view(image, start, tmp_path / f"view{k}.iso")
        listing = Listing({p: digest(d) for p, d in want.items()})
        for reader, namespace in namespaces(fs, rock_ridge):
            assert_same(READERS[reader](view, namespace), listing, f"session {k + 1}: {reader}/{namespace}")
    if fs & (ISO | JOLIET) and shutil.which("isoinfo"):
        names = subprocess.run(["isoinfo", "-i", str(view), "-J", "-f", "-T", "0"], capture_output=True,
                               check=True).stdout.decode().split()
        assert "/dir4/data.bin" in names


def test_import_needs_a_disc() -> None:
    fsi = FileSystemImage()
    with pytest.raises(errors.IMAPI_E_MULTISESSION_NOT_SET):
        fsi.import_file_system()
    blank = ImageMultisession(io.BytesIO())
    fsi.multisession_interfaces = [blank]
    with pytest.raises(errors.IMAPI_E_EMPTY_DISC):
        fsi.import_file_system()
    with pytest.raises(errors.IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE):
        fsi.multisession_interfaces = [object()]
    assert fsi.get_default_file_system_for_import(ISO | JOLIET | UDF) == UDF
    assert fsi.get_default_file_system_for_import(ISO | JOLIET) == JOLIET
    with pytest.raises(errors.IMAPI_E_INVALID_PARAM):
        fsi.get_default_file_system_for_import(0)


def test_identify_and_specific_import() -> None:
    first = FileSystemImage()
    first.file_systems_to_create = ISO | UDF
    first.root.add_file("a.txt", b"a")
    disc = ImageMultisession(first.create_result_image().image_stream.read())
    fsi = FileSystemImage()
    fsi.multisession_interfaces = [disc]
    assert fsi.identify_file_systems_on_disc() == ISO | UDF
    assert fsi.probe_specific_file_system(UDF) and not fsi.probe_specific_file_system(JOLIET)
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_NOT_FOUND):
        fsi.import_specific_file_system(JOLIET)
    fsi.import_specific_file_system(ISO)
    assert fsi.root.item("A.TXT").data.read() == b"a"
    assert fsi.imported_volume_name == first.volume_name_iso9660
    assert len(fsi.calculate_disc_identifier()) == 40


# ----- a real (virtual) DVD+R, written through DiscFormat2Data ----------------------------


@pytest.fixture
def dvd_plus_r(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    imapi2 = pytest.importorskip("openimapi.imapi2")
    virtual = pytest.importorskip("openimapi.virtual")
    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path / "home"))
    drive = virtual.create_drive("fs1", model="dvd-writer")
    drive.insert("dvd+r")
    recorder = imapi2.DiscRecorder2()
    recorder.initialize_disc_recorder(drive.address)
    yield recorder
    recorder.close()


def test_five_sessions_on_a_virtual_dvd_plus_r(dvd_plus_r: Any, tmp_path: Path) -> None:
    import openimapi

    want: dict[str, bytes] = {}
    starts = []
    for k in range(5):
        fmt = openimapi.DiscFormat2Data()
        fmt.recorder = dvd_plus_r
        fmt.client_name = "fs-test"
        fsi = FileSystemImage()
        fsi.file_systems_to_create = ISO | JOLIET | UDF
        fsi.rock_ridge = True
        if k:
            fsi.multisession_interfaces = fmt.multisession_interfaces
            fsi.import_file_system()
        fsi.root.add_file(f"s{k}.txt", f"session {k}\n".encode() * (k + 1))
        want[f"/s{k}.txt"] = f"session {k}\n".encode() * (k + 1)
        result = fsi.create_result_image()
        starts.append(fsi.session_start_block)
        fmt.write(result.image_stream)
    from openimapi import virtual

    disc = virtual.open_drive("fs1").disc
    assert disc is not None
    exported = tmp_path / "disc.iso"
    disc.export(exported)
    data = exported.read_bytes()
    listing = Listing({p: digest(d) for p, d in want.items()})
    for k, start in enumerate(starts[1:], 1):
        assert start > starts[k - 1]
    view = session_view(data, starts[-1], tmp_path / "last.iso")
    for reader, namespace in namespaces(ISO | JOLIET | UDF, True):
        assert_same(READERS[reader](view, namespace), listing, f"{reader}/{namespace}")
    if shutil.which("isoinfo"):
        names = subprocess.run(["isoinfo", "-i", str(exported), "-R", "-f", "-T", str(starts[-1])],
                               capture_output=True, check=True).stdout.decode().split()
        assert sorted(names) == sorted(want)


def test_defaults_and_identification_from_a_recorder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    imapi2 = pytest.importorskip("openimapi.imapi2")
    virtual = pytest.importorskip("openimapi.virtual")
    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path / "home"))
    drive = virtual.create_drive("fs2", model="bd-writer")
    drive.insert("bd-r")
    recorder = imapi2.DiscRecorder2()
    recorder.initialize_disc_recorder(drive.address)
    try:
        fsi = FileSystemImage()
        fsi.choose_image_defaults(recorder)
        assert fsi.file_systems_to_create == UDF and fsi.udf_revision == 0x250
        assert fsi.free_media_blocks == recorder.free_sectors_on_media > 0
        fsi.file_systems_to_create = ISO | JOLIET | UDF
        fsi.root.add_file("a.txt", b"on a BD-R")
        fmt = imapi2.DiscFormat2Data()
        fmt.recorder = recorder
        fmt.client_name = "fs-test"
        fmt.write(fsi.create_result_image().image_stream)
        other = FileSystemImage()
        assert other.identify_file_systems_on_disc(recorder) == ISO | JOLIET | UDF
        other.set_max_media_blocks_from_device(recorder)
        assert other.free_media_blocks == recorder.free_sectors_on_media
    finally:
        recorder.close()
