"""Stage 4: scan the anonymized data again; whatever is found outside a replacement is residual.

Two scans: dapt's own detector (less what cannot identify anyone: ``can_identify``), and the
independent detectors of ``independent.py``, which share no code with it, so a bug in the detector
cannot hide its own misses. The gate checks each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd
import regex
from presidio_analyzer import RecognizerResult

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.io import JsonlWriter, read_jsonl, write_jsonl
from dapt.privacy.anonymize import Kind
from dapt.privacy.detect import detect, to_finding
from dapt.privacy.engine import configured_analyzer
from dapt.privacy.independent import Hit, independent_hits, overlaps
from dapt.privacy.operators.date_shift import shift_dates
from dapt.privacy.recognizers.names import could_be_name
from dapt.progress import progress
from dapt.records import Document
from dapt.runs import RunFolder
from dapt.validation.gate import GateResult, run_gate
from dapt.validation.suites import anonymized_suite

INDEPENDENT = "IndependentCheck"  # the recognizer name of the independent detectors' findings
WORD = regex.compile(r"[^\W\d_]{2,}")
ALPHANUMERIC_RUN = regex.compile(r"[^\W_]{2,}")
SHIFT_DAYS = 1  # any shift: a date value the date policy leaves as it is, it keeps on purpose


@dataclass(frozen=True)
class ResidualResult:
    documents: int
    documents_with_residual: int
    by_entity: dict[str, int]
    gate: GateResult
    set_aside: int = 0  # corpus documents kept out of training (privacy.residual_action: quarantine)


def as_result(hit: Hit) -> RecognizerResult:
    """An independent detector's hit as a finding of recognizer ``IndependentCheck``."""
    return RecognizerResult(hit.entity_type, hit.start, hit.end, 1.0, recognition_metadata={"recognizer_name": INDEPENDENT})


def can_identify(result: RecognizerResult, text: str) -> bool:
    """Whether a detection on anonymized text could still identify someone. Re-reading text whose
    values were replaced, spaCy draws its spans anew, so three kinds of finding are no residue:
    a fragment beside a replacement (``Soto-Kramer 's`` leaves ``'s``), a date the policy keeps
    (a lone year: date_shift.py leaves it as it is), and a name made only of everyday words that
    are no known name (``the``, ``Company``, ``Investor Relations``)."""
    value = text[result.start : result.end]
    if not ALPHANUMERIC_RUN.search(value):
        return False
    if result.entity_type == "DATE_TIME":
        return shift_dates(value, SHIFT_DAYS) != value
    words = WORD.findall(value)
    return not words or any(could_be_name(word) for word in words)


def _remember(replaced_by_row: dict[int, list[list[int]]], row: dict[str, Any]) -> Document:
    replaced_by_row[row["row"]] = row["replaced"]
    return Document(row["id"], row["text"], row=row["row"])


def residual_scan(kinds: list[Kind], cfg: RunConfig, run: RunFolder) -> ResidualResult:
    """Re-detect on every anonymized file; write residual findings (no values) and the gate result;
    with ``privacy.residual_action: quarantine``, list the corpus documents with a residual finding,
    which every training stage then leaves out."""
    analyzer = configured_analyzer(cfg)
    allow_list = load_domain(cfg.domain).allow_list
    by_entity: Counter[str] = Counter()
    profile: list[dict[str, object]] = []
    corpus_residual: dict[int, int] = {}
    with JsonlWriter(run.residual_findings) as out:
        for kind in kinds:
            rows = {}
            documents = (_remember(rows, row) for row in read_jsonl(run.anonymized(kind)))
            pairs = detect(analyzer, documents, allow_list, cfg.privacy.score_threshold)
            for document, results in progress(pairs, f"residual scan {kind}"):
                replaced = rows.pop(document.row)
                residual = [r for r in results if not overlaps(r.start, r.end, replaced) and can_identify(r, document.text)]
                second = independent_hits(document.text, replaced)
                found = [[r.start, r.end] for r in residual]
                residual += [as_result(hit) for hit in second if not overlaps(hit.start, hit.end, found)]
                for result in residual:
                    out.write({"kind": kind, **to_finding(document.id, document.row, result).to_json()})
                by_entity.update(r.entity_type for r in residual)
                profile.append({"id": f"{kind}:{document.id}", "chars": len(document.text), "residual": len(residual),
                                "independent": len(second)})  # fmt: skip
                if kind == "corpus":
                    corpus_residual[document.row] = len(residual)
    frame = pd.DataFrame(profile, columns=["id", "chars", "residual", "independent"])
    flagged = [row for row, count in corpus_residual.items() if count]
    if cfg.privacy.residual_action == "quarantine":
        reason = "a residual finding outside the replacements: kept out of training"
        write_jsonl(run.residual_quarantine, ({"kind": "corpus", "row": row, "reason": reason} for row in flagged))
    gate = run_gate(
        "anonymized",
        frame,
        anonymized_suite(cfg.privacy.max_residual_doc_fraction),
        run.gate_result("anonymized"),
    )
    set_aside = len(flagged) if cfg.privacy.residual_action == "quarantine" else 0
    return ResidualResult(len(frame), int((frame["residual"] > 0).sum()), dict(by_entity), gate, set_aside)
