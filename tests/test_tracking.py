"""Experiment tracking: a flow run logged to a real `mlflow server` started here, read back
through MLflow's API; a failed run logged to the default local store; the flatteners' tables."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from mlflow import MlflowClient
from prefect.client.orchestration import get_client

from dapt.cli import run_config
from dapt.errors import UserError
from dapt.flows import domain_adaptation as flow_module
from dapt.flows.domain_adaptation import domain_adaptation
from dapt.runs import RunFolder
from dapt.tracking import curves, flat_numbers, flat_settings, start_tracking
from tests.services import free_port, served
from tests.slices import leaks, make_slice

MLFLOW = Path(sys.executable).with_name("mlflow")


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mlflow server` on an SQLite store, serving artifacts from a folder of its own; its URL."""
    home, port = tmp_path_factory.mktemp("mlflow-server"), free_port()
    command = [str(MLFLOW), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--backend-store-uri", f"sqlite:///{home / 'mlflow.db'}", "--artifacts-destination", str(home / "artifacts")]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with served(command, f"{url}/health", home / "server.log"):
        yield url


def tracked_runs(client: MlflowClient, run_id: str) -> list:
    """The MLflow runs of one dapt run, in every experiment."""
    experiments = [experiment.experiment_id for experiment in client.search_experiments()]
    return client.search_runs(experiments, filter_string=f"tags.`dapt.run_id` = '{run_id}'")


def test_when_tracking_is_mlflow_then_the_run_is_logged_to_the_server_and_read_back_without_pii(
    mlflow_server: str, tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    piece = make_slice("medical", tmp_path, corpus_docs=30, per_label=8)
    settings = {"base_model": str(tiny_model_dir), "tracking": "mlflow", "tracking_uri": mlflow_server}
    cfg = run_config("medical", tiny_config_file, settings)
    run = RunFolder(domain_adaptation(piece.inputs, cfg, tmp_path / "runs" / "medical-run.partial"))
    client = MlflowClient(tracking_uri=mlflow_server)
    [tracked] = tracked_runs(client, run.run_id)
    assert (tracked.info.status, tracked.info.run_name) == ("FINISHED", run.run_id)
    assert client.get_experiment(tracked.info.experiment_id).name == "dapt-medical"
    assert tracked.data.params == flat_settings(cfg.model_dump(mode="json"))
    assert tracked.data.params["finetune.max_steps"] == str(cfg.finetune.max_steps)
    metrics = json.loads(run.metrics.read_text())
    assert tracked.data.metrics["eval.macro_f1"] == pytest.approx(metrics["macro_f1"])
    losses = json.loads(run.report("finetune").read_text())["loss_per_step"]
    history = client.get_metric_history(tracked.info.run_id, "finetune.loss")
    assert [(point.step, point.value) for point in history] == list(enumerate(losses, start=1))
    downloaded = Path(client.download_artifacts(tracked.info.run_id, "", str(tmp_path / "downloaded")))
    sent = sorted(path.relative_to(downloaded).as_posix() for path in downloaded.rglob("*") if path.is_file())
    assert {"model_card.md", "eval/metrics.json", "privacy/pii_report.html", "pretrain/report.json"} <= set(sent)
    assert not [name for name in sent if name.endswith((".jsonl", ".safetensors"))]  # reports only, no data or model
    assert leaks(downloaded, piece.planted) == []
    with get_client(sync_client=True) as prefect:
        flow_run = prefect.read_flow_run(UUID(tracked.data.tags["prefect.flow_run_id"]))
    assert flow_run.name == run.run_id and {"dapt", "medical", run.run_id} <= set(flow_run.tags)


def test_when_a_tracked_run_fails_then_it_is_closed_as_failed_in_the_local_store(
    tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No tracking_uri: an SQLite store beside the run folders; a run that stops keeps what it wrote."""
    piece = make_slice("medical", tmp_path, corpus_docs=20, per_label=8)

    def stops_after_the_config(*args: object) -> None:
        raise RuntimeError("a stage failed")

    monkeypatch.setattr(flow_module, "adapt", stops_after_the_config)
    cfg = run_config("medical", tiny_config_file, {"base_model": str(tiny_model_dir), "tracking": "mlflow"})
    with pytest.raises(RuntimeError, match="a stage failed"):
        domain_adaptation(piece.inputs, cfg, tmp_path / "runs" / "medical-stopped.partial")
    store = tmp_path / "runs" / "mlflow"
    client = MlflowClient(tracking_uri=f"sqlite:///{store / 'mlflow.db'}")
    [tracked] = tracked_runs(client, "medical-stopped")
    assert tracked.info.status == "FAILED"
    assert [item.path for item in client.list_artifacts(tracked.info.run_id)] == ["config.yaml"]
    assert (store / "artifacts").is_dir()  # artifacts beside the database, not in the working folder


def test_when_the_tracking_server_does_not_answer_then_the_run_stops_at_once_with_one_line(
    tmp_path: Path, tiny_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    cfg = run_config("medical", tiny_config_file, {"tracking": "mlflow", "tracking_uri": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(UserError, match=r"^tracking_uri http://127.0.0.1:\d+: MLflow did not answer \(\w+\)"):
        start_tracking(cfg, RunFolder(tmp_path / "medical-run.partial"), None)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"macro_f1": 0.5, "labels": ["a", "b"], "note": "text"}, {"eval.macro_f1": 0.5}),
        ({"per_class": {"general pathological (a/b)": {"f1-score": 1}}}, {"eval.per_class.general pathological _a/b_.f1-score": 1.0}),
        ({"stopped_early": True, "epsilon": None, "steps": 3}, {"eval.steps": 3.0}),
    ],
)  # fmt: skip
def test_flat_numbers_keeps_numbers_under_mlflow_safe_dotted_keys(data: dict, expected: dict) -> None:
    assert flat_numbers(data, "eval") == expected


def test_flat_settings_and_curves() -> None:
    assert flat_settings({"domain": "medical", "finetune": {"max_steps": 3, "seed": None}}) == {
        "domain": "medical", "finetune.max_steps": "3", "finetune.seed": "None",
    }  # fmt: skip
    report = {"loss_per_step": [2.0, 1.5], "validations": [{"step": 2, "loss": 1.0, "macro_f1": 0.5}]}
    assert list(curves(report, "finetune")) == [
        ("finetune.loss", 2.0, 1), ("finetune.loss", 1.5, 2),
        ("finetune.validation.loss", 1.0, 2), ("finetune.validation.macro_f1", 0.5, 2),
    ]  # fmt: skip
