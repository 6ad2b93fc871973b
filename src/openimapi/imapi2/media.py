"""What the medium in a recorder is and what state it is in, computed from the device.

Shared by DiscFormat2Data, DiscFormat2Erase and the multisession objects; every function
asks the drive again (no cache).
"""

from __future__ import annotations

from dataclasses import dataclass

from openimapi import errors
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE as PT
from openimapi.enums import IMAPI_MEDIA_WRITE_PROTECT_STATE as WP
from openimapi.imapi2._drive import (
    BD_PROFILES,
    CD_PROFILES,
    OVERWRITE_PROFILES,
    ROM_PROFILES,
    SEQUENTIAL_PROFILES,
    Drive,
)

__all__ = ["MediaState", "media_state", "physical_type", "write_unit"]

_PHYSICAL = {
    0x01: PT.IMAPI_MEDIA_TYPE_DISK,
    0x02: PT.IMAPI_MEDIA_TYPE_DISK,
    0x08: PT.IMAPI_MEDIA_TYPE_CDROM,
    0x09: PT.IMAPI_MEDIA_TYPE_CDR,
    0x0A: PT.IMAPI_MEDIA_TYPE_CDRW,
    0x10: PT.IMAPI_MEDIA_TYPE_DVDROM,
    0x11: PT.IMAPI_MEDIA_TYPE_DVDDASHR,
    0x12: PT.IMAPI_MEDIA_TYPE_DVDRAM,
    0x13: PT.IMAPI_MEDIA_TYPE_DVDDASHRW,
    0x14: PT.IMAPI_MEDIA_TYPE_DVDDASHRW,
    0x15: PT.IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER,
    0x16: PT.IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER,
    0x1A: PT.IMAPI_MEDIA_TYPE_DVDPLUSRW,
    0x1B: PT.IMAPI_MEDIA_TYPE_DVDPLUSR,
    0x2A: PT.IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER,
    0x2B: PT.IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER,
    0x40: PT.IMAPI_MEDIA_TYPE_BDROM,
    0x41: PT.IMAPI_MEDIA_TYPE_BDR,
    0x42: PT.IMAPI_MEDIA_TYPE_BDR,
    0x43: PT.IMAPI_MEDIA_TYPE_BDRE,
    0x50: PT.IMAPI_MEDIA_TYPE_HDDVDROM,
    0x51: PT.IMAPI_MEDIA_TYPE_HDDVDR,
    0x52: PT.IMAPI_MEDIA_TYPE_HDDVDRAM,
}


def physical_type(profile: int) -> PT:
    """The IMAPI media type of an MMC profile."""
    return _PHYSICAL.get(profile, PT.IMAPI_MEDIA_TYPE_UNKNOWN)


def write_unit(profile: int) -> int:
    """Sectors of one write unit: 1 on CD, 16 (an ECC block) on DVD, 32 (a cluster) on BD."""
    if profile in CD_PROFILES:
        return 1
    if profile in BD_PROFILES:
        return 32
    return 16


@dataclass(frozen=True, slots=True)
class MediaState:
    """A snapshot of the medium: profile, READ DISC INFORMATION and the invisible track."""

    profile: int
    disc_status: int
    last_session_state: int
    erasable: bool
    sessions: int
    first_track_last_session: int
    last_track_last_session: int
    nwa: int | None  # next writable address when the disc takes more data
    free: int
    total: int
    invisible_track: int
    write_protect: WP

    @property
    def sequential(self) -> bool:
        return self.profile in SEQUENTIAL_PROFILES

    @property
    def overwrite(self) -> bool:
        return self.profile in OVERWRITE_PROFILES

    @property
    def rom(self) -> bool:
        return self.profile in ROM_PROFILES

    @property
    def blank(self) -> bool:
        return self.disc_status == 0

    @property
    def status(self) -> MS:
        """CurrentMediaStatus (IMAPI_FORMAT2_DATA_MEDIA_STATE flags)."""
        flags = MS(0)
        if self.rom or not (self.sequential or self.overwrite):
            flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_UNSUPPORTED_MEDIA
            if self.disc_status == 2:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
        elif self.overwrite:
            flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY
            if self.disc_status == 0:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
        else:
            if self.disc_status == 0:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
            elif self.disc_status == 1:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE
                if self.nwa is None or self.free == 0:
                    flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINAL_SESSION
            elif self.disc_status == 2:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_FINALIZED
                if self.erasable:
                    flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_ERASE_REQUIRED
            if self.last_session_state == 1 and self.disc_status == 1 and self._open_session_has_data:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_NON_EMPTY_SESSION
            if self.last_session_state == 2:
                flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_DAMAGED
        if self.write_protect:
            flags |= MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_WRITE_PROTECTED
        return flags

    @property
    def _open_session_has_data(self) -> bool:
        return self.last_track_last_session > self.first_track_last_session


