"""The expectation suites of each gate, as functions of the settings (profiles, never text)."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from dapt.config import ValidationConfig

MAX_DOCUMENT_CHARS = 5_000_000
MAX_NON_TEXT_RATIO = 0.3
MAX_DUPLICATE_SHARE = 0.05  # raw.duplicates: most documents that may repeat another one's words
MIN_ENGLISH_SHARE, MOSTLY_ENGLISH = 0.3, 0.95  # raw.language: a document's English words, documents so written
SEVERITY = {"fail": "critical", "warn": "warning"}
OVERLAP_COLUMN = "repeats_a_training_text"
PROFILE_COLUMNS = {  # the columns of each gate's profile frame; a domain's expectations use these
    "raw": ("id", "chars", "non_text_ratio", "fingerprint", "english_share"),
    "task": ("id", "label", "chars", "part", "class_size", "imbalance", "tokens", OVERLAP_COLUMN),
}


def declared_suite(entries: list[dict[str, Any]]) -> list[Any]:
    """Expectations a domain declares in its ``expectations.yaml``, built from their GX type names
    (``{type, kwargs, severity}``; severity ``critical`` stops the run, ``warning`` logs)."""
    from great_expectations.expectations.registry import get_expectation_impl

    return [
        get_expectation_impl(entry["type"])(**entry.get("kwargs", {}), severity=entry.get("severity", "critical"))
        for entry in entries
    ]


def checked(expectation: type, check: str, validation: ValidationConfig, **arguments: Any) -> Any:
    """A gate expectation named ``check`` (kept in its meta), at the severity its policy gives."""
    return expectation(**arguments, severity=SEVERITY[validation.policy(check)], meta={"check": check})


def raw_suite(validation: ValidationConfig) -> list[Any]:
    """Raw corpus profile: unique ids, sane sizes, text not binary, few repeated documents, written in
    English (the detector's spaCy model and word lists are English: names in another language go unseen)."""
    return [
        checked(gxe.ExpectTableRowCountToBeBetween, "raw.rows", validation, min_value=1),
        checked(gxe.ExpectColumnValuesToBeUnique, "raw.unique_ids", validation, column="id"),
        checked(gxe.ExpectColumnValuesToBeBetween, "raw.length", validation, column="chars", min_value=1,
                max_value=MAX_DOCUMENT_CHARS),
        checked(gxe.ExpectColumnValuesToBeBetween, "raw.non_text", validation, column="non_text_ratio",
                max_value=MAX_NON_TEXT_RATIO, mostly=0.99),
        checked(gxe.ExpectColumnValuesToBeUnique, "raw.duplicates", validation, column="fingerprint",
                mostly=1 - MAX_DUPLICATE_SHARE),
        checked(gxe.ExpectColumnValuesToBeBetween, "raw.language", validation, column="english_share",
                min_value=MIN_ENGLISH_SHARE, mostly=MOSTLY_ENGLISH),
    ]


def anonymized_suite(max_residual_doc_fraction: float) -> list[Any]:
    """Anonymized data profile (id, chars, residual, independent): few documents with a residual
    finding of dapt's detector, and few with one of the independent detectors (privacy: always critical)."""
    allowed = 1 - max_residual_doc_fraction
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeUnique(column="id"),
        gxe.ExpectColumnValuesToBeBetween(column="residual", max_value=0, mostly=allowed, meta={"check": "anonymized.residual"}),
        gxe.ExpectColumnValuesToBeBetween(column="independent", max_value=0, mostly=allowed,
                                          meta={"check": "anonymized.independent"}),
    ]




def task_suite(validation: ValidationConfig, max_tokens: int) -> list[Any]:
    """Anonymized task split profile: labelled, two classes or more each with enough training
    examples and not too unbalanced, non-empty texts that fit the model, no evaluation text that
    repeats a training one (a warning only under ``validation.eval_overlap: warn``)."""
    overlap = "warning" if validation.eval_overlap == "warn" else "critical"
    return [
        checked(gxe.ExpectTableRowCountToBeBetween, "task.rows", validation, min_value=2),
        checked(gxe.ExpectColumnValuesToNotBeNull, "task.labelled", validation, column="label"),
        checked(gxe.ExpectColumnUniqueValueCountToBeBetween, "task.classes", validation, column="label", min_value=2),
        checked(gxe.ExpectColumnValuesToBeBetween, "task.text", validation, column="chars", min_value=1),
        checked(gxe.ExpectColumnValuesToBeBetween, "task.min_per_class", validation, column="class_size",
                min_value=validation.min_per_class),
        checked(gxe.ExpectColumnMaxToBeBetween, "task.imbalance", validation, column="imbalance",
                max_value=validation.max_imbalance),
        checked(gxe.ExpectColumnValuesToBeBetween, "task.tokens", validation, column="tokens", max_value=max_tokens),
        gxe.ExpectColumnValuesToBeInSet(column=OVERLAP_COLUMN, value_set=[False], severity=overlap,
                                        meta={"check": "task.eval_overlap"}),
    ]
