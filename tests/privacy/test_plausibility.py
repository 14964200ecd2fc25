"""spaCy's guesses in clinical text: the plausibility filter keeps names and dates, drops shorthand."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from dapt.privacy.plausibility import SPACY, is_common_noun_here, is_plausible, trimmed

ALLOWED = frozenset({"lasix", "foley", "blue cross blue shield"})

# fmt: off
CASES = [
    ("PERSON",       "Johannes Varvio",       True),   # a name
    ("PERSON",       "Johnson",               True),   # common, yet a surname spaCy saw in context
    ("PERSON",       "abd soft",              False),  # shorthand
    ("PERSON",       "foley draining",        False),  # allow-listed eponym inside
    ("PERSON",       "k 4.9",                 False),  # a lab value
    ("PERSON",       "My",                    False),  # an everyday word
    ("PERSON",       "Madam",                 False),  # a salutation
    ("PERSON",       "SEROSANG",              False),  # shorthand cut from a listed word (serosanguinous)
    ("PERSON",       "Goldberg",              True),   # common in English, so no shorthand
    ("ORGANIZATION", "BID",                   False),  # an abbreviation
    ("ORGANIZATION", "EMERGENCY DEPARTMENT",  False),  # a header
    ("ORGANIZATION", "ketorolac",             False),  # a drug
    ("ORGANIZATION", "Blue Cross Blue Shield", False), # allow-listed phrase
    ("ORGANIZATION", "Palantir Technologies", True),   # a company
    ("LOCATION",     "MD",                    False),  # a credential read as Maryland
    ("LOCATION",     "Charleroi",             True),
    ("NRP",          "Slovenian",             True),
    ("NRP",          "Caucasian",             False),  # race or ethnicity: no identifier
    ("NRP",          "Hispanic",              False),
    ("NRP",          "African American",      False),
    ("NRP",          "gabapentin",            False),  # a drug
    ("NRP",          "Tympanic",              False),  # a word capitalised by its sentence, no people
    ("NRP",          "Allis",                 False),  # an instrument named after its maker
    ("NRP",          "Lexiscan",              False),  # a brand
    ("NRP",          "Mexican",               True),   # a people from a country's name (Mexico)
    ("NRP",          "paraguayans",           True),   # lower case, as a note may write it
    ("NRP",          "Danish",                True),   # from a language's name
    ("NRP",          "Filipino",              True),   # spelled from neither
    ("NRP",          "Baptist",               True),   # a religious group
    ("NRP",          "shiis",                 True),
    ("NRP",          "American",              True),   # an everyday word, yet a people
    ("DATE_TIME",    "1-2 weeks",             False),  # a duration
    ("DATE_TIME",    "day 5",                 False),  # a hospital day
    ("DATE_TIME",    "0700-1900",             False),  # a nursing shift
    ("DATE_TIME",    "1990-1995",             True),   # years, not a clock
    ("PERSON",       "Afebrile",              False),  # vocabulary that names no one
    ("PERSON",       "Mary",                  True),   # a word, but a known name
    ("DATE_TIME",    "nitroglycerin 0.4",     False),  # a dose
    ("DATE_TIME",    "March 3",               True),
    ("DATE_TIME",    "1977",                  True),   # a year: kept, the date shift keeps it too
    ("DATE_TIME",    "tuesday",               False),  # a weekday alone dates nothing
    ("DATE_TIME",    "on WEDNESDAY morning",  False),
    ("DATE_TIME",    "Monday 3/4",            True),   # with its day and month
    ("LOCATION",     "Zonegran",              False),  # a drug brand Philter lists, unseen in English
    ("ORGANIZATION", "Telfa",                 False),  # a dressing
    ("ORGANIZATION", "the Esmarch",           False),  # a bandage, with its article
    ("NRP",          "Proctosigmoiditis",     False),  # a finding
    ("LOCATION",     "Recife",                False),  # a word Philter lists, with no ``in`` before it (see below); Charleroi is none
    ("ORGANIZATION", "Nijmegen",              True),
    ("ORGANIZATION", "Cardiology",            False),  # a specialty
    ("LOCATION",     "Anesthesia",            False),  # placed by Anesthesia: a service
    ("ORGANIZATION", "InterStim",             False),  # a capital inside the word: a brand
    ("LOCATION",     "DuraGen",               False),
    ("ORGANIZATION", "IgG",                   False),  # an antibody class
    ("ORGANIZATION", "the OsteoMed Screw Fixation System", False),
    ("PERSON",       "McDevitt",              True),   # after a particle: a surname
    ("PERSON",       "DeShawn Tate",          True),
    ("PERSON",       "JoAnn",                 True),   # a known name written so
    ("ORGANIZATION", "the Intensive Care Unit", False),  # a ward named by its trade
    ("ORGANIZATION", "Orthopedic Clinic",     False),
    ("ORGANIZATION", "Mayo Clinic",           True),   # named by a name
    ("ORGANIZATION", "Clinic",                False),  # a unit's noun alone
    ("ORGANIZATION", "Medical Center's",      False),  # a facility's possessive, no name
    ("ORGANIZATION", "Children's",            True),   # a common word's possessive may name a hospital
    ("ORGANIZATION", "Chemical Abstracts Service", True),  # a firm: services are not wards
    ("ORGANIZATION", "the Hospitalist Service", False),  # a specialty's service is a ward
    ("ORGANIZATION", "the Pediatric Surgery Service", False),
    ("ORGANIZATION", "the General Surgery Service", False),  # general: a grade of care, though a surname
    ("ORGANIZATION", "General Medical Floor",  False),
    ("ORGANIZATION", "General Motors",         True),   # no unit's noun: a firm
    ("ORGANIZATION", "Adult Protective Services", True),   # no specialty names it
    ("ORGANIZATION", "Newborn Nursery",       False),
    ("ORGANIZATION", "Cleveland Clinic",      True),   # named by a place
    ("ORGANIZATION", "the Department of Anesthesia", False),  # a department named by its trade
    ("ORGANIZATION", "Division of Cardiology", False),
    ("ORGANIZATION", "the Endoscopy Suite",   False),
    ("ORGANIZATION", "the Cardiac Catheterization Laboratory", False),
    ("ORGANIZATION", "Washington State Department of Labor", True),  # named by a place
    ("ORGANIZATION", "California Verbal Learning Test", False),  # a test named by its place
    ("PERSON",       "Mattis Dementia Rating Scale", False),
    ("ORGANIZATION", "Beck Depression Inventory-II", False),
    ("ORGANIZATION", "Scale Unlimited",       True),   # a firm: the word goes on
    ("PERSON",       "Neo wean",              False),  # a word of vocabulary in lower case: shorthand
    ("PERSON",       "hall w/ PT",            False),
    ("PERSON",       "Catherine brown",       True),   # a surname that is a word, as the case-restored view writes it
    ("PERSON",       "Ludwig van Beethoven",  True),   # a particle
    ("PERSON",       "Abdullah bin Hamad",    True),
    ("ORGANIZATION", "Resp'y;Desat",          False),  # shorthand joined by a semicolon
    ("PERSON",       "sullivan",              True),   # lower case: a surname and no word
    ("ORGANIZATION", "mae",                   False),  # lower case: a firm of shorthand that is also a name
    ("ORGANIZATION", "Covering MD",           False),  # a role
    ("PERSON",       "Kowalczyk MD",          True),   # a doctor
    ("PERSON",       "sandra",                True),   # a person of a name Philter lists as a word
    ("ORGANIZATION", "Temodar",               False),  # a drug the package knows
    ("LOCATION",     "Diastat",               False),
    ("ORGANIZATION", "Toprol-XL",             False),  # by its whole name
    ("LOCATION",     "Lodine",                True),   # a drug that is also a town
    ("ORGANIZATION", "Nasacort AQ",           False),  # by its first word, shorthand after it
    ("PERSON",       "Allegra",               True),   # a drug that is also a first name
    ("PERSON",       "Angelica",              True),
    ("PERSON",       "Temodar Smith",         True),   # a surname after it
]
# fmt: on


@pytest.mark.parametrize("entity_type, value, expected", CASES)
def test_when_spacy_guesses_then_only_plausible_personal_data_is_kept(entity_type: str, value: str, expected: bool) -> None:
    text = f"note: {value} ."
    result = RecognizerResult(entity_type, 6, 6 + len(value), 0.85, recognition_metadata={"recognizer_name": SPACY})
    assert is_plausible(result, text, ALLOWED) is expected


def found(text: str, value: str, entity_type: str, recognizer: str) -> RecognizerResult:
    """The recognizer's finding of ``value`` (its first occurrence) in ``text``."""
    start = text.index(value)
    return RecognizerResult(entity_type, start, start + len(value), 0.85, recognition_metadata={"recognizer_name": recognizer})


