"""Property tests: random trees with hostile names (unicode, case clashes, 255-character
names, deep paths, empty files) are read back by independent readers, in every
namespace, with the names FileSystemName promises and the bytes that went in."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fs_oracles import check, write_image
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from openimapi import FileSystemImage, errors
from openimapi.enums import FsiFileSystems

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF

# no private-use characters: p7zip maps U+EF80..U+EFFF to raw bytes
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="/\\")
_clashy = st.text(alphabet="aAbB.-_ ", min_size=1, max_size=6)
_names = st.one_of(
    _clashy,
    st.text(alphabet=_chars, min_size=1, max_size=24),
    st.text(alphabet=_chars, min_size=200, max_size=255),
    st.text(alphabet="xyz.", min_size=250, max_size=255),
).filter(lambda n: n not in (".", ".."))

_paths = st.lists(_names, min_size=1, max_size=12)
_trees = st.dictionaries(_paths.map(tuple), st.binary(max_size=3000), min_size=1, max_size=10)


def _build(tree: dict[tuple[str, ...], bytes], level: int, fs: FsiFileSystems) -> FileSystemImage:
    fsi = FileSystemImage()
    fsi.file_systems_to_create = fs
    fsi.iso9660_interchange_level = level
    fsi.rock_ridge = True
    fsi.udf_revision = 0x201
    for parts, data in tree.items():
        d = fsi.root
        try:
            for part in parts[:-1]:
                found = d.item(part) if part in d else d.add_directory(part)
                if not hasattr(found, "add_file"):
                    raise errors.IMAPI_E_DUP_NAME("a file is in the way")
                d = found  # type: ignore[assignment]
            d.add_file(parts[-1], data)
        except (errors.IMAPI_E_DUP_NAME, errors.IMAPI_E_INVALID_PATH):
            continue  # the same path twice, or a file where a directory should be
    return fsi


def _udf_mixed(tree: dict[tuple[str, ...], bytes]) -> bool:
    """Whether a path mixes 8-bit and 16-bit UDF names (pycdlib decodes a whole path with
    the leaf's encoding, a reader bug; 7z checks those trees)."""
    return any(len({all(ord(c) < 256 for c in p) for p in parts}) > 1 for parts in tree)


_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=_SLOW)
@given(tree=_trees, level=st.sampled_from([1, 2, 3]))
def test_random_trees_read_back_in_every_namespace(tree: dict[tuple[str, ...], bytes], level: int) -> None:
    fsi = _build(tree, level, ISO | JOLIET | UDF)
    with tempfile.TemporaryDirectory() as tmp:
        image = write_image(fsi, Path(tmp) / "p.iso")
        for namespace in ("iso", "joliet", "rr", "udf"):
            if namespace == "udf" and _udf_mixed(tree):
                continue
            check(fsi, image, "pycdlib", namespace)


@settings(max_examples=4, derandomize=True, deadline=None, suppress_health_check=_SLOW)
@given(tree=_trees)
@pytest.mark.parametrize(("reader", "namespace"), [("xorriso", "rr"), ("7z", "udf"), ("isoinfo", "rr")])
def test_random_trees_external_readers(tree: dict[tuple[str, ...], bytes], reader: str, namespace: str) -> None:
    if reader == "7z":  # 7z renames names that Windows cannot hold (trailing dot or space)
        assume(not any(p.endswith((".", " ")) for parts in tree for p in parts))
    fsi = _build(tree, 2, ISO | JOLIET | UDF)
    with tempfile.TemporaryDirectory() as tmp:
        image = write_image(fsi, Path(tmp) / "p.iso")
        check(fsi, image, reader, namespace)
