"""Independent readers used as oracles: each lists an image's files in one namespace and
extracts their bytes, so a scenario is checked by tools that share no code with us.

Every reader returns ``{path: sha256 hex}`` for files plus the set of directory paths;
paths are '/'-separated, without ISO version suffixes (';1') or trailing dots.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from openimapi.enums import FsiFileSystems
from openimapi.fs import FileSystemImage, FsiDirectoryItem, FsiFileItem
from openimapi.fs.names import rr_names

ISO = FsiFileSystems.FsiFileSystemISO9660
JOLIET = FsiFileSystems.FsiFileSystemJoliet
UDF = FsiFileSystems.FsiFileSystemUDF


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean(path: str) -> str:
    """Reader-visible form of an ISO 9660 path component list."""
    parts = []
    for part in path.strip("/").split("/"):
        if part.endswith(";1"):
            part = part[:-2].rstrip(".")
        parts.append(part)
    return "/" + "/".join(parts)


@dataclass
class Listing:
    files: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)


def expected(fsi: FileSystemImage, namespace: str) -> Listing:
    """What a reader of one namespace must see: names from FileSystemName, bytes from Data."""
    out = Listing()
    fs = {"iso": ISO, "joliet": JOLIET, "udf": UDF, "rr": None}[namespace]
    stack: list[tuple[FsiDirectoryItem, str]] = [(fsi.root, "")]
    while stack:
        d, prefix = stack.pop()
        rr = rr_names(d._node) if namespace == "rr" else {}  # names beyond 255 UTF-8 bytes are cut
        for item in d:
            if namespace == "rr":
                name = rr[item._node]
            else:
                if type(item).__name__ == "FsiSymlinkItem":
                    if namespace == "iso":  # recorded as an empty file carrying the RR link
                        out.files[f"{prefix}/{item.file_system_name(fs)}"] = digest(b"")
                    continue
                name = item.file_system_name(fs)
            path = f"{prefix}/{name}"
            if isinstance(item, FsiDirectoryItem):
                out.dirs.add(path)
                stack.append((item, path))
            elif isinstance(item, FsiFileItem):
                out.files[path] = digest(item.data.read())
    return out


def write_image(fsi: FileSystemImage, path: Path) -> Path:
    result = fsi.create_result_image()
    with open(path, "wb") as f:
        result.image_stream.write_to(f)
    return path


def _walk_dir(root: Path) -> Listing:
    out = Listing()
    for dirpath, dirnames, filenames in os.walk(root):
        rel = "/" + os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel = "" if rel == "/." else rel
        for d in dirnames:
            out.dirs.add(f"{rel}/{d}")
        for f in filenames:
            p = Path(dirpath) / f
            if p.is_symlink():
                continue
            out.files[f"{rel}/{f}"] = digest(p.read_bytes())
    return out


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (apt-get install xorriso genisoimage p7zip-full udftools)")
    return found


def _run(*args: str) -> bytes:
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return subprocess.run(args, check=True, capture_output=True, timeout=600, env=env).stdout


# ----- the readers ------------------------------------------------------------------------


def read_pycdlib(image: Path, namespace: str) -> Listing:
    pycdlib = pytest.importorskip("pycdlib")
    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    try:
        key = {"iso": "iso_path", "joliet": "joliet_path", "rr": "rr_path", "udf": "udf_path"}[namespace]
        out = Listing()
        for dirpath, dirnames, filenames in iso.walk(**{key: "/"}):
            base = "" if dirpath == "/" else dirpath
            for d in dirnames:
                out.dirs.add(clean(f"{base}/{d}") if namespace == "iso" else f"{base}/{d}")
            for f in filenames:
                full = f"{base}/{f}"
                rec = iso.get_record(**{key: full})
                if namespace in ("rr", "iso") and rec.rock_ridge is not None and rec.rock_ridge.is_symlink():
                    if namespace == "iso":  # a link is an empty file to a reader without Rock Ridge
                        out.files[clean(full)] = digest(b"")
                    continue
                buf = io.BytesIO()
                iso.get_file_from_iso_fp(buf, **{key: full})
                out.files[clean(full) if namespace == "iso" else full] = digest(buf.getvalue())
        return out
    finally:
        iso.close()


def read_isoinfo(image: Path, namespace: str) -> Listing:
    tool = need("isoinfo")
    # isoinfo converts Joliet names to an 8-bit charset only: read them as Latin-1 (see LATIN1)
    flag = {"iso": [], "joliet": ["-J", "-j", "iso8859-1"], "rr": ["-R"]}[namespace]
    codec = "latin-1" if namespace == "joliet" else "utf-8"
    names = _run(tool, "-i", str(image), "-f", *flag).decode(codec, "surrogateescape").splitlines()
    listing = _run(tool, "-i", str(image), "-l", *flag).decode(codec, "surrogateescape").splitlines()
    dirs = {line.split("Directory listing of ", 1)[1].rstrip("/") for line in listing
            if line.startswith("Directory listing of ")}
    links = set()
    if namespace == "rr":
        current = ""
        for line in listing:
            if line.startswith("Directory listing of "):
                current = line.split("Directory listing of ", 1)[1].rstrip("/")
            elif line.startswith("l"):
                name = line.split("]  ", 1)[1].split(" -> ")[0].rstrip()
                links.add(f"{current}/{name}")
    out = Listing()
    for name in names:
        if name in dirs:
            out.dirs.add(clean(name) if namespace == "iso" else name)
        elif name not in links:
            data = _run(tool, "-i", str(image), *flag, "-x", name.encode(codec, "surrogateescape").decode(
                "utf-8", "surrogateescape"))
            out.files[clean(name) if namespace == "iso" else name] = digest(data)
    return out


def read_xorriso(image: Path, namespace: str) -> Listing:
    tool = need("xorriso")
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "x"
        _run(tool, "-indev", str(image), "-osirrox", "on", "-extract", "/", str(dest))
        return _walk_dir(dest)


def read_7z(image: Path, namespace: str) -> Listing:
    tool = need("7z")
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "x"
        kind = "-tudf" if namespace == "udf" else "-tiso"
        _run(tool, "x", "-y", kind, f"-o{dest}", str(image))
        dest.mkdir(exist_ok=True)
        return _walk_dir(dest)


def read_udfinfo(image: Path, namespace: str) -> Listing:
    """udfinfo checks the UDF structures; the file listing comes from 7z -tudf."""
    tool = need("udfinfo")
    info = subprocess.run([tool, str(image)], capture_output=True, timeout=60)
    assert info.returncode == 0, info.stderr.decode()
    text = info.stdout.decode()
    assert "udfrev=" in text
    return read_7z(image, "udf")


READERS: dict[str, Callable[[Path, str], Listing]] = {
    "pycdlib": read_pycdlib,
    "isoinfo": read_isoinfo,
    "xorriso": read_xorriso,
    "7z": read_7z,
    "udfinfo": read_udfinfo,
}

#: which namespaces each reader can check
NAMESPACES = {
    "pycdlib": ("iso", "joliet", "rr", "udf"),
    "isoinfo": ("iso", "joliet", "rr"),
    "xorriso": ("rr", "joliet"),
    "7z": ("joliet", "udf"),
    "udfinfo": ("udf",),
}


def assert_same(got: Listing, want: Listing, what: str) -> None:
    missing = sorted(set(want.files) - set(got.files))
    extra = sorted(set(got.files) - set(want.files))
    assert not missing and not extra, f"{what}: missing {missing[:5]} extra {extra[:5]}"
    wrong = sorted(p for p in want.files if got.files[p] != want.files[p])
    assert not wrong, f"{what}: different bytes in {wrong[:5]}"
    assert want.dirs <= got.dirs | set(), f"{what}: missing directories {sorted(want.dirs - got.dirs)[:5]}"


def _latin1(listing: Listing) -> Listing:
    """What isoinfo shows for Joliet names: characters beyond Latin-1 become '_'."""
    def conv(path: str) -> str:
        return "".join(c if ord(c) < 256 else "_" for c in path)

    return Listing({conv(p): d for p, d in listing.files.items()}, {conv(p) for p in listing.dirs})


def check(fsi: FileSystemImage, image: Path, reader: str, namespace: str) -> None:
    """One oracle on one namespace of an image built from ``fsi``."""
    want = expected(fsi, namespace)
    if reader == "isoinfo" and namespace == "joliet":
        want = _latin1(want)
    assert_same(READERS[reader](image, namespace), want, f"{reader}/{namespace}")
