"""The evaluation's counterfactual check: the same texts with every gendered word and gendered
first name swapped for the other gender's (names drawn from the surrogate generator's lists), to
count the predictions that change with nothing but gender."""

from __future__ import annotations

import random
import re
from functools import cache

from dapt.privacy.operators.surrogate import gendered_first_names

_PAIRS = [("he", "she"), ("him", "her"), ("his", "her"), ("himself", "herself"), ("mr", "ms"), ("man", "woman"),
          ("men", "women"), ("male", "female"), ("boy", "girl"), ("husband", "wife"), ("father", "mother"),
          ("son", "daughter"), ("brother", "sister"), ("gentleman", "lady"), ("mrs", "mr")]  # fmt: skip
SWAPPED_WORDS = {**{b: a for a, b in _PAIRS}, **dict(_PAIRS)}  # "her" → "his", "mrs" → "mr"
WORD = re.compile(r"[A-Za-z]+")


@cache
def _names() -> tuple[frozenset[str], frozenset[str], list[str], list[str]]:
    female, male = gendered_first_names()
    return female, male, sorted(female), sorted(male)


def _cased_like(template: str, word: str) -> str:
    """``word`` in the case of ``template``: UPPER, Capitalised or lower."""
    if len(template) > 1 and template.isupper():
        return word.upper()
    return word.capitalize() if template[0].isupper() else word.lower()


def swap_gender(text: str, rng: random.Random) -> str:
    """``text`` with gendered words swapped and each capitalised first name that only one gender
    bears replaced by a name of the other gender (same case)."""
    female, male, female_names, male_names = _names()

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        lowered = word.lower()
        if lowered in SWAPPED_WORDS:
            return _cased_like(word, SWAPPED_WORDS[lowered])
        if word[0].isupper() and lowered in female:
            return _cased_like(word, rng.choice(male_names))
        if word[0].isupper() and lowered in male:
            return _cased_like(word, rng.choice(female_names))
        return word

    return WORD.sub(swap, text)
