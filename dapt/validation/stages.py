"""Stages 2 and 8: the raw-corpus gate and the task-data gate."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from dapt.config import RunConfig
from dapt.errors import UserError
from dapt.io import accept, read_documents, read_jsonl
from dapt.records import BadRow
from dapt.runs import RunFolder
from dapt.validation.gate import GateResult, run_gate
from dapt.validation.suites import raw_suite, task_suite


def non_text_ratio(text: str) -> float:
    """Share of characters that are control or unassigned code points (binary junk scores high)."""
    odd = sum(1 for char in text if unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") and char not in "\n\r\t")
    return odd / max(len(text), 1)


def enforce(result: GateResult, where: Path) -> GateResult:
    """Stop the run with one line when a gate fails."""
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
        columns=["id", "chars", "non_text_ratio"],
    )
    out = run.gate_result("raw")
    return enforce(run_gate("raw_corpus", frame, raw_suite(), out), out)


def validate_task(run: RunFolder) -> GateResult:
    """Profile the anonymized task data and run the task suite."""
    frame = pd.DataFrame(
        [{"id": r["id"], "label": r["label"], "chars": len(r["text"])} for r in read_jsonl(run.anonymized("task"))],
        columns=["id", "label", "chars"],
    )
    out = run.gate_result("task")
    return enforce(run_gate("task", frame, task_suite(), out), out)
