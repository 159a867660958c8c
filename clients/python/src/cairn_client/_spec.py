"""Conversion of workflow files (YAML), dicts and strings to the WorkflowSpec message."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

import yaml
from google.protobuf.duration_pb2 import Duration

from cairn_client._gen.cairn.v1 import workflow_pb2

WorkflowSource = Union[workflow_pb2.WorkflowSpec, Mapping[str, Any], str, "os.PathLike[str]"]
"""Anything submit() accepts: a WorkflowSpec, a dict, a YAML string or a file path."""

_UNIT_NANOS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")

_WORKFLOW_KEYS = ("name", "max_parallel", "fail_fast", "working_dir", "env", "defaults", "steps")
_DEFAULTS_KEYS = ("timeout", "retry")
_STEP_KEYS = ("id", "run", "argv", "depends_on", "timeout", "retry", "env")
_RETRY_KEYS = (
    "max_attempts",
    "initial_backoff",
    "multiplier",
    "max_backoff",
    "jitter",
    "retry_on_exit_codes",
)


def parse_duration(value: Union[str, int, float], where: str = "duration") -> Duration:
    """Parses a Go-style duration (``500ms``, ``1h30m``) or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a duration, got {value!r}")
    if isinstance(value, (int, float)):
        nanos = round(value * 1_000_000_000)
    elif isinstance(value, str):
        text = value.strip()
        if _BARE_NUMBER.fullmatch(text):
            nanos = round(float(text) * 1_000_000_000)
        else:
            nanos = _parse_units(text, where)
    else:
        raise ValueError(f"{where}: expected a duration like 1m30s, got {value!r}")
    if nanos < 0:
        raise ValueError(f"{where}: a duration must not be negative, got {value!r}")
    duration = Duration()
    duration.FromNanoseconds(nanos)
    return duration


def _parse_units(text: str, where: str) -> int:
    position = 0
    nanos = 0.0
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if match is None:
            raise ValueError(
                f"{where}: invalid duration {text!r} (use units h, m, s, ms, us, ns, e.g. 1h30m)"
            )
        nanos += float(match.group(1)) * _UNIT_NANOS[match.group(2)]
        position = match.end()
    if not text:
        raise ValueError(f"{where}: empty duration")
    return round(nanos)


def to_workflow_spec(source: WorkflowSource) -> workflow_pb2.WorkflowSpec:
    """Converts a WorkflowSpec, dict, YAML string or file path to a WorkflowSpec.

    A file path is read as YAML and its directory becomes the default ``working_dir``. A string
    names a file when such a file exists, and is parsed as YAML otherwise.
    """
    if isinstance(source, workflow_pb2.WorkflowSpec):
        return source
    if isinstance(source, Mapping):
        return from_dict(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _is_file(source)):
        return load_workflow_file(source)
    if isinstance(source, str):
        document = yaml.safe_load(source)
        if not isinstance(document, Mapping):
            raise ValueError(
                "workflow: expected a YAML mapping or the path of an existing workflow file, "
                f"got {source[:80]!r}"
            )
        return from_dict(document)
    raise TypeError(
        f"workflow: expected a WorkflowSpec, dict, YAML string or path, got {type(source).__name__}"
    )


def _is_file(text: str) -> bool:
    # A multi-line string is YAML; checking it against the file system would be wasted work.
    return "\n" not in text and os.path.isfile(text)


def load_workflow_file(path: Union[str, "os.PathLike[str]"]) -> workflow_pb2.WorkflowSpec:
    """Reads a YAML workflow file; ``working_dir`` defaults to the file's directory."""
    file_path = Path(path)
    with open(file_path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, Mapping):
        raise ValueError(f"{file_path}: expected a YAML mapping at the top level")
    spec = from_dict(document)
    if not spec.working_dir:
        spec.working_dir = str(file_path.resolve().parent)
    return spec