# fmt: off
EPONYM_CASES = [
    ("Positive Murphy sign on exam.",       "Murphy", False),  # a sign
    ("Weber and Rinne tests normal.",       "Rinne",  False),  # tests in the plural
    ("Positive Murphy's sign.",             "Murphy", False),
    ("Apgar score 9 at five minutes.",      "Apgar",  False),
    ("History of Hodgkin disease.",         "Hodgkin", False),
    ("Dr. Murphy test results reviewed.",   "Murphy", True),   # a title: the doctor
    ("Mr. Murphy signed the consent.",      "Murphy", True),   # "signed" is not a sign
    ("Murphy reports less pain.",           "Murphy", True),
    ("Taken with the Kerrison rongeur.",    "Kerrison", False),  # an instrument
    ("Scarpa's fascia was divided.",        "Scarpa", False),  # a structure
    ("Bidirectional Glenn shunt, patent.",  "Glenn",  False),
    ("Kelly came in with the clamps.",      "Kelly",  True),   # a name, then a verb
    ("Hickman site clean and dry.",         "Hickman", False),  # a line
    ("LINES: HICKMAN R CHEST, FLUSHED.",    "HICKMAN R", False),  # a side, not an initial
    ("Swan L IJ placed @ 0400.",            "Swan",   False),
    ("along the white line of Toldt.",      "Toldt",  False),  # a part of the body named after someone
    ("at the foramen of Munro.",            "Munro",  False),
    ("aneurysm of the circle of Willis.",   "Willis", False),
    ("the daughter of Willis called.",      "Willis", True),   # a relation, not a part of the body
    ("Hickman R. visited the pt today.",    "Hickman R.", True),  # a name with an initial
    ("Dressed with saline-soaked Owen silk.", "Owen", False),  # what an operation uses
    ("The Mayfield headrest was applied.",  "Mayfield", False),
    ("Bone was removed with Kerrison punch.", "Kerrison", False),
    ("John punches the wall when upset.",   "John",   True),   # a verb, not an instrument
]
# fmt: on


