"""Every IMAPI v1 member of the reference is an attribute of its Python class, and the
generated name table is current."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from openimapi import v1
from openimapi.imapi1._names import python_name

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = ROOT / "tests/data/reference/members.tsv"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_imapi1_names", ROOT / "tools" / "gen_imapi1_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_imapi1_names", module)
    spec.loader.exec_module(module)
    return module


def test_docs_table_is_current() -> None:
    assert (ROOT / "docs/imapi1-names.md").read_text(encoding="utf-8") == _tool().render(MEMBERS)


def test_table_covers_the_seven_interfaces() -> None:
    rows = _tool().rows(MEMBERS)
    assert {r[0] for r in rows} == {
        "IDiscMaster", "IDiscMasterProgressEvents", "IDiscRecorder", "IEnumDiscRecorders",
        "IEnumDiscMasterFormats", "IJolietDiscMaster", "IRedbookDiscMaster",
    }
    assert len(rows) == 58


def test_naming_rules() -> None:
    assert python_name("GetRecorderGUID") == "get_recorder_guid"
    assert python_name("GetBasePnPID") == "get_base_pnp_id"
    assert python_name("NotifyPnPActivity") == "notify_pnp_activity"
    assert python_name("AddAudioTrackBlocks") == "add_audio_track_blocks"
    assert python_name("RecordDisc") == "record_disc"


def test_every_member_is_an_attribute_of_its_class() -> None:
    missing = []
    for iface, member, classes, name in _tool().rows(MEMBERS):
        for cls_name in classes.split(", "):
            if not callable(getattr(getattr(v1, cls_name), name, None)):
                missing.append(f"{iface}.{member} -> {cls_name}.{name}")
    assert missing == []


def test_public_surface() -> None:
    assert sorted(v1.__all__) == sorted([
        "IID_IJolietDiscMaster", "IID_IRedbookDiscMaster", "DiscMaster", "DiscMasterProgressEvents",
        "DiscRecorder", "DisplayNames", "EnumDiscMasterFormats", "EnumDiscRecorders", "JolietDiscMaster",
        "MediaInfo", "MediaType", "PropertyStorage", "RecorderGuid", "RedbookDiscMaster",
    ])
    assert str(v1.IID_IJolietDiscMaster).upper() == "E3BC42CE-4E5C-11D3-9144-00104BA11C5E"
    assert str(v1.IID_IRedbookDiscMaster).upper() == "E3BC42CD-4E5C-11D3-9144-00104BA11C5E"
