"""Microsoft's sample sequences (samples.md 1, 6, 8a-8f) as Windows scripts in pywin32 and
comtypes style (examples/automation/), run unmodified under ``python -m openimapi.automation``
on the virtual recorder; the discs are read back with pycdlib and isoinfo."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from openimapi import virtual

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "automation"
STYLES = {"pywin32": EXAMPLES / "imapi2_pywin32.py", "comtypes": EXAMPLES / "imapi2_comtypes.py"}
TREE = {"a.txt": b"first file\n", "sub/b.bin": bytes(range(256)) * 4096, "sub/deeper/c.txt": b"c" * 5000}

pytestmark = pytest.mark.parametrize("style", sorted(STYLES))


def run(style: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "openimapi.automation", str(STYLES[style]), *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    for rel, data in TREE.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def joliet_files(iso: Path) -> dict[str, bytes]:
    """Every file of an image, read by pycdlib through its Joliet tree."""
    import pycdlib

    pc = pycdlib.PyCdlib()
    pc.open(str(iso))
    out: dict[str, bytes] = {}
    try:
        for dirpath, _dirs, files in pc.walk(joliet_path="/"):
            for name in files:
                path = f"{dirpath.rstrip('/')}/{name}"
                buf = io.BytesIO()
                pc.get_file_from_iso_fp(buf, joliet_path=path)
                out[path.lstrip("/")] = buf.getvalue()
    finally:
        pc.close()
    return out


def isoinfo_volume(iso: Path) -> str:
    text = subprocess.run(["isoinfo", "-d", "-i", str(iso)], capture_output=True, text=True, check=True).stdout
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Volume id:"))


def export(drive: virtual.VirtualDrive, out: Path) -> Path:
    disc = drive.disc
    assert disc is not None
    disc.export(out)
    return out


needs_isoinfo = pytest.mark.skipif(shutil.which("isoinfo") is None, reason="isoinfo (genisoimage) not installed")


def test_list_recorders(style: str, tmp_path: Path) -> None:
    virtual.create_drive("d1").insert("dvd+r")
    virtual.create_drive("d2").insert("cd-rw")
    proc = run(style, "list", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "recorders: 2 supported: True"
    assert lines[1].startswith("0: ") and "media=6" in lines[1]  # DVD+R = IMAPI_MEDIA_TYPE_DVDPLUSR
    assert any(line.startswith("1: ") and "media=3" in line for line in lines)  # CD-RW


@needs_isoinfo
def test_burn_folder_with_progress_events(style: str, tmp_path: Path) -> None:
    drive = virtual.create_drive("d1")
    drive.insert("dvd+r")
    proc = run(style, "burn-folder", "0", str(folder(tmp_path)), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "files=3 dirs=2" in proc.stdout
    burned = next(line for line in proc.stdout.splitlines() if line.startswith("burned:"))
    assert int(burned.split("updates=")[1].split()[0]) > 0
    for action in ("0", "5", "6"):  # validating media, writing data, finalization
        assert action in burned.split("actions=")[1]
    iso = export(drive, tmp_path / "disc.iso")
    assert joliet_files(iso) == TREE
    assert isoinfo_volume(iso) == style.upper()


def test_cancel_button_stops_the_write(style: str, tmp_path: Path) -> None:
    drive = virtual.create_drive("d1")
    drive.insert("dvd+r")
    proc = run(style, "burn-folder", "0", str(folder(tmp_path)), "1", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "cancel button pressed" in proc.stdout
    assert "write cancelled: hresult=0xC0AA0002" in proc.stdout  # E_IMAPI_REQUEST_CANCELLED


@needs_isoinfo
def test_build_then_burn_an_iso_file(style: str, tmp_path: Path) -> None:
    image = tmp_path / "built.iso"
    proc = run(style, "mkiso", str(folder(tmp_path)), str(image), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"image written: {image.stat().st_size} bytes" in proc.stdout
    assert image.stat().st_size % 2048 == 0
    assert joliet_files(image) == TREE
    assert isoinfo_volume(image) == style.upper() + "ISO"
    drive = virtual.create_drive("d1")
    drive.insert("cd-r")
    proc = run(style, "burn-iso", "0", str(image), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    disc = export(drive, tmp_path / "disc.iso")
    assert disc.read_bytes()[: image.stat().st_size] == image.read_bytes()
    assert joliet_files(disc) == TREE


def test_erase_a_cd_rw(style: str, tmp_path: Path) -> None:
    drive = virtual.create_drive("d1")
    drive.insert("cd-rw")
    assert run(style, "burn-folder", "0", str(folder(tmp_path)), cwd=tmp_path).returncode == 0
    disc = drive.disc
    assert disc is not None and disc.status != "blank"
    proc = run(style, "erase", "0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "blank=True" in proc.stdout
    assert int(proc.stdout.split("updates=")[1].split()[0]) >= 1
    disc = drive.disc
    assert disc is not None and disc.status == "blank"


def test_erase_refused_on_write_once_media_carries_the_imapi_hresult(style: str, tmp_path: Path) -> None:
    virtual.create_drive("d1").insert("dvd+r")
    proc = run(style, "erase", "0", cwd=tmp_path)
    assert proc.returncode == 1
    assert "COM error 0xC0AA0909" in proc.stdout  # E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED


def _wav(path: Path, seconds: float, freq: int) -> Path:
    frames = int(44100 * seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes((i * freq) % 256 for i in range(frames * 4)))
    return path


def test_audio_cd_track_at_once(style: str, tmp_path: Path) -> None:
    import openimapi.imapi2 as imapi2

    if not hasattr(imapi2, "DiscFormat2TrackAtOnce"):
        pytest.skip("DiscFormat2TrackAtOnce is not part of this installation")
    drive = virtual.create_drive("d1")
    drive.insert("cd-r")
    tracks = [_wav(tmp_path / "one.wav", 4.0, 3), _wav(tmp_path / "two.wav", 3.0, 7)]
    proc = run(style, "audio", "0", *map(str, tracks), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "audio tracks burned: 2" in proc.stdout
    disc = drive.disc
    assert disc is not None
    assert len(disc.tracks) == 2