@pytest.mark.parametrize("text, value, expected", EPONYM_CASES)
@pytest.mark.parametrize("recognizer", [SPACY, "GazetteerNameRecognizer"])
def test_when_a_name_names_a_sign_or_disease_then_it_is_not_a_person(text: str, value: str, expected: bool, recognizer: str) -> None:
    assert is_plausible(found(text, value, "PERSON", recognizer), text, ALLOWED) is expected


# fmt: off
GROUP_CASES = [
    ("Brought in by EMS from Wendyland today.",  "Wendyland", True),   # a town spaCy took for a people
    ("The lesion was grasped with Allis.",       "Allis",     False),  # an instrument
    ("Tympanic membranes are clear.",            "Tympanic",  False),  # a word opening its sentence
    ("A 58-year-old Samoan woman.",              "Samoan",    True),
    ("Dilated to a size 16 French dilator.",     "French",    False),  # a catheter size
    ("Zoolander is a 2017 French film.",         "French",    True),   # a year, not a size
    ("An #8.5 French venous sheath.",            "French",    False),
    ("A round French 10 JP drain.",              "French",    False),  # the size after the unit
    ("Using a 7-French sheath.",                 "7-French",  False),
    ("Speaks French at home.",                   "French",    True),
    ("Zoolander is a 2017 Polish film.",         "Polish",    True),   # a year, not a size
    ("A 51-year-old Native American male.",      "Native American", False),  # race: no identifier
    ("Started on a statin.",                     "statin",    False),  # a drug
]
# fmt: on


