"""The Presidio analyzer dapt detects with: spaCy from a PyPI package, Presidio's predefined
recognizers, and the domain's own.

Only spaCy's NER runs (and what it listens to): the tagger, parser and lemmatizer cost two thirds
of the time and no recognizer reads their output. Context words are matched against plain
lemmas (lower case, plural ``s`` dropped) instead of spaCy's.
"""

from __future__ import annotations

from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language
from spacy.tokens import Doc

from dapt.domains.base import load_domain
from dapt.privacy.plausibility import SPACY, is_plausible
from dapt.privacy.recognizers import generic_recognizers

LANGUAGE = "en"
NER = "ner"
# Presidio's phone recognizer parses every digit run with libphonenumber (a fifth of the time);
# dapt's NANP and international phone recognizers cover its formats.
SUPERSEDED = ("PhoneRecognizer",)


def plain_lemma(word: str) -> str:
    """A lemma good enough for context words: lower case, a plural ``s`` dropped."""
    lowered = word.lower()
    return lowered[:-1] if len(lowered) > 3 and lowered.endswith("s") and not lowered.endswith("ss") else lowered


class NerOnlyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine with plain lemmas (see ``plain_lemma``) in place of spaCy's."""

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        artifacts = super()._doc_to_nlp_artifact(doc, language)
        artifacts.lemmas = [plain_lemma(token.text) for token in doc]
        artifacts.keywords = NlpArtifacts.set_keywords(self, artifacts.lemmas, language)
        return artifacts


def ner_only(nlp: Language) -> None:
    """Disable every pipe except NER and the embedding layers it listens to."""
    needed = {NER} | {
        name for name, pipe in nlp.pipeline if NER in getattr(pipe, "listening_components", ())
    }
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in needed])


class PlausibleSpacyRecognizer(SpacyRecognizer):
    """spaCy's entities minus those that cannot be personal data here (see plausibility.py).

    Filtering inside the recognizer, before Presidio merges results, keeps a pattern finding
    ("thomas" after "dr.") that an implausible spaCy span around it ("thomas aware") would swallow.
    """

    def __init__(self, allowed: frozenset[str], supported_entities: list[str]) -> None:
        super().__init__(supported_entities=supported_entities, name=SPACY)
        self._allowed = allowed

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """spaCy's results that pass ``is_plausible``."""
        results = super().analyze(text, entities, nlp_artifacts)
        return [result for result in results if is_plausible(result, text, self._allowed)]


@cache
def nlp_engine(spacy_model: str) -> NlpEngine:
    """A spaCy NLP engine built from an installed package or folder (never downloaded)."""
    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": spacy_model}]}
    provided = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    engine = NerOnlyNlpEngine(models=configuration["models"], ner_model_configuration=provided.ner_model_configuration)
    engine.nlp = provided.nlp
    ner_only(engine.nlp[LANGUAGE])
    return engine


@cache
def analyzer_for(domain_name: str, spacy_model: str) -> AnalyzerEngine:
    """One analyzer per (domain, model) per process: loading spaCy costs seconds."""
    engine = nlp_engine(spacy_model)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    for name in (*SUPERSEDED, SPACY):
        registry.remove_recognizer(name)
    domain = load_domain(domain_name)
    allowed = frozenset(entry.lower() for entry in domain.allow_list)
    registry.add_recognizer(PlausibleSpacyRecognizer(allowed, engine.get_supported_entities()))
    present = {recognizer.name for recognizer in registry.recognizers}
    for recognizer in [*generic_recognizers(), *domain.recognizers()]:
        if recognizer.name not in present:
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=[LANGUAGE])
