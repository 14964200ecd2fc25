"""A dynamic-int8 copy of the fine-tuned classifier for CPU serving, measured beside fp32.

Every ``nn.Linear`` but the feed-forward down-projections gets int8 weights, and its activations
are quantized on the fly (PyTorch's dynamic quantization, the fbgemm/x86 kernels). A down-projection
reads the feed-forward activations, whose outliers one scale per tensor cannot hold (Bondarenko et
al. 2021): quantized, they took the frozen mpnet companion from 71.7 to 40.6 macro-F1 on
financial-phrasebank; kept in fp32, they give back a third to a half of the speed-up
(bench/int8_layers.py). The copy is the classifier folder's config, tokenizer and head description
plus ``int8.pt`` (a weights-only state dict), and the same for its companion in ``companion/``;
loading rebuilds the architecture from the config and quantizes it before reading the weights.
"""

from __future__ import annotations

import copy
import shutil
import time
import warnings
from pathlib import Path

import torch
from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic
from transformers import AutoConfig, AutoModel, AutoTokenizer

from dapt.errors import UserError
from dapt.training.adapters import VIRTUAL_TOKENS, with_virtual_tokens
from dapt.training.classifier import COMPANION, EncoderClassifier, Scorer, classifier_shaped_as, companion_in

INT8_WEIGHTS = "int8.pt"
LATENCY_TEXTS = 64  # one at a time, as a service answers requests


def quantized(model: EncoderClassifier, keep_down_projections: bool = True) -> EncoderClassifier:
    """An int8 copy of ``model`` on the CPU (``model`` is left as it is); its feed-forward
    down-projections stay fp32 unless ``keep_down_projections`` is off (module docstring)."""
    inner = getattr(model.encoder.config, "intermediate_size", None) if keep_down_projections else None
    layers = {name: default_dynamic_qconfig for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) and module.in_features != inner}  # fmt: skip
    with warnings.catch_warnings():
        # torch 2.13 marks its quantized tensors deprecated (moving to torchao) but ships and pins them.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.ao\.")
        warnings.filterwarnings("ignore", message=r".*(deprecat|torchao).*")
        return quantize_dynamic(copy.deepcopy(model).cpu().eval(), layers, dtype=torch.qint8)


def weight_only_int8(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` on the CPU whose ``nn.Linear`` weights are int8, one scale per output
    channel, with activations left in float (torchao's weight-only int8, the ``int8`` extra; ``model``
    is left as it is)."""
    try:
        from torchao.quantization import Int8WeightOnlyConfig, quantize_
    except ImportError:
        raise UserError("weight-only int8 needs torchao", "pip install 'dapt[int8]'") from None

    weight_only = copy.deepcopy(model).cpu().eval()
    quantize_(weight_only, Int8WeightOnlyConfig())
    return weight_only


def save_int8(score: Scorer, fp32_folder: Path, folder: Path) -> Scorer:
    """Write the int8 copy of the classifier (and of its companion) saved in ``fp32_folder`` to
    ``folder``; returns a Scorer over it."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in fp32_folder.iterdir():
        if path.is_file() and path.suffix != ".safetensors":  # config, tokenizer, head description
            shutil.copy(path, folder / path.name)
    if (fp32_folder / VIRTUAL_TOKENS).is_dir():  # small, and the int8 skeleton is built around it
        shutil.copytree(fp32_folder / VIRTUAL_TOKENS, folder / VIRTUAL_TOKENS, dirs_exist_ok=True)
    int8 = quantized(score.model)
    torch.save(int8.state_dict(), folder / INT8_WEIGHTS)
    companion = save_int8(score.companion, fp32_folder / COMPANION, folder / COMPANION) if score.companion else None
    return Scorer.on_cpu(int8, score.tokenizer, score.max_length, companion)


def load_int8(folder: Path, max_length: int) -> Scorer:
    """A Scorer over the int8 copy in ``folder`` (always on the CPU), with its companion's."""
    encoder = with_virtual_tokens(AutoModel.from_config(AutoConfig.from_pretrained(folder)), folder)
    skeleton = classifier_shaped_as(encoder, folder)
    model = quantized(skeleton)
    try:
        model.load_state_dict(torch.load(folder / INT8_WEIGHTS, weights_only=True))
    except RuntimeError:  # its layers do not match: an older dapt quantized every Linear
        raise UserError(f"{folder}: an int8 copy in another layout than this dapt's",
                        "leave out --int8 to use the fp32 model, or run dapt again to make a new copy") from None  # fmt: skip
    companion = companion_in(folder, lambda path: load_int8(path, max_length), model.labels)
    return Scorer.on_cpu(model, AutoTokenizer.from_pretrained(folder), max_length, companion)


def folder_megabytes(folder: Path) -> float:
    """Size of every file under ``folder`` (a companion's included)."""
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def milliseconds_per_text(score: Scorer, texts: list[str]) -> float:
    """Median latency of scoring one text at a time on the CPU."""
    score(texts[:1])  # first call pays one-off costs
    timings = []
    for text in texts[:LATENCY_TEXTS]:
        started = time.perf_counter()
        score([text])
        timings.append(time.perf_counter() - started)
    return round(1000 * sorted(timings)[len(timings) // 2], 2) if timings else 0.0


def open_scorer(folder: Path, max_length: int) -> Scorer:
    """A Scorer over a classifier folder: its int8 copy when the folder holds one."""
    return load_int8(folder, max_length) if (folder / INT8_WEIGHTS).is_file() else Scorer.load(folder, max_length)
