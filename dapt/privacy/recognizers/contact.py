"""Postal, phone and web identifiers in the formats notes and letters use."""

from __future__ import annotations

import regex
from faker.providers.address.en_US import Provider as UsAddress
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from dapt.privacy.recognizers.base import (
    CASE_SENSITIVE,
    RARE_ZIPF,
    ConstantsRecognizer,
    CuedValueRecognizer,
    english_zipf,
)
from dapt.privacy.recognizers.places import CARE_SETTINGS, places
from dapt.privacy.vocabulary import never_names

STATES = "|".join(sorted(UsAddress.states_abbr, key=len, reverse=True))
STATE_NAMES = "|".join(sorted(UsAddress.states, key=len, reverse=True))
STATE = regex.compile(rf"(?i:{STATES}|{STATE_NAMES})")
TOWN_PREFIX = r"(?:new|north|south|east|west|fort|port|saint|st\.|mount|mt\.|lake|glen)\s"


class CityStateRecognizer(ConstantsRecognizer):
    """A town written before a state abbreviation, the state in any case (a note in capitals reaches
    detection in lower case): ``Port Ashley, MI``, ``Natick, ca``."""

    ENTITY = "LOCATION"
    PATTERNS = [Pattern("city before state (medium)", rf"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){{0,2}},\s(?i:{STATES})\b", 0.6)]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        """A town of one word of the vocabulary is a word (``Pt, OR``, ``Stable, PA``)."""
        town = pattern_text.split(",")[0]
        return False if " " not in town and town.lower() in never_names() else None


WORD = r"\p{L}[\p{L}'’-]+"
STATE_AFTER = rf",\s(?i:{STATES}|{STATE_NAMES})(?!\p{{L}})"


def is_home_town(value: str) -> bool:
    """A town before a state (``fall river, florida``), a state, a known town, or no word of the
    vocabulary (``dover``) or one rare in English that is no kind of care (``haverhill``, not ``snf``)."""
    town, *state = value.split(",")
    lowered = town.lower()
    if state or STATE.fullmatch(town) or lowered in places()[0]:
        return True
    last = lowered.split()[-1]
    return last not in never_names() or (english_zipf(last) < RARE_ZIPF and last not in CARE_SETTINGS)


