"""Reruns into a run folder: unchanged stages are reused, changed ones and everything after them
are redone, and a stopped anonymization or pretraining goes on to what an unbroken run writes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dapt.cli import run_config
from dapt.flows.reuse import StageChain
from dapt.privacy.anonymize import Outputs, anonymize_source
from dapt.privacy.keys import load_key
from dapt.runs import RunFolder
from dapt.training import pretrain as pretrain_module
from dapt.training.pretrain import pretrain
from tests.conftest import sample_rows, write_rows
from tests.slices import make_slice


@dataclass(frozen=True)
class Count:
    words: int
    source: str


class Stages:
    """Two toy stages that write files and count their calls."""

    def __init__(self, run: RunFolder) -> None:
        self.run = run
        self.calls: list[str] = []

    def count(self, words: int) -> Count:
        self.calls.append("count")
        (self.run.root / "count.txt").write_text(str(words))
        return Count(words, "count.txt")

    def double(self) -> dict[str, int]:
        self.calls.append("double")
        doubled = 2 * int((self.run.root / "count.txt").read_text())
        (self.run.root / "sub").mkdir(exist_ok=True)
        (self.run.root / "sub" / "double.txt").write_text(str(doubled))
        return {"doubled": doubled}

    def run_all(self, words: int, factor: int, refresh: Callable[[], None] | None = None) -> tuple[Count, dict]:
        chain = StageChain(self.run, "first", refresh)
        return chain("count", {"words": words}, self.count, words), chain("double", {"factor": factor}, self.double)


def test_when_rerun_unchanged_then_every_stage_is_reused_with_its_result(tmp_path: Path) -> None:
    stages = Stages(RunFolder(tmp_path))
    first = stages.run_all(3, 2)
    again = stages.run_all(3, 2)
    assert stages.calls == ["count", "double"]
    assert again == first == (Count(3, "count.txt"), {"doubled": 6})
    record = json.loads((tmp_path / "stages" / "double.json").read_text())
    assert list(record["outputs"]) == ["sub/double.txt"]  # what the stage wrote, not what it read


def test_when_a_setting_changes_then_its_stage_and_those_after_are_redone(tmp_path: Path) -> None:
    stages = Stages(RunFolder(tmp_path))
    stages.run_all(3, 2)
    stages.run_all(3, 5)  # only the second stage's settings
    assert stages.calls == ["count", "double", "double"]
    stages.run_all(4, 5)  # the first stage's: both redone
    assert stages.calls == ["count", "double", "double", "count", "double"]
    assert (tmp_path / "sub" / "double.txt").read_text() == "8"


def test_when_an_output_was_changed_then_its_stage_is_redone(tmp_path: Path) -> None:
    stages = Stages(RunFolder(tmp_path))
    stages.run_all(3, 2)
    (tmp_path / "sub" / "double.txt").write_text("tampered")
    stages.run_all(3, 2)
    assert stages.calls == ["count", "double", "double"]
    assert (tmp_path / "sub" / "double.txt").read_text() == "6"


def test_when_a_stage_fails_then_nothing_is_recorded_and_the_rerun_redoes_it(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)

    def broken() -> dict[str, int]:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        StageChain(run, "first")("double", {}, broken)
    assert not run.stage_record("double").exists() and run.stage_record("double.started").exists()


def test_when_a_view_is_refreshed_after_each_stage_then_no_stage_records_it_and_reuse_holds(tmp_path: Path) -> None:
    """A view of the run folder rendered after every stage, also a failed one (as the validation
    page is) is in no stage's outputs: rewriting it never makes a finished stage look changed."""
    stages, view = Stages(RunFolder(tmp_path)), tmp_path / "view.txt"

    def refresh() -> None:
        view.write_text(",".join(sorted(path.name for path in tmp_path.rglob("*.txt") if path != view)))

    stages.run_all(3, 2, refresh)
    stages.run_all(3, 2, refresh)
    assert stages.calls == ["count", "double"] and view.read_text() == "count.txt,double.txt"
    records = [json.loads(path.read_text()) for path in (tmp_path / "stages").glob("*.json")]
    assert len(records) == 2 and not any("view.txt" in record["outputs"] for record in records)
    (tmp_path / "count.txt").unlink()
    with pytest.raises(FileNotFoundError):
        StageChain(stages.run, "other", refresh)("double", {}, stages.double)
    assert view.read_text() == "double.txt"  # refreshed after the failed stage too


