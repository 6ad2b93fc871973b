"""The command sequences of tests/data/mmc-sequences.md, replayed byte for byte (CDBs as a
recording program sends them) against virtual drives, with the answers checked byte for
byte where MMC fixes them (expected bytes computed from MMC-6 by hand, noted inline)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openimapi import virtual
from openimapi.mmc import disc as md
from openimapi.mmc import features as mf
from openimapi.mmc import performance as mperf
from openimapi.mmc import structure as mst
from openimapi.mmc import toc as mt

from .host import Host

PATTERN = bytes(range(256)) * 10  # enough for a 2352-byte block


def block(lba: int, size: int = 2048) -> bytes:
    """Recognisable content of one block."""
    head = lba.to_bytes(4, "big", signed=True)
    return (head + PATTERN)[:size]


def write10(lba: int, count: int) -> str:
    return f"2a 00 {lba & 0xFFFFFFFF:08x} 00 {count:04x} 00"


def read10(lba: int, count: int) -> str:
    return f"28 00 {lba:08x} 00 {count:04x} 00"


@pytest.fixture
def host() -> Iterator[Host]:
    h = Host("rec")
    yield h
    h.close()


def media_inquiry(h: Host) -> md.DiscInformation:
    """Drive grab / media inquiry, step 1-4 of the document."""
    h.ok("1b 00 00 00 03 00")  # START STOP UNIT: load
    h.ok("1e 00 00 00 01 00")  # PREVENT MEDIUM REMOVAL
    h.ok("1b 00 00 00 01 00")  # START STOP UNIT: start
    inq = h.ok("12 00 00 00 24 00", 36)
    assert len(inq) == 36 and inq[0] == 0x05 and inq[1] == 0x80
    head = h.ok("46 00 00 00 00 00 00 00 08 00", 8)  # GET CONFIGURATION, header only
    length = int.from_bytes(head[:4], "big") + 4
    conf = mf.Configuration.from_bytes(h.ok(f"46 00 00 00 00 00 00 {length:04x} 00", length))
    assert conf.current_profile == int.from_bytes(head[6:8], "big")
    page = h.ok("5a 00 2a 00 00 00 00 00 1e 00", 30)  # MODE SENSE(10) 2Ah, first 30 bytes
    full = int.from_bytes(page[:2], "big") + 2
    assert len(h.ok(f"5a 00 2a 00 00 00 00 {full:04x} 00", full)) == full
    h.ok("ac 00 00 00 00 00 00 00 00 20 03 00", 8 + 32 * 16)  # GET PERFORMANCE 03h (write speeds)
    h.ok("5a 00 01 00 00 00 00 00 14 00", 20)  # MODE SENSE(10) 01h
    h.ok("23 00 00 00 00 00 00 00 fc 00", 252)  # READ FORMAT CAPACITIES
    return md.DiscInformation.from_bytes(h.ok("51 00 00 00 00 00 00 00 22 00", 34))


def test_dvd_plus_r_write_and_finalize(host: Host) -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    drive.insert("dvd+r")
    host.settle()
    info = media_inquiry(host)
    # blank DVD+R: status 0, last session empty, 1 session, track 1, URU (MMC-6 table 528)
    assert host.ok("51 00 00 00 00 00 00 00 22 00", 34) == bytes.fromhex(
        "0020 00 01 01 01 01 20 00 00 00 00" + "00" * 22
    )
    assert info.disc_status == md.DiscStatus.EMPTY
    adip = mst.DvdAdipInformation.from_bytes(host.ok("ad 00 00 00 00 00 00 11 01 04 00 00", 260))
    assert adip.media_id == "CMC MAG/M01"
    phys = mst.DvdPhysicalFormat.from_bytes(host.ok("ad 00 00 00 00 00 00 00 08 04 00 00", 2052))
    assert (phys.book_type, phys.data_blocks) == (0xA, 2_295_104)
    speeds = mperf.WriteSpeeds.from_bytes(host.ok("ac 00 00 00 00 00 00 00 00 08 03 00", 8 + 8 * 16))
    assert [d.write_speed for d in speeds.descriptors] == [22160, 16620, 11080, 5540]  # 16x, 12x, 8x, 4x
    ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 ff 00 00 30 00", 48))
    assert (ti.track, ti.next_writable_address, ti.free_blocks, ti.nwa_valid, ti.blank) == (1, 0, 2_295_104, True, True)
    host.ok("53 00 00 00 00 00 00 01 00 00")  # RESERVE TRACK 256 blocks
    ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 01 00 00 30 00", 48))
    assert (ti.rt, ti.track_size, ti.next_writable_address) == (True, 256, 0)
    for lba in range(0, 256, 16):
        data = b"".join(block(i) for i in range(lba, lba + 16))
        host.ok(write10(lba, 16), out=data)
        if lba % 64 == 0:
            cap = host.ok("5c 00 00 00 00 00 00 00 0c 00", 12)
            assert cap[:4] == bytes.fromhex("000a0000")
    assert host.sense(write10(0, 16), out=bytes(32768)) == (5, 0x21, 0x02)  # not the NWA any more
    host.ok("35 00 00 00 00 00 00 00 00 00")  # SYNCHRONIZE CACHE
    host.ok("5b 01 01 00 00 01 00 00 00 00")  # CLOSE TRACK 1, Immed
    host.poll()
    host.ok("5b 01 05 00 00 00 00 00 00 00")  # finalize, minimal radius
    host.poll()
    info = media_inquiry(host)
    assert (info.disc_status, info.last_session_state, info.sessions) == (2, 3, 1)
    toc = mt.Toc.from_bytes(host.ok("43 00 00 00 00 00 00 ff fe 00", 0xFFFE))
    assert [(e.track, e.address) for e in toc.entries] == [(1, 0), (0xAA, 256)]
    assert host.ok(read10(100, 2), 4096) == block(100) + block(101)
    assert host.ok("25 00 00 00 00 00 00 00 00 00", 8) == bytes.fromhex("000000ff 00000800")
    assert host.sense(write10(256, 16), out=bytes(32768)) == (5, 0x21, 0x02)  # closed disc
    host.ok("1e 00 00 00 00 00")  # ALLOW MEDIUM REMOVAL


def test_bd_r_multisession(host: Host) -> None:
    drive = virtual.create_drive("rec")
    drive.insert("bd-r")
    host.settle()
    media_inquiry(host)
    di = mst.BdDiscInformation.from_bytes(host.ok("ad 01 00 00 00 00 00 00 10 00 00 00", 4096))
    assert di.units[0].data[8:11] == b"BDR" and di.units[0].data[100:109] == b"VERBATIMe"
    assert host.sense("ad 00 00 00 00 00 00 00 08 04 00 00", 2052) == (5, 0x30, 0x02)  # DVD structure of a BD
    starts = []
    for session in range(3):
        ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 ff 00 00 30 00", 48))
        nwa = ti.next_writable_address
        assert nwa % 32 == 0  # BD cluster
        starts.append(nwa)
        for lba in range(nwa, nwa + 48, 16):
            host.ok(write10(lba, 16), out=b"".join(block(i) for i in range(lba, lba + 16)))
        host.ok("35 00 00 00 00 00 00 00 00 00")
        host.ok(f"5b 01 01 00 {ti.track:04x} 00 00 00 00")
        host.poll()
        host.ok("5b 01 02 00 00 00 00 00 00 00")  # close session, stays appendable
        host.poll()
        info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
        assert (info.disc_status, info.sessions, info.last_session_state) == (1, session + 2, 0)
    assert starts == [0, 64, 128]  # 48 blocks padded to a 64-block cluster boundary, no BD session gap
    sess = mt.SessionInfo.from_bytes(host.ok("43 00 01 00 00 00 00 00 0c 00", 12))
    assert (sess.last_session, sess.first_track_last_session, sess.start_address) == (3, 3, 128)
    host.ok("5b 01 06 00 00 00 00 00 00 00")  # finalize: but the open session is empty
    host.poll()
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.sessions) == (2, 3)
    for start in starts:
        assert host.ok(read10(start + 5, 1), 2048) == block(start + 5)


def page05(write_type: int, track_mode: int, data_block_type: int, multi_session: int, *, bufe: bool = True,
           test_write: bool = False) -> bytes:
    """MODE SELECT(10) parameter list with page 05h, as libburn builds it (MMC-6 7.5.4)."""
    page = bytearray(0x34)
    page[0], page[1] = 0x05, 0x32
    page[2] = (0x40 if bufe else 0) | (0x10 if test_write else 0) | write_type
    page[3] = multi_session << 6 | track_mode
    page[4] = data_block_type
    page[14:16] = (150).to_bytes(2, "big")  # audio pause length
    return bytes(8) + bytes(page)


def select(h: Host, params: bytes) -> None:
    h.ok(f"55 10 00 00 00 00 00 {len(params):04x} 00", out=params)


def audio(lba: int, count: int) -> bytes:
    return b"".join(block(i, 2352) for i in range(lba, lba + count))


def test_cd_r_track_at_once_audio(host: Host, tmp_path: object) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    disc = drive.insert("cd-r")
    host.settle()
    info = media_inquiry(host)
    assert info.last_possible_lead_out == md.DiscInformation.msf_field(md.Msf(79, 59, 74))
    atip = mt.Atip.from_bytes(host.ok("43 02 04 00 00 00 00 00 1c 00", 28))
    assert (atip.lead_in_start.minute, atip.last_lead_out_start.minute) == (97, 79)
    lengths = [300, 420]
    starts = []
    for n, length in enumerate(lengths, 1):
        select(host, page05(1, 0, 0, 3))  # TAO, audio, raw 2352, more sessions may follow
        ti = md.TrackInformation.from_bytes(host.ok("52 01 00 00 00 ff 00 00 30 00", 48))
        assert ti.track == n and ti.nwa_valid
        nwa = ti.next_writable_address
        starts.append(nwa)
        for lba in range(nwa, nwa + length, 30):
            count = min(30, nwa + length - lba)
            host.ok(write10(lba, count), out=audio(lba, count))
            if (lba - nwa) % 60 == 0:
                host.ok("5c 00 00 00 00 00 00 00 0c 00", 12)
        host.ok("35 00 00 00 00 00 00 00 00 00")  # ends the TAO track, no CLOSE TRACK
    assert starts == [0, 450]  # 150-sector pause before track 2
    # a data block type that does not fit an audio track is refused (5/26/00)
    bad = page05(1, 0, 8, 3)
    assert host.sense(f"55 10 00 00 00 00 00 {len(bad):04x} 00", out=bad) == (5, 0x26, 0)
    host.ok("5b 01 02 00 00 00 00 00 00 00")  # close session
    progress = host.poll()
    assert progress == sorted(progress)
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.sessions, info.last_session_state) == (1, 2, 0)  # appendable
    toc = mt.Toc.from_bytes(host.ok("43 00 00 00 00 00 00 03 24 00", 804))
    assert [(e.track, e.address, e.control) for e in toc.entries] == [(1, 0, 0), (2, 450, 0), (0xAA, 870, 0)]
    full = mt.FullToc.from_bytes(host.ok("43 02 02 00 00 00 00 03 24 00", 804))
    a2 = full.point(0xA2)
    b0 = full.point(0xB0)
    assert a2 is not None and (a2.pmin, a2.psec, a2.pframe) == (0, 13, 45)  # 870 + 150 frames
    assert b0 is not None and b0.adr == 5
    # READ CD returns the samples and, on request, formatted Q
    raw = host.ok("be 04 00 00 01 c2 00 00 02 10 00 00", 2 * 2352)  # CD-DA, LBA 450, 2 blocks
    assert raw == audio(450, 2)
    withq = host.ok("be 04 00 00 01 c2 00 00 01 10 02 00", 2352 + 16)
    q = withq[2352:]
    assert q[0] == 0x01 and q[1] == 0x02 and q[2] == 0x01  # audio, ADR 1; track 02, index 01
    assert host.sense(read10(0, 1), 2048) == (5, 0x64, 0)  # READ(10) of audio
    files = disc.export(tmp_path / "cd.cue")  # type: ignore[operator]
    cue = files[0].read_text()
    assert "TRACK 02 AUDIO" in cue and "INDEX 01 00:06:00" in cue
    binary = files[1].read_bytes()
    assert binary[450 * 2352 : 451 * 2352] == audio(450, 1)


def test_cd_rw_blank_with_progress(host: Host) -> None:
    drive = virtual.create_drive("rec", "cd-writer")
    drive.insert("cd-rw")
    host.settle()
    select(host, page05(1, 4, 8, 0))  # TAO, data mode 1, no next session
    host.ok(write10(0, 300), out=b"".join(block(i) for i in range(300)))
    host.ok("35 00 00 00 00 00 00 00 00 00")
    host.ok("5b 00 02 00 00 00 00 00 00 00")  # close session: finalizes (multi-session 00b)
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.erasable) == (2, True)
    host.ok("a1 11 00 00 00 00 00 00 00 00 00 00")  # BLANK minimal, Immed
    progress = host.poll()
    assert progress and progress == sorted(progress) and all(0 <= p < 65536 for p in progress)
    # while blanking, REQUEST SENSE would have said the same; now it says NO SENSE
    assert host.ok("03 00 00 00 12 00", 18)[2] & 0x0F == 0
    info = media_inquiry(host)
    assert (info.disc_status, info.last_session_state, info.erasable) == (0, 0, True)
    assert host.ok("51 00 00 00 00 00 00 00 22 00", 34)[2] == 0x10  # erasable, empty


def test_dvd_plus_rw_format_and_random_write(host: Host) -> None:
    drive = virtual.create_drive("rec", "dvd-writer")
    drive.insert("dvd+rw")
    host.settle()
    info = media_inquiry(host)
    assert (info.disc_status, info.bg_format_status) == (0, 0)
    caps = md.FormatCapacities.from_bytes(host.ok("23 00 00 00 00 00 00 00 fc 00", 252))
    assert [(f.format_type, f.blocks) for f in caps.formattable] == [(0x26, 2_295_104)]
    # FORMAT UNIT, FmtData, format code 001b; FOV+Immed, FFFFFFFFh blocks, type 26h
    host.ok("04 11 00 00 00 00", out=bytes.fromhex("00 82 00 08 ff ff ff ff 98 00 00 00"))
    host.poll()
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.bg_format_status) == (2, 2)  # formatted, background format running
    for lba in (1000, 0, 16, 1000):  # random order, rewriting 1000
        host.ok(write10(lba, 16), out=b"".join(block(i + (7 if lba == 1000 else 0)) for i in range(lba, lba + 16)))
    host.ok("35 00 00 00 00 00 00 00 00 00")
    host.ok("5b 01 02 00 00 00 00 00 00 00")  # stop background formatting, DVD-ROM compatible
    host.poll()
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.bg_format_status) == (2, 1)
    assert host.ok(read10(1000, 1), 2048) == block(1007)
    assert host.ok(read10(17, 1), 2048) == block(17)
    assert host.ok(read10(500, 1), 2048) == bytes(2048)  # formatted, never written: zeros
    assert host.sense(write10(2_295_100, 16), out=bytes(32768)) == (5, 0x21, 0)


def test_cd_session_at_once(host: Host) -> None:
    drive = virtual.create_drive("rec")
    drive.insert("cd-r")
    host.settle()
    select(host, page05(2, 0, 0, 0))  # SAO, audio, raw 2352, no next session
    # cue sheet (MMC-6 6.39): lead-in, track 1 index 0 at 00:00:00 and index 1 at 00:02:00,
    # track 2 index 0 at 00:06:00, index 1 at 00:08:00, lead-out at 00:12:00
    cue = bytes.fromhex(
        "01 00 00 01 00 00 00 00"
        "01 01 00 00 00 00 00 00"
        "01 01 01 00 00 00 02 00"
        "01 02 00 00 00 00 06 00"
        "01 02 01 00 00 00 08 00"
        "01 aa 01 01 00 00 0c 00"
    )
    assert host.sense(write10(-150, 10), out=audio(-150, 10)) == (5, 0x21, 0x02)  # no cue sheet yet
    host.ok(f"5d 00 00 00 00 00 00 {len(cue):04x} 00", out=cue)
    for lba in range(-150, 750, 50):
        host.ok(write10(lba, 50), out=audio(lba, 50))
    host.ok("35 00 00 00 00 00 00 00 00 00")
    info = md.DiscInformation.from_bytes(host.ok("51 00 00 00 00 00 00 00 22 00", 34))
    assert (info.disc_status, info.last_session_state) == (2, 3)
    toc = mt.Toc.from_bytes(host.ok("43 00 00 00 00 00 00 00 1c 00", 28))
    assert [(e.track, e.address) for e in toc.entries] == [(1, 0), (2, 450), (0xAA, 750)]
    assert host.ok("be 04 00 00 01 2c 00 00 01 10 00 00", 2352) == audio(300, 1)


def test_cd_session_at_once_raw_data_track(host: Host) -> None:
    from openimapi.cd.sector import encode_mode1

    drive = virtual.create_drive("rec")
    drive.insert("cd-r")
    host.settle()
    select(host, page05(2, 4, 0, 0))  # SAO
    # one mode 1 track sent raw (data form 11h): pre-gap from 00:00:00, index 1 at 00:02:00, lead-out 00:06:00
    cue = bytes.fromhex(
        "41 00 00 11 00 00 00 00"
        "41 01 00 11 00 00 00 00"
        "41 01 01 11 00 00 02 00"
        "41 aa 01 11 00 00 06 00"
    )
    host.ok(f"5d 00 00 00 00 00 00 {len(cue):04x} 00", out=cue)
    user = b"".join(block(i) for i in range(-150, 300))
    raw = encode_mode1(user, -150).tobytes()
    for lba in range(-150, 300, 50):
        host.ok(write10(lba, 50), out=raw[(lba + 150) * 2352 : (lba + 200) * 2352])
    host.ok("35 00 00 00 00 00 00 00 00 00")
    assert host.ok(read10(10, 2), 4096) == block(10) + block(11)  # user data of the raw sectors
    full = host.ok("be 08 00 00 00 0a 00 00 01 f8 00 00", 2352)  # mode 1, sync+header+user+EDC/ECC
    assert full == raw[160 * 2352 : 161 * 2352]
