"""Fixed-layout feature descriptors of GET CONFIGURATION (MMC-6 5.3; MMC-5 for DDCD and
HD DVD): flags and integers at fixed places, declared as ``(field, MMC byte, lowest bit,
width in bits)`` tables and packed by :class:`FeatureDescriptor`. Import them from
:mod:`openimapi.mmc.feature_types` or :mod:`openimapi.mmc.features`.
"""

from __future__ import annotations

from dataclasses import dataclass

from openimapi.mmc._featurebase import FeatureDescriptor
from openimapi.mmc._featurebase import fixed_layout as _fixed

__all__ = [
    "AacsFeature",
    "BdrPowFeature",
    "CdAudioExternalPlayFeature",
    "CdMasteringFeature",
    "CdReadFeature",
    "CdRwCavWriteFeature",
    "CdRwMediaWriteSupportFeature",
    "CdTrackAtOnceFeature",
    "CoreFeature",
    "DdcdRWriteFeature",
    "DdcdReadFeature",
    "DdcdRwWriteFeature",
    "DvdCprmFeature",
    "DvdCssFeature",
    "DvdDashWriteFeature",
    "DvdPlusRDualLayerFeature",
    "DvdPlusRFeature",
    "DvdPlusRwDualLayerFeature",
    "DvdPlusRwFeature",
    "DvdReadFeature",
    "EmbeddedChangerFeature",
    "EnhancedDefectReportingFeature",
    "FormattableFeature",
    "HardwareDefectManagementFeature",
    "HdDvdReadFeature",
    "HdDvdWriteFeature",
    "MediaSerialNumberFeature",
    "MicrocodeUpgradeFeature",
    "MorphingFeature",
    "MrwFeature",
    "MultiReadFeature",
    "PowerManagementFeature",
    "RandomReadableFeature",
    "RandomWritableFeature",
    "RealTimeStreamingFeature",
    "RemovableMediumFeature",
    "RestrictedOverwriteFeature",
    "RigidRestrictedOverwriteFeature",
    "SectorErasableFeature",
    "SmartFeature",
    "TimeoutFeature",
    "VcpsFeature",
    "WriteOnceFeature",
    "WriteProtectFeature",
]

@_fixed(0x0001, 8, (("physical_interface", 4, 0, 32), ("inq2", 8, 1, 1), ("dbe", 8, 0, 1)), {0: 4})
@dataclass(frozen=True, slots=True, kw_only=True)
class CoreFeature(FeatureDescriptor):
    """0001h Core: physical interface standard (1 SCSI, 2 ATAPI, ...), INQ2, DBE."""

    physical_interface: int = 0
    inq2: bool = False
    dbe: bool = False
    persistent: bool = True


