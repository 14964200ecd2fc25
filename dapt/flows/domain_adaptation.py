"""The `domain_adaptation` flow: eleven stage functions, composed in order.

Tasks receive paths, ids and settings only — never raw text or the key — and results that touch
raw text are not persisted. Retries and caching are added here, nowhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from dapt.card import run_summary, write_model_card
from dapt.config import RunConfig
from dapt.ingest import Inputs, ingest
from dapt.privacy.anonymize import anonymize
from dapt.privacy.report import write_pii_report
from dapt.privacy.residual import residual_scan
from dapt.runs import RunFolder, complete_run, write_config
from dapt.training.evaluate import evaluate
from dapt.training.finetune import finetune
from dapt.training.pretrain import pretrain
from dapt.validation.stages import validate_raw, validate_task
from dapt.vocab.extend import extend_vocabulary

# Nothing a task returns is persisted: several read raw text. Caching by input hash comes with
# resumable deployments; until then every run recomputes every stage.
STAGE = {"persist_result": False, "cache_policy": NO_CACHE}

ingest_task = task(ingest, name="1 ingest", **STAGE)
validate_raw_task = task(validate_raw, name="2 validate raw corpus", **STAGE)
anonymize_task = task(anonymize, name="3 anonymize", **STAGE)
residual_task = task(residual_scan, name="4 residual-PII scan", **STAGE)
report_task = task(write_pii_report, name="5 PII report", **STAGE)
vocab_task = task(extend_vocabulary, name="6 vocabulary extension", **STAGE)
pretrain_task = task(pretrain, name="7 continued pretraining", **STAGE)
validate_task_task = task(validate_task, name="8 validate task data", **STAGE)
finetune_task = task(finetune, name="9 fine-tune", **STAGE)
evaluate_task = task(evaluate, name="10 evaluate", **STAGE)
card_task = task(write_model_card, name="11 model card + manifest", **STAGE)


@flow(name="domain_adaptation", log_prints=True)
def domain_adaptation(inputs: Inputs, cfg: RunConfig, run_dir: Path, key_file: Path | None = None) -> Path:
    """Run every stage for one domain into ``run_dir``; returns the completed run folder (without
    the ``.partial`` suffix the CLI's folders carry until the manifest is written)."""
    run = RunFolder(run_dir)
    write_config(run, cfg)
    ingest_task(inputs, cfg, run)
    validate_raw_task(inputs.corpus, cfg, run)
    kinds = ["corpus", "task"] + (["eval"] if inputs.eval else [])
    sources = {"corpus": inputs.corpus, "task": inputs.task, "eval": inputs.eval}
    results = [anonymize_task(sources[kind], kind, cfg, key_file, run) for kind in kinds]
    # Raw text stops here: every stage below reads anonymized files only.
    residual = residual_task(kinds, cfg, run)
    report_task(run, results, residual, cfg, key_file)
    vocab_task(cfg, run)
    pretrain_task(cfg, run)
    validate_task_task(run)
    finetune_task(cfg, run, inputs.eval is not None)
    evaluate_task(cfg, run)
    card_task(cfg, run)
    completed = RunFolder(complete_run(run))
    create_markdown_artifact(run_summary(completed), key=summary_key(cfg.domain), description="dapt run summary")
    return completed.root


def summary_key(domain: str) -> str:
    """The Prefect artifact key of a domain's run summaries (lower-case letters, digits, dashes),
    so the UI shows each domain's latest run and its history."""
    return "dapt-" + re.sub(r"[^a-z0-9-]+", "-", domain.lower()) + "-summary"
