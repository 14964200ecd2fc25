"""Both built-in domains end to end through the Prefect flow, on small slices, with a tiny model."""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.flow_runs import resume_flow_run
from typer.testing import CliRunner

from dapt.cli import app, run_config
from dapt.errors import UserError
from dapt.flows import approval
from dapt.flows.domain_adaptation import artifact_key, domain_adaptation
from dapt.flows.history import flow_runs_of
from dapt.runs import RunFolder, reopen_run, sha256_of
from tests.slices import leaks, make_slice

EXPECTED = [
    "config.yaml", "data/ingest.json", "data/task_split.json", "validation/raw/result.json", "data/corpus.anonymized.jsonl", "privacy/corpus.findings.jsonl",
    "validation/anonymized/result.json", "validation/report.html", "privacy/pii_report.html", "privacy/pii_report.json", "vocab/report.json",
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
        summaries = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[artifact_key(domain, "summary")])))
        pages = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[artifact_key(domain, "validation")])))
    [summary] = [artifact.data for artifact in summaries if str(run_dir) in artifact.data]
    assert f"macro-F1 {metrics['macro_f1']}" in summary and "residual scan" in summary
    assert f"[privacy/pii_report.html]({RunFolder(run_dir).pii_report('html').as_uri()})" in summary
    page = RunFolder(run_dir).validation_report.as_uri()  # the completed folder's page, as a link
    assert [artifact.data for artifact in pages if page in artifact.data] == [f"[validation/report.html]({page})"]


