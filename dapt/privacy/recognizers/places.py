"""Towns and countries without a cue, found by a gazetteer: Faker's city lists of 40+ locales and
its English country names. A one-word town must be rare as an English word (``Charleroi``, not
``Nice``) and be written with a capital, as place names are. The same country names, with Faker's
language names, tell a people from a word spaCy mistook for one (``names_a_group``)."""

from __future__ import annotations

from functools import cache

import faker.providers.address as faker_address
import regex
from faker.providers.person import Provider as PersonProvider
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
# the kinds of care a patient is sent to, a closed class: outside hospital, skilled nursing, visiting
# nurses, extended and long-term care, step-down and progressive care units, nursing home, assisted living…, and
# the services and tests a note sends one to (``transfer to tele``, ``sent to EEG``)
CARE_SETTINGS = frozenset(
    {"osh", "snf", "ecf", "vna", "ltac", "ltach", "ltc", "ltcf", "sdu", "pcu", "tcu", "nsg", "nh", "alf", "irf", "sar",
     "cath", "tele", "telemetry", "neuro", "ortho", "onc", "surg", "gyn", "pulm", "endo", "eeg", "ekg", "bmt"}
)
SHORTEST_STEM = 4  # ``Peru`` and ``Iran`` still lead to ``Peruvian`` and ``Iranian``; ``Oman`` is no stem of ``omas``
# Faker names countries and languages, not their peoples; these few are spelled from neither
IRREGULAR_DEMONYMS = frozenset({"swiss", "scottish", "scots", "filipino", "cypriot", "flemish", "emirati", "briton"})
# the religious and political groups of Presidio's NRP (a closed class), singular or plural
FAITH_OR_PARTY = regex.compile(
    r"(?:christian|catholic|protestant|baptist|methodist|lutheran|presbyterian|pentecostal|evangelical|mormon|"
    r"jehovah|muslim|moslem|islamic|jewish|jew|hindu|buddhist|sikh|shi'?a|shii|shi'?ite|sunni|orthodox|amish|"
    r"adventist|quaker|anglican|episcopalian|atheist|agnostic|democrat|republican|communist|socialist)(?:s|es)?",
    regex.IGNORECASE,
)


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


@cache
def group_stems() -> frozenset[str]:
    """Stems a people's name begins with: every word of Faker's English country and language names,
    also without its final vowel (``Mexic`` of Mexico for ``Mexican``, ``Argentin`` for ``Argentinean``)."""
    names = [*places()[1], *(language.lower() for language in PersonProvider.language_names)]
    words = {word for name in names for word in regex.findall(r"\p{L}+", name)}
    trimmed = {word[:-1] for word in words if word[-1] in "aeiouy"}
    return frozenset(stem for stem in words | trimmed if len(stem) >= SHORTEST_STEM)


def names_a_group(phrase: str) -> bool:
    """Whether a phrase spaCy took for a nationality, religious or political group holds a word
    that reads as one (``Vietnamese``, ``proud saudis``, ``Baptist``), unlike the eponyms and brands
    it also tags (``Allis``, ``Tympanic membranes``, ``Lexiscan``)."""
    for word in regex.findall(r"\p{L}+", phrase.lower()):
        if word in IRREGULAR_DEMONYMS or FAITH_OR_PARTY.fullmatch(word):
            return True
        if any(word.startswith(stem) for stem in group_stems()):
            return True
    return False


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
