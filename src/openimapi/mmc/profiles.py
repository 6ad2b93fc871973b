"""Profiles and features of GET CONFIGURATION, as data tables (MMC-6 5.3, tables 91 and 92).

:data:`PROFILES` maps a profile number to its :class:`ProfileInfo` (name, media family,
IMAPI_PROFILE_TYPE member when imapi2.h names one); :data:`FEATURES` maps a feature code
to its :class:`FeatureInfo` (name, IMAPI_FEATURE_PAGE_TYPE member when named).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from openimapi.enums import IMAPI_FEATURE_PAGE_TYPE as F
from openimapi.enums import IMAPI_PROFILE_TYPE as P

__all__ = [
    "FEATURES",
    "PROFILES",
    "FeatureInfo",
    "MediaFamily",
    "ProfileInfo",
    "feature_info",
    "profile_info",
]


class MediaFamily(enum.Enum):
    """The family of media a profile belongs to."""

    NONE = "none"
    DISK = "disk"
    MO = "mo"
    CD = "cd"
    DDCD = "ddcd"
    DVD = "dvd"
    BD = "bd"
    HD_DVD = "hd-dvd"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ProfileInfo:
    """One row of the profile table."""

    number: int
    name: str
    family: MediaFamily
    imapi: P | None
    writable: bool
    rewritable: bool


@dataclass(frozen=True, slots=True)
class FeatureInfo:
    """One row of the feature table."""

    code: int
    name: str
    imapi: F | None


def _p(number: int, name: str, family: MediaFamily, imapi: P | None, writable: bool, rewritable: bool) -> ProfileInfo:
    return ProfileInfo(number, name, family, imapi, writable, rewritable)


_M = MediaFamily
#: MMC-6 table 91, plus the HD DVD profiles of MMC-5 and 0000h for "no current profile".
PROFILES: dict[int, ProfileInfo] = {
    p.number: p
    for p in (
        _p(0x0000, "No current profile", _M.NONE, P.IMAPI_PROFILE_TYPE_INVALID, False, False),
        _p(0x0001, "Non-removable disk", _M.DISK, P.IMAPI_PROFILE_TYPE_NON_REMOVABLE_DISK, True, True),
        _p(0x0002, "Removable disk", _M.DISK, P.IMAPI_PROFILE_TYPE_REMOVABLE_DISK, True, True),
        _p(0x0003, "MO erasable", _M.MO, P.IMAPI_PROFILE_TYPE_MO_ERASABLE, True, True),
        _p(0x0004, "Optical write once", _M.MO, P.IMAPI_PROFILE_TYPE_MO_WRITE_ONCE, True, False),
        _p(0x0005, "AS-MO", _M.MO, P.IMAPI_PROFILE_TYPE_AS_MO, True, True),
        _p(0x0008, "CD-ROM", _M.CD, P.IMAPI_PROFILE_TYPE_CDROM, False, False),
        _p(0x0009, "CD-R", _M.CD, P.IMAPI_PROFILE_TYPE_CD_RECORDABLE, True, False),
        _p(0x000A, "CD-RW", _M.CD, P.IMAPI_PROFILE_TYPE_CD_REWRITABLE, True, True),
        _p(0x0010, "DVD-ROM", _M.DVD, P.IMAPI_PROFILE_TYPE_DVDROM, False, False),
        _p(0x0011, "DVD-R Sequential Recording", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_DASH_RECORDABLE, True, False),
        _p(0x0012, "DVD-RAM", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_RAM, True, True),
        _p(0x0013, "DVD-RW Restricted Overwrite", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_DASH_REWRITABLE, True, True),
        _p(0x0014, "DVD-RW Sequential Recording", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_DASH_RW_SEQUENTIAL, True, True),
        _p(0x0015, "DVD-R Dual Layer Sequential Recording", _M.DVD,
           P.IMAPI_PROFILE_TYPE_DVD_DASH_R_DUAL_SEQUENTIAL, True, False),
        _p(0x0016, "DVD-R Dual Layer Jump Recording", _M.DVD,
           P.IMAPI_PROFILE_TYPE_DVD_DASH_R_DUAL_LAYER_JUMP, True, False),
        _p(0x0017, "DVD-RW Dual Layer", _M.DVD, None, True, True),
        _p(0x0018, "DVD-Download Disc Recording", _M.DVD, None, True, False),
        _p(0x001A, "DVD+RW", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_PLUS_RW, True, True),
        _p(0x001B, "DVD+R", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_PLUS_R, True, False),
        _p(0x0020, "DDCD-ROM", _M.DDCD, P.IMAPI_PROFILE_TYPE_DDCDROM, False, False),
        _p(0x0021, "DDCD-R", _M.DDCD, P.IMAPI_PROFILE_TYPE_DDCD_RECORDABLE, True, False),
        _p(0x0022, "DDCD-RW", _M.DDCD, P.IMAPI_PROFILE_TYPE_DDCD_REWRITABLE, True, True),
        _p(0x002A, "DVD+RW Dual Layer", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_PLUS_RW_DUAL, True, True),
        _p(0x002B, "DVD+R Dual Layer", _M.DVD, P.IMAPI_PROFILE_TYPE_DVD_PLUS_R_DUAL, True, False),
        _p(0x0040, "BD-ROM", _M.BD, P.IMAPI_PROFILE_TYPE_BD_ROM, False, False),
        _p(0x0041, "BD-R Sequential Recording", _M.BD, P.IMAPI_PROFILE_TYPE_BD_R_SEQUENTIAL, True, False),
        _p(0x0042, "BD-R Random Recording", _M.BD, P.IMAPI_PROFILE_TYPE_BD_R_RANDOM_RECORDING, True, False),
        _p(0x0043, "BD-RE", _M.BD, P.IMAPI_PROFILE_TYPE_BD_REWRITABLE, True, True),
        _p(0x0050, "HD DVD-ROM", _M.HD_DVD, P.IMAPI_PROFILE_TYPE_HD_DVD_ROM, False, False),
        _p(0x0051, "HD DVD-R", _M.HD_DVD, P.IMAPI_PROFILE_TYPE_HD_DVD_RECORDABLE, True, False),
        _p(0x0052, "HD DVD-RAM", _M.HD_DVD, P.IMAPI_PROFILE_TYPE_HD_DVD_RAM, True, True),
        _p(0x0053, "HD DVD-RW", _M.HD_DVD, None, True, True),
        _p(0x0058, "HD DVD-R Dual Layer", _M.HD_DVD, None, True, False),
        _p(0x005A, "HD DVD-RW Dual Layer", _M.HD_DVD, None, True, True),
        _p(0xFFFF, "Non-conforming profile", _M.OTHER, P.IMAPI_PROFILE_TYPE_NON_STANDARD, False, False),
    )
}


#: MMC-6 table 92 (feature codes), plus the MMC-5 features IMAPI still names.
FEATURES: dict[int, FeatureInfo] = {
    f.code: f
    for f in (
        FeatureInfo(0x0000, "Profile List", F.IMAPI_FEATURE_PAGE_TYPE_PROFILE_LIST),
        FeatureInfo(0x0001, "Core", F.IMAPI_FEATURE_PAGE_TYPE_CORE),
        FeatureInfo(0x0002, "Morphing", F.IMAPI_FEATURE_PAGE_TYPE_MORPHING),
        FeatureInfo(0x0003, "Removable Medium", F.IMAPI_FEATURE_PAGE_TYPE_REMOVABLE_MEDIUM),
        FeatureInfo(0x0004, "Write Protect", F.IMAPI_FEATURE_PAGE_TYPE_WRITE_PROTECT),
        FeatureInfo(0x0010, "Random Readable", F.IMAPI_FEATURE_PAGE_TYPE_RANDOMLY_READABLE),
        FeatureInfo(0x001D, "Multi-Read", F.IMAPI_FEATURE_PAGE_TYPE_CD_MULTIREAD),
        FeatureInfo(0x001E, "CD Read", F.IMAPI_FEATURE_PAGE_TYPE_CD_READ),
        FeatureInfo(0x001F, "DVD Read", F.IMAPI_FEATURE_PAGE_TYPE_DVD_READ),
        FeatureInfo(0x0020, "Random Writable", F.IMAPI_FEATURE_PAGE_TYPE_RANDOMLY_WRITABLE),
        FeatureInfo(0x0021, "Incremental Streaming Writable",
                    F.IMAPI_FEATURE_PAGE_TYPE_INCREMENTAL_STREAMING_WRITABLE),
        FeatureInfo(0x0022, "Sector Erasable", F.IMAPI_FEATURE_PAGE_TYPE_SECTOR_ERASABLE),
        FeatureInfo(0x0023, "Formattable", F.IMAPI_FEATURE_PAGE_TYPE_FORMATTABLE),
        FeatureInfo(0x0024, "Hardware Defect Management", F.IMAPI_FEATURE_PAGE_TYPE_HARDWARE_DEFECT_MANAGEMENT),
        FeatureInfo(0x0025, "Write Once", F.IMAPI_FEATURE_PAGE_TYPE_WRITE_ONCE),
        FeatureInfo(0x0026, "Restricted Overwrite", F.IMAPI_FEATURE_PAGE_TYPE_RESTRICTED_OVERWRITE),
        FeatureInfo(0x0027, "CD-RW CAV Write", F.IMAPI_FEATURE_PAGE_TYPE_CDRW_CAV_WRITE),
        FeatureInfo(0x0028, "MRW", F.IMAPI_FEATURE_PAGE_TYPE_MRW),
        FeatureInfo(0x0029, "Enhanced Defect Reporting", F.IMAPI_FEATURE_PAGE_TYPE_ENHANCED_DEFECT_REPORTING),
        FeatureInfo(0x002A, "DVD+RW", F.IMAPI_FEATURE_PAGE_TYPE_DVD_PLUS_RW),
        FeatureInfo(0x002B, "DVD+R", F.IMAPI_FEATURE_PAGE_TYPE_DVD_PLUS_R),
        FeatureInfo(0x002C, "Rigid Restricted Overwrite", F.IMAPI_FEATURE_PAGE_TYPE_RIGID_RESTRICTED_OVERWRITE),
        FeatureInfo(0x002D, "CD Track at Once", F.IMAPI_FEATURE_PAGE_TYPE_CD_TRACK_AT_ONCE),
        FeatureInfo(0x002E, "CD Mastering", F.IMAPI_FEATURE_PAGE_TYPE_CD_MASTERING),
        FeatureInfo(0x002F, "DVD-R/-RW Write", F.IMAPI_FEATURE_PAGE_TYPE_DVD_DASH_WRITE),
        FeatureInfo(0x0030, "DDCD Read", F.IMAPI_FEATURE_PAGE_TYPE_DOUBLE_DENSITY_CD_READ),
        FeatureInfo(0x0031, "DDCD-R Write", F.IMAPI_FEATURE_PAGE_TYPE_DOUBLE_DENSITY_CD_R_WRITE),
        FeatureInfo(0x0032, "DDCD-RW Write", F.IMAPI_FEATURE_PAGE_TYPE_DOUBLE_DENSITY_CD_RW_WRITE),
        FeatureInfo(0x0033, "Layer Jump Recording", F.IMAPI_FEATURE_PAGE_TYPE_LAYER_JUMP_RECORDING),
        FeatureInfo(0x0037, "CD-RW Media Write Support", F.IMAPI_FEATURE_PAGE_TYPE_CD_RW_MEDIA_WRITE_SUPPORT),
        FeatureInfo(0x0038, "BD-R Pseudo-Overwrite", F.IMAPI_FEATURE_PAGE_TYPE_BD_PSEUDO_OVERWRITE),
        FeatureInfo(0x003A, "DVD+RW Dual Layer", None),
        FeatureInfo(0x003B, "DVD+R Dual Layer", F.IMAPI_FEATURE_PAGE_TYPE_DVD_PLUS_R_DUAL_LAYER),
        FeatureInfo(0x0040, "BD Read", F.IMAPI_FEATURE_PAGE_TYPE_BD_READ),
        FeatureInfo(0x0041, "BD Write", F.IMAPI_FEATURE_PAGE_TYPE_BD_WRITE),
        FeatureInfo(0x0050, "HD DVD Read", F.IMAPI_FEATURE_PAGE_TYPE_HD_DVD_READ),
        FeatureInfo(0x0051, "HD DVD Write", F.IMAPI_FEATURE_PAGE_TYPE_HD_DVD_WRITE),
        FeatureInfo(0x0100, "Power Management", F.IMAPI_FEATURE_PAGE_TYPE_POWER_MANAGEMENT),
        FeatureInfo(0x0101, "SMART", F.IMAPI_FEATURE_PAGE_TYPE_SMART),
        FeatureInfo(0x0102, "Embedded Changer", F.IMAPI_FEATURE_PAGE_TYPE_EMBEDDED_CHANGER),
        FeatureInfo(0x0103, "CD Audio External Play", F.IMAPI_FEATURE_PAGE_TYPE_CD_ANALOG_PLAY),
        FeatureInfo(0x0104, "Microcode Upgrade", F.IMAPI_FEATURE_PAGE_TYPE_MICROCODE_UPDATE),
        FeatureInfo(0x0105, "Timeout", F.IMAPI_FEATURE_PAGE_TYPE_TIMEOUT),
        FeatureInfo(0x0106, "DVD CSS", F.IMAPI_FEATURE_PAGE_TYPE_DVD_CSS),
        FeatureInfo(0x0107, "Real Time Streaming", F.IMAPI_FEATURE_PAGE_TYPE_REAL_TIME_STREAMING),
        FeatureInfo(0x0108, "Drive Serial Number", F.IMAPI_FEATURE_PAGE_TYPE_LOGICAL_UNIT_SERIAL_NUMBER),
        FeatureInfo(0x0109, "Media Serial Number", F.IMAPI_FEATURE_PAGE_TYPE_MEDIA_SERIAL_NUMBER),
        FeatureInfo(0x010A, "Disc Control Blocks", F.IMAPI_FEATURE_PAGE_TYPE_DISC_CONTROL_BLOCKS),
        FeatureInfo(0x010B, "DVD CPRM", F.IMAPI_FEATURE_PAGE_TYPE_DVD_CPRM),
        FeatureInfo(0x010C, "Firmware Information", F.IMAPI_FEATURE_PAGE_TYPE_FIRMWARE_INFORMATION),
        FeatureInfo(0x010D, "AACS", F.IMAPI_FEATURE_PAGE_TYPE_AACS),
        FeatureInfo(0x0110, "VCPS", F.IMAPI_FEATURE_PAGE_TYPE_VCPS),
    )
}


def profile_info(number: int) -> ProfileInfo:
    """The table row of a profile number; unknown numbers get a row named after the number.

    Raises:
        ValueError: ``number`` is not a 16-bit value.
    """
    if not 0 <= number <= 0xFFFF:
        raise ValueError(f"profile number {number} is not 16 bits")
    found = PROFILES.get(number)
    if found is not None:
        return found
    return ProfileInfo(number, f"Unknown profile {number:04X}h", MediaFamily.OTHER, None, False, False)


def feature_info(code: int) -> FeatureInfo:
    """The table row of a feature code; unknown (e.g. vendor FFxxh) codes get a generic row.

    Raises:
        ValueError: ``code`` is not a 16-bit value.
    """
    if not 0 <= code <= 0xFFFF:
        raise ValueError(f"feature code {code} is not 16 bits")
    found = FEATURES.get(code)
    if found is not None:
        return found
    kind = "Vendor-specific" if code >= 0xFF00 else "Unknown"
    return FeatureInfo(code, f"{kind} feature {code:04X}h", None)
