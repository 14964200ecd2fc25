"""Banking identifiers Presidio does not ship: account numbers with context, SWIFT/BIC."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import AbaRoutingRecognizer, UsItinRecognizer

from dapt.privacy.recognizers import CASE_SENSITIVE, ConstantsRecognizer


class AccountNumberRecognizer(ConstantsRecognizer):
    """Bank or customer account numbers: 6–17 digits (optionally grouped) after an account word."""

    ENTITY = "ACCOUNT_NUMBER"
    PATTERNS = [
        Pattern(
            "account (labelled)",
            r"(?<=\b(?:account|acct|a/c|customer)(?:\s(?:no\.?|number|#|id))?[:#\s.]{0,3})\d[\d -]{4,20}\d\b",
            0.85,
        ),
    ]
    CONTEXT = ["account", "acct", "a/c", "customer number"]


class SwiftBicRecognizer(ConstantsRecognizer):
    """SWIFT/BIC (ISO 9362): 4-letter bank, 2-letter country, 2 location, optional 3 branch chars."""

    ENTITY = "SWIFT_BIC"
    PATTERNS = [Pattern("BIC (weak)", r"\b[A-Z]{4}(?:DE|GB|FR|NL|US|CH|IT|ES|BE|IE|AT|LU)[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b", 0.3)]
    CONTEXT = ["swift", "bic", "bank code"]
    FLAGS = CASE_SENSITIVE


def recognizers() -> list[EntityRecognizer]:
    """The finance domain's recognizers (Presidio ships IBAN, card, SSN and US bank numbers)."""
    return [AbaRoutingRecognizer(), UsItinRecognizer(), AccountNumberRecognizer(), SwiftBicRecognizer()]