@pytest.mark.parametrize("text, value, expected", GROUP_CASES)
def test_when_spacy_finds_a_people_then_the_word_or_a_place_before_it_must_say_so(text: str, value: str, expected: bool) -> None:
    assert is_plausible(found(text, value, "NRP", SPACY), text, ALLOWED) is expected


# fmt: off
THING_CASES = [
    ("The Harmonic scalpel was used.",        "Harmonic", "ORGANIZATION", False),  # a name before a noun: a device
    ("Positioned prone on the Jackson table.", "Jackson", "PERSON",       False),
    ("Two Robinson catheters were placed.",   "Robinson", "PERSON",       False),  # a plural noun
    ("A #14 French Foley was placed.",        "French Foley", "PERSON",   False),  # a catheter size
    ("Flows by the Fick technique.",          "Fick",     "PERSON",       False),
    ("foley draining 30cc/hr amber urine.",   "amber",    "PERSON",       False),  # a colour, in lower case
    ("Smith reports less pain.",              "Smith",    "PERSON",       True),   # a verb, no plural noun
    ("Smith states she is tired.",            "Smith",    "PERSON",       True),
    ("Met the Smith family at noon.",         "Smith",    "PERSON",       True),   # a person's own
    ("wife Mary daughter Sue at bedside",     "Mary",     "PERSON",       True),
    ("Scott had given Belle his address.",    "Belle",    "PERSON",       True),   # a word of grammar
    ("Re: Carolyn hill, MRN 7720492",         "Carolyn",  "PERSON",       True),   # a surname that is a noun too
    ("Dr. Jackson table rounds at noon.",     "Jackson",  "PERSON",       True),   # a title: the doctor
    ("Smith female, 54, admitted.",           "Smith",    "PERSON",       True),   # an adjective too
    ("Seen by Olympus today.",                "Olympus",  "ORGANIZATION", True),   # an adverb too
    ("removed using the Richards essential shaver.", "Richards", "PERSON",   False),  # article, adjective, noun
    ("The Asahi soft wire was removed.",      "Asahi",    "ORGANIZATION", False),
    ("The Olympus videoscope was inserted.",  "Olympus",  "ORGANIZATION", False),  # a compound no lexicon knows
    ("Unlike the Jensen novel, it is short.", "Jensen",   "PERSON",       True),   # what a person wrote
    ("spoke to the Smith attending today",    "Smith",    "PERSON",       True),   # an adjective is no article's noun
    ("He was placed on a Jamar dynamometer.", "Jamar",    "LOCATION",     False),  # a place no gazetteer knows
    ("The Tuohy needle was removed.",         "Tuohy",    "LOCATION",     False),
    ("living in the Longmont area now",       "Longmont", "LOCATION",     True),   # a place led to
    ("He lives near the Wandafort mall",      "Wandafort", "LOCATION",    True),
    ("the Wandafort area is far",             "Wandafort", "LOCATION",    True),   # an area
    ("Screening for Dover pavilion today",    "Dover",    "LOCATION",     True),   # no article
    ("Right atrial lead, manufacturer Guidant, model #4470", "Guidant", "LOCATION", False),  # a device's maker
    ("a stent manufactured by Boston Scientific", "Boston Scientific", "ORGANIZATION", False),
    ("The diagnosis was made by Mary Smith.",  "Mary Smith", "PERSON",    True),   # made by: a person may make it
    ("The daughter, Mary Smith, made tea.",    "Mary Smith", "PERSON",    True),
]
# fmt: on