@pytest.fixture(scope="module")
def corpus_with_a_bad_row(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    rows = make_slice("medical", folder, corpus_docs=24).inputs.corpus
    kept = sample_rows(rows, 24)
    kept.insert(9, {"id": "empty", "text": "   "})  # quarantined
    return write_rows(folder / "with-bad-row.jsonl", kept)


QUARANTINE = {"input": {"bad_rows": "quarantine"}}


@pytest.fixture(scope="module")
def unbroken(corpus_with_a_bad_row: Path, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    outputs = Outputs.beside(tmp_path_factory.mktemp("unbroken") / "corpus.jsonl")
    anonymize_source(corpus_with_a_bad_row, "corpus", run_config("medical", None, QUARANTINE), load_key(None), outputs)
    return outputs


@pytest.mark.parametrize("cut", [0.0, 0.37, 0.5, 0.81, 1.0], ids=["nothing", "mid-row", "half", "late", "all-rows"])
def test_when_anonymization_stopped_mid_file_then_resume_writes_what_an_unbroken_run_writes(
    cut: float, corpus_with_a_bad_row: Path, unbroken: Outputs, tmp_path: Path
) -> None:
    """A kill leaves a cut line in the text file and findings of rows not yet whole (flushed
    first); the resumed files must equal the unbroken run's, byte for byte."""
    stopped = Outputs.beside(tmp_path / "corpus.jsonl")
    text = unbroken.anonymized.read_bytes()
    stopped.anonymized.write_bytes(text[: int(len(text) * cut)])
    shutil.copy(unbroken.findings, stopped.findings)  # every finding, those of later rows included
    result = anonymize_source(
        corpus_with_a_bad_row, "corpus", run_config("medical", None, QUARANTINE), load_key(None), stopped, resume=True
    )
    for name in ("anonymized", "findings", "quarantine"):
        assert getattr(stopped, name).read_bytes() == getattr(unbroken, name).read_bytes(), name
    assert (result.documents_in, result.documents_out, result.quarantined) == (25, 24, 1)
    assert result.findings == sum(1 for _ in unbroken.findings.open())


class Stopped(Exception):
    pass


@contextmanager
def reporting_to(steps: list[int], stop_at: int | None = None) -> Iterator:
    """A progress reporter that notes each step trained and, at ``stop_at``, kills the stage."""

    def report(done: int, _: str) -> None:
        steps.append(done)
        if done == stop_at:
            raise Stopped

    yield report


def test_when_pretraining_was_stopped_then_resume_ends_with_the_unbroken_runs_weights(
    pretrain_run: RunFolder, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"steps": 7, "head_warmup_steps": 3, "batch_size": 4, "max_length": 32, "checkpoint_every": 2}
    cfg = run_config("medical", None, {"base_model": str(tiny_model_dir), "pretrain": settings})
    reference = RunFolder(tmp_path / "reference")
    shutil.copytree(pretrain_run.root, reference.root)
    unbroken = pretrain(cfg, reference)
    before, after = [], []
    monkeypatch.setattr(pretrain_module, "step_progress", lambda *_, **__: reporting_to(before, stop_at=6))
    with pytest.raises(Stopped):
        pretrain(cfg, pretrain_run)
    assert pretrain_run.pretrain_checkpoint.is_file() and not pretrain_run.pretrained_model.exists()
    monkeypatch.setattr(pretrain_module, "step_progress", lambda *_, **__: reporting_to(after))
    resumed = pretrain(cfg, pretrain_run, resume=True)
    assert (before, after) == ([1, 2, 3, 4, 5, 6], [5, 6, 7])  # stopped in step 6, before its save: on from step 4
    assert not pretrain_run.pretrain_checkpoint.exists()  # removed once the model is saved
    assert resumed.steps == unbroken.steps == 7
    assert resumed.heldout_loss_after_head_warmup == unbroken.heldout_loss_after_head_warmup
    reports = [json.loads(run.report("pretrain").read_text()) for run in (pretrain_run, reference)]
    assert reports[0]["loss_per_step"] == reports[1]["loss_per_step"]
    weights = [load_file(run.pretrained_model / "model.safetensors") for run in (pretrain_run, reference)]
    assert weights[0].keys() == weights[1].keys()
    for name, tensor in weights[1].items():
        assert torch.allclose(weights[0][name], tensor, atol=1e-6), name
