"""Each dapt recognizer on its own: a table of positives and look-alike negatives."""

from __future__ import annotations

import pytest

from dapt.domains.finance.recognizers import AccountNumberRecognizer, SwiftBicRecognizer
from dapt.domains.medical.recognizers import (
    AgeOver89Recognizer,
    HealthPlanIdRecognizer,
    HospitalRecognizer,
    MrnRecognizer,
)
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

# fmt: off
CASES = [
    (MrnRecognizer,        "MRN: 4829301 on file",             ["4829301"]),        # labelled
    (MrnRecognizer,        "MR# 42183829",                      ["42183829"]),       # MR# label
    (MrnRecognizer,        "Unit No: 8684346 Date",             ["8684346"]),        # unit number
    (HospitalRecognizer,   "seen at Mercy General Hospital.",  ["Mercy General Hospital"]),
    (HospitalRecognizer,   "admitted to the hospital today",   []),                 # generic, lower-case
    (AgeOver89Recognizer,  "a 92 yo woman",                     ["92"]),
    (AgeOver89Recognizer,  "a 62 yo woman",                     []),                 # under 90 is not PHI
    (TitledNameRecognizer, "dr. kaufman aware",                 ["kaufman"]),        # lower-case name
    (TitledNameRecognizer, "Dear Dr. Bennett,",                 ["Bennett"]),
    (LabelledNameRecognizer, "Patient: Meagan Mercer  MR#",     ["Meagan Mercer"]),
    (LabelledNameRecognizer, "Patient: Stable overnight",       []),                 # not a known name
    (CredentialedNameRecognizer, "changes. michelle, rn",       ["michelle"]),
    (CredentialedNameRecognizer, "notify md w/ changes",        []),                 # "notify" is no name
    (StreetAddressRecognizer, "lives at 269 Holly Union Apt. 900, Port", ["269 Holly Union Apt. 900"]),
    (StreetAddressRecognizer, "gave 20 Units of insulin",       []),                 # not a street
    (CityStateRecognizer,  "at 5 Elm St, Port Ashley, MI 96812", ["Port Ashley"]),
    (ZipCodeRecognizer,    "Port Ashley, MI 96812",             ["96812"]),
    (ZipCodeRecognizer,    "weight 96812 g",                    []),                 # no state, no label
    (NanpPhoneRecognizer,  "husband (001-388-252-2693)",        ["001-388-252-2693"]),
    (NanpPhoneRecognizer,  "call (617) 555-0142 x12",           ["(617) 555-0142 x12"]),
    (NanpPhoneRecognizer,  "order 1234567890123",               []),                 # long digit run
    (ShortDateRecognizer,  "discharged 11/18.",                 ["11/18"]),
    (ShortDateRecognizer,  "icu npn 6-16-12: pt remains",       ["6-16-12"]),        # dashed, 2-digit year
    (ShortDateRecognizer,  "pain 5/10, BP 120/80",              []),                 # a score, a pressure
    (ShortDateRecognizer,  "home in 1-2 days",                  []),                 # a range
    (MonthNameDateRecognizer, "seen AUGUST 6  HPI",             ["AUGUST 6"]),
    (MonthNameDateRecognizer, "Date of exam: 4 Jul 2011 by",    ["4 Jul 2011"]),
    (MonthNameDateRecognizer, "she may be discharged",          []),                 # "may" the verb
    (HealthPlanIdRecognizer, "member ID VHC070423299. Recent",  ["VHC070423299"]),
    (HealthPlanIdRecognizer, "member states she is",            []),                 # no digits
    (TownRecognizer,       "discharge home to Port Heather in", ["Port Heather"]),
    (LabelledNameRecognizer, "social: wife elaine called",      ["elaine"]),         # lower case
    (LabelledNameRecognizer, "wife called, updated",            []),                 # "called" is no name
    (LabelledNameRecognizer, "Name: Marion McLean\nUnit",       ["Marion McLean"]),  # inner capital
    (UpperCaseNameRecognizer, "note\nKELLI VALDEZ, 70-year-old", ["KELLI VALDEZ"]),
    (UpperCaseNameRecognizer, "HIGH-RESOLUTION CT CHEST - 10/4", []),                # not a first name
    (LabelledNameRecognizer, "reversed. Thanks,\nTyler\n",    ["Tyler"]),          # letter sign-off
    (LabelledNameRecognizer, "Agent Timothy: Could you",        ["Timothy"]),        # chat speaker
    (SignOffRecognizer,    "Case closed. - James\n",            ["James"]),
    (SignOffRecognizer,    "per request. \n- R. Cranly\n",      ["R. Cranly"]),
    (SignOffRecognizer,    "levels 3 - 4 - normal\n",           []),                 # not a name
    (AccountNumberRecognizer, "account no. 12345678 closed",    ["12345678"]),
    (AccountNumberRecognizer, "opened 12345678 tickets",        []),                 # no account word
    (SwiftBicRecognizer,   "BIC DEUTDEFF500 please",            ["DEUTDEFF500"]),
    (SwiftBicRecognizer,   "the word BACKGROUND",               []),                 # upper-case word
]
# fmt: on


@pytest.mark.parametrize("recognizer_class, text, expected", CASES)
def test_when_text_is_scanned_then_only_identifiers_are_found(recognizer_class, text: str, expected: list[str]) -> None:
    recognizer = recognizer_class()
    results = recognizer.analyze(text, recognizer.supported_entities)
    found = [text[r.start : r.end] for r in results if r.score >= 0.3]
    assert found == expected
