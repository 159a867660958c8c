"""Schedules against a real server; CAIRN_SERVER_TESTS=1."""

from __future__ import annotations

import time

import pytest

from cairn_client import InvalidArgument, NotFound
from cairn_client._schedules import create_schedule_request

pytestmark = pytest.mark.server

WORKFLOW = {"name": "beat", "steps": [{"id": "tick", "run": "true"}]}


def test_the_request_carries_the_workflow_and_the_policy():
    request = create_schedule_request(
        "s", WORKFLOW, "0 3 * * *", overlap="buffer_one", catch_up_window=1.5
    )
    assert request.workflow_yaml.startswith("{")
    assert request.catch_up_window.seconds == 1 and request.catch_up_window.nanos == 500_000_000
    with pytest.raises(ValueError):
        create_schedule_request("s", WORKFLOW, "0 3 * * *", overlap="sometimes")


def test_create_fire_pause_trigger_and_delete(cairn_server):
    with cairn_server.client() as client:
        with pytest.raises(InvalidArgument) as bad:
            client.create_schedule("beat", WORKFLOW, "* * * * *", time_zone="Mars/Olympus")
        assert "Mars/Olympus" in str(bad.value)

        created = client.create_schedule(
            "beat", WORKFLOW, "* * * * * *", overlap="allow_all", labels={"from": "py"}
        )
        assert created.definition.time_zone == "UTC"
        deadline = time.monotonic() + 10
        while not client.get_schedule("beat").recent_runs:
            assert time.monotonic() < deadline, "no firing within 10 s"
            time.sleep(0.1)
        assert [s.definition.schedule_id for s in client.list_schedules()] == ["beat"]

        assert client.pause_schedule("beat", note="quiet").paused
        triggered = client.trigger_schedule("beat", request_id="k")
        assert client.trigger_schedule("beat", request_id="k") == triggered
        recent = client.get_schedule("beat", recent_count=100).recent_runs
        assert recent[0].run_id == triggered and recent[0].manual
        assert not client.resume_schedule("beat").paused

        client.delete_schedule("beat")
        with pytest.raises(NotFound):
            client.get_schedule("beat")


def test_the_async_client_creates_lists_and_deletes(cairn_server):
    import asyncio

    from cairn_client import AsyncClient

    async def scenario() -> None:
        async with AsyncClient(cairn_server.target, token=cairn_server.token) as client:
            created = await client.create_schedule(
                "aio", WORKFLOW, "0 3 * * *", time_zone="Europe/Berlin", paused=True
            )
            assert created.paused
            assert [s.definition.schedule_id async for s in client.list_schedules()] == ["aio"]
            run_id = await client.trigger_schedule("aio")
            described = await client.get_schedule("aio")
            assert described.recent_runs[0].run_id == run_id
            await client.delete_schedule("aio")
            with pytest.raises(NotFound):
                await client.get_schedule("aio")

    asyncio.run(scenario())
