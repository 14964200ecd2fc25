"""What the residual scan counts: detections on anonymized text that could still identify someone."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from dapt.privacy.residual import can_identify

# fmt: off
CASES = [
    # (text, the detection in it, entity type, counted as residual)
    ("analyst Soto-Kramer 's team",     "'s",                 "PERSON",       False),  # a fragment beside a surrogate
    ("in the fourth quarter of 2020",   "2020",               "DATE_TIME",    False),  # a lone year: the policy keeps it
    ("caused by the VANCE INC pandemic", "the",               "ORGANIZATION", False),  # everyday words name no one
    ("call Investor Relations today",    "Investor Relations", "ORGANIZATION", False),
    ("58% of our April rent",           "April",              "DATE_TIME",    True),   # a month the policy replaces
    ("seen on March 3 in clinic",       "March 3",            "DATE_TIME",    True),
    ("led by Mr. Wright today",          "Wright",             "PERSON",       True),   # a known name, though a word too
    ("IDACORP and its peers",            "IDACORP",            "ORGANIZATION", True),   # no vocabulary
    ("the patient Kowalczyk said",       "Kowalczyk",          "PERSON",       True),
]
# fmt: on


@pytest.mark.parametrize("text, value, entity_type, expected", CASES)
def test_when_anonymized_text_is_scanned_then_only_what_can_identify_is_residual(
    text: str, value: str, entity_type: str, expected: bool
) -> None:
    start = text.index(value)
    result = RecognizerResult(entity_type, start, start + len(value), 0.85)
    assert can_identify(result, text) is expected
