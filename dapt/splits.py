"""The task's split into a training part and an evaluation part (the --eval file or a stratified
hold-out): made once by the task gate and saved in the run folder (row numbers only), so
fine-tuning and evaluation read the same split."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sklearn.model_selection import train_test_split

from dapt.config import FinetuneConfig
from dapt.io import read_jsonl
from dapt.runs import RunFolder, write_json

EVAL_FILE = "eval file"


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
    """Train on the task; evaluate on the --eval file, or on a stratified, seeded hold-out."""
    rows = list(read_jsonl(run.anonymized("task")))
    labels = sorted({row["label"] for row in rows})  # ingest checked: 2+ classes, 2+ examples each
    if has_eval_file:
        return TaskSplit(rows, list(read_jsonl(run.anonymized("eval"))), labels, EVAL_FILE)
    train, held_out = stratified_split(rows, cfg.eval_fraction, cfg.seed)
    return TaskSplit(train, held_out, labels, f"{cfg.eval_fraction:.0%} stratified hold-out of the task")


def save_task_split(run: RunFolder, split: TaskSplit) -> None:
    """``data/task_split.json``: the row numbers of each part, which fine-tuning and evaluation read."""
    write_json(run.task_split, {
        "train": {"kind": "task", "rows": [row["row"] for row in split.train]},
        "eval": {"kind": split.eval_kind, "rows": [row["row"] for row in split.eval]},
        "labels": split.labels, "eval_source": split.eval_source,
    })  # fmt: skip


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
