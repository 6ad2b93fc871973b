"""GET CONFIGURATION: CDB, feature header, every feature descriptor, profile and feature
tables. Byte vectors are built from the MMC-6 descriptor tables (no raw GET CONFIGURATION
answer was published; the capture tests rebuild the decoded ones)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openimapi.enums import IMAPI_FEATURE_PAGE_TYPE, IMAPI_PROFILE_TYPE
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData
from openimapi.mmc.features import (
    FEATURE_CLASSES,
    FEATURES,
    PROFILES,
    BdReadFeature,
    BdWriteFeature,
    Configuration,
    CoreFeature,
    DiscControlBlocksFeature,
    DvdReadFeature,
    Feature,
    FeatureDescriptor,
    FirmwareInformationFeature,
    GetConfiguration,
    IncrementalStreamingWritableFeature,
    LayerJumpRecordingFeature,
    LogicalUnitSerialNumberFeature,
    MediaFamily,
    ProfileDescriptor,
    ProfileListFeature,
    RemovableMediumFeature,
    RequestType,
    TimeoutFeature,
    decode_feature,
    feature_info,
    profile_info,
)


def test_cdb_bytes_and_round_trip() -> None:
    req = GetConfiguration(RequestType.CURRENT, 0x0107, 8)
    cmd = req.to_command()
    assert cmd.cdb == bytes.fromhex("46010107000000000800")
    assert cmd.data_in_length == 8 and cmd.name == "GET CONFIGURATION"
    assert GetConfiguration.from_cdb(cmd.cdb) == req
    assert OPCODES[0x46] is GetConfiguration


@pytest.mark.parametrize(
    ("cdb", "byte"),
    [("46030000000000000800", 1), ("46040000000000000800", 1), ("46000000010000000800", 4)],
)
def test_cdb_strict(cdb: str, byte: int) -> None:
    with pytest.raises(InvalidCdbField) as info:
        GetConfiguration.from_cdb(bytes.fromhex(cdb))
    assert info.value.byte == byte


def test_request_validates() -> None:
    with pytest.raises(ValueError, match="reserved"):
        GetConfiguration(3)
    with pytest.raises(ValueError):
        GetConfiguration(0, 0x10000)


def test_answer_bytes_exact() -> None:
    """Header (MMC-6 table 85) + Profile List + Core + Removable Medium (tray, eject, lock)."""
    config = Configuration(
        0x0009,
        (
            ProfileListFeature(current=True, profiles=(ProfileDescriptor(0x000A), ProfileDescriptor(0x0009, True))),
            CoreFeature(version=2, physical_interface=2, dbe=True),
            RemovableMediumFeature(version=1, loading_mechanism=1, eject=True, lock=True),
        ),
    )
    expected = bytes.fromhex(
        "00000024 0000 0009"
        " 0000 03 08 000a 00 00 0009 01 00"
        " 0001 0b 08 00000002 01 000000"
        " 0003 07 04 29 000000".replace(" ", "")
    )
    assert config.to_bytes() == expected
    assert Configuration.from_bytes(expected) == config
    assert Configuration.from_bytes(expected).data_length == 0x24


def test_truncated_answer_keeps_complete_descriptors() -> None:
    config = Configuration(0x10, (ProfileListFeature(profiles=(ProfileDescriptor(0x10, True),)), CoreFeature()))
    data = config.to_bytes()
    cut = Configuration.from_bytes(data[:16])
    assert cut.features == config.features[:1]
    assert Configuration.from_bytes(data[:15]).features == ()
    assert cut.data_length == len(data) - 4
    assert Configuration.from_bytes(data[:8]).features == ()
    with pytest.raises(MalformedData):
        Configuration.from_bytes(data[:7])


def test_select_rt() -> None:
    features = (ProfileListFeature(), CoreFeature(), DvdReadFeature(current=False), TimeoutFeature())
    config = Configuration(0x10, features)
    assert config.select(RequestType.ALL, 0x0001).features == features[1:]
    assert config.select(RequestType.CURRENT, 0x0001).features == (features[1], features[3])
    assert config.select(RequestType.ONE, 0x001F).features == (features[2],)
    assert config.select(RequestType.ONE, 0x0020).features == ()


def test_configuration_validates_order() -> None:
    with pytest.raises(ValueError, match="ascending"):
        Configuration(0, (CoreFeature(), ProfileListFeature()))


def test_generic_feature_keeps_bytes_and_pads() -> None:
    raw = Feature(0xFF10, 1, True, False, bytes.fromhex("000a0006108a"))
    data = raw.to_bytes()
    assert data == bytes.fromhex("ff10 06 08 000a0006108a 0000".replace(" ", ""))
    assert decode_feature(0xFF10, data[2], data[4:10]) == raw


def test_list_features_bytes() -> None:
    isw = IncrementalStreamingWritableFeature(version=1, data_block_types=0x0C01, buf=True, link_sizes=(1, 7, 16))
    assert isw.to_bytes() == bytes.fromhex("0021 05 08 0c01 01 03 010710 00".replace(" ", ""))
    ljr = LayerJumpRecordingFeature(link_sizes=(16,))
    assert ljr.to_bytes() == bytes.fromhex("0033 01 08 000000 01 10 000000".replace(" ", ""))
    serial = LogicalUnitSerialNumberFeature(serial_number="106820")
    assert serial.to_bytes() == b"\x01\x08\x01\x08106820  "
    dcb = DiscControlBlocksFeature(content_descriptors=(0x46444300,))
    assert dcb.to_bytes() == bytes.fromhex("010a 01 04 46444300".replace(" ", ""))
    fw = FirmwareInformationFeature(date_time="20040514123000")
    assert fw.to_bytes() == bytes.fromhex("010c 01 10".replace(" ", "")) + b"20040514123000\0\0"
    bd = BdReadFeature(bd_re=(0, 2, 0, 0), bd_r=(2, 0, 0, 0), bd_rom=(6, 0, 0, 0))
    assert bd.to_bytes()[:4] == bytes.fromhex("0040011c") and bd.to_bytes()[8:12] == bytes.fromhex("00000002")
    bdw = BdWriteFeature(svnr=True, bd_r=(0, 0, 0, 4))
    assert bdw.to_bytes()[4] == 1 and bdw.to_bytes()[-2:] == b"\x00\x04"
    for feature in (isw, ljr, serial, dcb, fw, bd, bdw):
        data = feature.to_bytes()
        assert decode_feature(feature.code, data[2], data[4:]) == feature


def test_version_zero_carries_no_data() -> None:
    assert TimeoutFeature(version=0).to_bytes() == bytes.fromhex("01050100")
    assert TimeoutFeature(version=1, group3=True, unit_length=3332).to_bytes() == bytes.fromhex("0105050401000d04")
    with pytest.raises(ValueError, match="version 0"):
        TimeoutFeature(version=0, group3=True)
    assert CoreFeature(version=0, physical_interface=2).to_bytes() == bytes.fromhex("0001030400000002")


def test_malformed_known_feature_falls_back_to_raw() -> None:
    # a serial number feature is ASCII; a firmware date must decode to 14 characters
    feature = decode_feature(0x010C, 0x05, bytes(3))
    assert isinstance(feature, FirmwareInformationFeature)
    assert feature.date_time == "\0" * 14


def test_tables_cover_imapi_enums() -> None:
    for member in IMAPI_FEATURE_PAGE_TYPE:
        row = FEATURES[int(member)]
        assert row.imapi is member
        assert int(member) in FEATURE_CLASSES, row.name
    for member in IMAPI_PROFILE_TYPE:
        assert PROFILES[int(member)].imapi is member
    assert profile_info(0x0041).family is MediaFamily.BD and profile_info(0x0041).writable
    assert profile_info(0x0043).rewritable and not profile_info(0x001B).rewritable
    assert profile_info(0x1234).name == "Unknown profile 1234h"
    assert feature_info(0xFF00).name == "Vendor-specific feature FF00h"
    for code, cls in FEATURE_CLASSES.items():
        assert code == cls.CODE


def _layout_strategy(cls: type[FeatureDescriptor]) -> st.SearchStrategy[FeatureDescriptor]:
    versions = [v for v in range(16) if cls.LENGTHS.get(v, cls.LENGTH) == cls.LENGTH]
    kwargs: dict[str, st.SearchStrategy[object]] = {
        "version": st.sampled_from(versions),
        "persistent": st.booleans(),
        "current": st.booleans(),
    }
    for name, _byte, _shift, bits in cls.LAYOUT:
        kwargs[name] = st.booleans() if bits == 1 else st.integers(0, (1 << bits) - 1)
    return st.builds(cls, **kwargs)  # type: ignore[arg-type]


FIXED = [cls for cls in FEATURE_CLASSES.values() if cls.LAYOUT or not dataclasses.fields(cls)[3:]]


@pytest.mark.parametrize("cls", FIXED, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_fixed_feature_round_trip(cls: type[FeatureDescriptor], data: st.DataObject) -> None:
    feature = data.draw(_layout_strategy(cls))
    raw = feature.to_bytes()
    assert int.from_bytes(raw[:2], "big") == cls.CODE
    assert raw[3] == len(raw) - 4 and raw[3] % 4 == 0
    assert decode_feature(cls.CODE, raw[2], raw[4:]) == feature
    config = Configuration(0x0008, (feature,))
    assert Configuration.from_bytes(config.to_bytes()) == config


@given(
    profiles=st.lists(st.tuples(st.integers(0, 0xFFFF), st.booleans()), max_size=20),
    current=st.integers(0, 0xFFFF),
)
def test_profile_list_round_trip(profiles: list[tuple[int, bool]], current: int) -> None:
    feature = ProfileListFeature(profiles=tuple(ProfileDescriptor(n, c) for n, c in profiles))
    config = Configuration(current, (feature,))
    back = Configuration.from_bytes(config.to_bytes())
    assert back == config
    assert back.profiles == feature.profiles
