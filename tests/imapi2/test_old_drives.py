"""A read-only drive and an MMC-1 drive (models of tests/data/captures) meet the documented errors."""

from __future__ import annotations

from typing import Any

import pytest

import openimapi
from openimapi import errors


def test_a_dvd_rom_reader_records_nothing(make_drive: Any) -> None:
    rec = make_drive("dvd+r", model="dvd-rom")  # a blank DVD+R it cannot even read
    assert (rec.vendor_id, rec.product_id) == ("SONY", "DVD-ROM DDU1621")
    fmt = openimapi.DiscFormat2Data()
    assert not fmt.is_recorder_supported(rec)
    with pytest.raises(errors.E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED):
        fmt.recorder = rec
    erase = openimapi.DiscFormat2Erase()
    with pytest.raises(errors.E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED):
        erase.recorder = rec


def test_an_mmc1_drive_has_no_get_configuration(make_drive: Any) -> None:
    rec = make_drive("cd-rw", model="mmc1-cd-writer")
    assert rec.vendor_id == "HP"
    with pytest.raises(errors.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED):
        _ = rec.supported_feature_pages
    with pytest.raises(errors.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED):
        rec.get_feature_page(0x0000, False)
    assert rec.drive.capabilities().cd_rw_write  # page 2Ah, the MMC-1 way to tell a writer


@pytest.mark.parametrize(
    ("length", "error"),
    [
        (20, errors.E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL),
        (6, errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE),
    ],
)
def test_a_short_disc_information_stops_an_erase(make_drive: Any, length: int, error: type) -> None:
    from .conftest import vdrive

    rec = make_drive("cd-rw", model="cd-writer")
    erase = openimapi.DiscFormat2Erase()
    erase.recorder = rec
    erase.client_name = "pytest"
    vdrive().inject_fault("short-answer", opcode=0x51, length=length)
    with pytest.raises(error):
        erase.erase_media()
    assert vdrive().faults == []


def test_write_speeds_come_from_get_performance_else_page_2a(make_drive: Any) -> None:
    from openimapi.mmc import performance, speed

    rec = make_drive("dvd+r", model="dvd-writer")
    fmt = openimapi.DiscFormat2Data()
    fmt.recorder = rec
    answer = rec.drive.run(performance.GetPerformance(performance.PerformanceType.WRITE_SPEED).to_command()).data
    sent = {d.write_speed for d in performance.WriteSpeeds.from_bytes(answer).descriptors}
    expected = {speed.sectors_per_second_from_kbps(s, speed.MediaFamily.DVD) for s in sent}
    assert set(fmt.supported_write_speeds) == expected
    old = make_drive("cd-r", name="old", model="mmc1-cd-writer")
    assert old.drive.write_speeds() == []  # GET PERFORMANCE: invalid command operation code
    page = old.drive.capabilities()
    assert page.write_speeds and page.write_speeds[0] == page.max_write_speed
