"""Clinical identifiers Presidio does not ship: MRNs, hospitals, ages over 89."""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import MedicalLicenseRecognizer

from dapt.privacy.recognizers import ConstantsRecognizer
from dapt.privacy.recognizers.base import (
    ABBREVIATION_LETTERS,
    COMMON_ZIPF,
    EVERYDAY_ZIPF,
    FUNCTION_WORD_ZIPF,
    POSSESSIVE,
    CodedRecognizer,
    english_zipf,
)
from dapt.privacy.recognizers.names import is_known_name, is_vocabulary
from dapt.privacy.recognizers.places import CARE_SETTINGS, FAITH_OR_PARTY, is_place
from dapt.privacy.vocabulary import never_names


class MrnRecognizer(ConstantsRecognizer):
    """Medical record number: a hospital-issued 5–10 digit id, written after ``MRN``/``MR#`` or
    near words such as "medical record"; bare digit runs only count with that context."""

    ENTITY = "MRN"
    PATTERNS = [
        Pattern("MRN (labelled)", r"(?=[A-Z]{0,2}\d)(?<=\b(?:MRN|MR#|MR\s?No\.?|Unit\s?No\.?|medical record(?: number| no\.?)?)[:#\s]{0,3})[A-Z]{0,2}\d{5,10}\b", 0.9),
        Pattern("MRN (weak)", r"\b\d{6,10}\b", 0.05),
    ]
    CONTEXT = ["mrn", "medical record", "record number", "chart", "mr#"]


class HealthPlanIdRecognizer(ConstantsRecognizer):
    """Health-plan, member and policy numbers: letters and digits after ``member ID``, ``policy no.``…"""

    ENTITY = "HEALTH_PLAN_ID"
    PATTERNS = [
        Pattern(
            "plan id (labelled)",
            r"(?<=[:#\s])(?<=\b(?:member(?: id| no\.?| number)?|policy(?: id| no\.?| number)?|subscriber(?: id)?|"
            r"health plan(?: id| no\.?)?|insurance(?: id| no\.?)|medicaid(?: id| no\.?)?|group(?: no\.?| number))[:#\s]{1,3})"
            r"[A-Z0-9][A-Z0-9-]{5,19}\b",
            0.85,
        )
    ]

    def validate_result(self, pattern_text: str) -> bool | None:
        """An id has digits; a word after "member" is not one."""
        return None if any(char.isdigit() for char in pattern_text) else False


NAME_WORD = regex.compile(r"\p{L}[\p{L}'’-]*|(?i:st|mt)\.")
MOST_NAME_WORDS = 5
# capitalised, only these stop a name (``New England Medical Center``; ``At Mercy Hospital``)
LINKING_WORDS = frozenset({"at", "to", "from", "in", "on", "for", "by", "with", "via", "the", "a", "an", "and", "of"})
NAME_STOPS = LINKING_WORDS | {"his", "her", "their", "our", "my", "your", "its", "this", "that"}  # ``His hospital``
NAME_REACH = 80  # characters before a facility word its name can start


class HospitalRecognizer(CodedRecognizer):
    """Named care facilities in any case: the words before Hospital, Medical Center, Nursing Home,
    Rehab Center… (``Holy Name Hospital``, ``golenia nursing center``), and ``St. Mary's``.

    The name is the run of up to ``MOST_NAME_WORDS`` words before the facility word, stopped by a
    function word (``sent to``, ``at the``: in lower case, words commoner than ``FUNCTION_WORD_ZIPF``;
    capitalised, ``LINKING_WORDS``); written in lower case it must hold a word that is no vocabulary
    (vocabulary.py), so ``cardiac rehab center`` and ``the nursing home`` name nothing."""

    ENTITY = "HOSPITAL"
    FACILITY = regex.compile(
        r"(?<=\p{L}[.'’]?\s)(?:hospital|medical cent(?:er|re)|clinic|health ?care cent(?:er|re)|health cent(?:er|re)|"
        r"care cent(?:er|re)|infirmary|health system|nursing (?:home|cent(?:er|re)|facility)|"
        r"nursing and rehab(?:ilitation)?(?: cent(?:er|re))?|rehab(?:ilitation)?(?: cent(?:er|re)| hospital)?|"
        r"pavilion|family practice)(?!\p{L})(?!\scourse\b)",  # ``BRIEF HOSPITAL COURSE:`` is a section of the note
        regex.IGNORECASE,
    )
    SAINTS = regex.compile(r"\b(?:st\.?|saint)\s\p{L}+['’]s(?!\p{L})", regex.IGNORECASE)
    # ``University Hospital of Watkinstown``, ``Medical Center of Central Georgia``
    NAMED_AFTER = regex.compile(
        r"\b(?:University\s)?(?:Hospital|Medical Cent(?:er|re)|Clinic|Infirmary)\sof\s(?:the\s)?\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+){0,2}"
    )
    SCORE = 0.6

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Every named facility and saint's hospital in ``text``."""
        spans = [match.span() for pattern in (self.SAINTS, self.NAMED_AFTER) for match in pattern.finditer(text)]
        for match in self.FACILITY.finditer(text):
            start = facility_name_start(text, match.start())
            if start is not None:
                spans.append((start, match.end()))
        outermost = [(s, e) for s, e in spans if not any(o <= s and e <= c and (o, c) != (s, e) for o, c in spans)]
        return [self.result(start, end, self.SCORE) for start, end in outermost]


