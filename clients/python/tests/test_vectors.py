"""The shared vectors in proto/testdata decode, match their JSON and re-encode identically."""

from pathlib import Path

import pytest
from google.protobuf import json_format

from cairn_client._gen.cairn.v1 import event_pb2, schedule_pb2, workflow_pb2

TESTDATA = Path(__file__).resolve().parents[3] / "proto" / "testdata"
PAYLOAD_CASES = [field.name for field in event_pb2.Event.DESCRIPTOR.oneofs_by_name["payload"].fields]
SCHEDULE_CASES = [
    field.name for field in schedule_pb2.ScheduleEvent.DESCRIPTOR.oneofs_by_name["payload"].fields
]
VECTORS = (
    [(f"event_{case}", event_pb2.Event) for case in PAYLOAD_CASES]
    + [(f"schedule_event_{case}", schedule_pb2.ScheduleEvent) for case in SCHEDULE_CASES]
    + [("workflow_spec", workflow_pb2.WorkflowSpec)]
)


def test_vectors_cover_every_payload_case_and_nothing_else():
    on_disk = {path.stem for path in TESTDATA.glob("*.binpb")}

    assert PAYLOAD_CASES, "the Event descriptor has no payload oneof"
    assert on_disk == {name for name, _ in VECTORS}
    assert {path.stem for path in TESTDATA.glob("*.json")} == on_disk


@pytest.mark.parametrize("name, message_type", VECTORS, ids=[name for name, _ in VECTORS])
def test_vector_round_trips(name, message_type):
    binary = (TESTDATA / f"{name}.binpb").read_bytes()
    decoded = message_type.FromString(binary)
    from_json = json_format.Parse((TESTDATA / f"{name}.json").read_text(encoding="utf-8"), message_type())

    assert decoded == from_json
    assert decoded.SerializeToString(deterministic=True) == binary
    if message_type is event_pb2.Event:
        assert decoded.WhichOneof("payload") == name[len("event_"):]
    if message_type is schedule_pb2.ScheduleEvent:
        assert decoded.WhichOneof("payload") == name[len("schedule_event_"):]
