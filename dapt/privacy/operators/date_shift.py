"""Date shifting: every date of a document (or of a patient group) moves by the same number of
days, so intervals survive; each date keeps its written format."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, timedelta

from dapt.privacy.keys import keyed_int

MONTHS = [name.lower() for name in calendar.month_name[1:]]
MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
SUFFIX = r"(?P<suf>st|nd|rd|th)?"
DATE_FORMS = [
    re.compile(r"\b(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<m>\d{1,2})(?P<sep>[-/.])(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?\b"),
    re.compile(MONTH + r"(?P<dot>\.?)\s+(?P<d>\d{1,2})" + SUFFIX + r"(?:(?P<comma>,?)\s+(?P<y>\d{4}))?\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})" + SUFFIX + r"\s+(?:of\s+)?" + MONTH + r"(?P<dot>\.?)(?:(?P<comma>,?)\s+(?P<y>\d{4}))?\b", re.I),
]
ANY_DATE_ELEMENT = re.compile(MONTH + r"\b|\d{1,2}(?:st|nd|rd|th)\b|'\d{2}\b|\d", re.I)
YEAR_ONLY = re.compile(r"^\s*(?:1[89]|20)\d{2}s?\s*$")  # Safe Harbor keeps years: a lone year stays
COMMON_YEAR = 2001  # a year-less date shifts inside the note's year, else a common year as most are
LEAP_YEAR = 2000  # except Feb 29, which exists only in a leap year
WRITTEN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def document_offset(key: bytes, group: str, min_days: int, max_days: int) -> int:
    """The secret, per-group shift in days: ±[min_days, max_days], never zero."""
    number = keyed_int(key, "date-shift", group)
    days = min_days + number % (max_days - min_days + 1)
    return days if (number >> 32) % 2 else -days


def _month_name(original: str, month: int) -> str:
    full = calendar.month_name[month]
    name = full if len(original) > 3 and original.lower() in MONTHS else full[: max(3, len(original))]
    if original.lower().startswith("sept") and month != 9:
        name = full[:3]
    if original.isupper():
        return name.upper()
    return name.lower() if original.islower() else name


def _zero_padded(parts: dict[str, str | None]) -> bool:
    """Whether the writer pads days and months to two digits ("03/14", "12/25", "Mar 03" but not
    "3/14"); a lone two-digit day ("Feb 25") says nothing, and dates are mostly written unpadded."""
    numbers = [parts[name] or "" for name in ("m", "d") if parts.get(name)]
    return any(n.startswith("0") for n in numbers) or (len(numbers) == 2 and all(len(n) == 2 for n in numbers))


def _pad(padded: bool, number: int) -> str:
    return f"{number:02d}" if padded else str(number)


def same_case_suffix(original: str, day: int) -> str:
    """The English ordinal suffix of ``day`` (1st, 22nd, 13th) in the case of ``original``."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix.upper() if original.isupper() else suffix


def document_year(dates: Iterable[str]) -> int:
    """The first four-digit year (1900-2099) written in ``dates``, else ``COMMON_YEAR``: the year in
    which a document's year-less dates are shifted, so they move as far as its dated ones."""
    return next((int(year[0]) for value in dates if (year := WRITTEN_YEAR.search(value))), COMMON_YEAR)


def _shift_match(match: re.Match[str], days: int, reference_year: int) -> str:
    parts = match.groupdict()
    year_text = parts.get("y")
    month = MONTHS.index(next(m for m in MONTHS if m.startswith(parts["mon"].lower()[:3]))) + 1 if parts.get("mon") else int(parts["m"])
    day = int(parts["d"])
    year = int(year_text) if year_text else reference_year
    if not year_text and (month, day) == (2, 29) and not calendar.isleap(year):
        year = LEAP_YEAR
    if year_text and len(year_text) == 2:
        year += 1900 if year > 30 else 2000
    try:
        shifted = date(year, month, day) + timedelta(days=days)
    except ValueError:
        return match.group(0)  # not a real date (e.g. a ratio like 13/45): leave it to the fallback
    text = match.group(0)
    padded = _zero_padded(parts)
    replacements = {"d": _pad(padded, shifted.day)}
    if parts.get("mon"):
        replacements["mon"] = _month_name(parts["mon"], shifted.month)
    else:
        replacements["m"] = _pad(padded, shifted.month)
    if parts.get("suf"):
        replacements["suf"] = same_case_suffix(parts["suf"], shifted.day)
    if year_text:
        replacements["y"] = str(shifted.year)[-len(year_text):]
    for name in sorted(replacements, key=lambda n: match.start(n), reverse=True):
        start, end = match.start(name) - match.start(0), match.end(name) - match.start(0)
        text = text[:start] + replacements[name] + text[end:]
    return text


def shift_dates(value: str, days: int, reference_year: int = COMMON_YEAR) -> str | None:
    """``value`` with each date in it moved by ``days``; None when it holds a date element that
    cannot be shifted (a lone month name, ``'92``, ``22ND``), so the caller must redact it.

    A date without a year is shifted inside ``reference_year`` (see ``document_year``), so
    that across Feb 29 it keeps its interval to the document's other dates.
    """
    if YEAR_ONLY.match(value):
        return value
    for form in DATE_FORMS:
        if form.search(value):
            shifted = form.sub(lambda match: _shift_match(match, days, reference_year), value)
            return shifted if shifted != value else None
    return None if ANY_DATE_ELEMENT.search(value) else value
