"""Recognizers every domain uses, beside Presidio's predefined ones."""

from presidio_analyzer import EntityRecognizer

from dapt.privacy.recognizers.base import CASE_SENSITIVE, ConstantsRecognizer
from dapt.privacy.recognizers.contact import (
    CityStateRecognizer,
    NanpPhoneRecognizer,
    StreetAddressRecognizer,
    TownRecognizer,
    ZipCodeRecognizer,
)
from dapt.privacy.recognizers.dates import MonthNameDateRecognizer, ShortDateRecognizer
from dapt.privacy.recognizers.names import (
    CredentialedNameRecognizer,
    LabelledNameRecognizer,
    SignOffRecognizer,
    TitledNameRecognizer,
    UpperCaseNameRecognizer,
)


def generic_recognizers() -> list[EntityRecognizer]:
    """Fresh instances of the recognizers shared by all domains."""
    classes = [
        TitledNameRecognizer,
        LabelledNameRecognizer,
        CredentialedNameRecognizer,
        UpperCaseNameRecognizer,
        SignOffRecognizer,
        StreetAddressRecognizer,
        CityStateRecognizer,
        ZipCodeRecognizer,
        NanpPhoneRecognizer,
        ShortDateRecognizer,
        MonthNameDateRecognizer,
        TownRecognizer,
    ]
    return [cls() for cls in classes]


__all__ = ["CASE_SENSITIVE", "ConstantsRecognizer", "generic_recognizers"]
