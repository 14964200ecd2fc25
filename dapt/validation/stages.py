"""Stages 2 and 8: the raw-corpus gate and the task-data gate."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.io import accept, read_documents, write_jsonl
from dapt.records import BadRow
from dapt.runs import RunFolder
from dapt.splits import TaskSplit, save_task_split, split_task
from dapt.validation.gate import GateResult, run_gate
from dapt.validation.suites import OVERLAP_COLUMN, PROFILE_COLUMNS, declared_suite, raw_suite, task_suite

WORD = re.compile(r"\w+")


def non_text_ratio(text: str) -> float:
    """Share of characters that are control or unassigned code points (binary junk scores high)."""
    odd = sum(1 for char in text if unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") and char not in "\n\r\t")
    return odd / max(len(text), 1)


def enforce(result: GateResult, where: Path) -> GateResult:
    """Stop the run with one line when a critical expectation fails; log the others that failed."""
    for name in result.warned():
        logging.getLogger("dapt").warning("%s validation: %s failed (severity below critical; see %s)", result.suite, name, where)
    if not result.success:
        raise UserError(
            f"{result.suite} validation failed: {'; '.join(result.failed())}",
            f"see {where} and fix the input",
        )
    return result


def validate_raw(corpus: Path, cfg: RunConfig, run: RunFolder) -> GateResult:
    """Profile the raw corpus (no text kept) and run the raw suite."""
    documents = accept(read_documents(corpus, cfg.input), "quarantine", list[BadRow]())
    frame = pd.DataFrame(
        [{"id": d.id, "chars": len(d.text), "non_text_ratio": non_text_ratio(d.text)} for d in documents],
        columns=list(PROFILE_COLUMNS["raw"]),
    )
    out = run.gate_result("raw")
    suite = raw_suite() + declared_suite(load_domain(cfg.domain).expectations.get("raw", []))
    return enforce(run_gate("raw_corpus", frame, suite, out), out)


def text_fingerprint(text: str) -> str:
    """sha256 of a text's lower-cased words: a sentence re-cased, re-spaced or re-punctuated
    fingerprints the same."""
    return hashlib.sha256(" ".join(WORD.findall(text.lower())).encode()).hexdigest()


def set_aside_overlap(run: RunFolder, split: TaskSplit, repeated: list[dict[str, Any]]) -> TaskSplit:
    """The split without the evaluation rows in ``repeated``, which go to the task gate's
    quarantine file (kind, row, reason)."""
    rows = {row["row"] for row in repeated}
    reason = "repeats a training text (same words): scoring it would inflate the evaluation"
    write_jsonl(run.gate_quarantine("task"), ({"kind": split.eval_kind, "row": row, "reason": reason} for row in sorted(rows)))
    kept = [row for row in split.eval if row["row"] not in rows]
    return TaskSplit(split.train, kept, split.labels, split.eval_source)


def validate_task(cfg: RunConfig, run: RunFolder, has_eval_file: bool) -> GateResult:
    """Split the anonymized task (its training part; the --eval file or a stratified hold-out to
    evaluate on), handle evaluation texts that repeat a training text as ``validation.eval_overlap``
    says, save the split, and run the task suite on its profile (no text)."""
    split = split_task(cfg.finetune, run, has_eval_file)
    trained = {text_fingerprint(row["text"]) for row in split.train}
    repeated = [row for row in split.eval if text_fingerprint(row["text"]) in trained]
    policy = cfg.validation.eval_overlap
    if repeated and policy == "quarantine":
        split = set_aside_overlap(run, split, repeated)
        repeated = []
    save_task_split(run, split)
    shared = {id(row) for row in repeated}
    frame = pd.DataFrame(
        [{"id": row["id"], "label": row["label"], "chars": len(row["text"]), "part": part, OVERLAP_COLUMN: id(row) in shared}
         for part, rows in (("train", split.train), ("eval", split.eval)) for row in rows],
        columns=list(PROFILE_COLUMNS["task"]),
    )  # fmt: skip
    out = run.gate_result("task")
    suite = task_suite("warning" if policy == "warn" else "critical")
    result = run_gate("task", frame, suite + declared_suite(load_domain(cfg.domain).expectations.get("task", [])), out)
    if repeated and policy == "warn":
        logging.getLogger("dapt").warning(
            "%d evaluation text(s) repeat a training text; their scores count (validation.eval_overlap: warn)", len(repeated)
        )
    if repeated and policy == "fail":
        raise UserError(
            f"task validation failed: expect_column_values_to_be_in_set(column={OVERLAP_COLUMN}): {len(repeated)} "
            f"evaluation text(s) repeat a training text",
            f"see {out}; remove them from the eval data, or set validation.eval_overlap: quarantine",
        )
    return enforce(result, out)
