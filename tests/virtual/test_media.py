"""Media families beyond the documented sequences: simulation, media events, DVD-R(W),
DVD-RAM, BD-RE, DVD+R DL, and what the API reports about discs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from openimapi import virtual
from openimapi.mmc import disc as md
from openimapi.mmc import drive as mdr
from openimapi.mmc import features as mf
from openimapi.mmc import structure as mst
from openimapi.mmc.sense import decode_sense

from .host import Host
from .test_sequences import block, page05, read10, select, write10


@pytest.fixture
def host() -> Iterator[Host]:
    h = Host("rec")
    yield h
    h.close()


def disc_info(h: Host) -> md.DiscInformation:
    return md.DiscInformation.from_bytes(h.ok("51 00 00 00 00 00 00 00 22 00", 34))


def test_test_write_records_nothing(host: Host) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    drive.insert("cd-r")
    host.settle()
    select(host, page05(1, 4, 8, 0, test_write=True))
    for lba in range(0, 64, 16):
        host.ok(write10(lba, 16), out=b"".join(block(i) for i in range(lba, lba + 16)))
    assert host.sense(write10(0, 16), out=bytes(32768)) == (5, 0x21, 0x02)  # the simulated NWA moved on
    host.ok("35 00 00 00 00 00 00 00 00 00")
    assert (disc_info(host).disc_status, virtual.open_drive("rec").disc.used_blocks) == (0, 0)  # type: ignore[union-attr]


def test_media_events(host: Host) -> None:
    drive = virtual.create_drive("rec")
    gesn = "4a 01 00 00 10 00 00 00 08 00"  # polled, media class
    event = mdr.EventStatus.from_bytes(host.ok(gesn, 8)).media_event
    assert event is not None and (event.event_code, event.media_present) == (0, False)
    drive.insert("bd-re")
    event = mdr.EventStatus.from_bytes(host.ok(gesn, 8)).media_event
    assert event is not None and (event.event_code, event.media_present) == (mdr.MediaEventCode.NEW_MEDIA, True)
    event = mdr.EventStatus.from_bytes(host.ok(gesn, 8)).media_event
    assert event is not None and event.event_code == mdr.MediaEventCode.NO_CHANGE
    host.settle()
    every = "4a 01 00 00 7e 00 00 00 08 00"  # classes 1-6, as libburn polls in the DVD-R(W) path
    status = mdr.EventStatus.from_bytes(host.ok(every, 8))
    assert status.notification_class == mdr.NotificationClass.OPERATIONAL_CHANGE  # nothing pending: lowest
    host.ok("1b 00 00 00 02 00")  # eject
    status = mdr.EventStatus.from_bytes(host.ok(every, 8))
    event = status.media_event
    assert event is not None and (event.event_code, event.door_open) == (mdr.MediaEventCode.MEDIA_REMOVAL, True)


def test_dvd_minus_rw_format_and_blank(host: Host) -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    drive.insert("dvd-rw")
    host.settle()
    conf = mf.Configuration.from_bytes(host.ok("46 01 00 00 00 00 00 00 08 00", 8))
    assert conf.current_profile == 0x14  # sequential
    host.ok("04 11 00 00 00 00", out=bytes.fromhex("00 02 00 08 00 23 12 80 54 00 00 10"))  # quick format (15h)
    host.poll()
    conf = mf.Configuration.from_bytes(host.ok("46 01 00 00 00 00 00 00 08 00", 8))
    assert conf.current_profile == 0x13  # restricted overwrite
    host.ok(write10(4096, 16), out=b"".join(block(i) for i in range(4096, 4112)))
    assert host.ok(read10(4100, 1), 2048) == block(4100)
    host.ok("a1 10 00 00 00 00 00 00 00 00 00 00")  # BLANK full, Immed
    assert host.poll()
    conf = mf.Configuration.from_bytes(host.ok("46 01 00 00 00 00 00 00 08 00", 8))
    assert conf.current_profile == 0x14
    info = disc_info(host)
    assert (info.disc_status, info.erasable) == (0, True)


def test_dvd_ram_is_sold_formatted(host: Host) -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    drive.insert("dvd-ram")
    host.settle()
    info = disc_info(host)
    assert info.disc_status == 3  # random access ("others")
    cap = md.FormatCapacities.from_bytes(host.ok("23 00 00 00 00 00 00 00 fc 00", 252))
    assert (cap.current.blocks, cap.current.descriptor_type) == (2_236_704, md.DescriptorType.FORMATTED)
    host.ok(write10(2_236_688, 16), out=b"".join(block(i) for i in range(2_236_688, 2_236_704)))
    assert host.ok(read10(2_236_703, 1), 2048) == block(2_236_703)
    assert host.ok("25 00 00 00 00 00 00 00 00 00", 8)[:4] == (2_236_703).to_bytes(4, "big")


def test_bd_re_format_with_progress(host: Host) -> None:
    drive = virtual.create_drive("rec")
    drive.insert("bd-re")
    host.settle()
    cap = md.FormatCapacities.from_bytes(host.ok("23 00 00 00 00 00 00 00 fc 00", 252))
    assert cap.current.blocks == 12_219_392 and cap.formattable[0].blocks == 11_826_176
    assert host.sense(write10(0, 16), out=bytes(32768)) == (5, 0x30, 0x10)  # not formatted yet
    host.ok("04 11 00 00 00 00", out=bytes.fromhex("00 02 00 08 00 b4 74 00 c0 00 30 00"))  # type 30h
    progress = host.poll()
    assert progress == sorted(progress) and len(progress) >= 2
    assert disc_info(host).disc_status == 3
    host.ok(write10(11_826_160, 16), out=bytes(32768))
    assert host.sense(write10(11_826_176, 16), out=bytes(32768)) == (5, 0x21, 0x00)


def test_dvd_plus_r_dl_layer_break(host: Host) -> None:
    drive = virtual.create_drive("rec")
    disc = drive.insert("dvd+r-dl")
    host.settle()
    phys = mst.DvdPhysicalFormat.from_bytes(host.ok("ad 00 00 00 00 00 00 00 08 04 00 00", 2052))
    assert (phys.layers, phys.layer0_end - 0x030000 + 1, phys.data_blocks) == (2, 2_086_912, 4_173_824)
    ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 ff 00 00 30 00", 48))
    assert ti.free_blocks == 4_173_824
    assert disc.capacity == 4_173_824 and disc.status == "blank"


def test_dvd_minus_r_closes_the_disc_without_multisession(host: Host) -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    disc = drive.insert("dvd-r")
    host.settle()
    pre = mst.DvdPrerecordedInformation.from_bytes(host.ok("ad 00 00 00 00 00 00 0e 00 2c 00 00", 44))
    assert pre.manufacturer_id == "MCC 03RG20"  # the media id libburn reads for DVD-R
    select(host, page05(0, 5, 8, 0))  # incremental, data, no next border
    host.ok(write10(0, 16), out=b"".join(block(i) for i in range(16)))
    host.ok("35 00 00 00 00 00 00 00 00 00")
    host.ok("5b 00 01 00 00 01 00 00 00 00")
    host.ok("5b 00 02 00 00 00 00 00 00 00")
    assert disc_info(host).disc_status == 2
    assert disc.status == "complete" and [t.size for t in disc.tracks] == [16]


def test_cd_multisession_data(host: Host) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    drive.insert("cd-r")
    host.settle()
    starts = []
    for session in range(2):
        select(host, page05(1, 4, 8, 3 if session == 0 else 0))  # data, mode 1; last session closes the disc
        ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 ff 00 00 30 00", 48))
        nwa = ti.next_writable_address
        starts.append(nwa)
        host.ok(write10(nwa, 32), out=b"".join(block(i) for i in range(nwa, nwa + 32)))
        host.ok("35 00 00 00 00 00 00 00 00 00")
        host.ok("5b 00 02 00 00 00 00 00 00 00")
    assert starts == [0, 32 + 11_400]  # lead-out 6750 + lead-in 4500 + pre-gap 150 (Orange Book)
    info = disc_info(host)
    assert (info.disc_status, info.sessions) == (2, 2)
    sess = host.ok("43 00 01 00 00 00 00 00 0c 00", 12)
    assert sess[2:4] == b"\x01\x02" and int.from_bytes(sess[8:12], "big") == 11_432  # last session, its track
    assert host.ok(read10(11_440, 1), 2048) == block(11_440)
    assert host.sense(read10(100, 1), 2048) == (5, 0x21, 0x00)  # between the sessions: nothing recorded


def test_paced_blank_reports_progress_over_time(host: Host) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    drive.insert("cd-rw")
    drive.paced = True
    host.settle()
    host.ok("a1 11 00 00 00 00 00 00 00 00 00 00")  # minimal blank, Immed: 2 MiB at 10x takes ~1.2 s
    seen = []
    for _ in range(100):
        done = host.send("00 00 00 00 00 00")
        if done.ok:
            break
        sense = decode_sense(done.sense)
        assert sense is not None and sense.triple == (2, 4, 7) and sense.progress is not None
        seen.append(sense.progress)
        time.sleep(0.1)
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] > seen[0]
    assert disc_info(host).disc_status == 0
