"""openimapi.errors and openimapi.enums agree with the reference tables, row for row."""

from __future__ import annotations

import csv
from enum import IntEnum, IntFlag
from pathlib import Path

import pytest

from openimapi import enums, errors

REF = Path(__file__).parent / "data" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (REF / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


HRESULTS = _rows("hresults.tsv")
ENUMS = _rows("enums.tsv")


def test_reference_counts() -> None:
    assert len(HRESULTS) == 203
    groups = {r["enum"] for r in ENUMS} - {"constant", "range", "DISPID"}
    assert len(groups) == 23


@pytest.mark.parametrize("row", HRESULTS, ids=[r["name"] for r in HRESULTS])
def test_every_hresult(row: dict[str, str]) -> None:
    value = int(row["value"], 16)
    if row["severity"] == "success":
        ident = row["name"]
        assert errors.SuccessCode[ident] == value
        assert errors.is_success(value)
        with pytest.raises(ValueError, match="success code"):
            errors.error_class(value)
        return
    cls = errors.by_name(row["name"])
    assert cls.hresult == value
    assert cls.name == row["name"]
    assert issubclass(cls, errors.ImapiError)
    err = cls("boom")
    assert err.hresult == value and err.name == row["name"]
    assert row["name"] in str(err) and f"0x{value:08X}" in str(err)
    # value lookup gives this class, or the first documented name sharing the value
    assert errors.error_class(value).hresult == value
    # the signed form (as COM returns it) finds the same class
    assert errors.error_class(value - (1 << 32)) is errors.error_class(value)


def test_no_extra_failure_classes() -> None:
    documented = {r["name"] for r in HRESULTS if r["severity"] == "failure"}
    assert {c.name for c in errors.FAILURE_CLASSES} == documented
    assert len(errors.FAILURE_CLASSES) == len(documented) == 192
    successes = {r["name"] for r in HRESULTS if r["severity"] == "success"}
    assert {m.name for m in errors.SuccessCode} == successes


def test_blame_bases_inherit_builtins() -> None:
    assert issubclass(errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED, ValueError)
    assert issubclass(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT, TimeoutError)
    assert issubclass(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT, OSError)
    assert issubclass(errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST, OSError)
    assert issubclass(errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA, errors.DeviceError)
    assert issubclass(errors.IMAPI_E_FSI_INTERNAL_ERROR, RuntimeError)
    assert issubclass(errors.E_IMAPI_REQUEST_CANCELLED, errors.CancelledError)
    err = errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA("no disc", sense=None, cdb=b"\x00" * 6)
    assert err.sense is None and err.cdb == b"\x00" * 6


def test_shared_value_resolves_to_first_name() -> None:
    assert errors.error_class(0x80070057) is errors.E_INVALIDARG
    assert errors.by_name("STRSAFE_E_INVALID_PARAMETER").hresult == 0x80070057


def test_unknown_failure_keeps_its_value() -> None:
    err = errors.error_for(0x8BADF00D, "odd")
    assert isinstance(err, errors.ImapiError) and err.hresult == 0x8BADF00D
    with pytest.raises(ValueError):
        errors.error_class(0x8BADF00D)
    with pytest.raises(ValueError):
        errors.error_for(0)


def test_every_enum_member() -> None:
    seen = 0
    for r in ENUMS:
        if r["enum"] in ("constant", "range", "DISPID"):
            continue
        cls = getattr(enums, r["enum"])
        assert issubclass(cls, (IntEnum, IntFlag))
        assert int(cls[r["member"]]) == int(r["value"]), r["member"]
        seen += 1
    assert seen == 206


def test_enum_aliases_kept() -> None:
    s = enums.IMAPI_FORMAT2_DATA_MEDIA_STATE
    assert s.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY is s.IMAPI_FORMAT2_DATA_MEDIA_STATE_RANDOMLY_WRITABLE
    t = enums.IMAPI_MEDIA_PHYSICAL_TYPE
    assert t.IMAPI_MEDIA_TYPE_MAX is t.IMAPI_MEDIA_TYPE_BDRE


def test_flag_enums_combine() -> None:
    fs = enums.FsiFileSystems.FsiFileSystemISO9660 | enums.FsiFileSystems.FsiFileSystemJoliet
    assert int(fs) == 3


def test_constants_ranges_dispids() -> None:
    for r in ENUMS:
        if r["enum"] == "constant":
            v = r["value"]
            expected: int | str = v.strip('"') if v.startswith('"') else int(v)
            assert enums.CONSTANTS[r["member"]] == expected
        elif r["enum"] == "range":
            base, _, bound = r["member"].rpartition(".")
            assert enums.RANGES[base][0 if bound == "min" else 1] == int(r["value"])
        elif r["enum"] == "DISPID":
            assert enums.DISPIDS[r["member"]] == int(r["value"])
