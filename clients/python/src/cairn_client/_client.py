"""The blocking client."""

from __future__ import annotations

import time
from typing import Iterable, Iterator, Mapping, Optional

import grpc

from cairn_client._common import (
    Backoff,
    RESUMABLE_CODES,
    StatusFilter,
    TERMINAL_STATUSES,
    UNREACHABLE_CODES,
    WATCH_BATCH,
    connect,
    probe,
    unreachable,
    event_seq,
    is_terminal,
    status_values,
)
from cairn_client._errors import error_from_rpc
from cairn_client._gen.cairn.v1 import (
    event_pb2,
    run_pb2,
    run_service_pb2,
    run_service_pb2_grpc,
    workflow_pb2,
)
from cairn_client._schedules import ScheduleMethods
from cairn_client._spec import WorkflowSource, submit_request
from cairn_client._status import RunStatus
from cairn_client._submitted import Submitted


class Client(ScheduleMethods):
    """A connection to a Cairn server.

    ``target`` defaults to $CAIRN_SERVER, else ``127.0.0.1:7420``. ``token`` defaults to
    $CAIRN_TOKEN, else the ``token`` file of the local server's data directory. Loopback
    targets use plaintext; any other host uses TLS unless ``credentials`` say otherwise.
    ``connect_timeout`` bounds how long a watch waits for a server it cannot reach when it
    starts; ``reconnect_timeout`` how long it keeps retrying a server that went away later.
    """

    def __init__(
        self,
        target: Optional[str] = None,
        token: Optional[str] = None,
        *,
        credentials: Optional[grpc.ChannelCredentials] = None,
        reconnect_timeout: float = 60.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.target, self._metadata, self._channel = connect(
            target, token, credentials, grpc.insecure_channel, grpc.secure_channel
        )
        self._reconnect_timeout = reconnect_timeout
        self._connect_timeout = connect_timeout
        self._stub = run_service_pb2_grpc.RunServiceStub(self._channel)

    def close(self) -> None:
        """Closes the channel; streams in progress end."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def submit(
        self,
        spec: WorkflowSource,
        request_id: Optional[str] = None,
        *,
        params: Optional[Mapping[str, str]] = None,
        labels: Optional[Mapping[str, str]] = None,
    ) -> Submitted:
        """Starts a run and returns its id as a :class:`Submitted` (a ``str``).

        A repeated ``request_id`` returns the first run, with ``existing`` True. ``params``
        gives values of the workflow's parameters (steps see them as ``CAIRN_PARAM_<name>``);
        a missing required or an unknown one raises ``InvalidArgument`` naming it.
        ``labels`` are added over the workflow's own.
        """
        request = submit_request(spec, request_id)
        request.params.update(params or {})
        request.labels.update(labels or {})
        response = self._call(self._stub.SubmitRun, request)
        return Submitted(response.run_id, response.existing)

    def validate(self, spec: WorkflowSource) -> workflow_pb2.WorkflowSpec:
        """Checks a workflow without recording anything and returns the spec it resolves to.

        A file or YAML text is parsed by the server, so this is how a file reads there:
        ``working_dir`` resolved, durations and numbers as the format defines them. Problems
        raise ``InvalidArgument`` naming the line and field of each.
        """
        request = submit_request(spec, validate_only=True)
        return (self._call(self._stub.SubmitRun, request)).resolved_spec

    def get(self, run_id: str) -> run_pb2.Run:
        """Returns the current state of a run."""
        return self._call(self._stub.GetRun, run_service_pb2.GetRunRequest(run_id=run_id)).run

    def list(
        self,
        statuses: Optional[Iterable[StatusFilter]] = None,
        name: Optional[str] = None,
        page_size: int = 0,
        labels: Optional[Mapping[str, str]] = None,
    ) -> Iterator[run_service_pb2.RunSummary]:
        """Yields every matching run, newest first, fetching pages as needed."""
        request = run_service_pb2.ListRunsRequest(
            statuses=status_values(statuses),
            name=name or "",
            page_size=page_size,
            labels=dict(labels or {}),
        )
        while True:
            response = self._call(self._stub.ListRuns, request)
            yield from response.runs
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def rerun(
        self,
        run_id: str,
        steps: Optional[Iterable[str]] = None,
        request_id: Optional[str] = None,
        params: Optional[Mapping[str, str]] = None,
    ) -> Submitted:
        """Reruns a finished run as a new run linked to it (``rerun_of``); returns its id.

        Without ``steps``, every step that did not succeed runs again with its downstream (a
        run that succeeded is refused: InvalidArgument, NOTHING_TO_RERUN); with ``steps``,
        those and their downstream. The other steps keep their results,
        outputs included. ``params`` replace the original run's values. The original run is
        never changed.
        """
        request = run_service_pb2.RerunRunRequest(
            run_id=run_id,
            steps=list(steps or []),
            request_id=request_id or "",
            params=dict(params or {}),
        )
        response = self._call(self._stub.RerunRun, request)
        return Submitted(response.run_id, response.existing)

    def cancel(self, run_id: str, reason: str = "") -> RunStatus:
        """Requests a cancel; returns the run's RunStatus once the request is durable."""
        request = run_service_pb2.CancelRunRequest(run_id=run_id, reason=reason)
        return RunStatus(self._call(self._stub.CancelRun, request).status)

    def delete(self, run_id: str) -> run_service_pb2.DeleteRunResponse:
        """Removes a finished run now: its events, its row and its output files.

        Returns the run's tombstone (``remove_time``, ``cause``). A run that has not ended is
        refused with a CairnError of code FAILED_PRECONDITION (reason ``RUN_NOT_FINISHED``);
        a run removed before answers with its tombstone.
        """
        request = run_service_pb2.DeleteRunRequest(run_id=run_id)
        return self._call(self._stub.DeleteRun, request)

    def watch(
        self, run_id: Optional[str] = None, after_seq: int = 0, follow: bool = True
    ) -> Iterator[event_pb2.Event]:
        """Yields events after ``after_seq``: one run's (per-run seq) or all (global seq).

        When the server becomes unreachable, the watch reconnects with backoff and resumes
        after the last event it yielded, so no event is skipped or repeated. A one-run watch
        ends after the run's terminal event.
        """
        self._await_connection(run_id)
        yield from self._watch(run_id, after_seq, follow, deadline=None)

    def _await_connection(self, run_id: Optional[str]) -> None:
        """Raises Unavailable when the server cannot be reached within ``connect_timeout``.

        A server that is not there at the start is most likely a wrong address or a server
        not started, which retrying for ``reconnect_timeout`` would only hide. A small call
        that waits for the connection tells; it is a call rather than a connectivity watch
        because grpc's connectivity polling outlives the watch and fails once the channel
        is closed.
        """
        method, request = probe(self._stub, run_id)
        try:
            method(
                request,
                metadata=self._metadata,
                timeout=self._connect_timeout,
                wait_for_ready=True,
            )
        except grpc.RpcError as error:
            if error.code() in UNREACHABLE_CODES:
                raise unreachable(self.target, self._connect_timeout) from None
            # Any other answer came from the server: it is there, and the watch itself
            # reports what is wrong.

    def logs(
        self, run_id: str, step_id: str, attempt: int = 0, follow: bool = True
    ) -> Iterator[bytes]:
        """Yields the output of an attempt (0 = the latest) as it is written.

        With ``follow`` an attempt that has not started yet is waited for; a step that ends
        without running (skipped, cancelled) raises InvalidArgument.
        """
        request = run_service_pb2.StreamLogsRequest(
            run_id=run_id, step_id=step_id, attempt=attempt, follow=follow
        )
        stream = self._stub.StreamLogs(request, metadata=self._metadata)
        try:
            for response in stream:
                yield response.data
        except grpc.RpcError as error:
            raise error_from_rpc(error) from None
        finally:
            stream.cancel()

    def wait(self, run_id: str, timeout: Optional[float] = None) -> run_pb2.Run:
        """Blocks until the run is terminal and returns it; TimeoutError after ``timeout`` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        run = self.get(run_id)
        if run.status in TERMINAL_STATUSES:
            return run
        for event in self._watch(run_id, run.last_seq, True, deadline):
            if is_terminal(event):
                break
        return self.get(run_id)

    def _watch(
        self,
        run_id: Optional[str],
        after_seq: int,
        follow: bool,
        deadline: Optional[float],
    ) -> Iterator[event_pb2.Event]:
        last_seq = after_seq
        backoff = Backoff()
        unavailable_since: Optional[float] = None
        while True:
            request = run_service_pb2.WatchEventsRequest(
                run_id=run_id or "", after_seq=last_seq, follow=follow, max_batch=WATCH_BATCH
            )
            stream = self._stub.WatchEvents(
                request, metadata=self._metadata, timeout=_remaining(deadline, run_id)
            )
            try:
                for response in stream:
                    # Events come in batches (one message per event would bound a catch-up
                    # on a long history by the per-message cost); a server that predates
                    # batches sends each alone in `event`.
                    events = response.events if response.events else (response.event,)
                    backoff.reset()
                    unavailable_since = None
                    for event in events:
                        seq = event_seq(event, run_id)
                        # A resumed stream starts after last_seq; skipping anything at or below
                        # it keeps the no-duplicate promise even against a misbehaving server.
                        if seq <= last_seq:
                            continue
                        last_seq = seq
                        yield event
                return
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED and deadline is not None:
                    raise TimeoutError(f"run {run_id} did not finish in time") from None
                if error.code() not in RESUMABLE_CODES:
                    raise error_from_rpc(error) from None
                now = time.monotonic()
                unavailable_since = unavailable_since or now
                if now - unavailable_since > self._reconnect_timeout:
                    raise error_from_rpc(error) from None
                delay = backoff.next_delay()
                if deadline is not None and now + delay > deadline:
                    raise TimeoutError(f"run {run_id} did not finish in time") from None
                time.sleep(delay)
            finally:
                stream.cancel()

    def _call(self, method, request):  # type: ignore[no-untyped-def]
        try:
            return method(request, metadata=self._metadata)
        except grpc.RpcError as error:
            raise error_from_rpc(error) from None


def _remaining(deadline: Optional[float], run_id: Optional[str]) -> Optional[float]:
    if deadline is None:
        return None
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError(f"run {run_id} did not finish in time")
    return remaining

