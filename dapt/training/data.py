"""Task data for fine-tuning and evaluation: the anonymized examples and their split, made once
and saved in the run folder (row numbers only), so evaluation reads the split training used."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from sklearn.model_selection import train_test_split
from transformers import PreTrainedTokenizerBase

from dapt.config import FinetuneConfig
from dapt.io import read_jsonl
from dapt.runs import RunFolder, write_json

EVAL_FILE = "eval file"
IGNORED = -100  # a token position without a target (cross_entropy's ignore_index)


@dataclass(frozen=True)
class TaskSplit:
    train: list[dict[str, Any]]
    eval: list[dict[str, Any]]
    labels: list[str]
    eval_source: str

    @property
    def eval_kind(self) -> str:
        """Which anonymized file the evaluation rows come from."""
        return "eval" if self.eval_source == EVAL_FILE else "task"


def split_task(cfg: FinetuneConfig, run: RunFolder, has_eval_file: bool) -> TaskSplit:
    """Train on the task; evaluate on the --eval file, or on a stratified, seeded hold-out. Saves
    the split as ``data/task_split.json``."""
    rows = list(read_jsonl(run.anonymized("task")))
    labels = sorted({row["label"] for row in rows})  # ingest checked: 2+ classes, 2+ examples each
    if has_eval_file:
        split = TaskSplit(rows, list(read_jsonl(run.anonymized("eval"))), labels, EVAL_FILE)
    else:
        train, held_out = stratified_split(rows, cfg.eval_fraction, cfg.seed)
        split = TaskSplit(train, held_out, labels, f"{cfg.eval_fraction:.0%} stratified hold-out of the task")
    write_json(run.task_split, {
        "train": {"kind": "task", "rows": [row["row"] for row in split.train]},
        "eval": {"kind": split.eval_kind, "rows": [row["row"] for row in split.eval]},
        "labels": labels, "eval_source": split.eval_source,
    })  # fmt: skip
    return split


def stratified_split(rows: list[dict[str, Any]], fraction: float, seed: int) -> tuple[list, list]:
    """A seeded split keeping class shares; examples of classes too small to split stay in the first part."""
    counts = Counter(row["label"] for row in rows)
    splittable = [row for row in rows if counts[row["label"]] >= 2]
    kept = [row for row in rows if counts[row["label"]] < 2]
    classes = len({row["label"] for row in splittable})
    size = min(max(classes, round(fraction * len(splittable))), len(splittable) - classes)  # one of each class per part
    first, second = train_test_split(splittable, test_size=size, random_state=seed,
                                     stratify=[row["label"] for row in splittable])  # fmt: skip
    return kept + first, second


def load_task_split(run: RunFolder) -> TaskSplit:
    """The split ``split_task`` saved, read back from the anonymized files."""
    saved = json.loads(run.task_split.read_text(encoding="utf-8"))
    parts = {}
    for part in ("train", "eval"):
        rows = {row["row"]: row for row in read_jsonl(run.anonymized(saved[part]["kind"]))}
        parts[part] = [rows[number] for number in saved[part]["rows"]]
    return TaskSplit(parts["train"], parts["eval"], saved["labels"], saved["eval_source"])


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
        for start in range(0, len(self.input_ids), size):
            yield self._batch(list(range(start, min(start + size, len(self.input_ids)))), device)

    def shuffled_batches(
        self, size: int, device: torch.device, rng: random.Random
    ) -> Iterator[dict[str, torch.Tensor]]:
        """Endless passes, each in a new order."""
        while True:
            order = rng.sample(range(len(self.input_ids)), len(self.input_ids))
            for start in range(0, len(order), size):
                yield self._batch(order[start : start + size], device)


def encode(
    tokenizer: PreTrainedTokenizerBase, rows: list[dict[str, Any]], labels: list[str], max_length: int
) -> Encoded:
    """Tokenize ``rows`` (truncating to ``max_length``, counted); a label outside ``labels`` is -1."""
    full = tokenizer([row["text"] for row in rows], truncation=False)["input_ids"]
    index = {label: i for i, label in enumerate(labels)}
    cut = [ids if len(ids) <= max_length else [*ids[: max_length - 1], ids[-1]] for ids in full]
    return Encoded(cut, [index.get(row.get("label"), -1) for row in rows], sum(len(ids) > max_length for ids in full),
                   tokenizer.pad_token_id)  # fmt: skip
