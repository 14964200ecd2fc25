"""Data-parallel continued pretraining: `dapt pretrain` in two CPU processes under `accelerate
launch` (as `dapt run` starts it when pretrain.processes is 2) takes the steps one process takes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dapt.cli import run_config
from dapt.runs import RunFolder, write_config
from dapt.training.parallel import Ranks
from dapt.training.pretrain import mlm_targets, pretrain, pretrain_stage

SETTINGS = {"steps": 8, "head_warmup_steps": 2, "batch_size": 4, "max_length": 32, "checkpoint_every": 0}


def test_when_pretraining_runs_in_two_processes_then_it_follows_the_one_process_curve(
    pretrain_run: RunFolder, tiny_model_dir: Path, tmp_path: Path
) -> None:
    """Without dropout (which each process draws for its own rows) the two runs take the same steps."""
    base = tmp_path / "no-dropout"
    shutil.copytree(tiny_model_dir, base)
    config = json.loads((base / "config.json").read_text())
    (base / "config.json").write_text(json.dumps({**config, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}))
    one_cfg = run_config("medical", None, {"base_model": str(base), "pretrain": SETTINGS})
    two_cfg = one_cfg.model_copy(update={"pretrain": one_cfg.pretrain.model_copy(update={"processes": 2})})
    alone = RunFolder(tmp_path / "alone")
    shutil.copytree(pretrain_run.root, alone.root)
    one = pretrain(one_cfg, alone)
    write_config(pretrain_run, two_cfg)  # what `dapt pretrain RUN_DIR` reads in each process
    two = pretrain_stage(two_cfg, pretrain_run)
    reports = [json.loads(run.report("pretrain").read_text()) for run in (alone, pretrain_run)]
    assert (reports[0]["processes"], reports[1]["processes"], two.steps) == (1, 2, one.steps)
    assert reports[1]["loss_per_step"] == pytest.approx(reports[0]["loss_per_step"], abs=2e-4)  # rounded to 4 places
    weights = [load_file(run.pretrained_model / "model.safetensors") for run in (alone, pretrain_run)]
    drift = max((weights[0][name] - weights[1][name]).abs().max().item() for name in weights[0])
    assert drift < 1e-5  # each process trained on half of every batch, with the gradients averaged


@pytest.mark.parametrize(
    ("ranks", "rows", "weight"),
    [(Ranks(0, 1), [0, 1, 2, 3], 1.0), (Ranks(0, 2), [0, 2], 4 / 3), (Ranks(1, 2), [1, 3], 2 / 3)],
)
def test_each_process_takes_every_countth_row_weighted_by_its_share_of_the_masked_tokens(
    ranks: Ranks, rows: list[int], weight: float
) -> None:
    """Rows 0, 2 and 3 carry a masked token: the first of two processes holds two of the three."""
    batch = {"input_ids": torch.arange(4)[:, None], "labels": torch.tensor([[5], [-100], [7], [8]])}
    shared, factor = ranks.share(batch, mlm_targets)
    assert shared["input_ids"].flatten().tolist() == rows and factor == pytest.approx(weight)


def test_when_a_run_folder_has_no_vocabulary_yet_then_dapt_pretrain_says_so_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dapt.cli import app

    run = RunFolder(tmp_path / "run")
    write_config(run, run_config("medical", None, {}))
    result = CliRunner().invoke(app, ["pretrain", str(run.root)])
    assert result.exit_code == 2 and "its vocabulary stage has not run" in result.output
