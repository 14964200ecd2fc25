"""Notes written in capitals: detection reads a case-restored view, so shorthand is not a name, a
place or a URL, names in capitals are found, and identifiers still are."""

from __future__ import annotations

import pytest

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.privacy.casing import case_restored, in_capitals, restored_word
from dapt.privacy.detect import detect
from dapt.privacy.engine import analyzer_for
from dapt.records import Document

# fmt: off
LINES = [
    ("PT TOL FEEDS WELL. CONT ON LEVO, NEO WEANED TO 0.5. MAE, FOLLOWS COMMANDS.", True),
    ("Pt tolerating feeds. Wife Mary at bedside.",                                False),
    ("CT CHEST",                                                                   False),  # too short to tell
    ("NEURO: A+OX3, PERRLA. RESP: LS CLEAR, O2 SAT 98% ON 2L NC.",                 True),
]

SHORTHAND = [
    "PT TOL FEEDS WELL. CONT ON LEVO, NEO WEANED TO 0.5. MAE, FOLLOWS COMMANDS. WILL CONT TO MONITOR.",
    "PLAN: CONT TO WEAN VENT AS TOL, FOLLOW UP CXR, NPO AFTER MN FOR PEG IN AM. TOL.NEO AT 1.2 MCG/KG/MIN.",
    "GU: FOLEY DRAINING CLEAR YELLOW URINE. SKIN: INTACT. SOCIAL: WIFE IN TO VISIT, UPDATED BY RN.",
    "TSICU NURSING NOTE 7P-7A. CSRU NPN: HICKMAN R CHEST, FLUSHED. HICKMAN SITE CLEAN.",  # units, a line
]

WORDS = [
    ("TOL",         "tol"),          # shorthand on philter's list of words that are never names
    ("LEVO",        "levo"),         # a drug, although a surname somewhere
    ("MAE",         "mae"),          # moves all extremities, although a first name
    ("WILL",        "will"),         # a name that is mostly a word
    ("FOLLOWS",     "follows"),      # English
    ("PERRLA",      "perrla"),       # clinical shorthand
    ("KAREN",       "Karen"),        # a first name that is no word
    ("KOWALSKI",    "Kowalski"),     # a surname only philter's list knows
    ("O'BRIEN",     "O'Brien"),      # the letter after O' keeps its capital
    ("ELIZABETH'S", "Elizabeth's"),  # a possessive name
    ("BROCKTON",    "Brockton"),     # a town no list knows, rare in English
    ("A+OX3",       "A+OX3"),        # holds a digit: left as written
    ("NC12",        "NC12"),         # an identifier shape keeps its case
    ("SBP",         "sbp"),          # a short word of shorthand
    ("BNPAFRPPXXX", "Bnpafrppxxx"),  # no word: a name as far as the view can tell (a known gap for SWIFT)
]

NAMES_IN_CAPITALS = [
    ("SOCIAL: WIFE KAREN IN TO VISIT, UPDATED ON PLAN OF CARE. CONT TO MONITOR.",  "KAREN"),
    ("NEURO: A+OX3, MAE. FAMILY UPDATED BY DR. KOWALSKI, WILL CONT TO MONITOR.",   "KOWALSKI"),
    ("PT RESTING COMFORTABLY, TOL FEEDS. SON JOHN CALLED, UPDATED. J. O'BRIEN RN", "O'BRIEN"),
    ("MARY SMITH IN TO VISIT, UPDATED ON PLAN. NEO WEANED TO 0.5, WILL CONT.",     "SMITH"),
]

IDENTIFIERS = [
    ("PT SEEN TODAY, MRN: 4829301, CONT ON LEVO AS TOL.", "4829301"),
    ("PT IS A 93 YO MALE, NEO WEANED OVERNIGHT.",         "93"),
    ("CALL BACK AT 617-555-0134 WITH RESULTS OF CXR.",    "617-555-0134"),
    ("PT'S HUSBAND CAN BE REACHED AT 555-8729. WIFE IN.",  "555-8729"),       # a local number ending a sentence
    ("COVERING MD (PAGER X3-0156) AWARE OF LOW UO.",       "X3-0156"),        # a pager extension
    ("PT LIVES ALONE IN NORWOOD, CT. FAMILY UPDATED.",     "NORWOOD, CT"),    # a town and its state
]
# fmt: on


@pytest.mark.parametrize("line, expected", LINES)
def test_when_most_letters_of_a_line_are_capitals_then_it_is_written_in_capitals(line: str, expected: bool) -> None:
    assert in_capitals(line) is expected


@pytest.mark.parametrize("word, restored", WORDS)
def test_when_a_word_is_written_in_capitals_then_only_a_name_keeps_a_capital(word: str, restored: str) -> None:
    assert restored_word(word, load_domain("medical").allowed_words) == restored


def test_when_one_line_is_in_capitals_then_only_that_line_is_restored_at_the_same_offsets() -> None:
    text = "Pt seen by Dr. Stone.\nWIFE KAREN IN TO VISIT, UPDATED.\nTol Feeds."
    view = case_restored(text, load_domain("medical").allowed_words)
    assert view == "Pt seen by Dr. Stone.\nwife Karen in to visit, updated.\nTol Feeds."
    assert len(view) == len(text) and view.lower() == text.lower()


def test_when_a_whole_note_is_in_capitals_then_its_short_lines_are_restored_too() -> None:
    text = "NEURO:\nA+OX3, MAE, FOLLOWS COMMANDS, PERRLA.\nDR. KOWALSKI"
    assert case_restored(text, load_domain("medical").allowed_words) == (
        "neuro:\na+OX3, mae, follows commands, perrla.\ndr. Kowalski"
    )


def findings(text: str) -> list[str]:
    cfg = run_config("medical", None, {})
    analyzer = analyzer_for("medical", cfg.privacy.spacy_model)
    [(_, results)] = detect(analyzer, [Document("doc", text)], load_domain("medical").allow_list,
                            cfg.privacy.score_threshold)  # fmt: skip
    return [text[r.start : r.end] for r in results]


@pytest.mark.parametrize("note", SHORTHAND)
def test_shorthand_in_capitals_is_not_personal(note: str) -> None:
    assert findings(note) == []


@pytest.mark.parametrize("note, name", NAMES_IN_CAPITALS)
def test_when_a_name_is_written_in_capitals_then_it_is_found(note: str, name: str) -> None:
    assert any(name in finding for finding in findings(note))


@pytest.mark.parametrize("note, identifier", IDENTIFIERS)
def test_identifiers_in_capitals_are_still_found(note: str, identifier: str) -> None:
    assert identifier in findings(note)
