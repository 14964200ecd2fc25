"""`dapt privacy review RUN`: every residual finding of a run as masked context, so a reviewer
judges it without opening a file. The context is anonymized text; the finding, and any other
residual finding near it, shows as ``<<TYPE>>``, each replacement as ``[TYPE]``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dapt.errors import UserError
from dapt.io import read_jsonl
from dapt.records import Span
from dapt.runs import RunFolder

CONTEXT_CHARS = 60


@dataclass(frozen=True)
class ResidualView:
    kind: str
    row: int
    entity_type: str
    recognizer: str
    score: float
    context: str

    def line(self) -> str:
        return f"{self.kind} row {self.row + 1} · {self.entity_type} ({self.recognizer}, {self.score}): {self.context}"


def masked(text: str, marks: list[Span], around: Span) -> str:
    """``text`` near ``around`` with every mark that falls there replaced by its label."""
    start, end = max(0, around.start - CONTEXT_CHARS), min(len(text), around.end + CONTEXT_CHARS)
    pieces, cursor = ["…" if start else ""], start
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.end <= cursor or mark.start >= end:
            continue
        pieces += [text[cursor : max(cursor, mark.start)], mark.label]
        cursor = max(cursor, mark.end)
    pieces += [text[cursor:end], "…" if end < len(text) else ""]
    return " ".join("".join(pieces).split())


def replacement_marks(replaced: list[list[Any]]) -> list[Span]:
    """A row's replacements as marks: ``[PERSON]``, or ``[surrogate]`` in a row written before
    replacements carried their type."""
    return [Span(start, end, f"[{rest[0] if rest else 'surrogate'}]") for start, end, *rest in replaced]


def residual_views(run: RunFolder) -> Iterator[ResidualView]:
    """Each residual finding with its masked context, in file order."""
    if not run.residual_findings.is_file():
        raise UserError(f"{run.root}: no residual scan (privacy/residual.findings.jsonl)", "pass a run folder whose residual scan finished")
    by_row: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for finding in read_jsonl(run.residual_findings):
        by_row[(finding["kind"], finding["row"])].append(finding)
    for kind in sorted({kind for kind, _ in by_row}):
        for row in read_jsonl(run.anonymized(kind)):
            findings = by_row.get((kind, row["row"]), [])
            marks = replacement_marks(row["replaced"])
            marks += [Span(f["start"], f["end"], f"<<{f['entity_type']}>>") for f in findings]
            for f in findings:
                context = masked(row["text"], marks, Span(f["start"], f["end"], ""))
                yield ResidualView(kind, row["row"], f["entity_type"], f["recognizer"], f["score"], context)
