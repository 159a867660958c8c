"""Errors raised by the client, mapped from gRPC status codes."""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple, Type

import grpc
from google.protobuf.message import DecodeError
from google.rpc import error_details_pb2, status_pb2

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


class CairnError(Exception):
    """A call to the server failed.

    ``code`` is the grpc.StatusCode, ``message`` the server's explanation, and ``reason`` the
    machine-readable reason from the google.rpc.ErrorInfo detail (for example ``CYCLE``), or
    ``None`` when the server sent none. ``metadata`` holds the ErrorInfo's metadata.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        reason: Optional[str] = None,
        metadata: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__(f"{code.name}: {message}" + (f" ({reason})" if reason else ""))
        self.code = code
        self.message = message
        self.reason = reason
        self.metadata: Dict[str, str] = dict(metadata or {})


class InvalidArgument(CairnError):
    """The request was rejected as invalid, for example a workflow with a cycle."""


class NotFound(CairnError):
    """The named run, step or attempt does not exist."""


class Unauthenticated(CairnError):
    """The token is missing or wrong."""


class Unavailable(CairnError):
    """The server could not be reached."""


_BY_CODE: Dict[grpc.StatusCode, Type[CairnError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
}


def error_from_status(
    code: grpc.StatusCode,
    message: str,
    trailing_metadata: Optional[Iterable[Tuple[str, object]]] = None,
) -> CairnError:
    """Builds the error for a status, decoding the ErrorInfo of a rich status if present."""
    reason: Optional[str] = None
    info_metadata: Dict[str, str] = {}
    for key, value in trailing_metadata or ():
        if key != _STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status()
        try:
            status.ParseFromString(value)
        except DecodeError:
            # A garbled detail must not hide the status code and message the caller needs.
            continue
        if status.message:
            message = status.message
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Is(info.DESCRIPTOR) and detail.Unpack(info):
                reason = info.reason or None
                info_metadata = dict(info.metadata)
                break
    return _BY_CODE.get(code, CairnError)(code, message, reason, info_metadata)


def error_from_rpc(error: grpc.RpcError) -> CairnError:
    """Maps a grpc.RpcError (sync or asyncio) to a CairnError."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    return error_from_status(code or grpc.StatusCode.UNKNOWN, message or "", trailers)
