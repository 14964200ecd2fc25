"""Words that are never names, and names, from a package: philter-lite's word lists.

Philter (UCSF, BSD-3-Clause; ``philter_lite/filters/set.toml``) ships 195,000 lower-case words
that its authors found are not personal names in clinical notes: English and clinical vocabulary
with shorthand and common misspellings (``tol``, ``neo``, ``levo``, ``perrla``, ``diuresed``), and
the names that are mostly words (``mary``, ``will``, ``hope``). A word on it can still be part of a
name where a cue says so (``Dr. Will``); alone, in capitals, it is vocabulary. Its first names
(97,000) and surnames (161,000) reach far beyond Faker's (``kowalski``, ``szczepaniak``).

Drug names come from drug-named-entity-recognition (MIT; DrugBank's open data, CC0, and MeSH): 107,000
brand and generic names and their variants (``temodar``, ``diastat``, ``klor-con``, ``indigo carmine``).
"""

from __future__ import annotations

import bisect
import bz2
import pickle
from functools import cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

import regex

PHILTER_SETS = ("philter_lite", "filters/set.toml")
DRUG_NAMES = ("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
QUOTED = regex.compile(r'"([^"]*)"')


LISTS = ("nonames", "firstnames", "lastnames")


@cache
def philter_lists() -> dict[str, frozenset[str]]:
    """Philter's lists by name, lower-cased, read once. Each TOML array is sliced out of the 5.5 MB
    file (a full TOML parse takes 5 s, this 0.03 s); the file's text is not kept."""
    package, path = PHILTER_SETS
    text = files(package).joinpath(path).read_text(encoding="utf-8")
    lists = {}
    for name in LISTS:
        start = text.index(f"{name} = [")
        lists[name] = frozenset(word for word in QUOTED.findall(text, start, text.index("]", start)) if word)
    return lists


def never_names() -> frozenset[str]:
    """Philter's words that are not names."""
    return philter_lists()["nonames"]


@cache
def _sorted_never_names() -> list[str]:
    return sorted(never_names())


def shortens_a_word(word: str) -> bool:
    """Whether lower-case ``word`` is the opening of a longer word Philter lists as no name: clinical
    shorthand cut short (``integ``, ``resp``, ``cardio``)."""
    words = _sorted_never_names()
    index = bisect.bisect_right(words, word)  # past ``word`` itself: the next listed word is longer or other
    return index < len(words) and words[index].startswith(word)


@cache
def philter_names() -> frozenset[str]:
    """Philter's first names and surnames together."""
    return philter_lists()["firstnames"] | philter_lists()["lastnames"]


@cache
def drug_names() -> frozenset[str]:
    """Every drug name the package knows, lower case, read once (0.3 s). The file is read beside the
    package's module rather than through it: importing it also opens a cache in the user's home folder."""
    package, name = DRUG_NAMES
    spec = find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{package} is not installed: run `make install`")
    with bz2.open(Path(spec.origin).parent / name, "rb") as dictionary:
        return frozenset(pickle.load(dictionary)["drug_variant_to_canonical"])
