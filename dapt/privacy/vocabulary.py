"""Words that are never names, and names, from a package: philter-lite's word lists.

Philter (UCSF, BSD-3-Clause; ``philter_lite/filters/set.toml``) ships 195,000 lower-case words
that its authors found are not personal names in clinical notes: English and clinical vocabulary
with shorthand and common misspellings (``tol``, ``neo``, ``levo``, ``perrla``, ``diuresed``), and
the names that are mostly words (``mary``, ``will``, ``hope``). A word on it can still be part of a
name where a cue says so (``Dr. Will``); alone, in capitals, it is vocabulary. Its first names
(97,000) and surnames (161,000) reach far beyond Faker's (``kowalski``, ``szczepaniak``).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import regex

PHILTER_SETS = ("philter_lite", "filters/set.toml")
QUOTED = regex.compile(r'"([^"]*)"')


@cache
def _philter_sets() -> str:
    package, path = PHILTER_SETS
    return files(package).joinpath(path).read_text(encoding="utf-8")


@cache
def philter_list(name: str) -> frozenset[str]:
    """One of philter's lists (``nonames``, ``firstnames``, ``lastnames``), lower-cased. Read by
    slicing its TOML array out of the 5.5 MB file: a full TOML parse takes 5 s, this 0.03 s."""
    text = _philter_sets()
    start = text.index(f"{name} = [")
    end = text.index("]", start)
    return frozenset(word for word in QUOTED.findall(text, start, end) if word)


def never_names() -> frozenset[str]:
    """Philter's words that are not names."""
    return philter_list("nonames")


@cache
def philter_names() -> frozenset[str]:
    """Philter's first names and surnames together."""
    return philter_list("firstnames") | philter_list("lastnames")
