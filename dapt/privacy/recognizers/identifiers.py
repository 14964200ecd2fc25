"""Identifiers that belong to no one domain: a hospital pays suppliers by SWIFT and a bank keeps a
customer's NHS or NI number. Presidio's own recognizers for US NPI, Medicare MBI, ABA routing and
UK NINO are registered beside these for every domain (``generic_recognizers``)."""

from __future__ import annotations

from faker.providers.address import Provider as Address
from presidio_analyzer import Pattern

from dapt.privacy.recognizers.base import CASE_SENSITIVE, ConstantsRecognizer, english_zipf

COUNTRY_CODES = "|".join(sorted(Address.alpha_2_country_codes))


class SwiftBicRecognizer(ConstantsRecognizer):
    """SWIFT/BIC (ISO 9362): 4-letter bank, the bank's ISO 3166 country, 2 location and an optional
    3-character branch (``DEUTDEFF500``, ``NEDSZAJJ``); weak alone, a ``swift``/``bic`` word lifts it.
    Capitals only: in any case, words near ``BIC`` (biceps) in clinical notes match. A code of letters
    only in a line written in capitals reaches detection as a word (casing.py) and is missed."""

    ENTITY = "SWIFT_BIC"
    PATTERNS = [Pattern("BIC (weak)", rf"\b[A-Z]{{4}}(?:{COUNTRY_CODES})[A-Z0-9]{{2}}(?:[A-Z0-9]{{3}})?\b", 0.3)]
    CONTEXT = ["swift", "bic", "bank code"]
    FLAGS = CASE_SENSITIVE

    def invalidate_result(self, pattern_text: str) -> bool:
        """A word English knows is no bank's code (banks' codes are unknown to it): a heading in capitals,
        ``INDICATIONS`` (INDI, Canada, TI, ONS), ``MEDICATIONS``."""
        return english_zipf(pattern_text.lower()) > 0
