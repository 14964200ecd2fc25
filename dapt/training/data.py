"""Task data for fine-tuning and evaluation: the anonymized examples and their split, made once
and saved in the run folder (row numbers only), so evaluation reads the split training used."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sklearn.model_selection import train_test_split

from dapt.config import FinetuneConfig
from dapt.io import read_jsonl
from dapt.runs import RunFolder, write_json


@dataclass(frozen=True)
class TaskSplit:
    train: list[dict[str, Any]]
    eval: list[dict[str, Any]]
    labels: list[str]
    eval_source: str


def split_task(cfg: FinetuneConfig, run: RunFolder, has_eval_file: bool) -> TaskSplit:
    """Train on the task; evaluate on the --eval file, or on a stratified, seeded hold-out. Saves
    the split as ``data/task_split.json``."""
    rows = list(read_jsonl(run.anonymized("task")))
    labels = sorted({row["label"] for row in rows})
    if has_eval_file:
        split = TaskSplit(rows, list(read_jsonl(run.anonymized("eval"))), labels, "eval file")
    else:
        stratify = [row["label"] for row in rows]
        if min(stratify.count(label) for label in labels) < 2:
            stratify = None  # a class with one example cannot be split in two
        train, held_out = train_test_split(rows, test_size=cfg.eval_fraction, random_state=cfg.seed, stratify=stratify)
        split = TaskSplit(train, held_out, labels, f"{cfg.eval_fraction:.0%} stratified hold-out of the task")
    eval_kind = "eval" if has_eval_file else "task"
    write_json(run.task_split, {
        "train": {"kind": "task", "rows": [row["row"] for row in split.train]},
        "eval": {"kind": eval_kind, "rows": [row["row"] for row in split.eval]},
        "labels": labels, "eval_source": split.eval_source,
    })  # fmt: skip
    return split


def load_task_split(run: RunFolder) -> TaskSplit:
    """The split ``split_task`` saved, read back from the anonymized files."""
    saved = json.loads(run.task_split.read_text(encoding="utf-8"))
    parts = {}
    for part in ("train", "eval"):
        rows = {row["row"]: row for row in read_jsonl(run.anonymized(saved[part]["kind"]))}
        parts[part] = [rows[number] for number in saved[part]["rows"]]
    return TaskSplit(parts["train"], parts["eval"], saved["labels"], saved["eval_source"])
