"""Handlers of the media-inquiry commands: GET CONFIGURATION, READ DISC INFORMATION, READ
TRACK INFORMATION, READ CAPACITY, READ FORMAT CAPACITIES, READ TOC/PMA/ATIP, GET
PERFORMANCE (in :mod:`.mechanism`). Answers are built with :mod:`openimapi.mmc.features`, :mod:`.disc`,
:mod:`.toc` and :mod:`.performance`, from the drive model and the disc state.
"""

from __future__ import annotations

from typing import Any

from openimapi.mmc import disc as md
from openimapi.mmc import feature_types as ft
from openimapi.mmc import features as mf
from openimapi.mmc import toc as mt
from openimapi.mmc.command import Command
from openimapi.mmc.msf import Msf
from openimapi.virtual import conditions as cc
from openimapi.virtual.cd import lba_to_msf, q_entries
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.device import Device, handler
from openimapi.virtual.discstate import DiscState, TrackView
from openimapi.virtual.media import Family, Medium

__all__ = ["configuration"]


# --------------------------------------------------------------------------- GET CONFIGURATION


def current_medium(dev: Device) -> tuple[Medium | None, DiscState | None]:
    disc = dev.disc
    if disc is None or not dev.model.reads(disc.medium):
        return None, None
    return disc.medium, disc


def configuration(dev: Device) -> mf.Configuration:
    """Every feature of the model, flagged current for the loaded medium."""
    m = dev.model
    medium, disc = current_medium(dev)
    profile = disc.profile if disc is not None else 0
    has = set(m.profiles)
    w = set(m.writes)
    fam = medium.family if medium is not None else None
    cd, dvd, bd = fam is Family.CD, fam is Family.DVD, fam is Family.BD
    wp = bool(disc is not None and disc.s.get("write_protected"))
    blocking = {Family.CD: 1, Family.DVD: 16, Family.BD: 32}.get(fam, 1) if fam else 1
    feats: list[Any] = [
        ft.ProfileListFeature(profiles=tuple(ft.ProfileDescriptor(p, p == profile) for p in m.profiles),
                              current=True),
        ft.CoreFeature(version=2, physical_interface=2 if m.name == "cd-writer" else 7, inq2=True, dbe=True,
                       current=True),
        ft.MorphingFeature(version=1, oc_event=True, current=True),
        ft.RemovableMediumFeature(loading_mechanism=1, load=True, eject=True, lock=True, current=True),
        ft.RandomReadableFeature(block_size=2048, blocking=blocking, pp=True, current=medium is not None),
        ft.MultiReadFeature(current=cd),
        ft.CdReadFeature(version=2, dap=True, c2_flags=True, cd_text=True, current=cd),
    ]
    if 0x10 in has:
        feats.append(ft.DvdReadFeature(version=2, multi110=True, dual_r=True, dual_rw=True, current=dvd))
    random_profiles = {0x12, 0x1A, 0x43, 0x13} & w
    if random_profiles:
        rw_now = disc is not None and disc.random_access and not wp
        feats.append(ft.RandomWritableFeature(last_lba=(disc.capacity - 1) if rw_now and disc else 0,
                                              blocking=blocking, pp=True, current=rw_now))
    if {0x09, 0x0A, 0x11, 0x14} & w:
        inc_now = profile in (0x09, 0x0A, 0x11, 0x14) and not wp
        feats.append(ft.IncrementalStreamingWritableFeature(
            version=1, data_block_types=0x0100 if dvd else 0x2501, buf=m.bufe, arsv=True,
            link_sizes=(7,) if cd else (16,), current=inc_now))
    if {0x12, 0x13, 0x14, 0x1A, 0x41, 0x43} & w:
        feats.append(ft.FormattableFeature(version=1, renosa=0x43 in w, expand=0x43 in w, qcert=0x43 in w,
                                           cert=0x43 in w, rrm=0x41 in w,
                                           current=medium is not None and medium.formattable and not wp))
    if {0x12, 0x43} & w:
        feats.append(ft.HardwareDefectManagementFeature(version=1, ssa=True, current=profile in (0x12, 0x43)))
    if 0x13 in w:
        feats.append(ft.RestrictedOverwriteFeature(current=profile == 0x13))
    if 0x1A in w:
        feats.append(ft.DvdPlusRwFeature(version=1, write=True, quick_start=True, close_only=True,
                                         current=profile == 0x1A))
    if 0x1B in w:
        feats.append(ft.DvdPlusRFeature(write=True, current=profile in (0x1B, 0x2B)))
    if 0x13 in w:
        feats.append(ft.RigidRestrictedOverwriteFeature(version=1, dsdg=True, dsdr=True, intermediate=True,
                                                        blank=True, current=profile == 0x13))
    if {0x09, 0x0A} & w:
        feats.append(ft.CdTrackAtOnceFeature(version=2, buf=m.bufe, rw_raw=True, rw_pack=True, test_write=True,
                                             cd_rw=0x0A in w, rw_subcode=True, data_types=0x2501,
                                             current=profile in (0x09, 0x0A) and not wp))
        feats.append(ft.CdMasteringFeature(buf=m.bufe, sao=True, raw_ms=m.cd_raw, raw=m.cd_raw, test_write=True,
                                           cd_rw=0x0A in w, rw=True, max_cue_sheet_length=0x00FFFF,
                                           current=profile in (0x09, 0x0A) and not wp))
    if {0x11, 0x14} & w:
        feats.append(ft.DvdDashWriteFeature(version=1, buf=m.bufe, test_write=True, dvd_rw_sl=0x14 in w,
                                            current=profile in (0x11, 0x14) and not wp))
    if 0x0A in w:
        feats.append(ft.CdRwMediaWriteSupportFeature(version=1, subtypes=0x5E, current=profile == 0x0A))
    if 0x2B in w:
        feats.append(ft.DvdPlusRDualLayerFeature(write=True, current=profile == 0x2B))
    if 0x40 in has:
        cls = (0x0002, 0, 0, 0)
        feats.append(ft.BdReadFeature(version=1, bd_re=cls, bd_r=cls, bd_rom=cls, current=bd))
    if {0x41, 0x43} & w:
        cls = (0x0002, 0, 0, 0)
        feats.append(ft.BdWriteFeature(version=1, svnr=True, bd_re=cls, bd_r=cls, current=bd and not wp))
    feats += [
        ft.PowerManagementFeature(persistent=True, current=True),
        ft.TimeoutFeature(version=1, group3=True, unit_length=512, current=True),
        ft.RealTimeStreamingFeature(version=5 if bd or 0x40 in has else 3, rbcb=True, scs=True, mp2a=True, wspd=True,
                                    sw=True, current=True),
        ft.LogicalUnitSerialNumberFeature(serial_number=f"VIRT{abs(hash(dev.drive.name)) % 10**8:08d}",
                                          persistent=True, current=True),
    ]
    return mf.Configuration(current_profile=profile, features=tuple(sorted(feats, key=lambda f: f.code)))


