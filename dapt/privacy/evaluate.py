"""Detection quality against gold spans: type-blind token recall/precision/F2 and per-label figures.

A token is a maximal run of ``[A-Za-z0-9]``. It is *personal* when it overlaps a gold span and
*flagged* when it overlaps a detection. Recall, precision and F2 count tokens, so a name found
whole counts as much as its parts, and a detector is not rewarded for exact borders.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.io import BLANK, iter_rows
from dapt.privacy.detect import detect, to_finding
from dapt.privacy.engine import configured_analyzer
from dapt.progress import progress
from dapt.records import BadRow, Document, Finding, Span

TOKEN = re.compile(r"[A-Za-z0-9]+")
CONTEXT_CHARS = 40
MAX_MISSES = 200


@dataclass(frozen=True)
class GoldDocument:
    """A text with its annotated spans."""

    doc_id: str
    text: str
    spans: tuple[Span, ...]
    row: int = 0

    @property
    def document(self) -> Document:
        return Document(self.doc_id, self.text, row=self.row)


@dataclass
class Counts:
    """Token counts of one slice (all, one gold label, one recognizer)."""

    personal: int = 0
    flagged: int = 0
    hit: int = 0

    @property
    def recall(self) -> float:
        return self.hit / self.personal if self.personal else 1.0

    @property
    def precision(self) -> float:
        return self.hit / self.flagged if self.flagged else 1.0

    def f_beta(self, beta: float = 2.0) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        figures = {"recall": self.recall, "precision": self.precision, "f2": self.f_beta()}
        return {**vars(self), **{name: round(value, 4) for name, value in figures.items()}}


@dataclass
class LabelCounts:
    """Per gold label: token counts, and spans found at all (any overlap) or whole (every token)."""

    tokens: Counts = field(default_factory=Counts)
    spans: int = 0
    found: int = 0
    whole: int = 0

    def to_json(self) -> dict[str, Any]:
        spans = max(self.spans, 1)
        return {
            "spans": self.spans,
            "span_found": round(self.found / spans, 4),
            "span_whole": round(self.whole / spans, 4),
            "token_recall": round(self.tokens.recall, 4),
            "tokens": self.tokens.personal,
        }


@dataclass(frozen=True)
class Miss:
    """A gold span the detector left (partly) unflagged, in context with every gold span masked."""

    doc_id: str
    label: str
    context: str


@dataclass
class Evaluation:
    """Everything `dapt privacy evaluate` reports."""

    documents: int = 0
    overall: Counts = field(default_factory=Counts)
    labels: dict[str, LabelCounts] = field(default_factory=lambda: defaultdict(LabelCounts))
    recognizers: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: list[Miss] = field(default_factory=list)
    missed_spans: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "token": self.overall.to_json(),
            "labels": {label: counts.to_json() for label, counts in sorted(self.labels.items())},
            "recognizers": {name: counts.to_json() for name, counts in sorted(self.recognizers.items())},
            "missed_spans": self.missed_spans,
            "misses": [vars(miss) for miss in self.misses],
        }


def read_gold(path: Path) -> Iterator[GoldDocument]:
    """Rows ``{doc_id, text, spans: [{start, end, label}]}``; a malformed row is a UserError."""
    for number, row in iter_rows(path):
        if isinstance(row, BadRow) and row.reason == BLANK:
            continue
        try:
            if isinstance(row, BadRow):
                raise ValueError(row.reason)
            text = row["text"]
            spans = tuple(Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in row.get("spans") or [])
            doc_id = str(row.get("doc_id", row.get("id", number)))
        except (KeyError, TypeError, ValueError):
            raise UserError(
                f"{path}: row {number + 1}: expected UTF-8 JSON with doc_id, text and spans[{{start, end, label}}]",
                "fix the row",
            ) from None
        if not isinstance(text, str) or any(not 0 <= s.start < s.end <= len(text) for s in spans):
            raise UserError(f"{path}: row {number + 1}: a span lies outside the text", "check the offsets")
        yield GoldDocument(doc_id, text, spans, number)


def _covered(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    marks = bytearray(length)
    for start, end in spans:
        marks[start:end] = b"\x01" * (end - start)
    return marks


def _masked_context(document: GoldDocument, missed: Span) -> str:
    start, end = max(0, missed.start - CONTEXT_CHARS), min(len(document.text), missed.end + CONTEXT_CHARS)
    pieces, cursor = [], start
    for span in sorted(document.spans, key=lambda s: s.start):
        if span.end <= start or span.start >= end:
            continue
        pieces.append(document.text[cursor : max(cursor, span.start)])
        pieces.append(f"<<{span.label}>>" if span == missed else f"[{span.label}]")
        cursor = max(cursor, span.end)
    pieces.append(document.text[cursor:end])
    return " ".join("".join(pieces).split())


def score_document(evaluation: Evaluation, document: GoldDocument, findings: list[Finding]) -> None:
    """Add one document's token and span counts to ``evaluation``."""
    personal = _covered(len(document.text), ((s.start, s.end) for s in document.spans))
    flagged = _covered(len(document.text), ((f.start, f.end) for f in findings))
    by_recognizer: dict[str, bytearray] = defaultdict(lambda: bytearray(len(document.text)))
    for f in findings:
        by_recognizer[f.recognizer][f.start : f.end] = b"\x01" * (f.end - f.start)
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(document.text)]
    for start, end in tokens:
        is_personal, is_flagged = any(personal[start:end]), any(flagged[start:end])
        evaluation.overall.personal += is_personal
        evaluation.overall.flagged += is_flagged
        evaluation.overall.hit += is_personal and is_flagged
        for name, marks in by_recognizer.items():
            if any(marks[start:end]):
                evaluation.recognizers[name].flagged += 1
                evaluation.recognizers[name].hit += is_personal
    for span in document.spans:
        label = evaluation.labels[span.label]
        inside = [any(flagged[s:e]) for s, e in tokens if s < span.end and e > span.start]
        label.spans += 1
        label.tokens.personal += len(inside)
        label.tokens.hit += sum(inside)
        label.tokens.flagged += sum(inside)
        label.found += any(inside)
        label.whole += all(inside)
        if not all(inside):
            evaluation.missed_spans += 1
            if len(evaluation.misses) < MAX_MISSES:
                evaluation.misses.append(Miss(document.doc_id, span.label, _masked_context(document, span)))
    evaluation.documents += 1


