"""The README's workflow example, unchanged, submitted and run from the CLI, Python and Go.

The three send the file's text; the server parses it, so the three runs must carry the very
same resolved spec. Run with CAIRN_SERVER_TESTS=1; needs bin/cairn and a Go toolchain.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cairn_client import RunStatus
from cairn_process import REPO
from test_interop import CLI_TIMEOUT, GO_MODULE, GO_TIMEOUT, client_env, run_tool

pytestmark = pytest.mark.server


def readme_workflow() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Workflow files") :]
    return re.search(r"^```yaml\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL).group(1)


def test_the_readme_workflow_runs_alike_from_cli_python_and_go(cairn_server, tmp_path: Path):
    workflow = tmp_path / "build-and-test.yaml"
    workflow.write_text(readme_workflow(), encoding="utf-8")
    # What the example's steps call, so that the runs succeed in the file's directory.
    fetch = tmp_path / "fetch.sh"
    fetch.write_text("#!/bin/sh\necho fetched\n")
    fetch.chmod(0o755)
    (tmp_path / "Makefile").write_text("all:\n\t@echo compiled\ntest:\n\t@echo tested\n")
    env = client_env(cairn_server)

    cli_run = run_tool(
        [str(REPO / "bin" / "cairn"), "submit", str(workflow)], REPO, env, CLI_TIMEOUT
    ).strip()
    go_output = run_tool(
        ["go", "run", "./examples/run", "-file", str(workflow)], GO_MODULE, env, GO_TIMEOUT
    )
    go_run = re.search(r"^run (\S+) submitted$", go_output, flags=re.MULTILINE).group(1)
    with cairn_server.client() as client:
        python_run = client.submit(workflow)
        runs = [client.wait(run_id, timeout=120) for run_id in (cli_run, python_run, go_run)]
        resolved = client.validate(workflow)

    assert [run.status for run in runs] == [RunStatus.Value("RUN_STATUS_SUCCEEDED")] * 3
    assert runs[0].spec == runs[1].spec == runs[2].spec == resolved
    assert resolved.working_dir == str(tmp_path)
    assert resolved.name == "build-and-test"
    assert [step.id for step in resolved.steps] == ["fetch", "compile", "test"]
    assert dict(resolved.steps[2].env) == {"CI": "1"}
