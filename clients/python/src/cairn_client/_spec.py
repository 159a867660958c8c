"""What submit() sends for each kind of workflow source.

The client does not parse workflow files: it sends their text, and the server parses it with
the one parser of the format (YAML 1.2, docs/workflow.md), so a file means the same from
Python, Go and the CLI. A dict is sent as JSON, which is YAML 1.2 too.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from google.protobuf.duration_pb2 import Duration

from cairn_client._gen.cairn.v1 import run_service_pb2, workflow_pb2

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


def parse_duration(value: Union[str, int, float], where: str = "duration") -> Duration:
    """Parses a Go-style duration (``500ms``, ``1h30m``) or a number of seconds.

    A helper for building a WorkflowSpec in code; workflow files are parsed by the server.
    """
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
    if not text:
        raise ValueError(f"{where}: empty duration")
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
    return round(nanos)


def submit_request(
    source: WorkflowSource,
    request_id: Optional[str] = None,
    validate_only: bool = False,
) -> run_service_pb2.SubmitRunRequest:
    """The SubmitRunRequest for a workflow source.

    A WorkflowSpec is sent as it is. A file path (a PathLike, or a one-line string naming an
    existing file) is sent as the file's text with its directory as ``base_dir``, against which
    a relative ``working_dir`` resolves and which is the default working directory. A YAML
    string, or a dict (as JSON), is sent as text without a directory: its ``working_dir`` must
    then be absolute or unset.
    """
    request = run_service_pb2.SubmitRunRequest(
        request_id=request_id or "", validate_only=validate_only
    )
    if isinstance(source, workflow_pb2.WorkflowSpec):
        request.spec.CopyFrom(source)
    elif isinstance(source, Mapping):
        request.workflow_yaml = json.dumps(source, ensure_ascii=False)
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and _is_file(source)):
        text, base_dir = read_workflow_file(source)
        request.workflow_yaml = text
        request.base_dir = base_dir
    elif isinstance(source, str):
        if not source.strip():
            raise ValueError("workflow: empty YAML text")
        if "\n" not in source and source.strip().endswith((".yaml", ".yml")):
            # Meant as a path, surely: sent as text, it would come back as a puzzling error.
            if os.path.isdir(source):
                raise IsADirectoryError(f"workflow file is a directory: {source}")
            raise FileNotFoundError(f"workflow file not found: {source}")
        request.workflow_yaml = source
    else:
        raise TypeError(
            "workflow: expected a WorkflowSpec, dict, YAML string or path, "
            f"got {type(source).__name__}"
        )
    return request


def read_workflow_file(path: Union[str, "os.PathLike[str]"]) -> "tuple[str, str]":
    """A workflow file's text (UTF-8) and its absolute directory, as submit() sends them."""
    file_path = Path(path)
    with open(file_path, encoding="utf-8") as handle:
        text = handle.read()
    # abspath normalizes without resolving symbolic links, as the CLI and the Go client do,
    # so the three send the same directory for the same file.
    return text, os.path.dirname(os.path.abspath(file_path))


def _is_file(text: str) -> bool:
    # A multi-line string is YAML; checking it against the file system would be wasted work.
    return "\n" not in text and os.path.isfile(text)
