"""The Presidio analyzer dapt detects with: spaCy from a PyPI package, Presidio's predefined
recognizers, and the domain's own.

spaCy only tokenizes whole texts; its NER runs on the windows around cue words (focus.py), and
the tagger, parser and lemmatizer never run: no recognizer reads their output. Context words are
matched against plain lemmas (lower case, plural ``s`` dropped) instead of spaCy's. Nothing here
walks a whole text per detection (a chunk of a huge document holds 100,000 characters).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, NlpEngineProvider, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.privacy.focus import NER, focused_ner
from dapt.privacy.learned import LearnedRecognizer
from dapt.privacy.plausibility import SPACY, is_plausible, trimmed
from dapt.privacy.recognizers import generic_recognizers

LANGUAGE = "en"
# Presidio's phone recognizer parses every digit run with libphonenumber (a fifth of the time);
# dapt's NANP and international phone recognizers cover its formats. GuardedUrlRecognizer finds
# what Presidio's URL recognizer finds, five times faster.
SUPERSEDED = ("PhoneRecognizer", "UrlRecognizer", "DateRecognizer")  # dapt's guarded versions replace them


def plain_lemma(word: str) -> str:
    """A lemma good enough for context words: lower case, a plural ``s`` dropped."""
    lowered = word.lower()
    return lowered[:-1] if len(lowered) > 3 and lowered.endswith("s") and not lowered.endswith("ss") else lowered


def _ignoring_unmapped(loaded: SpacyNlpEngine) -> NerModelConfiguration:
    """Presidio's NER configuration for ``loaded``, told to drop the spaCy labels it maps to no
    entity (CARDINAL, MONEY ...): it would keep each one with a warning in the log."""
    configuration = loaded.ner_model_configuration
    labels = loaded.nlp[LANGUAGE].get_pipe(NER).labels
    unmapped = [label for label in labels if label not in configuration.model_to_presidio_entity_mapping]
    return configuration.model_copy(update={"labels_to_ignore": [*configuration.labels_to_ignore, *unmapped]})


class KeywordList(list[str]):
    """Presidio's keyword list with set membership. The context enhancer asks ``lemma in keywords``
    for every word around every detection: on a list that is a walk over the whole text each time.
    Under cProfile it cost a 2 MB document in 100,000-character chunks 5 of its 65 s, the same text
    as 597 notes 0.3 s."""

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__(words)
        self._members = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self._members


class IndexedNlpArtifacts(NlpArtifacts):
    """Presidio's artifacts with the keywords in a ``KeywordList``."""

    @staticmethod
    def set_keywords(nlp_engine: SpacyNlpEngine, lemmas: list[str], language: str) -> list[str]:
        return KeywordList(NlpArtifacts.set_keywords(nlp_engine, lemmas, language))


class FocusedNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine with focused NER (focus.py) and plain lemmas (``plain_lemma``)."""

    def __init__(self, loaded: SpacyNlpEngine, allowed: frozenset[str]) -> None:
        super().__init__(models=loaded.models, ner_model_configuration=_ignoring_unmapped(loaded))
        self.nlp = loaded.nlp
        self._allowed = allowed

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """The artifacts of one text."""
        [(_, artifacts)] = self.process_batch([text], language)
        return artifacts

    def process_batch(  # type: ignore[override]  # one process; texts only, no (text, context) tuples
        self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """(text, artifacts) for each text, in order."""
        strings = [str(text) for text in texts]
        for text, doc in zip(strings, focused_ner(self.nlp[language], strings, self._allowed, batch_size), strict=True):
            yield text, self._artifacts(doc, text, language)

    def _artifacts(self, doc: Doc, text: str, language: str) -> NlpArtifacts:
        """Presidio's artifacts of ``doc``, the tokens of ``text``; offsets and lemmas are read from a token
        array and the text, not from a ``Token`` object built for each token."""
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        offsets, lengths = (column.tolist() for column in doc.to_array([IDX, LENGTH]).T)
        lemmas = [plain_lemma(text[offset : offset + length]) for offset, length in zip(offsets, lengths)]
        return IndexedNlpArtifacts(
            entities=entities, tokens=doc, tokens_indices=offsets, lemmas=lemmas,
            nlp_engine=self, language=language, scores=scores,
        )  # fmt: skip


class IndexedContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's context-word enhancer, finding the token under a detection by bisection over
    the token offsets instead of a walk over every token (a fifth of the analysis of a long note)."""

    @staticmethod
    def _find_index_of_match_token(word: str, start: int, tokens: Doc, tokens_indices: Sequence[int]) -> int:
        """The first token that ends after ``start`` (as Presidio's walk finds it)."""
        index = max(bisect_right(tokens_indices, start) - 1, 0)
        if start >= tokens_indices[index] + len(tokens[index]):
            index += 1
        if index >= len(tokens):
            raise ValueError(f"no token at offset {start}")
        return index


class PlausibleSpacyRecognizer(SpacyRecognizer):
    """spaCy's entities minus those that cannot be personal data here (see plausibility.py).

    Filtering inside the recognizer, before Presidio merges results, keeps a pattern finding
    ("thomas" after "dr.") that an implausible spaCy span around it ("thomas aware") would swallow.
    """

    def __init__(self, allowed: frozenset[str], supported_entities: list[str]) -> None:
        super().__init__(supported_entities=supported_entities, name=SPACY)
        self._allowed = allowed

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """spaCy's results, ``trimmed`` of the shorthand at their edges, that pass ``is_plausible``."""
        results = [trimmed(result, text) for result in super().analyze(text, entities, nlp_artifacts)]
        return [result for result in results if is_plausible(result, text, self._allowed)]


@cache
def loaded_spacy(spacy_model: str) -> SpacyNlpEngine:
    """Presidio's spaCy engine on an installed package or folder (never downloaded), loaded once."""
    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": spacy_model}]}
    return NlpEngineProvider(nlp_configuration=configuration).create_engine()


@cache
def analyzer_for(domain_name: str, spacy_model: str, learned_detector: str | None = None) -> AnalyzerEngine:
    """One analyzer per (domain, model, learned detector) per process: loading spaCy costs seconds."""
    domain = load_domain(domain_name)
    allowed = domain.allowed_words
    engine = FocusedNlpEngine(loaded_spacy(spacy_model), allowed)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    for name in (*SUPERSEDED, SPACY):
        registry.remove_recognizer(name)
    registry.add_recognizer(PlausibleSpacyRecognizer(allowed, engine.get_supported_entities()))
    present = {recognizer.name for recognizer in registry.recognizers}
    for recognizer in [*generic_recognizers(), *domain.build_recognizers()]:
        if recognizer.name not in present:
            registry.add_recognizer(recognizer)
    if learned_detector:
        registry.add_recognizer(LearnedRecognizer(learned_detector))
    enhancer = IndexedContextEnhancer()
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=[LANGUAGE], context_aware_enhancer=enhancer)


def configured_analyzer(cfg: RunConfig) -> AnalyzerEngine:
    """The analyzer a run's settings ask for."""
    return analyzer_for(cfg.domain, cfg.privacy.spacy_model, cfg.privacy.learned_detector)
