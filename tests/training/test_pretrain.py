"""Continued pretraining's masked-LM loss: computing the last layer at the masked positions only
gives the full model's loss and gradients."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer, DataCollatorForLanguageModeling

from dapt.training.pretrain import masked_lm_loss, pack_sequences


@pytest.fixture
def masked_batch(tiny_model_dir: Path) -> dict[str, torch.Tensor]:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    texts = ["the patient was seen today and notes say the pain is better"] * 12
    blocks = pack_sequences(tokenizer(texts, add_special_tokens=False)["input_ids"], 24, tokenizer.sep_token_id, [tokenizer.cls_token_id], [tokenizer.sep_token_id])  # fmt: skip
    torch.manual_seed(0)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.3, return_tensors="pt")
    return collator([{"input_ids": block} for block in blocks[:4]])


def gradients(model: torch.nn.Module, loss: torch.Tensor) -> dict[str, torch.Tensor]:
    model.zero_grad()
    loss.backward()
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


def test_masked_only_last_layer_gives_the_full_models_loss_and_gradients(
    tiny_model_dir: Path, masked_batch: dict[str, torch.Tensor]
) -> None:
    model = AutoModelForMaskedLM.from_pretrained(tiny_model_dir).eval()  # dropout off: both sides deterministic
    last_attention = model.bert.encoder.layer[-1].attention.self
    full_queries = []
    hook = last_attention.register_forward_hook(lambda *_: full_queries.append(1))
    fast = masked_lm_loss(model, masked_batch["input_ids"], masked_batch["labels"])
    hook.remove()
    reference = model(input_ids=masked_batch["input_ids"], labels=masked_batch["labels"]).loss
    assert not full_queries, "the last layer's full attention ran"
    assert (masked_batch["labels"] != -100).sum(dim=1).unique().numel() > 1  # rows with different mask counts
    assert fast.item() == pytest.approx(reference.item(), abs=1e-5)
    fast_grads, reference_grads = gradients(model, fast), gradients(model, reference)
    assert fast_grads.keys() == reference_grads.keys()
    for name, grad in reference_grads.items():
        assert torch.allclose(fast_grads[name], grad, atol=1e-5), name
