"""The generated name table is current and follows the naming rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from openimapi.imapi2._names import python_name

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_imapi2_names", ROOT / "tools" / "gen_imapi2_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_imapi2_names", module)
    spec.loader.exec_module(module)
    return module


def test_docs_table_is_current() -> None:
    tool = _tool()
    expected = tool.render(ROOT / "tests/data/reference/members.tsv")
    assert (ROOT / "docs/imapi2-names.md").read_text(encoding="utf-8") == expected


def test_table_covers_every_member_of_the_issue() -> None:
    rows = _tool().rows(ROOT / "tests/data/reference/members.tsv")
    interfaces = {r[0] for r in rows}
    assert interfaces == {
        "IDiscMaster2", "IDiscRecorder2", "IDiscRecorder2Ex", "IDiscFormat2", "IDiscFormat2Data",
        "IDiscFormat2DataEventArgs", "IDiscFormat2Erase", "IWriteEngine2", "IWriteEngine2EventArgs",
        "IBurnVerification", "IWriteSpeedDescriptor", "IMultisession", "IMultisessionSequential",
        "IMultisessionSequential2", "IMultisessionRandomWrite", "IBlockRange", "IBlockRangeList",
        "IStreamPseudoRandomBased", "IStreamConcatenate", "IStreamInterleave",
    }
    assert len(rows) == 142


def test_naming_rules() -> None:
    assert python_name("get_VendorId") == "vendor_id"
    assert python_name("put_Recorder") == python_name("get_Recorder") == "recorder"
    assert python_name("CancelWrite") == "cancel_write"
    assert python_name("get_CurrentRotationTypeIsPureCAV") == "current_rotation_type_is_pure_cav"
    assert python_name("UseStreamingWrite12") == "use_streaming_write12"
    assert python_name("get__NewEnum") == "__iter__"
    assert python_name("get_Item") == "item"


def test_every_member_is_an_attribute_of_its_class() -> None:
    import openimapi

    missing = []
    for iface, member, _kind, classes, name in _tool().rows(ROOT / "tests/data/reference/members.tsv"):
        for cls_name in classes.split(", "):
            cls = getattr(openimapi, cls_name)
            if not hasattr(cls, name):
                missing.append(f"{iface}.{member} -> {cls_name}.{name}")
    assert missing == []


def test_stream_zero_is_exported() -> None:
    import openimapi

    assert openimapi.StreamZero(4096).read() == bytes(4096)
