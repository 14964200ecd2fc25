"""Towns and countries without a cue, found by a gazetteer: Faker's city lists of 40+ locales and
its English country names. A one-word town must be rare as an English word (``Charleroi``, not
``Nice``) and be written with a capital, as place names are."""

from __future__ import annotations

from functools import cache

import faker.providers.address as faker_address
import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dapt.privacy.recognizers.base import (
    RARE_ZIPF,
    CodedRecognizer,
    english_zipf,
    faker_providers,
    string_values,
)
from dapt.privacy.vocabulary import never_names

CITY_ATTRIBUTES = ("cities", "city_names", "towns")
CAPITALISED_RUN = regex.compile(r"(?<![\p{L}\d])\p{Lu}[\p{L}'’-]*(?:[ -]\p{Lu}[\p{L}'’-]*){0,3}(?![\p{L}\d])")
WORD = regex.compile(r"\p{Lu}[\p{L}'’-]*")
LONGEST_PLACE_WORDS = 3
SCORE = 0.5


@cache
def places() -> tuple[frozenset[str], frozenset[str]]:
    """(towns, countries), lower-cased, from Faker's address providers."""
    towns: set[str] = set()
    countries: set[str] = set()
    for locale, provider in faker_providers(faker_address):
        towns.update(value.lower() for attribute in CITY_ATTRIBUTES for value in string_values(provider, attribute))
        if locale.startswith("en"):
            countries.update(value.lower() for value in string_values(provider, "countries"))
    return frozenset(towns), frozenset(countries)


def is_place(phrase: str) -> bool:
    """A known country, or a known town that is not an everyday English word nor vocabulary
    (``Tol``, ``Levo``: vocabulary.py)."""
    towns, countries = places()
    lowered = phrase.lower()
    if lowered in countries:
        return True
    return lowered in towns and (" " in lowered or (english_zipf(lowered) < RARE_ZIPF and lowered not in never_names()))


class PlaceGazetteerRecognizer(CodedRecognizer):
    """Capitalised town and country names the package gazetteer knows; returns ``LOCATION``."""

    ENTITY = "LOCATION"

    def load(self) -> None:
        """Warm the gazetteer so the first document does not pay for it."""
        places()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The longest known place inside every capitalised run (a line written in capitals
        reaches detection case-restored: casing.py)."""
        return [
            self.result(start, end, SCORE)
            for run in CAPITALISED_RUN.finditer(text)
            for start, end in longest_places([word.span() for word in WORD.finditer(text, *run.span())], text)
        ]


def longest_places(words: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Spans of the longest known places among consecutive words, left to right."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        for size in range(min(LONGEST_PLACE_WORDS, len(words) - index), 0, -1):
            start, end = words[index][0], words[index + size - 1][1]
            if is_place(text[start:end]):
                found.append((start, end))
                index += size
                break
        else:
            index += 1
    return found
