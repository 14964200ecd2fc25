"""Stage 7: masked-LM continued pretraining on the anonymized corpus.

The packaged MiniLM ships without an MLM head, so the first ``head_warmup_steps`` train only the
head (body frozen) before the whole model trains. Logits are computed at masked positions only,
which on a 30k vocabulary is most of the saving on CPU.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

import torch
from torch.nn.functional import cross_entropy
from transformers import AutoModelForMaskedLM, AutoTokenizer, DataCollatorForLanguageModeling, PreTrainedModel

from dapt.config import RunConfig
from dapt.io import read_jsonl
from dapt.runs import RunFolder, write_json
from dapt.training.builders import Device, base_model_path, pick_device, warmup_then_decay
from dapt.vocab.extend import init_new_embeddings


@dataclass(frozen=True)
class PretrainResult:
    steps: int
    head_warmup_steps: int
    tokens_per_step: int
    sequences: int
    first_loss: float
    last_loss: float
    seconds: float


def pack_sequences(token_lists: list[list[int]], length: int, cls_id: int, sep_id: int) -> list[list[int]]:
    """Concatenate documents and cut them into ``[CLS] … [SEP]`` blocks of exactly ``length``."""
    stream = [token for tokens in token_lists for token in [*tokens, sep_id]]
    body = length - 2
    return [[cls_id, *stream[i : i + body], sep_id] for i in range(0, len(stream) - body + 1, body)]


def masked_lm_loss(model: PreTrainedModel, input_ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over masked positions, projecting only those hidden states to the vocabulary."""
    hidden = model.base_model(input_ids=input_ids).last_hidden_state
    masked = labels != -100
    logits = model.cls(hidden[masked])  # BERT-family head: transform + tied decoder
    return cross_entropy(logits.float(), labels[masked])


def head_parameters(model: PreTrainedModel) -> list[torch.nn.Parameter]:
    """The MLM head's own weights (the decoder is tied to the word embeddings and excluded)."""
    tied = model.get_input_embeddings().weight
    return [p for p in model.cls.parameters() if p is not tied]


def load_adaptable_model(cfg: RunConfig, run: RunFolder) -> tuple[PreTrainedModel, list[str]]:
    """The base model with the extended vocabulary; also the weights the package did not ship."""
    base = base_model_path(cfg.base_model)
    model, info = AutoModelForMaskedLM.from_pretrained(base, output_loading_info=True)
    init_new_embeddings(model, AutoTokenizer.from_pretrained(base), AutoTokenizer.from_pretrained(run.tokenizer))
    return model, sorted(info["missing_keys"])


def _train_steps(
    model: PreTrainedModel, blocks: list[list[int]], collator: DataCollatorForLanguageModeling,
    cfg: RunConfig, device: Device,
) -> list[float]:
    settings = cfg.pretrain
    rng = random.Random(settings.seed)
    order: list[int] = []
    warmup = min(settings.head_warmup_steps, settings.steps)
    for p in model.parameters():
        p.requires_grad = False
    for p in head_parameters(model):
        p.requires_grad = True
    optimizer = torch.optim.AdamW(head_parameters(model), lr=settings.head_learning_rate)
    schedule = warmup_then_decay(optimizer, max(warmup, 1))
    losses = []
    model.train()
    for step in range(settings.steps):
        if step == warmup:  # the head has learnt the basics: now the whole model adapts
            for p in model.parameters():
                p.requires_grad = True
            optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
            schedule = warmup_then_decay(optimizer, settings.steps - warmup, warmup=(settings.steps - warmup) // 10)
        if len(order) < settings.batch_size:
            order += rng.sample(range(len(blocks)), len(blocks))
        batch = collator([{"input_ids": blocks[order.pop()]} for _ in range(settings.batch_size)])
        with device.autocast():
            loss = masked_lm_loss(model, batch["input_ids"].to(device.torch_device), batch["labels"].to(device.torch_device))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(loss.item(), 4))
    return losses


def pretrain(cfg: RunConfig, run: RunFolder) -> PretrainResult:
    """Continue pretraining on ``data/corpus.anonymized.jsonl``; save model, tokenizer and report."""
    started = time.monotonic()
    settings = cfg.pretrain
    torch.manual_seed(settings.seed)
    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(run.tokenizer)
    model, missing = load_adaptable_model(cfg, run)
    model.to(device.torch_device)
    texts = [row["text"] for row in read_jsonl(run.anonymized("corpus"))]
    token_lists = tokenizer(texts, add_special_tokens=False)["input_ids"]
    blocks = pack_sequences(token_lists, settings.max_length, tokenizer.cls_token_id, tokenizer.sep_token_id)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=settings.mlm_probability, return_tensors="pt")
    losses = _train_steps(model, blocks, collator, cfg, device) if blocks else []
    model.save_pretrained(run.pretrained_model)
    tokenizer.save_pretrained(run.pretrained_model)
    window = max(1, min(10, len(losses) // 2))
    result = PretrainResult(
        steps=len(losses),
        head_warmup_steps=min(settings.head_warmup_steps, settings.steps),
        tokens_per_step=settings.batch_size * settings.max_length,
        sequences=len(blocks),
        first_loss=round(sum(losses[:window]) / window, 4) if losses else float("nan"),
        last_loss=round(sum(losses[-window:]) / window, 4) if losses else float("nan"),
        seconds=round(time.monotonic() - started, 1),
    )
    write_json(
        run.report("pretrain"),
        {
            **asdict(result),
            "device": str(device.torch_device),
            "weights_not_in_base_model": missing,
            "head_warmup": f"steps 1-{result.head_warmup_steps}: only the MLM head trains (body frozen, "
            f"lr {settings.head_learning_rate}); then all weights (lr {settings.learning_rate})",
            "loss_per_step": losses,
        },
    )
    return result