def facility_name_start(text: str, facility_start: int) -> int | None:
    """Where the name before a facility word starts: the words back to a stop word, a break or a
    change of case (``sent to [jones] nursing home``, ``admitted via [ABCD] Hospital``); None when
    none of them names anything (``HOSPITAL COURSE`` after a line break, ``Questions regarding
    hospital``, ``his hospital``)."""
    before = text[max(0, facility_start - NAME_REACH) : facility_start]
    if not before.endswith(" "):
        return None  # a line break or a tab: the facility word opens a line, a header
    words: list[str] = []
    for word in reversed(before.rsplit("\n", 1)[-1].split(" ")[:-1]):  # a name is on one line
        if len(words) == MOST_NAME_WORDS or not NAME_WORD.fullmatch(word) or _ends_name(word, words):
            break
        words.insert(0, word)
    if not words or all(word.isupper() and len(word) <= ABBREVIATION_LETTERS for word in words):
        return None  # ``OSH hospital``: an abbreviation for the outside hospital
    lowered = [POSSESSIVE.sub("", word.lower()) for word in words]
    if not (words[0][:1].isupper() or any(word not in never_names() or is_devotional(word) for word in lowered)):
        return None
    if all(word in KINDS_OF_CARE_ONLY for word in lowered):
        return None  # ``Medical Center's Outpatient Rehabilitation``: a facility whose name was left out
    return facility_start - len(" ".join(words)) - 1


def _ends_name(word: str, name: list[str]) -> bool:
    """Whether ``word``, just before the ``name`` words found so far, is no part of it: a function
    word, or a change of case (a name is written capitalised or in lower case, not both; the kind
    of facility or care, ``general``, ``skilled``, goes with either: ``Garden Court skilled nursing facility``)."""
    if word[:1].isupper():
        return word.lower() in NAME_STOPS or any(w[:1].islower() and w.lower() not in KINDS_OF_FACILITY for w in name)
    return english_zipf(word) >= FUNCTION_WORD_ZIPF or any(w[:1].isupper() for w in name)


