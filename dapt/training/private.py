"""DP-SGD for causal-LM continued pretraining, through Opacus: each block's gradient is clipped to
``max_grad_norm``, Gaussian noise is added to their sum, and blocks are drawn by Poisson sampling,
so the RDP accountant's (ε, δ) holds for every document of the training stream. The noise is the
least that keeps ε at ``target_epsilon`` over the whole step budget (Opacus' own search).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from opacus import PrivacyEngine
from opacus.accountants.utils import get_noise_multiplier
from torch.utils.data import DataLoader, TensorDataset
from transformers import PreTrainedModel

from dapt.config import DPConfig
from dapt.training.builders import Device, adamw, warmup_then_decay

ACCOUNTANT = "rdp"


@dataclass(frozen=True)
class PrivacySpent:
    epsilon: float
    delta: float
    noise_multiplier: float
    sample_rate: float
    max_grad_norm: float
    accountant: str = ACCOUNTANT


def delta_for(cfg: DPConfig, blocks: int) -> float:
    """``cfg.delta``, by default 1 / (10 × blocks): below one in the number of training examples."""
    return cfg.delta or 1.0 / (10 * blocks)


def train_private(
    model: PreTrainedModel,
    blocks: list[list[int]],
    steps: int,
    batch_size: int,
    learning_rate: float,
    cfg: DPConfig,
    device: Device,
    report: Callable[[int, str], None],
    deadline: float,
    seed: int,
) -> tuple[list[float], PrivacySpent]:
    """Train ``model``'s trainable weights on next-token loss over ``blocks`` with DP-SGD for
    ``steps`` steps (or until ``deadline``); each step's loss, and the privacy spent as the
    accountant reckons it."""
    sample_rate = min(1.0, batch_size / len(blocks))
    delta = delta_for(cfg, len(blocks))
    noise = get_noise_multiplier(target_epsilon=cfg.target_epsilon, target_delta=delta, sample_rate=sample_rate,
                                 steps=steps, accountant=ACCOUNTANT)  # fmt: skip
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = adamw(parameters, learning_rate)
    loader = DataLoader(TensorDataset(torch.tensor(blocks)), batch_size=batch_size,
                        generator=torch.Generator().manual_seed(seed))  # fmt: skip
    engine = PrivacyEngine(accountant=ACCOUNTANT)
    private, optimizer, loader = engine.make_private(module=model, optimizer=optimizer, data_loader=loader,
                                                     noise_multiplier=noise, max_grad_norm=cfg.max_grad_norm,
                                                     poisson_sampling=True, grad_sample_mode="hooks")  # fmt: skip
    schedule = warmup_then_decay(optimizer.original_optimizer, steps, warmup=steps // 10)
    losses: list[float] = []
    private.train()
    for step, (batch,) in zip(range(steps), endless(loader)):
        if time.monotonic() > deadline:
            break
        if not len(batch):  # Poisson sampling drew no block: nothing to train, but the draw is accounted
            engine.accountant.step(noise_multiplier=noise, sample_rate=sample_rate)
            continue
        batch = batch.to(device.torch_device)
        loss = private(input_ids=batch, labels=batch).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(loss.item(), 4))
        report(step + 1, f"DP-SGD loss {loss.item():.3f}")
    private.cleanup()  # Opacus' hooks and per-sample gradients off: the model is saved and audited as it is
    return losses, PrivacySpent(round(engine.get_epsilon(delta), 3), delta, round(noise, 4), sample_rate, cfg.max_grad_norm)


def endless(loader: DataLoader) -> Iterator[tuple[torch.Tensor]]:
    """Passes over ``loader`` without end (each a fresh Poisson draw)."""
    while True:
        yield from loader
