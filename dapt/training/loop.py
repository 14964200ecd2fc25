"""The fine-tuning loop every task head shares: a budget of optimizer steps with warm-up and decay,
gradient accumulation, validation every few steps, the best weights kept, early stopping."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import torch

from dapt.config import FinetuneConfig
from dapt.progress import step_progress
from dapt.training.builders import Device, adamw, warmup_then_decay

Batch = dict[str, torch.Tensor]


@dataclass(frozen=True)
class Objective:
    """What the loop needs of a task: a batch's loss, and the validation score (higher is better)
    with the validation loss."""

    metric: str
    loss: Callable[[Batch], torch.Tensor]
    validate: Callable[[], tuple[float, float]]


@dataclass
class TrainingLog:
    """Loss per optimizer step and one row per validation (the learning curves)."""

    metric: str
    train_loss: list[float] = field(default_factory=list)
    validations: list[dict[str, float]] = field(default_factory=list)
    best_step: int = 0
    best_score: float = -1.0
    best_loss: float = math.inf
    stopped_early: bool = False

    def improves_on(self, other: TrainingLog) -> bool:
        """Whether this run's best validation is at least as good as ``other``'s (score, then loss)."""
        return (self.best_score, -self.best_loss) >= (other.best_score, -other.best_loss)

    def validations_since_best(self) -> int:
        steps = [row["step"] for row in self.validations]
        return len(steps) - (steps.index(self.best_step) + 1 if self.best_step else 0)


def body_and_head_optimizer(
    body: Iterable[torch.nn.Parameter], head: Iterable[torch.nn.Parameter], cfg: FinetuneConfig
) -> torch.optim.Optimizer:
    """AdamW: the encoder's trainable weights at ``encoder_learning_rate``, the new task layer at
    ``head_learning_rate``."""
    return adamw([{"params": [p for p in body if p.requires_grad], "lr": cfg.encoder_learning_rate},
                  {"params": [p for p in head if p.requires_grad], "lr": cfg.head_learning_rate}],
                 cfg.encoder_learning_rate)  # fmt: skip


def train_with_early_stopping(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    batches: Iterator[Batch],
    examples: int,
    objective: Objective,
    cfg: FinetuneConfig,
    device: Device,
) -> TrainingLog:
    """Train for at most ``cfg.max_steps`` optimizer steps; validate every ``cfg.eval_every`` steps
    (once per pass over ``examples`` when 0), keep the best weights (score, then loss) and stop
    after ``cfg.patience`` validations without better ones."""
    per_pass = max(1, math.ceil(examples / (cfg.batch_size * cfg.gradient_accumulation)))
    eval_every = cfg.eval_every or per_pass
    schedule = warmup_then_decay(optimizer, cfg.max_steps, round(cfg.warmup_fraction * cfg.max_steps), cfg.schedule)
    log, best = TrainingLog(objective.metric), trainable_state(model)
    model.train()
    with step_progress("fine-tuning", cfg.max_steps) as report:
        for step in range(1, cfg.max_steps + 1):
            loss = 0.0
            for _ in range(cfg.gradient_accumulation):
                with device.autocast():
                    part = objective.loss(next(batches)) / cfg.gradient_accumulation
                part.backward()
                loss += part.item()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            log.train_loss.append(round(loss, 4))
            if step % eval_every != 0 and step != cfg.max_steps:
                report(step, f"loss {loss:.3f}")  # the log shows progress between validations too
                continue
            score, validation_loss = objective.validate()
            model.train()
            log.validations.append({"step": step, log.metric: round(score, 4), "loss": round(validation_loss, 4)})
            if (score, -validation_loss) > (log.best_score, -log.best_loss):
                log.best_step, log.best_score, log.best_loss = step, score, validation_loss
                best = trainable_state(model)
            report(step, f"loss {loss:.3f} · validation {log.metric} {score:.3f} (best {log.best_score:.3f})")
            if log.validations_since_best() > cfg.patience:
                log.stopped_early = True
                break
    model.load_state_dict(best, strict=False)
    return log


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A copy of the weights that train (the best checkpoint so far)."""
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    return {name: t.detach().clone() for name, t in model.state_dict().items() if name in trainable}