@handler(0x46, "any", ua_exempt=True)
def get_configuration(dev: Device, cmd: Command) -> bytes:
    req = mf.GetConfiguration.from_cdb(cmd.cdb)
    if int(req.rt) == 3:
        raise cc.invalid_field(1, 1)
    return configuration(dev).select(req.rt, req.starting_feature).to_bytes()


# --------------------------------------------------------------------------- disc / track information


def _msf_field(lba: int | None) -> int:
    if lba is None:
        return 0
    m, s, f = lba_to_msf(lba)
    return md.DiscInformation.msf_field(Msf(m, s, f))


@handler(0x51)
def read_disc_information(dev: Device, cmd: Command) -> bytes:
    req = md.ReadDiscInformation.from_cdb(cmd.cdb)
    if req.data_type != 0:
        raise cc.invalid_field(1, 2, message="only standard disc information is emulated")
    disc = dev.medium()
    v = disc.disc_view()
    info = md.DiscInformation(
        disc_status=v.status, last_session_state=v.last_session_state, erasable=v.erasable, first_track=1,
        sessions=v.sessions, first_track_last_session=v.first_track_last_session,
        last_track_last_session=v.last_track_last_session, unrestricted_use=True,
        bg_format_status=v.bg_format, disc_type=v.disc_type,
        last_session_lead_in=_msf_field(v.last_lead_in) if disc.medium.is_cd else 0,
        last_possible_lead_out=_msf_field(v.last_lead_out) if disc.medium.is_cd else 0,
    )
    return info.to_bytes()