@pytest.mark.parametrize("text, value, entity_type, expected", THING_CASES)
@pytest.mark.parametrize("recognizer", [SPACY, "GazetteerNameRecognizer"])
def test_when_a_name_stands_before_a_noun_then_it_names_a_thing(
    text: str, value: str, entity_type: str, expected: bool, recognizer: str
) -> None:
    assert is_plausible(found(text, value, entity_type, recognizer), text, ALLOWED) is expected


# fmt: off
FRAMED_CASES = [
    ("3. Armour Thyroid 90 mg p.o. daily.",  "Armour Thyroid", "PERSON",       False),  # a dose: a drug
    ("Klor-Con 20 mEq p.o. b.i.d.",          "Klor-Con",       "ORGANIZATION", False),
    ("Premarin p.o. q.o.d.",                 "Premarin",       "LOCATION",     False),  # a route
    ("Kelly 45 years old, seen today.",      "Kelly",          "PERSON",       True),   # an age is no dose
    ("Seen with Kelly 2/3 of the time.",     "Kelly",          "PERSON",       True),
    ("incision with a #15 Bard-Parker.",     "Bard-Parker",    "ORGANIZATION", False),  # a size: an instrument
    ("An 18-gauge Tuohy needle was",         "Tuohy",          "LOCATION",     False),
    ("through a 0.014-inch Asahi wire",      "Asahi",          "ORGANIZATION", False),
    ("placed a 12 mm Hasson trocar",         "Hasson",         "PERSON",       False),
    ("closed with #4-0 Lembert, Nurolon",    "Lembert",        "PERSON",       False),  # a suture
    ("transected with 0 Polysorb with good", "Polysorb",       "PERSON",       False),
    ("scored 10 Kelly said",                 "Kelly",          "PERSON",       True),   # no suture size
    ("In contrast, Deutsch et al. (1989)",   "Deutsch",        "PERSON",       False),  # an author cited
    ("born in 1982 in Haiti.",               "Haiti",          "LOCATION",     True),   # a year is no size
    ("Ward 12 Kelly said",                   "Kelly",          "PERSON",       True),
    ("Levo @ .08 mcg/kg/min, MAP 65",        "Levo",           "LOCATION",     False),  # a rate
    ("Neo gtt weaned off @ 0300.",           "Neo",            "PERSON",       False),  # a drip
    ("Kelly at 3 pm visited",                "Kelly",          "PERSON",       True),
    ("Resp: LS clear. Lumbar: not tender",   "Lumbar",         "LOCATION",     False),  # a section of the note
    ("CV: NSR.\nINTEG: SKIN INTACT",         "INTEG",          "PERSON",       False),  # shorthand cut short
    ("CV: NSR.\nInteg:  sacrum intact",      "Integ:  ",       "PERSON",       False),  # the colon inside
    ("CV: stable.\nCardiac: warm and dry",   "Cardiac",        "ORGANIZATION", False),
    ("Called back. Mary: spoke to her",      "Mary",           "PERSON",       True),   # a known name
    ('said so. Koppány: "Who are you?"',     "Koppány",        "PERSON",       True),   # a speaker
    ("the firm Acme: a new plan",            "Acme",           "ORGANIZATION", True),   # no sentence starts there
    ("tented up with a Babcock and",         "Babcock",        "PERSON",       False),  # counted: a clamp
    ("placed in an Endobag and removed",     "Endobag",        "ORGANIZATION", False),
    ("then placed. A Kerrison was used",     "Kerrison",       "ORGANIZATION", False),  # a sentence's article
    ("the field. An Allis was used to",      "Allis",          "PERSON",       False),
    ("family in. An Nguyen called",          "An Nguyen",      "PERSON",       True),   # An is a first name here
    ("grasped with a curved Allis and",      "Allis",          "PERSON",       False),  # an adjective between
    ("Two straight Ochsner's were placed",   "Ochsner",        "PERSON",       False),  # a number
    ("visited by a friend Mary today",       "Mary",           "PERSON",       True),   # a relation between
    ("has two sons Tom and",                 "Tom",            "PERSON",       True),
    ("seen by A Smith at noon",              "Smith",          "PERSON",       True),   # an initial, no article
    ("wife Mary called",                     "Mary",           "PERSON",       True),
    ("allograft at C5-C6, fused",            "C5",             "US_DRIVER_LICENSE", False),  # too short for a licence
    ("licence B1234567 on file",             "B1234567",       "US_DRIVER_LICENSE", True),
    ("sodium bicarbonate, Lovaza, and Dialyvite.", "Dialyvite", "PERSON",     False),  # listed after a drug
    ("His only medications are Ziac and Remeron.", "Ziac",     "ORGANIZATION", False),  # listed before one
    ("Lipitor, Pulmicort, Allegra, Xopenex",  "Allegra",       "ORGANIZATION", False),  # a name among drugs is one
    ("Lasix given, Mary at bedside",          "Mary",          "PERSON",       True),   # no list: a new clause
    ("seen by Allegra and Mary today",        "Mary",          "PERSON",       True),   # a drug that is a name
    ("wife, Mary and son called",             "Mary",          "PERSON",       True),   # listed with no drug
    ("wrapped with 4x4s in sterile Webril.",  "Webril",        "PERSON",       False),  # an adjective before
    ("flow through the right Glenn, a good",  "Glenn",         "PERSON",       False),
    ("Patient advised Gregory's mother",      "Gregory",       "ORGANIZATION", True),   # a verb's inflection
    ("afebrile, noted Samuel slept well",     "Samuel",        "PERSON",       True),
    ("lives alone in new Bedford, CT",        "Bedford",       "PERSON",       True),   # a town's first word
    ("Seen after Colonoscopy, normal.",       "Colonoscopy",   "ORGANIZATION", True),   # a word of grammar
    ("amounts of fluff and Kling, stockinette, and", "Kling",  "PERSON",       False),  # listed with things
    ("Owen silk, 4x4s, Kling, Kerlix, and Coban", "Kling",     "PERSON",       False),  # counted dressings
    ("Adaptic, 4x4s, ABDs, and Webril were",  "Webril",        "PERSON",       False),
    ("lives at 32 Montgomery avenue, Chelsea. Plan", "Chelsea", "LOCATION",    True),   # a street before its town
    ("seen in Modesto and followup is set",   "Modesto",       "LOCATION",     True),   # a place led to
    ("wife Mary, 45, and her son",            "Mary",          "PERSON",       True),   # a bare number
    ("daughter Sue and nephew at bedside",    "Sue",           "PERSON",       True),   # a relation listed
    ("He takes Allegra-D daily.",             "Allegra",       "ORGANIZATION", False),  # a code goes on
    ("used for an Austin-type osteotomy",     "Austin",        "LOCATION",     False),
    ("since the TIA-like event",              "TIA",           "ORGANIZATION", False),
    ("says Hauta-aho, smiling",               "Hauta",         "PERSON",       True),   # a double surname
    ("Mary Smith-Jones called",               "Smith",         "PERSON",       True),
    ("Miller, Fisher and Jones came",         "Miller",        "PERSON",       True),
]
# fmt: on


