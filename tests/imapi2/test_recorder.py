"""DiscMaster2 and DiscRecorder2(+Ex) against the virtual recorder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

import openimapi
from openimapi import errors
from openimapi.enums import IMAPI_FEATURE_PAGE_TYPE as F
from openimapi.enums import IMAPI_PROFILE_TYPE as P
from openimapi.errors import SuccessCode

from .conftest import vdrive


def test_master_lists_virtual_drives_by_address(make_drive: Any) -> None:
    master = openimapi.DiscMaster2()
    assert master.count == 0 and list(master) == []
    assert master.is_supported_environment is False
    make_drive("bd-r", name="a")
    make_drive(None, name="b", model="cd-writer")
    assert master.count == 2
    assert list(master) == ["virtual:a", "virtual:b"]
    assert master.item(1) == "virtual:b" and master[0] == "virtual:a"
    assert master.is_supported_environment is True
    with pytest.raises(errors.E_INVALIDARG):
        master.item(2)


def test_initialize_checks_the_id(make_drive: Any) -> None:
    rec = openimapi.DiscRecorder2()
    with pytest.raises(errors.E_INVALIDARG):
        rec.initialize_disc_recorder("nonsense")
    with pytest.raises(errors.ImapiError):
        rec.initialize_disc_recorder("virtual:nosuch")
    with pytest.raises(errors.E_IMAPI_RECORDER_REQUIRED):
        _ = rec.vendor_id
    made = make_drive()
    assert made.active_disc_recorder == "virtual:d1"
    with pytest.raises(errors.E_FAIL):
        made.initialize_disc_recorder("virtual:d1")


def test_identity_agrees_with_raw_inquiry(make_drive: Any) -> None:
    rec = make_drive()
    res = rec.send_command_get_data_from_device(bytes([0x12, 0, 0, 0, 36, 0]), 36)
    assert res.hresult == SuccessCode.S_OK
    assert rec.vendor_id == res.data[8:16].decode().rstrip()
    assert rec.product_id == res.data[16:32].decode().rstrip()
    assert rec.product_revision == res.data[32:36].decode().rstrip()
    assert rec.volume_name == "virtual:d1" and rec.volume_path_names == []
    assert rec.device_can_load_media is True
    assert rec.legacy_device_number == 0
    desc = rec.get_device_descriptor()
    assert desc.vendor_id == rec.vendor_id and desc.removable_media
    assert rec.get_adapter_descriptor().maximum_transfer_length >= 65536


def test_profiles_and_features_follow_the_medium(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    assert P.IMAPI_PROFILE_TYPE_BD_R_SEQUENTIAL in rec.supported_profiles
    assert P.IMAPI_PROFILE_TYPE_CD_RECORDABLE in rec.supported_profiles
    assert rec.current_profiles == [P.IMAPI_PROFILE_TYPE_BD_R_SEQUENTIAL]
    assert F.IMAPI_FEATURE_PAGE_TYPE_PROFILE_LIST in rec.current_feature_pages
    assert set(rec.current_feature_pages) <= set(rec.supported_feature_pages)
    assert 0x2A in rec.supported_mode_pages
    drive = vdrive()
    drive.eject()
    drive.insert("dvd+rw")
    rec.drive.test_unit_ready()  # consume the unit attention of the medium change
    assert rec.current_profiles == [P.IMAPI_PROFILE_TYPE_DVD_PLUS_RW]  # no stale cache
    assert rec.get_supported_profiles(True) == rec.current_profiles
    assert rec.get_supported_feature_pages(False) == rec.supported_feature_pages


def test_feature_and_mode_pages(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    page = rec.get_feature_page(F.IMAPI_FEATURE_PAGE_TYPE_PROFILE_LIST, True)
    assert page[:2] == b"\x00\x00" and len(page) == 4 + page[3]
    with pytest.raises(errors.E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT):
        rec.get_feature_page(F.IMAPI_FEATURE_PAGE_TYPE_CD_TRACK_AT_ONCE, True)
    with pytest.raises(errors.E_IMAPI_RECORDER_NO_SUCH_FEATURE):
        rec.get_feature_page(0xFF42, False)  # a vendor-specific code no drive model claims
    caps = rec.get_mode_page(0x2A)
    assert caps[0] & 0x3F == 0x2A and len(caps) == caps[1] + 2
    with pytest.raises(errors.E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE):
        rec.get_mode_page(0x3D)
    with pytest.raises(errors.E_INVALIDARG):
        rec.set_mode_page(1, caps)
    page05 = bytearray(rec.get_mode_page(5))
    page05[2] = (page05[2] & 0xF0) | 0x0F  # write type Fh is reserved
    with pytest.raises(errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS):
        rec.set_mode_page(0, bytes(page05))
    info = rec.get_disc_information()
    assert info[2] & 3 == 0  # blank
    assert len(rec.get_track_information(1)) >= 28


def test_raw_commands_check_cdb_and_return_sense(make_drive: Any) -> None:
    rec = make_drive(None)
    with pytest.raises(errors.E_INVALIDARG):
        rec.send_command_no_data(bytes(10))  # TEST UNIT READY is a 6-byte CDB
    with pytest.raises(errors.E_INVALIDARG):
        rec.send_command_no_data(bytes([0x60]) + bytes(9))  # group 3 is reserved
    with pytest.raises(errors.E_INVALIDARG):
        rec.send_command_no_data(bytes(5))
    res = rec.send_command_no_data(bytes(6))
    if res.hresult == SuccessCode.S_IMAPI_COMMAND_HAS_SENSE_DATA and res.sense[12] == 0x29:
        res = rec.send_command_no_data(bytes(6))  # power-on unit attention first
    assert res.hresult == SuccessCode.S_IMAPI_COMMAND_HAS_SENSE_DATA
    assert res.sense[2] & 0xF == 2 and res.sense[12] == 0x3A  # NOT READY, medium not present
    with pytest.raises(errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA):
        rec.drive.require_medium()


def test_tray_and_medium_lock(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    rec.drive.test_unit_ready()
    assert rec.send_command_no_data(bytes([0x1E, 0, 0, 0, 1, 0])).hresult == SuccessCode.S_OK  # PREVENT
    with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED, match="locked"):
        rec.eject_media()
    assert vdrive().disc is not None
    rec.send_command_no_data(bytes([0x1E, 0, 0, 0, 0, 0]))  # ALLOW
    rec.eject_media()
    assert vdrive().tray_open
    rec.close_tray()
    assert not vdrive().tray_open


def test_exclusive_access_in_one_process(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    other = openimapi.DiscRecorder2("virtual:d1")
    try:
        assert rec.exclusive_access_owner == ""
        with pytest.raises(errors.E_INVALIDARG):
            rec.acquire_exclusive_access(False, "bad/name")
        rec.acquire_exclusive_access(False, "Burner One")
        rec.acquire_exclusive_access(False, "Burner One")  # nests
        assert other.exclusive_access_owner == "Burner One"
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED, match="Burner One"):
            other.acquire_exclusive_access(True, "Other")
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED):
            other.eject_media()
        rec.release_exclusive_access()
        assert other.exclusive_access_owner == "Burner One"
        rec.release_exclusive_access()
        assert other.exclusive_access_owner == ""
        other.acquire_exclusive_access(False, "Other")
        other.release_exclusive_access()
    finally:
        other.close()


def test_exclusive_access_across_processes(make_drive: Any, home: Any) -> None:
    rec = make_drive("bd-r")
    fmt = openimapi.DiscFormat2Data()
    fmt.recorder = rec
    fmt.client_name = "Me"
    script = textwrap.dedent(
        """
        import sys, openimapi
        r = openimapi.DiscRecorder2("virtual:d1")
        r.acquire_exclusive_access(False, "Other Process")
        print("held", flush=True)
        sys.stdin.readline()
        r.release_exclusive_access()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        assert rec.exclusive_access_owner == "Other Process"
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED, match="Other Process"):
            rec.acquire_exclusive_access(False, "Me")
        with pytest.raises(errors.E_IMAPI_RECORDER_LOCKED):
            fmt.write(bytes(2048 * 16))
        proc.stdin.write("\n")  # type: ignore[union-attr]
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(10)
    assert rec.exclusive_access_owner == ""
    rec.acquire_exclusive_access(False, "Me")
    rec.release_exclusive_access()


def test_mcn(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    assert not rec.mcn_disabled
    rec.disable_mcn()
    assert rec.mcn_disabled
    rec.enable_mcn()
    assert not rec.mcn_disabled


def test_closed_recorder_is_an_invalid_handle(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    rec.close()
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE):
        _ = rec.vendor_id
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE):
        rec.eject_media()


def test_dvd_structure_not_present(make_drive: Any) -> None:
    rec = make_drive("bd-r")
    rec.drive.test_unit_ready()
    with pytest.raises(errors.E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT):
        rec.read_dvd_structure(0xC3)
    with pytest.raises(errors.E_INVALIDARG):
        rec.read_dvd_structure(0, agid=4)


def test_dvd_structure_physical_format_decodes(make_drive: Any) -> None:
    from openimapi.mmc.structure import DvdPhysicalFormat

    rec = make_drive("dvd+r", model="dvd-writer")
    rec.drive.test_unit_ready()
    data = rec.read_dvd_structure(0)
    assert len(data) == 2048
    physical = DvdPhysicalFormat.from_bytes((len(data) + 2).to_bytes(2, "big") + bytes(2) + data)
    assert physical.book_name == "DVD+R"