# a care unit, not a place: ``micu``, ``tsicu``, ``ccu``, ``csru``, ``pacu``
CARE_UNIT_WORD = r"\p{L}{0,3}(?:icu|ccu|cu|ru)"
# where a note sends a patient, or where one came from: ``transfer to BHH when bed avail``,
# ``old records requested from hfh``, ``f/u appt w/ dr. Cunningham at LDFP on 12/12``, ``82 yo F from nbm``
FACILITY_CUES = (
    r"transfer(?:red|ring)?\s(?:back\s)?(?:to|from)|return(?:ed)?\s(?:back\s)?to|sent\sto|requested\sfrom|"
    r"screening\sfor|presented\sto|(?:pt|patient)\swas\sat|admitted\s(?:[\w/-]+\s){0,2}from|"
    r"(?:[mf]|male|female|man|woman)\sfrom|"
    rf"appt\sw/\s[^;\n]{{1,40}}?\sat|dispo\s?[:;-]\s?|{CARE_UNIT_WORD}(?:-\p{{L}})?\sat"
)
# a facility's name ends where the sentence goes on: ``when``, ``w/``, ``on DATE``, ``vs home``, ``ED``, `` - ``
AFTER_FACILITY = r"(?=\s(?:(?i:when|with|on|for|vs|pta|ed|er|via|x\d)\b|(?i:w/)|\(|[-–]\s)|\s?[(.,;:]|\s*$)"
FACILITY_WORD = r"(?:(?i:st|mt)\.|\p{L}[\p{L}'’-]*)"
CUE_WORDS = LINKING_WORDS - {"of", "and", "the", "a", "an"}
CARE_UNIT = regex.compile(rf"(?i){CARE_UNIT_WORD}")
# the nouns that end a facility's name (``Wallace House``, ``Fox Medical Associates``)
FACILITY_NOUNS = frozenset(
    {"house", "manor", "rehab", "home", "center", "centre", "hospital", "general", "associates", "practice", "vna",
     "memorial", "clinic", "pavilion", "infirmary", "facility"}
)
# the words that say what kind of place a patient goes to, not which (``outside hospital``, ``skilled
# nursing facility``, ``acute rehab center``), besides function words (``my own home``)
KINDS_OF_CARE = CARE_SETTINGS | frozenset(
    {"hospital", "center", "centre", "home", "rehab", "rehabilitation", "clinic", "facility", "unit", "hospice",
     "outside", "local", "nearby", "community", "nursing", "acute", "subacute", "skilled", "psych", "psychiatric",
     "mental", "health", "medical", "care", "long", "term", "long-term", "assisted", "living", "adult", "day", "group",
     "private", "state", "county", "va", "veterans", "teaching", "own", "pt's", "patient's", "another", "other",
     "same", "different", "new", "previous", "prior", "former", "current", "nearest", "closest"}
)
KINDS_OF_FACILITY = FACILITY_NOUNS | KINDS_OF_CARE
# the words that say only what care a place gives, never whose or where it is (unlike ``county``, ``veterans``)
KINDS_OF_CARE_ONLY = frozenset(
    {"medical", "center", "centre", "hospital", "clinic", "health", "care", "nursing", "rehab", "rehabilitation",
     "outpatient", "inpatient", "acute", "subacute", "skilled"}
)
# hospitals are named for a faith as often as for a place or person (``holy cross``, ``sacred heart``, ``good
# samaritan``, ``our lady of lourdes``, ``beth israel``, ``baptist``): such a word says which place it is
DEVOTIONAL = regex.compile(r"holy|sacred|samaritan|shepherd|mercy|providence|lady|beth|saint", regex.IGNORECASE)
SHORTHAND_ZIPF = 3.1  # shorthand rarer than this in English may be a facility's initials in a transfer cue
LONGEST_INITIALS = 5  # a longer word of the vocabulary is a word, not initials (``returned to midline``)


def _is_name_not_function_word(word: str) -> bool:
    """A known name, even one that is a word (``Miller``, ``Fox``), but no everyday word (``my``)."""
    return is_known_name(word) and english_zipf(word.lower()) < EVERYDAY_ZIPF


def _names_someone(word: str) -> bool:
    """No vocabulary, a known name that is no common English word (``Keene``, ``Reynolds``; not
    ``weeks`` nor ``room``), or a known place."""
    uncommon_name = is_known_name(word) and english_zipf(word.lower()) < COMMON_ZIPF
    return not is_vocabulary(word) or uncommon_name or is_place(word)


def _ends_in_facility_noun(lowered: list[str]) -> bool:
    """A facility noun last, or before ``of`` (``Good Samaritan Hospital``, ``hospital of west mary``)."""
    return lowered[-1] in FACILITY_NOUNS or any(
        word in FACILITY_NOUNS and after == "of" for word, after in zip(lowered, lowered[1:])
    )


def _tells_which_place(word: str) -> bool:
    """A word of a facility's name that is neither a kind of care nor a function word (``samaritan``,
    ``good``; not ``outside``, ``nursing``, ``my``)."""
    return word not in KINDS_OF_CARE and english_zipf(word) < FUNCTION_WORD_ZIPF


def is_devotional(word: str) -> bool:
    """A word of faith that hospitals are named with: ``Holy``, ``Samaritan``, ``Baptist``."""
    return bool(DEVOTIONAL.fullmatch(word) or FAITH_OR_PARTY.fullmatch(word))


def is_facility_abbreviation(word: str) -> bool:
    """One word in a transfer cue that can name a facility: no vocabulary (``BHH``, ``LDFP``), or
    short shorthand rare in English that is no kind of care setting nor a care unit (``JMH``, ``trh``;
    not ``OSH``, ``snf``, ``micu``, ``midline``)."""
    lowered = word.lower()
    if len(lowered) < 2 or lowered in CARE_SETTINGS or CARE_UNIT.fullmatch(lowered):
        return False
    return not is_vocabulary(lowered) or (len(lowered) <= LONGEST_INITIALS and english_zipf(lowered) < SHORTHAND_ZIPF)


