"""Combining the fine-tuned classifier with its companion: the same confidence, a share by labels."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from dapt.training.builders import pick_device
from dapt.training.classifier import EncoderClassifier
from dapt.training.ensemble import combine, fine_tuned_share, logits_of, matching_temperature, mean_entropy
from tests.training.test_finetune import LABELS, rows

LOGITS = torch.tensor([[2.0, 0.0, -1.0], [0.5, 1.5, 0.0], [-1.0, 0.0, 3.0]])


@pytest.mark.parametrize("target", [0.2, 0.6, 1.0])
def test_when_a_temperature_is_matched_then_the_mean_entropy_is_the_target(target: float) -> None:
    temperature = matching_temperature(LOGITS, target)
    assert mean_entropy(LOGITS, temperature) == pytest.approx(target, abs=1e-3)
    assert (temperature > 1) == (target > mean_entropy(LOGITS))  # less confident needs a higher temperature


@pytest.mark.parametrize(
    ("logits", "target"),
    [(LOGITS, math.log(3) + 0.1), (LOGITS, 0.0), (torch.zeros((0, 3)), 0.5)],
    ids=["above uniform", "certainty", "no texts"],
)
def test_when_no_temperature_reaches_the_target_then_it_stays_one(logits: torch.Tensor, target: float) -> None:
    assert matching_temperature(logits, target) == 1.0


@pytest.mark.parametrize(
    ("labelled", "classes", "full_weight_at", "share"),
    [(24, 3, 16, 0.25), (48, 3, 16, 0.5), (200, 3, 16, 0.5), (200, 5, 16, 0.5), (40, 5, 16, 0.25), (16, 2, 8, 0.5)],
)
def test_when_labels_are_few_then_the_fine_tuned_share_falls_in_proportion(
    labelled: int, classes: int, full_weight_at: int, share: float
) -> None:
    assert fine_tuned_share(labelled, classes, full_weight_at) == share


def test_when_combined_then_an_overconfident_classifier_takes_the_companions_confidence(tiny_model_dir: Path) -> None:
    tokenizer, device = AutoTokenizer.from_pretrained(tiny_model_dir), pick_device()
    torch.manual_seed(0)
    overconfident, companion = (EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), LABELS) for _ in range(2))
    overconfident.head.weight.data *= 50
    texts = [row["text"] for row in rows(20)]
    target = mean_entropy(logits_of(companion, tokenizer, texts, device, 32))
    before = mean_entropy(logits_of(overconfident, tokenizer, texts, device, 32))
    temperature, share = combine((overconfident, tokenizer), (companion, tokenizer), texts, 200, 16, device, 32)
    assert before < target and temperature > 1
    assert mean_entropy(logits_of(overconfident, tokenizer, texts, device, 32)) == pytest.approx(target, abs=1e-3)
    assert (share, overconfident.weight, companion.weight) == (0.5, 0.5, 0.5)
