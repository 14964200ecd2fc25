"""Names found by their cues: a title before them, a label before them, a credential after them.

spaCy's small model misses lower-case names ("dr. carroll", "michelle, rn") and names in headers
("Patient: Meagan Mercer"); these patterns catch them without memorising any name.
"""

from __future__ import annotations

from functools import cache

import faker.providers.person as faker_person
import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dapt.privacy.recognizers.base import (
    CASE_SENSITIVE,
    COMMON_ZIPF,
    EVERYDAY_ZIPF,
    FUNCTION_WORD_ZIPF,
    RARE_ZIPF,
    ConstantsRecognizer,
    CuedValueRecognizer,
    english_zipf,
    faker_providers,
    string_values,
)
from dapt.privacy.vocabulary import never_names, philter_lists, philter_names
from dapt.privacy.wordclass import base_forms, is_inflected_verb

# Smith, McLean, O'Brien, Smith-Jones; atomic, so a failed match is not retried for every split
# of the word into parts (15x faster on clinical notes, same matches)
NAME = r"(?>[A-Z][a-z]*(?:['’-]?[A-Z]?[a-z]+)+)"
LOWER_OR_TITLE_NAME = rf"(?:{NAME}|[a-z][a-z'’-]+)"
CAPITALISED = rf"(?:{NAME}|(?:[A-Z]['’])?[A-Z]{{2,}})"
ANY_CASE_NAME = rf"(?:{CAPITALISED}|[a-z][a-z'’-]+)"
FIRST_NAME_ATTRIBUTES = ("first_names", "first_names_female", "first_names_male")
# relatives and carers a note names: ``grandson Ermes``, ``hcp vincent``, ``karen (dtr)``
KIN = (
    r"grandson|granddaughter|grandmother|grandfather|grandma|grandpa|niece|nephew|aunt|uncle|cousin|"
    r"dtr|hcp|spouse|fianc[eé]e?|girlfriend|boyfriend|neighbou?r|stepson|stepdaughter|sister-in-law|"
    r"brother-in-law|daughter-in-law|son-in-law|mother-in-law|father-in-law|guardian|proxy"
)
LOWER_SURNAME_AFTER = regex.compile(r"[ \t]([a-z][a-z'’-]+)\b")
# no title but shorthand or a unit: ``altered MS. Neuro``, ``underlying MR. Speech``, ``54 ms. AV nodal``
NOT_A_TITLE_BEFORE = regex.compile(r"(?:\bMS|[a-z,]\sMR|\d\s?ms)\.?\s?$")
NOT_A_TITLE_LOOK_BEHIND = 8  # characters before a titled name searched for shorthand or a unit
INITIAL = r"[A-Za-z]\.\s?"  # ``m. tanner``, ``h.rousseau``
# ``name is Dan``, ``wife called``, ``note pt``
NOT_A_VERB = r"(?!(?i:is|was|are|has|had|and|called|aware|pt|patient)\b)"
NOT_A_MODAL = r"(?!(?i:will)\b)"  # ``son will call``; before a surname it is a name (``grandson will toomey``)
RELATIONS = rf"husband|wife|partner|son|daughter|mother|father|sister|brother|friend|{KIN}"
CREDENTIALS = r"rn|md|np|pa-c|pa|lpn|do|cna|rrt"
# who a note reports on besides a name: a relation or a role (Faker lists ``Doctor``, ``Case``, ``Son`` as first names)
NO_ROLE = rf"(?!(?i:{RELATIONS}|doctor|nurse|case|team|staff)\b)"
CREDENTIAL_CLOSING_A_LINE = regex.compile(rf"(?<!\p{{L}})(?i:{CREDENTIALS})\.?[ \t]*$", regex.MULTILINE)
RELATION = regex.compile(rf"(?i:{RELATIONS})")
LATIN_SCRIPT_LIMIT = 0x250  # a locale whose names all lie below U+0250 is written in Latin script


