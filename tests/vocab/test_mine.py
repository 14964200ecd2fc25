"""Vocabulary mining counts domain words only: never words of a replaced span (a surrogate)."""

from __future__ import annotations

import pytest

from dapt.vocab.mine import count_words, outside_replacements

TEXT = "pt swalsh@gmail.com has hyperlipidemia; call swalsh at home re hyperlipidemia"


def _span(word: str, occurrence: int = 0) -> list[int]:
    start = TEXT.index(word)
    for _ in range(occurrence):
        start = TEXT.index(word, start + 1)
    return [start, start + len(word)]


# fmt: off
@pytest.mark.parametrize("replaced, absent", [
    ([_span("swalsh@gmail.com"), _span("swalsh", 1)], {"swalsh", "gmail"}),  # e-mail and bare surname surrogates
    ([_span("swalsh", 1), _span("swalsh@gmail.com")], {"swalsh", "gmail"}),  # spans in any order
    ([], set()),                                                              # nothing replaced: every word counts
])
# fmt: on
def test_when_spans_were_replaced_then_their_words_are_not_mined(replaced: list[list[int]], absent: set[str]) -> None:
    counts = count_words([outside_replacements(TEXT, replaced)])
    assert absent.isdisjoint(counts) and counts["hyperlipidemia"] == 2
    assert {"swalsh", "gmail"} - absent <= set(counts)
