"""Stage 7: masked-LM continued pretraining on the anonymized corpus, with random canaries planted
in it and their exposure measured afterwards (canaries.py: the memorisation audit).

The packaged MiniLM ships without an MLM head, so the first ``head_warmup_steps`` train only the
head (body frozen) before the whole model trains. Logits are computed at masked positions only,
which on a 30k vocabulary is most of the saving on CPU.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch.nn.functional import cross_entropy, scaled_dot_product_attention
from transformers import (
    AutoModelForMaskedLM,
    AutoTokenizer,
    BertModel,
    DataCollatorForLanguageModeling,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.models.bert.modeling_bert import BertLayer

from dapt.config import PretrainConfig, RunConfig
from dapt.errors import UserError
from dapt.progress import step_progress
from dapt.runs import RunFolder, training_corpus, write_json
from dapt.training.builders import Device, adamw, base_model_path, pick_device, warmup_then_decay
from dapt.training.canaries import Canary, audit, audit_report, make_canaries, plant
from dapt.vocab.extend import init_new_embeddings

HELDOUT_MASK_SEED = 1234
HELDOUT_BLOCKS = 256  # enough for a stable mean; a few seconds on CPU


@dataclass(frozen=True)
class PretrainResult:
    steps: int
    resumed_after_step: int  # steps a stopped run had saved (0: trained from the start)
    head_warmup_steps: int
    tokens_per_step: int
    sequences: int
    heldout_documents: int
    heldout_loss_after_head_warmup: float | None
    heldout_loss_after_pretraining: float | None
    canaries_planted: int
    highest_canary_exposure_bits: float | None
    first_loss: float
    last_loss: float
    seconds: float


def pack_sequences(token_lists: list[list[int]], length: int, cls_id: int, sep_id: int) -> list[list[int]]:
    """Concatenate documents and cut them into ``[CLS] … [SEP]`` blocks of exactly ``length``."""
    stream = [token for tokens in token_lists for token in [*tokens, sep_id]]
    body = length - 2
    return [[cls_id, *stream[i : i + body], sep_id] for i in range(0, len(stream) - body + 1, body)]


def masked_lm_loss(model: PreTrainedModel, input_ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over masked positions, projecting only those hidden states to the vocabulary.
    On a BERT body the last layer, too, runs at the masked positions only (``last_layer_at``): no
    other position's output reaches the loss, so the loss and its gradients are the full model's."""
    masked = labels != -100
    body = model.base_model
    if not isinstance(body, BertModel):
        return cross_entropy(model.cls(body(input_ids=input_ids).last_hidden_state[masked]).float(), labels[masked])
    *lower, last = body.encoder.layer
    hidden = body.embeddings(input_ids=input_ids)
    for layer in lower:
        hidden = layer(hidden)
    counts = masked.sum(dim=1)
    width = max(1, int(counts.max()))
    positions = torch.argsort((~masked).to(torch.int8), dim=1, stable=True)[:, :width]  # masked ones first
    kept = torch.arange(width, device=labels.device)[None, :] < counts[:, None]
    outputs = last_layer_at(last, hidden, positions)
    return cross_entropy(model.cls(outputs[kept]).float(), labels.gather(1, positions)[kept])


