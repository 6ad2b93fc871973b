"""The IMAPI2 recording object model: DiscMaster2, DiscRecorder2 (with IDiscRecorder2Ex),
DiscFormat2Data (with IBurnVerification), DiscFormat2Erase, WriteEngine2, the multisession
objects, write speed descriptors, event arguments, stream helpers and block ranges.

Names follow docs/imapi2-names.md (snake_case of the documented member names).
"""

from openimapi.imapi2.erase import DiscFormat2Erase
from openimapi.imapi2.format_data import DiscFormat2Data
from openimapi.imapi2.multisession import (
    DiscFormat2DataEventArgs,
    MultisessionRandomWrite,
    MultisessionSequential,
    WriteEngine2EventArgs,
    WriteSpeedDescriptor,
)
from openimapi.imapi2.rawcd import DiscFormat2RawCD, DiscFormat2RawCDEventArgs
from openimapi.imapi2.rawcd_image import RawCDImageCreator, RawCDImageTrackInfo
from openimapi.imapi2.recorder import AdapterDescriptor, CommandResult, DeviceDescriptor, DiscMaster2, DiscRecorder2
from openimapi.imapi2.streams import (
    BlockRange,
    BlockRangeList,
    StreamConcatenate,
    StreamInterleave,
    StreamPseudoRandomBased,
    StreamZero,
)
from openimapi.imapi2.tao import DiscFormat2TrackAtOnce, DiscFormat2TrackAtOnceEventArgs
from openimapi.imapi2.write_engine import WriteEngine2

__all__ = [
    "AdapterDescriptor",
    "BlockRange",
    "BlockRangeList",
    "CommandResult",
    "DeviceDescriptor",
    "DiscFormat2Data",
    "DiscFormat2DataEventArgs",
    "DiscFormat2Erase",
    "DiscFormat2RawCD",
    "DiscFormat2RawCDEventArgs",
    "DiscFormat2TrackAtOnce",
    "DiscFormat2TrackAtOnceEventArgs",
    "DiscMaster2",
    "DiscRecorder2",
    "MultisessionRandomWrite",
    "MultisessionSequential",
    "RawCDImageCreator",
    "RawCDImageTrackInfo",
    "StreamConcatenate",
    "StreamInterleave",
    "StreamPseudoRandomBased",
    "StreamZero",
    "WriteEngine2",
    "WriteEngine2EventArgs",
    "WriteSpeedDescriptor",
]
