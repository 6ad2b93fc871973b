"""Import treats the disc as hostile: loops, out-of-range addresses, absurd sizes and bad
descriptors raise IMAPI_E_* errors quickly, never a hang, a crash or a foreign exception."""

from __future__ import annotations

import binascii
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimapi import FileSystemImage, errors
from openimapi.enums import FsiFileSystems
from openimapi.fs import ImageMultisession

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF
BLOCK = 2048


def _image(fs: FsiFileSystems = ISO | JOLIET, rock_ridge: bool = True) -> bytes:
    fsi = FileSystemImage()
    fsi.file_systems_to_create = fs
    fsi.rock_ridge = rock_ridge
    fsi.root.add_file("top.txt", b"top")
    fsi.root.add_directory("a")
    fsi.root.add_directory("a/b")
    fsi.root.add_file("a/b/file.txt", b"deep file")
    return fsi.create_result_image().image_stream.read()


def _import(data: bytes, fs: FsiFileSystems | None = None) -> FileSystemImage:
    fsi = FileSystemImage()
    fsi.multisession_interfaces = [ImageMultisession(bytes(data))]
    if fs is None:
        fsi.import_file_system()
    else:
        fsi.import_specific_file_system(fs)
    return fsi


def _root_record(data: bytes, vd_block: int = 16) -> tuple[int, int]:
    base = vd_block * BLOCK + 156
    return struct.unpack_from("<I", data, base + 2)[0], struct.unpack_from("<I", data, base + 10)[0]


def _find_record(data: bytes, dir_block: int, ident: bytes) -> int:
    """Byte offset of the directory record named ``ident`` in the directory at ``dir_block``."""
    pos = dir_block * BLOCK
    end = pos + BLOCK
    while pos < end and data[pos]:
        length = data[pos]
        if data[pos + 33 : pos + 33 + data[pos + 32]] == ident:
            return pos
        pos += length
    raise AssertionError(f"{ident!r} not found")


def _both32(buf: bytearray, offset: int, value: int) -> None:
    buf[offset : offset + 8] = value.to_bytes(4, "little") + value.to_bytes(4, "big")


def test_the_unpatched_image_imports() -> None:
    fsi = _import(_image(), ISO)
    assert fsi.root.item("a/b/file.txt").data.read() == b"deep file"


def test_directory_loop_is_detected() -> None:
    data = bytearray(_image(ISO, rock_ridge=False))
    root, _ = _root_record(data)
    a = _find_record(data, root, b"A")
    a_block = struct.unpack_from("<I", data, a + 2)[0]
    b = _find_record(data, a_block, b"B")
    _both32(data, b + 2, root)  # a/b is the root again
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, match="loop"):
        _import(data, ISO)


@pytest.mark.parametrize(("field", "value", "error"), [
    (2, 10**9, errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR),  # root beyond the disc
    (10, 0xFFFFF000, errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR),  # a 4 GiB directory
    (10, 0, errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR),  # an empty directory
])
def test_absurd_root_record(field: int, value: int, error: type[Exception]) -> None:
    data = bytearray(_image(ISO, rock_ridge=False))
    _both32(data, 16 * BLOCK + 156 + field, value)
    with pytest.raises(error):
        _import(data, ISO)


def test_file_extent_past_the_end() -> None:
    data = bytearray(_image(ISO, rock_ridge=False))
    root, _ = _root_record(data)
    top = _find_record(data, root, b"TOP.TXT;1")
    _both32(data, top + 10, 0x7FFFFFFF)
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, match="past the end"):
        _import(data, ISO)


def test_garbage_descriptors() -> None:
    data = bytearray(_image(ISO, rock_ridge=False))
    data[16 * BLOCK + 1 : 16 * BLOCK + 6] = b"XXXXX"
    fsi = FileSystemImage()
    fsi.multisession_interfaces = [ImageMultisession(bytes(data))]
    assert fsi.identify_file_systems_on_disc() == FsiFileSystems.FsiFileSystemNone
    with pytest.raises(errors.IMAPI_E_NO_SUPPORTED_FILE_SYSTEM):
        fsi.import_file_system()
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_NOT_FOUND):
        fsi.import_specific_file_system(ISO)


def test_rock_ridge_continuation_loop() -> None:
    fsi = FileSystemImage()
    fsi.rock_ridge = True
    fsi.file_systems_to_create = ISO
    fsi.root.add_file("n" * 200, b"long name")
    data = bytearray(fsi.create_result_image().image_stream.read())
    root, _ = _root_record(data)
    pos = data.find(b"CE\x1c\x01", root * BLOCK, (root + 1) * BLOCK)
    assert pos > 0
    area = struct.unpack_from("<I", data, pos + 4)[0]
    # the continuation area points at itself
    apos = data.find(b"NM", area * BLOCK)
    data[apos : apos + 28] = b"CE\x1c\x01" + area.to_bytes(4, "little") + area.to_bytes(4, "big") + (
        apos - area * BLOCK).to_bytes(4, "little") + (apos - area * BLOCK).to_bytes(4, "big") + (
        28).to_bytes(4, "little") + (28).to_bytes(4, "big")
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR):
        _import(data, ISO)


def _udf_fid(data: bytes, name: str) -> int:
    raw = b"\x08" + name.encode()
    pos = data.find(raw)
    assert pos > 0
    return pos - 38


def test_udf_loop_and_bad_crc() -> None:
    fsi = FileSystemImage()
    fsi.file_systems_to_create = UDF
    fsi.root.add_directory("sub")
    fsi.root.add_file("sub/x", b"x")
    data = bytearray(fsi.create_result_image().image_stream.read())
    assert _import(bytes(data), UDF).root.item("sub/x").data.read() == b"x"
    sub = _udf_fid(data, "sub")
    parent = data.rfind(b"\x01\x00\x0a\x00", sub - 200, sub) - 16  # the parent FID of the root
    assert parent > 0
    looped = bytearray(data)
    looped[sub + 20 : sub + 36] = data[parent + 20 : parent + 36]  # "sub" points at the root
    body = bytes(looped[sub + 16 : sub + 16 + struct.unpack_from("<H", looped, sub + 10)[0]])
    looped[sub + 8 : sub + 10] = binascii.crc_hqx(body, 0).to_bytes(2, "little")
    looped[sub + 4] = (sum(looped[sub : sub + 4]) + sum(looped[sub + 5 : sub + 16])) & 0xFF
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, match="loop"):
        _import(bytes(looped), UDF)
    corrupt = bytearray(data)
    corrupt[sub + 40] ^= 0xFF  # inside the name: the CRC no longer matches
    with pytest.raises(errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR):
        _import(bytes(corrupt), UDF)


_BASE: dict[str, bytes] = {}


def _base(kind: str) -> bytes:
    if kind not in _BASE:
        _BASE[kind] = _image(ISO | JOLIET, True) if kind == "iso" else _image(UDF | ISO, False)
    return _BASE[kind]


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["iso", "udf"]),
       flips=st.lists(st.tuples(st.integers(16 * BLOCK, 300 * BLOCK), st.integers(1, 255)), min_size=1,
                      max_size=12))
def test_fuzzed_discs_fail_cleanly(kind: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_base(kind))
    for offset, xor in flips:
        if offset < len(data):
            data[offset] ^= xor
    try:
        fsi = _import(bytes(data), UDF if kind == "udf" else None)
    except errors.ImapiError:
        return
    for item in fsi.root:
        assert item.name
