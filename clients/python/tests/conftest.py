"""Fixtures: a scripted gRPC server for unit tests, a real Cairn server for server tests."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from cairn_process import CairnServer
from scripted_server import ScriptedServer


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    if os.environ.get("CAIRN_SERVER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs a real Cairn server; set CAIRN_SERVER_TESTS=1")
    for item in items:
        if "server" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cairn_server(tmp_path) -> Iterator[CairnServer]:
    """A real server on a free port with its own data directory, stopped after the test."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = CairnServer(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
