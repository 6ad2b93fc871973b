"""Mode pages (openimapi.mmc.modepages) and the MODE SENSE(10) parameter list
(openimapi.mmc.modeparams).

Vectors are built by hand from the page tables of MMC-3 (6.3.11, page 2Ah), MMC-6 (7.3
page 01h, 7.5 page 05h) and SPC-4 (7.5.5 header, 7.5.6 block descriptors, 7.4.12 page
1Ah); real drive answers are tested in test_spc_captures.py.
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc import (
    BlockDescriptor,
    CapabilitiesPage,
    DataBlockType,
    ModePage,
    ModeParameterHeader10,
    ModeParameters,
    MultiSession,
    PowerConditionPage,
    ReadWriteErrorRecoveryPage,
    SessionFormat,
    WriteParametersPage,
    WriteSpeedDescriptor,
    WriteType,
)
from openimapi.mmc.codec import MalformedData
from openimapi.mmc.modepages import PAGE_TYPES, parse_mode_page


def test_page_01_byte_exact() -> None:
    page = ReadWriteErrorRecoveryPage(awre=True, per=True, read_retry_count=19, write_retry_count=3)
    raw = page.to_bytes()
    assert raw == bytes.fromhex("01 0a 84 13 00 00 00 00 03 00 00 00")
    assert ReadWriteErrorRecoveryPage.from_bytes(raw) == page


def test_page_01_short_form_of_old_drives() -> None:
    """SFF-8020 drives answer a 6-byte page 01h: the rest reads as 0, the length is kept."""
    raw = bytes.fromhex("01 06 00 05 00 00 00 00")
    page = ReadWriteErrorRecoveryPage.from_bytes(raw)
    assert page.read_retry_count == 5 and page.write_retry_count == 0 and page.page_length == 6
    assert page.to_bytes() == raw


def test_page_05_byte_exact() -> None:
    """TAO, mode 1, multi-session open, BUFE, MCN and ISRC set (MMC-6 table 647)."""
    page = WriteParametersPage(
        write_type=WriteType.TAO,
        bufe=True,
        test_write=True,
        multi_session=MultiSession.NEXT_ALLOWED,
        track_mode=4,
        data_block_type=DataBlockType.MODE1_2048,
        session_format=SessionFormat.CDROM_XA,
        audio_pause_length=150,
        mcn="0123456789012",
        isrc="USRC17607839",
        subheader=b"\x00\x00\x08\x00",
    )
    raw = page.to_bytes()
    assert len(raw) == 52
    assert raw[:16] == bytes.fromhex("05 32 51 c4 08 00 00 00 20 00 00 00 00 00 00 96")
    assert raw[16:32] == b"\x800123456789012\x00\x00"
    assert raw[32:48] == b"\x80USRC17607839\x00\x00\x00"
    assert raw[48:52] == b"\x00\x00\x08\x00"
    assert WriteParametersPage.from_bytes(raw) == page


def test_page_05_vendor_bytes_kept() -> None:
    """MMC-3+ drives may answer page 05h with length 36h: bytes 52-55 are vendor specific."""
    raw = WriteParametersPage().to_bytes()
    long = bytes([0x05, 0x36]) + raw[2:] + b"VEND"
    page = WriteParametersPage.from_bytes(long)
    assert page.trailing == b"VEND" and page.page_length == 0x36
    assert page.to_bytes() == long


def test_page_1a_byte_exact() -> None:
    page = PowerConditionPage(idle=True, standby=True, idle_timer=50, standby_timer=3000)
    raw = page.to_bytes()
    assert raw == bytes.fromhex("1a 0a 00 03 00 00 00 32 00 00 0b b8")
    assert PowerConditionPage.from_bytes(raw) == page


def test_page_2a_byte_exact() -> None:
    """MMC-3 table 361: a DVD-RAM/DVD-R/CD-RW recorder, 2 MiB buffer, 48x/16x CD speeds."""
    page = CapabilitiesPage(
        cd_r_read=True,
        cd_rw_read=True,
        method2=True,
        dvd_rom_read=True,
        dvd_r_read=True,
        dvd_ram_read=True,
        cd_r_write=True,
        cd_rw_write=True,
        test_write=True,
        dvd_r_write=True,
        dvd_ram_write=True,
        audio_play=True,
        mode2_form1=True,
        mode2_form2=True,
        multi_session=True,
        buf=True,
        cdda_commands=True,
        cdda_stream_accurate=True,
        c2_pointers=True,
        isrc=True,
        upc=True,
        eject=True,
        lock=True,
        loading_mechanism=1,
        max_read_speed=8467,
        volume_levels=256,
        buffer_size=2048,
        current_read_speed=8467,
        max_write_speed=8467,
        current_write_speed=8467,
        rotation_control_selected=1,
        current_write_speed_selected=8467,
        write_speed_descriptors=(WriteSpeedDescriptor(8467, 1), WriteSpeedDescriptor(2822, 0)),
    )
    raw = page.to_bytes()
    assert raw[:8] == bytes.fromhex("2a 26 3f 37 f1 73 29 00")
    assert raw[8:16] == bytes.fromhex("21 13 01 00 08 00 21 13")
    assert raw[16:32] == bytes.fromhex("00 00 21 13 21 13 00 00 00 00 00 01 21 13 00 02")
    assert raw[32:] == bytes.fromhex("00 01 21 13 00 00 0b 06")
    assert CapabilitiesPage.from_bytes(raw) == page
    assert page.write_speeds == (8467, 2822)


@pytest.mark.parametrize("length", [0x12, 0x14, 0x18, 0x1C])
def test_page_2a_old_layouts(length: int) -> None:
    """Page 2Ah of MMC-1 (12h/14h), MMC-2 (18h) and MMC-3 without descriptors (1Ch)."""
    full = CapabilitiesPage(cd_r_read=True, max_read_speed=1, buffer_size=2, max_write_speed=3).to_bytes()
    raw = bytes([0x2A, length]) + full[2 : 2 + length]
    page = CapabilitiesPage.from_bytes(raw)
    assert page.cd_r_read and page.max_read_speed == 1 and page.buffer_size == 2
    assert page.max_write_speed == (3 if length >= 0x12 else 0)
    assert page.page_length == length
    assert page.to_bytes() == raw


def test_page_2a_count_larger_than_page() -> None:
    """A truncated page: the descriptor count promises 9, 2 are present."""
    full = CapabilitiesPage(write_speed_descriptors=tuple(WriteSpeedDescriptor(s) for s in range(9))).to_bytes()
    assert full[1] == 66  # 30 + 4 * 9 (as the HL-DT-ST BU40N reports)
    page = CapabilitiesPage.from_bytes(full[:40])
    assert page.write_speeds == (0, 1) and page.page_length == 66


def test_generic_page_and_subpage() -> None:
    page = ModePage(0x20, b"\x01\x00\x00\x64", ps=False)
    assert page.to_bytes() == bytes.fromhex("20 04 01 00 00 64")
    sub = ModePage(0x1A, b"\x00\x01\x02", ps=True, subpage=0x01)
    assert sub.to_bytes() == bytes.fromhex("da 01 00 03 00 01 02")
    for p in (page, sub):
        assert ModePage.from_bytes(p.to_bytes()) == p
    parsed, end = parse_mode_page(sub.to_bytes() + b"\xff", 0)
    assert parsed == sub and end == 7  # a sub-page of 1Ah is not the 1Ah layout
    with pytest.raises(MalformedData):
        ModePage.from_bytes(b"\x20")
    with pytest.raises(ValueError):
        ModePage(0x40)
    with pytest.raises(ValueError):
        ModePage(0x20, b"abc", page_length=2)


def test_known_page_rejects_other_code() -> None:
    with pytest.raises(MalformedData):
        CapabilitiesPage.from_bytes(bytes.fromhex("01 0a 00 00 00 00 00 00 00 00 00 00"))
    with pytest.raises(MalformedData):
        PowerConditionPage.from_bytes(bytes.fromhex("5a 01 00 02 00 00"))  # SPF set


def test_field_widths_checked() -> None:
    with pytest.raises(ValueError):
        WriteParametersPage(write_type=16)
    with pytest.raises(ValueError):
        WriteParametersPage(mcn="12345")
    with pytest.raises(ValueError):
        WriteParametersPage(isrc="usrc17607839")
    with pytest.raises(ValueError):
        CapabilitiesPage(buffer_size=0x10000)
    with pytest.raises(ValueError):
        WriteSpeedDescriptor(0x10000)
    with pytest.raises(MalformedData):  # MCVAL set over non-text bytes
        WriteParametersPage.from_bytes(bytes([5, 0x32]) + bytes(14) + b"\x80\xff" + bytes(34))


def test_mode_parameters_byte_exact() -> None:
    """SPC-4 7.5.5: mode data length counts from byte 2; one 8-byte block descriptor."""
    params = ModeParameters(
        pages=(ReadWriteErrorRecoveryPage(read_retry_count=1),),
        block_descriptors=(BlockDescriptor(0, 0, 2048),),
        medium_type=0x41,
        device_specific=0x80,
    )
    raw = params.to_bytes()
    assert raw[:8] == bytes.fromhex("00 1a 41 80 00 00 00 08")
    assert raw[8:16] == bytes.fromhex("00 00 00 00 00 00 08 00")
    assert raw[16:] == bytes.fromhex("01 0a 00 01 00 00 00 00 00 00 00 00")
    assert params.header is not None and params.header.write_protected
    assert ModeParameters.from_bytes(raw) == params
    select = params.to_select_bytes()
    assert select[:2] == b"\x00\x00" and select[2:] == raw[2:]
    assert ModeParameters.from_bytes(select, select=True) == params


def test_mode_parameters_long_lba_descriptor() -> None:
    params = ModeParameters(block_descriptors=(BlockDescriptor(1, 2**40, 2048, long_lba=True),))
    raw = params.to_bytes()
    assert raw[:8] == bytes.fromhex("00 16 00 00 01 00 00 10")
    assert raw[8:] == bytes.fromhex("00 00 01 00 00 00 00 00 01 00 00 00 00 00 08 00")
    assert ModeParameters.from_bytes(raw) == params


def test_mode_parameters_truncated_answer() -> None:
    """The allocation length cuts the answer; the mode data length still says the whole."""
    params = ModeParameters(pages=(CapabilitiesPage(), WriteParametersPage(), ModePage(0x20, bytes(10))))
    raw = params.to_bytes()
    cut = ModeParameters.from_bytes(raw[:20])
    assert cut.header == params.header
    assert isinstance(cut.pages[0], CapabilitiesPage) and len(cut.pages) == 1
    assert ModeParameters.from_bytes(raw[:8]).pages == ()
    with pytest.raises(MalformedData):
        ModeParameters.from_bytes(raw[:7])
    assert params.page(0x05) == WriteParametersPage() and params.page(0x1A) is None


def test_header_rejects_disagreement() -> None:
    header = ModeParameterHeader10(6, medium_type=1)
    with pytest.raises(ValueError):
        ModeParameters(header=header)
    with pytest.raises(ValueError):
        ModeParameters(
            block_descriptors=(BlockDescriptor(long_lba=True),), header=ModeParameterHeader10(22, 0, 0, False, 16)
        )


# ------------------------------------------------------------------------------ hypothesis

_u8, _u16, _u32 = st.integers(0, 255), st.integers(0, 0xFFFF), st.integers(0, 2**32 - 1)


def _strategy_for(cls: type) -> st.SearchStrategy[object]:
    """Every field of a page drawn within its width (bools, ints by name)."""
    widths = {
        "emcdr": st.integers(0, 3),
        "write_type": st.integers(0, 15),
        "multi_session": st.integers(0, 3),
        "track_mode": st.integers(0, 15),
        "data_block_type": st.integers(0, 15),
        "host_application_code": st.integers(0, 63),
        "packet_size": _u32,
        "idle_timer": _u32,
        "standby_timer": _u32,
        "loading_mechanism": st.integers(0, 7),
        "digital_length": st.integers(0, 3),
        "rotation_control_selected": st.integers(0, 3),
        "mcn": st.none() | st.text(alphabet="0123456789", min_size=13, max_size=13),
        "isrc": st.none() | st.text(alphabet="ABCXYZ0189", min_size=12, max_size=12),
        "subheader": st.binary(min_size=4, max_size=4),
        "write_speed_descriptors": st.lists(
            st.builds(WriteSpeedDescriptor, _u16, st.integers(0, 7)), max_size=10
        ).map(tuple),
        "trailing": st.binary(max_size=6),
    }
    kwargs: dict[str, st.SearchStrategy[object]] = {}
    for f in fields(cls):
        if f.name == "page_length":
            continue
        if f.type in ("bool", bool):
            kwargs[f.name] = st.booleans()
        elif f.name in widths:
            kwargs[f.name] = widths[f.name]
        elif f.name in ("read_retry_count", "write_retry_count", "link_size", "session_format"):
            kwargs[f.name] = _u8
        else:
            kwargs[f.name] = _u16
    return st.builds(cls, **kwargs)


_any_page = st.one_of(
    *(_strategy_for(cls) for cls in PAGE_TYPES.values()),
    st.builds(ModePage, st.sampled_from([0x08, 0x0D, 0x0E, 0x1C, 0x1D, 0x20, 0x31]), st.binary(max_size=30)),
)


@given(_any_page)
def test_page_round_trip(page: object) -> None:
    raw = page.to_bytes()  # type: ignore[attr-defined]
    parsed, end = parse_mode_page(raw)
    assert parsed == page and end == len(raw)


@given(st.lists(_any_page.filter(lambda p: not p.ps), max_size=5), st.integers(0, 255), st.booleans())  # type: ignore[attr-defined]
def test_mode_parameters_round_trip(pages: list[object], medium: int, wp: bool) -> None:
    params = ModeParameters(pages=tuple(pages), medium_type=medium, device_specific=0x80 if wp else 0)  # type: ignore[arg-type]
    assert ModeParameters.from_bytes(params.to_bytes()) == params
    assert ModeParameters.from_bytes(params.to_select_bytes(), select=True) == params
