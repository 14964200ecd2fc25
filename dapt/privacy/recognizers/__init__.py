"""Recognizers every domain uses, beside Presidio's predefined ones."""

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import (
    AbaRoutingRecognizer,
    UkNinoRecognizer,
    UsMbiRecognizer,
    UsNpiRecognizer,
)

from dapt.privacy.recognizers.addresses import AddressRecognizer
from dapt.privacy.recognizers.base import CASE_SENSITIVE, ConstantsRecognizer
from dapt.privacy.recognizers.contact import (
    CityStateRecognizer,
    ExtensionRecognizer,
    GuardedUrlRecognizer,
    HomeTownRecognizer,
    InternationalPhoneRecognizer,
    LongNumberRecognizer,
    NanpPhoneRecognizer,
    TownRecognizer,
    TownSuffixRecognizer,
    VisitorTownRecognizer,
    ZipCodeRecognizer,
)
from dapt.privacy.recognizers.dates import (
    GuardedDateRecognizer,
    MonthNameDateRecognizer,
    ShortDateRecognizer,
    TimestampRecognizer,
)
from dapt.privacy.recognizers.gazetteer import GazetteerNameRecognizer
from dapt.privacy.recognizers.identifiers import SwiftBicRecognizer
from dapt.privacy.recognizers.names import (
    CaredForNameRecognizer,
    CredentialedNameRecognizer,
    IdentifiedNameRecognizer,
    KinNamedRecognizer,
    LabelledNameRecognizer,
    SignatureRecognizer,
    SignOffRecognizer,
    SurnameCueRecognizer,
    TitledNameRecognizer,
    UpperCaseNameRecognizer,
    WordNameRecognizer,
)
from dapt.privacy.recognizers.organisations import CompanySuffixRecognizer, EmployerRecognizer, PartnersRecognizer
from dapt.privacy.recognizers.places import PlaceGazetteerRecognizer


def generic_recognizers() -> list[EntityRecognizer]:
    """Fresh instances of the recognizers shared by all domains."""
    classes = [
        TitledNameRecognizer,
        LabelledNameRecognizer,
        SurnameCueRecognizer,
        CredentialedNameRecognizer,
        KinNamedRecognizer,
        IdentifiedNameRecognizer,
        UpperCaseNameRecognizer,
        SignOffRecognizer,
        SignatureRecognizer,
        CaredForNameRecognizer,
        WordNameRecognizer,
        AddressRecognizer,
        GazetteerNameRecognizer,
        PlaceGazetteerRecognizer,
        CompanySuffixRecognizer,
        PartnersRecognizer,
        EmployerRecognizer,
        CityStateRecognizer,
        HomeTownRecognizer,
        VisitorTownRecognizer,
        ZipCodeRecognizer,
        NanpPhoneRecognizer,
        InternationalPhoneRecognizer,
        ExtensionRecognizer,
        TimestampRecognizer,
        LongNumberRecognizer,
        GuardedDateRecognizer,
        ShortDateRecognizer,
        MonthNameDateRecognizer,
        TownRecognizer,
        TownSuffixRecognizer,
        GuardedUrlRecognizer,
        SwiftBicRecognizer,
        UsNpiRecognizer,
        UsMbiRecognizer,
        AbaRoutingRecognizer,
        UkNinoRecognizer,
    ]
    return [cls() for cls in classes]


__all__ = ["CASE_SENSITIVE", "ConstantsRecognizer", "generic_recognizers"]
