"""Exact answers for scripts: readable statuses, submit's existing flag, a fast dead-address
failure, and the type stubs the README promises. The dead-address tests need no server."""

from __future__ import annotations

import asyncio
import importlib.metadata
import pickle
import time
from pathlib import Path

import pytest

from cairn_client import AsyncClient, Client, RunStatus, StepStatus, Submitted, Unavailable
from cairn_client._gen.cairn.v1 import run_pb2, run_service_pb2

# A port nothing listens on: port 1 needs root to bind, so a connection there is refused.
DEAD = "127.0.0.1:1"


@pytest.mark.parametrize(
    "mirror, generated",
    [(RunStatus, run_pb2.RunStatus), (StepStatus, run_pb2.StepStatus)],
)
def test_status_enums_mirror_the_generated_ones(mirror, generated):
    assert [(member.name, member.value) for member in mirror] == list(generated.items())


def test_status_members_read_as_names_and_keep_the_generated_spelling():
    status = RunStatus(run_pb2.RUN_STATUS_SUCCEEDED)

    assert status is RunStatus.RUN_STATUS_SUCCEEDED
    assert status.name == "RUN_STATUS_SUCCEEDED"
    assert str(status) == "RUN_STATUS_SUCCEEDED"
    assert status == run_pb2.RUN_STATUS_SUCCEEDED
    assert RunStatus.Name(3) == "RUN_STATUS_SUCCEEDED"
    assert RunStatus.Value("RUN_STATUS_FAILED") is RunStatus.RUN_STATUS_FAILED
    assert run_pb2.Run(status=RunStatus.RUN_STATUS_FAILED).status == run_pb2.RUN_STATUS_FAILED
    with pytest.raises(ValueError):
        RunStatus.Value("DONE")


def test_cancel_returns_the_status_enum(scripted):
    scripted.service.handlers["CancelRun"] = lambda request, context: (
        run_service_pb2.CancelRunResponse(status=run_pb2.RUN_STATUS_CANCELLING)
    )
    with Client(scripted.target, token="t") as client:
        status = client.cancel("r1")

    assert status is RunStatus.RUN_STATUS_CANCELLING
    assert status.name == "RUN_STATUS_CANCELLING"


def test_async_cancel_returns_the_status_enum(scripted):
    scripted.service.handlers["CancelRun"] = lambda request, context: (
        run_service_pb2.CancelRunResponse(status=run_pb2.RUN_STATUS_CANCELLED)
    )

    async def cancel() -> RunStatus:
        async with AsyncClient(scripted.target, token="t") as client:
            return await client.cancel("r1")

    assert asyncio.run(cancel()) is RunStatus.RUN_STATUS_CANCELLED


def test_submit_says_whether_the_run_already_existed(scripted):
    seen = set()

    def submit(request, context):
        existing = request.request_id in seen
        seen.add(request.request_id)
        return run_service_pb2.SubmitRunResponse(run_id="r-" + request.request_id, existing=existing)

    scripted.service.handlers["SubmitRun"] = submit
    spec = {"name": "n", "steps": [{"id": "a", "run": "true"}]}
    with Client(scripted.target, token="t") as client:
        first = client.submit(spec, request_id="build-42")
        again = client.submit(spec, request_id="build-42")

    assert (first.run_id, first.existing) == ("r-build-42", False)
    assert (again.run_id, again.existing) == ("r-build-42", True)
    # Existing callers treat the result as the run id.
    assert first == "r-build-42" and isinstance(first, str)
    assert type(first.run_id) is str
    assert run_service_pb2.GetRunRequest(run_id=again).run_id == "r-build-42"
    assert repr(again) == "Submitted(run_id='r-build-42', existing=True)"
    assert pickle.loads(pickle.dumps(again)).existing is True


def test_async_submit_says_whether_the_run_already_existed(scripted):
    scripted.service.handlers["SubmitRun"] = lambda request, context: (
        run_service_pb2.SubmitRunResponse(run_id="r9", existing=True)
    )

    async def submit() -> Submitted:
        async with AsyncClient(scripted.target, token="t") as client:
            return await client.submit({"name": "n", "steps": [{"id": "a", "run": "true"}]})

    submitted = asyncio.run(submit())
    assert (submitted.run_id, submitted.existing) == ("r9", True)


def test_watch_of_a_dead_address_fails_within_five_seconds():
    started = time.monotonic()
    with Client(DEAD, token="t") as client:
        with pytest.raises(Unavailable) as raised:
            next(client.watch("r1"))
    elapsed = time.monotonic() - started

    assert elapsed < 5.5, f"took {elapsed:.1f} s"
    assert "cannot reach the Cairn server at 127.0.0.1:1" in raised.value.message


def test_async_watch_of_a_dead_address_fails_within_five_seconds():
    async def watch() -> None:
        async with AsyncClient(DEAD, token="t") as client:
            async for _ in client.watch("r1"):
                pass

    started = time.monotonic()
    with pytest.raises(Unavailable):
        asyncio.run(watch())
    assert time.monotonic() - started < 5.5


def test_connect_timeout_is_configurable():
    started = time.monotonic()
    with Client(DEAD, token="t", connect_timeout=0.3) as client:
        with pytest.raises(Unavailable):
            list(client.watch())
    assert time.monotonic() - started < 2


def test_type_stubs_for_protobuf_are_a_declared_dependency():
    requires = importlib.metadata.requires("cairn-client") or []
    pinned = (Path(__file__).parent.parent / "requirements-dev.txt").read_text()

    assert any(r.startswith("types-protobuf") and "extra" not in r for r in requires), requires
    assert "types-protobuf==" in pinned
    # The stubs the generated .pyi files import from are installed alongside.
    assert importlib.metadata.version("types-protobuf")
    stubs = Path(importlib.metadata.distribution("types-protobuf").locate_file("google-stubs"))
    assert (stubs / "protobuf" / "message.pyi").is_file()