@pytest.mark.parametrize("text, value, entity_type, expected", FRAMED_CASES)
def test_when_a_dose_follows_or_a_size_or_section_frames_a_name_then_it_names_no_one(text: str, value: str, entity_type: str, expected: bool) -> None:
    assert is_plausible(found(text, value, entity_type, SPACY), text, ALLOWED) is expected


# fmt: off
ALLOW_LISTED_CASES = [
    ("Pt on 2L NC, sats 95%.",      "NC", "LOCATION", "SpacyRecognizer",    False),  # a nasal cannula
    ("niece lives in NC, flying",   "NC", "LOCATION", "HomeTownRecognizer", True),   # the cue says a state
    ("Dr. Foley reviewed the film", "Foley", "PERSON", "TitledNameRecognizer", True),
    ("Foley draining clear urine",  "Foley", "PERSON", "GazetteerNameRecognizer", False),
    ("answered. graves aware of plan", "graves", "PERSON", "CaredForNameRecognizer", True),  # Graves' disease allowed
]
# fmt: on


@pytest.mark.parametrize("text, value, entity_type, recognizer, expected", ALLOW_LISTED_CASES)
def test_when_a_cue_settles_the_type_then_an_allow_listed_word_is_kept(
    text: str, value: str, entity_type: str, recognizer: str, expected: bool
) -> None:
    assert is_plausible(found(text, value, entity_type, recognizer), text, ALLOWED | {"nc", "foley", "graves"}) is expected