def _track_info(disc: DiscState, t: TrackView, copy: bool = False) -> md.TrackInformation:
    return md.TrackInformation(
        track=t.number, session=t.session, damage=t.damaged, copy=copy, track_mode=t.control & 0xF,
        rt=t.reserved, blank=t.blank, packet=t.packet or (t.invisible and disc.medium.is_dvd),
        fp=t.fixed_packet, data_mode=t.data_mode, lra_valid=t.last_recorded is not None, nwa_valid=t.nwa is not None,
        start_address=t.start, next_writable_address=t.nwa or 0, free_blocks=t.free,
        fixed_packet_size=t.packet_size, track_size=t.size,
        last_recorded_address=t.last_recorded or 0, structure_length=48,
    )


@handler(0x52)
def read_track_information(dev: Device, cmd: Command) -> bytes:
    req = md.ReadTrackInformation.from_cdb(cmd.cdb)
    disc = dev.medium()
    views = disc.track_views()
    kind = int(req.address_type)
    chosen: TrackView | None = None
    if kind == 0:  # LBA
        for v in views:
            if v.start <= req.address < v.start + v.size:
                chosen = v
        if chosen is None:
            raise cc.lba_out_of_range(f"no track holds LBA {req.address}")
    elif kind == 1:  # track number, FFh = the invisible (or incomplete) track
        if req.address == 0xFF:
            open_views = [v for v in views if v.incomplete and not v.reserved]
            open_views = open_views or [v for v in views if v.nwa is not None]
            if not open_views:
                raise cc.invalid_field(5, message="no invisible or incomplete track")
            chosen = open_views[-1]
        elif req.address == 0 and disc.medium.is_cd:
            raise cc.invalid_field(5, message="the lead-in holds no track information")
        else:
            matches = [v for v in views if v.number == req.address]
            if not matches:
                raise cc.invalid_field(5, message=f"no track {req.address}")
            chosen = matches[0]
    elif kind == 2:  # session number: its first track
        matches = [v for v in views if v.session == req.address]
        if not matches:
            raise cc.invalid_field(5, message=f"no session {req.address}")
        chosen = matches[0]
    else:
        raise cc.invalid_field(1, 1)
    return _track_info(disc, chosen).to_bytes()


@handler(0x25)
def read_capacity(dev: Device, cmd: Command) -> bytes:
    md.ReadCapacity.from_cdb(cmd.cdb)
    disc = dev.medium()
    end = disc.recorded_end()
    return md.ReadCapacityData(last_lba=(end - 1) & 0xFFFFFFFF, block_length=2048).to_bytes()


def format_capacities(disc: DiscState | None, tray_open: bool) -> md.FormatCapacities:
    """READ FORMAT CAPACITIES: the current capacity and the format descriptors."""
    if disc is None:
        return md.FormatCapacities(md.CapacityDescriptor(2_295_104, md.DescriptorType.NO_MEDIA))
    m = disc.medium
    formats: list[md.FormattableDescriptor] = []
    if m.profile == 0x1A:
        formats.append(md.FormattableDescriptor(m.capacity, 0x26, 0))
    elif m.profile == 0x12:
        formats += [md.FormattableDescriptor(m.capacity, 0x00, 0x800), md.FormattableDescriptor(m.capacity, 0x01, 0)]
    elif m.profile == 0x14:
        formats += [md.FormattableDescriptor(m.capacity, 0x00, 16), md.FormattableDescriptor(m.capacity, 0x10, 16),
                    md.FormattableDescriptor(m.capacity, 0x15, 16)]
    elif m.formats:
        formats += [md.FormattableDescriptor(b, t, p) for t, b, p in m.formats]
    if disc.random_access:
        current = md.CapacityDescriptor(disc.capacity, md.DescriptorType.FORMATTED)
    else:
        current = md.CapacityDescriptor(m.unformatted or m.capacity if m.writable else disc.recorded_end(),
                                        md.DescriptorType.UNFORMATTED if m.writable else md.DescriptorType.FORMATTED)
    return md.FormatCapacities(current, tuple(formats))


