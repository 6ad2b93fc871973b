"""The sans-I/O SCSI/MMC codec: CDB builders and parsers, answer builders and parsers,
sense decoding. Nothing in this package opens a file, starts a thread or reads a clock.

Modules are named after the standard they implement: :mod:`.spc` (SPC-4 primary commands
and mode pages), :mod:`.mmc` (MMC-6 commands), :mod:`.features` (GET CONFIGURATION profiles
and features as tables), :mod:`.sense` (sense data), :mod:`.sense_map` (the sense-to-HRESULT table).
"""

from openimapi.mmc.command import DEFAULT_TIMEOUT, Command, Completion, Direction, ScsiStatus
from openimapi.mmc.cuesheet import (
    CueSheet,
    CueSheetCodeEntry,
    CueSheetEntry,
    DataForm,
    SendCueSheet,
    SubchannelDataForm,
    cue_sheet_block_size,
)
from openimapi.mmc.disc import (
    AddressType,
    CapacityDescriptor,
    DescriptorType,
    DiscInformation,
    DiscStatus,
    FormatCapacities,
    FormattableDescriptor,
    OpcEntry,
    ReadCapacity,
    ReadCapacityData,
    ReadDiscInformation,
    ReadFormatCapacities,
    ReadTrackInformation,
    SessionState,
    TrackInformation,
)
from openimapi.mmc.feature_types import Feature, FeatureDescriptor, ProfileDescriptor, decode_feature
from openimapi.mmc.features import Configuration, GetConfiguration, RequestType
from openimapi.mmc.modepages import (
    CapabilitiesPage,
    DataBlockType,
    ModePage,
    MultiSession,
    PageControl,
    PowerConditionPage,
    ReadWriteErrorRecoveryPage,
    SessionFormat,
    WriteParametersPage,
    WriteSpeedDescriptor,
    WriteType,
)
from openimapi.mmc.modeparams import BlockDescriptor, ModeParameterHeader10, ModeParameters
from openimapi.mmc.msf import Msf, bcd_to_int, int_to_bcd, lba_to_msf, msf_to_lba
from openimapi.mmc.profiles import FEATURES, PROFILES, FeatureInfo, MediaFamily, ProfileInfo, feature_info, profile_info
from openimapi.mmc.read import (
    C2ErrorField,
    HeaderCodes,
    Read10,
    Read12,
    ReadCd,
    SectorType,
    SubchannelSelection,
    read_cd_sector_size,
)
from openimapi.mmc.sense_map import (
    SENSE_TABLE,
    command_timeout_error,
    describe_sense,
    error_from_completion,
    hresult_for_sense,
)
from openimapi.mmc.spc import (
    Inquiry,
    InquiryData,
    ModeSelect10,
    ModeSense10,
    PowerCondition,
    PreventAllowMediumRemoval,
    RequestSense,
    SenseData,
    StartStopUnit,
    TestUnitReady,
)
from openimapi.mmc.toc import (
    LEAD_OUT_TRACK,
    Atip,
    CdTextPacks,
    FullToc,
    RawTocEntry,
    ReadToc,
    SessionInfo,
    Toc,
    TocEntry,
    TocFormat,
    cd_text_crc,
)
from openimapi.mmc.vpd import (
    DeviceIdentificationPage,
    IdentificationDescriptor,
    SupportedVpdPages,
    UnitSerialNumberPage,
    VpdPage,
)
from openimapi.mmc.write import (
    BLOCK_SIZE_AUDIO,
    BLOCK_SIZE_DATA,
    BLOCK_SIZE_RAW_SUBCHANNEL,
    Blank,
    BlankingType,
    CloseFunction,
    CloseTrackSession,
    FormatDescriptor,
    FormatParameters,
    FormatType,
    FormatUnit,
    ReserveTrack,
    SynchronizeCache,
    Verify10,
    Write10,
    Write12,
)

__all__ = ["DEFAULT_TIMEOUT", "Command", "Completion", "Direction", "ScsiStatus"]
# recording and reading commands (mmc.write, mmc.read)
__all__ += [
    "BLOCK_SIZE_AUDIO",
    "BLOCK_SIZE_DATA",
    "BLOCK_SIZE_RAW_SUBCHANNEL",
    "Blank",
    "BlankingType",
    "CloseFunction",
    "CloseTrackSession",
    "FormatDescriptor",
    "FormatParameters",
    "FormatType",
    "FormatUnit",
    "Read10",
    "Read12",
    "ReserveTrack",
    "SynchronizeCache",
    "Verify10",
    "Write10",
    "Write12",
    "C2ErrorField",
    "HeaderCodes",
    "ReadCd",
    "SectorType",
    "SubchannelSelection",
    "read_cd_sector_size",
    "CueSheet",
    "CueSheetCodeEntry",
    "CueSheetEntry",
    "DataForm",
    "SendCueSheet",
    "SubchannelDataForm",
    "cue_sheet_block_size",
]
# spc + mode pages (SPC-4 primary commands, MMC mode pages) + the sense-to-HRESULT table
__all__ += [
    "SENSE_TABLE",
    "command_timeout_error",
    "describe_sense",
    "error_from_completion",
    "hresult_for_sense",
    "BlockDescriptor",
    "CapabilitiesPage",
    "DataBlockType",
    "DeviceIdentificationPage",
    "IdentificationDescriptor",
    "Inquiry",
    "InquiryData",
    "ModePage",
    "ModeParameterHeader10",
    "ModeParameters",
    "ModeSelect10",
    "ModeSense10",
    "MultiSession",
    "PageControl",
    "PowerCondition",
    "PowerConditionPage",
    "PreventAllowMediumRemoval",
    "ReadWriteErrorRecoveryPage",
    "RequestSense",
    "SenseData",
    "SessionFormat",
    "StartStopUnit",
    "SupportedVpdPages",
    "TestUnitReady",
    "UnitSerialNumberPage",
    "VpdPage",
    "WriteParametersPage",
    "WriteSpeedDescriptor",
    "WriteType",
]
__all__ += [  # GET CONFIGURATION, disc/track information, capacities, TOC (mmc.features, disc, toc)
    "FEATURES", "LEAD_OUT_TRACK", "PROFILES", "AddressType", "Atip", "CapacityDescriptor", "CdTextPacks",
    "Configuration", "DescriptorType", "DiscInformation", "DiscStatus", "Feature", "FeatureDescriptor",
    "FeatureInfo", "FormatCapacities", "FormattableDescriptor", "FullToc", "GetConfiguration", "MediaFamily",
    "Msf", "OpcEntry", "ProfileDescriptor", "ProfileInfo", "RawTocEntry", "ReadCapacity", "ReadCapacityData",
    "ReadDiscInformation", "ReadFormatCapacities", "ReadToc", "ReadTrackInformation", "RequestType",
    "SessionInfo", "SessionState", "Toc", "TocEntry", "TocFormat", "TrackInformation", "bcd_to_int",
    "cd_text_crc", "decode_feature", "feature_info", "int_to_bcd", "lba_to_msf", "msf_to_lba", "profile_info",
]
