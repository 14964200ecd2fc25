"""Task data for fine-tuning and evaluation: the anonymized examples and their fixed split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.model_selection import train_test_split

from dapt.config import FinetuneConfig
from dapt.io import read_jsonl
from dapt.privacy.anonymize import anonymized_path


@dataclass(frozen=True)
class TaskSplit:
    train: list[dict[str, Any]]
    eval: list[dict[str, Any]]
    labels: list[str]
    eval_source: str


def task_split(cfg: FinetuneConfig, run_dir: Path, has_eval_file: bool) -> TaskSplit:
    """Train on the task; evaluate on the --eval file, or on a stratified, seeded hold-out."""
    rows = list(read_jsonl(anonymized_path(run_dir, "task")))
    labels = sorted({row["label"] for row in rows})
    if has_eval_file:
        return TaskSplit(rows, list(read_jsonl(anonymized_path(run_dir, "eval"))), labels, "eval file")
    stratify = [row["label"] for row in rows]
    if min(stratify.count(label) for label in labels) < 2:
        stratify = None  # a class with one example cannot be split in two
    train, held_out = train_test_split(rows, test_size=cfg.eval_fraction, random_state=cfg.seed, stratify=stratify)
    return TaskSplit(train, held_out, labels, f"{cfg.eval_fraction:.0%} stratified hold-out of the task")