def test_when_the_base_model_is_a_decoder_then_the_flow_pretrains_it_causally_under_dp_and_completes(
    tmp_path: Path, tiny_causal_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    piece = make_slice("medical", tmp_path)
    dp = {"pretrain": {"dp": {"target_epsilon": 8.0}}}
    cfg = run_config("medical", tiny_config_file, {"base_model": str(tiny_causal_dir), **dp})
    run_dir = domain_adaptation(piece.inputs, cfg, tmp_path / "run.partial")
    assert [name for name in EXPECTED if not (run_dir / name).is_file()] == []
    run = RunFolder(run_dir)
    vocab, pretrain = (json.loads(run.report(stage).read_text()) for stage in ("vocab", "pretrain"))
    assert vocab["added"] == 0 and vocab["skipped"] == "the base tokenizer is BPE; dapt mines WordPiece units only"
    assert (pretrain["objective"], pretrain["method"]) == ("clm", "lora") and pretrain["heldout_perplexity"]["after"] > 0
    card = (run_dir / "model_card.md").read_text()
    assert pretrain["memorisation"]["canaries"] and "## Memorisation audit" in card
    assert "secret recovered by greedy decoding" in card
    forgetting = pretrain["offdomain_perplexity"]
    assert f"perplexity {forgetting['before']} → {forgetting['after']}." in card  # the forgetting check
    assert "Continued pretraining (causal-LM, LoRA merged into the weights)" in card
    assert f"perplexity {pretrain['heldout_perplexity']['before']} → {pretrain['heldout_perplexity']['after']}" in card
    assert f"DP-SGD (Opacus, rdp accountant):\n  (ε, δ) = ({pretrain['dp_epsilon']}, " in card and pretrain["dp_epsilon"] <= 8.08
    assert json.loads((run_dir / "pretrain" / "model" / "config.json").read_text())["architectures"] == ["LlamaForCausalLM"]
    assert leaks(run_dir, piece.planted) == []


def stage_records(run_dir: Path) -> dict[str, int]:
    """Each stage record's modification time: a reused stage's record is not written again."""
    return {path.stem: path.stat().st_mtime_ns for path in sorted((run_dir / "stages").glob("*.json"))}


def test_when_a_finished_run_is_rerun_then_unchanged_stages_are_reused_and_changed_ones_redone(
    tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    piece = make_slice("medical", tmp_path, corpus_docs=30, per_label=8)
    cfg = run_config("medical", tiny_config_file, {"base_model": str(tiny_model_dir)})
    run_dir = domain_adaptation(piece.inputs, cfg, tmp_path / "medical-rerun.partial")  # a run id no other test uses
    first = stage_records(run_dir)
    assert "pretrain" in first and "anonymize-corpus" in first and not any(".started" in name for name in first)
    metrics = (run_dir / "eval" / "metrics.json").read_bytes()

    assert domain_adaptation(piece.inputs, cfg, reopen_run(run_dir, "medical")) == run_dir
    assert stage_records(run_dir) == first  # nothing redone
    assert (run_dir / "eval" / "metrics.json").read_bytes() == metrics

    changed = cfg.model_copy(update={"finetune": cfg.finetune.model_copy(update={"max_steps": 3})})
    domain_adaptation(piece.inputs, changed, reopen_run(run_dir, "medical"))
    redone = {name for name, stamp in stage_records(run_dir).items() if stamp != first[name]}
    assert redone == {"finetune", "evaluate", "model-card"}
    assert json.loads((run_dir / "finetune" / "report.json").read_text())["steps"] <= 3
    listed = {entry["path"]: entry["sha256"] for entry in json.loads((run_dir / "manifest.json").read_text())["artifacts"]}
    assert all((run_dir / path).is_file() for path in listed) and not any(p.startswith("stages/") for p in listed)
    assert listed["validation/report.html"] == sha256_of(RunFolder(run_dir).validation_report)  # as the manifest says
    history = flow_runs_of(RunFolder(run_dir).run_id)  # the same three flow runs, from the Prefect API
    assert [(record.state, len(record.stages_run)) for record in history] == [("Completed", len(first)), ("Completed", 0), ("Completed", 3)]
    assert history[2].stages_run == ["9 fine-tune", "10 evaluate", "11 model card + manifest"]
    shown = CliRunner().invoke(app, ["runs", "show", str(run_dir), "--flow-runs"])
    assert shown.exit_code == 0 and shown.output.count("Completed") == 3  # one row per flow run


@contextmanager
def released_on_failure(run: RunFolder) -> Iterator[None]:
    """A failed check while the flow waits for approval rejects the run, so the flow ends and the
    test fails instead of waiting for the flow forever."""
    try:
        yield
    except BaseException:
        if run.approval_request.is_file():
            CliRunner().invoke(app, ["report", "sign", str(run.root), "--reviewer", "test", "--decision", "reject"])
        raise


@pytest.mark.parametrize("decided_in", ["dapt report sign", "the Prefect UI"])
def test_when_approval_is_required_then_the_flow_waits_for_the_decision_and_follows_it(
    decided_in: str, tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Approved with the CLI: the run goes on and the card names the reviewer. Rejected in the UI
    (the input the form sends): the run stops before the vocabulary, and the report says who."""
    monkeypatch.setattr(approval, "POLL_SECONDS", 1)
    piece = make_slice("medical", tmp_path, corpus_docs=20, per_label=8)
    cfg = run_config("medical", tiny_config_file, {"base_model": str(tiny_model_dir), "approval": "required"})
    run = RunFolder(tmp_path / "run.partial")
    with ThreadPoolExecutor(1) as pool, released_on_failure(run):
        flow = pool.submit(contextvars.copy_context().run, domain_adaptation, piece.inputs, cfg, run.root)
        deadline = time.monotonic() + 300
        while not run.approval_request.is_file():
            assert not flow.done() and time.monotonic() < deadline, "the flow did not wait for approval"
            time.sleep(0.2)
        assert not run.report("vocab").exists()  # nothing trains while it waits
        assert "Anonymized corpus (stage 4)" in run.validation_report.read_text()  # the report links to it
        if decided_in == "dapt report sign":
            signed = CliRunner().invoke(app, ["report", "sign", str(run.root), "--reviewer", "Dana Roe, DPO",
                                              "--decision", "approve"])  # fmt: skip
            assert signed.exit_code == 0 and "goes on" in signed.output, signed.output
            finished = flow.result(timeout=600)
            assert "approved by Dana Roe, DPO on " in (finished / "model_card.md").read_text()
        else:
            resume_flow_run(UUID(json.loads(run.approval_request.read_text())["flow_run_id"]),
                            run_input={"reviewer": "Sam Poe, DPO", "decision": "reject", "note": "names left"})  # fmt: skip
            with pytest.raises(UserError, match="rejected by Sam Poe, DPO"):
                flow.result(timeout=300)
            assert not run.report("vocab").exists() and not run.pretrained_model.exists()
            sign_off = json.loads(run.pii_report("json").read_text())["sign_off"]
            assert (sign_off["decision"], sign_off["note"]) == ("reject", "names left")
    assert not run.approval_request.exists()
