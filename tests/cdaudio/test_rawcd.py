"""DiscFormat2RawCD with RawCDImageCreator images on the virtual recorder: the PCM, the TOC
(pre-gaps included), ISRCs, the catalogue number and CD-TEXT read back as written."""

from __future__ import annotations

import io
from typing import Any

import pytest

import openimapi
from openimapi.enums import IMAPI_CD_SECTOR_TYPE as CT
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE as ST
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_WRITE_ACTION as RA
from openimapi.imapi2.cdread import read_audio, read_cdtext, read_isrc, read_mcn, read_toc
from openimapi.imapi2.rawcd import album_cd_text

from .conftest import SECTOR, pcm, vdrive


def raw_writer(recorder: Any) -> openimapi.DiscFormat2RawCD:
    fmt = openimapi.DiscFormat2RawCD()
    fmt.recorder = recorder
    fmt.client_name = "pytest"
    return fmt


@pytest.mark.parametrize("layout", [ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW, ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY])
def test_disc_at_once_with_cd_text_isrc_and_mcn(make_drive: Any, layout: ST) -> None:
    rec = make_drive("cd-r")
    tracks = [pcm(300, 11), pcm(375, 12), pcm(320, 13)]
    creator = openimapi.RawCDImageCreator()
    creator.resulting_image_type = layout
    creator.media_catalog_number = "0724384260910"
    for t in tracks:
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, io.BytesIO(t))
    creator.track_info(1).isrc = "USRC17607839"
    creator.track_info(3).isrc = "GBAYE6700012"
    creator.disable_gapless_audio = False
    toc_expected = creator.expected_table_of_contents
    image = creator.create_result_image()

    fmt = raw_writer(rec)
    assert fmt.is_recorder_supported(rec) and fmt.is_current_media_supported(rec)
    text = album_cd_text(
        {"title": "Generated Noise", "performer": "openimapi", "upc_isrc": "0724384260910", "message": "hi"},
        [{"title": "One", "performer": "A", "songwriter": "S1", "composer": "C1", "arranger": "R1",
          "upc_isrc": "USRC17607839"},
         {"title": "Two", "performer": "B"},
         {"title": "Three", "performer": "A", "upc_isrc": "GBAYE6700012"}],
    )
    fmt.cd_text = text
    fmt.prepare_media()
    fmt.requested_sector_type = layout
    assert fmt.start_of_next_session < -150
    assert fmt.last_possible_start_of_leadout > 300_000
    events: list[Any] = []
    fmt.add_listener(lambda sender, args: events.append(args))
    fmt.write_media(image)
    fmt.release_media()
    assert {e.current_action for e in events} >= {RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING,
                                                   RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_FINISHING}

    toc = read_toc(rec.drive)
    assert [(n, start) for n, _, start in toc_expected[:-1]] == list(enumerate(toc.starts, 1))
    assert toc.leadout == toc_expected[-1][2]
    for start, t in zip(toc.starts, tracks, strict=True):
        assert read_audio(rec.drive, start, len(t) // SECTOR) == t
    assert read_mcn(rec.drive) == "0724384260910"
    assert [read_isrc(rec.drive, n) for n in (1, 2, 3)] == ["USRC17607839", "", "GBAYE6700012"]
    back = read_cdtext(rec.drive)
    assert len(back.blocks) == 1
    block = back.blocks[0]
    assert block.text(0x80, 0) == "Generated Noise"
    assert [block.text(0x80, n) for n in (1, 2, 3)] == ["One", "Two", "Three"]
    assert [block.text(0x81, n) for n in (0, 1, 2, 3)] == ["openimapi", "A", "B", "A"]
    assert (block.text(0x82, 1), block.text(0x83, 1), block.text(0x84, 1)) == ("S1", "C1", "R1")
    assert block.text(0x85, 0) == "hi"
    assert block.text(0x8E, 0) == "0724384260910" and block.text(0x8E, 3) == "GBAYE6700012"
    assert block.items == text.blocks[0].items
    assert vdrive().disc.status == "complete"
