"""Real drives' answers (tests/data/captures) decoded by the SPC codecs: INQUIRY, sense
data of CHECK CONDITION answers, MODE SENSE(10) headers and pages, MODE SELECT(10) page 05h.

Each test checks the decode against the capture's ``stated`` values (what the source tool
printed). Where a capture is decoded-only (no raw bytes), the test builds the answer from
the stated values following the SPC-4 / MMC-3 tables, checks the bytes at the offsets the
standard gives, and decodes it back; such tests say so.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from openimapi.mmc import (
    CapabilitiesPage,
    InquiryData,
    ModePage,
    ModeParameterHeader10,
    ModeParameters,
    ModeSelect10,
    ReadWriteErrorRecoveryPage,
    SenseData,
    WriteParametersPage,
    WriteSpeedDescriptor,
)

from .captures import Capture, captures, hexbytes, number, params

INQUIRY_IDENT = r"^INQUIRY \(standard\) -- identification bytes only"
INQUIRY_RAW = r"^INQUIRY \(standard\)$"
INQUIRY_DECODED = r"^INQUIRY \(standard\),? decoded by"
SENSE = r"CHECK CONDITION, autosense data"
MODE_HEADER = r"^MODE SENSE\(10\) mode parameter header, decoded"
MODE_ALL_CURRENT = r"^MODE SENSE\(10\), current values, all pages"
MODE_VENDOR = r"^MODE SENSE\(10\) all pages -- unknown/vendor pages"
MODE_2A = r"^MODE SENSE\(10\) page 2Ah, decoded"
SELECT_HOST = r"^MODE SELECT parameter data sent by cdrecord"
SELECT_CDRWTOOL = r"^MODE SELECT\(10\) of write-parameters page 05h sent by cdrwtool"

#: every capture these tests take on (INQUIRY, sense blocks, MODE SENSE/SELECT)
MINE = r"^(INQUIRY|MODE SENSE|MODE SELECT)|CHECK CONDITION, autosense"
COVERED = (
    INQUIRY_IDENT,
    INQUIRY_RAW,
    INQUIRY_DECODED,
    SENSE,
    MODE_HEADER,
    MODE_ALL_CURRENT,
    MODE_VENDOR,
    MODE_2A,
    SELECT_HOST,
    SELECT_CDRWTOOL,
)


def test_every_spc_capture_is_tested() -> None:
    """No capture of an SPC command escapes the filters below (a new capture file with an
    unforeseen command name fails here instead of being silently skipped)."""
    mine = {cap.id for cap in captures(MINE)}
    covered = {cap.id for pattern in COVERED for cap in captures(pattern)}
    assert mine == covered
    assert len(mine) >= 40


# ------------------------------------------------------------------------------ INQUIRY


@pytest.mark.parametrize("cap", params(INQUIRY_IDENT))
def test_inquiry_identification_bytes(cap: Capture) -> None:
    """INQUIRY bytes 8..35 as the tools quoted them, placed at their offset in a 36-byte
    answer: vendor, product and revision decode to the stated strings and re-encode to the
    same padded bytes."""
    assert cap.response is not None and cap.offset == 8 and len(cap.response) == 28
    answer = bytes([5, 0x80, 0, 0x32, 31, 0, 0, 0]) + cap.response
    data = InquiryData.from_bytes(answer)
    assert (data.vendor, data.product, data.revision) == (
        cap.stated["vendor"],
        cap.stated["product"],
        cap.stated["revision"],
    )
    assert data.to_bytes()[8:36] == cap.response


@pytest.mark.parametrize("cap", params(INQUIRY_RAW))
def test_inquiry_raw_complete(cap: Capture) -> None:
    """The one complete 36-byte INQUIRY (BTC DVDRW IDE1008): the poster's ASCII column and
    the collector's decode; the answer re-encodes byte for byte."""
    assert cap.response is not None and len(cap.response) == 36
    data = InquiryData.from_bytes(cap.response)
    column = cap.stated["ascii_column"]
    assert column[0].endswith(data.vendor) and [data.product, data.revision] == column[1:]
    decode = cap.get("collector_decode")
    assert data.peripheral_device_type == decode["peripheral_device_type"]
    assert data.rmb == bool(decode["rmb"])
    assert data.version == decode["version"]
    assert data.additional_length == decode["additional_length"]
    assert (data.vendor, data.product, data.revision) == (decode["vendor"], decode["product"], decode["revision"])
    assert data.normaca and data.hisup and data.response_data_format == 2  # byte 3 = 0x32
    assert data.to_bytes() == cap.response


