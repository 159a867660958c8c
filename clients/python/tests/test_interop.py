"""One run, three languages, one server: Python submits, Go cancels, the Java CLI reports.

Run with CAIRN_SERVER_TESTS=1; needs the built jars (bin/cairn) and a Go toolchain.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from cairn_client import StepStatus
from cairn_process import REPO

pytestmark = pytest.mark.server

GO_MODULE = REPO / "clients" / "go"
# `go run` may compile the module first; a cold build cache takes a while on a small machine.
GO_TIMEOUT = 300.0
CLI_TIMEOUT = 60.0


def marked_processes(marker_prefix: str) -> Dict[int, str]:
    """Pids of live processes whose environment has a CAIRN_MARKER starting with the prefix."""
    wanted = f"CAIRN_MARKER={marker_prefix}".encode()
    found: Dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            # Gone since the listing, or another user's: neither can be one of our steps.
            continue
        for variable in environ.split(b"\0"):
            if variable.startswith(wanted):
                found[int(entry.name)] = variable.decode(errors="replace")
    return found


def client_env(server) -> Dict[str, str]:  # type: ignore[no-untyped-def]
    """The environment for the Go program and the CLI: this server and its token, nothing else."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CAIRN_")}
    env.update(CAIRN_SERVER=server.target, CAIRN_TOKEN=server.token)
    return env


def run_tool(command: List[str], cwd: Path, env: Dict[str, str], timeout: float) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}"
    )
    return result.stdout


def test_python_submits_go_cancels_cli_reports_cancelled(cairn_server):
    go = shutil.which("go")
    assert go, "the cross-language test needs the go command on PATH"
    spec = {"name": "interop", "steps": [{"id": "long", "run": "sleep 1000"}]}
    with cairn_server.client() as client:
        run_id = client.submit(spec)
        for event in client.watch(run_id):
            if event.WhichOneof("payload") == "step_started":
                break
        step = {step.step_id: step for step in client.get(run_id).steps}["long"]
    assert step.status == StepStatus.Value("STEP_STATUS_RUNNING")

    store_id = (cairn_server.data_dir / "store-id").read_text().strip()
    marker_prefix = f"cairn/{store_id}/{run_id}/"
    # The step's processes carry the marker while it runs; finding them shows the scan works.
    assert marked_processes(marker_prefix), f"no process with marker {marker_prefix} while running"

    env = client_env(cairn_server)
    cancelled = run_tool([go, "run", "./internal/interop/cancelrun", run_id], GO_MODULE, env, GO_TIMEOUT)
    assert "final: RUN_STATUS_CANCELLED" in cancelled

    status = run_tool(
        [str(REPO / "bin" / "cairn"), "status", run_id, "-o", "json"], REPO, env, CLI_TIMEOUT
    )
    reported = json.loads(status)
    assert reported["run_id"] == run_id
    assert reported["status"] == "RUN_STATUS_CANCELLED"
    assert [step["status"] for step in reported["steps"]] == ["STEP_STATUS_CANCELLED"]

    # The terminal event is written only after the step's process group is gone and the
    # markers are swept, so nothing may remain by now.
    assert marked_processes(marker_prefix) == {}
