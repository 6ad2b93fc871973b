"""RawCDImageCreator: layout, sub-channel, main data and every documented error, read back
through the image stream."""

from __future__ import annotations

import io

import crcmod
import numpy as np
import pytest

from openimapi import errors
from openimapi.cd.subcode import q_crc_ok
from openimapi.enums import (
    IMAPI_CD_SECTOR_TYPE as ST,
)
from openimapi.enums import (
    IMAPI_CD_TRACK_DIGITAL_COPY_SETTING as COPY,
)
from openimapi.enums import (
    IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE as LAYOUT,
)
from openimapi.imapi2.rawcd_image import IMAGE_START_LBA, RawCDImageCreator

AUDIO = ST.IMAPI_CD_SECTOR_AUDIO
EDC = crcmod.mkCrcFun(0x18001801B, initCrc=0, rev=True, xorOut=0)


def _pcm(sectors: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, sectors * 2352, dtype=np.uint8).tobytes()


def _sectors(img: io.RawIOBase, size: int) -> np.ndarray:
    data = img.read()
    assert data is not None
    return np.frombuffer(data, np.uint8).reshape(-1, size)


def _q(secs: np.ndarray) -> np.ndarray:
    return np.packbits((secs[:, 2352:] >> 6) & 1, axis=1)


def _at(lba: int) -> int:
    return lba - IMAGE_START_LBA


def test_two_audio_tracks_gapless_raw_layout() -> None:
    c = RawCDImageCreator()
    t1, t2 = _pcm(400, 1), _pcm(300, 2)
    assert c.add_track(AUDIO, t1) == 1
    assert c.add_track(AUDIO, io.BytesIO(t2)) == 2
    c.media_catalog_number = "0123456789012"
    info = c.track_info(1)
    info.isrc = "usabc2600001"
    info.digital_audio_copy_setting = COPY.IMAPI_CD_TRACK_DIGITAL_COPY_PERMITTED
    assert c.track_info(2).starting_lba == 400 and c.start_of_leadout == 700
    assert c.last_used_user_sector_in_image == 699
    assert c.expected_table_of_contents == ((1, 0x2, 0), (2, 0x0, 400), (0xAA, 0x0, 700))
    img = c.create_result_image()
    assert img.sector_size == 2448
    secs = _sectors(img, 2448)
    assert len(secs) == 22650 + 700 + 6750
    assert secs[_at(0) : _at(400), :2352].tobytes() == t1
    assert secs[_at(400) : _at(700), :2352].tobytes() == t2
    assert not secs[_at(-150) : _at(0), :2352].any()  # silent pause
    q = _q(secs)
    assert all(q_crc_ok(r.tobytes()) for r in q)
    # lead-in TOC: point 02 starts at 00:07:25 (400 + 150 frames)
    toc = {bytes(r[2:3]) + bytes(r[7:10]) for r in q[: _at(-150)]}
    assert bytes([0x02, 0x00, 0x07, 0x25]) in toc and bytes([0xA2, 0x00, 0x11, 0x25]) in toc
    # program area: track 2 starts gapless at index 1
    assert q[_at(400)][:3].tolist() == [0x01, 0x02, 0x01]
    # mode 2 (MCN) and mode 3 (ISRC, track 1 only) one sector in a hundred
    modes = q[:, 0] & 0x0F
    assert (modes == 2).any() and (modes == 3).any()
    isrc_lbas = np.nonzero(modes == 3)[0] + IMAGE_START_LBA
    assert isrc_lbas.min() >= 0 and isrc_lbas.max() < 400
    # lead-out: track AA, P alternating
    assert q[_at(700)][1] == 0xAA
    p = secs[_at(700) :, 2352] >> 7
    assert p.any() and not p.all()


def test_pq_only_and_cooked_layouts_and_rw_generator() -> None:
    for layout, size in ((LAYOUT.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY, 2368),
                         (LAYOUT.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED, 2448)):
        c = RawCDImageCreator()
        c.resulting_image_type = layout
        c.add_track(AUDIO, _pcm(300))
        rw = bytes(range(64)) * 3  # two sectors of R-W symbols
        c.add_subcode_rw_generator(rw)
        img = c.create_result_image()
        assert img.sector_size == size
        head = np.frombuffer(img.read(size * 3), np.uint8).reshape(3, size)
        if size == 2368:
            assert all(q_crc_ok(h[2352:2364].tobytes()) for h in head)
        else:
            assert head[0, 2352:].tobytes() == rw[:96] and not head[2, 2352:].any()


