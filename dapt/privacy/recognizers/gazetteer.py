"""Names without a cue, found by a gazetteer: Faker's first and last names of 50+ locales.

A word is *name evidence* when the gazetteer knows it and it is rare as an English word
(wordfreq), so ``Mark`` or ``Grace`` alone prove nothing while ``Eklund`` or ``Paavolainen`` do.
Three shapes are accepted: a capitalised run of two or three words (with an optional initial),
a lone capitalised rare name, and a lower-case ``first [initial] last`` pair.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dapt.privacy.recognizers.base import COMMON_ZIPF, RARE_ZIPF, CodedRecognizer, english_zipf
from dapt.privacy.recognizers.names import first_names, last_names
from dapt.privacy.vocabulary import never_names

TITLE_WORD = r"\p{Lu}\p{Ll}+(?:[-'’]\p{L}+)?"
INITIAL = r"\p{Lu}\.?"
CAPITALISED_RUN = regex.compile(rf"(?<![\p{{L}}\d.])({TITLE_WORD})(?:\s({INITIAL}))?(?:\s({TITLE_WORD})){{0,2}}(?![\p{{L}}\d])")
LOWER_PAIR = regex.compile(r"(?<![\p{L}\d])(\p{Ll}{2,})\s(?:\p{Ll}\.?\s)?(\p{Ll}{2,})(?![\p{L}\d])")
RUN_SCORE, SINGLE_SCORE, LOWER_SCORE = 0.6, 0.45, 0.5


UNSEEN_ZIPF = 1.5  # rarer than this: not an English word at all
SURNAME_ENDING_ZIPF = 2.5  # Borkowski 1.7, Abramovich 2.4; ostrich 3.1, iceberg 3.4, sandwich 4.1
# Surname endings of Slavic, Nordic, Finnish, Greek, Romanian, Armenian and Ukrainian names.
SURNAME_ENDINGS = (
    "ski", "ska", "cki", "cka", "ova", "ová", "ov", "ev", "ević", "ović", "ovic", "vić", "ich", "sson", "nen",
    "escu", "opoulos", "akis", "idis", "yan", "enko", "chuk", "dottir", "dóttir", "berg", "stein", "mann",
)


def is_name_evidence(word: str) -> bool:
    """A word the gazetteer knows that is rare as an English word, or an unknown word with a
    surname ending (``Rintanen``, ``Borkowski``)."""
    lowered = word.lower()
    zipf = english_zipf(lowered)
    if lowered in first_names() or lowered in last_names():
        return zipf < RARE_ZIPF
    return zipf < SURNAME_ENDING_ZIPF and len(lowered) > 4 and lowered.endswith(SURNAME_ENDINGS)


def _is_name_part(word: str) -> bool:
    lowered = word.lower().rstrip(".")
    return len(lowered) == 1 or lowered in first_names() or lowered in last_names() or english_zipf(lowered) < RARE_ZIPF


def _is_first_name(word: str) -> bool:
    return word.lower() in first_names() and english_zipf(word.lower()) < COMMON_ZIPF


def reads_as_name(names: list[str]) -> bool:
    """Whether capitalised words (initials left out) read as a person's name."""
    lowered = [word.lower() for word in names]
    if all(english_zipf(word) >= COMMON_ZIPF for word in lowered):
        return False
    if len(names) == 1:
        return lowered[0] not in never_names() and (_is_first_name(names[0]) or is_name_evidence(names[0]))
    first_then_rare = _is_first_name(names[0]) and english_zipf(lowered[-1]) < RARE_ZIPF
    first_and_last = lowered[0] in first_names() and lowered[-1] in last_names()
    return first_then_rare or first_and_last or any(is_name_evidence(word) for word in names)


def has_middle_initial(words: list[str]) -> bool:
    """``Szabina J Gelencsér``: a word, a capital initial, a word that is not common English."""
    return (
        len(words) == 3
        and len(words[1].rstrip(".")) == 1
        and english_zipf(words[0].lower()) < COMMON_ZIPF
        and english_zipf(words[2].lower()) < RARE_ZIPF
    )


def run_span(words: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """The span of a capitalised run that reads as a name, trimmed of non-name words at its ends."""
    while words and not _is_name_part(words[0][0]):
        words = words[1:]
    while words and not _is_name_part(words[-1][0]):
        words = words[:-1]
    names = [word for word, _, _ in words if len(word.rstrip(".")) > 1]
    shaped = has_middle_initial([word for word, _, _ in words])
    return (words[0][1], words[-1][2]) if names and (shaped or reads_as_name(names)) else None


def is_lower_case_name(first: str, last: str) -> bool:
    """``patricia desrosiers``: a first name that is no everyday word, then a rare surname; not ``diamond
    keratome``, whose rare word is vocabulary (Philter's list)."""
    last_is_surname = last in last_names() or (english_zipf(last) < UNSEEN_ZIPF and last not in never_names())
    return _is_first_name(first) and last_is_surname and english_zipf(last) < RARE_ZIPF


class GazetteerNameRecognizer(CodedRecognizer):
    """Person names in any case, recognised by the package gazetteer rather than by context."""

    ENTITY = "PERSON"

    def load(self) -> None:
        """Warm the gazetteer so the first document does not pay for it."""
        first_names()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Capitalised runs and lower-case first-last pairs that read as names."""
        spans = [span for match in CAPITALISED_RUN.finditer(text) if (span := run_span(_groups(match)))]
        scores = [SINGLE_SCORE if " " not in text[s:e] else RUN_SCORE for s, e in spans]
        for match in LOWER_PAIR.finditer(text, overlapped=True):
            if is_lower_case_name(match.group(1), match.group(2)):
                spans.append(match.span())
                scores.append(LOWER_SCORE)
        return [self.result(start, end, score) for (start, end), score in zip(spans, scores, strict=True)]


def _groups(match: regex.Match[str]) -> list[tuple[str, int, int]]:
    words = []
    for group in range(1, 4):
        for start, end in match.spans(group):
            if start >= 0:
                words.append((match.string[start:end], start, end))
    return sorted(words, key=lambda word: word[1])