@cache
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names), lower-cased, of every Latin-script locale Faker ships."""
    firsts: set[str] = set()
    lasts: set[str] = set()
    for _, provider in faker_providers(faker_person):
        given = [name for attribute in FIRST_NAME_ATTRIBUTES for name in string_values(provider, attribute)]
        if not given or any(ord(char) >= LATIN_SCRIPT_LIMIT for word in given for char in word):
            continue
        firsts.update(word.lower() for word in given)
        lasts.update(word.lower() for word in string_values(provider, "last_names"))
    return frozenset(firsts), frozenset(lasts)


def first_names() -> frozenset[str]:
    """First names of every Latin-script locale Faker ships (about 20,000), lower-cased."""
    return _gazetteer()[0]


def last_names() -> frozenset[str]:
    """Last names of every Latin-script locale Faker ships (about 20,000), lower-cased."""
    return _gazetteer()[1]


@cache
def known_names() -> frozenset[str]:
    """First and last names together: a gazetteer from a package, not from any data set."""
    return first_names() | last_names()


def is_cued_name(word: str) -> bool:
    """A name Faker's or philter's lists know: where a cue says a name stands, the larger lists
    (``Milosz``, ``Nicolo``) are safe to use."""
    return is_known_name(word) or word.strip(",.").lower() in philter_names()


def _is_lower_case_pair(first: str, last: str) -> bool:
    """``pt john doe``, ``wife june mackesey``, ``nephew honore garner``, ``grandson will toomey``, ``wife
    faith randall``; not ``pt tol fair``, ``son will call`` nor ``jonathan will call``: a first name, then a
    surname or a word that is no vocabulary; a first name that is also a word (``june``) only before a
    surname that is no word either or no common one."""
    given = first in first_names() or first in philter_lists()["firstnames"]
    known_surname, zipf, word = last in last_names(), english_zipf(last), is_vocabulary(last)
    surname = (known_surname and zipf < EVERYDAY_ZIPF) or not word  # not ``will``
    uncommon_surname = known_surname and zipf < COMMON_ZIPF
    return given and surname and (first not in never_names() or not word or uncommon_surname)


def is_known_name(word: str) -> bool:
    """Whether ``word``, without surrounding commas or dots, is a known first or last name."""
    return word.strip(",.").lower() in known_names()


class TitledNameRecognizer(ConstantsRecognizer):
    """A name after Dr/Mr/Mrs/Ms/Prof, in any case: ``Dr. Young``, ``dr. kaufman``, ``Mr. SANCHEZ``,
    ``DR.REARDON``."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "titled name (strong)",
            rf"(?<=[\s.])(?<=\b(?i:dr|mr|mrs|ms|miss|prof|pa-c)(?:\.\s?|\s))(?:{INITIAL})?(?:{LOWER_OR_TITLE_NAME}|[A-Z]{{2,}})"
            rf"(?:\s{NAME}){{0,2}}\b",
            0.75,
        )
    ]
    FLAGS = CASE_SENSITIVE

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, regex_flags: int | None = None
    ) -> list[RecognizerResult]:
        """Every titled name; an initial before the next sentence's first word is the whole name
        (``Dr. X. The patient``, ``Dr. Y. DISCHARGE``: ``X``, ``Y``); a first name in lower case takes its
        surname along (``dr. emily patrick``, see ``_is_lower_case_pair``). Before a name that is not in capitals,
        ``MS`` is mental status or multiple sclerosis (``altered MS. Neuro:``), ``MR`` after a lower-case word
        mitral regurgitation (``underlying MR. Speech``), and ``ms`` after a number milliseconds: no title."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            if _initial_before_sentence(text[result.start : result.end]):
                result.end = result.start + 1
            elif (surname := LOWER_SURNAME_AFTER.match(text, result.end)) and _takes_surname(
                text[result.start : result.end], surname.group(1)
            ):
                result.end = surname.end()  # ``dr. emily patrick``
        return [
            result
            for result in results
            if not NOT_A_TITLE_BEFORE.search(text, max(result.start - NOT_A_TITLE_LOOK_BEHIND, 0), result.start)
            or _is_name_in_capitals(text[result.start : result.end])
        ]

    def validate_result(self, pattern_text: str) -> bool | None:
        """A name in lower case must hold a known name or a word that is not vocabulary: ``dr.
        kaufman``, not ``MR imaging`` or ``34 ms vs 40 ms``."""
        if not pattern_text.islower():
            return None
        words = [word.strip(",.") for word in pattern_text.split()]
        return None if any(could_be_name(word) for word in words if len(word) > 1) else False


class LabelledNameRecognizer(ConstantsRecognizer):
    """Names in any case after a label such as ``Patient:``, ``Re:``, ``wife``, ``Attending:``, ``last name?`` or
    ``call me``, or opening a line of dialogue (``mika: "who are you?"``);
    ``Doe, John`` when the word after the comma is capitalised or in capitals (``husband dawid,
    can be reached`` is ``dawid``)."""

    ENTITY = "PERSON"
    LABELS = (
        rf"patient|pt|name(?: is)?|re|{RELATIONS}|npn|note|"
        r"rn|np|pa-c|caller|"
        r"attending(?: physician)?|physician|referring|nurse|contact|dear|signed by|agent|customer|client|"
        r"account holder|signature|message from|regards|thanks|sincerely|(?<![\d.]\s?)cc|attn|calls? me"
    )  # ``cc`` after a number is a unit: ``5 cc per kg``
    AFTER_LABEL = rf"(?<=\s)(?<=\b(?i:{LABELS})[:,?]?\s{{1,3}}){NOT_A_VERB}{NO_ROLE}"
    PATTERNS = [
        Pattern(
            "labelled name (medium)",
            rf"{AFTER_LABEL}{NOT_A_MODAL}(?:{INITIAL})?(?:{ANY_CASE_NAME},\s(?=[A-Z][a-z]|[A-Z]{{2,}}\b))?{ANY_CASE_NAME}"
            rf"(?:\s[A-Z]\.)?(?:\s{CAPITALISED})?\b",
            0.6,
        ),
        # ``pt john doe``, and ``Edith brady`` where a capitals line was read back (``BRADY`` is also a word):
        # the second lower-case word must be a known surname (validate_result)
        Pattern(
            "labelled lower-case name (medium)",
            rf"{AFTER_LABEL}(?:[a-z][a-z'’-]+|{NOT_A_MODAL}{NAME})\s[a-z][a-z'’-]+\b",
            0.6,
        ),
        # a speaker opening a line of dialogue: ``mika: "who are you?"``, ``Heather:"I'm …"``
        Pattern("speaker (medium)", rf"(?m)^[ \t]*{ANY_CASE_NAME}(?=:[ \t]?[\"“])", 0.6),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """A word must be a known first or last name ("wife elaine", not "wife called") and not
        among the commonest English words ("Customer: My email"); after an initial, no vocabulary
        will do (``rn: n. prokurat``)."""
        words = [word.strip(",.") for word in pattern_text.split()]
        if len(words[0]) > 1 and english_zipf(words[0].lower()) >= FUNCTION_WORD_ZIPF and not is_known_name(words[0]):
            return False  # ``PT FROM QUINCY``: a place after a preposition, no name after the label
        if len(words) == 1 and pattern_text.islower() and _is_common_word_surname(words[0]):
            return False  # ``400 cc clear``, ``the physician must``: a word a surname list also holds, no first name
        if RELATION.fullmatch(words[0]):
            return False  # ``asking for sister, sister called``: the relation again
        if len(words) == 2 and words[1].islower() and len(words[0]) > 1:  # ``pt john doe``, not ``pt tol fair``
            return _is_lower_case_pair(words[0].lower(), words[1])
        initial, rest = _initial_and_words(pattern_text)
        if initial and rest and not any(is_vocabulary(word.strip(",.")) for word in rest):
            return True
        return any(is_known_name(word) and english_zipf(word.lower()) < EVERYDAY_ZIPF for word in words)


class SurnameCueRecognizer(ConstantsRecognizer):
    """A name a cue gives as someone's surname: ``maiden name is Kowalski``, ``surname on the
    account changed to Brewer``, ``last name: o'neil``. The cue says it is a name, so any word that
    is not vocabulary counts, known to a gazetteer or not."""

    ENTITY = "PERSON"
    CUE = (
        r"(?:sur|last\s|maiden\s|family\s)name(?:\son\s(?:the|my|her|his|your)\s(?:account|file|card|record))?"
        r"(?:\s(?:is|was|changed\sto|to|now)|:)"
    )
    PATTERNS = [Pattern("surname cue (medium)", rf"(?<=\b(?i:{CUE})\s{{1,3}}){ANY_CASE_NAME}(?:-{ANY_CASE_NAME})?\b", 0.6)]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        return pattern_text.lower() not in never_names()


class CredentialedNameRecognizer(ConstantsRecognizer):
    """A name right before a credential: ``michelle, rn``, ``J. Smith MD``, ``h.rousseau,rn``."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "name before credential (medium)",
            rf"(?<![\p{{L}}.])(?:{INITIAL})?(?:{ANY_CASE_NAME}\s)?{ANY_CASE_NAME}"
            rf"(?=(?:,\s?|\s)(?i:{CREDENTIALS})\b)",
            0.6,
        )
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """Every word but an initial is a known name, or no vocabulary after an initial (``h.rousseau``),
        so "notify md" is never a person."""
        initial, words = _initial_and_words(pattern_text)
        return bool(words) and all(is_known_name(word) or (initial and not is_vocabulary(word)) for word in words)