def test_mode1_data_track_after_audio_gets_a_pause_and_edc() -> None:
    c = RawCDImageCreator()
    c.add_track(AUDIO, _pcm(300))
    user = np.random.default_rng(3).integers(0, 256, 300 * 2048, dtype=np.uint8).tobytes()
    assert c.add_track(ST.IMAPI_CD_SECTOR_MODE1, user) == 2
    assert c.track_info(2).starting_lba == 450  # 150-sector pause at the mode change
    img = c.create_result_image()
    img.seek(_at(450) * 2448)
    sector = img.read(2448)
    assert sector[16:2064] == user[:2048]
    assert int.from_bytes(sector[2064:2068], "little") == EDC(sector[:2064])
    assert _q(np.frombuffer(sector, np.uint8).reshape(1, -1))[0][0] == 0x41  # data CONTROL


def test_indexes() -> None:
    c = RawCDImageCreator()
    c.add_track(AUDIO, _pcm(400))
    t = c.track_info(1)
    assert t.add_track_index(200) == errors.SuccessCode.S_OK
    assert t.add_track_index(200) == errors.SuccessCode.S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX):
        t.add_track_index(230)
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED):
        t.clear_track_index(0)
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND):
        t.clear_track_index(300)
    assert t.track_indexes == (0, 200)
    img = c.create_result_image()
    img.seek(_at(199) * 2448)
    q = _q(np.frombuffer(img.read(2 * 2448), np.uint8).reshape(2, 2448))
    assert q[0][2] == 0x01 and q[1][2] == 0x02


def test_too_many_indexes() -> None:
    c = RawCDImageCreator()
    c.add_track(AUDIO, _pcm(100 * 80))
    t = c.track_info(1)
    for k in range(1, 99):
        t.add_track_index(k * 80)
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES):
        t.add_track_index(99 * 80)


def test_errors() -> None:
    c = RawCDImageCreator()
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_NO_TRACKS):
        _ = c.start_of_leadout
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_NO_TRACKS):
        c.create_result_image()
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED):
        c.add_track(ST.IMAPI_CD_SECTOR_MODE2FORM1, bytes(2048 * 300))
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED):
        c.resulting_image_type = 7
    with pytest.raises(errors.E_INVALIDARG):
        c.add_track(AUDIO, bytes(2352 * 299))
    c.start_of_leadout_limit = 1000
    c.add_track(AUDIO, bytes(2352 * 600))
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE):
        c.add_track(AUDIO, bytes(2352 * 401))
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED):
        c.starting_track_number = 5
    with pytest.raises(errors.E_INVALIDARG):
        c.media_catalog_number = "12"
    with pytest.raises(errors.E_INVALIDARG):
        c.track_info(1).isrc = "nope"
    c.create_result_image()
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_IS_READ_ONLY):
        c.add_track(AUDIO, bytes(2352 * 300))
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_IS_READ_ONLY):
        c.track_info(1).add_track_index(100)


def test_too_many_tracks() -> None:
    c = RawCDImageCreator()
    c.starting_track_number = 98
    c.add_track(AUDIO, bytes(2352 * 300))
    c.add_track(AUDIO, bytes(2352 * 300))
    with pytest.raises(errors.E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS):
        c.add_track(AUDIO, bytes(2352 * 300))


def test_special_pregap() -> None:
    c = RawCDImageCreator()
    with pytest.raises(errors.E_INVALIDARG):
        c.add_special_pregap(bytes(10))
    pre = _pcm(150, 9)
    c.add_special_pregap(pre)
    c.add_track(AUDIO, _pcm(300))
    img = c.create_result_image()
    img.seek(_at(-150) * 2448)
    secs = np.frombuffer(img.read(150 * 2448), np.uint8).reshape(150, 2448)
    assert secs[:, :2352].tobytes() == pre
