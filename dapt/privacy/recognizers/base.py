"""A pattern recognizer whose data lives in class constants (no constructor per recognizer)."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE


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


def result_of(recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float) -> RecognizerResult:
    """A result from a hand-written ``analyze``, named after its recognizer as Presidio's own are."""
    metadata = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    return RecognizerResult(entity, start, end, score, recognition_metadata=metadata)
