"""IMAPI v1 (imapi.h) on the IMAPI2 core: DiscMaster, DiscRecorder, JolietDiscMaster,
RedbookDiscMaster, the enumerators and the IDiscMasterProgressEvents sink. Re-exported as
``openimapi.v1``.

Names follow docs/imapi1-names.md (snake_case of the documented member names). Recording
goes through openimapi.imapi2 (DiscFormat2Data, DiscFormat2TrackAtOnce) and the engine; this
package adds the v1 object model, its state rules and its error codes, nothing else.
"""

from openimapi.imapi1.events import DiscMasterProgressEvents
from openimapi.imapi1.joliet import JolietDiscMaster
from openimapi.imapi1.master import (
    DiscMaster,
    EnumDiscMasterFormats,
    IID_IJolietDiscMaster,
    IID_IRedbookDiscMaster,
)
from openimapi.imapi1.properties import PropertyStorage
from openimapi.imapi1.recorder import (
    DiscRecorder,
    DisplayNames,
    EnumDiscRecorders,
    MediaInfo,
    MediaType,
    RecorderGuid,
)
from openimapi.imapi1.redbook import RedbookDiscMaster

__all__ = [
    "IID_IJolietDiscMaster",
    "IID_IRedbookDiscMaster",
    "DiscMaster",
    "DiscMasterProgressEvents",
    "DiscRecorder",
    "DisplayNames",
    "EnumDiscMasterFormats",
    "EnumDiscRecorders",
    "JolietDiscMaster",
    "MediaInfo",
    "MediaType",
    "PropertyStorage",
    "RecorderGuid",
    "RedbookDiscMaster",
]
