"""Stage 9: fine-tune a sequence classifier from the adapted checkpoint (LoRA by default)."""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, TaskType, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer, PreTrainedModel

from dapt.config import FinetuneConfig, RunConfig
from dapt.runs import RunFolder, write_json
from dapt.training.builders import Device, linear_schedule, pick_device
from dapt.training.data import split_task


@dataclass(frozen=True)
class FinetuneResult:
    method: str
    train_examples: int
    trainable_parameters: int
    total_parameters: int
    epochs: int
    first_loss: float
    last_loss: float
    seconds: float


def build_classifier(source: Path, labels: list[str], cfg: FinetuneConfig) -> PreTrainedModel | PeftModel:
    """A classifier on the adapted encoder, wrapped for LoRA or partly frozen for full tuning."""
    model = AutoModelForSequenceClassification.from_pretrained(
        source,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    if cfg.method == "lora":
        lora = LoraConfig(
            task_type=TaskType.SEQ_CLS,
            r=cfg.lora_r,
            lora_alpha=cfg.lora_alpha,
            lora_dropout=cfg.lora_dropout,
            target_modules=["query", "value"],
        )
        return get_peft_model(model, lora)
    frozen = [model.base_model.embeddings, *model.base_model.encoder.layer[: cfg.freeze_layers]]
    for module in frozen if cfg.freeze_layers else []:
        for parameter in module.parameters():
            parameter.requires_grad = False
    return model


def _epochs(model: torch.nn.Module, tokenizer, rows, labels, cfg: FinetuneConfig, device: Device) -> list[float]:
    label_ids = {label: i for i, label in enumerate(labels)}
    steps_per_epoch = -(-len(rows) // cfg.batch_size)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=cfg.learning_rate, weight_decay=0.01)
    schedule = linear_schedule(optimizer, steps_per_epoch * cfg.epochs, warmup=steps_per_epoch // 2)
    rng = random.Random(cfg.seed)
    losses = []
    model.train()
    for _ in range(cfg.epochs):
        order = rng.sample(rows, len(rows))
        for start in range(0, len(order), cfg.batch_size):
            chunk = order[start : start + cfg.batch_size]
            batch = tokenizer(
                [r["text"] for r in chunk], truncation=True, max_length=cfg.max_length, padding=True, return_tensors="pt"
            ).to(device.torch_device)
            targets = torch.tensor([label_ids[r["label"]] for r in chunk], device=device.torch_device)
            with device.autocast():
                loss = model(**batch, labels=targets).loss
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(round(loss.item(), 4))
    return losses


def finetune(cfg: RunConfig, run: RunFolder, has_eval_file: bool) -> FinetuneResult:
    """Train on the anonymized task; save ``finetune/adapter/`` (LoRA) and ``finetune/merged/``."""
    started = time.monotonic()
    settings = cfg.finetune
    torch.manual_seed(settings.seed)
    device = pick_device()
    split = split_task(settings, run, has_eval_file)
    tokenizer = AutoTokenizer.from_pretrained(run.pretrained_model)
    model = build_classifier(run.pretrained_model, split.labels, settings).to(device.torch_device)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    losses = _epochs(model, tokenizer, split.train, split.labels, settings, device)
    if isinstance(model, PeftModel):
        model.save_pretrained(run.adapter)
        (run.adapter / "README.md").unlink(missing_ok=True)  # PEFT's empty template
        model = model.merge_and_unload()
    model.save_pretrained(run.merged_model)
    tokenizer.save_pretrained(run.merged_model)
    window = max(1, min(5, len(losses) // 2))
    result = FinetuneResult(
        method=settings.method,
        train_examples=len(split.train),
        trainable_parameters=trainable,
        total_parameters=total,
        epochs=settings.epochs,
        first_loss=round(sum(losses[:window]) / window, 4),
        last_loss=round(sum(losses[-window:]) / window, 4),
        seconds=round(time.monotonic() - started, 1),
    )
    write_json(run.report("finetune"), {**asdict(result), "device": str(device.torch_device), "loss_per_step": losses})
    return result
