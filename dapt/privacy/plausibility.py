"""A second look at each detection: drop what cannot be personal data in the text it was found in.

spaCy's small English model was trained on news. In notes it tags ``BID``, ``MD``, ``abd soft``
and ``Admission Date`` as organisations, places and people, and ``1-2 weeks`` as a date. A name,
place or organisation from spaCy must therefore read like one: not an allow-listed term, not a
drug, not made of digits, abbreviations or everyday English words. A date must hold a date
element. Pattern recognizers, which already check their own shape, are kept as they are.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection
from functools import cache

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from dapt.privacy.recognizers.addresses import UsAddress
from dapt.privacy.recognizers.base import (
    ABBREVIATION_LETTERS,
    COMMON_ZIPF,
    EVERYDAY_ZIPF,
    FUNCTION_WORD_ZIPF,
    POSSESSIVE,
    english_zipf,
)
from dapt.privacy.recognizers.contact import STATE, TOWN_PREFIX, HomeTownRecognizer, VisitorTownRecognizer
from dapt.privacy.recognizers.gazetteer import UNSEEN_ZIPF, is_name_evidence
from dapt.privacy.recognizers.names import (
    CREDENTIALS,
    RELATIONS,
    CaredForNameRecognizer,
    TitledNameRecognizer,
    WordNameRecognizer,
    could_be_name,
    first_names,
    is_known_name,
    is_vocabulary,
    last_names,
)
from dapt.privacy.recognizers.places import is_place, names_a_group
from dapt.privacy.vocabulary import drug_names, never_names, philter_names, shortens_a_word
from dapt.privacy.wordclass import PARTS_OF_SPEECH, base_forms, is_inflected_verb, is_only_noun

SPACY = "SpacyRecognizer"
NAME_TYPES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
FACILITY = "HOSPITAL"
# recognizers whose cue settles the type, so an allow-listed word or an eponym does not undo them
CUE_TYPED = frozenset(
    cls.__name__
    for cls in (TitledNameRecognizer, CaredForNameRecognizer, WordNameRecognizer, HomeTownRecognizer, VisitorTownRecognizer)
)
WORD = re.compile(r"[^\W\d_][\w'’-]*")
PLACE_BEFORE = re.compile(r"\b(?:from|in|at|near)\s+$", re.IGNORECASE)
WAYS_OR_PLACES = r"from|in|at|near|to|of"  # the prepositions that lead to a place
WAY_OR_PLACE_BEFORE = re.compile(rf"\b(?:{WAYS_OR_PLACES})\s+$", re.IGNORECASE)
# catheters are sized in French (Charrière: 16 French is 16/3 mm): ``a 16 French dilator``, ``#14 French Foley``,
# ``#8.5 French``, ``French 10 JP drain``; a year is no size (``a 2017 French film``)
SIZE_BEFORE = re.compile(r"(?<![\d.])\d{1,2}(?:\.\d)?\s*-?\s*$")
SIZE_AFTER = re.compile(r"\s*\d{1,2}(?:\.\d)?(?![\d.])")
CATHETER_UNIT = "french"
# a size before a name makes it an instrument, implant or suture: ``#15 Bard-Parker``, ``an 18-gauge Tuohy``,
# ``0.014-inch Asahi``, ``12 mm Hasson``, ``a size 5 Copeland``, ``6-French Langston``, ``#4-0 Lembert``, ``0 Polysorb``
SIZED_BEFORE = re.compile(
    r"(?:#\s?\d{1,2}(?:\.\d)?|(?<![\d.])\d{1,2}(?:\.\d{1,3})?\s?-?\s?(?:gauge|ga|french|fr|mm|cm|inch)|\bsize\s\d{1,2}(?:\.\d)?"
    r"|(?<![\d.,/])\d{1,2}-0|(?<![\w.,/-])0)"
    r"\s*-?\s*$",
    re.IGNORECASE,
)
# what a template or an earlier de-identification writes where a value was: ``Dr. X``, ``ABCD General Hospital``,
# ``XYZ``, ``Xxxxx``, ``ID 12345``
PLACEHOLDER_LETTERS = 3
PLACEHOLDER_DIGITS = 4
# a firm of vocabulary this rare is a drug or finding (Demerol 1.9, Hemostasis 2.0); Nijmegen 2.4 is a town
TRADE_FIRM_ZIPF = 2.2
LICENCE = "US_DRIVER_LICENSE"
SHORTEST_LICENCE = 4  # characters of the shortest US driver's licence number (Presidio's weak pattern takes two)
ENGLISH_WORD_ZIPF = 3.0  # a word at least this common is an English word, not a name to protect
# A ward or department is named by its trade, not by anyone: ``the Vascular Clinic``, ``the Endoscopy Suite``,
# ``the Department of Anesthesia``, ``Cardiology``, ``the Hospitalist Service``, ``Newborn Nursery``.
UNIT_NOUNS = frozenset(
    {"clinic", "unit", "room", "floor", "department", "ward", "suite", "laboratory", "lab", "nursery"}
)
UNIT_HEADS = frozenset({"department", "dept", "division", "section"})
SPECIALTY_ENDINGS = (
    "ology", "ologist", "ologists", "iatry", "iatrics", "iatrist", "iatric", "pedics", "esthesia",
    "surgery", "surgical", "medicine", "hospitalist", "hospitalists",
)
CARE_PLACE_NOUNS = frozenset({"center", "centre", "hospital", "clinic"})
GRADES_OF_CARE = frozenset({"general"})  # a known surname, but ``the General Medical Floor`` is a ward
SERVICE_NOUNS = frozenset({"service", "services"})  # a hospital's team of one specialty: ``the Hospitalist Service``
# a capital after a small letter inside a word marks a brand or unit (``InterStim``, ``FloSeal``, ``IgG``, ``mCi``);
# a name has one only after a particle (``McCall``, ``MacArthur``, ``DeShawn``, ``LaToya``, ``VanDyke``)
INNER_CAPITAL = re.compile(r"([^\W\d_]*?[a-z])[A-Z]")
NAME_PARTICLES = frozenset({"mc", "mac", "de", "di", "da", "du", "la", "le", "van", "von", "fitz", "st", "del"})
NAME_LINKS = frozenset({"bin", "ibn", "al", "el", "ben", "dos", "das", "der", "den", "ter", "y", "e", "and"})
SALUTATIONS = frozenset({"dear", "sir", "madam", "mr", "mrs", "ms", "miss", "dr", "hi", "hello", "regards"})
NUMBER_WORDS = r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many"
UNIT = r"(?:second|sec|minute|min|hour|hr|day|night|week|wk|month|mo|year|yr)s?"
# spaCy tags durations, ages and relative times as DATE; none of them identifies a person.
NOT_A_DATE = re.compile(
    rf"^(?:(?:{NUMBER_WORDS})(?:\s?(?:-|to)\s?(?:{NUMBER_WORDS}))?[\s-]+{UNIT}(?:[\s-]+(?:old|ago|later|prior|earlier))?"
    r"|today|tonight|yesterday|tomorrow|overnight|daily|weekly|monthly|yearly|annually"
    r"|(?:[01]\d|2[0-3])[0-5]\d\s?-\s?(?:[01]\d|2[0-3])[0-5]\d"  # a shift on the 24-hour clock: 0700-1900
    r"|(?:this|last|next)\s+(?:morning|evening|night|week|month|year)"
    # a weekday alone dates nothing (HIPAA's date elements are the day and month): ``?echo tuesday``
    r"|(?:(?:on|this|last|next|early|late)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"(?:\s+(?:morning|afternoon|evening|night|am|pm))?)$",
    re.IGNORECASE,
)
# a time on the 24-hour clock after ``@`` is no year: ``extubated @ 1930``, ``PEG placed @ 0300``
AT_SIGN = re.compile(r"@\s*$")
CLOCK = re.compile(r"(?:[01]\d|2[0-3]):?[0-5]\d")
DATE_ELEMENT = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b"
    r"|\b(?:19|20)\d{2}s?\b|\b(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b\d{1,2}(?:st|nd|rd|th)\b|'\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b(?:christmas|easter|thanksgiving|new year)",
    re.IGNORECASE,
)
# A name followed by one of these nouns names a sign, test, disease, instrument, structure or line
# (``Murphy sign``, ``Rinne tests``, ``Kerrison rongeur``, ``Scarpa's fascia``, ``Hickman site``, ``Swan R IJ``),
# unless a title before it makes it a person (``Dr. Murphy test``).
EPONYM_NOUN = re.compile(
    r"^(?:'s|’s|s'|’)?\s+(?:signs?|syndrome|disease|tests?|maneuvers?|manoeuvres?|reflex(?:es)?|criteria|score|"
    r"scale|classification|fracture|triad|phenomenon|murmur|nodes?|procedure|operation|palsy|ulcer|stain|incision|"
    r"position|rule|index|clamps?|forceps|scissors|retractors?|rongeurs?|elevators?|curettes?|cannulas?|"
    r"laryngoscope|resectoscope|grommets?|shunt|fascia|ligament|canal|triangle|pouch|catheter|cath|line|port|site|"
    # what an operation uses, in forms a name seldom takes as its verb (``Owen silk``, ``Kerrison punch``, ``Midas Rex
    # drill``, ``Mayfield headrest``, ``Maryland dissector``); not ``punches``, ``rings``, ``clips``
    r"silk|sutures?|tubes?|punch|drill|pin|plate|headrest|headholder|dissectors?|gauze|"
    r"(?:r|l|rt|lt|right|left)\.?\s+(?:chest|ij|sc|subclavian|fem|femoral|arm))\b",
    re.IGNORECASE,
)
# a structure of the body named after someone: ``the white line of Toldt``, ``foramen of Munro``, ``circle of Willis``
EPONYM_STRUCTURE_BEFORE = re.compile(
    r"\b(?:line|foramen|plane|circle|arcade|triangle|ligament|sphincter|pouch|angle|canal|ampulla|loop|bundle|"
    r"islets?|organ|tetralogy|crypts?|tubercle|fossa|space)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
EPONYM_LOOK_BEHIND = 20  # characters before a name searched for the structure it names
CREDENTIAL = re.compile(rf"(?i:{CREDENTIALS})")
LEADING_WITH = re.compile(r"w/[ \t]*(?=\w)", re.IGNORECASE)
LEADING_RELATION = re.compile(rf"(?:(?:{RELATIONS}|pt|patient)\b|w/)[ \t]*(?=\w)", re.IGNORECASE)
TRAILING_WITH = re.compile(r"[ \t]+w/$", re.IGNORECASE)
# ``Integ - Turned``, ``Cardiac- Tol``, ``Neuro-``, ``Resp: Cough``; not a word with a hyphen (``Klor-Con``)
LEADING_SECTION = re.compile(r"([A-Za-z][A-Za-z/']*)(?:[ \t]*[:;]|[ \t]+-|-(?=[ \t]|$))[ \t]*")
SHORTHAND_LETTERS = 4  # a word this long or longer cut from a listed word is shorthand (``INTEG``, ``SEROSANG``)
ONE_WORD = re.compile(r"\s*\S+(?=(?:\s[A-Za-z]\.?)?\s*$)")  # one word, perhaps before an initial
TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|pt|patient)\.?\s*$", re.IGNORECASE)
NEXT_WORD = re.compile(r"[ \t]+([a-z]{3,})\b")  # two letters are shorthand (``re``, ``rn``) more than nouns
# nouns of someone, their own or their work, beside which a name still names someone: ``the Smith family``,
# ``mary daughter``, ``kim lpn``, ``the firm Acme``, ``the Jensen novel``
PERSONAL_NOUN = re.compile(
    rf"{RELATIONS}|{CREDENTIALS}|family|household|residence|home|house|kids|children|twins|baby|case|chart|file|"
    r"account|estate|firm|company|agency|employer|client|customer|"
    r"novel|book|poem|song|film|movie|play|painting|album|paper|article"  # what a person wrote or made
)
# an author cited names no one in the note: ``Stewardson et al. (1978)``
CITED = re.compile(r",?\s+et\.?\s+al\b", re.IGNORECASE)
# a device's maker is a firm, never a person: ``manufacturer Guidant``, ``Manufacturer: Boston Sci``, ``manufactured
# by Zimmer``; ``made by`` is not one (``the diagnosis was made by Mary Smith``)
MAKER_BEFORE = re.compile(r"\b(?:manufacturer|manufactured\s+by)\s*[:,-]?\s*$", re.IGNORECASE)
MAKER_REACH = 24  # characters before a name that the maker's cue can take
# no one is counted with an article or a number, perhaps with an adjective between: ``a Babcock``, ``an Endobag``,
# ``A Kerrison was used``, ``a curved Allis``, ``Two straight Ochsner's`` name a device or a maker; a capital ``A``
# elsewhere may be an initial (``A Smith``)
COUNTED_BEFORE = re.compile(
    r"(?:\b(?:an?|two|three|four|several|multiple)|(?:^|[.!?:]\s)(?:An?|Two|Three|Four|Several|Multiple))"
    r"\s+(?:([a-z]{3,})\s+)?$",
    re.MULTILINE,
)
COUNTED_LOOK_BEHIND = 24  # characters before a name searched for an article or number and an adjective
ARTICLE_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?)[ \t]+$")
ARTICLE_LOOK_BEHIND = 4  # characters before a finding searched for its article
PLACE_LED_TO = re.compile(rf"\b(?:{WAYS_OR_PLACES})\s+(?:the\s+)?(?:[a-z]+\s+)?$", re.IGNORECASE)
AREA_AFTER = re.compile(r"\s+(?:area|region|vicinity|county|district|suburbs?|community)\b", re.IGNORECASE)
TOWN_OPENER = re.compile(TOWN_PREFIX, re.IGNORECASE)
DESCRIBED_BEFORE = re.compile(r"\b([a-z]{3,}(?:-[a-z]+)?)[ \t]+$")  # a lower-case word right before a name
# a name cut at a hyphen before a word of English or a code is part of a compound (``Austin-type``, ``Allegra-D``)
COMPOUND_GOES_ON = re.compile(r"-(?:([a-z]+)|[A-Z0-9]{1,3})\b")
# a dose, rate, route or schedule after a name makes it a drug: ``Demerol 50 mg``, ``Levo @ .08 mcg/kg/min``,
# ``Premarin p.o.``, ``Neo gtt``
DOSE_AFTER = re.compile(
    r"\s*(?:(?:@|at)\s*)?(?:(?:\d[\d.,]*|\.\d+)\s*(?:mg|mcg|µg|g|ml|units?|u|meq|cc|%)(?:/(?:kg|min|hr|h))*"
    r"|(?:p\.?o|q\.?d|b\.?i\.?d|t\.?i\.?d|q\.?h\.?s|prn|gtts?|drip)\b\.?)"
    r"(?![\w/])",
    re.IGNORECASE,
)
# a list's separator, and the word on its other side: ``Lovaza, and Dialyvite``, ``Ziac and Remeron``
LIST_SEPARATOR = r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
LIST_ITEM = r"([^\W_][\w-]*)"
LIST_ITEM_BEFORE = re.compile(rf"{LIST_ITEM}{LIST_SEPARATOR}$")
LIST_ITEM_AFTER = re.compile(rf"{LIST_SEPARATOR}{LIST_ITEM}")
LIST_LOOK_BEHIND = 40  # characters before a finding searched for the list item before it
# dressings counted or abbreviated in the plural: ``4x4s``, ``2x2``, ``4s``, ``ABDs``; no bare number (``Mary, 45,``)
COUNTED_THING = re.compile(r"\d+(?:x\d+s?|s)|[A-Z]{2,}s")
COINED_WORD_LETTERS = 6  # a shorter unknown word is shorthand (``gtt``, ``prn``) or a slip of the pen
LISTED_THING_LETTERS = 4  # a shorter lower-case list item is shorthand (``pt``, ``hcp``) more than a thing
# a section of a note opens a line or sentence and ends in a colon: ``Integ: sacrum intact``, ``CARDIAC:``
SECTION_START = re.compile(r"(?:^|[.;]\s+|\n\s*)$")
# race and ethnicity as the US standard (OMB, 1997) counts them: groups of millions, no identifier under
# HIPAA's Safe Harbor and clinical information (``58-year-old Caucasian female``); nationalities stay
RACE_OR_ETHNICITY = re.compile(
    r"white|black|caucasian|asian|african[ -]american|american indian|alaska native|native hawaiian|"
    r"pacific islander|native american|(?:non-?)?hispanic|latin[oax]",
    re.IGNORECASE,
)
# a test or rating scale is named after its authors or its place: ``California Verbal Learning Test``, ``Beck
# Depression Inventory-II``, ``the Western Aphasia Battery`` (``Scale Unlimited``, a firm, goes on after the word)
NAMED_INSTRUMENT = re.compile(
    r"\b(?i:tests?|scale|inventory|battery|questionnaire|exam|examination)(?:-[IVX]+)?"
    r"(?=\s*(?:$|[,;(])|\s+(?:of|for|[A-Z]{2,}\b|\d))"
)
DRUG_SUFFIXES = (
    "olac", "pentin", "mycin", "cillin", "pril", "sartan", "olol", "statin", "azole", "idine", "oxacin",
    "dipine", "parin", "afil", "mab", "tinib", "ciclovir", "triptan", "azepam", "azolam", "barbital",
    "caine", "sone", "olone", "profen", "oxetine", "apine", "idone", "codone", "morphone", "tidine",
    "prazole", "gliptin", "flozin", "glitazone", "formin", "thiazide", "semide", "cycline", "floxacin",
    "penem", "cefa", "ceph", "vudine", "navir", "setron", "lukast", "terol", "tropium", "phylline",
)


def trimmed(result: RecognizerResult, text: str) -> RecognizerResult:
    """spaCy's finding without the shorthand at its edges that is no part of a name: the relation
    or role before a person (``Daughter Susan``, ``Pt John Doe``), ``w/`` (``w/ sandra``, ``EW w/``), a
    section of the note (``Integ - Turned``, ``Neuro-``)."""
    leading = LEADING_RELATION if result.entity_type == "PERSON" else LEADING_WITH
    if head := leading.match(text, result.start, result.end):
        result.start = head.end()
    section = LEADING_SECTION.match(text, result.start, result.end)
    if result.entity_type == "PERSON" and section and _is_shorthand(section.group(1)):
        result.start = section.end()  # a note's section before a dash or colon: what follows is checked alone
    if tail := TRAILING_WITH.search(text, result.start, result.end):
        result.end = tail.start()
    return result


def recognizer_of(result: RecognizerResult) -> str:
    """The name of the recognizer that produced ``result``."""
    return (result.recognition_metadata or {}).get("recognizer_name", "unknown")


def is_plausible(result: RecognizerResult, text: str, allowed: Collection[str]) -> bool:
    """Whether a detection can be personal data; ``allowed`` holds lower-cased allow-list entries."""
    value = text[result.start : result.end].strip()
    # ``dr. graves`` is a person, not Graves' disease; ``lives in NC`` a state, not a nasal cannula; a facility's
    # recognizers weigh vocabulary themselves (``transferred from PMH``)
    cued = recognizer_of(result) in CUE_TYPED
    if not cued and result.entity_type != FACILITY and value.lower() in allowed:
        return False
    if result.entity_type == "DATE_TIME":
        clock_time = AT_SIGN.search(text, max(result.start - 3, 0), result.start) and CLOCK.fullmatch(value)
        return not clock_time and plausible_date(value, from_spacy=recognizer_of(result) == SPACY)
    if is_placeholder(value):
        return False
    words = WORD.findall(value)
    if result.entity_type == FACILITY:
        return not _is_department([word.lower() for word in words])  # ``the Urology Clinic`` is a ward
    if result.entity_type == LICENCE and len(value) < SHORTEST_LICENCE:
        return False  # ``C5``, ``B12``, ``x1``: a spine level, a vitamin, a count; no state's licence is this short
    if result.entity_type not in NAME_TYPES:
        return True
    if any(word.lower() in SALUTATIONS for word in words[:1]) and len(words) == 1:
        return False
    if words and words[0].lower() == CATHETER_UNIT and _is_sized(result.start, text):
        return False
    if not cued and (
        _has_allowed_word_and_no_name(words, allowed)
        or is_eponym(result, text)
        or names_a_thing(result, text)
        or DOSE_AFTER.match(text, result.end)
        or CITED.match(text, result.end)
        or _is_counted(result, text)
        or _is_listed_with_a_drug(result, text)
        or SIZED_BEFORE.search(text, max(result.start - 16, 0), result.start)
        or MAKER_BEFORE.search(text, max(result.start - MAKER_REACH, 0), result.start)
        or _is_section(result, text)
        or NAMED_INSTRUMENT.search(value)
        or (result.entity_type != "NRP" and _goes_on_as_a_compound(result, text))
    ):
        return False
    if result.entity_type == "NRP":
        return plausible_group(result, value, text)
    if recognizer_of(result) != SPACY:
        return True
    return (
        plausible_name(value, words, result.entity_type)
        and not _is_common_noun_here(words, result.entity_type, text)
        and not _is_shorthand_as_place(result, words, text)
    )


def is_placeholder(value: str) -> bool:
    """A stand-in where a value was removed, no value itself: a capital letter (``Dr. X``), a run of
    digits (``12345``, ``0000``), a run of one letter or of the alphabet from A or to Z (``Xxxxx``, ``ABCD``,
    ``XYZ``), the last also among vocabulary (``ABCD General Hospital``); ``John X``, ``FGH`` and ``XYZ
    Kowalski`` stay."""
    words = [word.removesuffix("'s") for word in value.replace("’", "'").split()]
    if len(words) == 1 and (_is_placeholder_letters(words[0]) or _is_placeholder_digits(words[0])):
        return True
    return any(_is_placeholder_letters(word) and len(word) > 1 for word in words) and all(
        _is_placeholder_letters(word) or word.lower() in never_names() for word in words
    )


def _is_placeholder_letters(word: str) -> bool:
    if not word.isascii() or not word.isalpha() or not word[0].isupper():
        return False
    return len(word) == 1 or (
        len(word) >= PLACEHOLDER_LETTERS and (len(set(word.lower())) == 1 or _opens_or_ends_the_alphabet(word))
    )


def _opens_or_ends_the_alphabet(word: str) -> bool:
    """``ABCD``, ``XYZ``; a run from inside (``FGH``) may abbreviate a hospital."""
    return word in string.ascii_uppercase and (word.startswith("A") or word.endswith("Z"))


def _is_placeholder_digits(word: str) -> bool:
    return word.isdigit() and len(word) >= PLACEHOLDER_DIGITS and (word in "1234567890" or len(set(word)) == 1)


def _is_shorthand(word: str) -> bool:
    """A word Philter lists, or one unseen in English cut short from a listed one (``Integ``, ``SEROSANG``),
    that no gazetteer knows as a name (``Goldberg`` is common in English, so no shorthand)."""
    lowered = word.lower()
    cut_short = len(word) >= SHORTHAND_LETTERS and english_zipf(lowered) < UNSEEN_ZIPF and shortens_a_word(lowered)
    return _is_non_name(lowered) or (cut_short and not is_known_name(word))


def _is_section(result: RecognizerResult, text: str) -> bool:
    """One word of vocabulary or shorthand that opens a line or sentence before a colon, inside the
    finding or right after it (``Cardiac:``, ``Integ:``); a known name or another word there is a
    speaker (``Mary: called``, ``Koppány: "Who``)."""
    found = text[result.start : result.end].rstrip()
    value = found.removesuffix(":")
    return (
        (value != found or text.startswith(":", result.end))
        and " " not in value
        and SECTION_START.search(text[max(result.start - 4, 0) : result.start]) is not None
        and (is_vocabulary(value) or shortens_a_word(value.lower()))
        and not is_known_name(value)
    )


def _is_sized(start: int, text: str) -> bool:
    """``French`` at ``start`` with a size before or after it: ``#8.5 French``, ``French 10 JP drain``."""
    unit_end = start + len(CATHETER_UNIT)
    return bool(SIZE_BEFORE.search(text, max(start - 7, 0), start) or SIZE_AFTER.match(text, unit_end))


def plausible_group(result: RecognizerResult, value: str, text: str) -> bool:
    """A people, faith or party by its word, however common (``American``), but no race or drug (``statin``);
    or a town spaCy took for a people (``from Wendyland``)."""
    if PLACE_BEFORE.search(text, max(result.start - 8, 0), result.start):
        return True
    if any(char.isdigit() for char in value):
        return False
    return names_a_group(value) and not RACE_OR_ETHNICITY.fullmatch(value) and not value.lower().endswith(DRUG_SUFFIXES)


def is_common_noun_here(result: RecognizerResult, document: str) -> bool:
    """Whether spaCy's finding is a word the whole ``document`` also writes in lower case (below). spaCy's
    recognizer asks it of the text it gets, before Presidio merges (a pattern's finding inside the span is kept);
    a long document's chunk may lack the lower-case word, so the whole document is asked again."""
    if recognizer_of(result) != SPACY:
        return False
    return _is_common_noun_here(WORD.findall(document[result.start : result.end]), result.entity_type, document)


def _is_common_noun_here(words: list[str], entity_type: str, text: str) -> bool:
    """A firm or place spaCy found whose every word Philter lists as vocabulary and the same document also writes
    in lower case (of several words some, among them every one that is also a name): common nouns capitalised by a
    heading or a sentence start (``Colonoscopy``, ``Inflammatory Bowel Disease``, ``White Syndrome`` beside
    ``white count``), where a firm (``Microsoft``) keeps its capitals.
    A capitalised person of one such word counts too where the word is also a name (``Cord was clamped``
    beside ``cord blood``)."""
    lowered = _without_the([word.lower() for word in words])
    if entity_type == "PERSON" and len(lowered) == 1 and lowered[0] in never_names() and not words[-1].islower():
        return _written_in_lower_case(lowered[0], text)
    if entity_type not in ("ORGANIZATION", "LOCATION"):
        return False
    if not lowered or not all(word in never_names() for word in lowered):
        return False
    written = [_written_in_lower_case(word, text) for word in lowered]
    if any(is_known_name(word) and not lower for word, lower in zip(lowered, written, strict=True)):
        return False  # a name stays a name unless the note also writes it as a word (``status post``)
    return all(written) or len(lowered) > 1 and any(written)


def _written_in_lower_case(word: str, text: str) -> bool:
    """Whether ``text`` holds lower-case ``word`` as a word of its own."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _is_shorthand_as_place(result: RecognizerResult, words: list[str], text: str) -> bool:
    """A place spaCy found in one word of vocabulary with no ``in``, ``from``, ``at`` or ``to`` before it:
    shorthand opening a sentence (``Cont diuresis``, ``Cont to monitor``), a drug in a list (``Soma``); ``lives in
    Recife`` and a state stay."""
    if result.entity_type != "LOCATION" or len(words) != 1 or is_place(words[0]) or STATE.fullmatch(words[0]):
        return False  # ``Lindsay, California``
    led_to = WAY_OR_PLACE_BEFORE.search(text, max(result.start - 8, 0), result.start)
    return _is_non_name(words[0].lower()) and not led_to


def is_eponym(result: RecognizerResult, text: str) -> bool:
    """A one-word name that names a sign, score, disease, line or part of the body: ``Murphy sign``,
    ``Crohn's disease``, ``Hickman R chest`` (a side the name finder took for an initial), ``line of Toldt``."""
    head = ONE_WORD.match(text, result.start, result.end)
    if not head:
        return False
    structure = EPONYM_STRUCTURE_BEFORE.search(text[max(result.start - EPONYM_LOOK_BEHIND, 0) : result.start])
    named = structure or EPONYM_NOUN.match(text[head.end() : head.end() + 40])
    return bool(named) and not _has_title(result, text)


def names_a_thing(result: RecognizerResult, text: str) -> bool:
    """A one-word person, firm or unknown place right before a lower-case noun, or after an article and before an
    adjective or a coined compound: a device, technique or product named after someone or by its maker
    (``Harmonic scalpel``, ``Jackson table``, ``Robinson catheters``, ``the Richards essential shaver``, ``the
    Tuohy needle``), not ``the Smith family``, ``the Jensen novel``, ``mary daughter``, ``Dr. Jackson`` nor
    ``Carolyn hill``."""
    if not ONE_WORD.fullmatch(text, result.start, result.end) or not _may_name_a_thing(result, text):
        return False
    after = NEXT_WORD.match(text, result.end)
    noun = after.group(1) if after else ""
    return (
        not PERSONAL_NOUN.fullmatch(noun)
        and english_zipf(noun) < FUNCTION_WORD_ZIPF
        and (
            is_only_noun(noun)
            or _after_an_article(result, text) and (_describes_a_thing(noun) or _is_coined_word(noun))
        )
        and not is_known_name(noun)  # ``Carolyn hill``: a surname a capitals line was read back as a word
        and not _has_title(result, text)
    )


def _is_coined_word(word: str) -> bool:
    """A long lower-case word no word class of the lemmatizer knows, rare in English: a compound of a trade
    (``headholder``, ``videoscope``, ``dynamometer``)."""
    return (
        len(word) >= COINED_WORD_LETTERS
        and english_zipf(word) < ENGLISH_WORD_ZIPF
        and not any(base_forms(word, pos) for pos in PARTS_OF_SPEECH)
    )


def _may_name_a_thing(result: RecognizerResult, text: str) -> bool:
    """A person or firm; or a place no gazetteer knows after an article, no place led to nor an area
    (``the Tuohy needle``, ``a Mystique plate``; not ``in the Longmont area`` nor ``to Dover Pavilion``)."""
    if result.entity_type in ("PERSON", "ORGANIZATION"):
        return True
    if result.entity_type != "LOCATION" or is_place(text[result.start : result.end].strip()):
        return False
    led_to = PLACE_LED_TO.search(text, max(result.start - 24, 0), result.start)
    return _after_an_article(result, text) and not led_to and not AREA_AFTER.match(text, result.end)


def _after_an_article(result: RecognizerResult, text: str) -> bool:
    """``the``, ``a`` or ``an`` right before the finding."""
    return bool(ARTICLE_BEFORE.search(text, max(result.start - ARTICLE_LOOK_BEHIND, 0), result.start))


def _goes_on_as_a_compound(result: RecognizerResult, text: str) -> bool:
    """A name cut at a hyphen before a word of English or a code: ``Austin-type``, ``TIA-like``, ``Allegra-D``,
    ``Toprol-XL``; a double surname goes on as a name (``Hauta-aho``, ``Smith-Jones``)."""
    compound = COMPOUND_GOES_ON.match(text, result.end)
    if not compound:
        return False
    word = compound.group(1)
    return word is None or english_zipf(word) >= ENGLISH_WORD_ZIPF and not is_known_name(word)


def _is_counted(result: RecognizerResult, text: str) -> bool:
    """A one-word person or firm after ``a``, ``an`` or a number, perhaps with an adjective between: a thing
    named after someone or by its maker (``a curved Allis``), not ``a friend Mary`` nor ``two sons Tom``."""
    if result.entity_type not in ("PERSON", "ORGANIZATION") or not ONE_WORD.fullmatch(text, result.start, result.end):
        return False
    window = max(result.start - COUNTED_LOOK_BEHIND, 0)
    counted = COUNTED_BEFORE.search(text, window, result.start)
    adjective = counted.group(1) if counted else None
    if counted:
        return adjective is None or _is_adjective(adjective)
    described = DESCRIBED_BEFORE.search(text, window, result.start)
    return bool(described) and _describes_a_thing(described.group(1))


def _describes_a_thing(word: str) -> bool:
    """An adjective that is no word of grammar, verb's inflection nor the start of a town's name: ``sterile
    Webril``, ``right Glenn``; not ``after Colonoscopy``, ``advised Gregory``, ``noted Samuel`` nor ``new Bedford``."""
    return (
        word not in STOP_WORDS
        and _is_adjective(word)
        and not is_inflected_verb(word)
        and not TOWN_OPENER.fullmatch(f"{word} ")
    )


def _is_listed_with_a_drug(result: RecognizerResult, text: str) -> bool:
    """A name in a list beside a drug the package knows is one too (``Lovaza, and Dialyvite``); a one-word name
    beside a thing written in lower case is a thing (``fluff and Kling, stockinette``), unless a place is led to
    (``in Modesto and followup``). A drug that is also a name (``Allegra``) is no evidence, nor a person's
    relation or role (``wife and Mary``)."""
    before = LIST_ITEM_BEFORE.search(text[max(result.start - LIST_LOOK_BEHIND, 0) : result.start])
    after = LIST_ITEM_AFTER.match(text, result.end)
    items = [item.group(1) for item in (before, after) if item]
    if any(_is_drug([item.lower()]) for item in items):
        return True
    one_word = result.entity_type != "NRP" and ONE_WORD.fullmatch(text, result.start, result.end)
    placed = PLACE_BEFORE.search(text, max(result.start - 8, 0), result.start)  # ``in Modesto and followup``
    return bool(one_word) and not placed and any(_is_listed_thing(item) for item in items)


def _is_listed_thing(word: str) -> bool:
    """Dressings counted or abbreviated (``4x4s``, ``ABDs``), or a lower-case word rarer than everyday English
    that is only a noun and names no one (``stockinette``, ``fluff``); not ``pt``, ``nephew`` nor a street's word
    before its town (``avenue, Chelsea``)."""
    if COUNTED_THING.fullmatch(word):
        return True
    return (
        word.islower()
        and word not in street_words()
        and len(word) >= LISTED_THING_LETTERS
        and english_zipf(word) < COMMON_ZIPF
        and is_only_noun(word)
        and not PERSONAL_NOUN.fullmatch(word)
        and not is_known_name(word)
    )


@cache
def street_words() -> frozenset[str]:
    """The words that end a street's name, lower-cased (``avenue``, ``court``, ``park``)."""
    return frozenset(suffix.lower() for suffix in UsAddress.street_suffixes)


def _is_adjective(word: str) -> bool:
    """A lower-case word that can be an adjective and no person's relation or role (``curved``, ``straight``)."""
    return bool(base_forms(word, "adj")) and not PERSONAL_NOUN.fullmatch(word) and not is_known_name(word)


def _has_title(result: RecognizerResult, text: str) -> bool:
    """A title before the name makes it a person: ``Dr. Murphy test``."""
    return bool(TITLE_BEFORE.search(text[max(result.start - 12, 0) : result.start]))


def _has_allowed_word_and_no_name(words: list[str], allowed: Collection[str]) -> bool:
    """``Foley catheter`` is a device; ``Mary Nash`` stays a person although NASH is a diagnosis."""
    lowered = [word.lower() for word in words]
    if not any(word in allowed for word in lowered):
        return False
    return not any(word not in allowed and (word in first_names() or word in last_names()) for word in lowered)


def plausible_date(value: str, from_spacy: bool) -> bool:
    """Not a duration or relative day; from spaCy, it must also hold a date element."""
    if NOT_A_DATE.match(value):
        return False
    return not from_spacy or bool(DATE_ELEMENT.search(value))


def _is_non_name(word: str) -> bool:
    """A word Philter lists as no name that no gazetteer knows as one."""
    return word in never_names() and not is_known_name(word)


def _without_the(lowered: list[str]) -> list[str]:
    """The words of a name spaCy found, bar the article (``the Esmarch``, ``the Intensive Care Unit``)."""
    return [word for word in lowered if word != "the"]


def _bare_words(lowered: list[str]) -> list[str]:
    """The words of a name spaCy found, bar the article and a possessive (``the Esmarch``, ``Medtronic's``)."""
    return [POSSESSIVE.sub("", word) for word in _without_the(lowered)]


def _is_trade_term(lowered: list[str], rarer_than: float) -> bool:
    """Every word (bar ``the`` and a possessive) one Philter lists as no name, rarer than ``rarer_than``
    in everyday English and no known name: a drug, device or finding (``Zonegran``, ``the Esmarch``,
    ``Telfa``, and as a firm ``Demerol``)."""
    words = _bare_words(lowered)
    return bool(words) and all(_is_non_name(word) and english_zipf(word) < rarer_than for word in words)


def _is_drug(lowered: list[str]) -> bool:
    """A drug the package knows by its whole name, or by its first word with drugs or vocabulary after it
    (``Temodar``, ``Toprol-XL``, ``Nasacort AQ``, ``Robitussin Cough``); no word of it a name or town any list
    knows (``Allegra``, ``Angelica``, ``Lodine``)."""
    words, drugs = _bare_words(lowered), drug_names()
    if not words or any(is_known_name(word) or word in philter_names() or is_place(word) for word in words):
        return False
    return " ".join(words) in drugs or (
        words[0] in drugs and all(word in drugs or word in never_names() for word in words[1:])
    )


def _is_department(lowered: list[str]) -> bool:
    """A specialty (``Cardiology``), a unit's noun alone (``went to Clinic``) or a unit named by non-names
    alone (``the Intensive Care Unit``, ``Orthopedic Clinic``, ``the Department of Anesthesia``); ``Mayo
    Clinic`` and ``the Post Anesthesia Care Unit`` hold a known name (Post), so they stay; ``General`` is a grade of
    care there (``the General Medical Floor``, ``the General Surgery Service``)."""
    words = _without_the(lowered)
    if len(words) == 1:
        return words[0] in UNIT_NOUNS or _is_specialty(words[0])
    if len(words) > 2 and words[0] in UNIT_HEADS and words[1] == "of":
        return all(_names_no_ward(word) for word in words[2:])
    if len(words) > 1 and words[-1] in SERVICE_NOUNS:  # ``Chemical Abstracts Service`` names no specialty
        return any(_is_specialty(word) for word in words[:-1]) and all(_names_no_ward(word) for word in words[:-1])
    return (
        len(words) > 1
        and words[-1] in UNIT_NOUNS
        and all(_names_no_ward(word) for word in words[:-1])
    )


def _names_no_ward(word: str) -> bool:
    """A word that says which kind of ward, not whose: no name, or a grade of care."""
    return _is_non_name(word) or word in GRADES_OF_CARE


def _is_specialty(word: str) -> bool:
    """A branch of medicine by its ending (``cardiology``, ``anesthesia``, ``neurosurgery``, ``hospitalist``)."""
    return word.endswith(SPECIALTY_ENDINGS) and word in never_names()


def _is_brand_word(word: str) -> bool:
    """``InterStim``, ``NexGen``, ``DuraGen``; not ``McDevitt`` nor a known name written so (``JoAnn``)."""
    inner = INNER_CAPITAL.match(word)
    return bool(inner) and inner.group(1).lower() not in NAME_PARTICLES and not is_known_name(word)


def _is_lower_case_word(word: str) -> bool:
    """A word of vocabulary written in lower case, no particle of a name (``van``, ``de``) nor a surname
    the case-restored view wrote so (``Catherine brown``)."""
    return (
        word.islower()
        and word not in NAME_PARTICLES
        and word not in NAME_LINKS
        and is_vocabulary(word)
        and not is_known_name(word)
    )


def _is_gazetteer_name(word: str) -> bool:
    return (word in first_names() or word in last_names()) and english_zipf(word) < COMMON_ZIPF


def plausible_name(value: str, words: list[str], entity_type: str) -> bool:
    """Whether spaCy's name, place or organisation reads like one in clinical or banking text."""
    lowered = [word.lower() for word in words]
    if not words or any(char.isdigit() for char in value) or any(w.endswith(DRUG_SUFFIXES) for w in lowered):
        return False
    if ";" in value:
        return False  # notes join shorthand so, names never: ``Resp'y;Desat``, ``Soc;pt``
    if any(_is_brand_word(word) for word in words):
        return False
    if len(words) > 1 and CREDENTIAL.fullmatch(words[-1]) and not any(could_be_name(word) for word in words[:-1]):
        return False  # a role, not someone: ``Covering MD``, ``Night RN``
    if entity_type == "PERSON" and not value.islower() and any(_is_lower_case_word(word) for word in words):
        return False  # a name is written in capitals throughout: ``Neo wean``, ``hall w/ PT`` are shorthand
    if any(is_name_evidence(word) for word in lowered):
        return True
    if _is_drug(lowered):
        return False  # a drug, brand or generic, that spaCy took for a person, firm or place
    # vocabulary and shorthand that names no one (``Afebrile``, ``Dilt``, ``Alert``); organisations and places
    # made of vocabulary (``General Electric``) stay: dropping them cost presidio-synth 5 points of their recall
    if entity_type == "PERSON" and all(_is_shorthand(word) for word in words):
        return False  # ``SEROSANG``: cut short from serosanguinous
    # rare places Philter also lists (``Recife`` 2.7, ``Nijmegen`` 2.4) are commoner than a trade term in a place
    rarer_than = TRADE_FIRM_ZIPF if entity_type == "ORGANIZATION" else UNSEEN_ZIPF
    made_of_terms = _is_trade_term(lowered, rarer_than) or _is_department(lowered)
    if entity_type != "PERSON" and made_of_terms and not is_place(value):
        return False  # a drug, device, maker, finding or ward spaCy took for a place or firm
    if value.islower():  # shorthand ("abd soft", "neuro") unless it reads as a lower-case name
        # a firm or place of one listed word is shorthand that is also a name (``mae``); a person stays (``sandra``)
        names = [_is_gazetteer_name(word) and (entity_type == "PERSON" or word not in never_names()) for word in lowered]
        return any(names) and all(n or english_zipf(w) < UNSEEN_ZIPF for n, w in zip(names, lowered, strict=True))
    if all(len(word) <= ABBREVIATION_LETTERS and word.isupper() for word in words):
        return False  # abbreviations ("BID", "MD") name no one
    if value.isupper() and all(english_zipf(word) >= ENGLISH_WORD_ZIPF for word in lowered):
        return False  # headers ("EMERGENCY DEPARTMENT")
    if entity_type in ("PERSON", "ORGANIZATION") and any(
        (w in first_names() or w in last_names()) and english_zipf(w) < EVERYDAY_ZIPF for w in lowered
    ):
        return True  # spaCy's context said so, and the gazetteer agrees
    words_of_vocabulary = [_without_facility_possessive(word) for word in lowered]
    return entity_type == "LOCATION" or not all(english_zipf(word) >= COMMON_ZIPF for word in words_of_vocabulary)


def _without_facility_possessive(word: str) -> str:
    """A facility's possessive is no name (``Medical Center's``); a common word's may be (``Children's``)."""
    stem = POSSESSIVE.sub("", word)
    return stem if stem in CARE_PLACE_NOUNS else word
