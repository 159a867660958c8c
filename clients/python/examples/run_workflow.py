#!/usr/bin/env python3
"""Submits a workflow, follows its events live and prints the outcome.

    python run_workflow.py [workflow.yaml] [--target HOST:PORT]

Without a file it runs a small built-in workflow. Ctrl-C cancels the run.
"""

from __future__ import annotations

import argparse
import sys

from cairn_client import CairnError, Client, Event, FailureReason, RunStatus, Unauthenticated

BUILT_IN = {
    "name": "example",
    "steps": [
        {"id": "fetch", "run": "echo fetching; sleep 1"},
        {"id": "build", "argv": ["sh", "-c", "echo building"], "depends_on": ["fetch"]},
        {"id": "test", "run": "echo testing", "depends_on": ["build"], "timeout": "1m"},
    ],
}


def describe(event: Event) -> str:
    kind = event.WhichOneof("payload")
    if kind == "step_started":
        started = event.step_started
        return f"{started.step_id}: attempt {started.attempt} started (pid {started.pid})"
    if kind == "step_succeeded":
        return f"{event.step_succeeded.step_id}: succeeded"
    if kind == "step_failed":
        failed = event.step_failed
        reason = FailureReason.Name(failed.reason).replace("FAILURE_REASON_", "")
        return f"{failed.step_id}: attempt {failed.attempt} failed ({reason}) {failed.message}"
    if kind == "step_retry_scheduled":
        retry = event.step_retry_scheduled
        return f"{retry.step_id}: attempt {retry.next_attempt} scheduled"
    if kind == "step_skipped":
        return f"{event.step_skipped.step_id}: skipped ({event.step_skipped.cause_step_id} did not succeed)"
    return kind.replace("_", " ") if kind else "unknown event"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflow", nargs="?", help="a workflow YAML file")
    parser.add_argument("--target", help="server address (default: $CAIRN_SERVER or 127.0.0.1:7420)")
    args = parser.parse_args()

    with Client(args.target) as client:
        submitted = client.submit(args.workflow or BUILT_IN)
        run_id = submitted.run_id
        print(f"run {run_id} submitted")
        try:
            for event in client.watch(run_id):
                print(f"[{event.run_seq:>3}] {describe(event)}")
        except KeyboardInterrupt:
            client.cancel(run_id, reason="interrupted")
            print("cancel requested; waiting for the run to stop")
        run = client.wait(run_id)
    status = RunStatus(run.status)
    print(f"run {run_id}: {status.name.replace('RUN_STATUS_', '')}")
    return 0 if status == RunStatus.RUN_STATUS_SUCCEEDED else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (CairnError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        if isinstance(error, Unauthenticated):
            # The usual cause: the server was started with --data-dir elsewhere than the
            # default, so the client did not find its token file.
            print(
                "hint: set CAIRN_DATA_DIR to the server's --data-dir, or CAIRN_TOKEN to its token",
                file=sys.stderr,
            )
        sys.exit(2)
