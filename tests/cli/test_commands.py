"""Every command through click's runner on virtual drives; results read back with pycdlib."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from openimapi import virtual

from .conftest import files_of, host_files, json_lines, run


def _export_default(tmp_path: Path, name: str = "disc.iso", disc: str | None = None) -> Path:
    out = tmp_path / name
    args = ["virtual", "export", "default", str(out)]
    if disc:
        args[3:3] = ["--disc", disc]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return out


def test_burn_uses_the_default_autoloader_and_keeps_the_disc(tree: Path, tmp_path: Path) -> None:
    result = run("burn", str(tree), "--verify", "full")
    assert result.exit_code == 0, result.output
    assert "burning" in result.stdout and "verified full" in result.stdout
    drive = virtual.open_drive("default")
    assert drive.autoloader
    disc = drive.disc
    assert disc is not None and disc.media == "cd-r"  # the smallest blank medium that fits
    assert [d.id for d in drive.library] == [disc.id]
    assert files_of(_export_default(tmp_path)) == host_files(tree)


def test_burn_json_lines_end_in_completed(tree: Path) -> None:
    result = run("burn", str(tree), "--json")
    assert result.exit_code == 0, result.output
    events = json_lines(result.stdout)
    assert {e["event"] for e in events[:-1]} == {"progress"}
    phases = [e["phase"] for e in events if e["event"] == "progress"]
    assert "writing" in phases and "verifying" in phases and phases[-1] == "completed"
    percents = [e["percent"] for e in events if e["event"] == "progress" and e["phase"] == "writing"]
    assert percents == sorted(percents)
    done = events[-1]
    assert done["event"] == "completed" and done["drive"] == "virtual:default" and done["media"] == "CD-R"
    assert done["files"] == 3 and done["directories"] == 1 and done["session"] == 1
    assert done["bytes"] == done["sectors"] * 2048


def test_second_burn_appends_a_session(tree: Path, tmp_path: Path) -> None:
    assert run("burn", str(tree), "-q").exit_code == 0
    more = tmp_path / "more"
    more.mkdir()
    (more / "readme.txt").write_bytes(b"replaced\n")
    (more / "extra.txt").write_bytes(b"new\n")
    result = run("burn", str(more), "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[-1]["session"] == 2
    info = json_lines(run("info", "--json").stdout)[-1]
    assert info["sessions"] == 2 and [t["session"] for t in info["tracks"]] == [1, 2]
    assert info["medium"] == "CD-R" and "appendable" in info["state"]
    # the second session holds both trees, the newer readme winning
    start = info["tracks"][1]["start"]
    image = _export_default(tmp_path)
    expected = {**host_files(tree), "readme.txt": b"replaced\n", "extra.txt": b"new\n"}
    assert _files_at(image, start) == expected


def _files_at(image: Path, start: int) -> dict[str, bytes]:
    """The files of the session starting at ``start``, read by isoinfo (an independent reader)."""
    if shutil.which("isoinfo") is None:  # pragma: no cover - CI installs genisoimage
        pytest.skip("isoinfo not installed")
    base = ["isoinfo", "-R", "-i", str(image), "-T", str(start)]
    names = subprocess.run([*base, "-f"], capture_output=True, check=True).stdout.decode().split()
    out = {}
    for name in names:
        data = subprocess.run([*base, "-x", name], capture_output=True, check=True).stdout
        if not name.endswith("2024"):
            out[name.lstrip("/")] = data
    return out


def test_new_on_an_appendable_disc_loads_another_blank(tree: Path) -> None:
    assert run("burn", str(tree), "-q").exit_code == 0
    first = virtual.open_drive("default").disc
    assert run("burn", str(tree), "--new", "-q").exit_code == 0
    drive = virtual.open_drive("default")
    assert drive.disc is not None and drive.disc != first
    assert len(drive.library) == 2 and drive.disc.status == "appendable"


def test_mkiso_write_verify_read(tree: Path, tmp_path: Path) -> None:
    iso = tmp_path / "photos.iso"
    result = run("mkiso", str(tree), "-o", str(iso), "--label", "PHOTOS", "--fs", "iso9660,joliet")
    assert result.exit_code == 0, result.output
    assert files_of(iso) == host_files(tree)
    assert iso.read_bytes()[16 * 2048 + 40 : 16 * 2048 + 46] == b"PHOTOS"
    virtual.create_drive("w", "dvd-writer").insert("dvd+r")
    result = run("write", str(iso), "-d", "virtual:w", "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[-1]["event"] == "completed"
    result = run("verify", "-d", "virtual:w", "--against", str(iso))
    assert result.exit_code == 0, result.output
    assert f"identical to {iso}" in result.stdout
    copy = tmp_path / "copy.iso"
    result = run("read", "-d", "virtual:w", str(copy))
    assert result.exit_code == 0, result.output
    data = copy.read_bytes()  # the track is padded to a whole ECC block of 16 sectors
    assert data[: iso.stat().st_size] == iso.read_bytes()
    assert len(data) % (16 * 2048) == 0 and not data[iso.stat().st_size :].strip(b"\0")


def test_verify_finds_a_difference(tree: Path, tmp_path: Path) -> None:
    iso = tmp_path / "a.iso"
    assert run("mkiso", str(tree), "-o", str(iso), "-q").exit_code == 0
    virtual.create_drive("w", "dvd-writer").insert("dvd+r")
    assert run("write", str(iso), "-d", "virtual:w", "-q").exit_code == 0
    data = bytearray(iso.read_bytes())
    data[40 * 2048 + 7] ^= 0xFF
    other = tmp_path / "b.iso"
    other.write_bytes(bytes(data))
    result = run("verify", "-d", "virtual:w", "--against", str(other))
    assert result.exit_code == 7
    assert result.stderr.splitlines()[0] == f"openimapi: the disc differs from {other} at LBA 40 (image sector 40)"


def test_erase_eject_close_tray(tree: Path) -> None:
    drive = virtual.create_drive("rw", "dvd-writer")
    drive.insert("cd-rw")
    assert run("burn", str(tree), "-d", "virtual:rw", "-q").exit_code == 0
    assert drive.disc is not None and drive.disc.status == "appendable"
    result = run("erase", "-d", "virtual:rw")
    assert result.exit_code == 0, result.output
    assert "the disc is blank" in result.stdout
    assert drive.disc is not None and drive.disc.status == "blank"
    assert run("eject", "-d", "virtual:rw").exit_code == 0
    assert drive.tray_open and drive.disc is None
    assert run("close-tray", "-d", "virtual:rw").exit_code == 0
    assert not drive.tray_open  # the disc stayed in the tray, as in a real drive
    result = run("info", "-d", "virtual:rw")
    assert result.exit_code == 0 and "medium    CD-RW, blank" in result.stdout


def test_info_table(tree: Path) -> None:
    assert run("burn", str(tree), "-q").exit_code == 0
    result = run("info")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("drive     virtual:default: HL-DT-ST BD-RE")
    assert lines[1] == "medium    CD-R, appendable"
    assert any(line.split()[:4] == ["1", "1", "data", "0"] for line in lines)
    data = json_lines(run("info", "--json").stdout)[-1]
    assert data["write_speeds"][0] == 48 and "CD_RECORDABLE" in data["current_profiles"]
    assert data["free_sectors"] + data["used_sectors"] == data["total_sectors"]


def test_simulate_writes_nothing(tree: Path) -> None:
    virtual.create_drive("s", "dvd-writer").insert("dvd+r")
    result = run("burn", str(tree), "-d", "virtual:s", "--simulate")
    assert result.exit_code == 0, result.output
    assert "nothing was written" in result.stdout
    assert virtual.open_drive("s").disc.status == "blank"  # type: ignore[union-attr]


def test_virtual_discs_and_export_by_number(tree: Path, tmp_path: Path) -> None:
    assert run("burn", str(tree), "-q").exit_code == 0
    assert run("burn", str(tree), "--new", "-q").exit_code == 0
    result = run("virtual", "discs")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].split()[:2] == ["1", virtual.open_drive("default").library[0].id]
    assert rows[1].split()[0] == "2"
    out = _export_default(tmp_path, "first.iso", disc="1")
    assert files_of(out) == host_files(tree)


@pytest.mark.parametrize("command", ["audio", "burn", "write", "mkiso", "info", "erase", "eject", "close-tray",
                                     "verify", "read", "drives"])
def test_help_has_examples(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    if command != "drives":
        assert "Examples:" in result.stdout and f"openimapi {command}" in result.stdout


def test_drives_table_shows_the_medium(tree: Path) -> None:
    virtual.create_drive("a", "dvd-writer").insert("dvd-r")
    virtual.create_drive("b", "cd-writer")
    assert run("burn", str(tree), "-q").exit_code == 0
    lines = {line.split()[0]: line for line in run("drives").stdout.splitlines()}
    assert lines["virtual:a"].endswith("DVD-R (blank)")
    assert lines["virtual:b"].endswith("no disc")
    assert lines["virtual:default"].endswith("CD-R (appendable)")
    import json

    rows = {r["address"]: r for r in json.loads(run("drives", "--json").stdout)}
    assert (rows["virtual:a"]["medium"], rows["virtual:a"]["state"]) == ("DVD-R", "blank")


def test_bootable_and_file_system_options(tree: Path, tmp_path: Path) -> None:
    boot = tmp_path / "boot.img"
    boot.write_bytes(b"\xeb\x3c" + bytes(2046))
    iso = tmp_path / "boot.iso"
    result = run("mkiso", str(tree), "-o", str(iso), "--boot", str(boot), "--efi", str(boot), "--fs", "iso9660",
                 "--no-rock-ridge", "-q")
    assert result.exit_code == 0, result.output
    data = iso.read_bytes()
    assert data[17 * 2048 + 7 : 17 * 2048 + 30] == b"EL TORITO SPECIFICATION"
    assert b"CD001" in data[16 * 2048 : 16 * 2048 + 8] and b"BEA01" not in data[: 40 * 2048]  # no UDF
    result = run("mkiso", str(tree), "-o", str(tmp_path / "u.iso"), "--fs", "udf", "--udf-revision", "2.50", "-q")
    assert result.exit_code == 0, result.output
    head = (tmp_path / "u.iso").read_bytes()[: 64 * 2048]
    assert b"NSR03" in head and b"CD001" not in head  # UDF 2.x only
    result = run("mkiso", str(tree), "-o", str(tmp_path / "x.iso"), "--fs", "hfs")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["openimapi: unknown file system 'hfs'",
                                          "hint: use iso9660, joliet and/or udf, e.g. --fs iso9660,joliet"]


def test_random_writable_disc_is_rewritten_whole(tree: Path, tmp_path: Path) -> None:
    virtual.create_drive("rw", "dvd-writer").insert("dvd+rw")
    assert run("burn", str(tree), "-d", "virtual:rw", "-q").exit_code == 0
    result = run("burn", str(tree), "-d", "virtual:rw", "--append")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "openimapi: cannot add to the files on a DVD+RW yet (random-writable discs are rewritten whole)",
        "hint: burn without --append to replace its contents"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "only.txt").write_bytes(b"only\n")
    assert run("burn", str(other), "-d", "virtual:rw", "-q").exit_code == 0
    copy = tmp_path / "copy.iso"
    assert run("read", "-d", "virtual:rw", str(copy), "-q").exit_code == 0
    assert files_of(copy) == {"only.txt": b"only\n"}
