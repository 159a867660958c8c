import datetime

from cairn_client._gen.cairn.v1 import run_pb2 as _run_pb2
from cairn_client._gen.cairn.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Event(_message.Message):
    __slots__ = ("global_seq", "run_id", "run_seq", "time", "run_submitted", "step_started", "step_succeeded", "step_failed", "step_retry_scheduled", "step_skipped", "step_cancelled", "run_cancel_requested", "run_succeeded", "run_failed", "run_cancelled", "step_timed_out", "run_timed_out")
    GLOBAL_SEQ_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    RUN_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    STEP_STARTED_FIELD_NUMBER: _ClassVar[int]
    STEP_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    STEP_FAILED_FIELD_NUMBER: _ClassVar[int]
    STEP_RETRY_SCHEDULED_FIELD_NUMBER: _ClassVar[int]
    STEP_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    STEP_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    RUN_CANCEL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    RUN_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    RUN_FAILED_FIELD_NUMBER: _ClassVar[int]
    RUN_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    STEP_TIMED_OUT_FIELD_NUMBER: _ClassVar[int]
    RUN_TIMED_OUT_FIELD_NUMBER: _ClassVar[int]
    global_seq: int
    run_id: str
    run_seq: int
    time: _timestamp_pb2.Timestamp
    run_submitted: RunSubmitted
    step_started: StepStarted
    step_succeeded: StepSucceeded
    step_failed: StepFailed
    step_retry_scheduled: StepRetryScheduled
    step_skipped: StepSkipped
    step_cancelled: StepCancelled
    run_cancel_requested: RunCancelRequested
    run_succeeded: RunSucceeded
    run_failed: RunFailed
    run_cancelled: RunCancelled
    step_timed_out: StepTimedOut
    run_timed_out: RunTimedOut
    def __init__(self, global_seq: _Optional[int] = ..., run_id: _Optional[str] = ..., run_seq: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run_submitted: _Optional[_Union[RunSubmitted, _Mapping]] = ..., step_started: _Optional[_Union[StepStarted, _Mapping]] = ..., step_succeeded: _Optional[_Union[StepSucceeded, _Mapping]] = ..., step_failed: _Optional[_Union[StepFailed, _Mapping]] = ..., step_retry_scheduled: _Optional[_Union[StepRetryScheduled, _Mapping]] = ..., step_skipped: _Optional[_Union[StepSkipped, _Mapping]] = ..., step_cancelled: _Optional[_Union[StepCancelled, _Mapping]] = ..., run_cancel_requested: _Optional[_Union[RunCancelRequested, _Mapping]] = ..., run_succeeded: _Optional[_Union[RunSucceeded, _Mapping]] = ..., run_failed: _Optional[_Union[RunFailed, _Mapping]] = ..., run_cancelled: _Optional[_Union[RunCancelled, _Mapping]] = ..., step_timed_out: _Optional[_Union[StepTimedOut, _Mapping]] = ..., run_timed_out: _Optional[_Union[RunTimedOut, _Mapping]] = ...) -> None: ...

