"""Fixtures of the iSCSI tests: a private tgtd (see tgt_server.py), targets, a relay."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tgt_server import TGTADM, TGTD, Proxy, Target, Tgt


@pytest.fixture(scope="session")
def tgt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tgt]:
    """A private tgtd for the whole test session (skips when tgt is unavailable)."""
    if not TGTD or not TGTADM:
        pytest.skip("tgtd/tgtadm not installed (Debian package 'tgt'; .ci/run installs it)")
    if os.geteuid() != 0:
        pytest.skip("tgtd needs root (its control socket lives in /var/run/tgtd)")
    server = Tgt(tmp_path_factory.mktemp("tgt"))
    try:
        server.start()
    except (RuntimeError, OSError) as exc:  # installed but broken: say so, do not hide it
        pytest.fail(f"tgtd is installed but could not be started: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def blank_dvd(tgt: Tgt, tmp_path: Path) -> Iterator[Target]:
    """A target whose LUN 1 is a blank DVD+R (an empty backing file)."""
    backing = tmp_path / "blank-dvd+r.img"
    backing.touch()
    target = tgt.add_target({1: backing})
    try:
        yield target
    finally:
        tgt.remove_target(target)


@pytest.fixture
def empty_tray(tgt: Tgt) -> Iterator[Target]:
    """A target whose LUN 1 is a DVD drive with no medium."""
    target = tgt.add_target({1: None})
    try:
        yield target
    finally:
        tgt.remove_target(target)


@pytest.fixture
def proxy(tgt: Tgt) -> Iterator[Proxy]:
    relay = Proxy(("127.0.0.1", tgt.port))
    try:
        yield relay
    finally:
        relay.close()
