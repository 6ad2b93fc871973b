"""Every command as a real process (python -m openimapi), sharing one $OPENIMAPI_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import files_of, host_files, json_lines, run_process


def test_every_command_as_a_process(tree: Path, tmp_path: Path, home: Path) -> None:
    env = {"OPENIMAPI_HOME": str(home)}
    burn = run_process("burn", str(tree), "--json", env=env)
    assert burn.returncode == 0, burn.stderr
    events = json_lines(burn.stdout)
    assert events[-1]["event"] == "completed" and events[-1]["media"] == "CD-R"
    drives = json_lines(run_process("drives", "--json", env=env).stdout.replace("\n  ", " ").replace("\n]", "]"))
    assert any(d["address"] == "virtual:default" for d in drives[0])
    info = run_process("info", "--json", env=env)
    assert json_lines(info.stdout)[-1]["sessions"] == 1
    iso = tmp_path / "t.iso"
    assert run_process("mkiso", str(tree), "-o", str(iso), "-q", env=env).returncode == 0
    assert files_of(iso) == host_files(tree)
    assert run_process("virtual", "create", "w", "--model", "dvd-writer", env=env).returncode == 0
    assert run_process("virtual", "insert", "w", "dvd-rw", env=env).returncode == 0
    write = run_process("write", str(iso), "-d", "virtual:w", "--verify", "full", env=env)
    assert write.returncode == 0, write.stderr
    assert "verified full" in write.stdout
    verify = run_process("verify", "-d", "virtual:w", "--against", str(iso), env=env)
    assert verify.returncode == 0 and "identical" in verify.stdout
    copy = tmp_path / "copy.iso"
    assert run_process("read", "-d", "virtual:w", str(copy), env=env).returncode == 0
    assert copy.read_bytes()[: iso.stat().st_size] == iso.read_bytes()
    erase = run_process("erase", "-d", "virtual:w", "--json", env=env)
    assert erase.returncode == 0, erase.stderr
    assert json_lines(erase.stdout)[-1] == {"event": "completed", "drive": "virtual:w", "action": "erase",
                                            "full": False}
    assert run_process("eject", "-d", "virtual:w", env=env).stdout == "ejected virtual:w\n"
    assert run_process("close-tray", "-d", "virtual:w", env=env).stdout == "closed the tray of virtual:w\n"
    discs = run_process("virtual", "discs", env=env)
    assert discs.returncode == 0 and discs.stdout.startswith("  1  cd-r-")


def test_help_as_a_process() -> None:
    result = run_process("burn", "--help")
    assert result.returncode == 0 and result.stdout.startswith("Usage: openimapi burn [OPTIONS] PATH...")
    assert "openimapi burn ./photos" in result.stdout


def test_demo_as_a_process(tmp_path: Path, home: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    out = tmp_path / "demo.iso"
    result = run_process("demo", str(examples), "-o", str(out), env={"OPENIMAPI_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "verified full" in result.stdout and "  track session" in result.stdout
    assert files_of(out) == host_files(examples)
    if shutil.which("isoinfo"):
        assert "/photos/gradient.ppm" in result.stdout