class RunSubmitted(_message.Message):
    __slots__ = ("spec", "request_id", "principal", "params", "labels", "rerun_of", "carried_steps", "deadline", "schedule_id", "nominal_time")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    RERUN_OF_FIELD_NUMBER: _ClassVar[int]
    CARRIED_STEPS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    spec: _workflow_pb2.WorkflowSpec
    request_id: str
    principal: str
    params: _containers.ScalarMap[str, str]
    labels: _containers.ScalarMap[str, str]
    rerun_of: str
    carried_steps: _containers.RepeatedCompositeFieldContainer[CarriedStep]
    deadline: _timestamp_pb2.Timestamp
    schedule_id: str
    nominal_time: _timestamp_pb2.Timestamp
    def __init__(self, spec: _Optional[_Union[_workflow_pb2.WorkflowSpec, _Mapping]] = ..., request_id: _Optional[str] = ..., principal: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., labels: _Optional[_Mapping[str, str]] = ..., rerun_of: _Optional[str] = ..., carried_steps: _Optional[_Iterable[_Union[CarriedStep, _Mapping]]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., schedule_id: _Optional[str] = ..., nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CarriedStep(_message.Message):
    __slots__ = ("step_id", "status", "attempts", "outputs", "skip_cause_step_id", "skip_reason", "from_run_id")
    class OutputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    SKIP_CAUSE_STEP_ID_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    FROM_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    status: _run_pb2.StepStatus
    attempts: _containers.RepeatedCompositeFieldContainer[_run_pb2.Attempt]
    outputs: _containers.ScalarMap[str, str]
    skip_cause_step_id: str
    skip_reason: _run_pb2.SkipReason
    from_run_id: str
    def __init__(self, step_id: _Optional[str] = ..., status: _Optional[_Union[_run_pb2.StepStatus, str]] = ..., attempts: _Optional[_Iterable[_Union[_run_pb2.Attempt, _Mapping]]] = ..., outputs: _Optional[_Mapping[str, str]] = ..., skip_cause_step_id: _Optional[str] = ..., skip_reason: _Optional[_Union[_run_pb2.SkipReason, str]] = ..., from_run_id: _Optional[str] = ...) -> None: ...

class StepStarted(_message.Message):
    __slots__ = ("step_id", "attempt", "pid", "pgid", "process_start_ticks", "marker", "output_path", "deadline", "node_id", "boot_id")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PGID_FIELD_NUMBER: _ClassVar[int]
    PROCESS_START_TICKS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PATH_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    BOOT_ID_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    attempt: int
    pid: int
    pgid: int
    process_start_ticks: int
    marker: str
    output_path: str
    deadline: _timestamp_pb2.Timestamp
    node_id: str
    boot_id: str
    def __init__(self, step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., pid: _Optional[int] = ..., pgid: _Optional[int] = ..., process_start_ticks: _Optional[int] = ..., marker: _Optional[str] = ..., output_path: _Optional[str] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., node_id: _Optional[str] = ..., boot_id: _Optional[str] = ...) -> None: ...

class StepSucceeded(_message.Message):
    __slots__ = ("step_id", "attempt", "duration", "output_bytes", "outputs")
    class OutputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BYTES_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    attempt: int
    duration: _duration_pb2.Duration
    output_bytes: int
    outputs: _containers.ScalarMap[str, str]
    def __init__(self, step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., output_bytes: _Optional[int] = ..., outputs: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StepFailed(_message.Message):
    __slots__ = ("step_id", "attempt", "reason", "exit_code", "signal", "message", "duration", "output_bytes")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BYTES_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    attempt: int
    reason: _run_pb2.FailureReason
    exit_code: int
    signal: int
    message: str
    duration: _duration_pb2.Duration
    output_bytes: int
    def __init__(self, step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., reason: _Optional[_Union[_run_pb2.FailureReason, str]] = ..., exit_code: _Optional[int] = ..., signal: _Optional[int] = ..., message: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., output_bytes: _Optional[int] = ...) -> None: ...

class StepRetryScheduled(_message.Message):
    __slots__ = ("step_id", "next_attempt", "due_time", "backoff")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    BACKOFF_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    next_attempt: int
    due_time: _timestamp_pb2.Timestamp
    backoff: _duration_pb2.Duration
    def __init__(self, step_id: _Optional[str] = ..., next_attempt: _Optional[int] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., backoff: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class StepSkipped(_message.Message):
    __slots__ = ("step_id", "cause_step_id", "reason")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSE_STEP_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    cause_step_id: str
    reason: _run_pb2.SkipReason
    def __init__(self, step_id: _Optional[str] = ..., cause_step_id: _Optional[str] = ..., reason: _Optional[_Union[_run_pb2.SkipReason, str]] = ...) -> None: ...

class StepCancelled(_message.Message):
    __slots__ = ("step_id", "attempt", "exit_code", "signal", "output_bytes", "duration")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BYTES_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    attempt: int
    exit_code: int
    signal: int
    output_bytes: int
    duration: _duration_pb2.Duration
    def __init__(self, step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., exit_code: _Optional[int] = ..., signal: _Optional[int] = ..., output_bytes: _Optional[int] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class StepTimedOut(_message.Message):
    __slots__ = ("step_id", "attempt", "timeout")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    attempt: int
    timeout: _duration_pb2.Duration
    def __init__(self, step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class RunTimedOut(_message.Message):
    __slots__ = ("timeout",)
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    timeout: _duration_pb2.Duration
    def __init__(self, timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class RunCancelRequested(_message.Message):
    __slots__ = ("reason", "principal")
    REASON_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    reason: str
    principal: str
    def __init__(self, reason: _Optional[str] = ..., principal: _Optional[str] = ...) -> None: ...

class RunSucceeded(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunFailed(_message.Message):
    __slots__ = ("failed_step_ids", "reason", "message")
    FAILED_STEP_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    failed_step_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: _run_pb2.FailureReason
    message: str
    def __init__(self, failed_step_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[_Union[_run_pb2.FailureReason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class RunCancelled(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
