"""Pieces shared by the blocking and the asyncio clients."""

from __future__ import annotations

from typing import Any, Callable, Iterable, List, Optional, Tuple, TypeVar, Union, cast

import grpc

from cairn_client._config import is_loopback, resolve_target, resolve_token
from cairn_client._errors import Unavailable
from cairn_client._gen.cairn.v1 import event_pb2, run_pb2, run_service_pb2

StatusFilter = Union[int, str]
"""A run status: a RunStatus value, or its name with or without the RUN_STATUS_ prefix."""

TERMINAL_STATUSES = frozenset(
    {
        run_pb2.RUN_STATUS_SUCCEEDED,
        run_pb2.RUN_STATUS_FAILED,
        run_pb2.RUN_STATUS_CANCELLED,
    }
)
TERMINAL_PAYLOADS = frozenset({"run_succeeded", "run_failed", "run_cancelled"})

WATCH_BATCH = 1024
"""Events a watch asks the server to put in one message (WatchEventsRequest.max_batch)."""

RESUMABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED})
"""Codes on which a watch resumes after its last event: UNAVAILABLE (a restart, a network
blip) and ABORTED (the server ended a watcher that fell too far behind, WATCHER_TOO_SLOW)."""


class Backoff:
    """Exponential reconnect delays, reset whenever a stream makes progress."""

    def __init__(self, initial: float = 0.1, maximum: float = 2.0) -> None:
        self._initial = initial
        self._maximum = maximum
        self._next = initial

    def reset(self) -> None:
        self._next = self._initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self._maximum)
        return delay


def metadata(token: Optional[str]) -> Tuple[Tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),) if token else ()


def default_credentials(
    target: str, credentials: Optional[grpc.ChannelCredentials]
) -> Optional[grpc.ChannelCredentials]:
    """Plaintext for loopback; TLS with the system roots for any other host."""
    if credentials is not None or is_loopback(target):
        return credentials
    return grpc.ssl_channel_credentials()


ChannelT = TypeVar("ChannelT")


def connect(
    target: Optional[str],
    token: Optional[str],
    credentials: Optional[grpc.ChannelCredentials],
    insecure_channel: Callable[[str], ChannelT],
    secure_channel: Callable[[str, grpc.ChannelCredentials], ChannelT],
) -> Tuple[str, Tuple[Tuple[str, str], ...], ChannelT]:
    """Resolves the target and token and opens a channel with the given grpc or grpc.aio factory."""
    resolved = resolve_target(target)
    channel_credentials = default_credentials(resolved, credentials)
    if channel_credentials is None:
        channel = insecure_channel(resolved)
    else:
        channel = secure_channel(resolved, channel_credentials)
    return resolved, metadata(resolve_token(token)), channel


UNREACHABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
"""Codes of a probe that did not reach the server in time."""


def probe(stub: Any, run_id: Optional[str]) -> Tuple[Any, object]:
    """A small call that shows whether the server is there: the run itself, or one run."""
    if run_id:
        return stub.GetRun, run_service_pb2.GetRunRequest(run_id=run_id)
    return stub.ListRuns, run_service_pb2.ListRunsRequest(page_size=1)


def unreachable(target: str, timeout: float) -> Unavailable:
    """The error of a watch whose server could not be reached when it started."""
    return Unavailable(
        grpc.StatusCode.UNAVAILABLE,
        f"cannot reach the Cairn server at {target} (waited {timeout:g} s); is it running?",
    )


def status_values(statuses: Optional[Iterable[StatusFilter]]) -> List[run_pb2.RunStatus]:
    values: List[run_pb2.RunStatus] = []
    for status in statuses or ():
        if isinstance(status, str):
            name = status.upper()
            if not name.startswith("RUN_STATUS_"):
                name = "RUN_STATUS_" + name
            try:
                values.append(cast(run_pb2.RunStatus, run_pb2.RunStatus.Value(name)))
            except ValueError:
                known = ", ".join(n[len("RUN_STATUS_"):] for n in run_pb2.RunStatus.keys()[1:])
                raise ValueError(f"unknown run status {status!r} (known: {known})") from None
        else:
            values.append(cast(run_pb2.RunStatus, int(status)))
    return values


def event_seq(event: event_pb2.Event, run_id: Optional[str]) -> int:
    """The sequence number a watch resumes from: per-run for one run, global otherwise."""
    return event.run_seq if run_id else event.global_seq


def is_terminal(event: event_pb2.Event) -> bool:
    return event.WhichOneof("payload") in TERMINAL_PAYLOADS

