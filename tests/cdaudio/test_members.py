"""Every documented member of the audio-CD interfaces is an attribute of its Python class."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import openimapi
from openimapi.imapi2._names import python_name

REFERENCE = Path(__file__).resolve().parents[1] / "data/reference/members.tsv"

CLASSES = {
    "DiscFormat2TrackAtOnce": ("IDiscFormat2", "IDiscFormat2TrackAtOnce", "IBurnVerification"),
    "DiscFormat2TrackAtOnceEventArgs": ("IWriteEngine2EventArgs", "IDiscFormat2TrackAtOnceEventArgs"),
    "DiscFormat2RawCD": ("IDiscFormat2", "IDiscFormat2RawCD"),
    "DiscFormat2RawCDEventArgs": ("IWriteEngine2EventArgs", "IDiscFormat2RawCDEventArgs"),
    "RawCDImageCreator": ("IRawCDImageCreator",),
    "RawCDImageTrackInfo": ("IRawCDImageTrackInfo",),
}


def _members(interfaces: tuple[str, ...]) -> list[str]:
    with REFERENCE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    names = [python_name(r["member"]) for r in rows if r["interface"] in interfaces]
    assert names, interfaces
    return sorted(set(names))


@pytest.mark.parametrize("cls_name", sorted(CLASSES))
def test_every_member_is_an_attribute(cls_name: str) -> None:
    cls = getattr(openimapi, cls_name)
    fields = set(getattr(cls, "__dataclass_fields__", {}))
    missing = [m for m in _members(CLASSES[cls_name]) if not hasattr(cls, m) and m not in fields]
    assert missing == []
