"""READ DISC INFORMATION, READ TRACK INFORMATION, READ CAPACITY, READ FORMAT CAPACITIES:
byte-exact vectors built from the MMC-6 tables, strict CDB parsing, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openimapi.mmc import (
    AddressType,
    CapacityDescriptor,
    DescriptorType,
    DiscInformation,
    DiscStatus,
    FormatCapacities,
    FormattableDescriptor,
    Msf,
    OpcEntry,
    PowResources,
    ReadCapacity,
    ReadCapacityData,
    ReadDiscInformation,
    ReadFormatCapacities,
    ReadTrackInformation,
    SessionState,
    TrackInformation,
    TrackResources,
)
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData

H = bytes.fromhex


def test_requests_bytes_exact_and_round_trip() -> None:
    cases = [
        (ReadDiscInformation(allocation_length=34), "51000000000000002200"),
        (ReadDiscInformation(data_type=2, allocation_length=16), "51020000000000001000"),
        (ReadTrackInformation(AddressType.TRACK, 1, allocation_length=34), "52010000000100002200"),
        (ReadTrackInformation(AddressType.TRACK, 0xFF, open=True), "5205000000ff00003000"),
        (ReadTrackInformation(AddressType.LBA, -150, allocation_length=48), "5200ffffff6a00003000"),
        (ReadTrackInformation(AddressType.SESSION, 2), "52020000000200003000"),
        (ReadCapacity(), "25000000000000000000"),
        (ReadFormatCapacities(0xFC), "23000000000000 00fc00".replace(" ", "")),
    ]
    for request, cdb in cases:
        command = request.to_command()
        assert command.cdb == H(cdb), request
        assert type(request).from_cdb(command.cdb) == request
        assert OPCODES[command.cdb[0]] is type(request)
    assert ReadCapacity().to_command().data_in_length == 8


@pytest.mark.parametrize(
    ("cls", "cdb", "byte"),
    [
        (ReadDiscInformation, "51080000000000002200", 1),
        (ReadDiscInformation, "51000001000000002200", 3),
        (ReadTrackInformation, "52030000000100002200", 1),
        (ReadTrackInformation, "52080000000100002200", 1),
        (ReadTrackInformation, "52010000000101002200", 6),
        (ReadCapacity, "25010000000000000000", 1),
        (ReadCapacity, "25000000000000000100", 8),
        (ReadFormatCapacities, "23000000000001000c00", 6),
    ],
)
def test_cdb_strict(cls: type, cdb: str, byte: int) -> None:
    with pytest.raises(InvalidCdbField) as info:
        cls.from_cdb(H(cdb))
    assert info.value.byte == byte


def test_wrong_opcode_or_length() -> None:
    with pytest.raises(InvalidCdbField):
        ReadCapacity.from_cdb(H("26000000000000000000"))
    with pytest.raises(InvalidCdbField):
        ReadCapacity.from_cdb(H("250000000000000000"))


APPENDABLE_CDR = H(
    "0020 01 01 02 02 02 20 00 000000 00000000 000a172d 004f3b4a 0000000000000000 00 00".replace(" ", "")
)


def test_disc_information_bytes_exact() -> None:
    """An appendable CD-R with one closed session: MMC-6 table 508."""
    info = DiscInformation(
        disc_status=DiscStatus.INCOMPLETE, last_session_state=SessionState.EMPTY, first_track=1, sessions=2,
        first_track_last_session=2, last_track_last_session=2, unrestricted_use=True,
        last_session_lead_in=DiscInformation.msf_field(Msf(10, 23, 45)),
        last_possible_lead_out=DiscInformation.msf_field(Msf(79, 59, 74)),
    )
    assert info.to_bytes() == APPENDABLE_CDR
    assert DiscInformation.from_bytes(APPENDABLE_CDR) == info
    assert info.last_session_lead_in_msf == Msf(10, 23, 45)
    assert info.last_possible_lead_out_msf is not None and info.last_possible_lead_out_msf.to_lba() == 359849


def test_disc_information_fields_and_opc() -> None:
    info = DiscInformation(
        disc_status=3, last_session_state=3, erasable=True, sessions=0x123, first_track_last_session=0x1FF,
        last_track_last_session=0x200, did_valid=True, dbc_valid=True, dac_valid=True, legacy=True,
        bg_format_status=2, disc_type=0x20, disc_id=0xDEADBEEF, bar_code=b"BARCODE1", application_code=7,
        opc_table=(OpcEntry(0x1B90, H("010203040506")),),
    )
    data = info.to_bytes()
    assert len(data) == 42 and data[:2] == H("0028")
    assert data[2] == 0x1F and data[7] == 0xD6 and data[8] == 0x20
    assert (data[4], data[9], data[5], data[10], data[6], data[11]) == (0x23, 1, 0xFF, 1, 0, 2)
    assert data[33] == 1 and data[34:42] == H("1b90010203040506")
    assert DiscInformation.from_bytes(data) == info
    assert info.disc_status is DiscStatus.OTHER and info.last_session_state is SessionState.COMPLETE


def test_disc_information_truncated_and_short() -> None:
    cut = DiscInformation.from_bytes(APPENDABLE_CDR[:12])
    assert cut.sessions == 2 and cut.last_possible_lead_out == 0
    with pytest.raises(MalformedData):
        DiscInformation.from_bytes(APPENDABLE_CDR[:11])
    assert DiscInformation(last_session_lead_in=0xFFFFFFFF).last_session_lead_in_msf is None


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        DiscInformation,
        disc_status=st.integers(0, 3), last_session_state=st.integers(0, 3), erasable=st.booleans(),
        first_track=st.integers(0, 255), sessions=st.integers(0, 0xFFFF),
        first_track_last_session=st.integers(0, 0xFFFF), last_track_last_session=st.integers(0, 0xFFFF),
        did_valid=st.booleans(), unrestricted_use=st.booleans(), bg_format_status=st.integers(0, 3),
        disc_type=st.sampled_from([0x00, 0x10, 0x20, 0xFF]), disc_id=st.integers(0, 2**32 - 1),
        last_session_lead_in=st.integers(0, 2**32 - 1), last_possible_lead_out=st.integers(0, 2**32 - 1),
        bar_code=st.binary(min_size=8, max_size=8),
        opc_table=st.lists(st.builds(OpcEntry, st.integers(0, 0xFFFF), st.binary(min_size=6, max_size=6)),
                           max_size=4).map(tuple),
    )
)
def test_disc_information_round_trip(info: DiscInformation) -> None:
    assert DiscInformation.from_bytes(info.to_bytes()) == info


TRACK_48 = H(
    "002e 0201 00 d7 e2 03 00001000 00002000 00003000 00000010 00004000 00001fff 01 02 0000"
    " 00042000 00050000 00060000".replace(" ", "")
)


def test_track_information_bytes_exact() -> None:
    """MMC-6 table 526, all fields set, 48 bytes."""
    info = TrackInformation(
        track=0x102, session=0x201, ljrs=3, damage=False, copy=True, track_mode=7, rt=True, blank=True,
        packet=True, fp=False, data_mode=2, lra_valid=True, nwa_valid=True, start_address=0x1000,
        next_writable_address=0x2000, free_blocks=0x3000, fixed_packet_size=0x10, track_size=0x4000,
        last_recorded_address=0x1FFF, read_compatibility_lba=0x42000, next_layer_jump_address=0x50000,
        last_layer_jump_address=0x60000,
    )
    assert info.to_bytes() == TRACK_48
    assert TrackInformation.from_bytes(TRACK_48) == info


def test_track_information_older_length() -> None:
    info = TrackInformation(track=2, blank=False, structure_length=36, track_size=100)
    data = info.to_bytes()
    assert len(data) == 36 and data[:2] == H("0022")
    assert TrackInformation.from_bytes(data) == info
    with pytest.raises(ValueError, match="48-byte"):
        TrackInformation(structure_length=36, last_layer_jump_address=1)
    with pytest.raises(MalformedData):
        TrackInformation.from_bytes(data[:7])


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        TrackInformation,
        track=st.integers(0, 0xFFFF), session=st.integers(0, 0xFFFF), damage=st.booleans(), copy=st.booleans(),
        track_mode=st.integers(0, 15), rt=st.booleans(), blank=st.booleans(), packet=st.booleans(),
        fp=st.booleans(), data_mode=st.integers(0, 15), lra_valid=st.booleans(), nwa_valid=st.booleans(),
        start_address=st.integers(0, 2**32 - 1), free_blocks=st.integers(0, 2**32 - 1),
        track_size=st.integers(0, 2**32 - 1), read_compatibility_lba=st.integers(0, 2**32 - 1),
        ljrs=st.integers(0, 3),
    )
)
def test_track_information_round_trip(info: TrackInformation) -> None:
    assert TrackInformation.from_bytes(info.to_bytes()) == info


def test_read_capacity() -> None:
    data = ReadCapacityData(2298495, 2048)
    assert data.to_bytes() == H("0023127f00000800")
    assert ReadCapacityData.from_bytes(data.to_bytes()) == data
    assert data.blocks == 2298496
    assert ReadCapacityData(0xFFFFFFFF).blocks == 0
    with pytest.raises(MalformedData):
        ReadCapacityData.from_bytes(bytes(7))


def test_format_capacities_bytes_exact() -> None:
    """MMC-6 tables 472-474: an unformatted BD-R with a 00h and a 32h descriptor."""
    caps = FormatCapacities(
        CapacityDescriptor(12219392, DescriptorType.UNFORMATTED, 2048),
        (FormattableDescriptor(11826176, 0x00, 0x3000), FormattableDescriptor(12088320, 0x32, 0)),
    )
    data = caps.to_bytes()
    assert data == H("00000018 00ba7400 01 000800 00b47400 00 003000 00b87400 c8 000000".replace(" ", ""))
    assert FormatCapacities.from_bytes(data) == caps
    assert FormatCapacities.from_bytes(data[:20]).formattable == caps.formattable[:1]
    with pytest.raises(MalformedData):
        FormatCapacities.from_bytes(H("00000008 00000000 00 000800".replace(" ", "")))
    with pytest.raises(ValueError, match="reserved"):
        CapacityDescriptor(1, 0)


def test_track_and_pow_resources_bytes_exact() -> None:
    """Disc information data types 001b and 010b (MMC-6 tables 511 and 512)."""
    tracks = TrackResources(99, 3, 96, 95)
    assert tracks.to_bytes() == H("000a2000 0063 0003 0060 005f".replace(" ", ""))
    assert TrackResources.from_bytes(tracks.to_bytes()) == tracks
    pow_ = PowResources(16843040, 0, 0)
    assert pow_.to_bytes() == H("000e4000 01010120 00000000 00000000".replace(" ", ""))
    assert PowResources.from_bytes(pow_.to_bytes()) == pow_
    with pytest.raises(MalformedData, match="expected 2"):
        PowResources.from_bytes(tracks.to_bytes() + bytes(4))
    with pytest.raises(MalformedData, match="expected 1"):
        TrackResources.from_bytes(pow_.to_bytes())
