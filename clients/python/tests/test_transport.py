"""Client calls over real gRPC against a scripted server: metadata, paging, watch resume."""

import asyncio
import threading

import grpc
import pytest

from cairn_client import AsyncClient, Client, Event, RunStatus, Unavailable
from cairn_client._gen.cairn.v1 import event_pb2, run_pb2, run_service_pb2


def _event(seq: int, terminal: bool = False) -> run_service_pb2.WatchEventsResponse:
    event = event_pb2.Event(run_id="r1", run_seq=seq, global_seq=100 + seq)
    if terminal:
        event.run_succeeded.SetInParent()
    else:
        event.step_started.step_id = f"s{seq}"
    return run_service_pb2.WatchEventsResponse(event=event)


def _dropping_watch(drop_after: int, total: int, code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE):
    """Streams from after_seq; the first stream drops with code after drop_after events."""
    calls = []

    def handler(request, context):
        calls.append(request.after_seq)
        start = request.after_seq + 1
        end = min(total, drop_after) if len(calls) == 1 else total
        for seq in range(start, end + 1):
            yield _event(seq, terminal=seq == total)
        if len(calls) == 1:
            context.abort(code, "server restarting")

    return handler, calls


def test_token_is_sent_as_bearer_metadata(scripted):
    scripted.service.handlers["GetRun"] = lambda request, context: run_service_pb2.GetRunResponse(
        run=run_pb2.Run(run_id=request.run_id, status=run_pb2.RUN_STATUS_RUNNING)
    )

    with Client(scripted.target, token="secret") as client:
        run = client.get("r7")

    assert run.run_id == "r7"
    assert scripted.service.metadata[-1]["authorization"] == "Bearer secret"


def test_list_iterates_every_page_with_filters(scripted):
    pages = {"": (["a", "b"], "p2"), "p2": (["c"], "p3"), "p3": ([], "")}

    def list_runs(request, context):
        ids, token = pages[request.page_token]
        return run_service_pb2.ListRunsResponse(
            runs=[run_service_pb2.RunSummary(run_id=i) for i in ids], next_page_token=token
        )

    scripted.service.handlers["ListRuns"] = list_runs
    with Client(scripted.target, token="t") as client:
        ids = [summary.run_id for summary in client.list(statuses=["running", "FAILED"], name="n")]

    assert ids == ["a", "b", "c"]
    first = scripted.service.requests[0]
    assert list(first.statuses) == [RunStatus.Value("RUN_STATUS_RUNNING"), RunStatus.Value("RUN_STATUS_FAILED")]
    assert first.name == "n"


def test_unknown_status_name_is_rejected(scripted):
    with Client(scripted.target, token="t") as client:
        with pytest.raises(ValueError, match="unknown run status"):
            list(client.list(statuses=["DONE"]))


def test_watch_resumes_after_a_dropped_stream_without_gap_or_duplicate(scripted):
    handler, calls = _dropping_watch(drop_after=3, total=6)
    scripted.service.handlers["WatchEvents"] = handler

    with Client(scripted.target, token="t") as client:
        seqs = [event.run_seq for event in client.watch("r1")]

    assert seqs == [1, 2, 3, 4, 5, 6]
    assert calls == [0, 3]


def test_watch_resumes_when_the_server_ends_it_for_falling_behind(scripted):
    handler, calls = _dropping_watch(drop_after=3, total=6, code=grpc.StatusCode.ABORTED)
    scripted.service.handlers["WatchEvents"] = handler

    with Client(scripted.target, token="t") as client:
        seqs = [event.run_seq for event in client.watch("r1")]

    assert seqs == [1, 2, 3, 4, 5, 6]
    assert calls == [0, 3]


def test_async_watch_resumes_when_the_server_ends_it_for_falling_behind(scripted):
    handler, calls = _dropping_watch(drop_after=2, total=4, code=grpc.StatusCode.ABORTED)
    scripted.service.handlers["WatchEvents"] = handler

    async def scenario():
        async with AsyncClient(scripted.target, token="t") as client:
            return [event.run_seq async for event in client.watch("r1")]

    assert asyncio.run(scenario()) == [1, 2, 3, 4]
    assert calls == [0, 2]


def test_global_watch_resumes_from_the_global_seq(scripted):
    requests = []

    def handler(request, context):
        requests.append((request.run_id, request.after_seq))
        if len(requests) == 1:
            yield _event(1)
            context.abort(grpc.StatusCode.UNAVAILABLE, "drop")
        yield _event(2, terminal=True)

    scripted.service.handlers["WatchEvents"] = handler
    with Client(scripted.target, token="t") as client:
        events = list(client.watch(after_seq=100, follow=False))

    assert [event.global_seq for event in events] == [101, 102]
    assert requests == [("", 100), ("", 101)]


