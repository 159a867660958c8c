import datetime

from cairn_client._gen.cairn.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_STATUS_UNSPECIFIED: _ClassVar[RunStatus]
    RUN_STATUS_RUNNING: _ClassVar[RunStatus]
    RUN_STATUS_CANCELLING: _ClassVar[RunStatus]
    RUN_STATUS_SUCCEEDED: _ClassVar[RunStatus]
    RUN_STATUS_FAILED: _ClassVar[RunStatus]
    RUN_STATUS_CANCELLED: _ClassVar[RunStatus]

class StepStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_STATUS_UNSPECIFIED: _ClassVar[StepStatus]
    STEP_STATUS_PENDING: _ClassVar[StepStatus]
    STEP_STATUS_RUNNING: _ClassVar[StepStatus]
    STEP_STATUS_RETRY_WAIT: _ClassVar[StepStatus]
    STEP_STATUS_SUCCEEDED: _ClassVar[StepStatus]
    STEP_STATUS_FAILED: _ClassVar[StepStatus]
    STEP_STATUS_SKIPPED: _ClassVar[StepStatus]
    STEP_STATUS_CANCELLED: _ClassVar[StepStatus]

class FailureReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_REASON_UNSPECIFIED: _ClassVar[FailureReason]
    FAILURE_REASON_EXIT_CODE: _ClassVar[FailureReason]
    FAILURE_REASON_SIGNAL: _ClassVar[FailureReason]
    FAILURE_REASON_TIMEOUT: _ClassVar[FailureReason]
    FAILURE_REASON_SPAWN_ERROR: _ClassVar[FailureReason]
    FAILURE_REASON_OUTPUT_LIMIT: _ClassVar[FailureReason]
    FAILURE_REASON_LOST: _ClassVar[FailureReason]
    FAILURE_REASON_INTERRUPTED: _ClassVar[FailureReason]
    FAILURE_REASON_OUTPUTS: _ClassVar[FailureReason]

class SkipReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SKIP_REASON_UNSPECIFIED: _ClassVar[SkipReason]
    SKIP_REASON_UPSTREAM_NOT_SUCCEEDED: _ClassVar[SkipReason]
    SKIP_REASON_NO_UPSTREAM_FAILED: _ClassVar[SkipReason]
RUN_STATUS_UNSPECIFIED: RunStatus
RUN_STATUS_RUNNING: RunStatus
RUN_STATUS_CANCELLING: RunStatus
RUN_STATUS_SUCCEEDED: RunStatus
RUN_STATUS_FAILED: RunStatus
RUN_STATUS_CANCELLED: RunStatus
STEP_STATUS_UNSPECIFIED: StepStatus
STEP_STATUS_PENDING: StepStatus
STEP_STATUS_RUNNING: StepStatus
STEP_STATUS_RETRY_WAIT: StepStatus
STEP_STATUS_SUCCEEDED: StepStatus
STEP_STATUS_FAILED: StepStatus
STEP_STATUS_SKIPPED: StepStatus
STEP_STATUS_CANCELLED: StepStatus
FAILURE_REASON_UNSPECIFIED: FailureReason
FAILURE_REASON_EXIT_CODE: FailureReason
FAILURE_REASON_SIGNAL: FailureReason
FAILURE_REASON_TIMEOUT: FailureReason
FAILURE_REASON_SPAWN_ERROR: FailureReason
FAILURE_REASON_OUTPUT_LIMIT: FailureReason
FAILURE_REASON_LOST: FailureReason
FAILURE_REASON_INTERRUPTED: FailureReason
FAILURE_REASON_OUTPUTS: FailureReason
SKIP_REASON_UNSPECIFIED: SkipReason
SKIP_REASON_UPSTREAM_NOT_SUCCEEDED: SkipReason
SKIP_REASON_NO_UPSTREAM_FAILED: SkipReason

class Run(_message.Message):
    __slots__ = ("run_id", "name", "status", "spec", "request_id", "create_time", "end_time", "steps", "last_seq", "principal", "cancel_reason", "cancel_principal", "params", "labels", "rerun_of", "rerun_run_ids", "deadline", "failure_reason", "schedule_id", "nominal_time")
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
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQ_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CANCEL_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    RERUN_OF_FIELD_NUMBER: _ClassVar[int]
    RERUN_RUN_IDS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    name: str
    status: RunStatus
    spec: _workflow_pb2.WorkflowSpec
    request_id: str
    create_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    steps: _containers.RepeatedCompositeFieldContainer[StepRun]
    last_seq: int
    principal: str
    cancel_reason: str
    cancel_principal: str
    params: _containers.ScalarMap[str, str]
    labels: _containers.ScalarMap[str, str]
    rerun_of: str
    rerun_run_ids: _containers.RepeatedScalarFieldContainer[str]
    deadline: _timestamp_pb2.Timestamp
    failure_reason: FailureReason
    schedule_id: str
    nominal_time: _timestamp_pb2.Timestamp
    def __init__(self, run_id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[_Union[RunStatus, str]] = ..., spec: _Optional[_Union[_workflow_pb2.WorkflowSpec, _Mapping]] = ..., request_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., steps: _Optional[_Iterable[_Union[StepRun, _Mapping]]] = ..., last_seq: _Optional[int] = ..., principal: _Optional[str] = ..., cancel_reason: _Optional[str] = ..., cancel_principal: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., labels: _Optional[_Mapping[str, str]] = ..., rerun_of: _Optional[str] = ..., rerun_run_ids: _Optional[_Iterable[str]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., failure_reason: _Optional[_Union[FailureReason, str]] = ..., schedule_id: _Optional[str] = ..., nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StepRun(_message.Message):
    __slots__ = ("step_id", "status", "attempts", "next_attempt_time", "skip_cause_step_id", "effective_retry", "outputs", "skip_reason", "carried_from_run_id")
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
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    SKIP_CAUSE_STEP_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_RETRY_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    CARRIED_FROM_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    status: StepStatus
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    next_attempt_time: _timestamp_pb2.Timestamp
    skip_cause_step_id: str
    effective_retry: _workflow_pb2.RetryPolicy
    outputs: _containers.ScalarMap[str, str]
    skip_reason: SkipReason
    carried_from_run_id: str
    def __init__(self, step_id: _Optional[str] = ..., status: _Optional[_Union[StepStatus, str]] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., skip_cause_step_id: _Optional[str] = ..., effective_retry: _Optional[_Union[_workflow_pb2.RetryPolicy, _Mapping]] = ..., outputs: _Optional[_Mapping[str, str]] = ..., skip_reason: _Optional[_Union[SkipReason, str]] = ..., carried_from_run_id: _Optional[str] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ("number", "start_time", "end_time", "pid", "exit_code", "failure_reason", "message", "output_bytes", "duration", "finished", "signal")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BYTES_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    number: int
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    pid: int
    exit_code: int
    failure_reason: FailureReason
    message: str
    output_bytes: int
    duration: _duration_pb2.Duration
    finished: bool
    signal: int
    def __init__(self, number: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pid: _Optional[int] = ..., exit_code: _Optional[int] = ..., failure_reason: _Optional[_Union[FailureReason, str]] = ..., message: _Optional[str] = ..., output_bytes: _Optional[int] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., finished: bool = ..., signal: _Optional[int] = ...) -> None: ...
