"""Parameters, labels, step outputs and reruns against a real server; CAIRN_SERVER_TESTS=1."""

from __future__ import annotations

import pytest

from cairn_client import AsyncClient, InvalidArgument, RunStatus

pytestmark = pytest.mark.server


def flaky(flag: str) -> dict:
    return {
        "name": "flaky",
        "labels": {"team": "py"},
        "params": [{"name": "who"}, {"name": "mode", "default": "fast"}],
        "steps": [
            {"id": "a", "run": 'echo "greeting=hello $CAIRN_PARAM_who" >> "$CAIRN_OUTPUT"'},
            {"id": "b", "run": f"test -f '{flag}'", "depends_on": ["a"]},
        ],
    }


def test_params_labels_outputs_and_a_rerun(cairn_server, tmp_path):
    flag = tmp_path / "fixed"
    with cairn_server.client() as client:
        with pytest.raises(InvalidArgument) as missing:
            client.submit(flaky(str(flag)))
        assert "'who'" in str(missing.value)

        run_id = client.submit(flaky(str(flag)), params={"who": "$(id)"}, labels={"run": "1"})
        first = client.wait(run_id)
        assert first.status == RunStatus.Value("RUN_STATUS_FAILED")
        assert dict(first.params) == {"who": "$(id)", "mode": "fast"}
        assert dict(first.labels) == {"team": "py", "run": "1"}
        assert first.steps[0].outputs["greeting"] == "hello $(id)"

        flag.write_text("")
        rerun_id = client.rerun(run_id)
        rerun = client.wait(rerun_id)
        assert rerun.status == RunStatus.Value("RUN_STATUS_SUCCEEDED")
        assert rerun.rerun_of == run_id
        assert rerun.steps[0].carried_from_run_id == run_id
        assert rerun.steps[0].outputs["greeting"] == "hello $(id)"
        started = [e.step_started.step_id for e in client.watch(rerun_id) if e.HasField("step_started")]
        assert started == ["b"]

        listed = [summary.run_id for summary in client.list(labels={"run": "1"}, page_size=1)]
        assert listed == [rerun_id, run_id]


def test_async_client_reruns(cairn_server, tmp_path):
    import asyncio

    flag = tmp_path / "fixed"

    async def scenario() -> None:
        async with AsyncClient(cairn_server.target, token=cairn_server.token) as client:
            run_id = await client.submit(flaky(str(flag)), params={"who": "x"})
            await client.wait(run_id)
            flag.write_text("")
            rerun_id = await client.rerun(run_id, steps=["b"])
            rerun = await client.wait(rerun_id)
            assert rerun.status == RunStatus.Value("RUN_STATUS_SUCCEEDED")
            labelled = [s.run_id async for s in client.list(labels={"team": "py"})]
            assert labelled[0] == rerun_id

    asyncio.run(scenario())