class FacilityCueRecognizer(CodedRecognizer):
    """A care facility named where a note transfers, sends or refers a patient, in any case, with
    or without a facility word: ``transfer to BHH when bed avail``, ``transferred from keene manor
    w/ chf``, ``old records requested from hfh (mr #…)``. The cue says a place follows; a name of
    vocabulary alone (``the floor``, ``rehab``, ``OSH``) or a care unit (``micu``) is no facility."""

    ENTITY = "HOSPITAL"
    CUE = regex.compile(rf"\b(?i:{FACILITY_CUES})(?:(?<=[:;-])|\b)\s{{0,2}}")  # not ``return tomorrow``
    NAME = regex.compile(
        rf"(?!(?i:the|a|an|his|her|their)\b|(?i:{FACILITY_CUES})){FACILITY_WORD}(?:\s{FACILITY_WORD}){{0,4}}?{AFTER_FACILITY}"
    )
    SCORE = 0.85

    def load(self) -> None:
        """Warm the gazetteers so the first document does not pay for them."""
        names_facility("Keene Manor")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """The facility after every cue, where one is named."""
        names = (self.NAME.match(text, cue.end()) for cue in self.CUE.finditer(text))
        return [self.result(*name.span(), self.SCORE) for name in names if name and names_facility(name.group())]


def names_facility(phrase: str) -> bool:
    """One word that can be a facility's initials (``BHH``, ``JMH``), or several of which one names
    someone or somewhere (``keene manor``) or, before a facility noun, says which place it is beyond
    a kind of care (``Good Samaritan Medical Center``, not ``outside hospital``); no cue inside."""
    words = [word.strip(".'’").removesuffix("'s") for word in phrase.split()]
    if any(word.lower() in CUE_WORDS for word in words):
        return False  # another cue inside: ``dispo: return to Carr Rehab``
    if any(is_devotional(word) for word in words):
        return True  # ``back to holy cross``, ``transferred to Mercy``
    if len(words) == 1:
        return is_facility_abbreviation(words[0])
    if words[-1].lower() in FACILITY_NOUNS and any(_is_name_not_function_word(word) for word in words[:-1]):
        return True  # ``Miller Rehab``, ``ford house``: a name that is also a word, then a facility noun
    lowered = [word.lower() for word in words]
    if _ends_in_facility_noun(lowered) and any(_tells_which_place(word) for word in lowered):
        return True  # ``GOOD SAMARITAN MEDICAL CENTER``, ``mercy hospital of west mary``: more than a kind of care
    return any(_names_someone(word) for word in words if len(word) > 1)


class AgeOver89Recognizer(ConstantsRecognizer):
    """Ages of 90 and above, which HIPAA Safe Harbor requires to be aggregated."""

    ENTITY = "AGE_OVER_89"
    AGE = r"(?:9\d|1[01]\d)"
    PATTERNS = [
        Pattern(
            "age over 89 (strong)",
            rf"(?<![\d.]){AGE}(?=\s*(?:-?\s*(?:y/?o|yo|y\.o\.|yrs?\.?\s?old|years?[\s-]old|year-old))(?!\p{{L}}))",
            0.85,
        ),
        Pattern("age over 89 after 'age' (strong)", rf"(?<=\b(?i:age|aged)[:\s]{{1,3}}){AGE}(?!\d)", 0.85),
        # 93F, 90M (not a temperature: 99F after tmax or temp; not technetium-99m, Tc99m)
        Pattern(
            "age over 89 before sex (medium)",
            rf"(?<![\d.\p{{L}}-])(?<!(?i:temp|tmax|t|to|of|febrile|spiked|technetium|tc)\s?){AGE}"
            rf"(?=\s?(?i:m|f|male|female)(?!\p{{L}}))",
            0.6,
        ),
    ]


def recognizers() -> list[EntityRecognizer]:
    """The medical domain's recognizers, Presidio's own clinical ones first."""
    return [
        MedicalLicenseRecognizer(),
        MrnRecognizer(),
        HealthPlanIdRecognizer(),
        HospitalRecognizer(),
        FacilityCueRecognizer(),
        AgeOver89Recognizer(),
    ]