@handler(0x23, "any")
def read_format_capacities(dev: Device, cmd: Command) -> bytes:
    md.ReadFormatCapacities.from_cdb(cmd.cdb)
    return format_capacities(dev.disc, bool(dev.state.get("tray_open"))).to_bytes()


# --------------------------------------------------------------------------- READ TOC/PMA/ATIP


def _toc_tracks(disc: DiscState) -> list[tuple[int, dict[str, Any]]]:
    """(number, track) of the recorded tracks a TOC lists (closed sessions on CD; on DVD/BD
    every recorded track, as drives fabricate it)."""
    out = []
    for i, t in enumerate(disc.tracks, 1):
        if not t["written"]:
            continue
        if disc.medium.is_cd and not disc.sessions[int(t["session"]) - 1]["closed"]:
            continue
        out.append((i, t))
    return out


@handler(0x43)
def read_toc(dev: Device, cmd: Command) -> bytes:
    req = mt.ReadToc.from_cdb(cmd.cdb)
    disc = dev.medium()
    fmt = int(req.format)
    is_cd = disc.medium.is_cd
    if fmt in (2, 3, 4, 5) and not is_cd:
        raise cc.invalid_field(2, 3, message=f"READ TOC format {fmt} is for CD media")
    if fmt == 4:
        atip = disc.medium.atip
        if atip is None:
            raise CheckCondition(0x5, 0x24, 0x00, "pressed CD has no ATIP", field=(True, 2, 3))
        return mt.Atip(writing_power=atip.indicative_power, lead_in_start=Msf(*atip.lead_in_start),
                       last_lead_out_start=Msf(*atip.last_lead_out), reference_speed=atip.reference_speed,
                       unrestricted_use=True, erasable=disc.medium.rewritable, disc_subtype=atip.sub_type,
                       a1=bytes([0, atip.low_speed << 4 | atip.high_speed, 0]) if disc.medium.rewritable else None,
                       ).to_bytes()
    if fmt == 5:
        packs = bytes.fromhex(str(disc.s.get("cd_text") or ""))
        return mt.CdTextPacks(tuple(packs[i : i + 18] for i in range(0, len(packs), 18))).to_bytes()
    tracks = _toc_tracks(disc)
    if fmt == 3:
        entries = [mt.RawTocEntry.point_time(0, n, int(t["start"]), control=int(t["control"]))
                   for n, t in enumerate(disc.tracks, 1) if t["written"]]
        return mt.FullToc(0, 0, tuple(entries)).to_bytes()
    if not tracks:
        raise CheckCondition(0x5, 0x24, 0x00, "no table of contents: the disc is blank", field=(True, 6, None))
    if fmt == 0:
        first = tracks[0][0]
        last = tracks[-1][0]
        if req.track_session > last and req.track_session != 0xAA:
            raise cc.invalid_field(6)
        toc = [mt.TocEntry(n, int(t["start"]), control=int(t["control"])) for n, t in tracks
               if n >= req.track_session]
        lead_out = max(disc.track_end(t) for _, t in tracks)
        toc.append(mt.TocEntry(0xAA, lead_out, control=int(tracks[-1][1]["control"])))
        return mt.Toc(first, last, tuple(toc), msf=req.msf).to_bytes()
    if fmt == 1:
        last_session = max(int(t["session"]) for _, t in tracks)
        n, t = next((n, t) for n, t in tracks if int(t["session"]) == last_session)
        return mt.SessionInfo(1, last_session, n, int(t["start"]), control=int(t["control"]), msf=req.msf).to_bytes()
    # full TOC (format 2)
    raw = [mt.RawTocEntry(session=q.session, point=q.point, adr=q.adr, control=q.control, min=q.min, sec=q.sec,
                          frame=q.frame, pmin=q.pmin, psec=q.psec, pframe=q.pframe) for q in q_entries(disc)]
    sessions = [q.session for q in q_entries(disc)] or [1]
    first_session = max(req.track_session, 1) if req.track_session else min(sessions)
    raw = [r for r in raw if r.session >= first_session]
    return mt.FullToc(min(sessions), max(sessions), tuple(raw)).to_bytes()
