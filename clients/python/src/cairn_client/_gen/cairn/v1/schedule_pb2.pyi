import datetime

from cairn_client._gen.cairn.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OverlapPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OVERLAP_POLICY_UNSPECIFIED: _ClassVar[OverlapPolicy]
    OVERLAP_POLICY_SKIP: _ClassVar[OverlapPolicy]
    OVERLAP_POLICY_BUFFER_ONE: _ClassVar[OverlapPolicy]
    OVERLAP_POLICY_ALLOW_ALL: _ClassVar[OverlapPolicy]
    OVERLAP_POLICY_CANCEL_PREVIOUS: _ClassVar[OverlapPolicy]

class NotRunReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOT_RUN_REASON_UNSPECIFIED: _ClassVar[NotRunReason]
    NOT_RUN_REASON_MISSED: _ClassVar[NotRunReason]
    NOT_RUN_REASON_OVERLAP: _ClassVar[NotRunReason]
    NOT_RUN_REASON_SUBMIT_FAILED: _ClassVar[NotRunReason]
OVERLAP_POLICY_UNSPECIFIED: OverlapPolicy
OVERLAP_POLICY_SKIP: OverlapPolicy
OVERLAP_POLICY_BUFFER_ONE: OverlapPolicy
OVERLAP_POLICY_ALLOW_ALL: OverlapPolicy
OVERLAP_POLICY_CANCEL_PREVIOUS: OverlapPolicy
NOT_RUN_REASON_UNSPECIFIED: NotRunReason
NOT_RUN_REASON_MISSED: NotRunReason
NOT_RUN_REASON_OVERLAP: NotRunReason
NOT_RUN_REASON_SUBMIT_FAILED: NotRunReason

class ScheduleDefinition(_message.Message):
    __slots__ = ("schedule_id", "spec", "cron", "time_zone", "params", "labels", "overlap_policy", "catch_up_window")
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
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    CRON_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    OVERLAP_POLICY_FIELD_NUMBER: _ClassVar[int]
    CATCH_UP_WINDOW_FIELD_NUMBER: _ClassVar[int]
    schedule_id: str
    spec: _workflow_pb2.WorkflowSpec
    cron: str
    time_zone: str
    params: _containers.ScalarMap[str, str]
    labels: _containers.ScalarMap[str, str]
    overlap_policy: OverlapPolicy
    catch_up_window: _duration_pb2.Duration
    def __init__(self, schedule_id: _Optional[str] = ..., spec: _Optional[_Union[_workflow_pb2.WorkflowSpec, _Mapping]] = ..., cron: _Optional[str] = ..., time_zone: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., labels: _Optional[_Mapping[str, str]] = ..., overlap_policy: _Optional[_Union[OverlapPolicy, str]] = ..., catch_up_window: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ScheduleEvent(_message.Message):
    __slots__ = ("schedule_id", "schedule_seq", "time", "schedule_created", "schedule_paused", "schedule_resumed", "schedule_deleted", "schedule_fired", "schedule_firings_not_run", "schedule_firing_buffered")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_CREATED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_PAUSED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_RESUMED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_DELETED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIRED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIRINGS_NOT_RUN_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIRING_BUFFERED_FIELD_NUMBER: _ClassVar[int]
    schedule_id: str
    schedule_seq: int
    time: _timestamp_pb2.Timestamp
    schedule_created: ScheduleCreated
    schedule_paused: SchedulePaused
    schedule_resumed: ScheduleResumed
    schedule_deleted: ScheduleDeleted
    schedule_fired: ScheduleFired
    schedule_firings_not_run: ScheduleFiringsNotRun
    schedule_firing_buffered: ScheduleFiringBuffered
    def __init__(self, schedule_id: _Optional[str] = ..., schedule_seq: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., schedule_created: _Optional[_Union[ScheduleCreated, _Mapping]] = ..., schedule_paused: _Optional[_Union[SchedulePaused, _Mapping]] = ..., schedule_resumed: _Optional[_Union[ScheduleResumed, _Mapping]] = ..., schedule_deleted: _Optional[_Union[ScheduleDeleted, _Mapping]] = ..., schedule_fired: _Optional[_Union[ScheduleFired, _Mapping]] = ..., schedule_firings_not_run: _Optional[_Union[ScheduleFiringsNotRun, _Mapping]] = ..., schedule_firing_buffered: _Optional[_Union[ScheduleFiringBuffered, _Mapping]] = ...) -> None: ...

class ScheduleCreated(_message.Message):
    __slots__ = ("definition", "principal", "paused")
    DEFINITION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    definition: ScheduleDefinition
    principal: str
    paused: bool
    def __init__(self, definition: _Optional[_Union[ScheduleDefinition, _Mapping]] = ..., principal: _Optional[str] = ..., paused: bool = ...) -> None: ...

class SchedulePaused(_message.Message):
    __slots__ = ("principal", "note")
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    principal: str
    note: str
    def __init__(self, principal: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ScheduleResumed(_message.Message):
    __slots__ = ("principal",)
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    principal: str
    def __init__(self, principal: _Optional[str] = ...) -> None: ...

class ScheduleDeleted(_message.Message):
    __slots__ = ("principal",)
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    principal: str
    def __init__(self, principal: _Optional[str] = ...) -> None: ...

class ScheduleFired(_message.Message):
    __slots__ = ("nominal_time", "run_id", "manual", "cancelled_run_id")
    NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    MANUAL_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    nominal_time: _timestamp_pb2.Timestamp
    run_id: str
    manual: bool
    cancelled_run_id: str
    def __init__(self, nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run_id: _Optional[str] = ..., manual: bool = ..., cancelled_run_id: _Optional[str] = ...) -> None: ...

class ScheduleFiringsNotRun(_message.Message):
    __slots__ = ("reason", "first_nominal_time", "last_nominal_time", "count", "message")
    REASON_FIELD_NUMBER: _ClassVar[int]
    FIRST_NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    reason: NotRunReason
    first_nominal_time: _timestamp_pb2.Timestamp
    last_nominal_time: _timestamp_pb2.Timestamp
    count: int
    message: str
    def __init__(self, reason: _Optional[_Union[NotRunReason, str]] = ..., first_nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., count: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class ScheduleFiringBuffered(_message.Message):
    __slots__ = ("nominal_time",)
    NOMINAL_TIME_FIELD_NUMBER: _ClassVar[int]
    nominal_time: _timestamp_pb2.Timestamp
    def __init__(self, nominal_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
