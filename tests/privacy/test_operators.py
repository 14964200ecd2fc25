"""Surrogates and date shifting: consistent, keyed, format-preserving."""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from urllib.parse import urlparse

import faker.providers.person.en_US as faker_en_us
import pytest
from presidio_analyzer import RecognizerResult

from dapt.domains.base import load_domain
from dapt.domains.finance.recognizers import CusipRecognizer, IsinRecognizer, LeiRecognizer
from dapt.errors import UserError
from dapt.privacy.anonymize import Replacer
from dapt.privacy.keys import create_key, load_key
from dapt.privacy.operators.date_shift import document_offset, shift_dates
from dapt.privacy.operators.surrogate import MAX_DRAWS, SurrogateFactory, iban_check_digits, luhn_check_digit

KEY = b"key-one-0123456789"

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
    ("Feb 25",           40, "Apr 6"),           # a two-digit day alone is no sign of padding
    ("Mar 03",           -1, "Mar 02"),          # a padded day keeps its padding
    ("03/14/2021 10:30", 40, "04/23/2021 10:30"),  # time kept
    ("yesterday",        40, "yesterday"),       # nothing to shift, nothing identifying
    ("nov.",             40, None),              # a lone month: must be redacted
    ("22ND",             40, None),              # a lone day: must be redacted
]
# fmt: on


@pytest.mark.parametrize("value, days, expected", DATES)
def test_when_date_is_shifted_then_format_is_kept(value: str, days: int, expected: str | None) -> None:
    assert shift_dates(value, days) == expected


# fmt: off
YEARLESS_SHIFTS = [
    10,    # Feb 25 lands on Mar 7, where a leap year would put Feb 29 between them
    4,     # only Feb 25 crosses the end of February (a leap year would write Feb 29)
    -8,    # only Mar 7 crosses it, backwards
    -40,   # both move into January
    300,   # Mar 7 crosses into the next year
    -400,  # both move back more than a year
]
# fmt: on


def _month_day(value: str) -> datetime:
    return datetime.strptime(f"{value} 2001", "%b %d %Y")


@pytest.mark.parametrize("days", YEARLESS_SHIFTS)
def test_when_yearless_dates_are_shifted_then_their_interval_is_kept(days: int) -> None:
    first, second = _month_day(shift_dates("Feb 25", days)), _month_day(shift_dates("Mar 7", days))
    assert (second - first).days % 365 == 10


# fmt: off
DOCUMENT_DATES = [
    ("Seen 02/20/2024, recheck Feb 25 and Mar 7.",        "02/20/2024"),  # a leap year: Mar 7 is 16 days on
    ("Seen 02/20/2023, recheck Feb 25 and Mar 7.",        "02/20/2023"),  # a common year: 15 days on
    ("Recheck Feb 25 and Mar 7; first seen 02/20/2024.",  "02/20/2024"),  # the dated date comes last
]
# fmt: on
YEARLESS = re.compile(r"\b[A-Z][a-z]{2} \d{1,2}\b")
DATED = re.compile(r"\d\d/\d\d/\d{4}")


def _replace(text: str, results: list[RecognizerResult]) -> tuple[str, list[list[int]]]:
    return Replacer(load_domain("medical"), KEY, 40, 40).replace("doc", text, results)


@pytest.mark.parametrize("text, dated", DOCUMENT_DATES)
def test_when_a_document_writes_a_year_then_its_yearless_dates_move_with_it(text: str, dated: str) -> None:
    found = [match for form in (DATED, YEARLESS) for match in form.finditer(text)]
    shifted, _ = _replace(text, [RecognizerResult("DATE_TIME", m.start(), m.end(), 0.9) for m in found])
    anchor, new_anchor = (datetime.strptime(value, "%m/%d/%Y") for value in (dated, DATED.search(shifted)[0]))
    for old, new in zip(YEARLESS.findall(text), YEARLESS.findall(shifted), strict=True):
        moved = new_anchor + (datetime.strptime(f"{old} {anchor.year}", "%b %d %Y") - anchor)
        assert new == f"{moved:%b} {moved.day}", (old, new)


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
    ("PHONE_NUMBER", "(617) 555-0142 x19034",       lambda s: re.fullmatch(r"\(\d{3}\) \d{3}-\d{4} x\d{5}", s)),  # extension letter kept
    ("PHONE_NUMBER", "617-555-0142 ext. 12",        lambda s: re.fullmatch(r"\d{3}-\d{3}-\d{4} ext\. \d{2}", s)),
    ("PHONE_NUMBER", "+44 20 7946 0958",            lambda s: re.fullmatch(r"\+44 \d{2} \d{4} \d{4}", s)),  # country code kept
    ("PHONE_NUMBER", "+16175550142",                lambda s: re.fullmatch(r"\+1[2-9]\d{9}", s)),  # code found without a space
    ("ORGANIZATION", "Kaiser Permanente",           lambda s: not re.search(r"Medical|Hospital|Clinic|Health", s)),  # a company
    ("ORGANIZATION", "Acme Inc.",                   lambda s: s.endswith(" Inc.") and s != "Acme Inc."),  # legal suffix kept
    ("ORGANIZATION", "First Community Credit Union", lambda s: s.endswith(" Credit Union")),
    ("HOSPITAL",     "MOUNT SINAI INFIRMARY",       lambda s: s.isupper() and s.endswith(" INFIRMARY")),  # kind word kept
    ("HOSPITAL",     "Saint Mary's",                lambda s: s.endswith(" Hospital")),  # no kind word: a hospital
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
    surrogate = SurrogateFactory(KEY).surrogate(entity, value)
    assert surrogate != value and shape_ok(surrogate), surrogate
    assert SurrogateFactory(KEY).surrogate(entity, value) == surrogate  # consistent
    assert SurrogateFactory(b"key-two-0123456789").surrogate(entity, value) != surrogate  # keyed


def _url_form(url: str) -> tuple[str, bool, bool, bool, bool]:
    """(scheme as written, www., path, query, fragment)."""
    scheme = re.match(r"\w+://", url)
    rest = urlparse("//" + url[scheme.end() if scheme else 0 :])
    www = rest.netloc.lower().startswith("www.")
    return scheme[0] if scheme else "", www, rest.path not in ("", "/"), bool(rest.query), bool(rest.fragment)


# fmt: off
URLS = [
    "https://www.example.org/patients/4821?id=9&v=2",  # path and query
    "http://example.org/a/b/#notes",                   # path with a trailing slash and a fragment
    "example.org",                                     # a bare domain stays bare
    "www.x.org",                                       # www. without a scheme
    "HTTPS://WWW.EXAMPLE.ORG/PATH",                    # capitals: the scheme kept as written
    "portal.example.org/login",                        # no scheme, a path
]
# fmt: on


@pytest.mark.parametrize("url", URLS)
def test_when_url_is_replaced_then_it_is_a_valid_url_of_the_same_form(url: str) -> None:
    surrogate = SurrogateFactory(KEY).surrogate("URL", url)
    assert _url_form(surrogate) == _url_form(url), surrogate
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", surrogate)
    parsed = urlparse(surrogate)
    assert not re.match(r"\w+://", url) or (parsed.scheme and parsed.netloc), surrogate


FEMALE = {name.lower() for name in faker_en_us.Provider.first_names_female}
MALE = {name.lower() for name in faker_en_us.Provider.first_names_male}

# fmt: off
GENDERED = [
    ("Mary Smith",    FEMALE),  # known only as a woman's name
    ("JAMES BROWN",   MALE),    # a man's, in capitals
    ("Dr. Linda Wu",  FEMALE),  # after a title
    ("Bonnie",        FEMALE),  # alone: a first name the surname lists do not know
]
# fmt: on


@pytest.mark.parametrize("name, names", GENDERED)
def test_when_a_first_name_has_one_gender_then_its_surrogate_has_it_too(name: str, names: set[str]) -> None:
    for index in range(10):
        surrogate = SurrogateFactory(f"key-{index}-0123456789".encode()).surrogate("PERSON", name)
        assert surrogate.removeprefix("Dr. ").split()[0].lower() in names, surrogate


# fmt: off
LATER_MENTIONS = [
    ("John Smith",           "Smith",    -1),  # a bare surname later in the corpus
    ("JOHN SMITH",           "Smith",    -1),  # keyed in any case
    ("Mary Ann Rintanen",    "Rintanen", -1),  # a surname no list knows
    ("Smith, John",          "Smith",    0),   # "Last, First"
    ("Kristian O'Ryan",      "Kristian", 0),   # a lone word only the first-name list knows is a first name
    ("Dr. Jane Smith-Jones", "Jones",    -1),  # each part of a double-barrelled name
]
# fmt: on


@pytest.mark.parametrize("full, later, index", LATER_MENTIONS)
def test_when_a_name_is_mentioned_again_in_part_then_the_part_keeps_its_surrogate(
    full: str, later: str, index: int
) -> None:
    factory = SurrogateFactory(KEY)
    word = re.split(r"[\s-]", factory.surrogate("PERSON", full))[index].strip(",")
    assert factory.surrogate("PERSON", later).lower() == word.lower()


def _every_draw_taken(entity: str, value: str) -> frozenset[str]:
    """An ``avoid`` set that holds every single draw the factory makes for ``value``."""
    avoid: frozenset[str] = frozenset()
    for _ in range(MAX_DRAWS):
        surrogate = SurrogateFactory(KEY).surrogate(entity, value, avoid).lower()
        avoid |= {surrogate, *surrogate.split()}
    return avoid


# fmt: off
NAMES_NEVER_TAGS = [
    ("HOSPITAL",     "Mercy Hospital", lambda entity, value: frozenset({"mercy", "hospital"})),  # the kind word is taken
    ("HOSPITAL",     "Mercy Hospital", _every_draw_taken),  # every draw is another identifier of the document
    ("ORGANIZATION", "Acme Inc",       _every_draw_taken),
    ("LOCATION",     "Boston",         _every_draw_taken),
    ("PERSON",       "John Smith",     _every_draw_taken),
]
# fmt: on


@pytest.mark.parametrize("entity, value, taken", NAMES_NEVER_TAGS)
def test_when_draws_are_taken_then_a_name_is_still_a_name(entity: str, value: str, taken) -> None:
    avoid = taken(entity, value)
    surrogate = SurrogateFactory(KEY).surrogate(entity, value, avoid)
    assert not re.search(r"<\w+>", surrogate) and surrogate.lower() not in avoid and surrogate != value, surrogate


def test_when_a_name_is_found_in_part_then_the_whole_name_is_replaced() -> None:
    text = "KRISTIAN O'RYAN WAS SEEN."
    replaced, spans = _replace(text, [RecognizerResult("PERSON", 0, 8, 0.8)])
    assert "KRISTIAN" not in replaced and "O'RYAN" not in replaced and replaced.endswith(" WAS SEEN.")
    assert re.fullmatch(r"[A-Z]+ [A-Z'-]+", replaced[spans[0][0] : spans[0][1]]), replaced


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
