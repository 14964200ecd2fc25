"""Batch generation with a causal LM a run adapted (``pretrain/model``) or any causal-LM folder: the
same readers and bad-row rules as a run; each output row holds the record number and the text
written after its prompt (never the prompt or an id)."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.records import Document
from dapt.runs import RunFolder
from dapt.training.builders import is_causal_lm, model_architectures, pick_device
from dapt.training.predict import PredictResult, map_file


def causal_lm_folder(model: Path) -> Path:
    """A causal-LM folder, given it or the run folder whose pretraining saved one."""
    for folder in (model, RunFolder(model).pretrained_model):
        if is_causal_lm(model_architectures(folder)):
            return folder
    raise UserError(f"{model}: neither a run folder with a causal-LM model (pretrain/model) nor a causal-LM folder",
                    "pass the folder of a run made with a decoder (--base-model smollm2), or a *ForCausalLM folder")  # fmt: skip


def generate_file(
    model: Path, source: Path, output: Path, cfg: InputConfig, max_new_tokens: int, max_length: int,
    temperature: float = 0.0, seed: int = 0,
) -> PredictResult:  # fmt: skip
    """Write one JSON line per usable prompt of ``source``: ``row`` and ``generated`` (greedy when
    ``temperature`` is 0, else sampled with ``seed``). Prompts longer than ``max_length`` tokens
    keep their end and are counted."""
    folder = causal_lm_folder(model)
    tokenizer = AutoTokenizer.from_pretrained(folder, padding_side="left", truncation_side="left")
    device = pick_device()
    lm = AutoModelForCausalLM.from_pretrained(folder).to(device.torch_device).eval()
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    torch.manual_seed(seed)

    @torch.no_grad()
    def written(chunk: list[Document]) -> tuple[list[dict], int]:
        prompts = [document.text for document in chunk]
        cut = sum(len(ids) > max_length for ids in tokenizer(prompts)["input_ids"])
        encoded = tokenizer(prompts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        with device.autocast():
            tokens = lm.generate(**encoded.to(device.torch_device), max_new_tokens=max_new_tokens, pad_token_id=pad,
                                 do_sample=temperature > 0, temperature=temperature or None, top_p=None, top_k=None)  # fmt: skip
        texts = tokenizer.batch_decode(tokens[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        return [{"row": document.row, "generated": text} for document, text in zip(chunk, texts, strict=True)], cut

    return map_file(source, output, cfg, "generating", written)
