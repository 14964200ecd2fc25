"""Parameter-efficient fine-tuning methods as a config choice, built from peft's own configs.

``lora`` (the default), ``dora`` (LoRA with weight decomposition, ``use_dora``) and ``ia3`` (learned
rescaling of keys, values and feed-forward outputs) merge into the base weights after training, so a
saved model is a plain Hugging Face folder. ``prompt`` (prompt tuning: learned embeddings put before
the text) and ``prefix`` (prefix tuning: learned keys and values in every layer) cannot merge: their
model folder holds the base weights and, in ``virtual-tokens/``, peft's adapter, which every loader
puts back (``with_virtual_tokens``). Target modules come from peft's table for the model's
architecture. The added tokens' embedding rows train under LoRA and DoRA
(``trainable_token_indices``); the other methods have no such option, so under them those rows keep
their mean initialisation.
"""

from __future__ import annotations

from pathlib import Path

from peft import (
    IA3Config,
    LoraConfig,
    PeftConfig,
    PeftModel,
    PrefixTuningConfig,
    PromptTuningConfig,
    TaskType,
)
from transformers import PreTrainedModel

from dapt.config import AdapterFields, LoraFields

VIRTUAL_TOKEN_METHODS = ("prompt", "prefix")
VIRTUAL_TOKENS = "virtual-tokens"  # the folder, inside a model's, of a prompt or prefix adapter


def adapter_config(
    method: str, cfg: LoraFields, new_token_ids: list[int] | None, task_type: TaskType | None = None
) -> PeftConfig | None:
    """peft's config for ``method`` (lora, dora, ia3, prompt, prefix) shaped by ``cfg``; None for
    full training. A prompt or prefix adapter on a bare encoder (no ``task_type``) is a feature
    extractor."""
    if method in ("lora", "dora"):
        return LoraConfig(
            task_type=task_type, r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
            use_dora=method == "dora", trainable_token_indices=new_token_ids or None,
        )  # fmt: skip
    if method == "ia3":
        return IA3Config(task_type=task_type)
    if method in VIRTUAL_TOKEN_METHODS:
        assert isinstance(cfg, AdapterFields), f"{type(cfg).__name__} has no virtual_tokens for {method}"
        kind = PromptTuningConfig if method == "prompt" else PrefixTuningConfig
        return kind(task_type=task_type or TaskType.FEATURE_EXTRACTION, num_virtual_tokens=cfg.virtual_tokens)
    return None


def has_virtual_tokens(model: PreTrainedModel | PeftModel) -> bool:
    """Whether ``model`` carries a prompt or prefix adapter (one that cannot merge)."""
    return isinstance(model, PeftModel) and model.peft_config[model.active_adapter].is_prompt_learning


def merged(model: PreTrainedModel | PeftModel) -> PreTrainedModel | PeftModel:
    """``model`` with a LoRA, DoRA or IA3 adapter merged into its weights; a model with virtual
    tokens, or without an adapter, as it is."""
    if isinstance(model, PeftModel) and not has_virtual_tokens(model):
        return model.merge_and_unload()
    return model


def save_adapter(model: PeftModel, folder: Path) -> None:
    """peft's adapter files of ``model`` in ``folder``, without peft's empty README template."""
    model.save_pretrained(folder)
    (folder / "README.md").unlink(missing_ok=True)


def save_model(model: PreTrainedModel | PeftModel, folder: Path) -> PreTrainedModel | PeftModel:
    """Write ``model`` merged, as a plain folder, or, with virtual tokens, as its base weights plus
    the adapter in ``folder/virtual-tokens``; returns the model as saved."""
    if has_virtual_tokens(model):
        model.get_base_model().save_pretrained(folder)
        save_adapter(model, folder / VIRTUAL_TOKENS)
        return model
    saved = merged(model)
    saved.save_pretrained(folder)
    return saved


def with_virtual_tokens(model: PreTrainedModel, folder: Path) -> PreTrainedModel | PeftModel:
    """``model`` (loaded from ``folder``) with the prompt or prefix adapter saved beside it, if any."""
    if not (folder / VIRTUAL_TOKENS).is_dir():
        return model
    return PeftModel.from_pretrained(model, folder / VIRTUAL_TOKENS)
