"""Token classification (named entities): a tag for every word of pre-split sentences, trained with
the sentence classifier's recipe options (LoRA or full fine-tuning with frozen layers, a budget of
optimizer steps, early stopping on entity-level F1 with the best weights kept).

Rows are ``{"tokens": [...], "tags": [...]}`` with BIO tags. Each word's first word piece carries
its tag; the other pieces, and words cut off by ``max_length``, carry none (counted as truncated;
words cut off are predicted ``O`` at evaluation, so they count against recall)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from peft import TaskType, get_peft_model
from seqeval.metrics import classification_report, f1_score
from transformers import AutoModelForTokenClassification, PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import FinetuneConfig
from dapt.errors import UserError
from dapt.training.adapters import adapter_config, merged
from dapt.training.builders import Device, freeze_lower_layers
from dapt.training.data import IGNORED, Encoded
from dapt.training.loop import Batch, Objective, TrainingLog, body_and_head_optimizer, train_with_early_stopping

OUTSIDE = "O"


def encode_words(
    tokenizer: PreTrainedTokenizerBase, rows: list[dict[str, Any]], tags: list[str], max_length: int
) -> Encoded:
    """Word pieces of each row's ``tokens`` with the tag index on each word's first piece."""
    index = {tag: i for i, tag in enumerate(tags)}
    unknown = next(((n, t) for n, row in enumerate(rows) for t in row["tags"] if t not in index), None)
    if unknown is not None:
        raise UserError(f"row {unknown[0] + 1}: tag '{unknown[1]}' is not among the tagger's tags ({', '.join(tags)})",
                        "train with every entity type the data uses, or map the tag to one of them")  # fmt: skip
    encoding = tokenizer([row["tokens"] for row in rows], is_split_into_words=True, truncation=False)
    input_ids, targets, truncated = [], [], 0
    for number, row in enumerate(rows):
        ids, words = encoding["input_ids"][number], encoding.word_ids(number)
        first_pieces = [
            IGNORED if word is None or word == words[position - 1] else index[row["tags"][word]]
            for position, word in enumerate(words)
        ]
        if len(ids) > max_length:
            truncated += 1
            ids, first_pieces = [*ids[: max_length - 1], ids[-1]], [*first_pieces[: max_length - 1], IGNORED]
        input_ids.append(ids)
        targets.append(first_pieces)
    return Encoded(input_ids, targets, truncated, tokenizer.pad_token_id)


def build_tagger(
    source: Path, tags: list[str], cfg: FinetuneConfig, new_token_ids: list[int] | None = None
) -> PreTrainedModel:
    """A token-classification model on ``source``: wrapped in ``cfg.method``'s adapter (adapters.py;
    the tagging layer trains too) or, for full fine-tuning, with its lowest ``freeze_layers`` frozen."""
    model = AutoModelForTokenClassification.from_pretrained(
        source, num_labels=len(tags), id2label=dict(enumerate(tags)), label2id={t: i for i, t in enumerate(tags)}
    )
    if cfg.method == "prompt":
        raise UserError("finetune.method prompt puts learned positions before the words, which a tagger cannot tag",
                        "use prefix (learned keys and values instead), lora, dora, ia3 or full")  # fmt: skip
    adapter = adapter_config(cfg.method, cfg, new_token_ids, TaskType.TOKEN_CLS)
    if adapter is not None:
        return get_peft_model(model, adapter)
    freeze_lower_layers(model.base_model, cfg.freeze_layers)
    return model


@torch.no_grad()
def predict_tags(
    model: PreTrainedModel, data: Encoded, tags: list[str], device: Device, batch_size: int
) -> tuple[list[list[str]], float]:
    """The tag of every first word piece of each row, and the mean loss over them."""
    model.eval()
    predicted, losses = [], []
    for batch in data.batches(batch_size, device.torch_device):
        with device.autocast():
            output = model(**batch)
        losses.append(output.loss.item())
        for row, labels in zip(output.logits.argmax(dim=-1), batch["labels"], strict=True):
            predicted.append([tags[int(i)] for i in row[labels != IGNORED]])
    return predicted, sum(losses) / max(len(losses), 1)


def padded(predicted: list[list[str]], gold: list[list[str]]) -> list[list[str]]:
    """Predictions extended with ``O`` for the words truncation cut off."""
    return [[*p, *[OUTSIDE] * (len(g) - len(p))] for p, g in zip(predicted, gold, strict=True)]


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Entity-level F1 (seqeval, exact spans and types): micro over all entities, and per type."""
    predicted = padded(predicted, gold)
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return {
        "entity_f1": round(float(f1_score(gold, predicted, zero_division=0)), 4),
        "per_type": {name: {k: round(float(v), 4) for k, v in row.items()} for name, row in report.items()},
    }


@dataclass(frozen=True)
class Tagger:
    model: PreTrainedModel
    log: TrainingLog
    trainable_parameters: int


def train_tagger(
    source: Path,
    tokenizer: PreTrainedTokenizerBase,
    tags: list[str],
    train: list[dict[str, Any]],
    validation: list[dict[str, Any]],
    cfg: FinetuneConfig,
    device: Device,
    new_token_ids: list[int] | None = None,
) -> Tagger:
    """Fine-tune a tagger on ``train``, stopping early on entity F1 over ``validation``; with LoRA
    the adapters are merged before it is returned."""
    torch.manual_seed(cfg.seed)
    model = build_tagger(source, tags, cfg, new_token_ids).to(device.torch_device)
    encoded, held_out = (encode_words(tokenizer, rows, tags, cfg.max_length) for rows in (train, validation))
    gold = [row["tags"] for row in validation]
    head = [p for name, p in model.named_parameters() if "classifier" in name]
    body = [p for name, p in model.named_parameters() if "classifier" not in name]
    optimizer = body_and_head_optimizer(body, head, cfg)

    def loss(batch: Batch) -> torch.Tensor:
        return model(**batch).loss

    def validate() -> tuple[float, float]:
        predicted, validation_loss = predict_tags(model, held_out, tags, device, cfg.batch_size * 4)
        return entity_scores(gold, predicted)["entity_f1"], validation_loss

    batches = encoded.shuffled_batches(cfg.batch_size, device.torch_device, random.Random(cfg.seed))
    log = train_with_early_stopping(
        model, optimizer, batches, len(train), Objective("entity_f1", loss, validate), cfg, device
    )
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return Tagger(merged(model).eval(), log, trainable)


def tag_set(rows: list[dict[str, Any]]) -> list[str]:
    """``O``, then ``B-`` and ``I-`` of every entity type in ``rows``' BIO tags."""
    types = sorted({tag[2:] for row in rows for tag in row["tags"] if tag != OUTSIDE})
    return [OUTSIDE, *(f"{prefix}-{kind}" for kind in types for prefix in "BI")]
