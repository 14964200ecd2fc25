"""Recognizer bases: patterns in class constants, or code with one entity; Faker list readers."""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any, ClassVar

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from wordfreq import zipf_frequency

CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
EVERYDAY_ZIPF = 5.8  # "My", "Can", "The" are commoner: never a name alone; Johnson, David are not
FUNCTION_WORD_ZIPF = 6.0  # ``to``, ``from``, ``at``, ``his``, ``will``: words of grammar (5.9 ``name`` is not)
COMMON_ZIPF = 4.5  # commoner than this: an English word even where the gazetteer knows it
RARE_ZIPF = 3.5  # rarer than this in English: a name where the gazetteer knows it
POSSESSIVE = regex.compile(r"['’]s$")  # ``Medtronic's``, ``Center’s``
ABBREVIATION_LETTERS = 4  # up to this many capitals in a row: an abbreviation (HEENT is five)


@cache
def english_zipf(word: str) -> float:
    """How common ``word`` is in English (wordfreq Zipf scale, 0 = unseen)."""
    return zipf_frequency(word, "en")


class ConstantsRecognizer(PatternRecognizer):
    """Subclasses set ENTITY, PATTERNS, CONTEXT (and optionally override the two predicates).

    ``validate_result`` returning True raises the score to the maximum, False drops the match;
    ``invalidate_result`` returning True drops it (Presidio's contract).
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = CASE_INSENSITIVE

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            global_regex_flags=self.FLAGS,
        )


class CodedRecognizer(EntityRecognizer):
    """Base of recognizers whose ``analyze`` is code, not patterns: one ENTITY, named after the class."""

    ENTITY: ClassVar[str]

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        """Nothing to load by default; gazetteer recognizers warm their lists here."""

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        """A result named after this recognizer, as Presidio's own are."""
        metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}
        return RecognizerResult(self.ENTITY, start, end, score, recognition_metadata=metadata)


class CuedValueRecognizer(CodedRecognizer):
    """Values found with their cue by forward patterns whose group 1 is the value (``asking for
    (ann)``): a regex scan for the cue costs less than a look-behind tried at every character."""

    CUED: ClassVar[list[regex.Pattern[str]]]
    SCORE: ClassVar[float] = 1.0  # the cue and the check together, as a validated pattern scores

    def is_value(self, value: str) -> bool:
        """Whether the text a cue points at is a value of this recognizer's entity."""
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Group 1 of every cued match that ``is_value``."""
        return [
            self.result(*match.span(1), self.SCORE)
            for pattern in self.CUED
            for match in pattern.finditer(text)
            if self.is_value(match.group(1))
        ]


def faker_providers(package: ModuleType) -> Iterator[tuple[str, Any]]:
    """(locale, Provider class) of every locale module Faker ships in ``package``."""
    for module in pkgutil.iter_modules(package.__path__):
        yield module.name, import_module(f"{package.__name__}.{module.name}").Provider


def string_values(provider: Any, attribute: str) -> list[str]:
    """The strings of a Faker list attribute (list, tuple, set or weighted dict); [] when absent."""
    values = getattr(provider, attribute, None)
    if not isinstance(values, dict | list | tuple | set | frozenset):
        return []
    return [value for value in values if isinstance(value, str)]
