"""Disc ids from TOCs: the vectors of libdiscid and python-discid (stated MusicBrainz and
FreeDB ids of real discs) reproduced from their offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimapi.cd.discid import freedb_id, musicbrainz_id

DATA = Path(__file__).resolve().parent.parent / "data"
VECTORS = json.loads((DATA / "captures" / "dataset_audio-cd-toc-vectors.json").read_text())["vectors"]


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vectors(v: dict[str, object]) -> None:
    offsets = v["offsets"]
    assert isinstance(offsets, list)
    assert musicbrainz_id(int(v["first"]), offsets, int(v["sectors"])) == v["musicbrainz_id"]  # type: ignore[call-overload]
    if v.get("freedb_id"):
        assert freedb_id(int(v["first"]), offsets, int(v["sectors"])) == v["freedb_id"]  # type: ignore[call-overload]


def test_bad_tocs() -> None:
    with pytest.raises(ValueError):
        musicbrainz_id(1, [150, 100], 1000)
    with pytest.raises(ValueError):
        musicbrainz_id(0, [150], 1000)
    with pytest.raises(ValueError):
        freedb_id(1, [150], 100)
