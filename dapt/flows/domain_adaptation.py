"""The `domain_adaptation` flow: eleven stage functions, composed in order.

Tasks receive paths, ids and settings only — never raw text or the key — and results that touch
raw text are not persisted. Retries and reuse are added here, nowhere else: each stage runs through
a ``StageChain`` (reuse.py), which skips it on a rerun into the same folder when nothing it
depends on changed. No ``from __future__ import annotations``: Prefect validates the parameters
of this flow from its annotations, also when a deployment's process loads it (scheduled.py).
"""

import re
from pathlib import Path

from prefect import Task, flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import TaskRun
from prefect.runtime import flow_run as prefect_flow_run
from prefect.states import State

from dapt.card import run_summary, write_model_card
from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.flows.approval import await_approval
from dapt.flows.reuse import StageChain, first_key
from dapt.ingest import Inputs, ingest
from dapt.privacy.anonymize import anonymize
from dapt.privacy.keys import key_id, load_key
from dapt.privacy.learned import detector_fingerprint
from dapt.privacy.report import write_pii_report
from dapt.privacy.residual import residual_scan
from dapt.runs import RunFolder, complete_run, write_config
from dapt.tracking import start_tracking
from dapt.training.evaluate import evaluate
from dapt.training.finetune import finetune
from dapt.training.pretrain import pretrain_stage
from dapt.validation.report import write_validation_page
from dapt.validation.stages import validate_raw, validate_task
from dapt.vocab.extend import extend_vocabulary


def retry_on_io_error(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry a stage only when it failed reading or writing a file (an OSError: a network share
    that dropped, a file still being copied); a bad input (UserError) or a bug fails at once."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


# Prefect persists nothing and caches nothing: the run folder is the cache (reuse.py).
STAGE = {"persist_result": False, "cache_policy": NO_CACHE}
# Stages that read the input files, which live outside the run folder.
READS_OUTSIDE = {**STAGE, "retries": 2, "retry_delay_seconds": 10, "retry_condition_fn": retry_on_io_error}

ingest_task = task(ingest, name="1 ingest", **READS_OUTSIDE)
validate_raw_task = task(validate_raw, name="2 validate raw corpus", **READS_OUTSIDE)
anonymize_task = task(anonymize, name="3 anonymize", **READS_OUTSIDE)
residual_task = task(residual_scan, name="4 residual-PII scan", **STAGE)
report_task = task(write_pii_report, name="5 PII report", **STAGE)
vocab_task = task(extend_vocabulary, name="6 vocabulary extension", **STAGE)
pretrain_task = task(pretrain_stage, name="7 continued pretraining", **STAGE)
validate_task_task = task(validate_task, name="8 validate task data", **STAGE)
finetune_task = task(finetune, name="9 fine-tune", **STAGE)
evaluate_task = task(evaluate, name="10 evaluate", **STAGE)
card_task = task(write_model_card, name="11 model card + manifest", **STAGE)


@flow(name="domain_adaptation", log_prints=True)
def domain_adaptation(inputs: Inputs, cfg: RunConfig, run_dir: Path, key_file: Path | None = None) -> Path:
    """Run every stage for one domain into ``run_dir``; returns the completed run folder (without
    the ``.partial`` suffix the CLI's folders carry until the manifest is written). With tracking
    on, the run is logged to MLflow as it ends, finished or failed."""
    run = RunFolder(run_dir)
    write_config(run, cfg)
    tracked = start_tracking(cfg, run, label_flow_run(run, cfg))
    try:
        completed = adapt(inputs, cfg, run, key_file)
    except BaseException:
        if tracked:
            tracked.finish(run, failed=True)
        raise
    if tracked:
        tracked.finish(completed)
    publish(completed, cfg)
    return completed.root


def adapt(inputs: Inputs, cfg: RunConfig, run: RunFolder, key_file: Path | None) -> RunFolder:
    """The eleven stages in order, each reused when nothing it depends on changed."""
    sources = {"corpus": inputs.corpus, "task": inputs.task, "eval": inputs.eval}
    surrogate_key = key_id(load_key(key_file))
    first = first_key(list(sources.values()), cfg.domain, load_domain(cfg.domain).fingerprint, surrogate_key)
    # validation/report.html follows the gates' results after every stage, also when a gate stops the run
    stage = StageChain(run, first, refresh=lambda: write_validation_page(run))
    stage("ingest", cfg.input, ingest_task, inputs, cfg, run)
    stage("validate-raw", None, validate_raw_task, inputs.corpus, cfg, run)
    kinds = ["corpus", "task"] + (["eval"] if inputs.eval else [])
    privacy = {**cfg.privacy.model_dump(mode="json"), "detector_files": detector_fingerprint(cfg.privacy.learned_detector)}
    results = [
        stage(f"anonymize-{kind}", privacy, anonymize_task, sources[kind], kind, cfg, key_file, run, resumable=True)
        for kind in kinds
    ]
    # Raw text stops here: every stage below reads anonymized files only.
    residual = stage("residual-scan", None, residual_task, kinds, cfg, run)
    stage("pii-report", None, report_task, run, results, residual, cfg, key_file)
    if cfg.approval == "required":
        await_approval(run, cfg)  # no model sees the data before the report is approved
    stage("vocabulary", [cfg.base_model, cfg.vocab], vocab_task, cfg, run)
    stage("pretrain", cfg.pretrain, pretrain_task, cfg, run, resumable=True)
    split_settings = [cfg.validation, cfg.finetune.eval_fraction, cfg.finetune.seed]  # what the split depends on
    stage("validate-task", split_settings, validate_task_task, cfg, run, inputs.eval is not None)
    stage("finetune", cfg.finetune, finetune_task, cfg, run)
    stage("evaluate", None, evaluate_task, cfg, run)
    stage("model-card", None, card_task, cfg, run)
    return RunFolder(complete_run(run))


def label_flow_run(run: RunFolder, cfg: RunConfig) -> str | None:
    """Name the flow run after the run id and tag it with dapt, the domain and the run id, so the
    Prefect UI finds a run folder's flow run; returns the flow run's id (None outside a flow)."""
    flow_run_id = prefect_flow_run.id
    if flow_run_id is None:
        return None
    with get_client(sync_client=True) as client:
        tags = set(client.read_flow_run(flow_run_id).tags) | {"dapt", cfg.domain, run.run_id}
        client.update_flow_run(flow_run_id, name=run.run_id, tags=sorted(tags))
    return str(flow_run_id)


def publish(completed: RunFolder, cfg: RunConfig) -> None:
    """The run's summary and a link to its validation page as Prefect artifacts."""
    create_markdown_artifact(
        run_summary(completed), key=artifact_key(cfg.domain, "summary"), description="dapt run summary"
    )
    create_link_artifact(
        completed.validation_report.as_uri(),
        "validation/report.html",
        key=artifact_key(cfg.domain, "validation"),
        description="dapt validation results: pass/fail per expectation, rows set aside (no values)",
    )


def artifact_key(domain: str, what: str) -> str:
    """The Prefect artifact key of a domain's run summaries (``what``: summary) or validation
    pages (validation), in lower-case letters, digits and dashes, so the UI shows each domain's
    latest and its history."""
    return "dapt-" + re.sub(r"[^a-z0-9-]+", "-", domain.lower()) + f"-{what}"
