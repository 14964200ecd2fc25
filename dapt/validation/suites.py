"""The expectation suites of each gate, as functions of the settings (profiles, never text)."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

MAX_DOCUMENT_CHARS = 5_000_000
MAX_NON_TEXT_RATIO = 0.3
OVERLAP_COLUMN = "repeats_a_training_text"
PROFILE_COLUMNS = {  # the columns of each gate's profile frame; a domain's expectations use these
    "raw": ("id", "chars", "non_text_ratio"),
    "task": ("id", "label", "chars", "part", OVERLAP_COLUMN),
}


def declared_suite(entries: list[dict[str, Any]]) -> list[Any]:
    """Expectations a domain declares in its ``expectations.yaml``, built from their GX type names
    (``{type, kwargs, severity}``; severity ``critical`` stops the run, ``warning`` logs)."""
    from great_expectations.expectations.registry import get_expectation_impl

    return [
        get_expectation_impl(entry["type"])(**entry.get("kwargs", {}), severity=entry.get("severity", "critical"))
        for entry in entries
    ]


def raw_suite() -> list[Any]:
    """Raw corpus profile (id, chars, non_text_ratio): unique ids, sane sizes, text not binary."""
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeUnique(column="id"),
        gxe.ExpectColumnValuesToBeBetween(column="chars", min_value=1, max_value=MAX_DOCUMENT_CHARS),
        gxe.ExpectColumnValuesToBeBetween(column="non_text_ratio", max_value=MAX_NON_TEXT_RATIO, mostly=0.99),
    ]


def anonymized_suite(max_residual_doc_fraction: float) -> list[Any]:
    """Anonymized corpus profile (id, chars, residual): few documents with a residual finding."""
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeUnique(column="id"),
        gxe.ExpectColumnValuesToBeBetween(column="residual", max_value=0, mostly=1 - max_residual_doc_fraction),
    ]




def task_suite(overlap_severity: str = "critical") -> list[Any]:
    """Anonymized task split profile (id, label, chars, part, repeats_a_training_text): labelled,
    two classes or more, non-empty text, no evaluation text that repeats a training one (a warning
    only under ``validation.eval_overlap: warn``)."""
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=2),
        gxe.ExpectColumnValuesToNotBeNull(column="label"),
        gxe.ExpectColumnUniqueValueCountToBeBetween(column="label", min_value=2),
        gxe.ExpectColumnValuesToBeBetween(column="chars", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column=OVERLAP_COLUMN, value_set=[False], severity=overlap_severity),
    ]
