"""Parameter-efficient fine-tuning methods as a config choice, built from peft's own configs.

``lora`` (the default), ``dora`` (LoRA with weight decomposition, ``use_dora``) and ``ia3`` (learned
rescaling of keys, values and feed-forward outputs) all merge into the base weights after training,
so the export path is the same for each. Target modules come from peft's table for the model's
architecture. The added tokens' embedding rows train under LoRA and DoRA (``trainable_token_indices``);
IA³ has no such option, so under it they keep their mean initialisation.
"""

from __future__ import annotations

from peft import IA3Config, LoraConfig, PeftConfig, TaskType

from dapt.config import LoraFields


def adapter_config(
    method: str, cfg: LoraFields, new_token_ids: list[int] | None, task_type: TaskType | None = None
) -> PeftConfig | None:
    """peft's config for ``method`` (lora, dora, ia3) shaped by ``cfg``; None for full training."""
    if method in ("lora", "dora"):
        return LoraConfig(
            task_type=task_type, r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
            use_dora=method == "dora", trainable_token_indices=new_token_ids or None,
        )  # fmt: skip
    if method == "ia3":
        return IA3Config(task_type=task_type)
    return None
