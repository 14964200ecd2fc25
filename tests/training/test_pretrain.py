"""Continued pretraining's masked-LM loss: computing the last layer at the masked positions only
gives the full model's loss and gradients; other encoder families (MPNet) get the same loss through
their own head, which head warm-up trains."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import (
    AutoModelForMaskedLM,
    AutoTokenizer,
    DataCollatorForLanguageModeling,
    DistilBertConfig,
    DistilBertForMaskedLM,
    MPNetConfig,
    MPNetForMaskedLM,
)

from dapt.errors import UserError
from dapt.training.builders import mlm_head
from dapt.training.pretrain import head_parameters, masked_lm_loss, pack_sequences


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


def test_an_mpnet_encoders_masked_lm_loss_is_its_own_and_its_head_is_what_warm_up_trains(
    tiny_model_dir: Path, masked_batch: dict[str, torch.Tensor]
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    config = MPNetConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, pad_token_id=tokenizer.pad_token_id)  # fmt: skip
    model = MPNetForMaskedLM(config).eval()
    loss = masked_lm_loss(model, masked_batch["input_ids"], masked_batch["labels"])
    assert loss.item() == pytest.approx(model(**masked_batch).loss.item(), abs=1e-5)
    head = {id(p) for p in head_parameters(model)}
    assert head == {id(p) for p in model.lm_head.parameters()} - {id(model.get_input_embeddings().weight)}
    assert head and id(model.get_input_embeddings().weight) not in head  # the tied decoder stays with the body


def test_a_masked_lm_with_its_head_spread_over_several_modules_is_refused_in_one_line() -> None:
    model = DistilBertForMaskedLM(DistilBertConfig(vocab_size=50, dim=16, n_layers=1, n_heads=2, hidden_dim=32))
    with pytest.raises(UserError, match="DistilBertForMaskedLM: no single masked-LM head beside the encoder"):
        mlm_head(model)
