"""PERSON detections grow over the rest of their name before replacement."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from dapt.privacy.operators.name_spans import extend_person_spans

# fmt: off
GROWTH = [
    ("KRISTIAN O'RYAN WAS SEEN",    "KRISTIAN", None,          "KRISTIAN O'RYAN"),   # the surname, not WAS
    ("Mary O'Ryan called",          "Ryan",     None,          "Mary O'Ryan"),       # a cut word is taken whole
    ("Ann Smith called",            "Smith",    None,          "Ann Smith"),         # growth to the left
    ("Mary Smith-Jones came",       "Mary",     None,          "Mary Smith-Jones"),  # over a hyphen
    ("wife elaine smith called",    "elaine",   None,          "elaine smith"),      # lower-case known names
    ("John Zyxwood arrived",        "John",     None,          "John Zyxwood"),      # unknown, rare, same shape
    ("Seen by Dr Smith today",      "Smith",    None,          "Smith"),             # never a title
    ("JOHN SMITH MD",               "JOHN",     None,          "JOHN SMITH"),        # nor a credential
    ("THE KELLI VALDEZ PRESENTED",  "KELLI",    None,          "KELLI VALDEZ"),      # nor a common English word
    ("KELLI VALDEZ DOB 01/02/1980", "KELLI",    None,          "KELLI VALDEZ"),      # nor an abbreviation
    ("John Smith\nHISTORY",         "John",     None,          "John Smith"),        # nor across a line break
    ("Ryan's car",                  "Ryan",     None,          "Ryan"),              # nor a possessive
    ("Smith April 3",               "Smith",    "April 3",     "Smith"),             # nor another detection
    ("Smith  Jones",                "Smith",    None,          "Smith"),             # one space only
    ("John smith called",           "John",     None,          "John"),              # lower case after a capital
]
# fmt: on


def _result(text: str, entity: str, value: str) -> RecognizerResult:
    start = text.index(value)
    return RecognizerResult(entity, start, start + len(value), 0.85)


@pytest.mark.parametrize("text, detected, date, expected", GROWTH)
def test_when_a_name_is_detected_in_part_then_the_span_covers_the_whole_name(
    text: str, detected: str, date: str | None, expected: str
) -> None:
    results = [_result(text, "PERSON", detected), *([_result(text, "DATE_TIME", date)] if date else [])]
    grown = extend_person_spans(text, results)
    assert text[grown[0].start : grown[0].end] == expected
    assert grown[0].score == 0.85 and grown[1:] == results[1:]  # the score kept, other detections untouched


def test_when_no_person_is_detected_then_results_are_unchanged() -> None:
    results = [RecognizerResult("LOCATION", 0, 6, 0.6)]
    assert extend_person_spans("Boston Smith", results) == results