def from_dict(document: Mapping[str, Any]) -> workflow_pb2.WorkflowSpec:
    """Converts the workflow dict shape (as in a YAML file) to a WorkflowSpec."""
    _check_keys(document, _WORKFLOW_KEYS, "workflow")
    spec = workflow_pb2.WorkflowSpec()
    if "name" in document:
        spec.name = _string(document["name"], "name")
    if "max_parallel" in document:
        spec.max_parallel = _non_negative_int(document["max_parallel"], "max_parallel")
    if "fail_fast" in document:
        spec.fail_fast = _bool(document["fail_fast"], "fail_fast")
    if "working_dir" in document:
        spec.working_dir = _string(document["working_dir"], "working_dir")
    if "env" in document:
        spec.env.update(_env(document["env"], "env"))
    if "defaults" in document:
        defaults = _mapping(document["defaults"], "defaults")
        _check_keys(defaults, _DEFAULTS_KEYS, "defaults")
        if "timeout" in defaults:
            spec.defaults.timeout.CopyFrom(parse_duration(defaults["timeout"], "defaults.timeout"))
        if "retry" in defaults:
            spec.defaults.retry.CopyFrom(_retry(defaults["retry"], "defaults.retry"))
    steps = document.get("steps", [])
    if not isinstance(steps, list):
        raise ValueError(f"steps: expected a list, got {type(steps).__name__}")
    for index, step in enumerate(steps):
        spec.steps.append(_step(step, f"steps[{index}]"))
    return spec


def _step(value: Any, where: str) -> workflow_pb2.StepSpec:
    step_map = _mapping(value, where)
    _check_keys(step_map, _STEP_KEYS, where)
    step = workflow_pb2.StepSpec()
    if "id" not in step_map:
        raise ValueError(f"{where}: missing key 'id'")
    step.id = _string(step_map["id"], f"{where}.id")
    where = f"steps[{step.id}]"
    if ("run" in step_map) == ("argv" in step_map):
        raise ValueError(f"{where}: exactly one of 'run' or 'argv' is required")
    if "run" in step_map:
        step.run = _string(step_map["run"], f"{where}.run")
    else:
        args = _string_list(step_map["argv"], f"{where}.argv")
        if not args:
            raise ValueError(f"{where}.argv: must not be empty")
        step.argv.args.extend(args)
    if "depends_on" in step_map:
        step.depends_on.extend(_string_list(step_map["depends_on"], f"{where}.depends_on"))
    if "timeout" in step_map:
        step.timeout.CopyFrom(parse_duration(step_map["timeout"], f"{where}.timeout"))
    if "retry" in step_map:
        step.retry.CopyFrom(_retry(step_map["retry"], f"{where}.retry"))
    if "env" in step_map:
        step.env.update(_env(step_map["env"], f"{where}.env"))
    return step


def _retry(value: Any, where: str) -> workflow_pb2.RetryPolicy:
    retry_map = _mapping(value, where)
    _check_keys(retry_map, _RETRY_KEYS, where)
    retry = workflow_pb2.RetryPolicy()
    if "max_attempts" in retry_map:
        retry.max_attempts = _non_negative_int(retry_map["max_attempts"], f"{where}.max_attempts")
    for key in ("initial_backoff", "max_backoff"):
        if key in retry_map:
            getattr(retry, key).CopyFrom(parse_duration(retry_map[key], f"{where}.{key}"))
    for key in ("multiplier", "jitter"):
        if key in retry_map:
            setattr(retry, key, _number(retry_map[key], f"{where}.{key}"))
    if "retry_on_exit_codes" in retry_map:
        codes = retry_map["retry_on_exit_codes"]
        if not isinstance(codes, list) or not all(_is_int(code) for code in codes):
            raise ValueError(f"{where}.retry_on_exit_codes: expected a list of integers")
        retry.retry_on_exit_codes.extend(codes)
    return retry


def _check_keys(mapping: Mapping[str, Any], allowed: tuple, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise ValueError(
                f"{where}: unknown key {key!r} (allowed: {', '.join(allowed)})"
            )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a string, got {value!r}")
    return value


def _string_list(value: Any, where: str) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: expected a list of strings, got {value!r}")
    return list(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_negative_int(value: Any, where: str) -> int:
    if not _is_int(value) or value < 0:
        raise ValueError(f"{where}: expected a non-negative integer, got {value!r}")
    return int(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    return value


_SCALAR_TO_TEXT: Dict[type, Callable[[Any], str]] = {
    bool: lambda value: "true" if value else "false",
    int: str,
    float: str,
    str: lambda value: value,
}


def _env(value: Any, where: str) -> Dict[str, str]:
    env_map = _mapping(value, where)
    env: Dict[str, str] = {}
    for key, item in env_map.items():
        if not isinstance(key, str):
            raise ValueError(f"{where}: variable names must be strings, got {key!r}")
        # YAML turns `PORT: 8080` into an int; environment values are text, so accept scalars.
        convert: Optional[Callable[[Any], str]] = _SCALAR_TO_TEXT.get(type(item))
        if convert is None:
            raise ValueError(f"{where}.{key}: expected a scalar value, got {item!r}")
        env[key] = convert(item)
    return env
