"""Detection: Presidio analysis of documents into findings (offsets and types, never values)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from dapt.privacy.engine import LANGUAGE
from dapt.records import Document, Finding

NUMBER_WORDS = r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many"
UNIT = r"(?:second|sec|minute|min|hour|hr|day|night|week|wk|month|mo|year|yr)s?"
# spaCy tags durations, ages and relative times as DATE; none of them identifies a person.
NOT_A_DATE = re.compile(
    rf"^(?:(?:{NUMBER_WORDS})[\s-]+{UNIT}(?:[\s-]+(?:old|ago|later|prior|earlier))?"
    r"|today|tonight|yesterday|tomorrow|overnight|daily|weekly|monthly|yearly|annually"
    r"|(?:this|last|next)\s+(?:morning|evening|night|week|month|year)|\d{4})$",
    re.IGNORECASE,
)


def is_identifying(result: RecognizerResult, text: str) -> bool:
    """False for detections that are not personal data (durations, relative days, lone years)."""
    if result.entity_type != "DATE_TIME":
        return True
    return not NOT_A_DATE.match(text[result.start : result.end].strip())


def analyze_text(
    analyzer: AnalyzerEngine, text: str, allow_list: Iterable[str], score_threshold: float
) -> list[RecognizerResult]:
    """Presidio results for one text, minus allow-listed words and non-identifying dates."""
    results = analyzer.analyze(
        text=text, language=LANGUAGE, allow_list=list(allow_list) or None, score_threshold=score_threshold
    )
    return sorted((r for r in results if is_identifying(r, text)), key=lambda r: (r.start, -r.end))


def to_finding(doc_id: str, result: RecognizerResult) -> Finding:
    """The value-free record of one detection."""
    recognizer = (result.recognition_metadata or {}).get("recognizer_name", "unknown")
    return Finding(doc_id, result.start, result.end, result.entity_type, round(result.score, 3), recognizer)


def detect(
    analyzer: AnalyzerEngine, documents: Iterable[Document], allow_list: Iterable[str], score_threshold: float
) -> Iterator[tuple[Document, list[RecognizerResult]]]:
    """Each document with its detections."""
    allowed = tuple(allow_list)
    for document in documents:
        yield document, analyze_text(analyzer, document.text, allowed, score_threshold)
