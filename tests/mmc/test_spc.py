"""SPC command codecs of openimapi.mmc.spc / openimapi.mmc.vpd.

Byte vectors are built by hand from the CDB and data tables of SPC-4 (T10 draft spc4r37:
6.6 INQUIRY, 6.14 MODE SENSE(10), 6.12 MODE SELECT(10), 6.39 REQUEST SENSE, 6.47 TEST UNIT
READY, 7.8 VPD pages) and MMC-6 (mmc6r02g: 6.12 PREVENT ALLOW MEDIUM REMOVAL, 6.40 START
STOP UNIT); real drive answers are tested in test_spc_captures.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc import (
    Command,
    Inquiry,
    InquiryData,
    ModeParameters,
    ModeSelect10,
    ModeSense10,
    PageControl,
    PreventAllowMediumRemoval,
    RequestSense,
    SenseData,
    StartStopUnit,
    TestUnitReady,
    WriteParametersPage,
    WriteType,
)
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData
from openimapi.mmc.sense import Sense, decode_sense
from openimapi.mmc.spc import PowerCondition, encode_sense
from openimapi.mmc.vpd import (
    DeviceIdentificationPage,
    IdentificationDescriptor,
    SupportedVpdPages,
    UnitSerialNumberPage,
    VpdPage,
)

# ------------------------------------------------------------------------------ CDB vectors

CDB_VECTORS = [
    (TestUnitReady(), "00 00 00 00 00 00", 0, b""),
    (RequestSense(), "03 00 00 00 fc 00", 252, b""),
    (RequestSense(allocation_length=18, desc=True), "03 01 00 00 12 00", 18, b""),
    (Inquiry(), "12 00 00 00 60 00", 96, b""),
    (Inquiry(allocation_length=36), "12 00 00 00 24 00", 36, b""),
    (Inquiry(allocation_length=0xFC, evpd=True, page_code=0x00), "12 01 00 00 fc 00", 252, b""),
    (Inquiry(allocation_length=0x1000, evpd=True, page_code=0x83), "12 01 83 10 00 00", 4096, b""),
    (ModeSense10(0x2A), "5a 08 2a 00 00 00 00 ff ff 00", 0xFFFF, b""),
    (ModeSense10(0x2A, 30, dbd=False), "5a 00 2a 00 00 00 00 00 1e 00", 30, b""),
    (
        ModeSense10(0x3F, 0x200, PageControl.CHANGEABLE, subpage_code=0xFF, dbd=True, llbaa=True),
        "5a 18 7f ff 00 00 00 02 00 00",
        0x200,
        b"",
    ),
    (ModeSense10(0x05, 60, PageControl.SAVED), "5a 08 c5 00 00 00 00 00 3c 00", 60, b""),
    (ModeSelect10(bytes(16)), "55 10 00 00 00 00 00 00 10 00", 0, bytes(16)),
    (ModeSelect10(bytes(4), pf=False, sp=True), "55 01 00 00 00 00 00 00 04 00", 0, bytes(4)),
    (StartStopUnit(), "1b 00 00 00 01 00", 0, b""),
    (StartStopUnit.eject(), "1b 00 00 00 02 00", 0, b""),
    (StartStopUnit.load(immed=True), "1b 01 00 00 03 00", 0, b""),
    (StartStopUnit(start=False), "1b 00 00 00 00 00", 0, b""),
    (StartStopUnit(start=False, power_condition=PowerCondition.STANDBY), "1b 00 00 00 30 00", 0, b""),
    (StartStopUnit(start=False, format_layer=True, loej=True), "1b 00 00 00 06 00", 0, b""),
    (PreventAllowMediumRemoval(), "1e 00 00 00 01 00", 0, b""),
    (PreventAllowMediumRemoval(prevent=False), "1e 00 00 00 00 00", 0, b""),
    (PreventAllowMediumRemoval(prevent=True, persistent=True), "1e 00 00 00 03 00", 0, b""),
]


@pytest.mark.parametrize(("request_", "cdb", "data_in", "data_out"), CDB_VECTORS)
def test_cdb_byte_exact_and_round_trip(request_: object, cdb: str, data_in: int, data_out: bytes) -> None:
    command = request_.to_command(timeout=30.0)  # type: ignore[attr-defined]
    assert isinstance(command, Command)
    assert command.cdb == bytes.fromhex(cdb)
    assert command.data_in_length == data_in
    assert command.data_out == data_out
    assert command.timeout == 30.0
    assert command.name == type(request_).NAME  # type: ignore[attr-defined]
    parsed = type(request_).from_cdb(command.cdb)  # type: ignore[attr-defined]
    if isinstance(request_, ModeSelect10):  # the CDB alone does not carry the parameter list
        assert parsed == ModeSelect10(pf=request_.pf, sp=request_.sp, parameter_list_length=len(data_out))
        assert ModeSelect10.from_cdb(command.cdb, data_out) == request_
    else:
        assert parsed == request_


def test_opcodes_registered() -> None:
    for cls in (TestUnitReady, RequestSense, Inquiry, ModeSense10, ModeSelect10, StartStopUnit):
        assert OPCODES[cls.OPCODE] is cls
    assert OPCODES[0x1E] is PreventAllowMediumRemoval


@pytest.mark.parametrize(
    ("cls", "cdb", "byte"),
    [
        (TestUnitReady, "01 00 00 00 00 00", 0),  # wrong opcode
        (TestUnitReady, "00 00 00 00 00 00 00 00 00 00", 0),  # wrong length
        (TestUnitReady, "00 00 00 01 00 00", 3),
        (TestUnitReady, "00 00 00 00 00 04", 5),  # NACA
        (RequestSense, "03 02 00 00 12 00", 1),
        (Inquiry, "12 02 00 00 24 00", 1),  # CMDDT (obsolete)
        (Inquiry, "12 00 80 00 24 00", 2),  # page code without EVPD
        (ModeSense10, "5a 01 2a 00 00 00 00 00 1e 00", 1),
        (ModeSense10, "5a 00 2a 00 01 00 00 00 1e 00", 4),
        (ModeSelect10, "55 10 01 00 00 00 00 00 10 00", 2),
        (StartStopUnit, "1b 00 00 00 08 00", 4),
        (StartStopUnit, "1b 02 00 00 01 00", 1),
        (PreventAllowMediumRemoval, "1e 00 00 00 04 00", 4),
        (PreventAllowMediumRemoval, "1e 01 00 00 01 00", 1),
    ],
)
def test_from_cdb_rejects_reserved_fields(cls: type, cdb: str, byte: int) -> None:
    with pytest.raises(InvalidCdbField) as info:
        cls.from_cdb(bytes.fromhex(cdb))
    assert info.value.byte == byte
    assert info.value.in_cdb


def test_request_validation() -> None:
    with pytest.raises(ValueError, match="EVPD"):
        Inquiry(page_code=0x80)
    with pytest.raises(ValueError):
        Inquiry(allocation_length=0x10000)
    with pytest.raises(ValueError):
        RequestSense(allocation_length=256)
    with pytest.raises(ValueError):
        ModeSense10(0x40)
    with pytest.raises(ValueError):
        ModeSense10(0x2A, page_control=4)
    with pytest.raises(ValueError, match="disagrees"):
        ModeSelect10(bytes(8), parameter_list_length=9)
    with pytest.raises(ValueError):
        StartStopUnit(power_condition=16)


def test_mode_select_for_parameters_matches_cdrwtool_cdb() -> None:
    """cdrwtool's MODE SELECT(10) of page 05h (captures asus_drw-24d5mt): 8-byte header +
    52-byte page = parameter list length 3Ch, PF set."""
    page = WriteParametersPage(write_type=WriteType.PACKET, ls_v=True, fp=True, track_mode=7)
    request = ModeSelect10.for_parameters(ModeParameters(pages=(page,)))
    command = request.to_command()
    assert command.cdb == bytes.fromhex("55 10 00 00 00 00 00 00 3c 00")
    assert command.data_out[:2] == b"\x00\x00"  # mode data length reserved in MODE SELECT
    assert request.parameters.pages == (page,)
    with pytest.raises(ValueError, match="PS bit"):
        ModeSelect10.for_parameters(ModeParameters(pages=(WriteParametersPage(ps=True),)))


# ------------------------------------------------------------------------------ sense data


def test_sense_data_fixed_byte_exact() -> None:
    """SPC-4 4.5.3 fixed format: NOT READY / MEDIUM NOT PRESENT - TRAY CLOSED."""
    sense = Sense(key=2, asc=0x3A, ascq=0x01, command_specific=0)
    data = SenseData(sense).to_bytes()
    assert data == bytes.fromhex("70 00 02 00 00 00 00 0a 00 00 00 00 3a 01 00 00 00 00")
    assert SenseData.from_bytes(data) == SenseData(sense)


def test_sense_data_field_pointer_and_descriptor_format() -> None:
    """ILLEGAL REQUEST with a field pointer (byte 2 of the CDB, SPC-4 4.5.2.4.2), both
    formats (descriptor format: SPC-4 4.5.2, descriptors 00h-03h)."""
    sks = bytes([0x40, 0x00, 0x02])  # C/D = 1, no bit pointer, field pointer 2
    fixed = Sense(key=5, asc=0x24, ascq=0, sks=sks, command_specific=0, valid=True, information=7)
    raw = encode_sense(fixed)
    assert raw == bytes.fromhex("f0 00 05 00 00 00 07 0a 00 00 00 00 24 00 00 c0 00 02")
    assert decode_sense(raw) == fixed
    desc = Sense(key=5, asc=0x24, ascq=0, descriptor_format=True, sks=sks, valid=True, information=7, fru=3)
    raw = encode_sense(desc)
    assert raw[:8] == bytes.fromhex("72 05 24 00 00 00 00 18")
    assert raw[8:20] == bytes.fromhex("00 0a 80 00 00 00 00 00 00 00 00 07")
    assert raw[20:28] == bytes.fromhex("02 06 00 00 c0 00 02 00")
    assert raw[28:] == bytes.fromhex("03 02 00 03")
    assert decode_sense(raw) == desc


def test_sense_data_rejects_non_sense() -> None:
    with pytest.raises(MalformedData):
        SenseData.from_bytes(bytes.fromhex("05 80 00 32"))
    with pytest.raises(MalformedData):
        SenseData.from_bytes(b"")


_fixed_sense = st.builds(
    lambda key, asc, ascq, info, cs, sks, fru, current, flags: Sense(
        key=key,
        asc=asc,
        ascq=ascq,
        current=current,
        valid=info is not None,
        information=info,
        command_specific=cs,
        sks=sks,
        fru=fru,
        filemark=flags[0],
        eom=flags[1],
        ili=flags[2],
    ),
    st.integers(0, 15),
    st.integers(0, 255),
    st.integers(0, 255),
    st.none() | st.integers(0, 2**32 - 1),
    st.integers(0, 2**32 - 1),
    st.none() | st.binary(min_size=3, max_size=3).map(lambda b: bytes([b[0] & 0x7F]) + b[1:]),
    st.integers(0, 255),
    st.booleans(),
    st.tuples(st.booleans(), st.booleans(), st.booleans()),
)

_descriptor_sense = st.builds(
    lambda key, asc, ascq, info, cs, sks, fru, current: Sense(
        key=key,
        asc=asc,
        ascq=ascq,
        current=current,
        descriptor_format=True,
        valid=info is not None,
        information=info,
        command_specific=cs,
        sks=sks,
        fru=fru,
    ),
    st.integers(0, 15),
    st.integers(0, 255),
    st.integers(0, 255),
    st.none() | st.integers(0, 2**64 - 1),
    st.none() | st.integers(0, 2**64 - 1),
    st.none() | st.binary(min_size=3, max_size=3).map(lambda b: bytes([b[0] & 0x7F]) + b[1:]),
    st.integers(0, 255),
    st.booleans(),
)


@given(_fixed_sense | _descriptor_sense)
def test_sense_round_trip(sense: Sense) -> None:
    assert SenseData.from_bytes(SenseData(sense).to_bytes()).sense == sense


# ------------------------------------------------------------------------------ INQUIRY data


def test_inquiry_data_byte_exact() -> None:
    """SPC-4 table 137: a 36-byte answer of an MMC drive."""
    data = InquiryData(
        vendor="OPENIMAP",
        product="Virtual Recorder",
        revision="1.0",
        version=0x05,
        hisup=True,
        response_data_format=2,
    )
    raw = data.to_bytes()
    assert raw == bytes.fromhex("05 80 05 12 1f 00 00 00") + b"OPENIMAPVirtual Recorder1.0 "
    assert data.additional_length == 31
    assert InquiryData.from_bytes(raw) == data
    assert data.identity == "OPENIMAP Virtual Recorder 1.0"


def test_inquiry_data_96_bytes_with_version_descriptors() -> None:
    """Bytes 36-55 vendor specific, 58-73 version descriptors (MMC-5 = 0x02A0, SPC-3 =
    0x0300), 74-95 reserved: additional length 91."""
    data = InquiryData(
        vendor="HL-DT-ST",
        product="BD-RE BU40N",
        revision="1.03",
        vendor_specific=b"NM00000MO2J81G4344  ",
        version_descriptors=(0x02A0, 0x0300, 0, 0, 0, 0, 0, 0),
        trailing=bytes(22),
    )
    raw = data.to_bytes()
    assert len(raw) == 96 and raw[4] == 91
    assert raw[58:62] == bytes.fromhex("02 a0 03 00")
    assert InquiryData.from_bytes(raw) == data


def test_inquiry_data_truncated_and_invalid() -> None:
    full = InquiryData(vendor="ACME", product="X", revision="1").to_bytes()
    short = InquiryData.from_bytes(full[:12])  # allocation length 12: vendor cut short
    assert short.vendor == "ACME" and short.product == "" and short.additional_length == 31
    with pytest.raises(MalformedData):
        InquiryData.from_bytes(full[:4])
    with pytest.raises(ValueError):
        InquiryData(vendor="TOO LONG VENDOR")
    with pytest.raises(ValueError):
        InquiryData(product="caf\u00e9")
    with pytest.raises(ValueError):
        InquiryData(version_descriptors=(1,))  # needs the full vendor-specific field first


_ident = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=4)


@given(
    vendor=_ident,
    product=_ident,
    revision=_ident,
    bits=st.lists(st.booleans(), min_size=14, max_size=14),
    version=st.integers(0, 255),
    tail=st.integers(0, 3),
)
def test_inquiry_data_round_trip(
    vendor: str, product: str, revision: str, bits: list[bool], version: int, tail: int
) -> None:
    extra: dict[str, object] = {}
    if tail >= 1:
        extra["vendor_specific"] = b"V" * (20 if tail >= 2 else 7)
    if tail >= 2:
        extra["version_descriptors"] = (0x0460, 0x02A0)
    data = InquiryData(
        vendor=vendor,
        product=product,
        revision=revision,
        version=version,
        rmb=bits[0],
        normaca=bits[1],
        hisup=bits[2],
        sccs=bits[3],
        acc=bits[4],
        third_party_copy=bits[5],
        protect=bits[6],
        encserv=bits[7],
        multip=bits[8],
        mchngr=bits[9],
        addr16=bits[10],
        wbus16=bits[11],
        sync=bits[12],
        cmdque=bits[13],
        **extra,  # type: ignore[arg-type]
    )
    assert InquiryData.from_bytes(data.to_bytes()) == data


# ------------------------------------------------------------------------------ VPD pages


def test_vpd_pages_byte_exact() -> None:
    """SPC-4 7.8.16 (00h), 7.8.17 (80h), 7.8.6 (83h) with a T10 vendor ID designator."""
    supported = SupportedVpdPages()
    assert supported.to_bytes() == bytes.fromhex("05 00 00 03 00 80 83")
    assert SupportedVpdPages.from_bytes(supported.to_bytes()) == supported
    serial = UnitSerialNumberPage("K1234567")
    assert serial.to_bytes() == bytes.fromhex("05 80 00 08") + b"K1234567"
    assert UnitSerialNumberPage.from_bytes(serial.to_bytes()) == serial
    ident = DeviceIdentificationPage((IdentificationDescriptor(b"OPENIMAPVirtual Recorder"),))
    raw = ident.to_bytes()
    assert raw[:8] == bytes.fromhex("05 83 00 1c 02 01 00 18")
    assert DeviceIdentificationPage.from_bytes(raw) == ident
    generic = VpdPage(0xB0, b"\x01\x02")
    assert VpdPage.from_bytes(generic.to_bytes()) == generic
    with pytest.raises(MalformedData):
        SupportedVpdPages.from_bytes(serial.to_bytes())
    with pytest.raises(MalformedData):
        DeviceIdentificationPage.from_bytes(bytes.fromhex("05 83 00 05 02 01 00 18 41"))
    with pytest.raises(ValueError):
        SupportedVpdPages((0x83, 0x00))


@given(
    pages=st.sets(st.integers(0, 255)).map(sorted),
    serial=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30),
    designators=st.lists(
        st.tuples(st.binary(max_size=40), st.integers(0, 15), st.integers(1, 3), st.integers(0, 3)), max_size=4
    ),
)
def test_vpd_round_trip(pages: list[int], serial: str, designators: list[tuple[bytes, int, int, int]]) -> None:
    page00 = SupportedVpdPages(tuple(pages))
    assert SupportedVpdPages.from_bytes(page00.to_bytes()) == page00
    page80 = UnitSerialNumberPage(serial)
    assert UnitSerialNumberPage.from_bytes(page80.to_bytes()) == page80
    page83 = DeviceIdentificationPage(tuple(IdentificationDescriptor(d, t, c, a) for d, t, c, a in designators))
    assert DeviceIdentificationPage.from_bytes(page83.to_bytes()) == page83


def test_public_surface() -> None:
    """The SPC / mode page / sense-map names openimapi.mmc exports (kept stable)."""
    import openimapi.mmc as mmc

    names = {
        "BlockDescriptor", "CapabilitiesPage", "DataBlockType", "DeviceIdentificationPage",
        "IdentificationDescriptor", "Inquiry", "InquiryData", "ModePage", "ModeParameterHeader10",
        "ModeParameters", "ModeSelect10", "ModeSense10", "MultiSession", "PageControl", "PowerCondition",
        "PowerConditionPage", "PreventAllowMediumRemoval", "ReadWriteErrorRecoveryPage", "RequestSense",
        "SENSE_TABLE", "SenseData", "SessionFormat", "StartStopUnit", "SupportedVpdPages", "TestUnitReady",
        "UnitSerialNumberPage", "VpdPage", "WriteParametersPage", "WriteSpeedDescriptor", "WriteType",
        "command_timeout_error", "describe_sense", "error_from_completion", "hresult_for_sense",
    }  # fmt: skip
    assert names <= set(mmc.__all__)
    assert all(getattr(mmc, name) is not None for name in names)
