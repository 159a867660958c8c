"""Against a real Cairn server (bin/cairn); run with CAIRN_SERVER_TESTS=1."""

from __future__ import annotations

import asyncio
import time
from typing import List

import grpc
import pytest

from cairn_client import AsyncClient, CairnError, Client, FailureReason, InvalidArgument, NotFound, RunStatus, Unauthenticated, Unavailable
from cairn_client._gen.cairn.v1 import event_pb2, run_service_pb2, run_service_pb2_grpc

pytestmark = pytest.mark.server

TWO_STEPS = {
    "name": "two-steps",
    "steps": [
        {"id": "hello", "run": "echo hi"},
        {"id": "after", "argv": ["sh", "-c", "echo after"], "depends_on": ["hello"]},
    ],
}


def _assert_gap_free(events: List[event_pb2.Event]) -> None:
    assert [event.run_seq for event in events] == list(range(1, len(events) + 1))


def test_submit_and_watch_to_succeeded(cairn_server):
    with cairn_server.client() as client:
        run_id = client.submit(TWO_STEPS, request_id="submit-once")
        events = list(client.watch(run_id))
        run = client.get(run_id)
        again = client.submit(TWO_STEPS, request_id="submit-once")
        output = b"".join(client.logs(run_id, "hello", follow=False))
        listed = [summary.run_id for summary in client.list(statuses=["SUCCEEDED"])]

    _assert_gap_free(events)
    assert events[0].WhichOneof("payload") == "run_submitted"
    assert events[-1].WhichOneof("payload") == "run_succeeded"
    assert run.status == RunStatus.Value("RUN_STATUS_SUCCEEDED")
    assert again == run_id
    assert b"hi" in output
    assert run_id in listed


def stored_events(server, run_id: str) -> List[event_pb2.Event]:  # type: ignore[no-untyped-def]
    """A fresh replay of the run's stored events through the bare generated stub.

    It bypasses the client's watch, whose resume logic drops anything at or below the last
    sequence number it saw, so the replay shows exactly what the server stored.
    """
    with grpc.insecure_channel(server.target) as channel:
        stub = run_service_pb2_grpc.RunServiceStub(channel)
        request = run_service_pb2.WatchEventsRequest(run_id=run_id, after_seq=0, follow=False)
        responses = stub.WatchEvents(request, metadata=(("authorization", f"Bearer {server.token}"),))
        return [response.event for response in responses]


def test_watch_across_a_server_restart_delivers_every_event_once_in_order(cairn_server):
    spec = {
        "name": "restart",
        "steps": [
            {"id": "slow", "run": "sleep 2", "retry": {"max_attempts": 3, "initial_backoff": "100ms"}},
            {"id": "done", "run": "echo done", "depends_on": ["slow"]},
        ],
    }
    with cairn_server.client() as client:
        run_id = client.submit(spec)
        seen: List[event_pb2.Event] = []
        seen_before_restart = 0
        for event in client.watch(run_id):
            seen.append(event)
            if not seen_before_restart and event.WhichOneof("payload") == "step_started":
                # The attempt of `sleep 2` is running: restart the server under the open watch.
                cairn_server.restart()
                seen_before_restart = len(seen)
        run = client.get(run_id)
    replayed = stored_events(cairn_server, run_id)

    assert seen_before_restart, "the run never started a step, so the server was not restarted"
    # Every event exactly once and in order: per-run seq 1..n with no gap and no repeat,
    # global seq rising, and the very events the server stored, field for field.
    _assert_gap_free(seen)
    assert all(event.run_id == run_id for event in seen)
    global_seqs = [event.global_seq for event in seen]
    assert global_seqs == sorted(set(global_seqs))
    _assert_gap_free(replayed)
    assert [event.SerializeToString(deterministic=True) for event in seen] == [
        event.SerializeToString(deterministic=True) for event in replayed
    ]
    assert run.last_seq == len(seen)
    assert seen[-1].WhichOneof("payload") == "run_succeeded"
    # The restart is a graceful one (SIGTERM): the old server records the running attempt as
    # INTERRUPTED on its way down, and only the new server starts attempt 2 and ends the run, so
    # the watch must have resumed across the restart to see those.
    interrupted = [
        (index, event.step_failed.step_id, event.step_failed.attempt)
        for index, event in enumerate(seen)
        if event.WhichOneof("payload") == "step_failed"
        and event.step_failed.reason == FailureReason.Value("FAILURE_REASON_INTERRUPTED")
    ]
    assert [(step, attempt) for _, step, attempt in interrupted] == [("slow", 1)]
    assert interrupted[0][0] >= seen_before_restart
    second = [
        index
        for index, event in enumerate(seen)
        if event.WhichOneof("payload") == "step_started"
        and event.step_started.step_id == "slow"
        and event.step_started.attempt == 2
    ]
    assert len(second) == 1 and second[0] > interrupted[0][0]


