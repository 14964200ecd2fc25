"""A second opinion on the anonymized text that shares no code with the detector: Google's
phonenumbers matcher, and checksummed patterns for cards, IBANs and SSNs, plus e-mail addresses.

The residual scan re-runs dapt's own detector, so a bug there (a recognizer dropped, a threshold
misread) would hide itself. These detectors look only for identifiers that are unambiguous by
their shape or checksum, and only outside the spans anonymization replaced (surrogates have the
same shapes by design).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import phonenumbers

from dapt.privacy.operators.surrogate import as_digits, luhn_check_digit

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
SSN = re.compile(r"(?<![\d-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
PHONE_REGION = "US"  # numbers without a country code are read as North American


class Hit(NamedTuple):
    entity_type: str
    start: int
    end: int


def luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    return int(as_digits(compact[4:] + compact[:4])) % 97 == 1


def all_hits(text: str) -> Iterator[Hit]:
    """Every identifier the independent detectors see in ``text``."""
    yield from (Hit("EMAIL_ADDRESS", m.start(), m.end()) for m in EMAIL.finditer(text))
    yield from (Hit("CREDIT_CARD", m.start(), m.end()) for m in CARD.finditer(text) if luhn_valid(re.sub(r"\D", "", m[0])))
    yield from (Hit("IBAN_CODE", m.start(), m.end()) for m in IBAN.finditer(text) if iban_valid(m[0]))
    yield from (Hit("US_SSN", m.start(), m.end()) for m in SSN.finditer(text))
    matches = phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID)
    yield from (Hit("PHONE_NUMBER", match.start, match.end) for match in matches)


def overlaps(start: int, end: int, spans: list[list[Any]]) -> bool:
    """Whether ``start``-``end`` overlaps any ``[start, end, …]`` of ``spans``."""
    return any(start < span_end and span_start < end for span_start, span_end, *_ in spans)


def independent_hits(text: str, replaced: list[list[Any]]) -> list[Hit]:
    """The identifiers the independent detectors find outside every replaced span, in text order."""
    outside = [hit for hit in all_hits(text) if not overlaps(hit.start, hit.end, replaced)]
    return sorted(set(outside), key=lambda hit: (hit.start, hit.end))
