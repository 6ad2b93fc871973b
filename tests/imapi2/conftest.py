"""Virtual drives in a private $OPENIMAPI_HOME for the IMAPI2 tests, and ISO helpers."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import openimapi
from openimapi.engine import device as engine_device


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("OPENIMAPI_HOME", str(path))
    monkeypatch.setattr(engine_device, "TRANSIENT_WAIT", 0.3)
    return path


@pytest.fixture
def make_drive() -> Iterator[Any]:
    from openimapi import virtual

    made: list[openimapi.DiscRecorder2] = []

    def make(media: str | None = "bd-r", name: str = "d1", model: str = "bd-writer") -> openimapi.DiscRecorder2:
        drive = virtual.create_drive(name, model=model)
        if media is not None:
            drive.insert(media)
        recorder = openimapi.DiscRecorder2()
        recorder.initialize_disc_recorder(drive.address)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        try:
            held = recorder.exclusive.held
        except openimapi.errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE:
            held = False  # closed by the test
        assert not held, "a test left exclusive access held"
        recorder.close()
    for drive in virtual.list_drives():
        assert not drive.medium_locked, f"a test left the medium of {drive.address} locked"



def vdrive(name: str = "d1") -> Any:
    from openimapi import virtual

    return virtual.open_drive(name)


def writer(recorder: openimapi.DiscRecorder2, client: str = "pytest") -> openimapi.DiscFormat2Data:
    fmt = openimapi.DiscFormat2Data()
    fmt.recorder = recorder
    fmt.client_name = client
    return fmt


def make_iso(tmp_path: Path, files: dict[str, bytes], *, name: str = "img", extra: list[str] | None = None) -> Path:
    """An ISO 9660 + Joliet image made by genisoimage (an independent mastering tool)."""
    src = tmp_path / f"{name}-src"
    src.mkdir()
    for rel, data in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    out = tmp_path / f"{name}.iso"
    cmd = ["genisoimage", "-quiet", "-J", "-R", "-V", name.upper(), "-o", str(out), *(extra or []), str(src)]
    subprocess.run(cmd, check=True)
    return out


class _SessionView(io.RawIOBase):
    """A disc image seen from the session starting at ``start``: its volume descriptor set
    (from sector start+16 to the terminator) appears at sector 16, as a multisession-aware
    reader finds it; every other sector is where it is (ISO 9660 addresses are absolute)."""

    def __init__(self, path: Path, start: int) -> None:
        super().__init__()
        self._f = path.open("rb")
        self._start = start
        self._pos = 0
        self._vds = 0  # sectors of the session's volume descriptor set, terminator included
        if start:
            while self._vds < 16:
                self._f.seek((start + 16 + self._vds) * 2048)
                kind = self._f.read(1)
                self._vds += 1
                if kind in (b"\xff", b""):
                    break

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        end = self._f.seek(0, io.SEEK_END)
        self._pos = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: end}[whence] + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view):
            sector, inner = divmod(self._pos, 2048)
            real = sector + self._start if 16 <= sector < 16 + self._vds else sector
            self._f.seek(real * 2048 + inner)
            chunk = self._f.read(min(len(view) - done, 2048 - inner))
            if not chunk:
                break
            view[done : done + len(chunk)] = chunk
            done += len(chunk)
            self._pos += len(chunk)
        return done

    def close(self) -> None:
        self._f.close()
        super().close()


def iso_files(iso: Path, session_start: int = 0) -> dict[str, bytes]:
    """Every file of the session starting at ``session_start`` of a disc image, as read by
    pycdlib (Rock Ridge names)."""
    import pycdlib

    pc = pycdlib.PyCdlib()
    view = _SessionView(iso, session_start)
    pc.open_fp(view)
    out: dict[str, bytes] = {}
    try:
        if pc.has_rock_ridge():
            kind = "rr_path"
        elif pc.has_joliet():
            kind = "joliet_path"
        else:
            kind = "iso_path"
        for dirpath, _dirs, files in pc.walk(**{kind: "/"}):
            for f in files:
                path = f"{dirpath.rstrip('/')}/{f}"
                buf = io.BytesIO()
                pc.get_file_from_iso_fp(buf, **{kind: path})
                name = path.lstrip("/")
                if kind == "iso_path":
                    name = name.split(";")[0].rstrip(".").lower()
                out[name] = buf.getvalue()
    finally:
        pc.close()
        view.close()
    return out


def seven_zip_files(image: Path, tmp_path: Path) -> dict[str, bytes]:
    """Every file of a disc image as 7-Zip extracts it (it reads UDF, then ISO 9660)."""
    exe = shutil.which("7z")
    if exe is None:  # pragma: no cover - CI installs p7zip-full
        pytest.skip("7z not installed")
    out = tmp_path / f"7z-{image.stem}"
    subprocess.run([exe, "x", "-y", f"-o{out}", str(image)], check=True, capture_output=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def isoinfo_listing(iso: Path) -> str:
    if shutil.which("isoinfo") is None:  # pragma: no cover - CI installs genisoimage
        pytest.skip("isoinfo not installed")
    return subprocess.run(["isoinfo", "-R", "-l", "-i", str(iso)], check=True, capture_output=True, text=True).stdout
