"""The independent residual detectors: what they see, what they leave alone, and the gate they feed
catching an identifier that dapt's own detector misses."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dapt.cli import run_config
from dapt.io import write_jsonl
from dapt.privacy import residual
from dapt.privacy.independent import independent_hits
from dapt.records import Document
from dapt.runs import RunFolder

# fmt: off
CASES = [
    ("Call me at 617-555-0143 or (212) 867-5309.",   [("PHONE_NUMBER", "617-555-0143"), ("PHONE_NUMBER", "(212) 867-5309")]),
    ("Reach her on +44 20 7946 0958 after six.",      [("PHONE_NUMBER", "+44 20 7946 0958")]),
    ("Email jane.doe+notes@example.org today",        [("EMAIL_ADDRESS", "jane.doe+notes@example.org")]),
    ("Card 4111 1111 1111 1111 was declined",         [("CREDIT_CARD", "4111 1111 1111 1111")]),
    ("Card 4111 1111 1111 1112 (Luhn fails)",         []),
    ("IBAN DE89 3704 0044 0532 0130 00 on file",      [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")]),
    ("IBAN DE88 3704 0044 0532 0130 00 (mod-97 fails)", []),
    ("SSN 536-22-8147; 666-12-3456 is never issued",  [("US_SSN", "536-22-8147")]),
    ("BP 120/80, HR 72, K 4.1, MRN 4829301, 2021-03-14, 10/12/2020, dose 1234567890123 units", []),
    ("",                                              []),
]
# fmt: on


@pytest.mark.parametrize("text, expected", CASES)
def test_independent_detectors_find_identifiers_by_shape_and_checksum(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(hit.entity_type, text[hit.start : hit.end]) for hit in independent_hits(text, [])] == expected


def test_a_replaced_span_is_never_an_independent_hit() -> None:
    text = "Call 617-555-0143 or write to ann@example.org"
    assert [h.entity_type for h in independent_hits(text, [[5, 17, "PHONE_NUMBER"]])] == ["EMAIL_ADDRESS"]


def blind(analyzer: object, documents: Iterable[Document], *args: object, **kwargs: object) -> Iterator[tuple[Document, list]]:
    """dapt's detector with a bug that makes it find nothing."""
    return ((document, []) for document in documents)


def test_when_dapts_detector_misses_everything_then_the_independent_check_fails_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunFolder(tmp_path / "run")
    leaked = "Follow-up: call 617-555-0143 or write to j.whitaker@example.org."
    rows = [{"id": f"doc-{i}", "row": i, "text": f"Note {i}: stable, eating well.", "replaced": []} for i in range(9)]
    rows.append({"id": "doc-9", "row": 9, "text": leaked, "replaced": []})
    write_jsonl(run.anonymized("corpus"), rows)
    monkeypatch.setattr(residual, "detect", blind)
    strict = run_config("medical", None, {"privacy": {"max_residual_doc_fraction": 0.05}})
    result = residual.residual_scan(["corpus"], strict, run)
    assert not result.gate.success and result.documents_with_residual == 1
    assert any("anonymized.independent: expect_column_values_to_be_between(column=independent" in f for f in result.gate.failed())
    findings = [json.loads(line) for line in run.residual_findings.read_text().splitlines()]
    assert [(f["entity_type"], f["recognizer"], f["row"]) for f in findings] == [
        ("PHONE_NUMBER", "IndependentCheck", 9), ("EMAIL_ADDRESS", "IndependentCheck", 9)]
    aside = [json.loads(line)["row"] for line in run.residual_quarantine.read_text().splitlines()]
    assert aside == [9] and "617" not in run.residual_findings.read_text()
