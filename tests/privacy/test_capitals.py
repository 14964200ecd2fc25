"""Notes written in capitals: shorthand is not a name, a place or a URL; identifiers still are found."""

from __future__ import annotations

import pytest

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.privacy.detect import detect
from dapt.privacy.engine import analyzer_for
from dapt.privacy.recognizers.base import in_capitals_line
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
]

IDENTIFIERS = [
    ("PT SEEN TODAY, MRN: 4829301, CONT ON LEVO AS TOL.", "4829301"),
    ("PT IS A 93 YO MALE, NEO WEANED OVERNIGHT.",         "93"),
    ("CALL BACK AT 617-555-0134 WITH RESULTS OF CXR.",    "617-555-0134"),
]
# fmt: on


@pytest.mark.parametrize("line, expected", LINES)
def test_a_line_is_written_in_capitals_when_most_of_its_letters_are(line: str, expected: bool) -> None:
    text = "first line\n" + line + "\nlast line"
    assert in_capitals_line(text, text.index(line) + 3) is expected


def findings(text: str) -> list[str]:
    cfg = run_config("medical", None, {})
    analyzer = analyzer_for("medical", cfg.privacy.spacy_model)
    [(_, results)] = detect(analyzer, [Document("doc", text)], load_domain("medical").allow_list,
                            cfg.privacy.score_threshold)  # fmt: skip
    return [text[r.start : r.end] for r in results]


@pytest.mark.parametrize("note", SHORTHAND)
def test_shorthand_in_capitals_is_not_personal(note: str) -> None:
    assert findings(note) == []


@pytest.mark.parametrize("note, identifier", IDENTIFIERS)
def test_identifiers_in_capitals_are_still_found(note: str, identifier: str) -> None:
    assert identifier in findings(note)
