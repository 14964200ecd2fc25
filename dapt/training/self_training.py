"""Self-training on the domain corpus: a classifier trained on the labels picks the corpus
sentences it is surest about for each class, and a second classifier trains on the labels plus
those. The corpus is the anonymized one, so pseudo-labelled text carries surrogates only."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

import torch

from dapt.config import FinetuneConfig

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|\n+")
MIN_WORDS, MAX_WORDS = 6, 60


def corpus_sentences(texts: Iterable[str], count: int, seed: int) -> list[str]:
    """Up to ``count`` distinct sentences of 6-60 words from ``texts``, a seeded sample."""
    seen: dict[str, None] = {}
    for text in texts:
        for sentence in SENTENCE_END.split(text):
            sentence = sentence.strip()
            if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
                seen.setdefault(sentence, None)
    sentences = list(seen)
    return random.Random(seed).sample(sentences, min(count, len(sentences)))


def pseudo_labelled(
    sentences: list[str], probabilities: torch.Tensor, labels: list[str], shares: list[float], cfg: FinetuneConfig
) -> list[dict]:
    """For each class, the sentences predicted as it with the highest probability (each at least
    ``self_training_min_confidence``), as many as the class's share of the labels allots out of
    ``self_training_per_class`` × classes, so the pseudo-labelled text keeps the labels' class mix."""
    predicted = probabilities.argmax(dim=-1)
    budget = cfg.self_training_per_class * len(labels)
    rows = []
    for index, label in enumerate(labels):
        confidence = torch.where(predicted == index, probabilities[:, index], torch.zeros(()))
        ranked = torch.argsort(confidence, descending=True)[: round(budget * shares[index])]
        rows += [{"text": sentences[i], "label": label} for i in ranked.tolist()
                 if confidence[i] >= cfg.self_training_min_confidence]  # fmt: skip
    return rows
