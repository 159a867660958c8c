"""What submit() sends for each kind of workflow source; the server does the parsing."""

import json
import os
from pathlib import Path

import pytest

from cairn_client import WorkflowSpec, parse_duration, submit_request


def test_a_file_is_sent_as_its_text_and_directory(tmp_path: Path):
    path = tmp_path / "flows" / "flow.yaml"
    path.parent.mkdir()
    text = "name: f\nworking_dir: .\nenv: {FLAG: yes}\nsteps:\n  - {id: a, run: 'true'}\n"
    path.write_text(text)

    for source in (path, str(path)):
        request = submit_request(source, request_id="k")

        assert request.workflow_yaml == text
        assert request.base_dir == str(path.parent)
        assert request.request_id == "k"
        assert not request.HasField("spec")


def test_the_directory_is_absolute_and_keeps_symbolic_links(tmp_path: Path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (real / "flow.yaml").write_text("name: f\n")
    (tmp_path / "link").symlink_to(real)
    monkeypatch.chdir(tmp_path)

    assert submit_request(Path("link/../link/flow.yaml")).base_dir == str(tmp_path / "link")


def test_yaml_text_and_dicts_are_sent_without_a_directory():
    text = "name: x\nsteps: [{id: a, argv: ['true'], timeout: 5}]\n"
    document = {"name": "x", "steps": [{"id": "a", "argv": ["true"], "timeout": 5}]}

    from_text = submit_request(text, validate_only=True)
    from_dict = submit_request(document)

    assert (from_text.workflow_yaml, from_text.base_dir, from_text.validate_only) == (text, "", True)
    # JSON is YAML 1.2, so a dict travels as JSON and the server reads it like any file.
    assert json.loads(from_dict.workflow_yaml) == document
    assert from_dict.base_dir == ""


def test_a_workflow_spec_is_sent_as_it_is():
    spec = WorkflowSpec(name="given")

    request = submit_request(spec)

    assert request.spec == spec
    assert request.workflow_yaml == ""


def test_the_client_no_longer_parses_yaml():
    # Whatever the text says, it goes to the server unread: the server's parser decides.
    request = submit_request("fail_fast: yes\nnot even: [valid\n")

    assert request.workflow_yaml.startswith("fail_fast: yes")


@pytest.mark.parametrize("source, error", [("", ValueError), (42, TypeError)])
def test_nothing_to_send_is_refused(source, error):
    with pytest.raises(error):
        submit_request(source)


@pytest.mark.parametrize(
    "text, nanos",
    [
        ("500ms", 500_000_000),
        ("1s", 1_000_000_000),
        ("1h30m", 5_400_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("30", 30_000_000_000),
        (2.5, 2_500_000_000),
    ],
)
def test_parse_duration(text, nanos):
    assert parse_duration(text).ToNanoseconds() == nanos


@pytest.mark.parametrize("text", ["", "abc", "1x", "-1s", True])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_a_one_line_yaml_file_name_that_names_no_file_is_not_found():
    assert not os.path.exists("no-such-file.yaml")
    with pytest.raises(FileNotFoundError, match="no-such-file.yaml"):
        submit_request("no-such-file.yaml")


def test_a_yaml_file_name_that_names_a_directory_says_so(tmp_path):
    directory = tmp_path / "flows.yaml"
    directory.mkdir()
    with pytest.raises(IsADirectoryError, match="is a directory"):
        submit_request(str(directory))
