from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetServerStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetServerStatsResponse(_message.Message):
    __slots__ = ("commits", "events_appended", "running_attempts", "live_runs", "attempts_started")
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_APPENDED_FIELD_NUMBER: _ClassVar[int]
    RUNNING_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LIVE_RUNS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_STARTED_FIELD_NUMBER: _ClassVar[int]
    commits: int
    events_appended: int
    running_attempts: int
    live_runs: int
    attempts_started: int
    def __init__(self, commits: _Optional[int] = ..., events_appended: _Optional[int] = ..., running_attempts: _Optional[int] = ..., live_runs: _Optional[int] = ..., attempts_started: _Optional[int] = ...) -> None: ...