def test_cancel_stops_a_running_run(cairn_server):
    spec = {"name": "long", "steps": [{"id": "forever", "run": "sleep 600"}]}
    with cairn_server.client() as client:
        run_id = client.submit(spec)
        for event in client.watch(run_id):
            if event.WhichOneof("payload") == "step_started":
                break
        status = client.cancel(run_id, reason="test")
        run = client.wait(run_id, timeout=30)
        kinds = [event.WhichOneof("payload") for event in client.watch(run_id, follow=False)]

    assert status in (RunStatus.RUN_STATUS_CANCELLING, RunStatus.RUN_STATUS_CANCELLED)
    assert status.name in ("RUN_STATUS_CANCELLING", "RUN_STATUS_CANCELLED")
    assert run.status == RunStatus.Value("RUN_STATUS_CANCELLED")
    assert "run_cancel_requested" in kinds
    assert kinds[-1] == "run_cancelled"


def test_delete_removes_a_finished_run_and_refuses_a_live_one(cairn_server):
    with cairn_server.client() as client:
        live = client.submit({"name": "live", "steps": [{"id": "wait", "run": "sleep 600"}]})
        with pytest.raises(CairnError) as refused:
            client.delete(live)
        assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION
        assert refused.value.reason == "RUN_NOT_FINISHED"
        client.cancel(live)
        client.wait(live, timeout=30)

        done = client.submit({"name": "done", "steps": [{"id": "say", "run": "echo bye"}]})
        client.wait(done, timeout=30)
        tombstone = client.delete(done)
        assert tombstone.run_id == done
        assert tombstone.cause == run_service_pb2.RUN_REMOVAL_CAUSE_DELETE
        with pytest.raises(NotFound) as removed:
            client.get(done)
        assert removed.value.reason == "RUN_REMOVED"
        assert removed.value.metadata["removed_by"] == "delete"
        client.delete(live)


def test_invalid_spec_and_wrong_token_are_typed_errors(cairn_server):
    cycle = {"name": "cycle", "steps": [{"id": "a", "run": "true", "depends_on": ["a"]}]}
    with cairn_server.client() as client:
        with pytest.raises(InvalidArgument) as invalid:
            client.submit(cycle)
    with Client(cairn_server.target, token="wrong") as client:
        with pytest.raises(Unauthenticated) as unauthenticated:
            client.get("any")

    assert invalid.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert invalid.value.reason
    assert unauthenticated.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_async_client_submits_and_waits(cairn_server):
    async def scenario():
        async with AsyncClient(cairn_server.target, token=cairn_server.token) as client:
            run_id = await client.submit(TWO_STEPS)
            return await client.wait(run_id, timeout=60)

    run = asyncio.run(scenario())
    assert run.status == RunStatus.Value("RUN_STATUS_SUCCEEDED")


def test_submit_with_a_repeated_request_id_reports_the_existing_run(cairn_server):
    with cairn_server.client() as client:
        first = client.submit(TWO_STEPS, request_id="exactly-once")
        again = client.submit(TWO_STEPS, request_id="exactly-once")
        run = client.wait(first.run_id, timeout=30)

    assert first.existing is False
    assert again.existing is True
    assert again.run_id == first.run_id
    assert RunStatus(run.status).name == "RUN_STATUS_SUCCEEDED"


def test_watch_fails_fast_once_the_server_is_gone_at_the_start(cairn_server):
    target = cairn_server.target
    cairn_server.stop()
    started = time.monotonic()
    with Client(target, token="t") as client:
        with pytest.raises(Unavailable):
            next(client.watch())
    assert time.monotonic() - started < 5.5
