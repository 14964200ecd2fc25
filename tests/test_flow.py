"""Both built-in domains end to end through the Prefect flow, on small slices, with a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from dapt.cli import run_config
from dapt.flows.domain_adaptation import domain_adaptation, summary_key
from tests.slices import leaks, make_slice

EXPECTED = [
    "config.yaml", "data/ingest.json", "data/task_split.json", "validation/raw/result.json", "data/corpus.anonymized.jsonl", "privacy/corpus.findings.jsonl",
    "validation/anonymized/result.json", "privacy/pii_report.html", "privacy/pii_report.json", "vocab/report.json",
    "vocab/tokenizer/tokenizer.json", "pretrain/model/config.json", "pretrain/report.json", "validation/task/result.json",
    "finetune/adapter/adapter_config.json", "finetune/merged/config.json", "eval/metrics.json", "eval/report.html",
    "model_card.md", "manifest.json",
]


@pytest.mark.parametrize("domain", ["medical", "finance"])
def test_when_flow_runs_then_every_artifact_exists_and_no_planted_value_leaks(
    domain: str, tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    piece = make_slice(domain, tmp_path)
    cfg = run_config(domain, tiny_config_file, {"base_model": str(tiny_model_dir)})
    run_dir = domain_adaptation(piece.inputs, cfg, tmp_path / "run.partial")
    assert run_dir == tmp_path / "run" and not (tmp_path / "run.partial").exists()  # completed: renamed
    missing = [name for name in EXPECTED if not (run_dir / name).is_file()]
    assert missing == []
    metrics = json.loads((run_dir / "eval" / "metrics.json").read_text())
    assert {"macro_f1", "accuracy", "per_class", "confusion_matrix"} <= set(metrics)
    assert leaks(run_dir, piece.planted) == []
    with get_client(sync_client=True) as client:
        summaries = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[summary_key(domain)])))
    [summary] = [artifact.data for artifact in summaries if str(run_dir) in artifact.data]
    assert f"macro-F1 {metrics['macro_f1']}" in summary and "residual scan" in summary