_DIC_INQUIRY = {  # DiscImageCreator's names -> InquiryData fields
    "RemovableMedia": "rmb",
    "Versions": "version",
    "ResponseDataFormat": "response_data_format",
    "HiSupport": "hisup",
    "NormACA": "normaca",
    "AdditionalLength": "additional_length",
    "VendorId": "vendor",
    "ProductId": "product",
    "ProductRevisionLevel": "revision",
}
_SG_INQ = {  # sg_inq's names -> InquiryData fields
    "PQual": "peripheral_qualifier",
    "Device_type": "peripheral_device_type",
    "RMB": "rmb",
    "NormACA": "normaca",
    "HiSUP": "hisup",
    "Resp_data_format": "response_data_format",
    "SCCS": "sccs",
    "ACC": "acc",
    "TGPS": "tpgs",
    "3PC": "third_party_copy",
    "Protect": "protect",
    "EncServ": "encserv",
    "MultiP": "multip",
    "MChngr": "mchngr",
    "Addr16": "addr16",
    "WBus16": "wbus16",
    "Sync": "sync",
    "CmdQue": "cmdque",
}


def _stated_inquiry(stated: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in stated.items():
        if name in _DIC_INQUIRY:
            fields[_DIC_INQUIRY[name]] = value
        elif name in _SG_INQ:
            fields[_SG_INQ[name]] = value
        elif name == "version":  # sg_inq: "0x02 [SCSI-2]"
            fields["version"] = int(value.split()[0], 16)
    for name in ("rmb", "hisup", "normaca", "sccs", "acc", "third_party_copy", "protect", "encserv"):
        if name in fields:
            fields[name] = bool(fields[name])
    for name in ("multip", "mchngr", "addr16", "wbus16", "sync", "cmdque"):
        if name in fields:
            fields[name] = bool(fields[name])
    return fields


@pytest.mark.parametrize("cap", params(INQUIRY_DECODED))
def test_inquiry_decoded_only(cap: Capture) -> None:
    """Decoded-only INQUIRY (sg_inq, DiscImageCreator): built from the stated values with
    the SPC-4 table 137 layout; the additional length fixes the answer's size (31 -> 36
    bytes, 91 -> 96 bytes with vendor-specific bytes 36..55 and version descriptors)."""
    fields = _stated_inquiry(cap.stated)
    if "length" in cap.stated:  # sg_inq prints the total length
        fields["additional_length"] = cap.stated["length"] - 5
    if fields.get("additional_length") == 91:
        fields["vendor_specific"] = cap.stated.get("VendorSpecific", "").encode("ascii").ljust(20)
        fields["version_descriptors"] = (0,) * 8
        fields["trailing"] = bytes(22)
    data = InquiryData(**fields)
    raw = data.to_bytes()
    assert len(raw) == fields["additional_length"] + 5
    assert raw[3] & 0x0F == fields["response_data_format"]
    assert bool(raw[3] & 0x10) == fields["hisup"] and bool(raw[3] & 0x20) == fields["normaca"]
    if "DeviceType" in cap.stated:  # "ReadOnlyDirectAccessDevice (CD/DVD etc)" is type 5
        assert raw[0] & 0x1F == 5 and raw[1] == 0x80
    decoded = InquiryData.from_bytes(raw)
    assert decoded == data
    if "VendorSpecific" in cap.stated:
        assert decoded.vendor_specific.decode("ascii").strip() == cap.stated["VendorSpecific"]


# ------------------------------------------------------------------------------ sense data


@pytest.mark.parametrize("cap", params(SENSE))
def test_sense_blocks(cap: Capture) -> None:
    """Fixed-format sense printed by cdrecord/cdrdao/sg3_utils/the kernel (often cut at 16
    bytes): key, ASC and ASCQ as stated; the VALID bit and INFORMATION where stated."""
    assert cap.response is not None
    sense = SenseData.from_bytes(cap.response).sense
    assert sense.key == number(cap.stated["sense_key"])
    assert sense.asc == number(cap.stated["asc"])
    assert sense.ascq == number(cap.stated["ascq"])
    assert not sense.descriptor_format and sense.current
    if "(valid)" in cap.stated.get("sense_flags", "") and "Blk" in cap.stated["sense_flags"]:
        block = int(cap.stated["sense_flags"].split()[1])
        assert sense.valid and sense.information == block
    else:
        assert not sense.valid


def test_sense_field_pointer_of_hp_8200a() -> None:
    """HP CD-Writer+ 8200a (captures): byte 15 = 8Bh, i.e. SKSV, C/D = 0 (parameter list),
    BPV with bit pointer 3; bytes 16-17 (field pointer 0, as stated) were not printed, so
    they are completed with zeros as the tool's decode says."""
    (cap,) = [c for c in captures(SENSE) if c.file.startswith("hp_cd-writer")]
    assert cap.response is not None
    sense = SenseData.from_bytes(cap.response + b"\x00\x00").sense
    assert sense.sks == bytes([0x0B, 0, 0])
    assert "bit ptr 3" in cap.stated["sense_flags"] and "field ptr 0" in cap.stated["sense_flags"]


# ------------------------------------------------------------------------------ MODE SENSE


@pytest.mark.parametrize("cap", params(MODE_HEADER))
def test_mode_header_decoded_only(cap: Capture) -> None:
    """Decoded-only header (Plextor PX-755A): the 8 bytes built from SPC-4 7.5.5 decode to
    the stated fields."""
    s = cap.stated
    raw = (
        s["ModeDataLength"].to_bytes(2, "big")
        + bytes([s["MediumType"], s["DeviceSpecificParameter"], 0, 0])
        + s["BlockDescriptorLength"].to_bytes(2, "big")
    )
    header = ModeParameterHeader10.from_bytes(raw)
    assert header == ModeParameterHeader10(s["ModeDataLength"], s["MediumType"], s["DeviceSpecificParameter"])
    assert header.to_bytes() == raw


@pytest.mark.parametrize("cap", params(MODE_ALL_CURRENT))
def test_mode_sense_all_pages_truncated(cap: Capture) -> None:
    """HL-DT-ST GSA-4040B, MODE SENSE(10) all pages cut after page 01h: the header keeps the
    full mode data length, page 01h decodes to the collector's values and the tool's
    'Automatic write reallocation enabled'."""
    assert cap.response is not None
    params_ = ModeParameters.from_bytes(cap.response)
    decode = cap.get("collector_decode")
    assert params_.header is not None
    assert params_.header.mode_data_length == decode["mode_data_length"]
    assert params_.header.medium_type == number(decode["medium_type"])
    assert params_.header.block_descriptor_length == decode["block_descriptor_length"]
    assert not params_.header.device_specific & 0x10  # "DPO/FUA bits support: NO"
    (page,) = params_.pages
    assert isinstance(page, ReadWriteErrorRecoveryPage)
    assert page.awre == bool(decode["page01"]["awre"])
    assert page.read_retry_count == decode["page01"]["read_retry_count"]
    assert page.write_retry_count == decode["page01"]["write_retry_count"]
    assert "write reallocation enabl" in cap.stated["page_01h_first_decoded_line"]
    assert params_.to_bytes() == cap.response


@pytest.mark.parametrize("cap", params(MODE_VENDOR))
def test_vendor_pages_generic(cap: Capture) -> None:
    """HL-DT-ST BU40N: two 12-byte pages of which 10 bytes were printed; each is a generic
    ModePage (1Ch with PS set, vendor page 20h) that keeps its declared length 10 and gives
    back exactly the bytes printed."""
    for segment in cap.get("segments").values():
        raw = hexbytes(segment)
        assert raw is not None
        page = ModePage.from_bytes(raw)
        stated = cap.stated["page_9Ch" if raw[0] == 0x9C else "page_20h"]
        assert page.ps == (stated["PSBit"] == "Yes")
        assert page.page_length == stated["PageLength"]
        assert page.to_bytes().hex() == stated["Unknown"]
        if "PageCode" in stated:
            assert page.code == number(stated["PageCode"])
        else:
            assert page.code == 0x1C


_DIC_2A = {  # DiscImageCreator's names -> CapabilitiesPage fields
    "CDRRead": "cd_r_read",
    "CDERead": "cd_rw_read",
    "Method2": "method2",
    "DVDROMRead": "dvd_rom_read",
    "DVDRRead": "dvd_r_read",
    "DVDRAMRead": "dvd_ram_read",
    "CDRWrite": "cd_r_write",
    "CDEWrite": "cd_rw_write",
    "TestWrite": "test_write",
    "DVDRWrite": "dvd_r_write",
    "DVDRAMWrite": "dvd_ram_write",
    "AudioPlay": "audio_play",
    "Composite": "composite",
    "DigitalPortOne": "digital_port_1",
    "DigitalPortTwo": "digital_port_2",
    "Mode2Form1": "mode2_form1",
    "Mode2Form2": "mode2_form2",
    "MultiSession": "multi_session",
    "BufferUnderrunFree": "buf",
    "CDDA": "cdda_commands",
}


@pytest.mark.parametrize("cap", params(MODE_2A))
def test_page_2a_decoded_only(cap: Capture) -> None:
    """Decoded-only page 2Ah (HL-DT-ST BU40N): built from the stated bits with the MMC-3
    table 361 layout; page length 66 = 30 + 4 * 9 write speed descriptors. Bytes 2-5 are
    checked against the bit positions of the standard, then the page decodes back."""
    s = cap.stated
    flags = {field: s[name] == "Yes" for name, field in _DIC_2A.items()}
    assert (s["PageLength"] - 30) % 4 == 0
    n = (s["PageLength"] - 30) // 4
    page = CapabilitiesPage(**flags, write_speed_descriptors=tuple(WriteSpeedDescriptor(0) for _ in range(n)))
    raw = page.to_bytes()
    assert raw[0] == number(s["PageCode"]) and raw[1] == s["PageLength"]
    assert raw[2] == 0x3F  # CD-R, CD-RW, Method 2, DVD-ROM, DVD-R, DVD-RAM read
    assert raw[3] == 0x37  # CD-R, CD-RW, test write, DVD-R, DVD-RAM write
    assert raw[4] == 0xF1  # BUF, multi-session, mode 2 form 2/1, audio play; no ports
    assert raw[5] & 0x01  # CD-DA commands
    decoded = CapabilitiesPage.from_bytes(raw)
    assert decoded == page
    assert {name: getattr(decoded, field) for name, field in _DIC_2A.items()} == {
        name: s[name] == "Yes" for name in _DIC_2A
    }
    assert decoded.ps == (s["PSBit"] == "Yes")


# ------------------------------------------------------------------------------ MODE SELECT


@pytest.mark.parametrize("cap", params(SELECT_HOST))
def test_mode_select_page_05_sent_by_cdrecord(cap: Capture) -> None:
    """cdrecord's MODE SELECT data (HP 8200a): a 4-byte (6-byte-command style) header then
    page 05h; the page decodes to the collector's values and re-encodes byte for byte. The
    CDB (MODE SELECT(10), 3Ch bytes) is the one our codec builds for an 8-byte header plus
    that page."""
    raw = hexbytes(cap.get("host_sent_hex"))
    assert raw is not None and len(raw) == 56
    page = WriteParametersPage.from_bytes(raw[4:])
    d = cap.get("collector_decode")
    assert page.write_type == d["write_type"]
    assert page.multi_session == d["multi_session"]
    assert page.track_mode == d["track_mode"]
    assert page.data_block_type == d["data_block_type"]
    assert page.session_format == number(d["session_format"])
    assert page.packet_size == d["packet_size"]
    assert page.audio_pause_length == d["audio_pause_length"]
    assert page.to_bytes() == raw[4:]
    command = ModeSelect10.for_parameters(ModeParameters(pages=(page,))).to_command()
    assert cap.cdb is not None and command.cdb == cap.cdb


@pytest.mark.parametrize("cap", params(SELECT_CDRWTOOL))
def test_mode_select_page_05_of_cdrwtool(cap: Capture) -> None:
    """Decoded-only page 05h that cdrwtool sent (packet writing, fixed packets of 32): built
    from the stated values with the MMC-6 table 647 layout, it yields cdrwtool's CDB
    (first 10 of the 12 bytes it printed) and decodes back."""
    s = cap.stated["page05_sent_as_decoded_by_thomas"]
    page = WriteParametersPage(
        ls_v=bool(s["LS_V"]),
        write_type=int(s["WriteType"].split()[0]),
        fp=bool(s["FP"]),
        track_mode=s["TrackMode"],
        data_block_type=int(s["DataBlockType"].split()[0]),
        link_size=s["LinkSize"],
        session_format=s["SessionFormat"],
        packet_size=s["PacketSize"],
        audio_pause_length=s["AudioPauseLength"],
    )
    raw = page.to_bytes()
    assert raw[2:6] == bytes([0x20, 0x27, 0x0A, 0x00])  # LS_V|packet, FP|mode 7, form 1, link 0
    assert raw[10:16] == bytes.fromhex("00 00 00 20 00 96")
    command = ModeSelect10.for_parameters(ModeParameters(pages=(page,))).to_command()
    assert cap.cdb is not None and command.cdb == cap.cdb[:10]
    assert WriteParametersPage.from_bytes(raw) == page


# ------------------------------------------------------------------------------ dvd+rw-mediainfo

MEDIAINFO = r"^dvd\+rw-mediainfo report"
_SPEED_LINE = re.compile(r"^(Current Write Speed|Write Speed #(\d+)):\s+([\d.]+)x(\d+)=(\d+)KB/s$")
_INQUIRY_LINE = re.compile(r"^INQUIRY:\s+\[(.{8})\]\[(.{16})\]\[(.{4})\]$")


def _mediainfo_with(pattern: re.Pattern[str]) -> list[Any]:
    return params(lambda cap: re.search(MEDIAINFO, cap.command) is not None and any(
        pattern.match(line) for line in cap.stated.get("tool_output", [])
    ))


@pytest.mark.parametrize("cap", _mediainfo_with(_SPEED_LINE))
def test_mediainfo_write_speeds_page_2a(cap: Capture) -> None:
    """dvd+rw-mediainfo prints 'Current Write Speed' from page 2Ah bytes 28-29 and 'Write
    Speed #n' from the write speed descriptors at byte 32 + 4n, bytes 2-3 (MMC-3 table
    361; decoded-only captures). The page built from those values has them at those
    offsets and decodes back to the same speeds, whose ratio to 1x (1385 kB/s DVD, 4495
    kB/s BD) is the multiplier printed."""
    current = None
    speeds: dict[int, int] = {}
    for line in cap.stated["tool_output"]:
        m = _SPEED_LINE.match(line)
        if m is None:
            continue
        kbps, unit, times = int(m.group(5)), int(m.group(4)), float(m.group(3))
        assert abs(kbps / unit - times) < 0.05  # the printed multiplier is speed / 1x
        if m.group(2) is None:
            current = kbps
        else:
            speeds[int(m.group(2))] = kbps
    assert current is not None and sorted(speeds) == list(range(len(speeds)))
    ordered = tuple(speeds[i] for i in range(len(speeds)))
    page = CapabilitiesPage(
        current_write_speed_selected=current,
        write_speed_descriptors=tuple(WriteSpeedDescriptor(s) for s in ordered),
    )
    raw = page.to_bytes()
    assert int.from_bytes(raw[28:30], "big") == current
    assert int.from_bytes(raw[30:32], "big") == len(ordered)
    assert [int.from_bytes(raw[32 + 4 * i + 2 : 32 + 4 * i + 4], "big") for i in range(len(ordered))] == list(ordered)
    decoded = CapabilitiesPage.from_bytes(raw)
    assert decoded.write_speeds == ordered and decoded.current_write_speed_selected == current


@pytest.mark.parametrize("cap", _mediainfo_with(_INQUIRY_LINE))
def test_mediainfo_inquiry_line(cap: Capture) -> None:
    """dvd+rw-mediainfo's '[%.8s][%.16s][%.4s]' of INQUIRY bytes 8..35: placed in an answer
    they decode to the trimmed fields and re-encode to the same padded bytes."""
    (m,) = [m for line in cap.stated["tool_output"] if (m := _INQUIRY_LINE.match(line))]
    ident = "".join(m.groups()).encode("ascii")
    data = InquiryData.from_bytes(bytes([5, 0x80, 0, 2, 31, 0, 0, 0]) + ident)
    assert (data.vendor, data.product, data.revision) == tuple(g.rstrip(" ") for g in m.groups())
    assert data.to_bytes()[8:36] == ident