# fmt: off
COMMON_NOUN_CASES = [
    ("Colonoscopy: normal. A colonoscopy was done.",        "Colonoscopy", "ORGANIZATION", False),  # also lower case
    ("Inflammatory Bowel Disease. no inflammatory bowel disease", "Inflammatory Bowel Disease", "ORGANIZATION", False),
    ("Seen after Colonoscopy, normal.",                     "Colonoscopy", "ORGANIZATION", True),   # no lower-case use
    ("Seen at Mercy. mercy was shown",                      "Mercy",       "ORGANIZATION", True),   # a known name
    ("Lumbar: tender. lumbar spine films",                  "Lumbar",      "LOCATION",     False),
    ("Cord was clamped and cut. cord blood sent",           "Cord",        "PERSON",       False),  # one word
    ("Cord was clamped and cut.",                           "Cord",        "PERSON",       True),   # no lower-case use
    ("Rose visited. Skin warm, rose colour",                "Rose",        "PERSON",       False),
    ("spoke to sandra, aware of plan",                      "sandra",      "PERSON",       True),   # itself lower-case
    ("Mercy Smith called. mercy was shown",                 "Mercy Smith", "PERSON",       True),   # two words
    ("Acute Inferior Myocardial Infarction. no myocardial damage", "Acute Inferior Myocardial Infarction",
     "ORGANIZATION", False),  # one word of several in lower case is enough
    ("I work for Chemical Abstracts Service",               "Chemical Abstracts Service", "ORGANIZATION", True),
]
# fmt: on


@pytest.mark.parametrize("text, value, entity_type, expected", COMMON_NOUN_CASES)
def test_when_the_note_also_writes_a_word_in_lower_case_then_spacy_finding_of_it_is_dropped(
    text: str, value: str, entity_type: str, expected: bool
) -> None:
    result = found(text, value, entity_type, SPACY)
    assert is_plausible(result, text, ALLOWED) is expected
    assert is_common_noun_here(result, text) is not expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Pediatric Urology Clinic", False),  # a ward named by its trade
        ("Atrial Fibrillation Clinic", False),
        ("Mayo Clinic", True),  # named by a name
        ("Shadyside Hospital", True),
    ],
)
def test_when_a_facility_is_named_by_its_trade_then_it_is_a_ward_not_a_place(value: str, expected: bool) -> None:
    text = f"seen in the {value} today"
    assert is_plausible(found(text, value, "HOSPITAL", "HospitalRecognizer"), text, ALLOWED) is expected


