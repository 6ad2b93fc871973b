"""READ CD (openimapi.mmc.read) and SEND CUE SHEET (openimapi.mmc.cuesheet).

Vectors are built from MMC-6 (T10 draft mmc6r02g): 6.19 READ CD with table 349 ("Number
of Bytes Returned based on Data Selection Field") and 6.39 SEND CUE SHEET with its
entry and data-form tables. No capture holds these commands.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc import Command
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData
from openimapi.mmc.cuesheet import (
    LEAD_OUT_TRACK,
    CueSheet,
    CueSheetCodeEntry,
    CueSheetEntry,
    DataForm,
    SendCueSheet,
    SubchannelDataForm,
    cue_sheet_block_size,
)
from openimapi.mmc.read import (
    C2ErrorField,
    HeaderCodes,
    ReadCd,
    SectorType,
    SubchannelSelection,
    read_cd_sector_size,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ----------------------------------------------------------------------------- READ CD


def test_read_cd_raw_audio_with_subchannel() -> None:
    req = ReadCd(
        lba=0,
        transfer_length=1,
        sector_type=SectorType.CD_DA,
        sync=True,
        header_codes=HeaderCodes.ALL,
        edc_ecc=True,
        subchannel=SubchannelSelection.RAW_PW,
    )
    cmd = req.to_command()
    assert cmd.cdb == h("be 04 00 00 00 00 00 00 01 f8 01 00")
    assert cmd.data_in_length == 2448
    assert ReadCd.from_cdb(cmd.cdb) == req


def test_read_cd_mode1_user_data_and_c2() -> None:
    req = ReadCd(lba=16, transfer_length=27, sector_type=SectorType.MODE1, c2=C2ErrorField.C2_AND_BLOCK_ERROR, dap=True)
    cmd = req.to_command()
    assert cmd.cdb == h("be 0a 00 00 00 10 00 00 1b 14 00 00")
    assert cmd.data_in_length == 27 * (2048 + 296)


def test_read_cd_any_type() -> None:
    raw = ReadCd(lba=-150, transfer_length=2, sync=True, header_codes=HeaderCodes.ALL, edc_ecc=True)
    assert raw.to_command().cdb == h("be 00 ff ff ff 6a 00 00 02 f8 00 00")
    assert raw.data_length == 2 * 2352  # every sector type agrees on the full sector
    user_only = ReadCd(lba=0, transfer_length=1)
    with pytest.raises(ValueError, match="set block_size"):
        user_only.to_command()
    assert user_only.sector_size(SectorType.MODE2_FORM2) == 2328
    assert ReadCd(0, 1, block_size=2048).to_command().data_in_length == 2048
    q = ReadCd(0, 3, user_data=False, subchannel=SubchannelSelection.Q)
    assert q.to_command().cdb == h("be 00 00 00 00 00 00 00 03 00 02 00")
    assert q.data_length == 48


ILLEGAL = None
# flags byte 9 (bits 7-3) -> bytes for mode 1, mode 2 formless, mode 2 form 1, mode 2 form 2
TABLE_349: list[tuple[int, tuple[int | None, int | None, int | None, int | None]]] = [
    (0x00, (0, 0, 0, 0)),
    (0x08, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x10, (2048, 2336, 2048, 2328)),
    (0x18, (2336, 2336, 2328, 2328)),
    (0x20, (4, 4, 4, 4)),
    (0x28, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x30, (2052, 2340, ILLEGAL, ILLEGAL)),
    (0x38, (2340, 2340, ILLEGAL, ILLEGAL)),
    (0x40, (0, 0, 8, 8)),
    (0x48, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x50, (2048, 2336, 2056, 2336)),
    (0x58, (2336, 2336, 2336, 2336)),
    (0x60, (4, 4, 12, 12)),
    (0x68, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x70, (2052, 2340, 2060, 2340)),
    (0x78, (2340, 2340, 2340, 2340)),
    (0x80, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x90, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0x98, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0xA0, (16, 16, 16, 16)),
    (0xA8, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0xB0, (2064, 2352, ILLEGAL, ILLEGAL)),
    (0xB8, (2352, 2352, ILLEGAL, ILLEGAL)),
    (0xC0, (ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL)),
    (0xE0, (16, 16, 24, 24)),
    (0xF0, (2064, 2352, 2072, 2352)),
    (0xF8, (2352, 2352, 2352, 2352)),
]
DATA_TYPES = (SectorType.MODE1, SectorType.MODE2_FORMLESS, SectorType.MODE2_FORM1, SectorType.MODE2_FORM2)


@pytest.mark.parametrize(("flags", "expected"), TABLE_349)
def test_read_cd_byte_counts_table(flags: int, expected: tuple[int | None, ...]) -> None:
    """MMC-6 table 349, data sector columns; CD-DA gives 2352 for any main-channel field."""
    fields: dict[str, Any] = {
        "sync": bool(flags & 0x80),
        "header_codes": HeaderCodes((flags >> 5) & 3),
        "user_data": bool(flags & 0x10),
        "edc_ecc": bool(flags & 0x08),
    }
    for kind, count in zip(DATA_TYPES, expected, strict=True):
        if count is None:
            with pytest.raises(ValueError, match=r"illegal|contiguous"):
                read_cd_sector_size(kind, **fields)
        else:
            assert read_cd_sector_size(kind, **fields) == count, kind.name
    assert read_cd_sector_size(SectorType.CD_DA, **fields) == (2352 if flags else 0)


def test_read_cd_sector_size_extras() -> None:
    assert read_cd_sector_size(SectorType.MODE1, c2=C2ErrorField.C2_ERROR_BITS, subchannel=SubchannelSelection.RW) == (
        2048 + 294 + 96
    )
    with pytest.raises(ValueError, match="ANY"):
        read_cd_sector_size(SectorType.ANY)


@pytest.mark.parametrize(
    ("cdb", "byte", "bit"),
    [
        ("be 01 00 00 00 00 00 00 01 10 00 00", 1, 0),
        ("be 20 00 00 00 00 00 00 01 10 00 00", 1, 5),
        ("be 18 00 00 00 00 00 00 01 10 00 00", 1, 4),  # sector type 110b reserved
        ("be 00 00 00 00 00 00 00 01 11 00 00", 9, 0),
        ("be 00 00 00 00 00 00 00 01 16 00 00", 9, 2),  # C2 11b reserved
        ("be 00 00 00 00 00 00 00 01 10 03 00", 10, 2),  # sub-channel 011b reserved
        ("be 00 00 00 00 00 00 00 01 10 08 00", 10, 3),
        ("be 00 00 00 00 00 00 00 01 10 00 01", 11, 0),
    ],
)
def test_read_cd_strict(cdb: str, byte: int, bit: int) -> None:
    with pytest.raises(InvalidCdbField) as err:
        ReadCd.from_cdb(h(cdb))
    assert (err.value.byte, err.value.bit) == (byte, bit)


read_cds = st.builds(
    ReadCd,
    st.integers(-(1 << 31), (1 << 31) - 1),
    st.integers(0, 0xFFFFFF),
    st.sampled_from(SectorType),
    st.booleans(),
    st.sampled_from(HeaderCodes),
    st.booleans(),
    st.booleans(),
    st.sampled_from(C2ErrorField),
    st.sampled_from(SubchannelSelection),
    st.booleans(),
)


@given(read_cds)
def test_read_cd_round_trip(req: ReadCd) -> None:
    assert ReadCd.from_cdb(req.to_cdb()) == req


# ----------------------------------------------------------------------------- SEND CUE SHEET


def _audio_sheet() -> CueSheet:
    """A two-track audio disc: lead-in, track 1 with its 2 s pre-gap (index 0) at 00:00:00
    and index 1 at 00:02:00, track 2 at 04:00:00, lead-out at 08:00:00 (MMC-6 6.39.3
    example shape: the lead-in entry uses data form 01h, the pause data form 01h)."""
    return CueSheet(
        (
            CueSheetEntry(0, 0, 0, DataForm.CD_DA_GENERATED, 0, 0, 0),
            CueSheetEntry(0, 1, 0, DataForm.CD_DA_GENERATED, 0, 0, 0),
            CueSheetEntry(0, 1, 1, DataForm.CD_DA, 0, 2, 0),
            CueSheetEntry(0, 2, 1, DataForm.CD_DA, 4, 0, 0, scms=True),
            CueSheetEntry(0, LEAD_OUT_TRACK, 1, DataForm.CD_DA_GENERATED, 8, 0, 0),
        )
    )


def test_cue_sheet_bytes() -> None:
    sheet = _audio_sheet()
    req = SendCueSheet.for_sheet(sheet)
    cmd = req.to_command()
    assert cmd.cdb == h("5d 00 00 00 00 00 00 00 28 00")
    assert cmd.data_out == h(
        "01 00 00 01 00 00 00 00"
        "01 01 00 01 00 00 00 00"
        "01 01 01 00 00 00 02 00"
        "01 02 01 00 80 04 00 00"
        "01 aa 01 01 00 08 00 00"
    )
    assert SendCueSheet.from_command(cmd) == req
    assert SendCueSheet.from_cdb(cmd.cdb) == SendCueSheet(40)


def test_cue_sheet_data_entry_with_mcn_and_isrc() -> None:
    mcn = CueSheetCodeEntry.catalog_number("0123456789012")
    isrc = CueSheetCodeEntry.isrc(1, "USRC17607839")
    assert b"".join(e.to_bytes() for e in mcn) == h("02 30 31 32 33 34 35 36 02 37 38 39 30 31 32 00")
    assert b"".join(e.to_bytes() for e in isrc) == h("03 01 55 53 52 43 31 37 03 01 36 30 37 38 33 39")
    assert mcn[0].text + mcn[1].text == "0123456789012"
    assert isrc[0].text + isrc[1].text == "USRC17607839"
    data = CueSheetEntry(4, 1, 1, DataForm.MODE1, 0, 2, 0)
    assert data.to_bytes() == h("41 01 01 10 00 00 02 00")
    assert data.block_size == 2048 and data.frames == 150
    sheet = CueSheet((*mcn, *isrc, data))
    assert CueSheet.from_bytes(sheet.to_bytes()) == sheet


def test_data_form_table() -> None:
    assert cue_sheet_block_size(0x00) == 2352
    assert cue_sheet_block_size(0x01) == 0
    assert cue_sheet_block_size(0x10) == 2048
    assert cue_sheet_block_size(0x14) == 0
    assert cue_sheet_block_size(0x30) == 2336
    assert cue_sheet_block_size(0x41) == 96  # CD-TEXT packs in the lead-in
    assert cue_sheet_block_size(0xC0) == 2448  # audio with raw R-W
    assert SubchannelDataForm(0xC0 >> 6) is SubchannelDataForm.RW_RAW
    for bad in (0x02, 0x15, 0x80):
        with pytest.raises(ValueError):
            cue_sheet_block_size(bad)


@pytest.mark.parametrize(
    ("entry", "byte", "bit"),
    [
        ("05 01 01 00 00 00 00 00", 0, 3),  # ADR 5
        ("01 01 01 00 40 00 00 00", 4, 6),  # reserved bit of the SCMS byte
        ("01 01 01 02 00 00 00 00", 3, None),  # data form 02h undefined
        ("01 64 01 00 00 00 00 00", 1, None),  # track 100
        ("01 01 64 00 00 00 00 00", 2, None),
        ("01 01 01 00 00 00 3c 00", 6, None),  # second 60
        ("01 01 01 00 00 00 00 4b", 7, None),  # frame 75
    ],
)
def test_cue_sheet_strict(entry: str, byte: int, bit: int | None) -> None:
    data = h("01 00 00 01 00 00 00 00") + h(entry)
    with pytest.raises(InvalidCdbField) as err:
        CueSheet.from_bytes(data)
    assert (err.value.byte, err.value.bit, err.value.in_cdb) == (8 + byte, bit, False)


def test_send_cue_sheet_checks() -> None:
    with pytest.raises(MalformedData):
        CueSheet.from_bytes(bytes(12))
    with pytest.raises(MalformedData):
        SendCueSheet.from_command(Command(cdb=h("5d 00 00 00 00 00 00 00 10 00"), data_out=bytes(8)))
    with pytest.raises(ValueError, match="needs its cue sheet"):
        SendCueSheet(16).to_command()
    with pytest.raises(ValueError, match="size says"):
        SendCueSheet(16, _audio_sheet())
    with pytest.raises(InvalidCdbField) as err:
        SendCueSheet.from_cdb(h("5d 00 00 01 00 00 00 00 08 00"))
    assert (err.value.byte, err.value.bit) == (3, 0)
    with pytest.raises(ValueError):
        CueSheetEntry(0, 1, 1, 0, 0, 60, 0)
    with pytest.raises(ValueError):
        CueSheetCodeEntry.isrc(1, "usrc17607839")
    with pytest.raises(ValueError):
        CueSheetCodeEntry.catalog_number("12345")
    assert OPCODES[0x5D] is SendCueSheet and OPCODES[0xBE] is ReadCd


entries = st.builds(
    CueSheetEntry,
    st.integers(0, 15),
    st.one_of(st.integers(0, 99), st.just(LEAD_OUT_TRACK)),
    st.integers(0, 99),
    st.sampled_from([f | s << 6 for f in DataForm for s in SubchannelDataForm]),
    st.integers(0, 99),
    st.integers(0, 59),
    st.integers(0, 74),
    st.booleans(),
)
code_entries = st.builds(
    CueSheetCodeEntry, st.integers(0, 15), st.sampled_from([2, 3]), st.binary(min_size=7, max_size=7)
)


@given(st.lists(st.one_of(entries, code_entries), max_size=20))
def test_cue_sheet_round_trip(items: list[CueSheetEntry | CueSheetCodeEntry]) -> None:
    req = SendCueSheet.for_sheet(CueSheet(tuple(items)))
    assert SendCueSheet.from_command(req.to_command()) == req
