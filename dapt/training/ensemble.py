"""How the fine-tuned classifier and its frozen companion are combined.

Two measured corrections to a plain mean of their class probabilities (bench/companion_weights.py):
- the same confidence: the fine-tuned classifier's logits are divided by the temperature at which
  its mean entropy over unlabelled domain sentences equals the companion's, so a part made
  overconfident (by self-training on its own pseudo-labels, or a head refit on texts the encoder
  was tuned on) no longer outvotes the other;
- a weight that follows the labels: below ``full_weight_at`` labels per class, fine-tuning (on
  four fifths of them) is less reliable than a logistic regression over the frozen encoder, so the
  fine-tuned classifier gets a smaller share.
"""

from __future__ import annotations

import math

import torch
from scipy.optimize import brentq
from transformers import PreTrainedTokenizerBase

from dapt.training.builders import Device
from dapt.training.classifier import EncoderClassifier, class_logits
from dapt.training.data import encode

CONFIDENCE_SENTENCES = 512  # unlabelled corpus sentences the two confidences are measured on
TEMPERATURE_RANGE = (1e-2, 1e2)


def logits_of(model: EncoderClassifier, tokenizer: PreTrainedTokenizerBase, texts: list[str], device: Device,
              max_length: int) -> torch.Tensor:  # fmt: skip
    """The model's logits for each text, in order."""
    return class_logits(model, encode(tokenizer, [{"text": text} for text in texts], model.labels, max_length), device)


def mean_entropy(logits: torch.Tensor, temperature: float = 1.0) -> float:
    """Mean entropy (nats) of the softmax of ``logits / temperature``."""
    log_probabilities = torch.log_softmax(logits.double() / temperature, dim=-1)
    return float(-(log_probabilities.exp() * log_probabilities).sum(-1).mean())


def matching_temperature(logits: torch.Tensor, target_entropy: float) -> float:
    """The temperature at which ``logits`` have ``target_entropy`` on average (1 when none in range)."""
    low, high = (math.log(t) for t in TEMPERATURE_RANGE)

    def gap(log_t: float) -> float:
        return mean_entropy(logits, math.exp(log_t)) - target_entropy

    if len(logits) == 0 or gap(low) * gap(high) > 0:
        return 1.0
    return math.exp(brentq(gap, low, high, xtol=1e-4))


def scale_head(model: EncoderClassifier, temperature: float) -> None:
    """Divide the model's logits by ``temperature`` (folded into its linear head)."""
    model.head.weight.data /= temperature
    model.head.bias.data /= temperature


def fine_tuned_share(labelled: int, classes: int, full_weight_at: int) -> float:
    """The fine-tuned classifier's share of the average: a half from ``full_weight_at`` labels per
    class up, less in proportion below."""
    return 0.5 * min(1.0, labelled / classes / full_weight_at)


def combine(fine_tuned: tuple[EncoderClassifier, PreTrainedTokenizerBase],
            companion: tuple[EncoderClassifier, PreTrainedTokenizerBase], sentences: list[str], labelled: int,
            full_weight_at: int, device: Device, max_length: int) -> tuple[float, float]:  # fmt: skip
    """Give the fine-tuned classifier the companion's mean entropy on ``sentences`` and set both
    weights from the ``labelled`` count; returns the temperature and the fine-tuned share."""
    model, tokenizer = fine_tuned
    target = mean_entropy(logits_of(*companion, sentences, device, max_length))
    temperature = matching_temperature(logits_of(model, tokenizer, sentences, device, max_length), target)
    scale_head(model, temperature)
    share = fine_tuned_share(labelled, len(model.labels), full_weight_at)
    model.weight, companion[0].weight = share, 1.0 - share
    return temperature, share
