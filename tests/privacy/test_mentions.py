"""Every mention of a detected name is detected, in any case; English words and everyday words are not."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from dapt.privacy.mentions import Spans, every_mention, name_words


def person(text: str, name: str, recognizer: str = "TitledNameRecognizer") -> RecognizerResult:
    start = text.index(name)
    metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: recognizer}
    return RecognizerResult("PERSON", start, start + len(name), 0.8, recognition_metadata=metadata)


# fmt: off
CASES = [
    ("Dr. Kowalski saw her. KOWALSKI AWARE. kowalski called back.", "Kowalski", ["Kowalski", "KOWALSKI", "kowalski"]),
    ("Seen by Rose Abernathy. Temperature rose. Rose called. abernathy", "Rose Abernathy", ["Rose Abernathy", "Rose", "abernathy"]),  # "rose" is English
    ("Will Smith here; will call Smith again.",                      "Will Smith", ["Will Smith", "Smith"]),        # 'will' is everyday
    ("wife Eileen called. eileen asked re: plan, sent a bill",        "Eileen",    ["Eileen", "eileen"]),         # a name, no word
    ("husband Art called. Art line flushed.",                        "Art",       ["Art"]),                      # an arterial line
    ("No names in this note at all.",                                "",          []),
]
# fmt: on


@pytest.mark.parametrize("text, detected, expected", CASES)
def test_every_mention_of_a_detected_name_is_found(text: str, detected: str, expected: list[str]) -> None:
    results = [person(text, detected)] if detected else []
    found = every_mention(results, text, name_words(results, text))
    assert [text[r.start : r.end] for r in found] == expected
    assert all(r.entity_type == "PERSON" for r in found)


def test_names_spacy_guessed_are_not_followed() -> None:
    text = "Abdomen Nontender today. nontender again. Nontender."
    results = [person(text, "Abdomen Nontender", "SpacyRecognizer")]
    assert every_mention(results, text, name_words(results, text)) == results


def test_mentions_are_looked_for_only_in_the_stretch_asked_and_never_cut_at_its_end() -> None:
    text = "Kowalski here. KOWALSKI there. Kowalskis elsewhere. kowalski last."
    names = {"kowalski": 0.8}
    stretch = every_mention([], text, names, start=5, end=text.index("kowalski last") + 5)
    assert [text[r.start : r.end] for r in stretch] == ["KOWALSKI"]


# fmt: off
OVERLAPS = [
    ((50, 55), True),    # inside the long second span, past the short third one
    ((6, 9), False),     # between spans
    ((4, 6), True),      # straddles the end of the first span
    ((100, 120), False), # touching the end is no overlap
]
# fmt: on


@pytest.mark.parametrize("span, expected", OVERLAPS)
def test_spans_overlap(span: tuple[int, int], expected: bool) -> None:
    assert Spans([(0, 5), (10, 100), (20, 22)]).overlap(*span) is expected
