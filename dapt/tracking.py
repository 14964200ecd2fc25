"""Experiment tracking: with ``tracking: mlflow`` each flow run is one MLflow run.

It opens when the flow starts (so a tracking server that cannot be reached stops the run before
any work) and closes when the flow ends, finished or failed. It then holds the resolved config as
params, every number of the stage reports and of ``eval/metrics.json`` as metrics, the loss and
validation curves as step metrics, and the reports themselves as artifacts. Only what the run
folder's reports already hold leaves the machine: no data file, no model, never the key.
MLflow is imported here only, and only when tracking is on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dapt import __version__
from dapt.errors import UserError
from dapt.progress import stage_logger
from dapt.runs import MANIFEST, RunFolder, read_json

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from dapt.config import RunConfig

LOCAL_STORE = "mlflow"  # beside the run folders: mlflow.db and artifacts/
REPORTED_STAGES = ("vocab", "pretrain", "finetune")
BATCH, PARAM_BATCH = 1000, 100  # MLflow's limits of metrics and params per log_batch call
NOT_IN_KEYS = re.compile(r"[^A-Za-z0-9_\-. /]+")  # MLflow's allowed key characters


def flat_numbers(data: Any, prefix: str) -> dict[str, float]:
    """Every number in nested mappings, keyed by its dotted path (lists and text left out)."""
    if isinstance(data, bool) or data is None:
        return {}
    if isinstance(data, int | float):
        return {NOT_IN_KEYS.sub("_", prefix): float(data)}
    if isinstance(data, dict):
        return {
            key: value for name, item in data.items() for key, value in flat_numbers(item, f"{prefix}.{name}").items()
        }
    return {}


def flat_settings(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A config's settings as MLflow params: dotted keys, values as text."""
    params = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            params |= flat_settings(value, f"{key}.")
        else:
            params[key] = str(value)
    return params


def curves(report: dict[str, Any], stage: str) -> Iterator[tuple[str, float, int]]:
    """(key, value, step) of a stage report's curves: ``loss_per_step`` and the validations."""
    for step, loss in enumerate(report.get("loss_per_step") or [], start=1):
        yield f"{stage}.loss", float(loss), step
    for check in report.get("validations") or []:
        for name, value in flat_numbers({k: v for k, v in check.items() if k != "step"}, f"{stage}.validation").items():
            yield name, value, int(check["step"])


def report_files(run: RunFolder) -> list[Path]:
    """The run's reports and card, as far as the run got: what a tracking server receives."""
    candidates = [run.config, run.validation_report, run.pii_report("json"), run.pii_report("html"),
                  *(run.report(stage) for stage in REPORTED_STAGES), run.metrics, run.eval_report, run.model_card,
                  run.root / MANIFEST]  # fmt: skip
    return [path for path in candidates if path.is_file()]


def local_store(run: RunFolder) -> Path:
    """The default tracking store's folder, beside the run folders: mlflow.db and artifacts/."""
    folder = (run.root.parent / LOCAL_STORE).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mlflow_client(uri: str) -> MlflowClient:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise UserError("tracking: mlflow needs MLflow", "install it: pip install 'dapt[tracking]'") from None
    return MlflowClient(tracking_uri=uri)


def experiment_id(client: MlflowClient, name: str, artifacts: Path | None) -> str:
    """The experiment's id, created on first use (local stores keep artifacts beside the database)."""
    found = client.get_experiment_by_name(name)
    if found:
        return found.experiment_id
    return client.create_experiment(name, artifact_location=artifacts.as_uri() if artifacts else None)


@dataclass
class TrackedRun:
    """One open MLflow run of a flow run."""

    client: MlflowClient
    run_id: str

    def finish(self, run: RunFolder, failed: bool = False) -> None:
        """Log what the run folder holds now and close the MLflow run. A tracking server that
        fails here is warned about: the run folder, complete or not, stays as it is."""
        try:
            self.log_metrics(run)
            for path in report_files(run):
                folder = path.parent.relative_to(run.root).as_posix()
                self.client.log_artifact(self.run_id, str(path), None if folder == "." else folder)
            self.client.set_terminated(self.run_id, "FAILED" if failed else "FINISHED")
        except Exception as error:  # MLflow raises its own and requests' errors alike
            stage_logger().warning("tracking: MLflow run %s not fully logged (%s)", self.run_id, type(error).__name__)

    def log_metrics(self, run: RunFolder) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        metrics = [Metric(key, value, now, step) for key, value, step in run_numbers(run)]
        for start in range(0, len(metrics), BATCH):
            self.client.log_batch(self.run_id, metrics=metrics[start : start + BATCH])


def run_numbers(run: RunFolder) -> list[tuple[str, float, int]]:
    """(key, value, step) of every number in the run's reports (step 0) and of their curves."""
    numbers = [(key, value, 0) for key, value in flat_numbers(read_json(run.metrics) or {}, "eval").items()]
    numbers += [
        (key, value, 0) for key, value in flat_numbers(read_json(run.pii_report("json")) or {}, "privacy").items()
    ]
    for stage in REPORTED_STAGES:
        report = read_json(run.report(stage)) or {}
        numbers += [(key, value, 0) for key, value in flat_numbers(report, stage).items()]
        numbers += list(curves(report, stage))
    return numbers


def start_tracking(cfg: RunConfig, run: RunFolder, flow_run_id: str | None) -> TrackedRun | None:
    """Open the MLflow run of this flow run (None when tracking is off), with the config as params."""
    if cfg.tracking == "none":
        return None
    store = None if cfg.tracking_uri else local_store(run)
    uri = cfg.tracking_uri or f"sqlite:///{store / 'mlflow.db'}"
    client = mlflow_client(uri)
    artifacts = store / "artifacts" if store else None
    try:
        experiment = experiment_id(client, cfg.tracking_experiment or f"dapt-{cfg.domain}", artifacts)
    except Exception as error:  # MLflow raises its own and requests' errors alike
        raise UserError(f"tracking_uri {uri}: MLflow did not answer ({type(error).__name__})",
                        "start the tracking server or fix tracking_uri") from None  # fmt: skip
    tags = {"dapt.run_id": run.run_id, "dapt.domain": cfg.domain, "dapt.version": __version__,
            "dapt.run_folder": str(run.root.with_name(run.run_id)), "prefect.flow_run_id": flow_run_id or ""}  # fmt: skip
    tracked = TrackedRun(client, client.create_run(experiment, run_name=run.run_id, tags=tags).info.run_id)
    from mlflow.entities import Param

    params = [Param(key, value) for key, value in sorted(flat_settings(cfg.model_dump(mode="json")).items())]
    for start in range(0, len(params), PARAM_BATCH):
        client.log_batch(tracked.run_id, params=params[start : start + PARAM_BATCH])
    return tracked
