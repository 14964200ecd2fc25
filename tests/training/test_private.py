"""DP-SGD for causal-LM pretraining: the noise found for a target ε spends that ε (and no more) over
the step budget, a smaller ε takes more noise, the stage reports (ε, δ) and saves a plain model, and
masked-LM pretraining asked for DP is a one-line error."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from dapt.config import DPConfig
from dapt.errors import UserError
from dapt.io import write_jsonl
from dapt.request import run_config
from dapt.runs import RunFolder
from dapt.training.builders import pick_device
from dapt.training.pretrain import language_modelling, pretrain, with_adapter
from dapt.training.private import delta_for, train_private
from tests.conftest import sample_rows
from tests.slices import make_slice


@pytest.fixture(scope="module")
def corpus_texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("dp-corpus")
    return [row["text"] for row in sample_rows(make_slice("medical", folder, corpus_docs=40).inputs.corpus, 40)]


def private_training(folder: Path, texts: list[str], epsilon: float, steps: int):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    settings = run_config("medical", None, {"base_model": str(folder)}).pretrain
    model = with_adapter(model, settings, "lora", [])
    blocks = language_modelling("clm", tokenizer, 0.0).pack(tokenizer, texts, 32)
    losses, spent = train_private(model, blocks, steps, 8, 3e-3, DPConfig(target_epsilon=epsilon), pick_device(),
                                  lambda *_: None, math.inf, seed=0)  # fmt: skip
    return blocks, losses, spent


@pytest.mark.parametrize("epsilon", [1.0, 8.0])
def test_the_noise_found_for_a_target_epsilon_spends_it_over_the_step_budget(
    tiny_causal_dir: Path, corpus_texts: list[str], epsilon: float
) -> None:
    blocks, losses, spent = private_training(tiny_causal_dir, corpus_texts, epsilon, steps=12)
    assert 0.95 * epsilon <= spent.epsilon <= 1.01 * epsilon  # Opacus' search tolerance is 0.01
    assert spent.delta == pytest.approx(1 / (10 * len(blocks))) and spent.sample_rate == pytest.approx(8 / len(blocks))
    assert 10 <= len(losses) <= 12  # a Poisson draw of no block trains nothing but is accounted


def test_a_smaller_epsilon_takes_more_noise(tiny_causal_dir: Path, corpus_texts: list[str]) -> None:
    noise = {eps: private_training(tiny_causal_dir, corpus_texts, eps, steps=6)[2].noise_multiplier for eps in (1.0, 8.0)}
    assert noise[1.0] > noise[8.0] > 0


def test_delta_defaults_below_one_over_the_blocks() -> None:
    assert delta_for(DPConfig(target_epsilon=1.0), 500) == pytest.approx(2e-4)
    assert delta_for(DPConfig(target_epsilon=1.0, delta=1e-6), 500) == 1e-6


def test_causal_pretraining_under_dp_reports_epsilon_and_saves_a_plain_model(
    tmp_path: Path, tiny_causal_dir: Path, corpus_texts: list[str]
) -> None:
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_causal_dir, run.tokenizer)
    write_jsonl(run.anonymized("corpus"), ({"text": text} for text in corpus_texts))
    settings = {"steps": 20, "batch_size": 8, "max_length": 32, "learning_rate": 3e-3, "checkpoint_every": 0,
                "dp": {"target_epsilon": 3.0}, "canaries": {"repeats": [0, 20], "candidates": 50}}  # fmt: skip
    result = pretrain(run_config("medical", None, {"base_model": str(tiny_causal_dir), "pretrain": settings}), run)
    report = json.loads(run.report("pretrain").read_text(encoding="utf-8"))
    assert (result.objective, result.method) == ("clm", "lora") and 0 < result.dp_epsilon <= 3.03
    assert report["differential_privacy"]["epsilon"] == result.dp_epsilon and report["differential_privacy"]["noise_multiplier"] > 0
    assert result.heldout_loss_after_head_warmup is not None and result.heldout_loss_after_pretraining is not None
    assert report["memorisation"]["canaries"] and result.steps >= 15
    weights = load_file(run.pretrained_model / "model.safetensors")
    assert not any("lora" in name or "grad_sample" in name or "_module" in name for name in weights)
    assert AutoModelForCausalLM.from_pretrained(run.pretrained_model).num_parameters() > 0


def test_dp_for_masked_lm_pretraining_is_a_one_line_error(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_model_dir, run.tokenizer)
    write_jsonl(run.anonymized("corpus"), ({"text": "the patient is well today"} for _ in range(20)))
    cfg = run_config("medical", None, {"base_model": str(tiny_model_dir), "pretrain": {"dp": {"target_epsilon": 3.0}}})
    with pytest.raises(UserError, match="pretrain.dp is for causal-LM pretraining"):
        pretrain(cfg, run)