def write_protect(drive: Drive, profile: int) -> WP:
    """IMAPI_MEDIA_WRITE_PROTECT_STATE from the profile, feature 0004h and the mode header WP bit."""
    flags = WP(0)
    if profile in ROM_PROFILES:
        flags |= WP.IMAPI_WRITEPROTECTED_READ_ONLY_MEDIA
    feature = drive.feature(0x0004)
    if feature is not None and feature.current and feature.data:
        bits = feature.data[0]
        if bits & 0x02:  # SPWP: persistent software write protect
            flags |= WP.IMAPI_WRITEPROTECTED_BY_SOFTWARE_WRITE_PROTECT
        if bits & 0x04:  # WDCB: write inhibit DCB
            flags |= WP.IMAPI_WRITEPROTECTED_BY_DISC_CONTROL_BLOCK
    try:
        header_wp = drive.mode_header_wp()
    except errors.ImapiError:
        header_wp = False
    if header_wp:
        flags |= WP.IMAPI_WRITEPROTECTED_BY_MEDIA_SPECIFIC_REASON
    return flags


def media_state(drive: Drive) -> MediaState:
    """Ask the drive what medium it holds and in what state.

    Raises:
        E_IMAPI_RECORDER_MEDIA_NO_MEDIA (and the other [DEV] errors): the drive is not ready.
    """
    drive.require_medium()
    profile = drive.current_profile()
    info = drive.disc_info()
    nwa: int | None = None
    free = 0
    total = 0
    invisible = 0
    if profile in SEQUENTIAL_PROFILES:
        if info.disc_status in (0, 1):
            track = drive.track_info(0xFF)
            invisible = track.track
            if track.nwa_valid:
                nwa = track.next_writable
                free = track.free_blocks
                total = track.start + track.size if not track.free_blocks else track.next_writable + track.free_blocks
        if not total:
            try:
                last, _ = drive.read_capacity()
                total = last + 1
            except errors.ImapiError:
                total = 0
    elif profile in OVERWRITE_PROFILES:
        total = _overwrite_capacity(drive)
        free = total
        nwa = 0
    elif profile:
        try:
            last, _ = drive.read_capacity()
            total = last + 1
        except errors.ImapiError:
            total = 0
    return MediaState(
        profile=profile,
        disc_status=info.disc_status,
        last_session_state=info.last_session_state,
        erasable=info.erasable,
        sessions=info.sessions,
        first_track_last_session=info.first_track_last_session,
        last_track_last_session=info.last_track_last_session,
        nwa=nwa,
        free=free,
        total=total,
        invisible_track=invisible,
        write_protect=write_protect(drive, profile),
    )


def _overwrite_capacity(drive: Drive) -> int:
    try:
        blocks, kind, descriptors = drive.format_capacities()
    except errors.ImapiError:
        blocks, kind, descriptors = 0, 0, []
    if kind == 2 and blocks:  # formatted medium: its current capacity
        return blocks
    if descriptors:
        return max(d[0] for d in descriptors)
    try:
        last, _ = drive.read_capacity()
        return last + 1
    except errors.ImapiError:
        return blocks