@_fixed(0x0002, 4, (("oc_event", 4, 1, 1), ("async_", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class MorphingFeature(FeatureDescriptor):
    """0002h Morphing: OCEvent, Async (``async_``)."""

    oc_event: bool = False
    async_: bool = False
    persistent: bool = True


@_fixed(0x0003, 4, (("loading_mechanism", 4, 5, 3), ("load", 4, 4, 1), ("eject", 4, 3, 1),
                    ("prevent_jumper", 4, 2, 1), ("dbml", 4, 1, 1), ("lock", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RemovableMediumFeature(FeatureDescriptor):
    """0003h Removable Medium: loading mechanism (0 caddy, 1 tray, 2 pop-up, 4 changer
    with individual discs, 5 changer with a magazine), Load, Eject, Pvnt Jmpr, DBML, Lock."""

    loading_mechanism: int = 0
    load: bool = False
    eject: bool = False
    prevent_jumper: bool = False
    dbml: bool = False
    lock: bool = False
    persistent: bool = True


@_fixed(0x0004, 4, (("dwp", 4, 3, 1), ("wdcb", 4, 2, 1), ("spwp", 4, 1, 1), ("sswpp", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class WriteProtectFeature(FeatureDescriptor):
    """0004h Write Protect: DWP, WDCB, SPWP, SSWPP."""

    dwp: bool = False
    wdcb: bool = False
    spwp: bool = False
    sswpp: bool = False


@_fixed(0x0010, 8, (("block_size", 4, 0, 32), ("blocking", 8, 0, 16), ("pp", 10, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RandomReadableFeature(FeatureDescriptor):
    """0010h Random Readable: logical block size, blocking, PP."""

    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x001D, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class MultiReadFeature(FeatureDescriptor):
    """001Dh Multi-Read: no data."""


@_fixed(0x001E, 4, (("dap", 4, 7, 1), ("c2_flags", 4, 1, 1), ("cd_text", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdReadFeature(FeatureDescriptor):
    """001Eh CD Read: DAP, C2 Flags, CD-Text."""

    dap: bool = False
    c2_flags: bool = False
    cd_text: bool = False


@_fixed(0x001F, 4, (("multi110", 4, 0, 1), ("dual_rw", 6, 1, 1), ("dual_r", 6, 0, 1)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdReadFeature(FeatureDescriptor):
    """001Fh DVD Read: MULTI110, DualRW, DualR (version 0 carries no data)."""

    multi110: bool = False
    dual_rw: bool = False
    dual_r: bool = False


@_fixed(0x0020, 12, (("last_lba", 4, 0, 32), ("block_size", 8, 0, 32), ("blocking", 12, 0, 16), ("pp", 14, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RandomWritableFeature(FeatureDescriptor):
    """0020h Random Writable: last LBA, logical block size, blocking, PP."""

    last_lba: int = 0
    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x0022, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class SectorErasableFeature(FeatureDescriptor):
    """0022h Sector Erasable: no data."""


@_fixed(0x0023, 8, (("renosa", 4, 3, 1), ("expand", 4, 2, 1), ("qcert", 4, 1, 1), ("cert", 4, 0, 1),
                    ("rrm", 8, 0, 1)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class FormattableFeature(FeatureDescriptor):
    """0023h Formattable: RENoSA, Expand, QCert, Cert, RRM (version 0 carries no data)."""

    renosa: bool = False
    expand: bool = False
    qcert: bool = False
    cert: bool = False
    rrm: bool = False


@_fixed(0x0024, 4, (("ssa", 4, 7, 1),), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class HardwareDefectManagementFeature(FeatureDescriptor):
    """0024h Hardware Defect Management: SSA (version 0 carries no data)."""

    ssa: bool = False


@_fixed(0x0025, 8, (("block_size", 4, 0, 32), ("blocking", 8, 0, 16), ("pp", 10, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOnceFeature(FeatureDescriptor):
    """0025h Write Once: logical block size, blocking, PP."""

    block_size: int = 2048
    blocking: int = 0
    pp: bool = False


@_fixed(0x0026, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictedOverwriteFeature(FeatureDescriptor):
    """0026h Restricted Overwrite: no data."""


@_fixed(0x0027, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class CdRwCavWriteFeature(FeatureDescriptor):
    """0027h CD-RW CAV Write: 4 reserved bytes."""


@_fixed(0x0028, 4, (("dvd_plus_write", 4, 2, 1), ("dvd_plus_read", 4, 1, 1), ("write", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class MrwFeature(FeatureDescriptor):
    """0028h MRW: DVD+Write, DVD+Read, Write (CD-MRW)."""

    dvd_plus_write: bool = False
    dvd_plus_read: bool = False
    write: bool = False


@_fixed(0x0029, 4, (("drt_dm", 4, 0, 1), ("dbi_cache_zones", 5, 0, 8), ("entries", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class EnhancedDefectReportingFeature(FeatureDescriptor):
    """0029h Enhanced Defect Reporting: DRT-DM, DBI cache zones, number of entries."""

    drt_dm: bool = False
    dbi_cache_zones: int = 0
    entries: int = 0


@_fixed(0x002A, 4, (("write", 4, 0, 1), ("quick_start", 5, 1, 1), ("close_only", 5, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRwFeature(FeatureDescriptor):
    """002Ah DVD+RW: Write, Quick Start, Close Only."""

    write: bool = False
    quick_start: bool = False
    close_only: bool = False


@_fixed(0x002B, 4, (("write", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRFeature(FeatureDescriptor):
    """002Bh DVD+R: Write."""

    write: bool = False


@_fixed(0x002C, 4, (("dsdg", 4, 3, 1), ("dsdr", 4, 2, 1), ("intermediate", 4, 1, 1), ("blank", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RigidRestrictedOverwriteFeature(FeatureDescriptor):
    """002Ch Rigid Restricted Overwrite: DSDG, DSDR, Intermediate, Blank."""

    dsdg: bool = False
    dsdr: bool = False
    intermediate: bool = False
    blank: bool = False


@_fixed(0x002D, 4, (("buf", 4, 6, 1), ("rw_raw", 4, 4, 1), ("rw_pack", 4, 3, 1), ("test_write", 4, 2, 1),
                    ("cd_rw", 4, 1, 1), ("rw_subcode", 4, 0, 1), ("data_types", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdTrackAtOnceFeature(FeatureDescriptor):
    """002Dh CD Track at Once: BUF, R-W Raw, R-W Pack, Test Write, CD-RW, R-W Sub-code,
    Data Type Supported (bit n = data block type n)."""

    buf: bool = False
    rw_raw: bool = False
    rw_pack: bool = False
    test_write: bool = False
    cd_rw: bool = False
    rw_subcode: bool = False
    data_types: int = 0


@_fixed(0x002E, 4, (("buf", 4, 6, 1), ("sao", 4, 5, 1), ("raw_ms", 4, 4, 1), ("raw", 4, 3, 1),
                    ("test_write", 4, 2, 1), ("cd_rw", 4, 1, 1), ("rw", 4, 0, 1),
                    ("max_cue_sheet_length", 5, 0, 24)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdMasteringFeature(FeatureDescriptor):
    """002Eh CD Mastering (SAO/raw): BUF, SAO, Raw MS, Raw, Test Write, CD-RW, R-W,
    maximum cue sheet length."""

    buf: bool = False
    sao: bool = False
    raw_ms: bool = False
    raw: bool = False
    test_write: bool = False
    cd_rw: bool = False
    rw: bool = False
    max_cue_sheet_length: int = 0


@_fixed(0x002F, 4, (("buf", 4, 6, 1), ("rdl", 4, 3, 1), ("test_write", 4, 2, 1), ("dvd_rw_sl", 4, 1, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdDashWriteFeature(FeatureDescriptor):
    """002Fh DVD-R/-RW Write: BUF, RDL, Test Write, DVD-RW SL."""

    buf: bool = False
    rdl: bool = False
    test_write: bool = False
    dvd_rw_sl: bool = False


@_fixed(0x0030, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdReadFeature(FeatureDescriptor):
    """0030h DDCD Read (MMC-5, legacy): no data."""


@_fixed(0x0031, 4, (("test_write", 4, 2, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdRWriteFeature(FeatureDescriptor):
    """0031h DDCD-R Write (MMC-5, legacy): Test Write."""

    test_write: bool = False


@_fixed(0x0032, 4, (("intermediate", 4, 1, 1), ("blank", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DdcdRwWriteFeature(FeatureDescriptor):
    """0032h DDCD-RW Write (MMC-5, legacy): Intermediate, Blank."""

    intermediate: bool = False
    blank: bool = False


@_fixed(0x0037, 4, (("subtypes", 5, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdRwMediaWriteSupportFeature(FeatureDescriptor):
    """0037h CD-RW Media Write Support: bitmap of supported CD-RW media sub-types."""

    subtypes: int = 0


@_fixed(0x0038, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class BdrPowFeature(FeatureDescriptor):
    """0038h BD-R Pseudo-Overwrite: 4 reserved bytes."""


@_fixed(0x003A, 4, (("write", 4, 0, 1), ("quick_start", 5, 1, 1), ("close_only", 5, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRwDualLayerFeature(FeatureDescriptor):
    """003Ah DVD+RW Dual Layer: Write, Quick Start, Close Only."""

    write: bool = False
    quick_start: bool = False
    close_only: bool = False


@_fixed(0x003B, 4, (("write", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdPlusRDualLayerFeature(FeatureDescriptor):
    """003Bh DVD+R Dual Layer: Write."""

    write: bool = False


@_fixed(0x0050, 4, (("hd_dvd_r", 4, 0, 1), ("hd_dvd_ram", 6, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class HdDvdReadFeature(FeatureDescriptor):
    """0050h HD DVD Read (MMC-5): HD DVD-R, HD DVD-RAM."""

    hd_dvd_r: bool = False
    hd_dvd_ram: bool = False


@_fixed(0x0051, 4, (("hd_dvd_r", 4, 0, 1), ("hd_dvd_ram", 6, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class HdDvdWriteFeature(FeatureDescriptor):
    """0051h HD DVD Write (MMC-5): HD DVD-R, HD DVD-RAM."""

    hd_dvd_r: bool = False
    hd_dvd_ram: bool = False


@_fixed(0x0100, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class PowerManagementFeature(FeatureDescriptor):
    """0100h Power Management: no data."""


@_fixed(0x0101, 4, (("pp", 4, 0, 1),))
@dataclass(frozen=True, slots=True, kw_only=True)
class SmartFeature(FeatureDescriptor):
    """0101h S.M.A.R.T.: PP."""

    pp: bool = False


@_fixed(0x0102, 4, (("scc", 4, 4, 1), ("sdp", 4, 2, 1), ("highest_slot", 7, 0, 5)))
@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddedChangerFeature(FeatureDescriptor):
    """0102h Embedded Changer: SCC, SDP, highest slot number."""

    scc: bool = False
    sdp: bool = False
    highest_slot: int = 0


@_fixed(0x0103, 4, (("scan", 4, 2, 1), ("scm", 4, 1, 1), ("sv", 4, 0, 1), ("volume_levels", 6, 0, 16)))
@dataclass(frozen=True, slots=True, kw_only=True)
class CdAudioExternalPlayFeature(FeatureDescriptor):
    """0103h CD Audio External Play: Scan, SCM, SV, number of volume levels."""

    scan: bool = False
    scm: bool = False
    sv: bool = False
    volume_levels: int = 0


@_fixed(0x0104, 4, (("m5", 4, 0, 1),), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class MicrocodeUpgradeFeature(FeatureDescriptor):
    """0104h Microcode Upgrade: M5 (version 0 carries no data)."""

    m5: bool = False


@_fixed(0x0105, 4, (("group3", 4, 0, 1), ("unit_length", 6, 0, 16)), {0: 0})
@dataclass(frozen=True, slots=True, kw_only=True)
class TimeoutFeature(FeatureDescriptor):
    """0105h Timeout: Group3, unit length (version 0 carries no data)."""

    group3: bool = False
    unit_length: int = 0


@_fixed(0x0106, 4, (("css_version", 7, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdCssFeature(FeatureDescriptor):
    """0106h DVD CSS: CSS version."""

    css_version: int = 1


@_fixed(0x0107, 4, (("rbcb", 4, 4, 1), ("scs", 4, 3, 1), ("mp2a", 4, 2, 1), ("wspd", 4, 1, 1), ("sw", 4, 0, 1)))
@dataclass(frozen=True, slots=True, kw_only=True)
class RealTimeStreamingFeature(FeatureDescriptor):
    """0107h Real Time Streaming: RBCB (READ BUFFER CAPACITY block), SCS (SET CD SPEED),
    MP2A (write speeds in page 2Ah), WSPD (write speeds in GET PERFORMANCE), SW (stream
    writing)."""

    rbcb: bool = False
    scs: bool = False
    mp2a: bool = False
    wspd: bool = False
    sw: bool = False


@_fixed(0x0109, 0, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class MediaSerialNumberFeature(FeatureDescriptor):
    """0109h Media Serial Number: no data."""


@_fixed(0x010B, 4, (("cprm_version", 7, 0, 8),))
@dataclass(frozen=True, slots=True, kw_only=True)
class DvdCprmFeature(FeatureDescriptor):
    """010Bh DVD CPRM: CPRM version."""

    cprm_version: int = 1


@_fixed(0x010D, 4, (("bng", 4, 0, 1), ("block_count", 5, 0, 8), ("agids", 6, 0, 4), ("aacs_version", 7, 0, 8)))
@dataclass(frozen=True, slots=True, kw_only=True)
class AacsFeature(FeatureDescriptor):
    """010Dh AACS: BNG, block count for the binding nonce, number of AGIDs, AACS version."""

    bng: bool = False
    block_count: int = 0
    agids: int = 0
    aacs_version: int = 1


@_fixed(0x0110, 4, ())
@dataclass(frozen=True, slots=True, kw_only=True)
class VcpsFeature(FeatureDescriptor):
    """0110h VCPS: 4 reserved bytes."""



#: feature code -> decoded class.
