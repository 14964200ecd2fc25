"""Corpus sentences for self-training and the pseudo-labels picked from a classifier's probabilities."""

from __future__ import annotations

import pytest
import torch

from dapt.config import FinetuneConfig
from dapt.training.self_training import corpus_sentences, pseudo_labelled

LONG = "Revenue grew twelve percent in the quarter on strong demand."


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([f"{LONG} Thanks."], [LONG]),  # too short a sentence is left out
        ([f"{LONG}\n{LONG}"], [LONG]),  # duplicates count once
        (["word " * 61], []),  # longer than 60 words
        ([f"{LONG} {LONG.replace('Revenue', 'Margin')}"], [LONG, LONG.replace("Revenue", "Margin")]),
    ],
)
def test_corpus_sentences(texts: list[str], expected: list[str]) -> None:
    assert sorted(corpus_sentences(texts, 10, seed=0)) == sorted(expected)


def test_pseudo_labels_follow_the_labels_class_mix_and_the_confidence_floor() -> None:
    sentences = [f"s{i}" for i in range(6)]
    probabilities = torch.tensor([
        [0.99, 0.01], [0.97, 0.03], [0.95, 0.05], [0.60, 0.40], [0.02, 0.98], [0.04, 0.96],
    ])  # fmt: skip
    cfg = FinetuneConfig(self_training_per_class=2, self_training_min_confidence=0.9)
    rows = pseudo_labelled(sentences, probabilities, ["a", "b"], [0.75, 0.25], cfg)
    assert rows == [{"text": "s0", "label": "a"}, {"text": "s1", "label": "a"}, {"text": "s2", "label": "a"},
                    {"text": "s4", "label": "b"}]  # fmt: skip
