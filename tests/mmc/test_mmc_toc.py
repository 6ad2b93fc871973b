"""READ TOC/PMA/ATIP formats 0, 1, 2, 4 and 5, and the LBA/MSF and BCD helpers.
Byte vectors are built from the MMC-6 tables (formats 0/1/2/4) and libcdio's CD-TEXT
packs (format 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc import (
    LEAD_OUT_TRACK,
    Atip,
    CdTextPacks,
    FullToc,
    Msf,
    RawTocEntry,
    ReadToc,
    SessionInfo,
    Toc,
    TocEntry,
    TocFormat,
    bcd_to_int,
    cd_text_crc,
    int_to_bcd,
    lba_to_msf,
    msf_to_lba,
)
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData

H = bytes.fromhex
DATA = Path(__file__).resolve().parent.parent / "data" / "captures"


@pytest.mark.parametrize(
    ("msf", "lba"),
    [((0, 0, 0), -150), ((0, 2, 0), 0), ((89, 59, 74), 404849), ((90, 0, 0), -45150), ((99, 59, 74), -151),
     ((97, 26, 66), -11634), ((97, 24, 16), -11834), ((79, 59, 74), 359849), ((79, 59, 71), 359846)],
)
def test_msf_lba_mapping(msf: tuple[int, int, int], lba: int) -> None:
    """MMC-6 table 18; the ATIP pairs are the ones cdrecord printed in the captures."""
    assert msf_to_lba(msf) == lba
    assert lba_to_msf(lba) == Msf(*msf)


@given(st.integers(-45150, 404849))
def test_msf_round_trip(lba: int) -> None:
    assert lba_to_msf(lba).to_lba() == lba


def test_msf_limits() -> None:
    for bad in (-45151, 404850):
        with pytest.raises(ValueError):
            lba_to_msf(bad)
    with pytest.raises(ValueError):
        Msf(0, 60, 0)
    with pytest.raises(ValueError):
        Msf(0, 0, 75)
    assert str(Msf(97, 26, 66)) == "97:26:66" and Msf(1, 2, 3).to_bytes() == H("010203")


def test_bcd() -> None:
    assert int_to_bcd(59) == 0x59 and bcd_to_int(0x74) == 74
    assert all(bcd_to_int(int_to_bcd(n)) == n for n in range(100))
    for bad in (0x5A, 0xA0, 256):
        with pytest.raises(ValueError):
            bcd_to_int(bad)
    with pytest.raises(ValueError):
        int_to_bcd(100)


def test_request_bytes_and_parsing() -> None:
    cases = [
        (ReadToc(TocFormat.TOC, msf=True, track_session=1, allocation_length=12), "43020000000001000c00"),
        (ReadToc(TocFormat.FULL_TOC, track_session=1, allocation_length=4), "43000200000001000400"),
        (ReadToc(TocFormat.ATIP, allocation_length=28), "43000400000000001c00"),
        (ReadToc(TocFormat.CD_TEXT), "43000500000000fffe00"),
    ]
    for request, cdb in cases:
        command = request.to_command()
        assert command.cdb == H(cdb)
        assert ReadToc.from_cdb(command.cdb) == request
    assert OPCODES[0x43] is ReadToc
    # the capture's CDB "43 02 02 00 00 00 00 00 04 00": MSF bit set, format 2
    assert ReadToc.from_cdb(H("43020200000000000400")) == ReadToc(TocFormat.FULL_TOC, True, 0, 4)
    # SFF-8020 hosts put the format in the control byte
    assert ReadToc.from_cdb(H("43000000000000000c40")).format is TocFormat.SESSION_INFO
    for bad, byte in (("43010000000000000c00", 1), ("43000600000000000c00", 2), ("43001000000000000c00", 2)):
        with pytest.raises(InvalidCdbField) as info:
            ReadToc.from_cdb(H(bad))
        assert info.value.byte == byte


TOC_LBA = H("001a 0102 0014 0100 00000000 0010 0200 00003a98 0010 aa00 00007530".replace(" ", ""))
TOC_MSF = H("001a 0102 0014 0100 00000200 0010 0200 00031600 0010 aa00 00062a00".replace(" ", ""))


def test_format0_bytes_exact_lba_and_msf() -> None:
    entries = (TocEntry(1, 0, 1, 4), TocEntry(2, 15000, 1, 0), TocEntry(LEAD_OUT_TRACK, 30000, 1, 0))
    toc = Toc(1, 2, entries)
    assert toc.to_bytes() == TOC_LBA
    assert Toc.from_bytes(TOC_LBA) == toc
    msf = Toc(1, 2, entries, msf=True)
    assert msf.to_bytes() == TOC_MSF
    assert Toc.from_bytes(TOC_MSF, msf=True) == msf
    assert toc.lead_out == 30000 and [t.track for t in toc.tracks] == [1, 2]
    assert toc.tracks[0].is_data and not toc.tracks[1].is_data
    assert Toc.from_bytes(TOC_LBA[:19]).entries == entries[:1]


def test_format0_negative_lba_and_bad_msf() -> None:
    toc = Toc(1, 1, (TocEntry(1, -150),))
    assert toc.to_bytes()[-4:] == H("ffffff6a")
    assert Toc.from_bytes(toc.to_bytes()) == toc
    with pytest.raises(MalformedData):
        Toc.from_bytes(H("000a01010014010000003c00"), msf=True)  # second 60
    with pytest.raises(ValueError):
        Toc(1, 1, (TocEntry(1, 500000),), msf=True)


def test_format1_bytes_exact() -> None:
    info = SessionInfo(1, 2, 3, 20000)
    data = H("000a 0102 0014 0300 00004e20".replace(" ", ""))
    assert info.to_bytes() == data
    assert SessionInfo.from_bytes(data) == info
    msf = SessionInfo(1, 2, 3, 20000, msf=True)
    assert msf.to_bytes()[8:] == b"\0" + lba_to_msf(20000).to_bytes()
    assert SessionInfo.from_bytes(msf.to_bytes(), msf=True) == msf
    with pytest.raises(MalformedData):
        SessionInfo.from_bytes(data[:11])


def test_format2_bytes_exact() -> None:
    entries = (
        RawTocEntry(1, 0xA0, 1, 4, pmin=1, psec=0x00),
        RawTocEntry(1, 0xA1, 1, 0, pmin=2),
        RawTocEntry.point_time(1, 0xA2, 30000, control=0),
        RawTocEntry.point_time(1, 0x01, 0),
        RawTocEntry.point_time(1, 0x02, 15000, control=0),
        RawTocEntry(1, 0xB0, 5, 4, min=0x08, sec=0x24, frame=0x00, zero=2, pmin=79, psec=59, pframe=74),
        RawTocEntry(1, 0xC0, 5, 4, min=0xD0, pmin=97, psec=26, pframe=66),
    )
    full = FullToc(1, 1, entries)
    data = full.to_bytes()
    assert data[:4] == H("004f0101")
    assert data[4:15] == H("01 14 00 a0 00 00 00 00 01 00 00".replace(" ", ""))
    assert data[26:37] == H("01 10 00 a2 00 00 00 00 06 2a 00".replace(" ", ""))
    assert FullToc.from_bytes(data) == full
    assert full.point(0xA2) is not None and full.point(0xA2).p_lba == 30000  # type: ignore[union-attr]
    c0 = full.point(0xC0, session=1)
    assert c0 is not None and c0.p_lba == -11634
    assert full.point(0xA0, session=2) is None
    assert FullToc.from_bytes(data[:20]).entries == entries[:1]


ATIP_SONY = H("001a 0000 d0 00 a0 00 611810 00 4f3b4a 00 000000 00 000000 00 000000 00".replace(" ", ""))


def test_format4_bytes_exact() -> None:
    """The SONY CD-R of the AOpen capture: power 5, sub-type 4, lead-in 97:24:16."""
    atip = Atip(5, Msf(97, 24, 16), Msf(79, 59, 74), disc_subtype=4)
    assert atip.to_bytes() == ATIP_SONY
    assert Atip.from_bytes(ATIP_SONY) == atip
    assert atip.lead_in_lba == -11834 and atip.last_lead_out_lba == 359849 and atip.short_strategy
    rw = Atip(6, Msf(97, 34, 22), Msf(79, 59, 74), reference_speed=2, erasable=True, a1=H("023ab0"),
              a2=H("5cc626"))
    data = rw.to_bytes()
    assert data[4] == 0xE2 and data[6] == 0xC6 and data[16:19] == H("023ab0") and data[20:23] == H("5cc626")
    assert Atip.from_bytes(data) == rw and not rw.short_strategy
    assert Atip.from_bytes(data[:18]).a1 is None
    with pytest.raises(MalformedData):
        Atip.from_bytes(data[:14])


def _libcdio_packs() -> list[bytes]:
    doc = json.loads((DATA / "dataset_cd-text-packs_libcdio.json").read_text(encoding="utf-8"))
    return [H(p.replace(" ", "")) for f in doc["files"] for p in f["pack_data_hex"]]


def test_format5_cd_text_packs_and_crc() -> None:
    packs = _libcdio_packs()
    assert len(packs) >= 47
    answer = CdTextPacks(tuple(packs))
    data = answer.to_bytes()
    assert int.from_bytes(data[:2], "big") == 2 + 18 * len(packs) and data[2:4] == b"\0\0"
    back = CdTextPacks.from_bytes(data)
    assert back == answer and back.bad_crc() == ()
    assert all(CdTextPacks.seal(p[:16]) == p for p in packs)
    assert cd_text_crc(packs[0]) == 0x5F23
    broken = CdTextPacks((packs[0][:16] + b"\0\0", packs[1]))
    assert broken.bad_crc() == (0,)
    assert CdTextPacks.from_bytes(data[:40]).packs == tuple(packs[:2])
    with pytest.raises(ValueError):
        CdTextPacks((b"short",))


def test_full_toc_from_formatted_toc() -> None:
    toc = Toc(1, 2, (TocEntry(1, 0, 1, 4), TocEntry(2, 15000, 1, 0), TocEntry(LEAD_OUT_TRACK, 30000, 1, 0)))
    full = FullToc.from_toc(toc, disc_type=0x20)
    assert [e.point for e in full.entries] == [0xA0, 0xA1, 0xA2, 1, 2]
    a0, a1, a2 = (full.point(p) for p in (0xA0, 0xA1, 0xA2))
    assert a0 is not None and (a0.pmin, a0.psec, a0.control) == (1, 0x20, 4)
    assert a1 is not None and a1.pmin == 2 and a1.control == 0
    assert a2 is not None and a2.p_lba == 30000
    assert [e.p_lba for e in full.entries[3:]] == [0, 15000]
    assert FullToc.from_bytes(full.to_bytes()) == full
    with pytest.raises(ValueError):
        FullToc.from_toc(Toc(1, 1, (TocEntry(1, 0),)))
