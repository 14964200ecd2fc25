"""Dates Presidio's DateRecognizer leaves out: ``11/18``, ``6-16-12``, ``Jul 14``, ``4 Jul 2011``;
and Presidio's own date patterns, kept out of runs of numbers joined by slashes."""

from __future__ import annotations

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import DateRecognizer

from dapt.privacy.recognizers.base import ConstantsRecognizer

MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
# (?=\d) first: a position that holds no digit fails before the costlier lookbehinds run; after a
# ventilator mode the pair is its settings (``PSV 10/5``), after reflexes or pupils a left/right pair
# (``Reflexes: 2/2``, ``Pupils 3/2``, ``Apgars 9/9``, ``scored 10/11``, ``a gait score of 11/12``); after a letter
# a level of the spine (``C6-7``)
NOT_A_SCORE_BEFORE = (
    r"(?=\d)(?<![\d/.+A-Za-z-])"
    r"(?<!(?i:pain|scale|score|scored|strength|psv?|peep|c?pap|bipap|ac|s?imv|vent|reflexes|pupils|apgars?)"
    r"(?:\sof)?:?\s)"
    # a small whole number before it makes a mixed fraction (``2 1/2 years``); a time or a count does not (``CABG x3 8/21``)
    r"(?<!(?<![\w:.])\d{1,2}\s)"
)
# n/4, n/5, n/6 or n/10 with n at most the scale: how notes write reflexes, strength, murmurs and pain
# (2/4, 5/5, 1/6, 9/10); halves, thirds and eighths (``1/2 tab``, ``3/8 inch``, ``1/3 recall``); a pair of one
# number, as reflexes and pupils are written side by side (``2/2 ankles``, ``3/3 patella``); a date of that shape
# (April 5th as 4/5) counts only beside a date word
SCORE_SHAPED = (
    r"(?:1/2|[1-3]/3|[1-4]/4|[1-5]/5|[1-6]/6|[1-8]/8|(?:[1-9]|10)/10|(?P<side>1[0-2]|[1-9])/(?P=side))(?![\d/])"
)
# a unit after it makes a quantity, an ordinal ending a fraction (``the medial 1/3rd``, ``7/8th inch``), a second
# side a size (``1/2 x 1/2 inch``), a plus a grade (``strength 5/4+``)
NOT_A_QUANTITY_AFTER = (
    r"(?![\d/+-])"
    r"(?!\s*(?i:pain|scale|strength|mmhg|power|days?|weeks?|hours?|hrs?|mins?|times|mg|ml|units?|assist|l|cc|"
    r"inch(?:es)?|mm|cm|tabs?|tablets?|pills?|caps?|capsules?)\b)(?!(?i:st|nd|rd|th)\b)(?!\s*x\s*\d)"
)
YEAR = r"(?:19|20|21)\d{2}"


class ShortDateRecognizer(ConstantsRecognizer):
    """Numeric month/day dates: ``11/18`` (slash only without a year), ``6-16-12``, ``10/4/2019``;
    not a score (``pain 5/10``, ``strength 5/5``, ``+2/5``; one shaped like a score needs a date
    word near it), a pressure (``120/80``) or a range (``1-2 days``)."""

    ENTITY = "DATE_TIME"
    PATTERNS = [
        Pattern("month/day (medium)", rf"{NOT_A_SCORE_BEFORE}(?!{SCORE_SHAPED}){MONTH_NUMBER}/{DAY}{NOT_A_QUANTITY_AFTER}", 0.5),
        Pattern("month/day shaped like a score, after 'on' (medium)", rf"(?<=\bon\s){SCORE_SHAPED}{NOT_A_QUANTITY_AFTER}", 0.5),
        # a header's date: ``ED triage 1/10:``
        Pattern("month/day shaped like a score, before a colon (medium)", rf"{NOT_A_SCORE_BEFORE}{SCORE_SHAPED}(?=:)", 0.5),
        # below the 0.3 of other weak patterns: only a date word near it lifts it over the threshold
        Pattern("month/day shaped like a score (weak)", rf"{NOT_A_SCORE_BEFORE}{SCORE_SHAPED}{NOT_A_QUANTITY_AFTER}", 0.25),
        Pattern("m-d-y (strong)", rf"{NOT_A_SCORE_BEFORE}{MONTH_NUMBER}([/-]){DAY}\1(?:\d{{4}}|\d{{2}})(?![\d/-])", 0.7),
        Pattern("month/year (medium)", rf"{NOT_A_SCORE_BEFORE}{MONTH_NUMBER}/{YEAR}(?![\d/-])", 0.6),
        # a range as often as a date (``2-3L``): only a date word near it lifts it over the threshold,
        # or ``on`` before it (``f/u appt on 10-16``, ``s/p cabg on 6-22``)
        Pattern("month-day (weak)", rf"{NOT_A_SCORE_BEFORE}{MONTH_NUMBER}-{DAY}{NOT_A_QUANTITY_AFTER}", 0.25),
        Pattern(
            "month-day after 'on' (medium)", rf"(?=\d)(?<=\b(?i:on)\s){MONTH_NUMBER}-{DAY}{NOT_A_QUANTITY_AFTER}", 0.5
        ),
        # when a past operation was done: ``s/p whipple 4-1``, ``S/P CABG X4 5-20``, ``s/p aaa repair 2102``
        Pattern(
            "date of an operation (medium)",
            rf"(?=\d)(?<=\b(?i:s/p)(?:\s[\w-]+){{1,3}}\s)(?:{MONTH_NUMBER}[/-]{DAY}|{YEAR}){NOT_A_QUANTITY_AFTER}",
            0.5,
        ),
    ]
    CONTEXT = ["date", "admitted", "admit", "transferred", "discharged", "seen", "since", "dated", "dob", "note", "npn"]


class MonthNameDateRecognizer(ConstantsRecognizer):
    """Dates with a month name, with or without a year: ``Jul 14``, ``AUGUST 6``, ``4 Jul 2011``."""

    ENTITY = "DATE_TIME"
    PATTERNS = [
        Pattern("month day (medium)", rf"\b{MONTH}\.?\s{DAY}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?\b", 0.6),
        Pattern("day month (medium)", rf"\b{DAY}(?:st|nd|rd|th)?\s(?:of\s)?{MONTH}\.?(?:,?\s\d{{4}})?\b", 0.6),
        Pattern("month year (medium)", rf"\b{MONTH}\.?,?\s{YEAR}\b", 0.6),
    ]


class TimestampRecognizer(ConstantsRecognizer):
    """ISO 8601 date and time, as systems log them: ``2000-04-16 11:34:35``, ``2019-03-01T08:15``."""

    ENTITY = "DATE_TIME"
    PATTERNS = [Pattern("ISO timestamp (strong)", r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b", 0.85)]


class GuardedDateRecognizer(DateRecognizer):
    """Presidio's date patterns, except in a longer run of numbers joined by slashes or ending in a
    per cent sign: ventilator settings (``AC 550/14/5/50%``) and blood gases (``7.38/45/76/24``)."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, regex_flags: int | None = None
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [result for result in found if not in_number_chain(text, result.start, result.end)]


def in_number_chain(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` continues a slash-joined run of numbers on either side."""
    return text[start - 1 : start] == "/" or text[end : end + 1] in ("/", "%")
