"""Parts of speech from spaCy's lemmatizer tables: a word after a name that can only be a noun."""

from __future__ import annotations

import pytest

from dapt.privacy.wordclass import is_only_noun

# fmt: off
WORDS = [
    ("scalpel",   True),   # a noun
    ("table",     True),   # a noun, and a verb only in its base form
    ("catheters", True),   # the plural of a noun that is no verb
    ("membranes", True),
    ("reports",   False),  # a verb's third person
    ("clips",     False),
    ("was",       False),  # an irregular verb, not the plural of "wa"
    ("does",      False),
    ("female",    False),  # an adjective too
    ("today",     False),  # an adverb too
    ("administered", False),
    ("and",       False),
]
# fmt: on


@pytest.mark.parametrize("word, expected", WORDS)
def test_only_a_noun_is_read_as_one(word: str, expected: bool) -> None:
    assert is_only_noun(word) is expected
