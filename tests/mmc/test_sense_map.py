"""The sense-to-HRESULT table (openimapi.mmc.sense_map): the mappings the issue names,
command-dependent rows, completions to errors, real drives' sense blocks, and the rendered
docs/sense-to-hresult.md being up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimapi import errors
from openimapi.mmc import Command, Completion, ModeSelect10, ModeSense10, TestUnitReady
from openimapi.mmc.sense import Sense, build_fixed_sense, decode_sense
from openimapi.mmc.sense_map import (
    ASC_TEXT,
    GENERIC_DEVICE_ERROR,
    SENSE_TABLE,
    SenseRule,
    command_timeout_error,
    describe_sense,
    error_from_completion,
    hresult_for_sense,
    render_markdown,
)

from .captures import captures, number

DOC = Path(__file__).resolve().parents[2] / "docs" / "sense-to-hresult.md"

MODE_SENSE_10, MODE_SELECT_10, GET_CONFIGURATION, READ_DISC_STRUCTURE = 0x5A, 0x55, 0x46, 0xAD
WRITE_10, INQUIRY, SEND_OPC = 0x2A, 0x12, 0x54

EXPECTED = [
    # (key, asc, ascq, opcode, error name)
    (2, 0x3A, 0x00, None, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA"),
    (2, 0x3A, 0x01, None, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA"),
    (2, 0x3A, 0x02, INQUIRY, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA"),
    (2, 0x04, 0x01, None, "E_IMAPI_RECORDER_MEDIA_BECOMING_READY"),
    (2, 0x04, 0x04, None, "E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS"),
    (2, 0x04, 0x07, None, "E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS"),
    (2, 0x04, 0x08, WRITE_10, "E_IMAPI_RECORDER_MEDIA_BUSY"),
    (7, 0x27, 0x00, WRITE_10, "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED"),
    (7, 0x27, 0x05, None, "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED"),
    (3, 0x0C, 0x09, WRITE_10, "E_IMAPI_LOSS_OF_STREAMING"),
    (5, 0x30, 0x00, None, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (5, 0x30, 0x05, WRITE_10, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (2, 0x30, 0x01, None, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (5, 0x24, 0x00, MODE_SELECT_10, "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS"),
    (5, 0x26, 0x00, MODE_SELECT_10, "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS"),
    (5, 0x26, 0x02, 0x15, "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS"),
    (5, 0x26, 0x00, SEND_OPC, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (5, 0x64, 0x00, None, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (2, 0x30, 0x10, None, "E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED"),
    (5, 0x30, 0x10, WRITE_10, "E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED"),
    (3, 0x31, 0x00, None, "E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED"),
    (5, 0x6F, 0x04, None, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (6, 0x28, 0x00, None, "E_IMAPI_RECORDER_MEDIA_BECOMING_READY"),
    (6, 0x29, 0x02, None, "E_IMAPI_RECORDER_MEDIA_BECOMING_READY"),
    (5, 0x21, 0x00, 0x28, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (5, 0x21, 0x02, WRITE_10, "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"),
    (5, 0x2C, 0x00, None, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (5, 0x53, 0x02, 0x1B, "E_IMAPI_RECORDER_LOCKED"),
    (2, 0x06, 0x00, None, "E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN"),
    (3, 0x73, 0x03, SEND_OPC, "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH"),
    (5, 0x20, 0x00, GET_CONFIGURATION, "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED"),
    (5, 0x24, 0x00, GET_CONFIGURATION, "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED"),
    (5, 0x20, 0x00, 0xBB, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (5, 0x24, 0x00, MODE_SENSE_10, "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE"),
    (5, 0x24, 0x00, 0x1A, "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE"),
    (5, 0x24, 0x00, READ_DISC_STRUCTURE, "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT"),
    (5, 0x30, 0x02, READ_DISC_STRUCTURE, "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT"),
    (5, 0x30, 0x02, 0x28, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"),
    (5, 0x24, 0x00, INQUIRY, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (5, 0x24, 0x00, None, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (4, 0x44, 0x00, None, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
    (4, 0x44, 0x00, WRITE_10, "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"),
    (0xB, 0x00, 0x00, None, "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"),
]


@pytest.mark.parametrize(("key", "asc", "ascq", "opcode", "name"), EXPECTED)
def test_mapping(key: int, asc: int, ascq: int, opcode: int | None, name: str) -> None:
    cls = hresult_for_sense(Sense(key, asc, ascq), opcode)
    assert cls is not None and cls.name == name


def test_not_failures_and_missing_sense() -> None:
    assert hresult_for_sense(Sense(0, 0, 0)) is None
    assert hresult_for_sense(Sense(1, 0x17, 0x01)) is None  # recovered data with retries
    assert hresult_for_sense(None) is GENERIC_DEVICE_ERROR


def test_table_shape() -> None:
    """Every row's error is a DeviceError (it must carry the sense), every row has a reason,
    the last row catches everything, and no row is shadowed by an earlier one."""
    assert all(issubclass(rule.error, errors.DeviceError) for rule in SENSE_TABLE)
    assert all(len(rule.reason) > 10 for rule in SENSE_TABLE)
    last = SENSE_TABLE[-1]
    assert (last.key, last.asc, last.ascq, last.opcodes) == (None, None, None, frozenset())
    for i, rule in enumerate(SENSE_TABLE):
        probe = Sense(rule.key or 0xB, rule.asc if rule.asc is not None else 0xEE, rule.ascq or 0)
        opcode = min(rule.opcodes) if rule.opcodes else 0xEE
        winner = next(r for r in SENSE_TABLE if r.matches(probe, opcode))
        assert winner is rule, f"row {i + 1} ({rule.pattern}) is shadowed by {winner.pattern}"
    with pytest.raises(ValueError):
        SenseRule(16, 0, 0, errors.E_IMAPI_RECORDER_MEDIA_BUSY, "x")
    with pytest.raises(ValueError):
        SenseRule(2, 0, 0, errors.E_IMAPI_RECORDER_REQUIRED, "not a device error")  # type: ignore[arg-type]


def test_error_from_completion_check_condition() -> None:
    command = ModeSense10(0x2A).to_command()
    completion = Completion(status=2, sense=build_fixed_sense(5, 0x24, 0x00))
    err = error_from_completion(command, completion)
    assert isinstance(err, errors.E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE)
    assert isinstance(err, errors.DeviceError)
    assert err.sense == decode_sense(completion.sense)
    assert err.cdb == command.cdb
    assert err.hresult == 0xC0AA0201
    assert "MODE SENSE(10) failed: ILLEGAL_REQUEST 5/24/00: invalid field in CDB" in str(err)


def test_error_from_completion_other_statuses() -> None:
    command = TestUnitReady().to_command()
    assert error_from_completion(command, Completion()) is None
    assert error_from_completion(command, Completion(status=0x04)) is None
    recovered = Completion(status=2, sense=build_fixed_sense(1, 0x18, 0x00))
    assert error_from_completion(command, recovered) is None
    busy = error_from_completion(command, Completion(status=0x08))
    assert isinstance(busy, errors.E_IMAPI_RECORDER_MEDIA_BUSY) and busy.sense is None
    conflict = error_from_completion(command, Completion(status=0x18))
    assert isinstance(conflict, errors.E_IMAPI_RECORDER_LOCKED)
    odd = error_from_completion(command, Completion(status=0x40))
    assert isinstance(odd, GENERIC_DEVICE_ERROR) and odd.cdb == command.cdb
    no_sense = error_from_completion(command, Completion(status=2))
    assert isinstance(no_sense, GENERIC_DEVICE_ERROR) and "without sense" in no_sense.message
    no_structure = Completion(2, build_fixed_sense(5, 0x24, 0))
    unnamed = error_from_completion(Command(cdb=bytes([0xAD]) + bytes(11)), no_structure)
    assert isinstance(unnamed, errors.E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT)
    assert "READ DISC STRUCTURE failed" in unnamed.message


def test_command_timeout_error() -> None:
    err = command_timeout_error(ModeSelect10(bytes(8)).to_command(timeout=60))
    assert isinstance(err, TimeoutError) and isinstance(err, OSError)
    assert err.hresult == 0xC0AA020D
    assert err.message == "MODE SELECT(10) did not complete within 60 s"


def test_describe_sense() -> None:
    assert describe_sense(Sense(2, 0x3A, 0x01)) == "NOT_READY 2/3A/01: medium not present - tray closed"
    assert describe_sense(Sense(5, 0x99, 0x01)) == "ILLEGAL_REQUEST 5/99/01: ASC 99h ASCQ 01h (vendor specific)"
    assert describe_sense(Sense(5, 0x24, 0x07)) == "ILLEGAL_REQUEST 5/24/07: ASC 24h ASCQ 07h"
    assert all(text and text == text.strip() for text in ASC_TEXT.values())


# Real drives' sense blocks (tests/data/captures): (sense, opcode of the failing CDB) and
# what the table makes of them; every sense capture must be listed here.
CAPTURE_EXPECTED = {
    ((2, 0x3A, 0x01), 0x00): "E_IMAPI_RECORDER_MEDIA_NO_MEDIA",  # TEST UNIT READY, HL-DT-ST GP20N
    ((5, 0x21, 0x02), WRITE_10): "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE",  # ASUS CRW-5232A3
    ((5, 0x24, 0x00), WRITE_10): "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE",  # HL-DT-ST GCC-4241N/4243N
    ((5, 0x26, 0x00), MODE_SELECT_10): "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS",  # HP 8200a
    ((5, 0x64, 0x00), WRITE_10): "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE",  # LITE-ON LH-20A1P
    ((3, 0x73, 0x03), SEND_OPC): "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH",  # Mitsumi, TSSTcorp
    ((5, 0x30, 0x05), WRITE_10): "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE",  # NEC ND-3540A
    ((5, 0x72, 0x04), 0x5B): "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",  # NEC, CLOSE SESSION
    ((3, 0x73, 0x03), 0xA1): "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH",  # Philips CDD4851, BLANK
    ((4, 0x09, 0x00), SEND_OPC): "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",  # Philips DVD8801
    ((3, 0x0C, 0x00), WRITE_10): "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE",  # Philips DVD8801
    ((4, 0x08, 0x03), 0x52): "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",  # Pioneer, READ TRACK INFO
    ((4, 0x1B, 0x00), None): "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",  # Plextor, CDB not logged
    ((5, 0x24, 0x00), INQUIRY): "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",  # Sony, INQUIRY EVPD
}


def test_capture_sense_blocks_map() -> None:
    """Every raw sense block of the captures, with the opcode of its failing CDB when the
    source showed it, maps as listed."""
    seen = set()
    for cap in captures(r"CHECK CONDITION, autosense data"):
        assert cap.response is not None
        sense = decode_sense(cap.response)
        assert sense is not None and sense.triple == (
            number(cap.stated["sense_key"]),
            number(cap.stated["asc"]),
            number(cap.stated["ascq"]),
        )
        opcode = cap.cdb[0] if cap.cdb else None
        cls = hresult_for_sense(sense, opcode)
        assert cls is not None
        assert cls.name == CAPTURE_EXPECTED[(sense.triple, opcode)], cap.id
        seen.add((sense.triple, opcode))
    assert seen == set(CAPTURE_EXPECTED)


def test_capture_cdrwtool_mode_select() -> None:
    """cdrwtool's MODE SELECT(10) of page 05h refused with 05/26/00 (decoded-only captures:
    the sense is rebuilt from the stated KEY.ASC.ASCQ)."""
    caps = list(captures(r"^MODE SELECT\(10\) of write-parameters page 05h sent by cdrwtool"))
    assert caps
    for cap in caps:
        key, asc, ascq = (int(part, 16) for part in cap.stated["cdrwtool"].rsplit("sense ", 1)[1].split("."))
        assert cap.cdb is not None
        command = ModeSelect10.from_cdb(cap.cdb[:10]).to_command()
        err = error_from_completion(command, Completion(status=2, sense=build_fixed_sense(key, asc, ascq)))
        assert isinstance(err, errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS)
        assert cap.stated["meaning"].lower().rstrip(".").endswith(describe_sense(err.sense).split(": ")[1])  # type: ignore[arg-type]


def test_every_recorder_device_code_is_placed() -> None:
    """Each device-side failure of the IMAPI2 recorder range (0xC0AA02xx/03xx) is either
    reached by a row of the table or listed, with its origin, in NOT_FROM_SENSE."""
    from openimapi.mmc.sense_map import NOT_FROM_SENSE

    reached = {rule.error.name for rule in SENSE_TABLE} | {"E_IMAPI_RECORDER_MEDIA_BUSY", "E_IMAPI_RECORDER_LOCKED"}
    listed = {name for name, _ in NOT_FROM_SENSE}
    device_codes = {
        cls.name
        for cls in errors.FAILURE_CLASSES
        if issubclass(cls, errors.DeviceError | errors.DeviceTimeoutError) and 0xC0AA0200 <= cls.hresult <= 0xC0AA03FF
    }
    assert len(device_codes) >= 18
    assert device_codes <= reached | listed, device_codes - reached - listed


def test_doc_is_up_to_date() -> None:
    """docs/sense-to-hresult.md is the rendering of the table; regenerate it with
    `python tools/gen_sense_doc.py` after changing the table."""
    assert DOC.read_text(encoding="utf-8") == render_markdown()
    text = render_markdown()
    for rule in SENSE_TABLE:
        assert f"| {rule.pattern} |" in text and rule.reason in text
