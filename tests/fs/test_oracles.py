"""Scenario x oracle: each scenario's image is read by every installed independent reader,
in every namespace the reader understands; names and bytes must match what the image's
own items say (FileSystemName, Data). Peers (genisoimage, xorriso) build the same host
tree and are checked by the same readers, so a failing oracle is told apart from a bug."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fs_oracles import NAMESPACES, READERS, assert_same, check, expected, read_isoinfo, read_pycdlib, write_image

from openimapi import FileSystemImage
from openimapi.enums import FsiFileSystems

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF


def host_tree(root: Path, link: bool = False) -> Path:
    """A tree with the names that break writers: spaces, dots, unicode, case clashes, depth."""
    files = {
        "hello.txt": b"hello, world\n",
        "README": b"no extension\n",
        "archive.tar.gz": os.urandom(3000),
        "Sub Dir/file with spaces.md": b"# spaces\n" * 300,
        "Sub Dir/empty.dat": b"",
        "deep/a/b/c/d/e/f/g/h/i/leaf.bin": os.urandom(70_000),
        "naïve café.txt": "unicode ü".encode(),
        "日本語のファイル.txt": "日本".encode(),
        "Readme.TXT": b"upper\n",
        "readme.txt": b"lower\n",
        "a_very_long_file_name_that_needs_mangling_in_every_iso_level.text": b"long\n",
        "a_very_long_file_name_that_needs_mangling_in_every_iso_level.texts": b"long2\n",
        "many.dots.in.this.name.c": b"int main;\n",
        "big.bin": os.urandom(1_000_000),
    }
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "empty dir").mkdir()
    if link:
        os.symlink("Sub Dir/file with spaces.md", root / "link to md")
        os.symlink("/etc/../nowhere/at/all", root / "absolute link")
    return root


def build(tmp: Path, *, fs: FsiFileSystems = ISO | JOLIET, level: int = 2, rock_ridge: bool = False,
          udf_revision: int = 0x102, redundant: bool = False) -> FileSystemImage:
    tree = host_tree(tmp / "tree", link=rock_ridge)
    fsi = FileSystemImage()
    fsi.file_systems_to_create = fs
    fsi.iso9660_interchange_level = level
    fsi.rock_ridge = rock_ridge
    fsi.udf_revision = udf_revision
    fsi.create_redundant_udf_metadata_files = redundant
    fsi.volume_name = "Oracle Test"
    fsi.root.add_tree(str(tree), False)
    return fsi


SCENARIOS: dict[str, tuple[Callable[[Path], FileSystemImage], tuple[str, ...]]] = {
    "iso_joliet_l1": (lambda t: build(t, level=1), ("iso", "joliet")),
    "iso_joliet_l2": (lambda t: build(t, level=2), ("iso", "joliet")),
    "iso_joliet_l3_rr": (lambda t: build(t, level=3, rock_ridge=True), ("iso", "joliet", "rr")),
    "iso_only_l2": (lambda t: build(t, fs=ISO, level=2), ("iso",)),
    "bridge_udf102": (lambda t: build(t, fs=ISO | JOLIET | UDF, udf_revision=0x102), ("iso", "joliet", "udf")),
    "bridge_udf150_rr": (lambda t: build(t, fs=ISO | JOLIET | UDF, udf_revision=0x150, rock_ridge=True),
                         ("iso", "joliet", "rr", "udf")),
    "bridge_udf200": (lambda t: build(t, fs=ISO | JOLIET | UDF, udf_revision=0x200), ("iso", "joliet", "udf")),
    "udf201_only": (lambda t: build(t, fs=UDF, udf_revision=0x201), ("udf",)),
    "bridge_udf250": (lambda t: build(t, fs=ISO | JOLIET | UDF, udf_revision=0x250), ("iso", "joliet", "udf")),
    "udf260_only": (lambda t: build(t, fs=UDF, udf_revision=0x260), ("udf",)),
    "udf260_redundant": (lambda t: build(t, fs=UDF, udf_revision=0x260, redundant=True), ("udf",)),
}


def _namespaces(fsi: FileSystemImage) -> set[str]:
    fs = fsi.file_systems_to_create
    out = set()
    if fs & ISO or fs & JOLIET:
        out.add("iso")
    if fs & JOLIET:
        out.add("joliet")
    if fsi.rock_ridge:
        out.add("rr")
    if fs & UDF:
        out.add("udf")
    return out


_CACHE: dict[str, tuple[FileSystemImage, Path]] = {}


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[FileSystemImage, Path]]:
    def get(name: str) -> tuple[FileSystemImage, Path]:
        if name not in _CACHE:
            tmp = tmp_path_factory.mktemp(name)
            fsi = SCENARIOS[name][0](tmp)
            _CACHE[name] = (fsi, write_image(fsi, tmp / "image.iso"))
        return _CACHE[name]

    yield get
    _CACHE.clear()


def _wanted(scenario: str, reader: str, namespace: str) -> bool:
    present = SCENARIOS[scenario][1]
    if namespace not in present:
        return False
    if reader == "xorriso":  # xorriso reads Rock Ridge, else Joliet
        return namespace == ("rr" if "rr" in present else "joliet")
    if reader == "pycdlib" and ("250" in scenario or "260" in scenario or "iso" not in present):
        return False  # pycdlib reads neither the UDF 2.50 metadata partition nor a disc without ISO 9660
    return not (reader == "7z" and namespace == "joliet" and "udf" in present)


CASES = [(s, r, ns) for s in SCENARIOS for r, spaces in NAMESPACES.items() for ns in spaces if _wanted(s, r, ns)]


@pytest.mark.parametrize(("scenario", "reader", "namespace"), CASES, ids=["-".join(c) for c in CASES])
def test_scenario(images: Callable[[str], tuple[FileSystemImage, Path]], scenario: str, reader: str,
                  namespace: str) -> None:
    fsi, image = images(scenario)
    assert set(SCENARIOS[scenario][1]) == _namespaces(fsi)
    check(fsi, image, reader, namespace)


@pytest.mark.parametrize("peer", ["genisoimage", "xorriso"])
def test_peers_agree_on_the_same_tree(tmp_path: Path, peer: str) -> None:
    """The same checkers accept a peer's image of the same tree (they are fair oracles)."""
    tool = shutil.which(peer)
    if tool is None:
        pytest.skip(f"{peer} is not installed")
    fsi = build(tmp_path, level=2, rock_ridge=True)
    tree = tmp_path / "tree"
    image = tmp_path / "peer.iso"
    cmd = [tool, "-R", "-J", "-D", "-joliet-long", "-quiet", "-o", str(image), str(tree)]
    if peer == "xorriso":
        cmd = [tool, "-as", "mkisofs", "-R", "-J", "-D", "-joliet-long", "-quiet", "-o", str(image), str(tree)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    want = expected(fsi, "rr")
    for reader in (read_pycdlib, read_isoinfo):
        got = reader(image, "rr")
        assert_same(got, want, f"{peer} image via {reader.__name__}")


def test_every_reader_is_registered() -> None:
    assert set(READERS) == set(NAMESPACES)
