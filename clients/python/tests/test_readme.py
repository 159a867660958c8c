"""Runs every Python example of README.md, as written, against a real server.

The README promises that its examples run from the repository root against a local
server; this keeps that promise checked. Run with CAIRN_SERVER_TESTS=1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from cairn_process import REPO, CairnServer

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE_TIMEOUT = 120.0


def python_examples() -> List[str]:
    return re.findall(r"^```python\n(.*?)^```$", README.read_text(), flags=re.MULTILINE | re.DOTALL)


def test_readme_has_its_examples():
    # Guards the extraction below: a changed fence style must not silently run nothing.
    assert len(python_examples()) >= 6


@pytest.fixture(scope="module")
def readme_server(tmp_path_factory) -> Iterator[CairnServer]:
    """One server for all examples, as a reader has: starting one per example costs seconds."""
    data_dir = tmp_path_factory.mktemp("readme") / "data"
    data_dir.mkdir()
    server = CairnServer(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.server
@pytest.mark.parametrize("index", range(len(python_examples())))
def test_readme_example_runs(readme_server, index):
    source = python_examples()[index]
    # The README's examples rely on the client's defaults: the server and token come from
    # the environment, as they would for a reader who followed the quick start.
    env = {key: value for key, value in os.environ.items() if not key.startswith("CAIRN_")}
    env.update(CAIRN_SERVER=readme_server.target, CAIRN_TOKEN=readme_server.token)
    result = subprocess.run(
        [sys.executable, "-c", source],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=EXAMPLE_TIMEOUT,
    )
    assert result.returncode == 0, f"example {index} failed:\n{source}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr
