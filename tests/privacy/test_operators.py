"""Surrogates and date shifting: consistent, keyed, format-preserving."""

from __future__ import annotations

import os
import re
import stat

import pytest

from dapt.domains.finance.recognizers import CusipRecognizer, IsinRecognizer, LeiRecognizer
from dapt.errors import UserError
from dapt.privacy.keys import create_key, load_key
from dapt.privacy.operators.date_shift import document_offset, shift_dates
from dapt.privacy.operators.surrogate import SurrogateFactory, iban_check_digits, luhn_check_digit

# fmt: off
DATES = [
    ("03/14/2021",       40, "04/23/2021"),      # padded US date keeps padding and year width
    ("3/14",             40, "4/23"),            # no year, no padding
    ("12/14/2021",       40, "01/23/2022"),      # crosses a year
    ("7-22-93",          40, "8-31-93"),         # two-digit year, dashes
    ("2021-03-14",       40, "2021-04-23"),      # ISO
    ("JULY 22",          40, "AUGUST 31"),       # upper-case month name
    ("March 14, 2021",   -20, "February 22, 2021"),  # negative shift
    ("14th of March",    40, "23rd of April"),   # ordinal suffix follows the new day
    ("Mar. 3",           40, "Apr. 12"),         # abbreviation with a dot
    ("03/14/2021 10:30", 40, "04/23/2021 10:30"),  # time kept
    ("yesterday",        40, "yesterday"),       # nothing to shift, nothing identifying
    ("nov.",             40, None),              # a lone month: must be redacted
    ("22ND",             40, None),              # a lone day: must be redacted
]
# fmt: on


@pytest.mark.parametrize("value, days, expected", DATES)
def test_when_date_is_shifted_then_format_is_kept(value: str, days: int, expected: str | None) -> None:
    assert shift_dates(value, days) == expected


def test_when_offset_is_drawn_then_it_is_keyed_and_in_range() -> None:
    offsets = {document_offset(b"k" * 16, f"doc{i}", 30, 365) for i in range(200)}
    assert all(30 <= abs(days) <= 365 for days in offsets)
    assert any(days < 0 for days in offsets) and any(days > 0 for days in offsets)
    assert document_offset(b"k" * 16, "doc1", 30, 365) == document_offset(b"k" * 16, "doc1", 30, 365)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _luhn_ok(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


# fmt: off
SHAPES = [
    ("PERSON",       "John Smith",                  lambda s: len(s.split()) == 2 and s.istitle()),
    ("PERSON",       "JOHN SMITH",                  lambda s: s.isupper()),
    ("PERSON",       "dr. carroll",                 lambda s: s.startswith("dr. ") and s.islower()),
    ("PHONE_NUMBER", "(617) 555-0142",              lambda s: re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", s)),
    ("CREDIT_CARD",  "4111 1111 1111 1111",         lambda s: re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", s) and _luhn_ok(_digits(s))),
    ("IBAN_CODE",    "DE89 3704 0044 0532 0130 00", lambda s: s.startswith("DE") and iban_check_digits("DE", s.replace(" ", "")[4:]) == s[2:4]),
    ("US_SSN",       "123-45-6789",                 lambda s: re.fullmatch(r"[1-8]\d{2}-\d{2}-\d{4}", s)),
    ("MRN",          "4829301",                     lambda s: re.fullmatch(r"\d{7}", s)),
    ("EMAIL_ADDRESS", "jane@x.org",                 lambda s: "@" in s),
    ("CUSIP",        "037833100",                   lambda s: re.fullmatch(r"\d{9}", s) and CusipRecognizer.checksum_ok(s)),
    ("CUSIP",        "G0408V102",                   lambda s: re.fullmatch(r"[A-Z]\d{4}[A-Z]\d{3}", s) and CusipRecognizer.checksum_ok(s)),
    ("ISIN",         "US0378331005",                lambda s: re.fullmatch(r"US\d{10}", s) and IsinRecognizer.checksum_ok(s)),
    ("LEI",          "5493001KJTIIGC8Y1R12",        lambda s: re.fullmatch(r"\d{7}[A-Z]{7}\d[A-Z]\d[A-Z]\d{2}", s) and LeiRecognizer.checksum_ok(s)),
    ("US_EIN",       "12-3456789",                  lambda s: re.fullmatch(r"12-\d{7}", s)),  # issued prefix kept
    ("CUSTOMER_ID",  "CUST-0048213",                lambda s: re.fullmatch(r"[A-Z]{4}-\d{7}", s)),
]
# fmt: on


@pytest.mark.parametrize("entity, value, shape_ok", SHAPES)
def test_when_surrogate_is_made_then_it_is_consistent_realistic_and_new(entity, value, shape_ok) -> None:
    factory = SurrogateFactory(b"key-one-0123456789")
    surrogate = factory.surrogate(entity, value)
    assert surrogate != value and shape_ok(surrogate), surrogate
    assert SurrogateFactory(b"key-one-0123456789").surrogate(entity, value) == surrogate  # consistent
    assert SurrogateFactory(b"key-two-0123456789").surrogate(entity, value) != surrogate  # keyed


def test_when_key_file_is_created_then_it_is_private_and_loadable(tmp_path) -> None:
    path = tmp_path / "k" / "dapt.key"
    create_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(load_key(path)) == 64
    with pytest.raises(UserError, match="already exists"):
        create_key(path)


def test_when_no_key_is_given_then_error_names_both_sources(monkeypatch) -> None:
    monkeypatch.delenv("DAPT_KEY", raising=False)
    with pytest.raises(UserError, match=r"\$DAPT_KEY is unset and no --key-file"):
        load_key(None)
