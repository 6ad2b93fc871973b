"""Discovery of optical drives from a fake sysfs tree, and the enumerator registry."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimapi import devices
from openimapi.devices import DriveInfo, discover, discover_all, register_enumerator, unregister_enumerator


def scsi_device(root: Path, hctl: str, *, vendor: str, model: str, rev: str, type_: int) -> Path:
    dev = root / "devices" / "pci0000:00" / "0000:00:17.0" / "ata2" / "host1" / f"target{hctl[:5]}" / hctl
    dev.mkdir(parents=True)
    # sysfs pads the INQUIRY fields with spaces and ends them with a newline
    (dev / "vendor").write_text(f"{vendor:<8}\n")
    (dev / "model").write_text(f"{model:<16}\n")
    (dev / "rev").write_text(f"{rev:<4}\n")
    (dev / "type").write_text(f"{type_}\n")
    return dev


def block_entry(root: Path, name: str, device: Path) -> None:
    real = device / "block" / name
    real.mkdir(parents=True)
    (real / "device").symlink_to(device)
    link = root / "class" / "block" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(real)


@pytest.fixture
def sysfs(tmp_path: Path) -> Path:
    root = tmp_path / "sys"
    bd = scsi_device(root, "1:0:0:0", vendor="HL-DT-ST", model="BD-RE  WH16NS40", rev="1.00", type_=5)
    (bd / "scsi_generic" / "sg1").mkdir(parents=True)
    block_entry(root, "sr0", bd)
    # an older kernel's layout: a scsi_generic:sgN link
    dvd = scsi_device(root, "3:0:0:0", vendor="ASUS", model="DRW-24D5MT", rev="1.00", type_=5)
    (dvd / "scsi_generic:sg3").symlink_to(dvd)
    block_entry(root, "sr10", dvd)
    # no sg driver loaded
    worm = scsi_device(root, "4:0:0:0", vendor="PLEXTOR", model="CD-R PX-W4012A", rev="1.07", type_=4)
    block_entry(root, "sr2", worm)
    # a disk, and an sr entry whose type is not optical or unreadable: ignored
    disk = scsi_device(root, "0:0:0:0", vendor="ATA", model="Samsung SSD", rev="3B6Q", type_=0)
    block_entry(root, "sda", disk)
    odd = scsi_device(root, "5:0:0:0", vendor="X", model="Y", rev="Z", type_=0)
    block_entry(root, "sr5", odd)
    broken = scsi_device(root, "6:0:0:0", vendor="X", model="Y", rev="Z", type_=5)
    (broken / "type").write_text("?\n")
    block_entry(root, "sr6", broken)
    return root


def test_discover_reads_identity_and_nodes(sysfs: Path) -> None:
    assert discover(sysfs) == [
        DriveInfo("sg:/dev/sr0", "HL-DT-ST", "BD-RE  WH16NS40", "1.00", "/dev/sg1", "/dev/sr0"),
        DriveInfo("sg:/dev/sr2", "PLEXTOR", "CD-R PX-W4012A", "1.07", None, "/dev/sr2"),
        DriveInfo("sg:/dev/sr10", "ASUS", "DRW-24D5MT", "1.00", "/dev/sg3", "/dev/sr10"),
    ]


def test_dev_root_and_addresses_open_as_transports(sysfs: Path) -> None:
    from openimapi.transport import parse_address

    (info, *_) = discover(sysfs, dev_root="/dev")
    assert parse_address(info.address).target == info.block_node
    assert str(info) == "sg:/dev/sr0 (HL-DT-ST BD-RE  WH16NS40 1.00)"


def test_no_sysfs_means_no_drives(tmp_path: Path) -> None:
    assert discover(tmp_path / "nothing") == []


def test_missing_identity_files_read_as_empty(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    dev = scsi_device(root, "1:0:0:0", vendor="V", model="M", rev="R", type_=5)
    (dev / "rev").unlink()
    block_entry(root, "sr0", dev)
    assert discover(root)[0].revision == ""


@pytest.fixture
def registry() -> Iterator[None]:
    saved = devices.enumerators()
    yield
    for name in devices.enumerators():
        if name not in saved:
            unregister_enumerator(name)


def test_sysfs_is_registered_by_default() -> None:
    assert devices.enumerators()["sysfs"] is discover


@pytest.mark.usefixtures("registry")
def test_discover_all_merges_enumerators_and_survives_failures(caplog: pytest.LogCaptureFixture) -> None:
    virtual = DriveInfo("virtual:studio", "OPENIMAP", "VIRTUAL BD-RE", "0.1")

    def broken() -> list[DriveInfo]:
        raise OSError("portal unreachable")

    register_enumerator(broken, "test-broken")
    register_enumerator(lambda: [virtual, virtual], "test-virtual")
    register_enumerator(lambda: ["not a drive"], "test-junk")  # type: ignore[list-item]
    with caplog.at_level(logging.WARNING, logger="openimapi.devices"):
        drives = discover_all()
    assert drives.count(virtual) == 1
    assert drives[-1] == virtual
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "test-broken failed" in messages and "test-junk returned" in messages


@pytest.mark.usefixtures("registry")
def test_register_as_decorator_and_unregister() -> None:
    @register_enumerator
    def extra() -> list[DriveInfo]:
        return [DriveInfo("virtual:x", "", "", "")]

    name = f"{__name__}.test_register_as_decorator_and_unregister.<locals>.extra"
    assert devices.enumerators()[name] is extra
    assert DriveInfo("virtual:x", "", "", "") in discover_all()
    unregister_enumerator(name)
    assert name not in devices.enumerators()
    with pytest.raises(KeyError):
        unregister_enumerator(name)


def test_drive_info_is_frozen_and_validated() -> None:
    info = DriveInfo("virtual:x", "v", "p", "r")
    with pytest.raises(AttributeError):
        info.vendor = "w"  # type: ignore[misc]
    with pytest.raises(ValueError):
        DriveInfo("", "v", "p", "r")


@pytest.mark.hardware
def test_hardware_drive_is_discovered(hardware_device: str) -> None:
    assert any(d.block_node == hardware_device or d.sg_node == hardware_device for d in discover())


@pytest.mark.usefixtures("registry")
def test_drives_cli(monkeypatch: pytest.MonkeyPatch, sysfs: Path) -> None:
    from click.testing import CliRunner

    from openimapi.cli import cli

    monkeypatch.setitem(devices._ENUMERATORS, "sysfs", lambda: discover(sysfs))
    register_enumerator(lambda: [DriveInfo("virtual:studio", "OPENIMAP", "VIRTUAL", "0.1")], "test-virtual")
    result = CliRunner().invoke(cli, ["drives"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["sg:/dev/sr0", "HL-DT-ST", "BD-RE", "WH16NS40", "1.00", "/dev/sr0,", "/dev/sg1"]
    assert lines[-1].split() == ["virtual:studio", "OPENIMAP", "VIRTUAL", "0.1"]
    result = CliRunner().invoke(cli, ["drives", "--json"])
    data = json.loads(result.output)
    assert data[1] == {
        "address": "sg:/dev/sr2",
        "vendor": "PLEXTOR",
        "product": "CD-R PX-W4012A",
        "revision": "1.07",
        "sg_node": None,
        "block_node": "/dev/sr2",
        "medium": None,
        "state": None,
    }
    monkeypatch.setattr(devices, "_ENUMERATORS", {})
    assert CliRunner().invoke(cli, ["drives"]).output == "no drives found\n"


@pytest.mark.usefixtures("registry")
def test_a_missing_enumerator_module_is_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(devices, "ENUMERATOR_MODULES", ["openimapi.no_such_backend"])
    monkeypatch.setattr(devices, "_imported", set())
    register_enumerator(lambda: [DriveInfo("virtual:a", "", "", "")], "test-a")
    with caplog.at_level(logging.WARNING, logger="openimapi.devices"):
        assert DriveInfo("virtual:a", "", "", "") in discover_all()
    assert "openimapi.no_such_backend cannot be imported" in caplog.text


def test_virtual_drives_are_discovered_without_importing_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    from openimapi import virtual

    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path / "home"))
    virtual.create_drive("found-me")
    code = "from openimapi import devices; print([d.address for d in devices.discover_all()])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'virtual:found-me'" in out
