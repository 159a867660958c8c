"""Conversion of workflow dicts, YAML strings and files to WorkflowSpec."""

from pathlib import Path

import pytest

from cairn_client import WorkflowSpec, parse_duration, to_workflow_spec

FULL_YAML = """
name: build
max_parallel: 4
fail_fast: false
working_dir: /abs/dir
env: {A: b, PORT: 8080, DEBUG: true}
defaults: {timeout: 10m, retry: {max_attempts: 3, initial_backoff: 1s, multiplier: 2.0, max_backoff: 1m, jitter: 0.2}}
steps:
  - {id: a, run: "echo hi"}
  - {id: b, argv: [make, test], depends_on: [a], timeout: 30m, env: {K: v}, retry: {max_attempts: 2, retry_on_exit_codes: [75]}}
"""


def test_full_yaml_converts_every_field():
    spec = to_workflow_spec(FULL_YAML)

    assert spec.name == "build"
    assert spec.max_parallel == 4
    assert spec.fail_fast is False
    assert spec.working_dir == "/abs/dir"
    assert dict(spec.env) == {"A": "b", "PORT": "8080", "DEBUG": "true"}
    assert spec.defaults.timeout.ToSeconds() == 600
    retry = spec.defaults.retry
    assert (retry.max_attempts, retry.multiplier, retry.jitter) == (3, 2.0, 0.2)
    assert retry.initial_backoff.ToSeconds() == 1
    assert retry.max_backoff.ToSeconds() == 60
    first, second = spec.steps
    assert (first.id, first.WhichOneof("command"), first.run) == ("a", "run", "echo hi")
    assert second.WhichOneof("command") == "argv"
    assert list(second.argv.args) == ["make", "test"]
    assert list(second.depends_on) == ["a"]
    assert second.timeout.ToSeconds() == 1800
    assert dict(second.env) == {"K": "v"}
    assert second.retry.max_attempts == 2
    assert list(second.retry.retry_on_exit_codes) == [75]


def test_dict_and_yaml_give_the_same_spec():
    document = {
        "name": "x",
        "steps": [{"id": "a", "argv": ["true"], "timeout": 5}],
    }
    assert to_workflow_spec(document) == to_workflow_spec("name: x\nsteps: [{id: a, argv: ['true'], timeout: 5}]\n")


def test_workflow_spec_passes_through_unchanged():
    spec = WorkflowSpec(name="given")
    assert to_workflow_spec(spec) is spec


def test_file_path_defaults_working_dir_to_the_file_directory(tmp_path: Path):
    path = tmp_path / "flow.yaml"
    path.write_text("name: f\nsteps:\n  - {id: a, run: 'true'}\n")

    assert to_workflow_spec(path).working_dir == str(tmp_path.resolve())
    assert to_workflow_spec(str(path)).working_dir == str(tmp_path.resolve())


def test_file_path_keeps_an_explicit_working_dir(tmp_path: Path):
    path = tmp_path / "flow.yaml"
    path.write_text("name: f\nworking_dir: /elsewhere\nsteps: []\n")

    assert to_workflow_spec(path).working_dir == "/elsewhere"


@pytest.mark.parametrize(
    "text, nanos",
    [
        ("500ms", 500_000_000),
        ("1s", 1_000_000_000),
        ("1h30m", 5_400_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("2m3s4ms5us6ns", 123_004_005_006),
        ("10", 10_000_000_000),
        (0.25, 250_000_000),
        (3, 3_000_000_000),
    ],
)
def test_durations_go_style_or_seconds(text, nanos):
    assert parse_duration(text).ToNanoseconds() == nanos


@pytest.mark.parametrize("text", ["", "1x", "m", "1 h", "-1s", True, [1]])
def test_invalid_durations_are_rejected(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    "document, named",
    [
        ({"name": "x", "stepz": []}, "'stepz'"),
        ({"defaults": {"timeot": "1s"}}, "'timeot'"),
        ({"defaults": {"retry": {"max_attempt": 1}}}, "'max_attempt'"),
        ({"steps": [{"id": "a", "run": "true", "dependson": ["b"]}]}, "'dependson'"),
        ({"steps": [{"id": "a", "run": "true", "retry": {"jiter": 1}}]}, "'jiter'"),
    ],
)
def test_unknown_keys_are_named(document, named):
    with pytest.raises(ValueError, match=named):
        to_workflow_spec(document)


@pytest.mark.parametrize(
    "step, message",
    [
        ({"id": "a"}, "exactly one of 'run' or 'argv'"),
        ({"id": "a", "run": "x", "argv": ["x"]}, "exactly one of 'run' or 'argv'"),
        ({"id": "a", "argv": []}, "must not be empty"),
        ({"run": "x"}, "missing key 'id'"),
        ({"id": "a", "run": "x", "depends_on": "b"}, "list of strings"),
        ({"id": "a", "run": "x", "timeout": "soon"}, "steps\\[a\\].timeout"),
    ],
)
def test_invalid_steps_are_explained(step, message):
    with pytest.raises(ValueError, match=message):
        to_workflow_spec({"steps": [step]})


def test_a_string_that_is_neither_yaml_mapping_nor_file_is_rejected():
    with pytest.raises(ValueError, match="existing workflow file"):
        to_workflow_spec("no-such-file.yaml")
