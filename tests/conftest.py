"""Shared fixtures. ``--hardware=/dev/srN`` runs the hardware-marked tests on a real drive."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hardware",
        action="store",
        default=None,
        metavar="/dev/srN",
        help="run the hardware tests on this real optical drive",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs a real drive: pass --hardware=/dev/srN")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def hardware_device(request: pytest.FixtureRequest) -> str:
    dev = request.config.getoption("--hardware")
    assert isinstance(dev, str)
    return dev


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def _private_openimapi_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real $OPENIMAPI_HOME (virtual drives, discs, lock files): every
    test starts with a private one; fixtures that set their own override it."""
    monkeypatch.setenv("OPENIMAPI_HOME", str(tmp_path_factory.mktemp("openimapi-home")))
