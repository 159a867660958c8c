"""Mapping of gRPC statuses (with and without rich details) to the error hierarchy."""

import asyncio

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from cairn_client import (
    AsyncClient,
    CairnError,
    Client,
    InvalidArgument,
    NotFound,
    Unauthenticated,
    Unavailable,
)
from cairn_client._errors import error_from_status
from scripted_server import abort_with_reason


@pytest.mark.parametrize(
    "code, kind",
    [
        (grpc.StatusCode.INVALID_ARGUMENT, InvalidArgument),
        (grpc.StatusCode.NOT_FOUND, NotFound),
        (grpc.StatusCode.UNAUTHENTICATED, Unauthenticated),
        (grpc.StatusCode.UNAVAILABLE, Unavailable),
        (grpc.StatusCode.FAILED_PRECONDITION, CairnError),
    ],
)
def test_codes_map_to_classes_keeping_the_status_code(code, kind):
    error = error_from_status(code, "went wrong")

    assert type(error) is kind
    assert isinstance(error, CairnError)
    assert (error.code, error.message, error.reason) == (code, "went wrong", None)


def test_error_info_reason_is_decoded_from_the_trailer():
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason="CYCLE", metadata={"cycle": "a,b,a"}))
    status = status_pb2.Status(code=3, message="steps form a cycle: a -> b -> a", details=[detail])

    error = error_from_status(
        grpc.StatusCode.INVALID_ARGUMENT,
        "ignored when the status has a message",
        [("other", "x"), ("grpc-status-details-bin", status.SerializeToString())],
    )

    assert isinstance(error, InvalidArgument)
    assert error.reason == "CYCLE"
    assert error.message == "steps form a cycle: a -> b -> a"
    assert error.metadata == {"cycle": "a,b,a"}
    assert "CYCLE" in str(error)


def test_garbled_details_keep_code_and_message():
    error = error_from_status(
        grpc.StatusCode.NOT_FOUND, "no run r1", [("grpc-status-details-bin", b"\xff\xff")]
    )

    assert isinstance(error, NotFound)
    assert (error.message, error.reason) == ("no run r1", None)


def _cycle(request, context):
    abort_with_reason(context, grpc.StatusCode.INVALID_ARGUMENT, "cycle: a -> a", "CYCLE")


def test_rich_error_over_real_grpc(scripted):
    scripted.service.handlers["SubmitRun"] = _cycle

    with Client(scripted.target, token="t") as client:
        with pytest.raises(InvalidArgument) as raised:
            client.submit({"name": "x", "steps": [{"id": "a", "run": "true", "depends_on": ["a"]}]})

    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.reason == "CYCLE"
    assert raised.value.message == "cycle: a -> a"
    assert raised.value.metadata == {"k": "v"}


def test_rich_error_over_real_grpc_asyncio(scripted):
    scripted.service.handlers["SubmitRun"] = _cycle

    async def submit():
        async with AsyncClient(scripted.target, token="t") as client:
            await client.submit({"steps": [{"id": "a", "run": "true"}]})

    with pytest.raises(InvalidArgument) as raised:
        asyncio.run(submit())
    assert raised.value.reason == "CYCLE"


def test_unreachable_server_is_unavailable():
    # Port 1 on loopback is privileged and has no listener here, so the connect is refused.
    with Client("127.0.0.1:1", token="t") as client:
        with pytest.raises(Unavailable) as raised:
            client.get("r1")
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
