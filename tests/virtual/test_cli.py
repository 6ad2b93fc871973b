"""``openimapi virtual``: the verbs, their output and their plain error messages."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from openimapi import virtual
from openimapi.cli import cli

from .host import Host


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["virtual", *args])
    return result.exit_code, result.output


def test_create_insert_list_eject_remove(openimapi_home: Path) -> None:
    assert run("create", "d1") == (0, "created virtual:d1: HL-DT-ST BD-RE  WH16NS40 1.00 (bd-writer)\n")
    code, out = run("create", "d2", "--model", "cd-writer")
    assert code == 0 and "PLEXTOR" in out
    code, out = run("insert", "d1", "dvd+r")
    assert code == 0 and "(dvd+r, blank)" in out
    code, out = run("list")
    lines = out.splitlines()
    assert lines[0].startswith("virtual:d1") and "dvd+r blank, 0 blocks" in lines[0]
    assert lines[1].startswith("virtual:d2") and "empty" in lines[1]
    disc_id = virtual.open_drive("d1").disc.id  # type: ignore[union-attr]
    assert run("eject", "d1") == (0, f"ejected {disc_id}\n")
    code, out = run("insert", "d2", disc_id)  # a disc goes from one drive to another by id
    assert code == 0 and disc_id in out
    assert virtual.open_drive("d2").disc == virtual.open_disc(disc_id)
    assert run("remove", "d1") == (0, "removed virtual:d1\n")
    assert [d.name for d in virtual.list_drives()] == ["d2"]


def test_errors_are_one_plain_line() -> None:
    for args, message in [
        (("insert", "nope", "cd-r"), "no virtual drive 'nope'"),
        (("create", "bad name"), "a drive name is"),
        (("eject", "nope"), "no virtual drive 'nope'"),
    ]:
        code, out = run(*args)
        assert code == 1 and message in out and "Traceback" not in out, out
    run("create", "d1")
    code, out = run("create", "d1")
    assert code == 1 and "exists already" in out
    code, out = run("insert", "d1", "floppy")
    assert code == 1 and "neither a medium type" in out
    code, out = run("export", "d1", "x.iso")
    assert code == 1 and "holds no disc" in out
    code, out = run("fault", "d1", "meteor")
    assert code == 1 and "unknown fault 'meteor'" in out


def test_fault_and_export_verbs(tmp_path: Path) -> None:
    run("create", "d1")
    run("insert", "d1", "bd-r")
    code, out = run("fault", "d1", "--list")
    assert code == 0 and "loss-of-streaming" in out
    assert run("fault", "d1", "busy", "--count", "0")[0] == 0
    assert "faults: busy" in run("list")[1]
    assert run("fault", "d1", "--clear")[0] == 0
    h = Host("d1")
    h.settle()
    h.ok("2a 00 00 00 00 00 00 00 10 00", out=b"\x5a" * 32768)
    h.ok("5b 00 01 00 00 01 00 00 00 00")
    h.close()
    code, out = run("export", "d1", str(tmp_path / "d.iso"))
    assert code == 0
    assert (tmp_path / "d.iso").read_bytes() == b"\x5a" * 32768 + bytes(32768)  # padded to a BD cluster


def test_forced_eject_and_disc_list() -> None:
    run("create", "d1")
    run("insert", "d1", "cd-rw")
    h = Host("d1")
    h.settle()
    h.ok("1e 00 00 00 01 00")  # a program locks the tray and dies
    h.close()
    code, out = run("eject", "d1")
    assert code == 1 and "medium removal is prevented" in out
    code, out = run("eject", "d1", "--force")
    assert code == 0 and out.startswith("ejected cd-rw-")
    code, out = run("list", "--discs")
    assert code == 0 and "cd-rw    blank" in out
