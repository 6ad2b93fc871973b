"""The virtual drive through ``transport.open("virtual:NAME")``: identity, unit attention,
sense answers, mode pages and the durable API."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimapi import transport, virtual
from openimapi.mmc import Command, modepages, spc
from openimapi.mmc.modeparams import ModeParameters
from openimapi.mmc.sense import decode_sense


def _sense(c: object) -> tuple[int, int, int] | None:
    s = decode_sense(c.sense)  # type: ignore[attr-defined]
    return None if s is None else s.triple


def test_home_is_the_test_folder(openimapi_home: Path) -> None:
    assert virtual.openimapi_home() == openimapi_home
    virtual.create_drive("d1")
    assert (openimapi_home / "drives" / "d1" / "drive.json").is_file()


def test_inquiry_and_unit_attention() -> None:
    drive = virtual.create_drive("d1", model="dvd-writer")
    with transport.open("virtual:d1") as t:
        inq = spc.InquiryData.from_bytes(t.execute(spc.Inquiry(allocation_length=96).to_command()).data)
        assert (inq.vendor, inq.product, inq.revision) == ("HL-DT-ST", "DVDRAM GH22LS40", "LL01")
        assert inq.peripheral_device_type == 5 and inq.rmb
        # power-on unit attention first, then no medium with the tray closed
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (6, 0x29, 0)
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (2, 0x3A, 1)
        drive.insert("dvd+r")
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (6, 0x28, 0)
        assert t.execute(spc.TestUnitReady().to_command()).ok
        # eject through the device: tray open
        assert t.execute(spc.StartStopUnit.eject().to_command()).ok
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (2, 0x3A, 2)
        assert t.execute(spc.StartStopUnit.load().to_command()).ok
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (6, 0x28, 0)
        assert t.execute(spc.TestUnitReady().to_command()).ok


def test_unknown_opcode_and_bad_field() -> None:
    virtual.create_drive("d1")
    with transport.open("virtual:d1") as t:
        t.execute(spc.TestUnitReady().to_command())
        c = t.execute(Command(bytes([0xFF, 0, 0, 0, 0, 0])))
        assert _sense(c) == (5, 0x20, 0)
        c = t.execute(Command(bytes([0x12, 0, 0x80, 0, 36, 0]), data_in_length=36))  # page without EVPD
        s = decode_sense(c.sense)
        assert s is not None and s.triple == (5, 0x24, 0)
        assert s.sks is not None and s.sks[0] & 0x40 and int.from_bytes(s.sks[1:], "big") == 2


def test_prevent_blocks_eject_across_objects() -> None:
    drive = virtual.create_drive("d1")
    drive.insert("bd-r")
    with transport.open("virtual:d1") as t:
        t.execute(spc.TestUnitReady().to_command())
        assert t.execute(spc.PreventAllowMediumRemoval(prevent=True).to_command()).ok
        assert _sense(t.execute(spc.StartStopUnit.eject().to_command())) == (5, 0x53, 2)
        assert virtual.open_drive("d1").medium_locked
        with pytest.raises(virtual.MediumLocked):
            virtual.open_drive("d1").eject()
        assert t.execute(spc.PreventAllowMediumRemoval(prevent=False).to_command()).ok
    assert virtual.open_drive("d1").eject() is not None


def test_write_parameters_page_round_trip() -> None:
    drive = virtual.create_drive("d1", model="cd-writer")
    drive.insert("cd-r")
    with transport.open("virtual:d1") as t:
        t.execute(spc.TestUnitReady().to_command())
        page = modepages.WriteParametersPage(write_type=modepages.WriteType.TAO, track_mode=0, data_block_type=0,
                                             multi_session=3, bufe=True)
        assert t.execute(spc.ModeSelect10.for_parameters(ModeParameters(pages=(page,))).to_command()).ok
        got = ModeParameters.from_bytes(t.execute(spc.ModeSense10(page_code=5).to_command()).data).page(5)
        assert isinstance(got, modepages.WriteParametersPage)
        assert (got.write_type, got.track_mode, got.data_block_type, got.multi_session, got.bufe) == (1, 0, 0, 3, True)
        bad = modepages.WriteParametersPage(write_type=1, track_mode=0, data_block_type=8)
        c = t.execute(spc.ModeSelect10.for_parameters(ModeParameters(pages=(bad,))).to_command())
        assert _sense(c) == (5, 0x26, 0)
        cap = ModeParameters.from_bytes(t.execute(spc.ModeSense10(page_code=0x2A).to_command()).data).page(0x2A)
        assert isinstance(cap, modepages.CapabilitiesPage)
        assert cap.cd_r_write and not cap.dvd_r_write and cap.buffer_size == 2338
        assert cap.write_speeds[0] == 8467  # 48x CD


def test_disc_survives_eject_and_reinsert(tmp_path: Path) -> None:
    drive = virtual.create_drive("d1")
    disc = drive.insert("dvd+r")
    with transport.open("virtual:d1") as t:
        t.execute(spc.TestUnitReady().to_command())
        c = t.execute(Command(bytes([0x2A, 0, 0, 0, 0, 0, 0, 0, 16, 0]), data_out=b"A" * 32768))
        assert c.ok
    assert drive.eject() == disc
    assert drive.disc is None
    other = virtual.create_drive("d2")
    other.insert(disc)
    with transport.open("virtual:d2") as t:
        t.execute(spc.TestUnitReady().to_command())
        c = t.execute(Command(bytes([0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0]), data_in_length=32768))
        assert c.ok and c.data == b"A" * 32768
    assert [d.name for d in virtual.list_drives()] == ["d1", "d2"]
    virtual.remove_drive("d1")
    assert [d.name for d in virtual.list_drives()] == ["d2"]
    with pytest.raises(virtual.NoSuchDrive):
        virtual.open_drive("d1")
    with pytest.raises(OSError):
        transport.open("virtual:d1")


def test_virtual_drives_are_discovered() -> None:
    from openimapi import devices

    virtual.create_drive("alpha", "cd-writer")
    virtual.create_drive("beta")
    found = {d.address: d for d in devices.discover_all()}
    assert found["virtual:alpha"].product == "CD-R   PX-W4824A"
    assert found["virtual:beta"].vendor == "HL-DT-ST"
    with transport.open(found["virtual:beta"].address) as t:
        assert t.address == "virtual:beta"


def test_close_tray_loads_the_disc_on_it() -> None:
    drive = virtual.create_drive("d1")
    drive.insert("bd-re")
    with transport.open("virtual:d1") as t:
        t.execute(spc.TestUnitReady().to_command())
        assert t.execute(spc.StartStopUnit.eject().to_command()).ok
        assert drive.tray_open and drive.disc is None
        drive.close_tray()
        assert _sense(t.execute(spc.TestUnitReady().to_command())) == (6, 0x28, 0)
        assert t.execute(spc.TestUnitReady().to_command()).ok
        assert drive.disc is not None and drive.disc.media == "bd-re"