class HomeTownRecognizer(ConstantsRecognizer):
    """Where someone lives: ``lives in dover``, ``LIVES ALONE IN NORWOOD``, ``lives w/ son in PA``,
    ``lives alone in fall river, florida``."""

    ENTITY = "LOCATION"
    LIVES_IN = r"lives?(?:\salone)?(?:\s(?:w/|with)\s?\p{L}+)?\s(?:in|at)"
    PATTERNS = [
        Pattern(
            "lives in (medium)",
            rf"(?<=\s)(?<=\b(?i:{LIVES_IN})\s)(?:{WORD}(?:\s{WORD}){{0,2}}{STATE_AFTER}|(?i:{TOWN_PREFIX})?{WORD}(?:{STATE_AFTER})?)",
            0.6,
        ),
        # a state of two words in any case: ``lives in rhode island`` (validate_result: a state or known town)
        Pattern("lives in, two words (medium)", rf"(?=\p{{L}})(?<=\s)(?<=\b(?i:{LIVES_IN})\s){WORD}\s{WORD}\b", 0.6),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """See ``is_home_town``."""
        return is_home_town(pattern_text)


class VisitorTownRecognizer(CuedValueRecognizer):
    """Where a visitor came from: ``niece from GIBBSFURT in to visit``, ``husband from new bedford
    in to visit``."""

    ENTITY = "LOCATION"
    CUED = [
        regex.compile(
            rf"\b(?i:from)\s(?!(?i:the|a|an|home|work|out)\b)({WORD}(?:\s{WORD}){{0,2}}?)(?=\s(?i:in\sto\svisit|to\svisit|visiting)\b)"
        )
    ]

    def is_value(self, value: str) -> bool:
        """See ``is_home_town``."""
        return is_home_town(value)


class TownRecognizer(ConstantsRecognizer):
    """Town names built on a directional or water prefix: ``Port Heather``, ``Lake Mary``, ``North Adams``."""

    ENTITY = "LOCATION"
    PREFIXES = "|".join(sorted({*UsAddress.city_prefixes, "Fort", "Mount", "Glen", "Saint"}))
    PATTERNS = [Pattern("prefixed town (medium)", rf"\b(?:{PREFIXES})\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", 0.5)]
    FLAGS = CASE_SENSITIVE


class TownSuffixRecognizer(ConstantsRecognizer):
    """Town names built on an English place-name ending (``Brockton``, ``Gonzaleztown``,
    ``Marlborough``): capitalised, rare in English and no word of the vocabulary."""

    ENTITY = "LOCATION"
    ENDINGS = r"town|ton|ville|burgh?|borough|bury|chester|port|mouth|haven|field|ford|wood|ham|ley"
    PATTERNS = [Pattern("town ending (weak)", rf"\b(?<!['’])\p{{Lu}}\p{{Ll}}+(?:{ENDINGS})\b", 0.45)]  # not O'Malley
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        """Not an English word (``Button``, ``Function``) nor vocabulary."""
        lowered = pattern_text.lower()
        return False if english_zipf(lowered) >= RARE_ZIPF or lowered in never_names() else None


class ZipCodeRecognizer(ConstantsRecognizer):
    """A 5-digit (ZIP+4) code after a state abbreviation, or after the word zip."""

    ENTITY = "ZIP_CODE"
    PATTERNS = [
        Pattern("zip after state (strong)", rf"(?=\d)(?<=\b(?:{STATES})\s)\d{{5}}(?:-\d{{4}})?\b", 0.8),
        Pattern(
            "postcode after label (strong)",
            r"(?=\d)(?<=\b(?i:zip(?: code)?|postcode|postal code|post code)[:\s]{1,3})\d{3,5}(?:[ -]\d{2,4})?\b",
            0.8,
        ),
    ]
    FLAGS = CASE_SENSITIVE


class NanpPhoneRecognizer(ConstantsRecognizer):
    """North-American numbers in the forms ``(617) 555-0142``, ``617.555.0142``, ``+1 617 555 0142``,
    ``001-617-555-0142``, with an optional extension; after a cue word also ``413-5554524`` and a
    local ``517-2736``."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        Pattern(
            "NANP phone (medium)",
            r"(?<![\w-])(?:(?:\+1|001|1)[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w-])",
            0.6,
        ),
        # ``requests call if any changes: 413-5554524``, ``reached at 517-2736``: a cue word before it
        Pattern(
            "cued local number (medium)",
            r"(?<=\b(?i:call|phone|tel|telephone|cell|mobile|reached\sat|pager|beeper)\b[^\n\d]{0,30})"
            r"(?:\d{3}[\s.-]?)?\d{3}[.-]?\d{4}(?![\w-])",
            0.6,
        ),
    ]
    CONTEXT = ["phone", "tel", "call", "fax", "cell", "mobile", "pager"]


class InternationalPhoneRecognizer(ConstantsRecognizer):
    """Phone numbers in any country's grouping: ``+41 (0)96 471 07 95``, ``(37) 788-063``,
    ``699 956 915``. A ``+``, an area code in brackets or a line label after it (``-Office``) is
    enough; bare digit groups need a cue word before them."""

    ENTITY = "PHONE_NUMBER"
    GROUPS = r"\d{1,5}(?:[ .-]\d{2,8}){1,4}"
    DIGITS = range(7, 16)
    END = r"(?![\w]|-\d)"
    LINE_LABEL = r"(?=[ -]?(?i:office|fax|mobile|cell|home|work|direct)\b)"
    PATTERNS = [
        Pattern(
            "international prefix (medium)",
            rf"(?<![\w+])\+\d{{1,3}}[ .-]?(?:\(0?\d{{0,4}}\)\s?)?(?:\d{{6,12}}|{GROUPS}){END}",
            0.6,
        ),
        Pattern("area code in brackets (medium)", rf"(?<![\w)])\(\d{{2,4}}\)\s?{GROUPS}{END}", 0.5),
        Pattern("labelled line (medium)", rf"(?<![\w+/.:-])(?:{GROUPS}|\d{{7,12}}){LINE_LABEL}", 0.5),
        # a number may end a sentence or a clause (``reached at 555-8729.``), not a decimal or a list
        Pattern("digit groups (weak)", rf"(?<![\w+/.,:-]){GROUPS}(?![\w/:-]|[.,]\d|\s?(?:mg|ml|mcg|units?|cc|kg|g|mm|cm|%))", 0.2),
    ]
    # Presidio compares lemmas: "messages" reads as "message".
    CONTEXT = ["phone", "telephone", "tel", "call", "mobile", "cell", "fax", "desk", "office", "number", "reach",
               "reached", "contact", "text", "message", "whatsapp", "dial", "pager", "beeper", "page", "paged",
               "covering"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """A phone number has 7 to 15 digits (ITU E.164); anything else is dropped."""
        return None if sum(char.isdigit() for char in pattern_text) in self.DIGITS else False


class ExtensionRecognizer(ConstantsRecognizer):
    """A hospital extension or pager as notes write it: ``x3-7561``, ``X33260``."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = [Pattern("extension (medium)", r"(?<![\w-])[xX]\d-?\d{4}(?![\w-])", 0.6)]
    FLAGS = CASE_SENSITIVE


CPT_MODIFIERS = "22|25|26|50|51|52|59|76|77|78|79|91|LT|RT|TC"  # the commonest modifiers of a procedure code


class LongNumberRecognizer(ConstantsRecognizer):
    """A standalone number of 5 or more digits: in notes and letters nearly always an identifier
    (account, card, record, postcode), rarely a measurement, which carries a unit or decimals, or a
    procedure code: five digits after ``CPT`` in the same sentence, with a modifier (``93556, 59,``,
    ``64484 LT``, ``64640 times three``) or in brackets after the procedure (``(22554, 22585)``)."""

    ENTITY = "ID_NUMBER"
    PATTERNS = [
        Pattern(
            "long number (weak)",
            r"(?<![\w.,/:$€£-])"
            rf"(?!(?<=\b(?:CPT|procedure codes?)\b[^.\n]{{0,60}})\d{{5}}(?!\d)"
            rf"|\d{{5}}(?:,\s*(?:{CPT_MODIFIERS})\b|\s+(?:LT|RT|times)\b)"
            r"|(?<=\((?:\d{5},\s*)*)\d{5}(?=(?:,\s*\d{5})*\)))"
            r"\d{5,}(?![\w/%:-]|[.,]\d|\s?(?:mg|mcg|ml|units?|cc|kg|g|mm|cm|k|cells|copies|iu)\b)",
            0.45,
        )
    ]


class GuardedUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer, its schema-less pattern behind a guard.

    That pattern has no anchor: at every character it takes a run of host characters and
    backtracks through 400 top-level domains. A URL's host run always holds a dot before a
    letter, so the guard fails most positions at once (5x faster on notes, the same matches). A
    match must end where a word does, so shorthand joined by full stops is no host. After a
    schema the URL is everything up to a space, whatever its top-level domain (``.biz`` is not
    in Presidio's list, which cut ``http://www.chen-kidd.biz/…`` at ``.bi``).
    """

    GUARD = r"(?=[a-z0-9.\-]*[.][a-z])"
    WORD_END = r"(?![a-z0-9])"  # a domain ends where its word does: ``tol.neo`` is no ``tol.ne``
    UNANCHORED = "Non schema URL"
    SCHEMA = Pattern("URL after a schema", r"(?i)\bhttps?://[^\s<>\"'|]+(?<![.,;:!?)\]'\"])", 0.6)

    GENERIC_DOMAINS = frozenset({"com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co"})

    def invalidate_result(self, pattern_text: str) -> bool:
        """A bare ``word.xx`` of vocabulary words or numbers and a country's or a new domain
        (``bed.md``, ``afib.to``, ``protocol.skin``, ``ml.kg-1.hr-1``, ``60.hr``, ``tol well.pt/ot``) is
        shorthand run together by a missing space, not a host."""
        lowered = pattern_text.lower()
        if "://" in lowered or lowered.startswith("www."):
            return False
        *names, domain = lowered.split("/")[0].split(".")
        shorthand = all(name[:1].isdigit() or regex.sub(r"-\d+$", "", name) in never_names() for name in names)
        return domain not in self.GENERIC_DOMAINS and shorthand

    def __init__(self) -> None:
        guarded = Pattern(self.UNANCHORED, "(?i)" + self.GUARD + self.BASE_URL_REGEX + self.WORD_END, 0.5)
        patterns = [guarded if pattern.name == self.UNANCHORED else pattern for pattern in UrlRecognizer.PATTERNS]
        super().__init__(patterns=[self.SCHEMA, *patterns], name=type(self).__name__)