def test_watch_skips_events_at_or_before_the_resume_point(scripted):
    # A server that replays from the start must not make the caller see an event twice.
    scripted.service.handlers["WatchEvents"] = lambda request, context: iter(
        [_event(1), _event(2), _event(3, terminal=True)]
    )

    with Client(scripted.target, token="t") as client:
        seqs = [event.run_seq for event in client.watch("r1", after_seq=1)]

    assert seqs == [2, 3]


def test_watch_reconnects_when_the_server_itself_restarts(scripted):
    streamed = threading.Event()
    release = threading.Event()

    def handler(request, context):
        if request.after_seq == 0:
            yield _event(1)
            streamed.set()
            # Hold the stream open until the server is stopped under it.
            release.wait(10)
            return
        yield from (_event(seq, terminal=seq == 3) for seq in range(request.after_seq + 1, 4))

    scripted.service.handlers["WatchEvents"] = handler
    with Client(scripted.target, token="t") as client:
        events = client.watch("r1")
        assert next(events).run_seq == 1
        assert streamed.wait(10)
        scripted.stop()
        release.set()
        scripted.start()
        rest = [event.run_seq for event in events]

    assert rest == [2, 3]


def test_watch_gives_up_after_the_reconnect_timeout(scripted):
    def handler(request, context):
        context.abort(grpc.StatusCode.UNAVAILABLE, "server restarting")
        yield  # pragma: no cover - makes this a generator

    # The server is reachable (so the start-up check passes) but every stream drops.
    scripted.service.handlers["WatchEvents"] = handler
    with Client(scripted.target, token="t", reconnect_timeout=0.3) as client:
        with pytest.raises(Unavailable):
            list(client.watch("r1"))


def test_wait_returns_the_terminal_run(scripted):
    status = {"value": run_pb2.RUN_STATUS_RUNNING}

    def get_run(request, context):
        return run_service_pb2.GetRunResponse(run=run_pb2.Run(run_id="r1", status=status["value"], last_seq=1))

    def watch(request, context):
        assert request.after_seq == 1
        yield _event(2)
        status["value"] = run_pb2.RUN_STATUS_SUCCEEDED
        yield _event(3, terminal=True)

    scripted.service.handlers.update(GetRun=get_run, WatchEvents=watch)
    with Client(scripted.target, token="t") as client:
        run = client.wait("r1", timeout=10)

    assert run.status == run_pb2.RUN_STATUS_SUCCEEDED


def test_wait_times_out(scripted):
    never = threading.Event()

    def watch(request, context):
        never.wait(5)
        yield from ()

    scripted.service.handlers.update(
        GetRun=lambda request, context: run_service_pb2.GetRunResponse(
            run=run_pb2.Run(run_id="r1", status=run_pb2.RUN_STATUS_RUNNING)
        ),
        WatchEvents=watch,
    )
    with Client(scripted.target, token="t") as client:
        with pytest.raises(TimeoutError):
            client.wait("r1", timeout=0.5)
    never.set()


def test_logs_yield_bytes(scripted):
    scripted.service.handlers["StreamLogs"] = lambda request, context: iter(
        [run_service_pb2.StreamLogsResponse(data=b"hel"), run_service_pb2.StreamLogsResponse(data=b"lo\n")]
    )

    with Client(scripted.target, token="t") as client:
        assert b"".join(client.logs("r1", "a")) == b"hello\n"
    request = scripted.service.requests[0]
    assert (request.step_id, request.attempt, request.follow) == ("a", 0, True)


def test_async_watch_resumes_and_async_list_pages(scripted):
    handler, calls = _dropping_watch(drop_after=2, total=4)
    scripted.service.handlers["WatchEvents"] = handler
    scripted.service.handlers["ListRuns"] = lambda request, context: run_service_pb2.ListRunsResponse(
        runs=[run_service_pb2.RunSummary(run_id="only")]
    )
    scripted.service.handlers["CancelRun"] = lambda request, context: run_service_pb2.CancelRunResponse(
        status=run_pb2.RUN_STATUS_CANCELLING
    )

    async def scenario():
        async with AsyncClient(scripted.target, token="t") as client:
            seqs = [event.run_seq async for event in client.watch("r1")]
            ids = [summary.run_id async for summary in client.list()]
            status = await client.cancel("r1", reason="test")
            return seqs, ids, status

    seqs, ids, status = asyncio.run(scenario())
    assert seqs == [1, 2, 3, 4]
    assert calls == [0, 2]
    assert ids == ["only"]
    assert status == run_pb2.RUN_STATUS_CANCELLING


def test_event_type_is_exported():
    assert Event is event_pb2.Event
