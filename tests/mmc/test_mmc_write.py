"""Recording command codecs (openimapi.mmc.write, READ(10)/(12) of openimapi.mmc.read).

Byte vectors are built by hand from the CDB and parameter-list tables of MMC-6 (T10
draft mmc6r02g: 6.2 BLANK, 6.3 CLOSE TRACK/SESSION, 6.5 FORMAT UNIT, 6.16/6.17 READ,
6.37 RESERVE TRACK, 6.42 SYNCHRONIZE CACHE, 6.43 VERIFY(10), 6.44/6.45 WRITE), except
where a test says it uses a real drive capture from tests/data/captures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.mmc import Command
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData
from openimapi.mmc.read import Read10, Read12
from openimapi.mmc.write import (
    Blank,
    BlankingType,
    CloseFunction,
    CloseTrackSession,
    FormatDescriptor,
    FormatParameters,
    FormatType,
    FormatUnit,
    ReserveTrack,
    SynchronizeCache,
    Verify10,
    Write10,
    Write12,
)

CAPTURES = Path(__file__).parent.parent / "data" / "captures"
HEX = re.compile(r"[0-9a-fA-F]{2}( [0-9a-fA-F]{2})*")


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ----------------------------------------------------------------------------- byte-exact


def test_write10_bytes() -> None:
    data = bytes(range(256)) * 16  # two 2048-byte blocks
    req = Write10(lba=0x12345, transfer_length=2, data=data, fua=True)
    cmd = req.to_command(timeout=30)
    assert cmd.cdb == h("2a 08 00 01 23 45 00 00 02 00")
    assert cmd.data_out == data
    assert cmd.timeout == 30
    assert Write10.from_command(cmd) == req
    assert Write10.from_cdb(cmd.cdb) == Write10(0x12345, 2, fua=True)


def test_write10_negative_lba_audio_blocks() -> None:
    """MMC-6 4.2.3.5: a CD disc-at-once write starts in the pre-gap, LBA -150."""
    req = Write10(lba=-150, transfer_length=1, data=bytes(2352), block_size=2352, dpo=True, tsr=True)
    assert req.to_command().cdb == h("2a 14 ff ff ff 6a 00 00 01 00")
    assert Write10.from_command(req.to_command(), block_size=2352) == req


def test_write_for_data() -> None:
    req = Write10.for_data(100, bytes(3 * 2352), 2352, fua=True)
    assert (req.transfer_length, req.block_size, req.fua) == (3, 2352, True)
    assert Write12.for_data(7, bytes(4096)).to_command().cdb == h("aa 00 00 00 00 07 00 00 00 02 00 00")
    with pytest.raises(ValueError, match="whole number"):
        Write10.for_data(0, bytes(2049))


def test_write10_data_checks() -> None:
    with pytest.raises(ValueError, match="expected 4096"):
        Write10(0, 2, data=bytes(100))
    with pytest.raises(ValueError, match="give the data"):
        Write10(0, 2).to_command()
    cmd = Command(cdb=h("2a 00 00 00 00 00 00 00 02 00"), data_out=bytes(2048))
    with pytest.raises(MalformedData):
        Write10.from_command(cmd)
    # zero blocks: a valid command without data phase
    assert Write10(5, 0).to_command().data_out == b""


def test_write12_bytes() -> None:
    req = Write12(lba=16, transfer_length=3, data=bytes(3 * 2448), block_size=2448, streaming=True, fua=True)
    cmd = req.to_command()
    assert cmd.cdb == h("aa 08 00 00 00 10 00 00 00 03 80 00")
    assert len(cmd.data_out) == 7344
    assert Write12.from_command(cmd, block_size=2448) == req


def test_verify10_bytes() -> None:
    assert Verify10(lba=1000, verification_length=32).to_command().cdb == h("2f 00 00 00 03 e8 00 00 20 00")
    req = Verify10(lba=1, verification_length=1, bytchk=True, data=bytes(2048), dpo=True)
    cmd = req.to_command()
    assert cmd.cdb == h("2f 12 00 00 00 01 00 00 01 00")
    assert Verify10.from_command(cmd) == req
    with pytest.raises(ValueError, match="BytChk"):
        Verify10(0, 1, data=bytes(2048))


def test_synchronize_cache_bytes() -> None:
    assert SynchronizeCache().to_command().cdb == h("35 00 00 00 00 00 00 00 00 00")
    req = SynchronizeCache(immed=True, lba=0x100, blocks=0x20)
    assert req.to_command().cdb == h("35 02 00 00 01 00 00 00 20 00")
    assert req.to_command().transfer_length == 0


def test_close_track_session_bytes() -> None:
    req = CloseTrackSession(CloseFunction.CLOSE_TRACK, number=3, immed=True)
    assert req.to_command().cdb == h("5b 01 01 00 00 03 00 00 00 00")
    assert CloseTrackSession(CloseFunction.FINALIZE_MINIMAL_RADIUS).to_command().cdb == h(
        "5b 00 05 00 00 00 00 00 00 00"
    )
    assert CloseTrackSession.from_cdb(h("5b 00 06 00 00 01 00 00 00 00")).function is CloseFunction.FINALIZE
    with pytest.raises(InvalidCdbField) as err:
        CloseTrackSession.from_cdb(h("5b 00 07 00 00 00 00 00 00 00"))
    assert (err.value.byte, err.value.bit) == (2, 2)
    with pytest.raises(ValueError):
        CloseTrackSession(7)  # type: ignore[arg-type]


def test_reserve_track_bytes() -> None:
    assert ReserveTrack(size=0x4000).to_command().cdb == h("53 00 00 00 00 00 00 40 00 00")
    assert ReserveTrack(lba=0x12345678).to_command().cdb == h("53 01 12 34 56 78 00 00 00 00")
    assert ReserveTrack(lba=5).arsv and not ReserveTrack(size=5).arsv
    with pytest.raises(ValueError):
        ReserveTrack()
    with pytest.raises(ValueError):
        ReserveTrack(size=1, lba=1)
    with pytest.raises(InvalidCdbField) as err:  # ARSV=0: bytes 2-4 reserved
        ReserveTrack.from_cdb(h("53 00 00 01 00 00 00 00 10 00"))
    assert (err.value.byte, err.value.bit) == (3, 0)
    with pytest.raises(InvalidCdbField) as err:  # ARSV=1: bytes 6-8 reserved
        ReserveTrack.from_cdb(h("53 01 00 00 00 10 00 00 01 00"))
    assert (err.value.byte, err.value.bit) == (8, 0)


def test_blank_bytes() -> None:
    assert Blank().to_command().cdb == h("a1 00 00 00 00 00 00 00 00 00 00 00")
    req = Blank(BlankingType.TRACK_TAIL, immed=True, address=0x1000)
    assert req.to_command().cdb == h("a1 14 00 00 10 00 00 00 00 00 00 00")
    with pytest.raises(InvalidCdbField) as err:
        Blank.from_cdb(h("a1 07 00 00 00 00 00 00 00 00 00 00"))
    assert (err.value.byte, err.value.bit) == (1, 2)


def test_format_unit_dvd_plus_rw() -> None:
    """The DVD+RW format of tests/data/mmc-sequences.md: FmtData, format code 001b, Immed,
    one descriptor with FFFFFFFFh blocks and format type 26h."""
    params = FormatParameters(FormatDescriptor(0xFFFFFFFF, FormatType.DVD_PLUS_RW_BASIC), immed=True, fov=True)
    req = FormatUnit(params)
    cmd = req.to_command(timeout=120)
    assert cmd.cdb == h("04 11 00 00 00 00")
    assert cmd.data_out == h("00 82 00 08 ff ff ff ff 98 00 00 00")
    assert FormatUnit.from_command(cmd) == req
    assert FormatUnit.from_cdb(cmd.cdb) == FormatUnit()


def test_format_unit_bd_and_dvd_rw() -> None:
    bd = FormatDescriptor(0x00BA7300, FormatType.BD_RE_FULL_WITH_SPARE, format_subtype=2, type_parameter=0)
    assert bd.to_bytes() == h("00 ba 73 00 c2 00 00 00")
    dvdrw = FormatDescriptor(0, FormatType.DVD_RW_QUICK, type_parameter=16)
    assert dvdrw.to_bytes() == h("00 00 00 00 54 00 00 10")
    cmd = FormatUnit(FormatParameters(bd, dcrt=True, try_out=True, vendor_specific=True)).to_command()
    assert cmd.data_out == h("00 25 00 08 00 ba 73 00 c2 00 00 00")
    assert FormatUnit.from_command(cmd).parameters == FormatParameters(
        bd, dcrt=True, try_out=True, vendor_specific=True
    )


def test_format_unit_strictness() -> None:
    with pytest.raises(InvalidCdbField) as err:
        FormatUnit.from_cdb(h("04 10 00 00 00 00"))  # format code 000b
    assert (err.value.byte, err.value.bit) == (1, 2)
    with pytest.raises(InvalidCdbField) as err:
        FormatParameters.from_bytes(h("00 42 00 08 00 00 00 00 00 00 00 00"))  # DPRY, reserved in MMC
    assert (err.value.byte, err.value.bit, err.value.in_cdb) == (1, 6, False)
    with pytest.raises(InvalidCdbField) as err:
        FormatParameters.from_bytes(h("00 02 00 10 00 00 00 00 00 00 00 00"))
    assert err.value.byte == 2 and not err.value.in_cdb
    with pytest.raises(MalformedData):
        FormatUnit.from_command(Command(cdb=h("04 11 00 00 00 00"), data_out=h("00 02 00 08")))
    with pytest.raises(ValueError, match="needs its parameters"):
        FormatUnit().to_command()
    with pytest.raises(ValueError, match="FmtData"):
        FormatUnit(FormatParameters(FormatDescriptor(0)), fmt_data=False)
    assert FormatUnit(fmt_data=False).to_command().cdb == h("04 01 00 00 00 00")


def test_read10_read12_bytes() -> None:
    req = Read10(lba=16, transfer_length=1)
    cmd = req.to_command()
    assert cmd.cdb == h("28 00 00 00 00 10 00 00 01 00")
    assert cmd.data_in_length == 2048
    assert Read10.from_cdb(cmd.cdb) == req
    req12 = Read12(lba=-150, transfer_length=0x10000, block_size=2352, streaming=True, dpo=True)
    cmd12 = req12.to_command()
    assert cmd12.cdb == h("a8 10 ff ff ff 6a 00 01 00 00 80 00")
    assert cmd12.data_in_length == 0x10000 * 2352
    assert Read12.from_cdb(cmd12.cdb, block_size=2352) == req12


# ----------------------------------------------------------------------------- strictness


@pytest.mark.parametrize(
    ("cls", "cdb", "byte", "bit"),
    [
        (Write10, "2a 20 00 00 00 00 00 00 01 00", 1, 5),
        (Write10, "2a 01 00 00 00 00 00 00 01 00", 1, 0),
        (Write10, "2a 00 00 00 00 00 01 00 01 00", 6, 0),
        (Write10, "2a 00 00 00 00 00 00 00 01 04", 9, 2),  # NACA
        (Write12, "aa 00 00 00 00 00 00 00 00 01 01 00", 10, 0),
        (Verify10, "2f 04 00 00 00 00 00 00 01 00", 1, 2),
        (SynchronizeCache, "35 01 00 00 00 00 00 00 00 00", 1, 0),
        (SynchronizeCache, "35 04 00 00 00 00 00 00 00 00", 1, 2),
        (CloseTrackSession, "5b 02 01 00 00 00 00 00 00 00", 1, 1),
        (CloseTrackSession, "5b 00 11 00 00 00 00 00 00 00", 2, 4),
        (CloseTrackSession, "5b 00 01 80 00 00 00 00 00 00", 3, 7),
        (ReserveTrack, "53 02 00 00 00 00 00 00 01 00", 1, 1),
        (Blank, "a1 08 00 00 00 00 00 00 00 00 00 00", 1, 3),
        (Blank, "a1 00 00 00 00 00 00 00 00 00 01 00", 10, 0),
        (FormatUnit, "04 31 00 00 00 00", 1, 5),
        (FormatUnit, "04 11 01 00 00 00", 2, 0),
        (Read10, "28 04 00 00 00 00 00 00 01 00", 1, 2),
        (Read12, "a8 00 00 00 00 00 00 00 00 01 40 00", 10, 6),
    ],
)
def test_reserved_bits_rejected(cls: Any, cdb: str, byte: int, bit: int) -> None:
    with pytest.raises(InvalidCdbField) as err:
        cls.from_cdb(h(cdb))
    assert (err.value.byte, err.value.bit, err.value.in_cdb) == (byte, bit, True)


@pytest.mark.parametrize("cls", [Write10, Write12, Verify10, SynchronizeCache, CloseTrackSession, ReserveTrack, Blank])
def test_wrong_opcode_or_length(cls: Any) -> None:
    with pytest.raises(InvalidCdbField):
        cls.from_cdb(bytes(10 if cls.OPCODE < 0xA0 else 12))
    with pytest.raises(InvalidCdbField):
        cls.from_cdb(bytes((cls.OPCODE,)) + bytes(15))


def test_registered() -> None:
    for cls in (
        Write10,
        Write12,
        Verify10,
        SynchronizeCache,
        CloseTrackSession,
        ReserveTrack,
        Blank,
        FormatUnit,
        Read10,
        Read12,
    ):
        assert OPCODES[cls.OPCODE] is cls


# ----------------------------------------------------------------------------- captures


def _capture_cdbs(opcode: int) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(CAPTURES.glob("*.json")):
        for cap in json.loads(path.read_text(encoding="utf-8")).get("captures", []):
            cdb = cap.get("cdb")
            if not isinstance(cdb, str):
                continue
            match = HEX.match(cdb)
            assert match is not None
            if bytes.fromhex(match.group(0))[0] == opcode:
                found.append((path.name, {**cap, "cdb": match.group(0)}))
    return found


def test_capture_write10_cdbs() -> None:
    """Real WRITE(10) CDBs sent by cdrecord/cdrdao (captures): the drive's residual equals
    the whole transfer, so ``transfer_length * block size`` must give the stated resid for
    the sector size the program wrote (2048 data, 2336 mode 2, 2352 audio/raw)."""
    caps = _capture_cdbs(0x2A)
    assert len(caps) >= 6
    for name, cap in caps:
        req = Write10.from_cdb(bytes.fromhex(cap["cdb"]))
        assert req.to_cdb() == bytes.fromhex(cap["cdb"]), name
        resid = cap["stated"]["resid"]
        assert any(req.transfer_length * size == resid for size in (2048, 2336, 2352)), name
    lbas = sorted({Write10.from_cdb(bytes.fromhex(cap["cdb"])).lba for _, cap in caps})
    assert lbas == [-150, -119, 1250]


def test_capture_close_and_blank_cdbs() -> None:
    """CLOSE TRACK/SESSION and BLANK CDBs from the captures decode to what their
    ``command`` text states."""
    ((_name, close),) = _capture_cdbs(0x5B)
    req = CloseTrackSession.from_cdb(bytes.fromhex(close["cdb"]))
    assert "close session" in close["command"]
    assert req == CloseTrackSession(CloseFunction.CLOSE_SESSION)
    blanks = {cap["command"]: Blank.from_cdb(bytes.fromhex(cap["cdb"])) for _, cap in _capture_cdbs(0xA1)}
    assert blanks["BLANK (fast, immed)"] == Blank(BlankingType.MINIMAL, immed=True)
    assert blanks["BLANK (blank entire disc) -> CHECK CONDITION, autosense data"] == Blank(BlankingType.DISC)
    for req_ in blanks.values():
        assert Blank.from_cdb(req_.to_command().cdb) == req_


# ----------------------------------------------------------------------------- round trips

lbas = st.integers(-(1 << 31), (1 << 31) - 1)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)


@given(lbas, st.integers(0, 4), st.sampled_from([2048, 2352, 2448]), st.booleans(), st.booleans(), st.booleans())
def test_write10_round_trip(lba: int, blocks: int, size: int, fua: bool, dpo: bool, tsr: bool) -> None:
    req = Write10(lba, blocks, bytes([blocks]) * (blocks * size), size, fua, dpo, tsr)
    assert Write10.from_command(req.to_command(), block_size=size) == req


@given(lbas, st.integers(0, 3), st.booleans(), st.booleans(), st.booleans())
def test_write12_round_trip(lba: int, blocks: int, fua: bool, dpo: bool, streaming: bool) -> None:
    req = Write12(lba, blocks, bytes(blocks * 2048), 2048, fua, dpo, streaming)
    assert Write12.from_command(req.to_command()) == req


@given(lbas, st.integers(0, 3), st.booleans(), st.booleans())
def test_verify_round_trip(lba: int, blocks: int, bytchk: bool, dpo: bool) -> None:
    req = Verify10(lba, blocks, bytchk, bytes(blocks * 2048) if bytchk else b"", 2048, dpo)
    assert Verify10.from_command(req.to_command()) == req


@given(st.booleans(), u32, u16)
def test_sync_round_trip(immed: bool, lba: int, blocks: int) -> None:
    req = SynchronizeCache(immed, lba, blocks)
    assert SynchronizeCache.from_cdb(req.to_command().cdb) == req


@given(st.sampled_from(CloseFunction), u16, st.booleans())
def test_close_round_trip(function: CloseFunction, number: int, immed: bool) -> None:
    req = CloseTrackSession(function, number, immed)
    assert CloseTrackSession.from_cdb(req.to_command().cdb) == req


@given(st.one_of(st.builds(ReserveTrack, size=u32), st.builds(ReserveTrack, lba=u32)))
def test_reserve_round_trip(req: ReserveTrack) -> None:
    assert ReserveTrack.from_cdb(req.to_command().cdb) == req


@given(st.sampled_from(BlankingType), st.booleans(), u32)
def test_blank_round_trip(kind: BlankingType, immed: bool, address: int) -> None:
    req = Blank(kind, immed, address)
    assert Blank.from_cdb(req.to_command().cdb) == req


descriptors = st.builds(FormatDescriptor, u32, st.integers(0, 63), st.integers(0, 3), st.integers(0, 0xFFFFFF))


@given(descriptors, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_format_round_trip(
    desc: FormatDescriptor, immed: bool, fov: bool, dcrt: bool, try_out: bool, vs: bool, cmp_list: bool
) -> None:
    params = FormatParameters(desc, immed, fov, dcrt, try_out, vs)
    assert FormatParameters.from_bytes(params.to_bytes()) == params
    req = FormatUnit(params, cmp_list=cmp_list)
    assert FormatUnit.from_command(req.to_command()) == req


@given(lbas, u16, st.booleans(), st.booleans())
def test_read10_round_trip(lba: int, blocks: int, fua: bool, dpo: bool) -> None:
    req = Read10(lba, blocks, 2352, fua, dpo)
    assert Read10.from_cdb(req.to_command().cdb, block_size=2352) == req


@given(lbas, u32, st.booleans(), st.booleans(), st.booleans())
def test_read12_round_trip(lba: int, blocks: int, fua: bool, dpo: bool, streaming: bool) -> None:
    req = Read12(lba, blocks, 2048, fua, dpo, streaming)
    assert Read12.from_cdb(req.to_command().cdb) == req
