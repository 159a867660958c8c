"""The shared workflow vectors (proto/testdata/workflows), sent to a real server.

The client parses no YAML: it sends each vector's text with validate_only, and the server's
parser (the one the Java tests run directly) answers with the resolved spec or the problems.
Run with CAIRN_SERVER_TESTS=1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, List

import grpc
import pytest
from google.protobuf import json_format

from cairn_client import InvalidArgument, WorkflowSpec
from cairn_client._errors import error_from_rpc
from cairn_client._gen.cairn.v1 import run_service_pb2, run_service_pb2_grpc
from cairn_process import REPO, CairnServer

pytestmark = pytest.mark.server

VECTORS = REPO / "proto" / "testdata" / "workflows"
BASE_DIR = "/srv/flows"  # every vector is parsed from here (see the directory's README.md)


def vector_names() -> List[str]:
    return sorted(path.stem for path in VECTORS.glob("*.yaml"))


def test_the_vectors_are_there():
    assert len(vector_names()) >= 20


@pytest.fixture(scope="module")
def vector_server(tmp_path_factory) -> Iterator[CairnServer]:
    data_dir = tmp_path_factory.mktemp("vectors") / "data"
    data_dir.mkdir()
    server = CairnServer(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def validate(server: CairnServer, text: str) -> WorkflowSpec:
    with grpc.insecure_channel(server.target) as channel:
        stub = run_service_pb2_grpc.RunServiceStub(channel)
        request = run_service_pb2.SubmitRunRequest(
            workflow_yaml=text, base_dir=BASE_DIR, validate_only=True
        )
        try:
            response = stub.SubmitRun(
                request, metadata=(("authorization", f"Bearer {server.token}"),)
            )
        except grpc.RpcError as error:
            raise error_from_rpc(error) from None
    return response.resolved_spec


@pytest.mark.parametrize("name", vector_names())
def test_vector(vector_server, name):
    text = (VECTORS / f"{name}.yaml").read_text(encoding="utf-8")
    expected_spec = VECTORS / f"{name}.json"
    if expected_spec.exists():
        expected = json_format.Parse(expected_spec.read_text(encoding="utf-8"), WorkflowSpec())
        assert validate(vector_server, text) == expected
        return
    problems = json.loads((VECTORS / f"{name}.error.json").read_text(encoding="utf-8"))["problems"]
    with pytest.raises(InvalidArgument) as raised:
        validate(vector_server, text)
    error = raised.value
    # The status carries the first problem's reason and field, the message every problem.
    assert error.reason == problems[0]["reason"]
    assert error.metadata.get("field", "") == problems[0]["field"]
    for problem in problems:
        where = f"line {problem['line']}: " + (f"{problem['field']}: " if problem["field"] else "")
        assert where in error.message, error.message
