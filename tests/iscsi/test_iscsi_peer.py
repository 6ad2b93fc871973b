"""Peer tests: the IMAPI2 stack (DiscRecorder2, DiscFormat2Data, FileSystemImage) against
tgt's MMC emulation, an implementation of MMC that shares no code with ours, over iSCSI,
and the same scenarios against our virtual recorder (``peer`` is "tgt" or "virtual").

The image of a generated tree is mastered by FileSystemImage (ISO 9660 + Joliet, set up
from the medium's type and free blocks) and, as a second producer, by pycdlib; what
reaches tgt's backing file is read back with pycdlib and xorriso. tgt's deviations from
MMC (docs/tgt-deviations.md) show here as a drive that finalizes on any close and turns
into a DVD-ROM afterwards; the stack must cope.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycdlib
import pytest
from tgt_server import Target, Tgt

from openimapi import errors, transport
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as MT
from openimapi.enums import FsiFileSystems
from openimapi.errors import SuccessCode
from openimapi.fs import FileSystemImage
from openimapi.imapi2 import DiscFormat2Data, DiscRecorder2
from openimapi.mmc.sense import decode_sense
from openimapi.mmc.spc import PreventAllowMediumRemoval
from openimapi.virtual import create_drive


def generated_tree(seed: int = 10) -> dict[str, bytes]:
    """Paths (Joliet names, '/'-separated) to contents: nested folders, empty and
    multi-extent-sized files, sizes off the 2048-byte grid."""
    rng = random.Random(seed)
    tree: dict[str, bytes] = {"readme.txt": b"openimapi peer test\n", "empty.dat": b""}
    for d in range(3):
        for f in range(4):
            size = rng.choice([1, 2047, 2048, 2049, 70_000, 300_001])
            tree[f"dir{d}/sub{f % 2}/file{f}.bin"] = rng.randbytes(size)
    return tree


def master_fsi(tree: dict[str, bytes], fmt: DiscFormat2Data, folder: Path) -> io.RawIOBase:
    """FileSystemImage of the tree written to ``folder``; its lazily built result stream.

    Defaults come from the medium as the IMAPI samples set them (media type, free blocks);
    ChooseImageDefaults(recorder) is checked by the test below.
    """
    for path, data in tree.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    fsi = FileSystemImage()
    fsi.choose_image_defaults_for_media_type(fmt.current_physical_media_type)
    fsi.free_media_blocks = fmt.free_sectors_on_media
    fsi.file_systems_to_create = FsiFileSystems.FsiFileSystemISO9660 | FsiFileSystems.FsiFileSystemJoliet
    fsi.volume_name = "PEER_TEST"
    fsi.root.add_tree(str(folder), False)
    stream: io.RawIOBase = fsi.create_result_image().image_stream
    return stream


def master(tree: dict[str, bytes]) -> bytes:
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3, vol_ident="PEER_TEST")
    made: set[str] = set()
    for index, (path, data) in enumerate(sorted(tree.items())):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in made:
                made.add(folder)
                iso9660 = "/" + "/".join(p.upper() for p in parts[:depth])
                iso.add_directory(iso9660, joliet_path="/" + folder)
        iso_name = "/".join([*(p.upper() for p in parts[:-1]), f"F{index}.BIN;1"])
        iso.add_fp(io.BytesIO(data), len(data), "/" + iso_name, joliet_path="/" + path)
    out = io.BytesIO()
    iso.write_fp(out)
    iso.close()
    return out.getvalue()


def read_tree_pycdlib(image: Path) -> dict[str, bytes]:
    reader = pycdlib.PyCdlib()
    reader.open(str(image))
    found: dict[str, bytes] = {}
    try:
        for root, _dirs, files in reader.walk(joliet_path="/"):
            for name in files:
                path = f"{root.rstrip('/')}/{name}"
                out = io.BytesIO()
                reader.get_file_from_iso_fp(out, joliet_path=path)
                found[path.lstrip("/")] = out.getvalue()
    finally:
        reader.close()
    return found


def xorriso_md5s(image: Path, tmp: Path) -> dict[str, str]:
    """Extract the Joliet tree with xorriso and hash every file."""
    out = tmp / "extracted"
    subprocess.run(
        ["xorriso", "-osirrox", "on", "-indev", str(image), "-extract", "/", str(out)],
        capture_output=True, check=True,
    )  # fmt: skip
    return {
        str(p.relative_to(out)): hashlib.md5(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()
    }


@dataclass
class Peer:
    """A DVD recorder to run the scenarios on.

    ``recorded`` gives a file holding the disc's user data for the independent readers;
    ``finalizes_on_close`` is tgt's deviation 3 (any close finalizes, the disc then reads
    as a DVD-ROM); ``tray_locked`` asks the device whether medium removal is prevented.
    """

    name: str
    address: str
    recorded: Callable[[Path], Path]
    tray_locked: Callable[[], bool]
    finalizes_on_close: bool


def tgt_peer(tgt: Tgt, target: Target) -> Peer:
    def locked() -> bool:
        return "Prevent removal: Yes" in tgt.show().split(f"Target {target.tid}:", 1)[1].split("\nTarget ", 1)[0]

    return Peer("tgt", target.address(), lambda _tmp: target.backing(), locked, True)


def virtual_peer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, medium: str | None) -> Peer:
    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path / "openimapi-home"))
    drive = create_drive("peer", model="dvd-writer")
    if medium is not None:
        drive.insert(medium)

    def recorded(tmp: Path) -> Path:
        disc = drive.disc
        assert disc is not None
        return disc.export(tmp / "exported.iso", "iso")[0]

    return Peer("virtual", drive.address, recorded, lambda: drive.medium_locked, False)


@pytest.fixture(params=["tgt", "virtual"])
def peer(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Peer:
    """A recorder holding a blank DVD+R."""
    if request.param == "virtual":
        return virtual_peer(tmp_path, monkeypatch, medium="dvd+r")
    target: Target = request.getfixturevalue("blank_dvd")
    return tgt_peer(request.getfixturevalue("tgt"), target)


@pytest.fixture(params=["tgt", "virtual"])
def empty_peer(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Peer:
    """A DVD recorder without a medium."""
    if request.param == "virtual":
        return virtual_peer(tmp_path, monkeypatch, medium=None)
    return tgt_peer(request.getfixturevalue("tgt"), request.getfixturevalue("empty_tray"))


@pytest.fixture
def recorder(peer: Peer) -> Iterator[DiscRecorder2]:
    rec = DiscRecorder2(peer.address)
    try:
        yield rec
    finally:
        rec.close()


def data_format(rec: DiscRecorder2) -> DiscFormat2Data:
    fmt = DiscFormat2Data()
    fmt.recorder = rec
    fmt.client_name = "openimapi-peer"
    return fmt


def test_identify_a_dvd_recorder_with_blank_dvd_plus_r(recorder: DiscRecorder2, peer: Peer) -> None:
    if peer.name == "tgt":
        assert (recorder.vendor_id, recorder.product_id) == ("IET", "VIRTUAL-CDROM")
    assert recorder.vendor_id and recorder.product_id
    assert recorder.current_profiles == [0x1B]
    assert 0x1B in recorder.supported_profiles
    fmt = data_format(recorder)
    assert fmt.is_recorder_supported(recorder) and fmt.is_current_media_supported(recorder)
    assert fmt.current_physical_media_type == MT.IMAPI_MEDIA_TYPE_DVDPLUSR
    assert fmt.media_physically_blank and fmt.media_heuristically_blank
    assert fmt.current_media_status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
    assert fmt.next_writable_address == 0 and fmt.free_sectors_on_media > 2_000_000


@pytest.mark.parametrize(
    ("producer", "level"),
    [
        ("FileSystemImage", VL.IMAPI_BURN_VERIFICATION_QUICK),
        ("FileSystemImage", VL.IMAPI_BURN_VERIFICATION_FULL),
        ("pycdlib", VL.IMAPI_BURN_VERIFICATION_QUICK),
    ],
)
def test_write_a_generated_tree_and_read_it_back_independently(
    recorder: DiscRecorder2, peer: Peer, tmp_path: Path, producer: str, level: VL
) -> None:
    """Identify, master, write, close, verify; then read the recorded data independently."""
    tree = generated_tree()
    fmt = data_format(recorder)
    fmt.burn_verification_level = level
    if producer == "FileSystemImage":
        stream = master_fsi(tree, fmt, tmp_path / "tree")
        image = stream.read()
        stream.seek(0)
        assert fmt.write(stream) == SuccessCode.S_OK
    else:
        image = master(tree)
        assert fmt.write(io.BytesIO(image)) == SuccessCode.S_OK
    recorded = peer.recorded(tmp_path)
    assert recorded.read_bytes()[: len(image)] == image
    assert read_tree_pycdlib(recorded) == tree
    if shutil.which("xorriso"):
        expected = {path: hashlib.md5(data).hexdigest() for path, data in tree.items()}
        assert xorriso_md5s(recorded, tmp_path) == expected
    status = fmt.current_media_status
    if peer.finalizes_on_close:
        # tgt finalizes on any close and then reports a DVD-ROM (deviation 3): the disc is
        # closed for good and a second session is refused with the documented error.
        assert status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
        assert not status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
        with pytest.raises(errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED):
            fmt.write(io.BytesIO(image))
        assert recorded.read_bytes() == image  # and nothing was touched
    else:  # MMC: closing the session of a DVD+R leaves it appendable
        assert status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
        assert not status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
        assert fmt.next_writable_address > len(image) // 2048


def test_the_tray_is_unlocked_after_a_write_and_media_changes_are_seen(recorder: DiscRecorder2, peer: Peer) -> None:
    fmt = data_format(recorder)
    assert fmt.write(master({"a.txt": b"a" * 5000})) == SuccessCode.S_OK
    assert not peer.tray_locked()
    recorder.eject_media()
    with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA):
        _ = fmt.current_media_status
    recorder.close_tray()
    expected = MT.IMAPI_MEDIA_TYPE_DVDROM if peer.finalizes_on_close else MT.IMAPI_MEDIA_TYPE_DVDPLUSR
    assert fmt.current_physical_media_type == expected


def test_no_medium(empty_peer: Peer) -> None:
    with DiscRecorder2(empty_peer.address) as rec:
        fmt = data_format(rec)
        assert fmt.current_physical_media_type == MT.IMAPI_MEDIA_TYPE_UNKNOWN
        with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA):
            fmt.write(bytes(16 * 2048))
        with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA):
            _ = fmt.current_media_status


def test_medium_removal_prevented_by_another_client(recorder: DiscRecorder2, peer: Peer) -> None:
    with transport.open(peer.address) as other:
        other.execute(PreventAllowMediumRemoval(prevent=True).to_command())  # may meet a unit attention
        assert other.execute(PreventAllowMediumRemoval(prevent=True).to_command()).ok
        assert peer.tray_locked()
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED):
            recorder.eject_media()
        assert other.execute(PreventAllowMediumRemoval(prevent=False).to_command()).ok
    recorder.eject_media()
    recorder.close_tray()


def test_an_undefined_opcode_comes_back_as_sense(recorder: DiscRecorder2) -> None:
    # Pass-through sees what the drive says, a new nexus's power-on unit attention included.
    for _ in range(3):
        if recorder.send_command_no_data(bytes(6)).hresult == SuccessCode.S_OK:
            break
    result = recorder.send_command_no_data(bytes([0xFF, 0, 0, 0, 0, 0]))
    assert result.hresult == SuccessCode.S_IMAPI_COMMAND_HAS_SENSE_DATA
    sense = decode_sense(result.sense)
    assert sense is not None and (sense.key, sense.asc, sense.ascq) == (0x5, 0x20, 0x00)
    assert recorder.vendor_id  # the recorder keeps working


@pytest.mark.parametrize(
    "cdb",
    [bytes([0x53, 0, 0, 0, 0, 0, 0, 0, 16, 0]), bytes([0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0])],
    ids=["reserve-track", "gesn"],
)
def test_tgt_rejects_commands_mmc_requires(blank_dvd: Target, cdb: bytes) -> None:
    """Deviations 4 and 5 seen through pass-through: sense, not an exception."""
    with DiscRecorder2(blank_dvd.address()) as rec:
        rec.send_command_no_data(bytes(6))  # the power-on unit attention
        gesn = cdb[0] == 0x4A
        result = rec.send_command_get_data_from_device(cdb, 8) if gesn else rec.send_command_no_data(cdb)
        assert result.hresult == SuccessCode.S_IMAPI_COMMAND_HAS_SENSE_DATA
        sense = decode_sense(result.sense)
        assert sense is not None and (sense.key, sense.asc) == (0x5, 0x20)


def test_choose_image_defaults_from_the_recorder(recorder: DiscRecorder2) -> None:
    fsi = FileSystemImage()
    fsi.choose_image_defaults(recorder)
    assert fsi.free_media_blocks == data_format(recorder).free_sectors_on_media
