"""Banking identifiers Presidio does not ship: account and customer numbers with context,
securities (CUSIP, ISIN), legal entities (LEI) and US employer numbers (EIN). SWIFT/BIC and ABA
routing numbers are every domain's (dapt/privacy/recognizers/identifiers.py)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import UsItinRecognizer

from dapt.privacy.operators.surrogate import cusip_check_digit, isin_check_digit, mod97_check_digits
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


class CustomerNumberRecognizer(ConstantsRecognizer):
    """Customer, client, member, policy or loan numbers after their label (``client ID:``,
    ``loan number``): 5–20 characters with at least 3 digits, e.g. ``CUST-0048213``,
    ``LN 2019-44821``. Each bank issues its own, so there is no authority or URL. Labelled pure
    digits after "customer" are also ACCOUNT_NUMBER, which scores higher and so wins the span
    (no context words here: they would lift this score above it)."""

    ENTITY = "CUSTOMER_ID"
    PATTERNS = [
        Pattern(
            "customer id (labelled)",
            r"(?<=\b(?:customer|client|member|policy|loan)\s?(?:no\.?|number|num|#|id)[:#\s.]{0,3})"
            r"\b(?-i:[A-Z]{1,4}\s)?[A-Z0-9]+(?:-[A-Z0-9]+)*\b",
            0.8,
        ),
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop ids of the wrong length or with fewer than 3 digits (a word after the label)."""
        return not 5 <= len(pattern_text) <= 20 or sum(char.isdigit() for char in pattern_text) < 3


class CheckDigitRecognizer(ConstantsRecognizer):
    """A code ending in check digits: a wrong check drops the match. A right one keeps the
    pattern's score, since one random code in ten (in 97 for MOD 97) passes too; context raises it."""

    FLAGS = CASE_SENSITIVE

    @staticmethod
    def checksum_ok(code: str) -> bool:
        """Whether ``code`` ends in its check digits."""
        raise NotImplementedError

    def invalidate_result(self, pattern_text: str) -> bool:
        return not self.checksum_ok(pattern_text)


class CusipRecognizer(CheckDigitRecognizer):
    """CUSIP, the North American security number of CUSIP Global Services (ANSI X9.6): 6-character
    issuer, 2-character issue, modulus-10 "double-add-double" check digit, e.g. 037833100.
    https://www.cusip.com/identifiers.html"""

    ENTITY = "CUSIP"
    PATTERNS = [Pattern("CUSIP (weak)", r"\b[0-9A-Z]{6}[0-9A-Z*@#]{2}\d\b", 0.3)]
    CONTEXT = ["cusip", "security", "bond", "note", "shares"]

    @staticmethod
    def checksum_ok(code: str) -> bool:
        return cusip_check_digit(code[:-1]) == code[-1]


class IsinRecognizer(CheckDigitRecognizer):
    """ISIN (ISO 6166), issued by national numbering agencies under ANNA: 2-letter country code,
    9-character national number, Luhn check digit over letters spelled as numbers (A=10), e.g.
    US0378331005. https://www.anna-web.org/standards/isin-iso-6166/"""

    ENTITY = "ISIN"
    PATTERNS = [Pattern("ISIN (medium)", r"\b[A-Z]{2}[0-9A-Z]{9}\d\b", 0.5)]
    CONTEXT = ["isin"]

    @staticmethod
    def checksum_ok(code: str) -> bool:
        return isin_check_digit(code[:-1]) == code[-1]


class LeiRecognizer(CheckDigitRecognizer):
    """Legal Entity Identifier (ISO 17442), issued under GLEIF: 18 alphanumeric characters and two
    ISO 7064 MOD 97-10 check digits, e.g. 5493001KJTIIGC8Y1R12.
    https://www.gleif.org/en/about-lei/iso-17442-the-lei-code-structure"""

    ENTITY = "LEI"
    PATTERNS = [Pattern("LEI (medium)", r"\b[0-9A-Z]{18}\d{2}\b", 0.5)]
    CONTEXT = ["lei"]

    @staticmethod
    def checksum_ok(code: str) -> bool:
        return mod97_check_digits(code[:-2]) == code[-2:]


class EinRecognizer(ConstantsRecognizer):
    """US Employer Identification Number of the IRS: NN-NNNNNNN, the prefix one the IRS issues.
    Weak on its own (any hyphenated number fits): reported only beside a context word, or after
    "TIN", which cannot be one since context words match inside words (meeting, routing).
    https://www.irs.gov/businesses/small-businesses-self-employed/how-eins-are-assigned-and-valid-ein-prefixes"""

    ENTITY = "US_EIN"
    PATTERNS = [
        Pattern("EIN (after TIN)", r"(?<=\btin(?:\sno\.?|\sis)?[:#\s.]{0,3})\d{2}-\d{7}(?![\w-])", 0.6),
        Pattern("EIN (weak)", r"(?<![\w-])\d{2}-\d{7}(?![\w-])", 0.3),
    ]
    CONTEXT = ["ein", "fein", "tax", "employer"]
    UNISSUED: ClassVar[frozenset[str]] = frozenset("00 07 08 09 17 18 19 28 29 49 69 70 78 79 89 96 97".split())

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop prefixes the IRS has never issued."""
        return pattern_text[:2] in self.UNISSUED


def recognizers() -> list[EntityRecognizer]:
    """The finance domain's recognizers (Presidio ships IBAN, card, SSN and US bank numbers)."""
    classes = [
        AccountNumberRecognizer,
        CustomerNumberRecognizer,
        CusipRecognizer,
        IsinRecognizer,
        LeiRecognizer,
        EinRecognizer,
    ]
    return [UsItinRecognizer(), *(cls() for cls in classes)]