def summary_rows(evaluation: Evaluation) -> list[tuple[str, ...]]:
    """Printable rows: overall, then each gold label, then each recognizer's precision."""
    overall = evaluation.overall
    rows = [("token (type-blind)", f"{overall.recall:.3f}", f"{overall.precision:.3f}", f"{overall.f_beta():.3f}",
             str(overall.personal))]
    for label, counts in sorted(evaluation.labels.items()):
        rows.append((f"label {label}", f"{counts.tokens.recall:.3f}", "", f"whole {counts.whole}/{counts.spans}",
                     str(counts.tokens.personal)))
    for name, counts in sorted(evaluation.recognizers.items()):
        rows.append((f"recognizer {name}", "", f"{counts.precision:.3f}", "", str(counts.flagged)))
    return rows



def in_half(doc_id: str, half: str) -> bool:
    """Whether a document belongs to the ``tune`` or the ``report`` half of a gold set: a split by
    the sha256 of its id, the same on every machine and as the set grows."""
    return (hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0) == (half == "tune")


def evaluate_file(gold: Path, cfg: RunConfig, half: str | None = None) -> Evaluation:
    """Detect on every gold document (or those of one ``half``) with the domain's analyzer and score it."""
    domain = load_domain(cfg.domain)
    analyzer = configured_analyzer(cfg)
    evaluation = Evaluation()
    documents = [document for document in read_gold(gold) if half is None or in_half(document.doc_id, half)]
    if not documents:
        raise UserError(f"{gold}: no gold documents", "write one JSON object per line")
    pairs = detect(analyzer, (d.document for d in documents), domain.allow_list, cfg.privacy.score_threshold)
    for gold_document, (document, results) in zip(documents, progress(pairs, "evaluating"), strict=True):
        score_document(evaluation, gold_document, [to_finding(document.id, document.row, r) for r in results])
    return evaluation
