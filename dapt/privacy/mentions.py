"""Every mention of a detected name: notes repeat a name, and the detector that catches it once
(after a title, before a credential, in a header) often misses it in running text or in another
case (``Dr. Kowalski`` … ``KOWALSKI AWARE`` … ``kowalski called``). Each word of a name found
by a cue (``name_words``) is looked for again in the whole document, in any case, and every
mention not yet covered becomes a detection too; surrogates are keyed on the lower-cased value,
so all get the same one.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

import regex
from presidio_analyzer import RecognizerResult

from dapt.privacy.operators.name_spans import NAME_WORD, NOT_NAMES
from dapt.privacy.plausibility import ENGLISH_WORD_ZIPF, is_eponym, recognizer_of
from dapt.privacy.recognizers.base import COMMON_ZIPF, EVERYDAY_ZIPF, english_zipf
from dapt.privacy.recognizers.names import (
    CaredForNameRecognizer,
    CredentialedNameRecognizer,
    IdentifiedNameRecognizer,
    KinNamedRecognizer,
    LabelledNameRecognizer,
    SignatureRecognizer,
    SignOffRecognizer,
    TitledNameRecognizer,
    is_known_name,
)
from dapt.privacy.vocabulary import never_names

MENTION = "EveryMention"
CUED = frozenset(
    recognizer.__name__
    for recognizer in (TitledNameRecognizer, LabelledNameRecognizer, CredentialedNameRecognizer,
                       IdentifiedNameRecognizer, SignOffRecognizer, SignatureRecognizer, KinNamedRecognizer,
                       CaredForNameRecognizer)
)  # fmt: skip


def name_words(results: list[RecognizerResult], text: str) -> dict[str, float]:
    """The words worth following of the names found by a cue (a title, a label, a credential, a
    record number, a sign-off, a relation, a clause that reports on someone: spaCy's guesses and bare
    gazetteer hits would spread their mistakes, ``nontender`` or ``ligature``, through the note),
    lower-cased, each with the best score it was found with: a known first name or surname that is
    not an everyday word (``Rose``, not ``Will``), or a word rare in English (``Kowalski``); never an
    English word a detection took in by mistake (``Medical``), a title or a credential."""
    scores: dict[str, float] = {}
    for result in results:
        if recognizer_of(result) in CUED:
            for word in NAME_WORD.findall(text[result.start : result.end]):
                key = word.lower()
                if len(key) > 1 and key not in NOT_NAMES and worth_following(key):
                    scores[key] = max(scores.get(key, 0.0), result.score)
    return scores


def worth_following(word: str) -> bool:
    zipf = english_zipf(word)
    return zipf < ENGLISH_WORD_ZIPF or (zipf < EVERYDAY_ZIPF and is_known_name(word))


def every_mention(
    results: list[RecognizerResult], text: str, names: dict[str, float], start: int = 0, end: int | None = None
) -> list[RecognizerResult]:
    """``results`` plus a PERSON detection at each mention of one of ``names`` in ``text[start:end]``
    that no result covers, in text order; a lower-case mention only of a word rare in English."""
    if not names:
        return results
    end = len(text) if end is None else end
    words = "|".join(regex.escape(word) for word in sorted(names, key=len, reverse=True))
    covered = Spans(sorted((r.start, r.end) for r in results))
    found = [
        mention(match, names[match.group().lower()])
        for match in regex.finditer(
            rf"(?<![\p{{L}}\d])(?:{words})(?![\p{{L}}\d])", text, regex.IGNORECASE, pos=start, endpos=end
        )  # fmt: skip
        if not text[match.end() : match.end() + 1].isalnum()  # whole in the text, not only before ``end``
        and not covered.overlap(match.start(), match.end())
        and reads_as_name(match.group())
    ]
    named = [result for result in found if not is_eponym(result, text)]  # ``Art`` found, then ``Art line``
    return sorted([*results, *named], key=lambda r: (r.start, -r.end))


def reads_as_name(mention: str) -> bool:
    """Capitalised or in capitals, or lower case but rare in English (``kowalski``) or no word
    Philter lists and not common (``eileen``, ``dorothy``; not ``rose`` nor ``bill``)."""
    zipf = english_zipf(mention)
    return not mention.islower() or zipf < ENGLISH_WORD_ZIPF or (mention not in never_names() and zipf < COMMON_ZIPF)


class Spans:
    """Sorted (start, end) spans, asked whether a span overlaps any of them."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in spans]
        self.furthest_end = list(accumulate((end for _, end in spans), max))  # of the spans up to each

    def overlap(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # spans starting before ``end``
        return before > 0 and self.furthest_end[before - 1] > start


def mention(match: regex.Match[str], score: float) -> RecognizerResult:
    metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: MENTION, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: MENTION}
    return RecognizerResult("PERSON", match.start(), match.end(), score, recognition_metadata=metadata)
