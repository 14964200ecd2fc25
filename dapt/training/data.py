"""Task data for fine-tuning and evaluation: the anonymized examples of the saved split, encoded."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

IGNORED = -100  # a token position without a target (cross_entropy's ignore_index)


@dataclass(frozen=True)
class Encoded:
    """Texts tokenized once (unpadded), their class indices, and how many were cut to fit."""

    input_ids: list[list[int]]
    targets: list[int] | list[list[int]]  # one class per text, or one per token (IGNORED where none)
    truncated: int
    pad_id: int

    def _batch(self, indices: list[int], device: torch.device) -> dict[str, torch.Tensor]:
        width = max(len(self.input_ids[i]) for i in indices)
        ids = torch.full((len(indices), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, i in enumerate(indices):
            ids[row, : len(self.input_ids[i])] = torch.tensor(self.input_ids[i])
            mask[row, : len(self.input_ids[i])] = 1
        labels = torch.tensor([self._padded_targets(i, width) for i in indices])
        return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}

    def _padded_targets(self, index: int, width: int) -> int | list[int]:
        targets = self.targets[index]
        return [*targets, *[IGNORED] * (width - len(targets))] if isinstance(targets, list) else targets

    def batches(self, size: int, device: torch.device) -> Iterator[dict[str, torch.Tensor]]:
        """In order, padded to each batch's longest text."""
        return self.batches_of(list(range(len(self.input_ids))), size, device)

    def by_length(self) -> list[int]:
        """Indices from the shortest text to the longest: batches of neighbours carry little padding."""
        return sorted(range(len(self.input_ids)), key=lambda i: len(self.input_ids[i]))

    def batches_of(self, order: list[int], size: int, device: torch.device) -> Iterator[dict[str, torch.Tensor]]:
        """The texts at ``order`` in batches of ``size``, each padded to its longest text."""
        for start in range(0, len(order), size):
            yield self._batch(order[start : start + size], device)

    def shuffled_batches(
        self, size: int, device: torch.device, rng: random.Random
    ) -> Iterator[dict[str, torch.Tensor]]:
        """Endless passes, each in a new order."""
        while True:
            yield from self.batches_of(rng.sample(range(len(self.input_ids)), len(self.input_ids)), size, device)


def encode(
    tokenizer: PreTrainedTokenizerBase, rows: list[dict[str, Any]], labels: list[str], max_length: int
) -> Encoded:
    """Tokenize ``rows`` (truncating to ``max_length``, counted); a label outside ``labels`` is -1."""
    full = tokenizer([row["text"] for row in rows], truncation=False)["input_ids"]
    index = {label: i for i, label in enumerate(labels)}
    cut = [ids if len(ids) <= max_length else [*ids[: max_length - 1], ids[-1]] for ids in full]
    return Encoded(cut, [index.get(row.get("label"), -1) for row in rows], sum(len(ids) > max_length for ids in full),
                   tokenizer.pad_token_id)  # fmt: skip
