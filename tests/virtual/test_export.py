"""A data disc written with raw WRITE commands and exported as ISO is read by independent
tools (xorriso, isoinfo) with the same bytes; ISO images become pressed discs."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimapi import virtual
from openimapi.mmc import disc as md
from openimapi.mmc import features as mf

from .host import Host

needs_tools = pytest.mark.skipif(
    not (shutil.which("xorriso") and shutil.which("isoinfo") and shutil.which("genisoimage")),
    reason="xorriso, isoinfo and genisoimage are needed (apt-get install xorriso genisoimage; .ci/run does)",
)


@pytest.fixture
def iso(tmp_path: Path) -> Path:
    """An ISO 9660 + Joliet image made by genisoimage from a small tree."""
    if not shutil.which("genisoimage"):
        pytest.skip("genisoimage is not installed (apt-get install genisoimage)")
    tree = tmp_path / "tree"
    (tree / "docs").mkdir(parents=True)
    (tree / "README.TXT").write_text("virtual recorder\n" * 100)
    (tree / "docs" / "DATA.BIN").write_bytes(bytes(range(256)) * 700)
    out = tmp_path / "source.iso"
    subprocess.run(["genisoimage", "-quiet", "-J", "-R", "-V", "VIRTUALTEST", "-o", str(out), str(tree)], check=True)
    return out


@pytest.fixture
def host() -> Iterator[Host]:
    h = Host("rec")
    yield h
    h.close()


def _burn(h: Host, image: bytes, start: int = 0) -> None:
    for off in range(0, len(image), 32768):
        chunk = image[off : off + 32768]
        if len(chunk) < 32768:
            chunk += bytes(-len(chunk) % 2048)
        lba = start + off // 2048
        h.ok(f"2a 00 {lba:08x} 00 {len(chunk) // 2048:04x} 00", out=chunk)
    h.ok("35 00 00 00 00 00 00 00 00 00")


@needs_tools
def test_dvd_written_with_write10_exports_a_readable_iso(host: Host, iso: Path, tmp_path: Path) -> None:
    drive = virtual.create_drive("rec")
    disc = drive.insert("dvd+r")
    host.settle()
    image = iso.read_bytes()
    _burn(host, image)
    host.ok("5b 00 01 00 00 01 00 00 00 00")  # close track 1
    host.ok("5b 00 05 00 00 00 00 00 00 00")  # finalize
    out = tmp_path / "export.iso"
    disc.export(out)
    exported = out.read_bytes()
    # the track was padded to a 16-block ECC boundary with zeros
    assert exported[: len(image)] == image and exported[len(image) :] == bytes(len(exported) - len(image))
    listing = subprocess.run(["isoinfo", "-i", str(out), "-J", "-l"], capture_output=True, text=True, check=True)
    assert "README.TXT" in listing.stdout and "DATA.BIN" in listing.stdout
    data = subprocess.run(["isoinfo", "-i", str(out), "-J", "-x", "/docs/DATA.BIN"], capture_output=True, check=True)
    assert data.stdout == bytes(range(256)) * 700
    found = subprocess.run(["xorriso", "-indev", str(out), "-find", "/", "-type", "f"], capture_output=True,
                           text=True, check=True)
    assert "'/docs/DATA.BIN'" in found.stdout and "'/README.TXT'" in found.stdout
    extracted = tmp_path / "README.TXT"
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(out), "-extract", "/README.TXT", str(extracted)],
                   capture_output=True, check=True)
    assert extracted.read_text() == "virtual recorder\n" * 100


@needs_tools
def test_cd_data_track_exports_as_iso_and_bin_cue(host: Host, iso: Path, tmp_path: Path) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    disc = drive.insert("cd-r")
    host.settle()
    image = iso.read_bytes()
    _burn(host, image)  # default page 05: TAO, mode 1, 2048-byte blocks
    host.ok("5b 00 02 00 00 00 00 00 00 00")  # close session: finalizes (multi-session 00b)
    out = tmp_path / "cd.iso"
    disc.export(out)
    assert out.read_bytes()[: len(image)] == image
    listing = subprocess.run(["isoinfo", "-i", str(out), "-l"], capture_output=True, text=True, check=True)
    assert "README.TXT" in listing.stdout
    cue, binary = disc.export(tmp_path / "cd.cue")
    assert "TRACK 01 MODE1/2352" in cue.read_text()
    raw = binary.read_bytes()
    sector16 = raw[16 * 2352 : 17 * 2352]
    assert sector16[:12] == bytes([0] + [0xFF] * 10 + [0])  # sync
    assert sector16[12:16] == bytes([0x00, 0x02, 0x16, 0x01])  # 00:02:16, mode 1
    assert sector16[16:2064] == image[16 * 2048 : 17 * 2048]  # the primary volume descriptor


def test_iso_becomes_a_pressed_disc(host: Host, tmp_path: Path) -> None:
    image = tmp_path / "small.iso"
    content = b"".join(i.to_bytes(4, "big") * 512 for i in range(40))
    image.write_bytes(content)
    drive = virtual.create_drive("rec", "dvd-writer")
    disc = drive.insert(image)
    assert disc.media == "cd-rom"  # fits a CD
    dvd = virtual.disc_from_image(image, "dvd-rom")
    drive.eject()
    drive.insert(dvd)
    host.settle()
    conf = mf.Configuration.from_bytes(host.ok("46 02 00 00 00 00 00 00 08 00", 8))
    assert conf.current_profile == 0x10  # DVD-ROM
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.erasable) == (2, False)
    assert host.ok("28 00 00 00 00 05 00 00 02 00", 4096) == content[5 * 2048 : 7 * 2048]
    assert host.ok("25 00 00 00 00 00 00 00 00 00", 8) == (39).to_bytes(4, "big") + (2048).to_bytes(4, "big")
    assert host.sense("2a 00 00 00 00 28 00 00 01 00", out=bytes(2048)) == (5, 0x30, 0x05)
    assert dvd.write_protected
    with pytest.raises(ValueError):
        dvd.write_protected = False
