"""DiscFormat2RawCD with RawCDImageCreator images on the virtual recorder: the PCM, the TOC
(pre-gaps included), ISRCs, the catalogue number and CD-TEXT read back as written."""

from __future__ import annotations

import io
from typing import Any

import pytest

import openimapi
from openimapi import errors
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


@pytest.mark.parametrize(
    ("layout", "as_file"),
    [(ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW, False), (ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY, True)],
)
def test_disc_at_once_with_cd_text_isrc_and_mcn(make_drive: Any, tmp_path: Any, layout: ST, as_file: bool) -> None:
    """From the image object (layout from its creator) or from a file holding the image
    from the disc's lead-in on (layout read back from the image's own Q channel)."""
    rec = make_drive("cd-r")
    tracks = [pcm(300, 11), pcm(375, 12), pcm(320, 13)]
    creator = openimapi.RawCDImageCreator()
    creator.resulting_image_type = layout
    creator.media_catalog_number = "0724384260910"
    for t in tracks:
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, io.BytesIO(t))
    creator.track_info(1).isrc = "USRC17607839"
    creator.track_info(3).isrc = "GBAYE6700012"
    creator.disable_gapless_audio = True  # 2 s pre-gaps between the tracks
    creator.track_info(2).add_track_index(150)
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
    if as_file:
        skip = 22500 - (-150 - fmt.start_of_next_session)  # keep only the disc's own lead-in
        path = tmp_path / "image.raw"
        image.seek(skip * image.sector_size)
        with path.open("wb") as f:
            while chunk := image.read(1 << 22):
                f.write(chunk)
        with path.open("rb") as f:
            fmt.write_media2(f, 22500 - skip)
    else:
        fmt.write_media(image)
    fmt.release_media()
    assert {e.current_action for e in events} >= {RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING,
                                                   RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_FINISHING}

    toc = read_toc(rec.drive)
    assert [(n, start) for n, _, start in toc_expected[:-1]] == list(enumerate(toc.starts, 1))
    assert toc.leadout == toc_expected[-1][2]
    assert toc.starts == (0, 450, 975)
    from openimapi.audio.rip import index0_start

    assert [index0_start(rec.drive, toc, n) for n in (2, 3)] == [300, 825]
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


def _image(tracks: int = 1, layout: ST = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW) -> Any:
    creator = openimapi.RawCDImageCreator()
    creator.resulting_image_type = layout
    for i in range(tracks):
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, pcm(300, i))
    return creator.create_result_image()


def test_raw_errors(make_drive: Any, tmp_path: Any) -> None:
    reader = make_drive("cd-r", name="rom", model="dvd-rom")
    fmt = openimapi.DiscFormat2RawCD()
    with pytest.raises(errors.E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED):
        fmt.recorder = reader
    with pytest.raises(errors.E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED):
        fmt.prepare_media()
    rec = make_drive("dvd-r", model="bd-writer")
    fmt.recorder = rec
    with pytest.raises(errors.E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID):
        fmt.prepare_media()
    fmt.client_name = "pytest"
    with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED):
        fmt.prepare_media()
    drive = vdrive()
    drive.eject()
    drive.insert("cd-r")
    for call in (lambda: fmt.write_media(_image()), fmt.release_media, lambda: fmt.start_of_next_session,
                 lambda: fmt.requested_sector_type):
        with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED):
            call()
    with pytest.raises(errors.E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS):
        fmt.cancel_write()
    fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_PREPARED):
        fmt.prepare_media()
    with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_PREPARED):
        fmt.recorder = None
    with pytest.raises(errors.E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED):
        fmt.requested_sector_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED
    assert fmt.supported_sector_types == [ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY,
                                          ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW]
    with pytest.raises(errors.E_POINTER):
        fmt.write_media(None)
    with pytest.raises(errors.E_INVALIDARG):
        fmt.write_media2(_image(), -1)
    with pytest.raises(errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED):
        fmt.write_media(bytes(2447))
    with pytest.raises(errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED):  # PQ image, raw layout requested
        fmt.write_media(_image(layout=ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY))
    image = _image()
    image.seek(20000 * image.sector_size)
    with pytest.raises(errors.E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT):
        fmt.write_media2(io.BytesIO(image.read()), 2500)
    def cancel(sender: Any, args: Any) -> None:
        if args.current_action == RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING:
            fmt.cancel_write()

    fmt.add_listener(cancel)
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        fmt.write_media(_image())
    fmt.release_media()


def test_raw_not_blank_and_not_enough_space(make_drive: Any) -> None:
    rec = make_drive("cd-r")
    fmt = raw_writer(rec)
    fmt.prepare_media()
    fmt.write_media(_image())
    with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK):
        fmt.write_media(_image())
    fmt.release_media()
    with pytest.raises(errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK):
        fmt.prepare_media()
    vdrive().eject()
    vdrive().insert("cd-r74")
    fmt.prepare_media()
    creator = openimapi.RawCDImageCreator()
    creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, openimapi.StreamZero(340_000 * SECTOR))
    with pytest.raises(errors.E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE):
        fmt.write_media(creator.create_result_image())
    fmt.release_media()
