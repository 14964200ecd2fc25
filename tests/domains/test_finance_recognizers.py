"""The finance identifiers: each recognizer on a table of positives and look-alikes, then the whole
finance analyzer with its context enhancement and score threshold."""

from __future__ import annotations

import pytest

from dapt.config import PrivacyConfig
from dapt.domains.finance.recognizers import (
    CusipRecognizer,
    CustomerNumberRecognizer,
    EinRecognizer,
    IsinRecognizer,
    LeiRecognizer,
)
from dapt.privacy.engine import LANGUAGE, analyzer_for

# fmt: off
CASES = [
    (CusipRecognizer,  "CUSIP 037833100 (Apple)",             ["037833100"]),            # digits only
    (CusipRecognizer,  "bond CUSIP G0408V102 matures",         ["G0408V102"]),            # CINS, with letters
    (CusipRecognizer,  "CUSIP 037833101 (typo)",               []),                       # wrong check digit
    (CusipRecognizer,  "call 123456789 today",                 []),                       # 9 digits, check fails
    (CusipRecognizer,  "ISIN US0378331005",                    []),                       # inside an ISIN
    (CusipRecognizer,  "",                                     []),                       # empty
    (IsinRecognizer,   "ISIN US0378331005 (Apple)",            ["US0378331005"]),
    (IsinRecognizer,   "US5949181045 and GB0002634946",        ["US5949181045", "GB0002634946"]),
    (IsinRecognizer,   "ISIN US0378331006 (typo)",             []),                       # wrong check digit
    (IsinRecognizer,   "order AB1234567890 shipped",           []),                       # 12 chars, check fails
    (IsinRecognizer,   "The isin of the fund is unknown.",     []),                       # plain sentence
    (LeiRecognizer,    "LEI 5493001KJTIIGC8Y1R12 (Bloomberg)", ["5493001KJTIIGC8Y1R12"]),
    (LeiRecognizer,    "Apple: HWUPKR0MPOU8FGXBT394",          ["HWUPKR0MPOU8FGXBT394"]),
    (LeiRecognizer,    "LEI 5493001KJTIIGC8Y1R13",             []),                       # wrong check digits
    (LeiRecognizer,    "HWUPKR0MPOU8FGXBT349",                 []),                       # check digits swapped
    (LeiRecognizer,    "",                                     []),                       # empty
    (EinRecognizer,    "EIN: 12-3456789",                      ["12-3456789"]),           # weak: needs context
    (EinRecognizer,    "TIN 98-7654321 on the W-9",            ["98-7654321"]),           # after TIN
    (EinRecognizer,    "EIN 07-1234567",                       []),                       # prefix never issued
    (EinRecognizer,    "call 555-12-3456789",                  []),                       # part of a longer number
    (EinRecognizer,    "",                                     []),                       # empty
    (CustomerNumberRecognizer, "customer no. CUST-0048213 on file", ["CUST-0048213"]),
    (CustomerNumberRecognizer, "client ID: C00482193.",             ["C00482193"]),
    (CustomerNumberRecognizer, "loan number LN 2019-44821 is due",  ["LN 2019-44821"]),  # prefix and space
    (CustomerNumberRecognizer, "member # 48213902",                 ["48213902"]),
    (CustomerNumberRecognizer, "client ID: AB12 pending",           []),                 # fewer than 3 digits
    (CustomerNumberRecognizer, "customer identity 12345 verified",  []),                 # no id label
    (CustomerNumberRecognizer, "",                                  []),                 # empty
]
EIN_IN_CONTEXT = [
    ("Our EIN is 12-3456789.",         {"12-3456789"}),  # a context word lifts the weak pattern over 0.4
    ("Reference 12-3456789 attached.", set()),           # no context: stays under the threshold
    ("Tax ID 07-1234567.",             set()),           # context, but a prefix never issued
]
# fmt: on

VALID = {("037833100", "CUSIP"), ("US0378331005", "ISIN"), ("5493001KJTIIGC8Y1R12", "LEI")}
SECURITIES = (
    "Bought Apple shares, CUSIP 037833100, ISIN US0378331005, for Bloomberg LP, LEI 5493001KJTIIGC8Y1R12. "
    "Typos: CUSIP 037833109, ISIN US0378331009, LEI 5493001KJTIIGC8Y1R19."
)


def analyzed(text: str) -> set[tuple[str, str]]:
    """(value, entity type) of every finding of the finance analyzer at the default threshold."""
    settings = PrivacyConfig()
    analyzer = analyzer_for("finance", settings.spacy_model)
    results = analyzer.analyze(text, LANGUAGE, score_threshold=settings.score_threshold)
    return {(text[r.start : r.end], r.entity_type) for r in results}


@pytest.mark.parametrize("recognizer_class, text, expected", CASES)
def test_when_text_is_scanned_then_only_valid_ids_are_found(recognizer_class, text: str, expected: list[str]) -> None:
    recognizer = recognizer_class()
    results = recognizer.analyze(text, recognizer.supported_entities)
    found = [text[r.start : r.end] for r in results if r.score >= 0.3]
    assert found == expected


def test_when_finance_analyzer_runs_then_securities_are_found_only_with_valid_checks() -> None:
    found = {(value, entity) for value, entity in analyzed(SECURITIES) if entity in {"CUSIP", "ISIN", "LEI"}}
    assert found == VALID


@pytest.mark.parametrize("text, expected", EIN_IN_CONTEXT)
def test_when_ein_is_analyzed_then_context_decides(text: str, expected: set[str]) -> None:
    assert {value for value, entity in analyzed(text) if entity == "US_EIN"} == expected
