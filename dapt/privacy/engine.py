"""The Presidio analyzer dapt detects with: spaCy from a PyPI package, Presidio's predefined
recognizers, and the domain's own."""

from __future__ import annotations

from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider

from dapt.domains.base import load_domain
from dapt.privacy.recognizers import generic_recognizers

LANGUAGE = "en"


@cache
def nlp_engine(spacy_model: str) -> NlpEngine:
    """A spaCy NLP engine built from an installed package or folder (never downloaded)."""
    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": spacy_model}]}
    return NlpEngineProvider(nlp_configuration=configuration).create_engine()


@cache
def analyzer_for(domain_name: str, spacy_model: str) -> AnalyzerEngine:
    """One analyzer per (domain, model) per process: loading spaCy costs seconds."""
    engine = nlp_engine(spacy_model)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    for recognizer in [*generic_recognizers(), *load_domain(domain_name).recognizers()]:
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=[LANGUAGE])
