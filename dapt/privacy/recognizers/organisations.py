"""Organisations written the way companies name themselves: a legal or trade suffix
(``Streetcred Software Inc.``), or partners' surnames (``Owens, Duran and Oneal``, ``Weeks-Rivas``)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from dapt.privacy.recognizers.base import CASE_SENSITIVE, ConstantsRecognizer, english_zipf
from dapt.privacy.recognizers.names import last_names

CAPITALISED = r"\p{Lu}[\p{L}'’&-]*"
SUFFIXES = (
    r"Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|Corp\.?|Corporation|Company|Co\.|GmbH|AG|S\.A\.|SA|PLC|plc|LLP|N\.V\.|"
    r"B\.V\.|Group|Holdings|Technologies|Software|Partners|Associates|Capital|Markets|Systems|Solutions|Labs|"
    r"Ventures|Enterprises|Industries|Consulting|Analytics|Insurance|Bank|Bancorp|Trust|& Sons|and Sons"
)
SURNAME = r"\p{L}[\p{L}'’]+"
INITIAL_DOT = r"(?:(?<=\b\p{Lu})\.)?"  # ``Walter P. Carter``; a full stop after a word ends the sentence
CONNECTIVE_ZIPF = 6.6  # as common as "by" or commoner: articles, prepositions, conjunctions ("can" is 6.5)


class CompanySuffixRecognizer(ConstantsRecognizer):
    """Capitalised words ending in a company suffix; ``inc``/``llc``/``ltd``/``corp`` in any case.
    A suffix joined to a code is a cell line or a product (``LLC-PK1``), not a company."""

    ENTITY = "ORGANIZATION"
    PATTERNS = [
        Pattern("suffixed company (medium)", rf"\b(?:\d+\s)?(?:{CAPITALISED}\s){{1,3}}(?:{SUFFIXES})(?![\p{{L}}\d-])", 0.6),
        Pattern("lower-case company (medium)", r"\b(?:\p{Ll}+\s){1,3}(?i:inc\.?|llc|ltd\.?|corp\.?)(?![\p{L}\d-])", 0.6),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        """Not when every word before the suffix is a function word (``In Group``, ``The Bank``; ``Can
        Capital`` is a company)."""
        before = [word for word in pattern_text.split()[:-1] if not word.isdigit()]
        return False if before and _only_connectives(before) else None


class PartnersRecognizer(ConstantsRecognizer):
    """Firms named after partners: ``Owens, Duran and Oneal``, ``Weeks-Rivas``, ``Thomas and Sons``;
    every surname must be in the gazetteer."""

    ENTITY = "ORGANIZATION"
    PATTERNS = [
        Pattern("partners (medium)", rf"\b{SURNAME},\s{SURNAME},?\s(?:and|&)\s{SURNAME}\b", 0.6),
        Pattern("double-barrelled (medium)", r"\b\p{Lu}\p{Ll}+-\p{Lu}\p{Ll}+\b", 0.5),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        """Every word but the conjunction is a known surname; otherwise drop the match."""
        words = [w.strip(",").lower() for w in pattern_text.replace("-", " ").split() if w not in ("and", "&")]
        return True if all(word in last_names() for word in words) else False


class EmployerRecognizer(ConstantsRecognizer):
    """Where someone works, named after ``works|worked|working for|at`` or ``I|we|they|you|to work for|at``:
    ``I used to work for NATO``, ``works at Home Depot``, ``worked for Walter P. Carter Center`` (not ``lab work at``).
    An employer identifies someone, and spaCy misses the names it has never seen."""

    ENTITY = "ORGANIZATION"
    PATTERNS = [
        Pattern(
            "employer (medium)",
            rf"(?<=\b(?:(?i:works|worked|working)|(?:I|we|they|you|to)\s(?i:work))\s(?:for|at)\s)"
            rf"{CAPITALISED}{INITIAL_DOT}(?:[ \t](?:(?:and|of|&)[ \t])?{CAPITALISED}{INITIAL_DOT}){{0,3}}",
            0.6,
        )
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        """Not a function word alone (``work for The``)."""
        return False if _only_connectives(pattern_text.split()) else None


def _only_connectives(words: list[str]) -> bool:
    """Whether every word is an article, preposition or conjunction (``In``, ``The``)."""
    return all(english_zipf(word.lower()) >= CONNECTIVE_ZIPF for word in words)
