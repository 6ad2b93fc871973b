"""The virtual transport passes the conformance checks every backend must pass."""

from __future__ import annotations

import pytest

from openimapi import transport, virtual
from openimapi.testing import check_transport


@pytest.mark.parametrize("model", sorted(virtual.DRIVE_MODELS))
@pytest.mark.parametrize("media", [None, "cd-r", "dvd+rw", "bd-re"])
def test_check_transport(model: str, media: str | None) -> None:
    drive = virtual.create_drive("conf", model)
    if media is not None:
        drive.insert(media)
    report = check_transport(lambda: transport.open("virtual:conf"))
    assert report.address == "virtual:conf"
    assert report.vendor == drive.model.vendor
