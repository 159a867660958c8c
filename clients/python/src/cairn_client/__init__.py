"""Python client for the Cairn durable workflow engine.

>>> from cairn_client import Client
>>> with Client() as client:
...     run_id = client.submit("workflow.yaml")  # a Submitted: the id, and .existing
...     run = client.wait(run_id)
"""

from cairn_client._aio import AsyncClient
from cairn_client._client import Client
from cairn_client._config import DEFAULT_TARGET
from cairn_client._errors import (
    CairnError,
    InvalidArgument,
    NotFound,
    Unauthenticated,
    Unavailable,
)
from cairn_client._gen.cairn.v1.event_pb2 import Event
from cairn_client._gen.cairn.v1.run_pb2 import FailureReason, Run
from cairn_client._gen.cairn.v1.run_service_pb2 import RunSummary
from cairn_client._gen.cairn.v1.workflow_pb2 import WorkflowSpec
from cairn_client._spec import parse_duration, read_workflow_file, submit_request
from cairn_client._status import RunStatus, StepStatus
from cairn_client._submitted import Submitted

__all__ = [
    "AsyncClient",
    "CairnError",
    "Client",
    "DEFAULT_TARGET",
    "Event",
    "FailureReason",
    "InvalidArgument",
    "NotFound",
    "Run",
    "RunStatus",
    "RunSummary",
    "StepStatus",
    "Submitted",
    "Unauthenticated",
    "Unavailable",
    "WorkflowSpec",
    "parse_duration",
    "read_workflow_file",
    "submit_request",
]
