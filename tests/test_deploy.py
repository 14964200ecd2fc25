"""`dapt deploy` serves a scheduled deployment; a run triggered through the API completes in a new
run folder; a bad schedule or input stops it with one line before anything is served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from prefect import get_client
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL
from typer.testing import CliRunner

from dapt.cli import app
from dapt.flows.scheduled import FLOW_NAME, schedule, scheduled_run
from dapt.request import RunRequest
from tests.slices import make_slice

DAPT = Path(sys.executable).with_name("dapt")


def test_when_deployed_then_the_schedule_is_set_and_a_triggered_run_completes(
    tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    piece = make_slice("medical", tmp_path, corpus_docs=20, per_label=8)
    out = tmp_path / "runs"
    args = ["deploy", "medical", "--cron", "0 2 * * *", "--corpus", str(piece.inputs.corpus), "--task",
            str(piece.inputs.task), "--config", str(tiny_config_file), "--base-model", str(tiny_model_dir), "--out", str(out)]  # fmt: skip
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen([str(DAPT), *args], env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deployment = None
        deadline = time.monotonic() + 180
        with get_client(sync_client=True) as client:
            while deployment is None:
                assert serving.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                try:
                    deployment = client.read_deployment_by_name(f"{FLOW_NAME}/dapt-medical")
                except Exception:  # not served yet
                    time.sleep(0.5)
        assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]
        flow_run = run_deployment(f"{FLOW_NAME}/dapt-medical", timeout=600)
        assert flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()
        [run_dir] = out.iterdir()
        assert not run_dir.name.endswith(".partial") and (run_dir / "manifest.json").is_file()
    finally:
        os.killpg(serving.pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--cron", "every night"], "--cron 'every night' is not a cron line"),
     (["--cron", "0 2 * * *", "--corpus", "nope.jsonl"], "nope.jsonl: file not found")],
    ids=["not a cron line", "missing corpus"],
)
def test_when_deploy_gets_bad_input_then_one_line_and_exit_2(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["deploy", "medical", *args])
    assert result.exit_code == 2 and expected in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_when_prefect_yaml_is_read_then_each_deployment_names_the_flow_and_a_valid_request() -> None:
    """prefect.yaml (for teams with workers) points at the scheduled flow with a request it accepts."""
    project = yaml.safe_load((Path(__file__).parents[1] / "prefect.yaml").read_text(encoding="utf-8"))
    assert project["deployments"]
    for deployment in project["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        assert (Path(__file__).parents[1] / path).is_file() and name == scheduled_run.fn.__name__
        assert RunRequest.model_validate(deployment["parameters"]["request"]).domain in ("medical", "finance")
        assert [schedule(s["cron"]).cron for s in deployment["schedules"]] and deployment["concurrency_limit"] == 1