class KinNamedRecognizer(ConstantsRecognizer):
    """A known name right before a relation in brackets, ``dylan (brother)``, ``MAY (NIECE)``, or capitalised
    right after one, even a name that is also a word: ``son Will from Dover``, ``niece May`` (a modal or a
    month after a relation is written in lower case or in a line of capitals)."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("name before relation (medium)", rf"\b{ANY_CASE_NAME}(?=\s?\((?i:{RELATIONS})\))", 0.6),
        Pattern(
            "capitalised name after relation (medium)",
            rf"(?=[A-Z][a-z])(?<=\s)(?<=\b(?i:{RELATIONS}),?\s)[A-Z][a-z]+\b",
            0.6,
        ),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """The word must be a name Faker's or philter's lists know (``NICOLO (NEPHEW)``)."""
        return is_cued_name(pattern_text)


class SignatureRecognizer(CredentialedNameRecognizer):
    """A name and a credential closing a line, as a note is signed: ``PUPEK RN``, ``- j. malota,
    rn``, ``?CT in am. MALOTA RN``. The place is the cue, so the surname need not be in any
    gazetteer; a word of English or of clinical shorthand (``CONT RN``) is still no name."""

    PATTERNS = [
        Pattern(
            "signature line (medium)",
            rf"(?<=(?:^|[.;!?])[ \t]*(?:[-–—][ \t]?)?)(?:{INITIAL})?{ANY_CASE_NAME}(?:\s{ANY_CASE_NAME})?(?:\s[A-Za-z]\.?)?"
            rf"(?=(?:,\s?|\s)(?i:{CREDENTIALS})\.?[ \t]*$)",
            0.6,
        )
    ]

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, regex_flags: int | None = None
    ) -> list[RecognizerResult]:
        """Nothing where no line ends in a credential: the pattern, tried at every word, is skipped (a
        long note has few signatures, if any)."""
        if not CREDENTIAL_CLOSING_A_LINE.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)

    def validate_result(self, pattern_text: str) -> bool:
        """Every word but an initial is a known name or no vocabulary."""
        _, words = _initial_and_words(pattern_text)
        return bool(words) and all(could_be_name(word) for word in words)


def _takes_surname(name: str, next_word: str) -> bool:
    """A lower-case titled first name takes the surname after it: a lower-case pair (``dr. emily patrick``), or a
    name no list knows before an uncommon known surname or a word that is no vocabulary (``dr. lourenco powell``,
    ``dr. jedrzej langier``; not ``dr. patel aware``)."""
    if not name.islower():
        return False
    surname = (next_word in last_names() and english_zipf(next_word) < COMMON_ZIPF) or not is_vocabulary(next_word)
    return _is_lower_case_pair(name, next_word) or (not is_vocabulary(name) and surname)


def _is_common_word_surname(word: str) -> bool:
    """A common English word that is a surname but no first name (``clear``, ``each``, ``must``; not ``faith``)."""
    return english_zipf(word) >= COMMON_ZIPF and word in last_names() and word not in first_names()


def _is_name_in_capitals(value: str) -> bool:
    """``JONES``, not shorthand (``PMH``, ``GI``) nor a word written so (``Neuro``)."""
    return value.isupper() and could_be_name(value)


def _initial_and_words(value: str) -> tuple[bool, list[str]]:
    """Whether ``value`` opens with an initial, and its other words (a closing initial left out:
    ``ANASTASIA A``)."""
    match = regex.match(INITIAL, value)
    rest = value[match.end() :] if match else value
    return match is not None, [word for word in rest.split() if len(word.strip(".,")) > 1]


def _initial_before_sentence(value: str) -> bool:
    """An initial with its full stop, then vocabulary that is no name (``X. The``, ``Y. At``), not a
    surname (``J. Young``, ``J. Kowalczyk``)."""
    initial, words = _initial_and_words(value)
    after = words[0].strip(",.") if words else ""
    return initial and value[1:2] == "." and is_vocabulary(after) and not is_known_name(after)


def is_vocabulary(word: str) -> bool:
    """A word of English or of clinical shorthand (philter's list), or a common English word."""
    lowered = word.lower()
    return lowered in never_names() or english_zipf(lowered) >= RARE_ZIPF


def could_be_name(word: str) -> bool:
    """A known name, or a word that is no vocabulary (``Kowalczyk``, ``PUPEK``)."""
    return is_known_name(word) or not is_vocabulary(word)


class IdentifiedNameRecognizer(ConstantsRecognizer):
    """Two or three capitalised words right before a record identifier, as headers write a patient
    or customer: ``Sian Cowely (Medical record number 912…)``, ``Ann Lee, MRN: 44…``. The identifier
    is the cue, so the surname need not be in any gazetteer; everyday words ("Emergency Department
    (MRN …") are not names."""

    ENTITY = "PERSON"
    IDENTIFIERS = r"mrn|mr#|medical record(?: number| no\.?)?|unit no|dob|date of birth|account(?: number| no\.?)?|acct|member id"
    PATTERNS = [
        Pattern(
            "name before identifier (medium)",
            rf"\b{NAME}(?:\s{NAME}){{1,2}}(?=\s?(?:\(|,)\s?(?i:{IDENTIFIERS})\b)",
            0.6,
        )
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """Every word is a known name or rare in general English ("Emergency Department" is neither)."""
        return all(is_known_name(word) or english_zipf(word.lower()) < RARE_ZIPF for word in pattern_text.split())


class UpperCaseNameRecognizer(ConstantsRecognizer):
    """Names in capitals, as note headers and signatures write them: ``KELLI VALDEZ``, ``DANIEL MULLEN, MD``."""

    ENTITY = "PERSON"
    PATTERNS = [Pattern("upper-case name (medium)", r"\b[A-Z]{2,}(?:\s[A-Z]\.?)?\s[A-Z]{2,}(?:-[A-Z]{2,})?\b", 0.6)]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """The first word must be a first name, so "CT CHEST" or "NO ACUTE" is never a person, and
        the last a known name or no vocabulary, so neither is the header "REASON FOR" nor "GENERAL
        APPEARANCE". (A line written in capitals reaches detection case-restored: casing.py.)"""
        words = pattern_text.split()
        return words[0].lower() in first_names() and could_be_name(words[-1])


REPORTS = (
    r"tearful|aware|pleasant|slept|requests?|asking|at\sbedside|called|visited|wants|states|upset|anxious|"
    r"agrees|declined|plans\sto|will\scall|updated|in\sto\svisit|lives"
)
ADDRESSED = r"asking\sfor|spoke\s(?:w/|with)|given\sto|called|updated|call\sfrom|visited\sby"
WORD_NAME = r"[A-Za-z][a-z]+|[A-Z]{2,}"  # a name capitalised, in lower case or in capitals


class CaredForNameRecognizer(CuedValueRecognizer):
    """A name alone where a note reports on someone or speaks to them: ``alice aware of plan``,
    ``JENNIFER tearful``, ``pt asking for ann``, ``spoke w/ kayla by phone``. The clause is the cue,
    so no capital is needed; the word must still be a known name that is no vocabulary."""

    ENTITY = "PERSON"
    CUED = [
        regex.compile(rf"(?:^|[.;:!?,-])[ \t]{{0,3}}({ANY_CASE_NAME})\s(?i:{REPORTS})\b", regex.MULTILINE),
        regex.compile(rf"\b(?i:{ADDRESSED})\s({ANY_CASE_NAME})\b"),
    ]

    def is_value(self, value: str) -> bool:
        """A name Faker's or philter's lists know that is no word of the vocabulary (``ann``,
        ``MILOSZ``; not ``family`` nor ``will``)."""
        return is_cued_name(value) and value.lower() not in never_names()


class WordNameRecognizer(CuedValueRecognizer):
    """A first name that is also a word (``will``, ``may``, ``grace``) where only a name fits: after
    a relation or a word of address, closing the clause: ``PT ASKING FOR WILL.``, ``son will, pt
    made dnr``, ``support given to grace.``; after a relation or opening a clause, before what the
    person did: ``HCP WILL STATES``, ``MAY CALLED @ NOON``; spoken to by phone (``spoke w/ hope by
    phone``); not ``will call back``, ``md called will f/u``, ``son will call``."""

    ENTITY = "PERSON"
    CUED = [
        regex.compile(
            rf"\b(?i:{RELATIONS}|{ADDRESSED})\s{NO_ROLE}({WORD_NAME})(?=\s?[.,;:!?)]|[ \t]*$)",
            regex.MULTILINE,
        ),
        # ``HCP WILL STATES``, ``niece May called``: a relation, then the name, then what the person did
        regex.compile(rf"\b(?i:{RELATIONS})\s({WORD_NAME})(?=\s(?i:{REPORTS})\b)"),
        # ``MAY CALLED @ NOON``, ``Hope aware of plan``: opening a clause, before what the person did
        regex.compile(
            rf"(?:^|[.;:!?,-])[ \t]{{0,3}}{NO_ROLE}({WORD_NAME})(?=\s(?i:{REPORTS})\b)",
            regex.MULTILINE,
        ),
        # ``spoke w/ faith by phone``
        regex.compile(
            rf"\b(?i:spoke\s(?:w/|with))\s{NO_ROLE}({WORD_NAME})(?=\s(?i:by|on\sthe)\sphone\b)"
        ),
    ]

    def is_value(self, value: str) -> bool:
        """A known first name, word or not, but for a verb's inflection that is no noun (``the mother said.``;
        ``daughter rose.`` stays)."""
        word = value.lower()
        return word in first_names() and not (is_inflected_verb(word) and not base_forms(word, "noun"))


class SignOffRecognizer(ConstantsRecognizer):
    """A name closing a message or a line after a dash: ``Case closed. - James``, ``- R. Cranly``; in
    capitals only where it closes the note (``- LLOYD``: a line of capitals ends ``NEURO - MAE``)."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "dash sign-off (medium)",
            rf"(?<=[-–—\s])(?<=(?:^|\s)[-–—]\s?)(?:[A-Z]\.\s?)?{LOWER_OR_TITLE_NAME}(?:\s{CAPITALISED})?(?=[ \t]*$)",
            0.6,
        ),
        Pattern("dash sign-off in capitals (medium)", r"(?<=[-–—\s])(?<=(?:^|\s)[-–—]\s?)[A-Z]{2,}(?=\s*\Z)", 0.6),
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """The last word must be a name Faker's or Philter's lists know (``Mikolaj``)."""
        return is_cued_name(pattern_text.split()[-1])
