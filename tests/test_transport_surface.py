"""The public surface of the transport layer, discovery and openimapi.testing is pinned:
renaming or dropping a name is an API change and must show up here."""

from __future__ import annotations

import importlib

import pytest

SURFACE = {
    "openimapi.testing": {
        "FakeClock", "FakeSgKernel", "MinimalDrive", "TransportReport", "UNSUPPORTED_OPCODE", "check_transport",
    },
    "openimapi.devices": {
        "ENUMERATOR_MODULES", "DriveInfo", "Enumerator", "discover", "discover_all", "discover_iscsi", "enumerators",
        "register_enumerator", "unregister_enumerator",
    },
    "openimapi.transport.retry": {
        "DEFAULT_POLICY", "NO_RETRY", "Condition", "RetryOutcome", "RetryPolicy", "classify", "execute_with_retry",
    },
    "openimapi.transport.trace": {
        "DEFAULT_DATA_OUT_LIMIT", "ENV_TRACE", "FORMAT", "ReplayMismatch", "ReplayTransport", "TraceTransport",
        "default_trace_path", "format_trace", "load_trace", "open_replay", "open_trace", "opcode_name",
    },
    "openimapi.transport.sgio": {
        "DRIVER_SENSE", "DRIVER_TIMEOUT", "DID_NO_CONNECT", "DID_OK", "DID_TIME_OUT", "IoctlFunction",
        "OpenFunction", "SENSE_BUFFER_LENGTH", "SG_DXFER_FROM_DEV", "SG_DXFER_NONE", "SG_DXFER_TO_DEV",
        "SG_GET_VERSION_NUM", "SG_INFO_CHECK", "SG_IO", "SgIoHdr", "SgTransport", "open_sg",
    },
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(SURFACE))
def test_public_names(module: str) -> None:
    mod = importlib.import_module(module)
    assert set(mod.__all__) == SURFACE[module]
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_backends_point_at_real_openers() -> None:
    from openimapi.transport import BACKENDS

    for scheme in ("sg", "trace", "replay"):
        module, _, func = BACKENDS[scheme].partition(":")
        assert callable(getattr(importlib.import_module(module), func))
