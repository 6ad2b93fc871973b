"""The public surface of openimapi.virtual is pinned: changing it is a decision."""

from __future__ import annotations

from pathlib import Path

import pytest

import openimapi.virtual as v


def test_public_names() -> None:
    assert sorted(v.__all__) == sorted([
        "DRIVE_MODELS", "Disc", "DriveExists", "FAULTS", "Fault", "MEDIA", "MediumLocked", "NoSuchDisc",
        "NoSuchDrive", "TrackSummary", "VirtualDrive", "create_drive", "disc_from_image", "enumerate_drives",
        "list_discs", "list_drives", "media_names", "open_disc", "open_drive", "openimapi_home", "remove_drive",
    ])
    for name in v.__all__:
        assert getattr(v, name) is not None


def test_docstring_lists_what_is_not_emulated() -> None:
    assert v.__doc__ is not None and "Not emulated" in v.__doc__
    assert sorted(v.DRIVE_MODELS) == ["bd-writer", "cd-writer", "dvd-rom", "dvd-writer", "mmc1-cd-writer"]
    assert v.media_names() == ["cd-r", "cd-r74", "cd-rw", "dvd-r", "dvd-rw", "dvd+r", "dvd+r-dl", "dvd+rw",
                               "dvd-ram", "bd-r", "bd-re"]


def test_default_home_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPENIMAPI_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert v.openimapi_home() == tmp_path / "openimapi"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert v.openimapi_home() == tmp_path / ".local" / "share" / "openimapi"
