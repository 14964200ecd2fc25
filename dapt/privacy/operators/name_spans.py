"""Whole names before replacement: a PERSON detection that caught only part of a name grows over
the rest, so ``KRISTIAN O'RYAN`` found on ``KRISTIAN`` is replaced whole, not as ``BONNIE O'RYAN``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from presidio_analyzer import RecognizerResult

from dapt.privacy.recognizers.base import EVERYDAY_ZIPF, RARE_ZIPF, english_zipf
from dapt.privacy.recognizers.names import first_names, last_names

# A word of a name: letters, with apostrophe forms kept whole (O'Ryan, D'Angelo) but not a
# possessive ("Ryan's"); a hyphen joins two words (Smith-Jones), each judged alone.
NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]{2,})*")
JOINERS = (" ", "-")  # one space or a hyphen between a name and its next word; never a line break
# Rare in English yet never part of a name: a title before it, a credential or generation after it.
NOT_NAMES = frozenset(
    {"dr", "mr", "mrs", "ms", "miss", "prof", "sr", "sra", "jr", "ii", "iii", "iv", "md", "do", "rn", "np", "pa",
     "lpn", "cna", "rrt", "phd", "dds", "esq"}
)  # fmt: skip
MIN_UNKNOWN_LETTERS = 4  # an unknown capitalised word shorter than this is an abbreviation (DOB, MRN, HPI)


def name_shape(text: str) -> str:
    """``UPPER`` (two letters or more, all capitals), ``lower``, ``Title`` (a capital first) or ``mixed``."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return "UPPER"
    if all(char.islower() for char in letters):
        return "lower"
    return "Title" if text[:1].isupper() else "mixed"


def is_name_word(word: str, shape: str) -> bool:
    """Whether ``word`` next to a name written in ``shape`` is part of it: a known first or last
    name outside everyday English (lower-case only beside a lower-case name), or a word of the
    same capitalised shape that is rare in English.

    An unknown word must be rarer than ``RARE_ZIPF``, not only outside everyday English: in
    upper-case notes "PRESENTED" (4.75) or "CHEST" (4.52) follow a name, O'RYAN (1.69) is a name.
    """
    lowered = word.lower()
    zipf = english_zipf(lowered)
    if lowered in NOT_NAMES or zipf >= EVERYDAY_ZIPF:
        return False
    if lowered in first_names() or lowered in last_names():
        return name_shape(word) != "lower" or shape == "lower"
    return name_shape(word) == shape in ("UPPER", "Title") and len(word) >= MIN_UNKNOWN_LETTERS and zipf < RARE_ZIPF


class NameWords:
    """The name words of one text, looked up by where they start, end or are cut."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._words = list(NAME_WORD.finditer(text))
        self._starts = [word.start() for word in self._words]
        self._by_start = {word.start(): word for word in self._words}
        self._by_end = {word.end(): word for word in self._words}

    def cut_at(self, position: int) -> re.Match[str] | None:
        """The word that ``position`` falls strictly inside, if any."""
        index = bisect_right(self._starts, position) - 1
        word = self._words[index] if index >= 0 else None
        return word if word and word.start() < position < word.end() else None

    def beside(self, start: int, end: int) -> list[re.Match[str]]:
        """The words one joiner before ``start`` and one joiner after ``end``."""
        before = self._by_end.get(start - 1) if self.text[start - 1 : start] in JOINERS else None
        after = self._by_start.get(end + 1) if self.text[end : end + 1] in JOINERS else None
        return [word for word in (before, after) if word]


def _is_free(start: int, end: int, others: Sequence[RecognizerResult]) -> bool:
    return not any(other.start < end and start < other.end for other in others)


def _grown(words: NameWords, result: RecognizerResult, others: Sequence[RecognizerResult]) -> RecognizerResult:
    """``result`` widened to the words it cuts, then over each name word beside it until none is left."""
    start, end = result.start, result.end
    for cut in (words.cut_at(start), words.cut_at(end)):  # Ryan in O'Ryan takes the whole word
        if cut and _is_free(*cut.span(), others):
            start, end = min(start, cut.start()), max(end, cut.end())
    shape = name_shape(words.text[start:end])
    while grown := [
        word for word in words.beside(start, end) if is_name_word(word[0], shape) and _is_free(*word.span(), others)
    ]:
        start, end = min(start, *(word.start() for word in grown)), max(end, *(word.end() for word in grown))
    if (start, end) == (result.start, result.end):
        return result
    return RecognizerResult(
        result.entity_type, start, end, result.score, result.analysis_explanation, result.recognition_metadata
    )


def extend_person_spans(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """``results`` with every PERSON detection grown over the rest of its name: a neighbouring
    word (one space or a hyphen away) that is a known name, or has the span's capitalised shape
    and is rare in English. A span never grows over another detection, a line break, a title or
    a credential ("Dr", "MD") or an everyday word ("WAS", "THE")."""
    if not any(result.entity_type == "PERSON" for result in results):
        return results
    words = NameWords(text)
    spans = list(results)
    for index, result in enumerate(spans):
        if result.entity_type == "PERSON":
            spans[index] = _grown(words, result, spans[:index] + spans[index + 1 :])
    return spans
