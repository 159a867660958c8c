"""Run and step statuses as Python enums whose members print their names.

The generated protobuf enums (``run_pb2.RunStatus``) are plain ints at run time: a status
read from a message prints as ``3``. These ``enum.IntEnum`` mirrors carry the same names
and values, so ``RunStatus(run.status).name`` reads ``RUN_STATUS_SUCCEEDED``, a member
compares equal to the generated constant, and a member can be put back into a message.
``Name`` and ``Value`` keep the generated wrapper's spelling for code written against it.
A unit test checks that both sides list the same names and values.
"""

from __future__ import annotations

import enum
from typing import Type, TypeVar

_E = TypeVar("_E", bound="_ProtoEnum")


class _ProtoEnum(enum.IntEnum):
    @classmethod
    def Name(cls: Type[_E], value: int) -> str:  # noqa: N802 - the generated wrapper's name
        """The member's name for a number, as ``run_pb2.RunStatus.Name`` gives it."""
        return cls(value).name

    @classmethod
    def Value(cls: Type[_E], name: str) -> _E:  # noqa: N802 - the generated wrapper's name
        """The member for a name, as ``run_pb2.RunStatus.Value`` gives it."""
        try:
            return cls[name]
        except KeyError:
            raise ValueError(f"unknown {cls.__name__} {name!r}") from None

    def __str__(self) -> str:
        return self.name


class RunStatus(_ProtoEnum):
    """A run's status, mirroring ``cairn.v1.RunStatus``."""

    RUN_STATUS_UNSPECIFIED = 0
    RUN_STATUS_RUNNING = 1
    RUN_STATUS_CANCELLING = 2
    RUN_STATUS_SUCCEEDED = 3
    RUN_STATUS_FAILED = 4
    RUN_STATUS_CANCELLED = 5


class StepStatus(_ProtoEnum):
    """A step's status, mirroring ``cairn.v1.StepStatus``."""

    STEP_STATUS_UNSPECIFIED = 0
    STEP_STATUS_PENDING = 1
    STEP_STATUS_RUNNING = 2
    STEP_STATUS_RETRY_WAIT = 3
    STEP_STATUS_SUCCEEDED = 4
    STEP_STATUS_FAILED = 5
    STEP_STATUS_SKIPPED = 6
    STEP_STATUS_CANCELLED = 7