@pytest.mark.parametrize(
    "text, value, name",
    [
        ("Daughter Susan (617) is the contact", "Daughter Susan", "Susan"),
        ("seen: Pt John Doe today", "Pt John Doe", "John Doe"),
        ("Sonia Smith called", "Sonia Smith", "Sonia Smith"),  # a name that opens like a relation
        ("spoke w/ sandra by phone", "w/ sandra", "sandra"),
        ("admitted via EW w/ resp failure", "EW w/", "EW"),
        ("Integ - Turned q2h, intact", "Integ - Turned", "Turned"),  # a section of the note
        ("Mary - called at noon", "Mary - called", "Mary - called"),  # a name is no section
        ("aspirin, docusate, and Klor-Con. Chest", "Klor-Con", "Klor-Con"),  # a hyphen is no section
    ],
)
def test_when_spacy_takes_in_a_relation_or_w_slash_then_only_the_name_is_kept(text: str, value: str, name: str) -> None:
    result = trimmed(found(text, value, "PERSON" if "EW" not in value else "ORGANIZATION", SPACY), text)
    assert text[result.start : result.end] == name


@pytest.mark.parametrize(
    "text, value, expected",
    [
        ("RESP- Extubated @ 1930 to 6L NC", "1930", False),  # a time on the 24-hour clock
        ("PEG placed @0300, confirmed", "0300", False),
        ("born in 1930 in Ohio", "1930", True),  # a year
        ("seen @ March 3, 2019", "March 3, 2019", True),
    ],
)
def test_when_a_clock_time_follows_an_at_sign_then_it_is_no_date(text: str, value: str, expected: bool) -> None:
    assert is_plausible(found(text, value, "DATE_TIME", SPACY), text, ALLOWED) is expected


@pytest.mark.parametrize(
    "text, value, entity_type, recognizer, expected",
    [
        ("seen by Dr. X in clinic", "X", "PERSON", "TitledNameRecognizer", False),  # a removed name's stand-in
        ("seen at ABCD General Hospital today", "ABCD General Hospital", "HOSPITAL", "HospitalRecognizer", False),
        ("transferred from XYZ on Monday", "XYZ", "ORGANIZATION", SPACY, False),
        ("Dr. Xxxxx's note", "Xxxxx's", "PERSON", "TitledNameRecognizer", False),
        ("patient ID 12345 on file", "12345", "ID_NUMBER", "LongNumberRecognizer", False),
        ("seen by Dr. Xu in clinic", "Xu", "PERSON", "TitledNameRecognizer", True),  # a surname
        ("Mr. John X was seen", "John X", "PERSON", "TitledNameRecognizer", True),  # a name beside the stand-in
        ("transferred from XYZ Kowalski Hospital", "XYZ Kowalski Hospital", "HOSPITAL", "HospitalRecognizer", True),
        ("patient ID 12358 on file", "12358", "ID_NUMBER", "LongNumberRecognizer", True),
        ("will transfer back to FGH when stable", "FGH", "ORGANIZATION", "FacilityCueRecognizer", True),  # a hospital
    ],
)
def test_when_a_value_is_a_placeholder_then_it_names_no_one(
    text: str, value: str, entity_type: str, recognizer: str, expected: bool
) -> None:
    assert is_plausible(found(text, value, entity_type, recognizer), text, ALLOWED) is expected


@pytest.mark.parametrize(
    "text, value, expected",
    [
        ("Cont diuresis, ?echo tuesday.", "Cont", False),  # shorthand opening a sentence
        ("Oropharynx is clear. NECK: Supple.", "Oropharynx", False),
        ("He takes Percocet, Soma, and Valium.", "Soma", False),
        ("grandson lives in Recife now", "Recife", True),  # a place after ``in``
        ("lives with the parents in Lindsay, California and", "California", True),  # a state
    ],
)
def test_when_spacy_finds_a_place_of_one_word_of_vocabulary_then_a_preposition_must_lead_to_it(
    text: str, value: str, expected: bool
) -> None:
    assert is_plausible(found(text, value, "LOCATION", SPACY), text, ALLOWED) is expected
