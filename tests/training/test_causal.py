"""Causal-LM continued pretraining on a tiny Llama: the objective follows the architecture, documents
pack into EOS-separated blocks whose labels are the inputs, LoRA and the added tokens' rows train
and merge into a plain model that reloads and generates with the extended vocabulary, the held-out
loss falls, and the memorisation audit exposes a canary planted often."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from dapt.config import CAUSAL_LM_DEFAULTS
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.io import write_jsonl
from dapt.request import RunRequest, prepare, run_config
from dapt.runs import RunFolder, write_json
from dapt.training.builders import objective_of
from dapt.training.pretrain import language_modelling, offdomain_texts, pretrain
from tests.conftest import sample_rows
from tests.slices import make_slice

ADDED = ["hypertension", "metoprolol", "echocardiogram"]


def test_the_objective_follows_the_base_models_architecture(tiny_causal_dir: Path, tiny_model_dir: Path) -> None:
    assert objective_of(run_config("medical", None, {"base_model": str(tiny_causal_dir)})) == "clm"
    assert objective_of(run_config("medical", None, {"base_model": str(tiny_model_dir)})) == "mlm"
    forced = {"base_model": str(tiny_causal_dir), "pretrain": {"objective": "mlm"}}
    assert objective_of(run_config("medical", None, forced)) == "mlm"


def test_the_forgetting_check_reads_the_other_domains_samples_only() -> None:
    finance = [row["text"] for row in sample_rows(load_domain("finance").sample.corpus, 5)]
    assert offdomain_texts("medical", 5) == finance
    assert offdomain_texts("medical", 0) == []


def budgets(request: RunRequest) -> tuple[int, str, int, int, int]:
    _, cfg = prepare(request)
    tuning = cfg.finetune
    return cfg.pretrain.steps, tuning.method, tuning.max_steps, tuning.batch_size, tuning.self_training_sentences


def test_when_the_base_model_is_a_decoder_then_a_run_starts_from_the_causal_budgets_under_the_users_config(
    tiny_causal_dir: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    causal = CAUSAL_LM_DEFAULTS["finetune"]
    expected = (CAUSAL_LM_DEFAULTS["pretrain"]["steps"], causal["method"], causal["max_steps"], causal["batch_size"], 0)
    assert budgets(RunRequest(domain="medical", base_model=str(tiny_causal_dir))) == expected
    assert budgets(RunRequest(domain="medical", base_model=str(tiny_model_dir))) == (150, "full", 400, 16, 8000)
    mine = tmp_path / "mine.yaml"
    mine.write_text("finetune: {max_steps: 7}\n", encoding="utf-8")
    assert budgets(RunRequest(domain="medical", base_model=str(tiny_causal_dir), config=mine))[2] == 7


def test_causal_blocks_are_the_documents_in_order_separated_by_eos_and_labelled_by_themselves(
    tiny_causal_dir: Path,
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_causal_dir)
    objective = language_modelling("clm", tokenizer, 0.15)
    texts = ["the patient was seen today", "blood pressure is stable and pain is better", "follow up in a week"] * 5
    blocks = objective.pack(tokenizer, texts, 16)
    stream = [t for ids in tokenizer(texts, add_special_tokens=False)["input_ids"] for t in [*ids, tokenizer.eos_token_id]]
    assert all(len(block) == 16 and block[0] == tokenizer.bos_token_id for block in blocks)
    assert [t for block in blocks for t in block[1:]] == stream[: 15 * len(blocks)]
    batch = objective.collator([{"input_ids": block} for block in blocks[:3]])
    assert torch.equal(batch["labels"], batch["input_ids"])  # the model shifts them; no padding in packed blocks


@pytest.fixture
def causal_run(tmp_path: Path, tiny_causal_dir: Path) -> RunFolder:
    """A run folder as pretraining finds it: the tokenizer with three added words, their ids in the
    vocabulary report, an anonymized corpus."""
    run = RunFolder(tmp_path / "run")
    tokenizer = AutoTokenizer.from_pretrained(tiny_causal_dir)
    tokenizer.add_tokens(ADDED)
    tokenizer.save_pretrained(run.tokenizer)
    write_json(run.report("vocab"), {"new_token_ids": tokenizer.convert_tokens_to_ids(ADDED)})
    texts = [row["text"] for row in sample_rows(make_slice("medical", tmp_path, corpus_docs=40).inputs.corpus, 40)]
    write_jsonl(run.anonymized("corpus"), ({"text": text} for text in texts))
    return run


def test_causal_pretraining_with_lora_lowers_held_out_loss_and_merges_into_a_model_that_generates(
    causal_run: RunFolder, tiny_causal_dir: Path
) -> None:
    settings = {"steps": 120, "batch_size": 8, "max_length": 48, "learning_rate": 3e-3, "heldout_documents": 4,
                "checkpoint_every": 0, "canaries": {"repeats": []}}  # fmt: skip
    result = pretrain(run_config("medical", None, {"base_model": str(tiny_causal_dir), "pretrain": settings}), causal_run)
    report = json.loads(causal_run.report("pretrain").read_text(encoding="utf-8"))
    assert (result.objective, result.method, result.head_warmup_steps, result.steps) == ("clm", "lora", 0, 120)
    assert result.heldout_loss_after_pretraining < result.heldout_loss_after_head_warmup  # before = as it came
    assert report["heldout_perplexity"]["after"] < report["heldout_perplexity"]["before"]
    forgetting, losses = report["offdomain_perplexity"], report["offdomain_loss"]  # the finance sample's text
    assert report["offdomain_documents"] == 50 and losses["before"] != losses["after"]
    assert forgetting["after"] == pytest.approx(math.exp(losses["after"]), rel=1e-3)
    weights = load_file(causal_run.pretrained_model / "model.safetensors")
    assert not any("lora" in name or "trainable_tokens" in name for name in weights)  # merged
    model = AutoModelForCausalLM.from_pretrained(causal_run.pretrained_model)
    tokenizer = AutoTokenizer.from_pretrained(causal_run.pretrained_model)
    base = AutoModelForCausalLM.from_pretrained(tiny_causal_dir)
    assert model.get_input_embeddings().weight.shape[0] == len(tokenizer) == base.config.vocab_size + len(ADDED)
    new_rows = model.get_input_embeddings().weight[-len(ADDED) :]
    assert not torch.allclose(new_rows, new_rows.mean(dim=0))  # each added row trained on its own
    for name in ("model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.v_proj.weight"):
        assert not torch.allclose(model.state_dict()[name], base.state_dict()[name]), name  # LoRA merged in
    prompt = tokenizer("blood pressure", return_tensors="pt")
    written = model.generate(**prompt, max_new_tokens=5, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    assert written.shape[1] == prompt["input_ids"].shape[1] + 5
    assert report["memorisation"] is None and result.canaries_planted == 0  # repeats []: the audit is off


def test_a_causal_lm_trained_on_a_canary_exposes_it_and_not_a_control(causal_run: RunFolder, tiny_causal_dir: Path) -> None:
    settings = {"method": "full", "steps": 150, "batch_size": 16, "max_length": 32, "learning_rate": 3e-3,
                "checkpoint_every": 0, "canaries": {"repeats": [0, 150], "candidates": 200}}  # fmt: skip
    pretrain(run_config("medical", None, {"base_model": str(tiny_causal_dir), "pretrain": settings}), causal_run)
    rows = json.loads(causal_run.report("pretrain").read_text(encoding="utf-8"))["memorisation"]["canaries"]
    controls, planted = ([row["exposure_bits"] for row in rows if row["repeats"] == n] for n in (0, 150))
    assert max(controls) < 4.0 and min(planted) > 6.0, (controls, planted)  # of at most log2(201) = 7.65
    assert any(row["extracted"] for row in rows if row["repeats"])  # greedy decoding from the context writes it


def test_lora_pretraining_of_a_masked_lm_is_a_one_line_error(causal_run: RunFolder, tiny_model_dir: Path) -> None:
    shutil.rmtree(causal_run.tokenizer)
    shutil.copytree(tiny_model_dir, causal_run.tokenizer)
    cfg = run_config("medical", None, {"base_model": str(tiny_model_dir), "pretrain": {"method": "lora"}})
    with pytest.raises(UserError, match="pretrain.method lora is for causal-LM pretraining"):
        pretrain(cfg, causal_run)
