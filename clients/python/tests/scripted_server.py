"""A real gRPC server on loopback whose RunService answers are scripted by each test.

It exercises the client's transport, metadata, error decoding and stream resumption over real
HTTP/2 without the Cairn server; the engine's behaviour is covered by the server-backed tests.
"""

from __future__ import annotations

import threading
from concurrent import futures
from typing import Callable, Dict, List, Optional

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from cairn_client._gen.cairn.v1 import run_service_pb2_grpc

Handler = Callable[[object, grpc.ServicerContext], object]


class ScriptedRunService(run_service_pb2_grpc.RunServiceServicer):
    """Routes each RPC to the handler a test installed, recording requests and metadata."""

    def __init__(self) -> None:
        self.handlers: Dict[str, Handler] = {}
        self.requests: List[object] = []
        self.metadata: List[Dict[str, str]] = []
        self._lock = threading.Lock()

    def _dispatch(self, name: str, request, context):  # type: ignore[no-untyped-def]
        with self._lock:
            self.requests.append(request)
            self.metadata.append(dict(context.invocation_metadata()))
        handler = self.handlers.get(name)
        if handler is None:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{name} is not scripted")
        return handler(request, context)

    def SubmitRun(self, request, context):  # noqa: N802 (gRPC method names)
        return self._dispatch("SubmitRun", request, context)

    def GetRun(self, request, context):  # noqa: N802
        return self._dispatch("GetRun", request, context)

    def ListRuns(self, request, context):  # noqa: N802
        return self._dispatch("ListRuns", request, context)

    def CancelRun(self, request, context):  # noqa: N802
        return self._dispatch("CancelRun", request, context)

    def WatchEvents(self, request, context):  # noqa: N802
        yield from self._dispatch("WatchEvents", request, context)

    def StreamLogs(self, request, context):  # noqa: N802
        yield from self._dispatch("StreamLogs", request, context)


class ScriptedServer:
    """Owns the grpc.Server; ``restart()`` rebinds the same port, as a restarted server would."""

    def __init__(self) -> None:
        self.service = ScriptedRunService()
        self.port = 0
        self._server: Optional[grpc.Server] = None
        self.start()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        run_service_pb2_grpc.add_RunServiceServicer_to_server(self.service, server)
        self.port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        server.start()
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None).wait()
            self._server = None


def abort_with_reason(
    context: grpc.ServicerContext, code: grpc.StatusCode, message: str, reason: str
) -> None:
    """Aborts as the Cairn server does: a google.rpc.Status with an ErrorInfo in the trailer."""
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=reason, domain="cairn.dev", metadata={"k": "v"}))
    status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(code, message)