def last_layer_at(layer: BertLayer, hidden: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """``layer``'s output at ``positions`` (batch × k indices) of unpadded ``hidden``: queries there
    only, keys and values everywhere; the feed-forward part at those positions only."""
    attention = layer.attention.self
    batch, width = positions.shape

    def heads(states: torch.Tensor) -> torch.Tensor:
        return states.view(batch, -1, attention.num_attention_heads, attention.attention_head_size).transpose(1, 2)

    queried = hidden.gather(1, positions[..., None].expand(-1, -1, hidden.shape[-1]))
    context = scaled_dot_product_attention(
        heads(attention.query(queried)), heads(attention.key(hidden)), heads(attention.value(hidden)),
        dropout_p=attention.dropout.p if layer.training else 0.0,
    )  # fmt: skip
    attended = layer.attention.output(context.transpose(1, 2).reshape(batch, width, -1), queried)
    return layer.output(layer.intermediate(attended), attended)


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


@dataclass(frozen=True)
class Phase:
    name: str
    steps: int
    learning_rate: float


@dataclass
class Progress:
    """Where pretraining is: the phase, the loss of every step so far, the held-out measurements,
    and the seconds spent by the runs that were stopped before this one."""

    phase: int = 0
    losses: list[float] = field(default_factory=list)
    heldout: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0


class Checkpoints:
    """Saves the whole training state every ``every`` steps (``every`` 0: never), replacing the
    file at once, so a killed run resumes from its last save instead of from nothing."""

    def __init__(self, path: Path, every: int, model: PreTrainedModel, progress: Progress, started: float) -> None:
        self.path, self.every, self.model, self.progress, self.started = path, every, model, progress, started

    def save(self, optimizer: torch.optim.Optimizer, schedule: torch.optim.lr_scheduler.LRScheduler, phase_step: int) -> None:
        """Called after each step of the current phase (``phase_step`` done in it)."""
        if not self.every or len(self.progress.losses) % self.every:
            return
        progress = {**asdict(self.progress), "seconds": self.progress.seconds + time.monotonic() - self.started}
        state = {"model": self.model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                 "phase_step": phase_step, "progress": progress, "rng": torch.get_rng_state()}  # fmt: skip
        partial = self.path.with_name(self.path.name + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, partial)
        partial.replace(self.path)


def train_phase(
    model: PreTrainedModel,
    parameters: list[torch.nn.Parameter],
    phase: Phase,
    batches: Iterator[dict[str, torch.Tensor]],
    device: Device,
    report: Callable[[int, str], None],
    done: int,
    deadline: float,
    checkpoints: Checkpoints | None = None,
    saved: dict[str, Any] | None = None,
) -> list[float]:
    """Train ``parameters`` (all others frozen) for ``phase.steps`` steps or until ``deadline``
    (``time.monotonic()``); returns the loss of each step. Each step's loss goes to
    ``checkpoints.progress`` too; ``saved`` is a checkpoint taken in this phase, to go on from."""
    for p in model.parameters():
        p.requires_grad = False
    for p in parameters:
        p.requires_grad = True
    optimizer = adamw(parameters, phase.learning_rate)
    schedule = warmup_then_decay(optimizer, phase.steps, warmup=phase.steps // 10)
    if saved is not None:
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
    losses: list[float] = []
    model.train()
    for step in range(saved["phase_step"] if saved else 0, phase.steps):
        if time.monotonic() > deadline:
            break
        batch = next(batches)
        with device.autocast():
            loss = masked_lm_loss(
                model, batch["input_ids"].to(device.torch_device), batch["labels"].to(device.torch_device)
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(loss.item(), 4))
        report(done + len(losses), f"{phase.name} loss {loss.item():.3f}")
        if checkpoints is not None:
            checkpoints.progress.losses.append(losses[-1])
            checkpoints.save(optimizer, schedule, step + 1)
    return losses


def endless_batches(
    blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch_size: int, seed: int
) -> Iterator[dict[str, torch.Tensor]]:
    """Masked batches from shuffled passes over ``blocks``."""
    rng = random.Random(seed)
    while True:
        order = rng.sample(range(len(blocks)), len(blocks))
        for start in range(0, len(order), batch_size):
            yield collator([{"input_ids": blocks[i]} for i in order[start : start + batch_size]])


@torch.no_grad()
def heldout_loss(model: PreTrainedModel, batches: list[dict[str, torch.Tensor]], device: Device) -> float | None:
    """Mean masked-LM loss on held-out documents (the same masks every time it is measured)."""
    if not batches:
        return None
    model.eval()
    losses = []
    for batch in batches:
        with device.autocast():
            losses.append(
                masked_lm_loss(
                    model, batch["input_ids"].to(device.torch_device), batch["labels"].to(device.torch_device)
                ).item()
            )
    model.train()
    return round(sum(losses) / len(losses), 4)


def fixed_masks(
    blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch_size: int
) -> list[dict[str, torch.Tensor]]:
    """Masked batches of ``blocks`` drawn once under a fixed seed, so measurements compare."""
    with torch.random.fork_rng():
        torch.manual_seed(HELDOUT_MASK_SEED)
        return [
            collator([{"input_ids": b} for b in blocks[i : i + batch_size]]) for i in range(0, len(blocks), batch_size)
        ]


def resumed(checkpoint: Path, model: PreTrainedModel) -> tuple[Progress, dict[str, Any] | None]:
    """The progress of a stopped run, its model weights loaded into ``model``, and the checkpoint
    (None, with fresh progress, when there is none)."""
    if not checkpoint.is_file():
        return Progress(), None
    saved = torch.load(checkpoint, weights_only=False)
    model.load_state_dict(saved["model"])
    return Progress(**saved["progress"]), saved


def memorisation_audit(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, canaries: list[Canary],
                       settings: PretrainConfig, steps_per_block: float) -> dict[str, Any] | None:  # fmt: skip
    """The exposure table of the planted canaries (None when the audit is off)."""
    if not canaries:
        return None
    started = time.monotonic()
    rows = audit(model, tokenizer, canaries, settings.canaries, settings.seed)
    return audit_report(rows, settings.canaries, steps_per_block * settings.batch_size, time.monotonic() - started)


def pretrain(cfg: RunConfig, run: RunFolder, resume: bool = False) -> PretrainResult:
    """Continue pretraining on ``data/corpus.anonymized.jsonl``; save model, tokenizer and report.
    A checkpoint is saved every ``pretrain.checkpoint_every`` steps; with ``resume``, a stopped
    run of the same settings goes on from its last one."""
    started = time.monotonic()
    settings = cfg.pretrain
    torch.manual_seed(settings.seed)
    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(run.tokenizer)
    model, missing = load_adaptable_model(cfg, run)
    checkpoint = run.pretrain_checkpoint
    progress, saved = resumed(checkpoint, model) if resume else (Progress(), None)
    resumed_after = len(progress.losses)
    deadline = started - progress.seconds + 60 * settings.time_budget_minutes if settings.time_budget_minutes else math.inf
    model.to(device.torch_device)
    texts = [row["text"] for row in training_corpus(run)]
    held_out = min(settings.heldout_documents, len(texts) // 10)
    canaries = make_canaries(settings.canaries, settings.seed)
    blocks, heldout_blocks = (
        pack_sequences(tokenizer(part, add_special_tokens=False)["input_ids"], settings.max_length,
                       tokenizer.cls_token_id, tokenizer.sep_token_id)
        for part in (plant(texts[: len(texts) - held_out], canaries, settings.seed), texts[len(texts) - held_out :])
    )  # fmt: skip
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=settings.mlm_probability, return_tensors="pt")
    heldout_batches = fixed_masks(heldout_blocks[:HELDOUT_BLOCKS], collator, settings.batch_size)
    head_steps = min(settings.head_warmup_steps, settings.steps)
    phases = [(Phase("head", head_steps, settings.head_learning_rate), head_parameters(model), "after_head_warmup"),
              (Phase("all weights", settings.steps - head_steps, settings.learning_rate), list(model.parameters()),
               "after_pretraining")]  # fmt: skip
    if blocks:
        batches = endless_batches(blocks, collator, settings.batch_size, settings.seed)
        if saved is not None:  # the same batches and masks as an unbroken run
            for _ in progress.losses:
                next(batches)
            torch.set_rng_state(saved["rng"])
        checkpoints = Checkpoints(checkpoint, settings.checkpoint_every, model, progress, started)
        with step_progress("continued pretraining", settings.steps) as report:
            for index, (phase, parameters, measured) in enumerate(phases[progress.phase :], start=progress.phase):
                progress.phase = index
                train_phase(model, parameters, phase, batches, device, report, len(progress.losses), deadline,
                            checkpoints, saved if saved and saved["progress"]["phase"] == index else None)  # fmt: skip
                progress.heldout[measured] = heldout_loss(model, heldout_batches, device)
                progress.phase = index + 1
    losses, heldout = progress.losses, progress.heldout
    model.save_pretrained(run.pretrained_model)
    tokenizer.save_pretrained(run.pretrained_model)
    checkpoint.unlink(missing_ok=True)  # the model is saved: nothing left to resume
    memorisation = memorisation_audit(model, tokenizer, canaries, settings, len(losses) / max(1, len(blocks)))
    window = max(1, min(10, len(losses) // 2))
    result = PretrainResult(
        steps=len(losses),
        resumed_after_step=resumed_after,
        head_warmup_steps=min(settings.head_warmup_steps, settings.steps),
        tokens_per_step=settings.batch_size * settings.max_length,
        sequences=len(blocks),
        heldout_documents=held_out,
        heldout_loss_after_head_warmup=heldout.get("after_head_warmup"),
        heldout_loss_after_pretraining=heldout.get("after_pretraining"),
        canaries_planted=sum(canary.repeats for canary in canaries),
        highest_canary_exposure_bits=memorisation["highest_planted_exposure_bits"] if memorisation else None,
        first_loss=round(sum(losses[:window]) / window, 4) if losses else float("nan"),
        last_loss=round(sum(losses[-window:]) / window, 4) if losses else float("nan"),
        seconds=round(progress.seconds + time.monotonic() - started, 1),
    )
    write_json(
        run.report("pretrain"),
        {
            **asdict(result),
            "device": str(device.torch_device),
            "weights_not_in_base_model": missing,
            "head_warmup": f"steps 1-{result.head_warmup_steps}: only the MLM head trains (body frozen, "
            f"lr {settings.head_learning_rate}); then all weights (lr {settings.learning_rate})",
            "heldout_loss": "masked-LM loss on the last documents of the corpus, never trained on, with fixed "
            "masks: after the head warm-up (the encoder as it came) and after pretraining (the encoder adapted)",
            "memorisation": memorisation,
            "loss_per_step": losses,
        },
    )
    if memorisation and not memorisation["passed"]:
        raise UserError(
            f"memorisation audit failed: a planted canary's exposure is {memorisation['highest_planted_exposure_bits']} "
            f"bits, above pretrain.canaries.max_exposure_bits {settings.canaries.max_exposure_bits}",
            f"read the exposure table in {run.report('pretrain')}; train fewer steps or raise the ceiling",
        )
    return result
