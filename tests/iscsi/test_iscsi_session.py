"""Session behaviour of the iSCSI transport against tgt: login failures, CHAP, discovery,
logout, NOP-In pings, timeouts and reconnection (through a relay the test can cut)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_iscsi_raw import inquiry, ready, tur
from tgt_server import Proxy, Target, Tgt

from openimapi import devices, errors, transport
from openimapi.imapi2 import DiscMaster2, DiscRecorder2
from openimapi.mmc import Command
from openimapi.transport.iscsi import (
    Chap,
    IscsiTransport,
    Portal,
    discover_targets,
    enumerate_drives,
    list_logical_units,
    open_iscsi,
)


def via(proxy: Proxy, target: Target, lun: int = 1) -> str:
    return f"iscsi://127.0.0.1:{proxy.port}/{target.iqn}/{lun}"


def nexus_count(tgt: Tgt, target: Target) -> int:
    out = tgt.tgtadm("--mode", "target", "--op", "show")
    block = out.split(f"Target {target.tid}: {target.iqn}", 1)[1].split("\nTarget ", 1)[0]
    return block.count("I_T nexus: ")


def test_unknown_target_name_fails_login_clearly(tgt: Tgt, blank_dvd: Target) -> None:
    with pytest.raises(errors.TransportError, match="does not exist"):
        transport.open(f"iscsi://127.0.0.1:{tgt.port}/iqn.2026-01.org.openimapi.test:nobody/1")


def test_unreachable_portal_is_a_transport_error() -> None:
    with pytest.raises(errors.TransportError, match="cannot reach"):
        transport.open("iscsi://127.0.0.1:1/iqn.2026-01.org.openimapi.test:x/1")


def test_malformed_target_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="not an iSCSI name"):
        transport.open("iscsi://127.0.0.1/not-an-iqn/1")


def test_close_logs_out_and_further_use_fails(tgt: Tgt, blank_dvd: Target) -> None:
    drive = transport.open(blank_dvd.address())
    assert nexus_count(tgt, blank_dvd) == 1
    drive.close()
    deadline = time.monotonic() + 3
    while nexus_count(tgt, blank_dvd) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert nexus_count(tgt, blank_dvd) == 0
    drive.close()  # harmless
    with pytest.raises(errors.TransportError, match="closed"):
        drive.execute(tur())


def test_discovery_lists_every_target_at_the_portal(tgt: Tgt, blank_dvd: Target, empty_tray: Target) -> None:
    found = discover_targets(f"127.0.0.1:{tgt.port}")
    assert (blank_dvd.iqn, f"127.0.0.1:{tgt.port}") in found
    assert (empty_tray.iqn, f"127.0.0.1:{tgt.port}") in found


def test_logical_units_and_drive_enumeration(
    tgt: Tgt, blank_dvd: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = list_logical_units(f"127.0.0.1:{tgt.port}", blank_dvd.iqn)
    assert [(u.lun, u.device_type) for u in units] == [(0, 0x0C), (1, 5)]  # controller, CD/DVD
    monkeypatch.setenv("OPENIMAPI_ISCSI_PORTALS", f"127.0.0.1:{tgt.port}, 127.0.0.1:1")
    drives = {unit.address: unit for unit in enumerate_drives()}
    assert blank_dvd.address(1) in drives  # LUN 0, the controller, is not a drive
    assert (drives[blank_dvd.address(1)].product, drives[blank_dvd.address(1)].revision) == ("VIRTUAL-CDROM", "0001")
    assert not any(address.endswith("/0") for address in drives)


def test_chap_login(tgt: Tgt, blank_dvd: Target) -> None:
    tgt.add_account(blank_dvd, "burner", "burner-secret-123")
    portal = Portal("127.0.0.1", tgt.port)
    with pytest.raises(errors.TransportError, match="authentication failed"):
        IscsiTransport(portal, blank_dvd.iqn, 1)  # tgt refuses AuthMethod=None with 0x0201
    with pytest.raises(errors.TransportError, match="authentication failed"):
        IscsiTransport(portal, blank_dvd.iqn, 1, chap=Chap("burner", "wrong-secret-456"))
    with IscsiTransport(portal, blank_dvd.iqn, 1, chap=Chap("burner", "burner-secret-123")) as drive:
        assert drive.execute(inquiry()).ok


def test_mutual_chap_checks_the_target(tgt: Tgt, blank_dvd: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    tgt.add_account(blank_dvd, "host-user", "host-secret-123")
    tgt.add_account(blank_dvd, "target-user", "target-secret-123", outgoing=True)
    monkeypatch.setenv("OPENIMAPI_ISCSI_CHAP_USER", "host-user")
    monkeypatch.setenv("OPENIMAPI_ISCSI_CHAP_SECRET", "host-secret-123")
    monkeypatch.setenv("OPENIMAPI_ISCSI_CHAP_TARGET_USER", "target-user")
    monkeypatch.setenv("OPENIMAPI_ISCSI_CHAP_TARGET_SECRET", "target-secret-123")
    with transport.open(blank_dvd.address()) as drive:
        assert drive.execute(inquiry()).ok
    monkeypatch.setenv("OPENIMAPI_ISCSI_CHAP_TARGET_SECRET", "not-the-target-secret")
    with pytest.raises(errors.TransportError, match="mutual secret"):
        transport.open(blank_dvd.address())


def test_target_nop_in_pings_are_answered(tgt: Tgt, blank_dvd: Target) -> None:
    tgt.set_target_param(blank_dvd, "nop_interval", 1)
    tgt.set_target_param(blank_dvd, "nop_count", 2)
    with transport.open(blank_dvd.address()) as drive:
        assert isinstance(drive, IscsiTransport)
        ready(drive)
        time.sleep(2.3)  # tgt pings every second and drops us after two unanswered
        assert drive.execute(tur()).ok
        assert drive.logins == 1
        assert drive._session is not None and drive._session.nops_answered >= 1


def test_without_the_background_thread_a_dropped_idle_session_is_renewed(tgt: Tgt, blank_dvd: Target) -> None:
    tgt.set_target_param(blank_dvd, "nop_interval", 1)
    tgt.set_target_param(blank_dvd, "nop_count", 1)
    with open_iscsi(transport.parse_address(blank_dvd.address()), background=False) as drive:
        ready(drive)
        time.sleep(2.5)  # unanswered pings: tgt drops the connection
        answer = drive.execute(tur())  # logs in again first: a new nexus starts with a unit attention
        assert answer.check_condition and answer.sense[12] == 0x29
        assert drive.logins == 2


def test_keepalive_ping_before_a_command_after_idling(blank_dvd: Target) -> None:
    with open_iscsi(transport.parse_address(blank_dvd.address()), keepalive=0.0, background=False) as drive:
        ready(drive)
        drive.ping()
        assert drive.execute(tur()).ok and drive.logins == 1


def test_connection_dropped_while_idle_reconnects_transparently(proxy: Proxy, blank_dvd: Target) -> None:
    with transport.open(via(proxy, blank_dvd)) as drive:
        assert isinstance(drive, IscsiTransport)
        ready(drive)
        proxy.cut()
        time.sleep(0.05)
        answer = drive.execute(inquiry())  # the dead connection is noticed before sending
        assert answer.ok and drive.logins == 2 and proxy.connections == 2


def test_connection_dropped_in_flight_fails_that_command_then_recovers(proxy: Proxy, blank_dvd: Target) -> None:
    with transport.open(via(proxy, blank_dvd)) as drive:
        assert isinstance(drive, IscsiTransport)
        ready(drive)
        proxy.drop_on = 0x12  # INQUIRY
        with pytest.raises(errors.TransportError, match=r"dropped while INQUIRY was in flight.*outcome is unknown"):
            drive.execute(inquiry())
        proxy.drop_on = None
        assert not drive.connected
        assert drive.execute(inquiry()).ok
        assert drive.logins == 2


def test_command_timeout_is_a_device_timeout(proxy: Proxy, blank_dvd: Target) -> None:
    portal = Portal("127.0.0.1", proxy.port)
    with IscsiTransport(portal, blank_dvd.iqn, 1, abort_timeout=0.5) as drive:
        ready(drive)
        proxy.stall_on = 0x00  # the answer to TEST UNIT READY never arrives
        started = time.monotonic()
        with pytest.raises(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT) as caught:
            drive.execute(Command(bytes(6), timeout=0.5, name="TEST UNIT READY"))
        assert isinstance(caught.value, errors.DeviceTimeoutError) and isinstance(caught.value, TimeoutError)
        assert time.monotonic() - started < 3  # 0.5 s, plus at most the abort's 0.5 s
        proxy.stall_on = None
        assert drive.execute(inquiry()).ok  # a new session
        assert drive.logins == 2


def test_the_transport_passes_check_transport_against_tgt(blank_dvd: Target, empty_tray: Target) -> None:
    testing = pytest.importorskip("openimapi.testing", reason="openimapi.testing (check_transport) not merged yet")
    loaded = testing.check_transport(lambda: transport.open(blank_dvd.address()))
    assert loaded.ready and (loaded.vendor, loaded.product) == ("IET", "VIRTUAL-CDROM")
    empty = testing.check_transport(lambda: transport.open(empty_tray.address()))
    assert not empty.ready


def test_disc_master_lists_iscsi_drives_of_the_configured_portals(
    tgt: Tgt, blank_dvd: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path / "home"))  # no virtual drives of the real home
    monkeypatch.delenv("OPENIMAPI_ISCSI_PORTALS", raising=False)
    assert blank_dvd.address() not in list(DiscMaster2())
    monkeypatch.setenv("OPENIMAPI_ISCSI_PORTALS", f"127.0.0.1:{tgt.port}")
    info = {drive.address: drive for drive in devices.discover_all()}[blank_dvd.address()]
    assert (info.vendor, info.product, info.revision) == ("IET", "VIRTUAL-CDROM", "0001")
    master = DiscMaster2()
    assert blank_dvd.address() in list(master)
    with DiscRecorder2(master.item(list(master).index(blank_dvd.address()))) as recorder:
        assert recorder.product_id == "VIRTUAL-CDROM"
