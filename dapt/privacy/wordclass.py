"""Which parts of speech an English word can take, from the WordNet base forms, exceptions and
suffix rules that spaCy's English lemmatizer ships (read from the default pipeline, whichever
``privacy.spacy_model`` a run uses): enough to tell a name used before a noun
(``Harmonic scalpel``, ``Jackson table``) from a name before a verb (``Smith reports``)."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import spacy

from dapt.config import DEFAULT_SPACY_MODEL

PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
TABLES = ("lemma_index", "lemma_exc", "lemma_rules")
SHORTEST_NOUN = 3  # ``his`` is no plural of ``hi``, nor ``was`` of ``wa`` (``does`` is ``do``, a verb)


class WordClass(NamedTuple):
    """One part of speech in the lemmatizer's tables."""

    base_forms: frozenset[str]
    exceptions: dict[str, list[str]]  # irregular forms: ``was`` → ``be``
    suffix_rules: list[tuple[str, str]]  # ``ies`` → ``y``


@cache
def word_classes() -> dict[str, WordClass]:
    """The lemmatizer's tables by part of speech, read once."""
    nlp = spacy.load(DEFAULT_SPACY_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "ner", "senter"])
    lookups = nlp.get_pipe("lemmatizer").lookups
    index, exceptions, rules = (lookups.get_table(name) for name in TABLES)
    return {
        pos: WordClass(frozenset(index[pos]), dict(exceptions[pos]), [tuple(rule) for rule in rules[pos]])
        for pos in PARTS_OF_SPEECH
    }


def base_forms(word: str, pos: str) -> set[str]:
    """The base forms ``word`` can be an inflection of as ``pos`` (itself where it is one)."""
    word_class = word_classes()[pos]
    index = word_class.base_forms
    found = {word} & index | set(word_class.exceptions.get(word, ()))
    for old, new in word_class.suffix_rules:
        base = word[: len(word) - len(old)] + new
        if word.endswith(old) and base in index and (pos != "noun" or len(base) >= SHORTEST_NOUN):
            found.add(base)
    return found


@cache
def is_only_noun(word: str) -> bool:
    """A lower-case word that reads only as a noun: a noun or its plural that is no adjective,
    adverb or inflected verb (``scalpel``, ``catheters``, ``table``; not ``female``, ``today``,
    ``reports``, ``was``). A verb's base form is let through: no third person says ``Smith table``."""
    if not base_forms(word, "noun") or base_forms(word, "adj") or base_forms(word, "adv"):
        return False
    return not is_inflected_verb(word)


def is_inflected_verb(word: str) -> bool:
    """A verb's inflection, not its base form: ``said``, ``curved``, ``reports``; not ``will`` nor ``scalpel``."""
    return not base_forms(word, "verb") <= {word}
