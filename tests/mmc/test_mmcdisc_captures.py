"""Real drives' answers (tests/data/captures) for GET CONFIGURATION, READ DISC/TRACK
INFORMATION, READ CAPACITY, READ FORMAT CAPACITIES, GET PERFORMANCE, READ DISC STRUCTURE
and READ TOC/PMA/ATIP, checked against their ``stated`` values.

Raw answers (the two READ TRACK INFORMATION replies) are decoded as they are and rebuilt
byte for byte. Every other capture was published decoded only (cdrecord/wodim,
dvd+rw-mediainfo, DiscImageCreator printouts): for those the test builds the answer bytes
from the stated values with the codec's ``to_bytes`` following the MMC-6 tables, decodes
them back and compares with the stated values -- vectors built from MMC because only
decoded values were published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from openimapi.mmc import (
    LEAD_OUT_TRACK,
    AddressType,
    Atip,
    BdDiscInformation,
    BdDiscInformationUnit,
    CapacityDescriptor,
    Configuration,
    DescriptorType,
    DiscInformation,
    DiscStatus,
    DvdAdipInformation,
    DvdPhysicalFormat,
    DvdPrerecordedInformation,
    FormatCapacities,
    FormattableDescriptor,
    LayerBoundaryInformation,
    Msf,
    NominalPerformance,
    Performance,
    PowResources,
    ProfileDescriptor,
    ReadCapacityData,
    ReadToc,
    ReadTrackInformation,
    SessionInfo,
    SessionState,
    SpeedDescriptor,
    Toc,
    TocEntry,
    TocFormat,
    TrackInformation,
    WriteSpeeds,
    msf_to_lba,
    profile_info,
)
from openimapi.mmc.features import (
    Feature,
    LogicalUnitSerialNumberFeature,
    MicrocodeUpgradeFeature,
    PowerManagementFeature,
    ProfileListFeature,
    RealTimeStreamingFeature,
    TimeoutFeature,
)

from .captures import Capture, captures, hexbytes, params

DATA = Path(__file__).resolve().parent.parent / "data" / "captures"
H = bytes.fromhex

PROFILE_LIST = r"^GET CONFIGURATION -- Profile List feature"
CONFIG_DIC = r"^GET CONFIGURATION \(RT=0\), decoded by DiscImageCreator"
CONFIG_TAIL = r"^GET CONFIGURATION -- tail of the feature list"
MEDIAINFO = r"^dvd\+rw-mediainfo report"
ATIP = r"^READ TOC/PMA/ATIP format 4"
TRACK_RAW = r"^READ TRACK INFORMATION$"
TOC_FAILED = r"^READ TOC/PMA/ATIP format 2 \(full TOC\) -- failed"
RTI_SENSE = r"^READ TRACK INFORMATION \(invisible track"

MINE = r"^(GET CONFIGURATION|READ TRACK INFORMATION|READ TOC|READ DISC|READ CAPACITY|GET PERFORMANCE|dvd\+rw-media)"
COVERED = (PROFILE_LIST, CONFIG_DIC, CONFIG_TAIL, MEDIAINFO, ATIP, TRACK_RAW, TOC_FAILED, RTI_SENSE)


def test_every_capture_of_these_commands_is_tested() -> None:
    """A new capture with an unforeseen command name fails here instead of being skipped."""
    for cap in captures(MINE):
        assert any(re.search(p, cap.command) for p in COVERED), cap.id


# --- GET CONFIGURATION -----------------------------------------------------------------

_NAMES = {p.name: p.number for p in map(profile_info, range(0x60))}
_NAMES.update({"CD-R": 0x09, "CD-RW": 0x0A, "CD-ROM": 0x08, "Removable disk": 0x02, "BD-RW": 0x43,
               "BD-R Random Writable": 0x42, "BD-R Sequential Writable": 0x41, "BD-ROM": 0x40, "DVD+R DL": 0x2B,
               "DVD+R": 0x1B, "DVD+RW": 0x1A, "DVD-R Layer Jump": 0x16})


def _profile_number(text: str) -> int:
    head = text.split(" (")[0].strip()
    return int(head, 16) if head.startswith("0x") else _NAMES[head]


@pytest.mark.parametrize("cap", params(PROFILE_LIST))
def test_profile_list(cap: Capture) -> None:
    """Profile lists printed by cdrecord/wodim, in drive order with the CurrentP flags
    (vectors built from MMC because only decoded values were published)."""
    stated = cap.stated
    profiles = tuple(ProfileDescriptor(_profile_number(p), "(current)" in p) for p in stated["profiles_in_drive_order"])
    current = _profile_number(stated["current_profile_header"])
    built = Configuration(current, (ProfileListFeature(profiles=profiles),))
    data = built.to_bytes()
    assert data[6:8] == current.to_bytes(2, "big")
    assert data[8:11] == H("000003")  # feature 0000h, persistent and current
    back = Configuration.from_bytes(data)
    assert back == built
    assert [p.number for p in back.profiles] == [_profile_number(p) for p in stated["profiles_in_drive_order"]]
    assert back.current_profile == current
    feature = back.feature(0)
    assert isinstance(feature, ProfileListFeature)
    assert feature.current_profiles == tuple(p.number for p in profiles if p.current)


def test_profile_list_quirks() -> None:
    """Two profiles flagged current (NEC ND-3540A, Pioneer DVR-108DX) and ascending order
    (AOpen CRW5224) survive the round trip unchanged."""
    nec = next(captures(lambda c: c.file.startswith("nec_") and re.search(PROFILE_LIST, c.command) is not None))
    flagged = [p for p in nec.stated["profiles_in_drive_order"] if "(current)" in p]
    assert len(flagged) == 2
    aopen = next(captures(lambda c: c.file.startswith("aopen_cd") and re.search(PROFILE_LIST, c.command) is not None))
    numbers = [_profile_number(p) for p in aopen.stated["profiles_in_drive_order"]]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("cap", params(CONFIG_DIC))
def test_configuration_dic_truncated(cap: Capture) -> None:
    """DiscImageCreator's print of a cut answer: Data Length 188, current profile CD-ROM;
    the answer is rebuilt with that header and cut, as a short allocation length cuts it."""
    stated = cap.stated
    names = [n for n in stated["FeatureProfileList_in_order"] if "cut off" not in n]
    profiles = tuple(ProfileDescriptor(_NAMES[n]) for n in names)
    current = _NAMES[stated["CurrentProfile"]]
    rest = tuple(ProfileDescriptor(n) for n in (0x15, 0x14, 0x13, 0x12, 0x11, 0x10, 0x0A, 0x09, 0x08))
    full = Configuration(current, (ProfileListFeature(profiles=profiles + rest),)).to_bytes()
    data = stated["DataLength"].to_bytes(4, "big") + full[4:]
    back = Configuration.from_bytes(data)
    assert back.data_length == 188 and back.current_profile == 0x0008 and back.profile_name == "CD-ROM"
    assert [p.number for p in back.profiles][: len(names)] == [_NAMES[n] for n in names]


@pytest.mark.parametrize("cap", params(CONFIG_TAIL))
def test_feature_tail_plextor(cap: Capture) -> None:
    """Plextor PX-755A: Power Management, Microcode Upgrade, Timeout, Real Time Streaming,
    Drive Serial Number and four vendor features with raw payloads (header bytes were not
    printed: built from MMC; the payload bytes are the drive's)."""
    s = cap.stated
    pm = s["FeaturePowerManagement"]
    vendor = {int(k[15:19], 16): hexbytes(v) or b"" for k, v in s.items() if k.startswith("vendor_feature_")}
    features = (
        PowerManagementFeature(version=pm["Version"], persistent=bool(pm["Persistent"]), current=bool(pm["Current"])),
        MicrocodeUpgradeFeature(version=1, m5=s["FeatureMicrocodeUpgrade"]["M5"] == "Yes"),
        TimeoutFeature(version=1, group3=s["FeatureTimeout"]["Group3"] == "Yes",
                       unit_length=s["FeatureTimeout"]["UnitLength"]),
        RealTimeStreamingFeature(version=3, **{k: s["FeatureRealTimeStreaming"][v] == "Yes" for k, v in (
            ("sw", "StreamRecording"), ("wspd", "WriteSpeedInGetPerf"), ("mp2a", "WriteSpeedInMP2A"),
            ("scs", "SetCDSpeed"), ("rbcb", "ReadBufferCapacityBlock"))}),
        LogicalUnitSerialNumberFeature(serial_number=s["FeatureLogicalUnitSerialNumber"]["SerialNumber"]),
        *(Feature(code, 0, True, True, payload) for code, payload in sorted(vendor.items())),
    )
    config = Configuration(0x0011, features)
    back = Configuration.from_bytes(config.to_bytes())
    assert back == config
    timeout = back.feature(0x0105)
    assert isinstance(timeout, TimeoutFeature) and timeout.group3 and timeout.unit_length == 3332
    rts = back.feature(0x0107)
    assert isinstance(rts, RealTimeStreamingFeature) and all((rts.sw, rts.wspd, rts.mp2a, rts.scs, rts.rbcb))
    serial = back.feature(0x0108)
    assert isinstance(serial, LogicalUnitSerialNumberFeature) and serial.serial_number == "106820"
    for code, payload in vendor.items():
        raw = back.feature(code)
        assert isinstance(raw, Feature) and raw.data == payload
    assert len(vendor[0xFF11]) == 84 and vendor[0xFF02] == b""


# --- dvd+rw-mediainfo reports ----------------------------------------------------------

_SECTION = re.compile(r"^([A-Z][A-Z0-9 +\-]*(?:\[[^\]]*\])?(?: [A-Z]+)*):\s*$")


def _sections(lines: list[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {"": []}
    current = ""
    for line in lines:
        heading = _SECTION.match(line.strip())
        if heading:
            current = heading.group(1)
            out.setdefault(current, [])
            continue
        label, sep, value = line.partition(":")
        out[current].append((label.strip().strip('"'), value.strip()) if sep else ("", line.strip()))
    return out


def _get(pairs: list[tuple[str, str]], label: str) -> str | None:
    return next((v for k, v in pairs if k == label), None)


def _blocks(value: str) -> int:
    return int(value.split("*")[0])


def _reports() -> list[Any]:
    return [pytest.param(cap, _sections(cap.stated["tool_output"]), id=cap.id) for cap in captures(MEDIAINFO)]


REPORTS = _reports()
_STATUS = {"blank": DiscStatus.EMPTY, "appendable": DiscStatus.INCOMPLETE, "complete": DiscStatus.COMPLETE,
           "other": DiscStatus.OTHER}
_SESSION = {"empty": SessionState.EMPTY, "incomplete": SessionState.INCOMPLETE,
            "reserved/damaged": SessionState.DAMAGED, "complete": SessionState.COMPLETE}
_BG = {"none": 0, "suspended": 1, "in progress": 2, "complete": 3}


@pytest.mark.parametrize(("cap", "sec"), REPORTS)
def test_mediainfo_disc_information(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ DISC INFORMATION as dvd+rw-mediainfo printed it (vectors built from MMC)."""
    pairs = sec["READ DISC INFORMATION"]
    status = _STATUS[_get(pairs, "Disc status") or ""]
    state = _SESSION[_get(pairs, "State of Last Session") or ""]
    sessions = int(_get(pairs, "Number of Sessions") or "")
    nxt = _get(pairs, "Next Track")
    last = int(_get(pairs, "Number of Tracks") or "")
    bg = _get(pairs, "BG Format Status")
    info = DiscInformation(
        disc_status=status, last_session_state=state, erasable=status is DiscStatus.OTHER, sessions=sessions,
        first_track_last_session=int(nxt) if nxt is not None else last, last_track_last_session=last,
        bg_format_status=_BG[bg] if bg else 0,
    )
    data = info.to_bytes()
    assert data[2] & 3 == int(status) and data[2] >> 2 & 3 == int(state)
    assert data[4] == sessions & 0xFF and data[6] == last & 0xFF
    back = DiscInformation.from_bytes(data)
    assert back == info
    if bg:
        assert back.bg_format_status == 1 and cap.stated["summary"]["bg_format_status"].startswith("suspended")
    if cap.stated["summary"].get("last_session_state", "").startswith("reserved/damaged"):
        assert back.last_session_state is SessionState.DAMAGED


def _track_sections(sec: dict[str, list[tuple[str, str]]]) -> list[tuple[int, list[tuple[str, str]]]]:
    return [(int(k[len("READ TRACK INFORMATION[#"):-1]), v) for k, v in sec.items()
            if k.startswith("READ TRACK INFORMATION[#")]


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if _track_sections(p.values[1])])
def test_mediainfo_track_information(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ TRACK INFORMATION per track (vectors built from MMC; the state word printed by
    the tool maps to Blank / Packet / NWA_V / LRA_V as MMC-6 table 527 gives them)."""
    for number, pairs in _track_sections(sec):
        state = _get(pairs, "Track State") or ""
        values: dict[str, int] = {}
        for label, field in (("Track Start Address", "start_address"), ("Next Writable Address",
                             "next_writable_address"), ("Free Blocks", "free_blocks"), ("Track Size", "track_size"),
                             ("Last Recorded Address", "last_recorded_address"),
                             ("ROM Compatibility LBA", "read_compatibility_lba")):
            text = _get(pairs, label)
            if text is not None and "cut off" not in text:
                values[field] = _blocks(text) if "*" in text else int(text)
        info = TrackInformation(
            track=number, session=1, blank=state in ("blank", "invisible incremental"),
            packet="incremental" in state, track_mode=7 if "incremental" in state else 5,
            nwa_valid="next_writable_address" in values, lra_valid="last_recorded_address" in values,
            **values,
        )
        back = TrackInformation.from_bytes(info.to_bytes())
        assert back == info
        for field, value in values.items():
            assert getattr(back, field) == value
    if "quirk" in cap.stated["summary"] and "4294770688" in cap.stated["summary"]["quirk"]:
        assert any(_get(p, "Track Size") == "4294770688*2KB" for _, p in _track_sections(sec))


def _all_pairs(sec: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    return [pair for pairs in sec.values() for pair in pairs]


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if "*" in (_get(_all_pairs(p.values[1]),
                                                                              "READ CAPACITY") or "")])
def test_mediainfo_read_capacity(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ CAPACITY: the tool prints (last LBA + 1) modulo 2**32 times the block length;
    blank media return last LBA FFFFFFFFh (vectors built from MMC)."""
    text = _get(_all_pairs(sec), "READ CAPACITY") or ""
    count, rest = text.split("*")
    length, total = (int(x) for x in rest.split("="))
    answer = ReadCapacityData((int(count) - 1) & 0xFFFFFFFF, length)
    back = ReadCapacityData.from_bytes(answer.to_bytes())
    assert back.blocks == int(count) and back.blocks * back.block_length == total


_FORMAT_LINE = re.compile(r"^([0-9A-F]{2})h\(([0-9a-f]+)\)$")


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if "READ FORMAT CAPACITIES" in p.values[1]])
def test_mediainfo_format_capacities(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ FORMAT CAPACITIES: 'unformatted:'/'formatted:' is the current/maximum
    descriptor, 'TTh(PPP):' a formattable descriptor of type TT with parameter PPPh."""
    current = None
    formattable = []
    for label, value in sec["READ FORMAT CAPACITIES"]:
        if label in ("unformatted", "formatted"):
            kind = DescriptorType.UNFORMATTED if label == "unformatted" else DescriptorType.FORMATTED
            current = CapacityDescriptor(_blocks(value), kind, int(value.split("*")[1].split("=")[0]))
        elif m := _FORMAT_LINE.match(label):
            formattable.append(FormattableDescriptor(_blocks(value), int(m.group(1), 16), int(m.group(2), 16)))
    assert current is not None
    caps = FormatCapacities(current, tuple(formattable))
    back = FormatCapacities.from_bytes(caps.to_bytes())
    assert back == caps
    summary = cap.stated["summary"]
    if "format_descriptors" in summary and isinstance(summary["format_descriptors"][0], list):
        assert [(f"{d.format_type:02X}h", d.blocks) for d in back.formattable] == [
            (t, n) for t, n, _p in summary["format_descriptors"]]
    if "unformatted_capacity_blocks" in summary:
        assert back.current.blocks == summary["unformatted_capacity_blocks"]
    if "formatted_capacity_blocks" in summary:
        assert back.current.blocks == summary["formatted_capacity_blocks"]
        assert back.current.descriptor_type is DescriptorType.FORMATTED


_SPEED = re.compile(r"^([0-9a-f]{2})/(\d+) R@[\d.]+x\d+=(\d+)KB/s W@[\d.]+x\d+=(\d+)KB/s$")


def _has_speeds(sec: dict[str, list[tuple[str, str]]]) -> bool:
    return any(k.startswith("Speed Descriptor#") for k, _ in _all_pairs(sec))


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if _has_speeds(p.values[1])])
def test_mediainfo_write_speeds(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """GET PERFORMANCE type 03h: 'FF/END R@...=RKB/s W@...=WKB/s' is byte 0, End LBA,
    read and write speed of one descriptor (vectors built from MMC)."""
    parsed = []
    for label, value in _all_pairs(sec):
        if label.startswith("Speed Descriptor#"):
            m = _SPEED.match(value)
            assert m, value
            parsed.append((int(m.group(1), 16), int(m.group(2)), int(m.group(3)), int(m.group(4))))
    speeds = WriteSpeeds(tuple(SpeedDescriptor.from_flags(*p) for p in parsed))
    data = speeds.to_bytes()
    assert [data[8 + 16 * i] for i in range(len(parsed))] == [p[0] for p in parsed]
    back = WriteSpeeds.from_bytes(data)
    assert back == speeds
    assert [(d.flags, d.end_lba, d.read_speed, d.write_speed) for d in back.descriptors] == parsed
    if cap.file.startswith("hl-dt-st_bd-re-wh16ns40"):
        assert [d.wrc for d in back.descriptors] == [1, 1, 1, 1, 0]
    if "4294967295" in cap.stated["summary"].get("quirk", ""):
        assert back.descriptors[0].end_lba == 0xFFFFFFFF


_PERF = re.compile(r"^[\d.]+x\d+=(\d+)KB/s@\[(\d+) -> (\d+)\]$")


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if "GET [CURRENT] PERFORMANCE" in p.values[1]])
def test_mediainfo_performance(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """GET PERFORMANCE type 00h, write: 'SPEED@[START -> END]' per nominal descriptor
    (start and end performance equal as printed; vectors built from MMC)."""
    zones = []
    collecting = False
    for label, value in sec["GET [CURRENT] PERFORMANCE"]:
        if label == "Write Performance":
            collecting = True
        elif label:
            collecting = False
        if collecting and (m := _PERF.match(value)):
            zones.append((int(m.group(2)), int(m.group(3)), int(m.group(1))))
    assert zones
    perf = Performance(tuple(NominalPerformance(s, k, e, k) for s, e, k in zones), write=True)
    back = Performance.from_bytes(perf.to_bytes())
    assert back == perf and back.write
    expected = cap.stated["summary"].get("get_performance_type0_zones")
    if expected:
        assert [[d.start_lba, d.end_lba, d.end_performance] for d in back.descriptors] == expected


_BOOK = re.compile(r"^([0-9A-F]{2})h, ")


def _structure_sections(sec: dict[str, list[tuple[str, str]]]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(k, v) for k, v in sec.items() if k.startswith("READ DVD STRUCTURE[")]


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if _structure_sections(p.values[1])])
def test_mediainfo_dvd_physical_format(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ DISC STRUCTURE formats 00h/10h: the book type byte and the data area size the
    tool prints as 'lead-out'/'border-out' (data end - 030000h + 1; vectors built from MMC)."""
    for _name, pairs in _structure_sections(sec):
        book = _get(pairs, "Media Book Type") or ""
        byte0 = int(_BOOK.match(book).group(1), 16)  # type: ignore[union-attr]
        end_text = _get(pairs, "Legacy lead-out at") or _get(pairs, "Last border-out at") or ""
        count = _blocks(end_text)
        if 0x030000 + count - 1 >= 1 << 24:
            assert "bogus" in cap.stated["summary"]["quirk"]  # blank DVD-R pre-pit garbage
            continue
        pf = DvdPhysicalFormat(book_type=byte0 >> 4, part_version=byte0 & 15, data_end=0x030000 + count - 1)
        back = DvdPhysicalFormat.from_bytes(pf.to_bytes())
        assert back == pf and back.data_blocks == count
        assert back.to_bytes()[4] == byte0
        assert back.book_name.split()[0] in book


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if _get(_all_pairs(p.values[1]), "Media ID")])
def test_mediainfo_media_id(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """The media id: ADIP (format 11h) on DVD+R/+RW, pre-recorded information (0Eh) on
    DVD-R/-RW, the DI unit (BD format 00h) on BD (vectors built from MMC / Blu-ray)."""
    media_id = _get(_all_pairs(sec), "Media ID") or ""
    profile = int(_get(sec["GET [CURRENT] CONFIGURATION"] if "GET [CURRENT] CONFIGURATION" in sec else
                       _all_pairs(sec), "Mounted Media").split("h")[0], 16)  # type: ignore[union-attr]
    if profile in (0x1A, 0x1B, 0x2B):
        manufacturer, media_type = media_id.split("/")
        adip = DvdAdipInformation.from_bytes(DvdAdipInformation.build(manufacturer, media_type).to_bytes())
        assert adip.media_id == media_id
    elif profile in (0x11, 0x13, 0x14):
        pre = DvdPrerecordedInformation.from_bytes(DvdPrerecordedInformation.build(media_id).to_bytes())
        assert pre.manufacturer_id == media_id
    else:
        assert profile_info(profile).family.value == "bd"
        manufacturer, media_type = media_id.split("/")
        unit = BdDiscInformationUnit.build("BDR", manufacturer_id=manufacturer, media_type_id=media_type)
        back = BdDiscInformation.from_bytes(BdDiscInformation((unit,)).to_bytes())
        assert back.units[0].media_id == media_id and back.units[0].disc_type_id == "BDR"
    assert cap.stated["summary"].get("media_id", media_id) == media_id or cap.stated["summary"].get(
        "media_id_dvd_minus") == media_id


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS
                                          if "DVD+R DOUBLE LAYER BOUNDARY INFORMATION" in p.values[1]])
def test_mediainfo_layer_boundary(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ DISC STRUCTURE format 20h: 'L0 Data Zone Capacity: N*2KB, can still be set'
    (InitStatus clear; vectors built from MMC)."""
    text = _get(sec["DVD+R DOUBLE LAYER BOUNDARY INFORMATION"], "L0 Data Zone Capacity") or ""
    info = LayerBoundaryInformation(_blocks(text), init_status="can still be set" not in text)
    back = LayerBoundaryInformation.from_bytes(info.to_bytes())
    assert back == info and not back.init_status
    assert back.l0_capacity == cap.stated["summary"].get("l0_data_zone_capacity", back.l0_capacity) == 2086912


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if "POW RESOURCES INFORMATION" in p.values[1]])
def test_mediainfo_pow_resources(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ DISC INFORMATION data type 010b on BD-R SRM+POW (vectors built from MMC; the
    replacement counts look like garbage, 0x0101xxxx, and are kept as the drives sent them)."""
    pairs = sec["POW RESOURCES INFORMATION"]
    values = [int(_get(pairs, k) or "") for k in ("Remaining Replacements", "Remaining Map Entries",
                                                   "Remaining Updates")]
    info = PowResources(*values)
    back = PowResources.from_bytes(info.to_bytes())
    assert back == info and back.replacements >> 16 == 0x0101
    assert back.replacements == cap.stated["summary"].get("pow_remaining_replacements", back.replacements)


_TOC_LINE = re.compile(r"^([0-9a-f]{2})@(\d+)$")


@pytest.mark.parametrize(("cap", "sec"), [p for p in REPORTS if "FABRICATED TOC" in p.values[1]])
def test_mediainfo_fabricated_toc(cap: Capture, sec: dict[str, list[tuple[str, str]]]) -> None:
    """READ TOC format 0 ('Track#N : CC@LBA', CC = ADR/CONTROL byte) and format 1
    ('Multi-session Info: #T@LBA') as DVD/BD drives fabricate them (vectors built from MMC)."""
    entries = []
    session = None
    for label, value in sec["FABRICATED TOC"]:
        if label.startswith("Track#"):
            m = _TOC_LINE.match(value)
            assert m, value
            number = label[len("Track#"):].strip()
            byte = int(m.group(1), 16)
            entries.append(TocEntry(LEAD_OUT_TRACK if number == "AA" else int(number), int(m.group(2)), byte >> 4,
                                    byte & 15))
        elif label == "Multi-session Info":
            track, lba = value.lstrip("#").split("@")
            session = SessionInfo(1, 1, int(track), int(lba))
    toc = Toc(entries[0].track, entries[-2].track, tuple(entries))
    back = Toc.from_bytes(toc.to_bytes())
    assert back == toc and back.tracks[0].is_data
    assert back.lead_out == _blocks(_get(_all_pairs(sec), "READ CAPACITY") or "")
    assert session is not None and SessionInfo.from_bytes(session.to_bytes()) == session


# --- READ TOC/PMA/ATIP -----------------------------------------------------------------

_LBA_MSF = re.compile(r"^(-?\d+) \((\d+):(\d+)/(\d+)\)$")


def _number_in_parens(text: str) -> int:
    return int(re.search(r"\((\d+)\)\s*$", text).group(1)) if "(" in text else int(text.split()[0])  # type: ignore[union-attr]


@pytest.mark.parametrize("cap", params(ATIP))
def test_atip(cap: Capture) -> None:
    """ATIP of CD-R/RW discs as cdrecord/wodim and DiscImageCreator printed it; the A1/A2/A3
    bytes are the disc's own (vectors built from MMC / Orange Book)."""
    s = cap.stated
    if "LeadInMsf" in s:  # DiscImageCreator
        lead_in = Msf(*(int(x) for x in s["LeadInMsf"].split(":")))
        lead_out = Msf(*(int(x) for x in s["LeadOutMsf"].split(":")))
        atip = Atip(s["WritePower"], lead_in, lead_out, reference_speed=s["ReferenceSpeed"],
                    unrestricted_use=s["UnrestrictedUse"] == "Yes", erasable=s["DiscType"].startswith("1"),
                    disc_subtype=_number_in_parens(s["DiscSubType"].split(" (")[0]),
                    a1=hexbytes(s["A1Values_hex"]), a2=hexbytes(s["A2Values_hex"]))
        assert list(atip.a1 or b"") == s["A1Values_decimal"] and list(atip.a2 or b"") == s["A2Values_decimal"]
        short = not s["RecordingCharacteristics"].startswith("Long")
        lba_pairs: list[tuple[int, Msf]] = []
    else:
        pairs = [_LBA_MSF.match(s[k]) for k in ("atip_start_of_lead_in", "atip_start_of_lead_out")]
        lba_pairs = [(int(m.group(1)), Msf(int(m.group(2)), int(m.group(3)), int(m.group(4)))) for m in pairs if m]
        assert len(lba_pairs) == 2
        atip = Atip(
            s["indicated_writing_power"], lba_pairs[0][1], lba_pairs[1][1], reference_speed=s.get("reference_speed", 0),
            unrestricted_use=s["unrestricted"], erasable=s["erasable"],
            disc_subtype=_number_in_parens(s["disk_sub_type"]) if "disk_sub_type" in s else 0,
            a1=hexbytes(s.get("A1_values_hex")), a2=hexbytes(s.get("A2_values_hex")),
            a3=hexbytes(s.get("A3_values_hex")),
        )
        short = s["disk_type"].startswith("Short")
    data = atip.to_bytes()
    assert data[4] >> 4 & 7 == atip.writing_power and data[8:11] == atip.lead_in_start.to_bytes()
    back = Atip.from_bytes(data)
    assert back == atip
    for lba, msf in lba_pairs:
        assert msf_to_lba(msf) == lba
    if lba_pairs:
        assert back.lead_in_lba == lba_pairs[0][0] and back.last_lead_out_lba == lba_pairs[1][0]
    if "blocks_total_current_remaining" in s:
        assert back.last_lead_out_lba == s["blocks_total_current_remaining"][0]
    kind = s.get("disk_type", "")
    if kind == "Phase change":
        assert back.erasable
    else:
        assert back.short_strategy == short


@pytest.mark.parametrize("cap", params(TOC_FAILED))
def test_full_toc_cdb(cap: Capture) -> None:
    """Only the CDB of this failed READ TOC was published: MSF set, format 2, 4 bytes."""
    assert cap.cdb is not None
    request = ReadToc.from_cdb(cap.cdb)
    assert request == ReadToc(TocFormat.FULL_TOC, msf=True, track_session=0, allocation_length=4)
    assert request.to_command().cdb == cap.cdb


def test_audio_cd_toc_vectors() -> None:
    """TOCs of real audio CDs (libdiscid / python-discid vectors): a format 0 answer with
    start LBA = offset - 150 per track and the lead-out at sectors - 150, in LBA and MSF
    form, decodes to the same first/last track and offsets."""
    doc = json.loads((DATA / "dataset_audio-cd-toc-vectors.json").read_text(encoding="utf-8"))
    assert len(doc["vectors"]) == 4
    for vector in doc["vectors"]:
        first, last, offsets = vector["first"], vector["last"], vector["offsets"]
        assert last - first + 1 == len(offsets)
        entries = tuple(TocEntry(first + i, off - 150, 1, 0) for i, off in enumerate(offsets))
        entries += (TocEntry(LEAD_OUT_TRACK, vector["sectors"] - 150, 1, 0),)
        for msf in (False, True):
            toc = Toc(first, last, entries, msf=msf)
            back = Toc.from_bytes(toc.to_bytes(), msf=msf)
            assert (back.first_track, back.last_track) == (first, last)
            assert [e.address + 150 for e in back.tracks] == offsets
            assert back.lead_out is not None and back.lead_out + 150 == vector["sectors"]
            assert [e.track for e in back.tracks] == list(range(first, last + 1))


# --- READ TRACK INFORMATION, raw -------------------------------------------------------


@pytest.mark.parametrize("cap", params(TRACK_RAW))
def test_track_information_raw(cap: Capture) -> None:
    """Two complete raw answers (34 of the 36 bytes the drive reported): decoded to the
    stated and collector values, then rebuilt byte for byte."""
    assert cap.cdb is not None and cap.response is not None
    request = ReadTrackInformation.from_cdb(cap.cdb)
    assert request == ReadTrackInformation(AddressType.TRACK, 1, allocation_length=0x22)
    info = TrackInformation.from_bytes(cap.response)
    decoded = cap.entry["collector_decode"]
    for field, name in (("track", "track"), ("session", "session"), ("track_mode", "track_mode"), ("rt", "rt"),
                        ("blank", "blank"), ("packet_inc", "packet"), ("fp", "fp"), ("data_mode", "data_mode"),
                        ("nwa_v", "nwa_valid"), ("lra_v", "lra_valid"), ("track_start", "start_address"),
                        ("free_blocks", "free_blocks"), ("fixed_packet_size", "fixed_packet_size"),
                        ("track_size", "track_size")):
        if field in decoded:
            assert int(getattr(info, name)) == decoded[field], field
    assert info.fp == cap.stated["fp_bit"].startswith("set")
    mode = int(re.search(r"track mode (\d+)", cap.stated["byte5"]).group(1))  # type: ignore[union-attr]
    assert info.track_mode == mode
    assert info.structure_length == 36
    rebuilt = info.to_bytes()
    assert rebuilt[:34] == cap.response and rebuilt[34:] == b"\0\0"


@pytest.mark.parametrize("cap", params(RTI_SENSE))
def test_track_information_invisible_track_cdb(cap: Capture) -> None:
    """The CDB cdrecord sent for the invisible track (the answer was CHECK CONDITION)."""
    assert cap.cdb is not None
    request = ReadTrackInformation.from_cdb(cap.cdb)
    assert request == ReadTrackInformation(AddressType.TRACK, 0xFF, allocation_length=0x1C)
    assert request.to_command().cdb == cap.cdb


def test_format_capacities_printed_by_cdrecord() -> None:
    """cdrecord's line for a blank CD-R (TSSTcorp SH-R522C): capacity 0, block length 2048,
    descriptor type 'Formatted Media' (vector built from MMC)."""
    cap = next(captures(lambda c: "format_capacities_as_printed" in c.stated))
    m = re.match(r"Capacity (\d+), Blklen/Sparesz (\d+), Format-type 0x([0-9a-f]{2}), Type 'Formatted Media'",
                 cap.stated["format_capacities_as_printed"])
    assert m
    caps = FormatCapacities(CapacityDescriptor(int(m.group(1)), DescriptorType.FORMATTED, int(m.group(2))))
    data = caps.to_bytes()
    assert data == H("00000008 00000000 02 000800".replace(" ", ""))
    assert FormatCapacities.from_bytes(data) == caps
