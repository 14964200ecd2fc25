"""A case-restored view of text written in capitals, which detection reads instead of the text.

A third of ICU nursing notes are written in capitals (``PT TOL FEEDS. WIFE KAREN IN TO VISIT``).
There a capital is no sign of a proper noun: spaCy tags the shorthand as people and
organisations, and every capitalised-word rule fires. The view writes such text as a careful
writer would have: every word in lower case, except the words that can only be names, which get
their capital back (``pt tol feeds. wife Karen in to visit``). Detection then treats it like any
other note: lower-case cues (``wife``, ``dr.``) still find names that are also words.

A word is given a capital when it is not a word that is never a name (philter's list,
vocabulary.py) nor allow-listed, and it is a known first name, surname (Faker's and philter's
lists) or town, or a word rare in English (``BROCKTON``). A word
holding a digit (``A+OX3``, ``NC12``) is left as written: identifiers are matched as they stand.

Text is written in capitals line by line: a line whose letters are mostly capitals; when a whole
document is, every line of it, headers included. The view has the text's length, character for
character, so every offset found on it is an offset of the text.
"""

from __future__ import annotations

from collections.abc import Collection

import regex

from dapt.privacy.recognizers.base import RARE_ZIPF, english_zipf
from dapt.privacy.recognizers.names import known_names
from dapt.privacy.recognizers.places import places
from dapt.privacy.vocabulary import never_names, philter_names

TOKEN = regex.compile(r"[\p{L}\p{N}'’]+")
LINE = regex.compile(r"[^\n]+")
CAPITALS_SHARE = 0.8  # a line whose letters are at least this share capitals is written in capitals
CAPITALS_MIN_LETTERS = 12  # fewer letters than this cannot tell (a header, a name on its own line)
SHORTEST_UNKNOWN_NAME = 4  # an unknown word shorter than this is shorthand (``CX``, ``SBP``)


def in_capitals(text: str) -> bool:
    """Whether ``text`` has enough letters to tell and at least ``CAPITALS_SHARE`` are capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= CAPITALS_MIN_LETTERS and sum(c.isupper() for c in letters) >= CAPITALS_SHARE * len(letters)


def lower_in_place(word: str) -> str:
    """``word`` in lower case, leaving any letter whose lower case is longer (``İ``) as it is."""
    return "".join(lowered if len(lowered := char.lower()) == 1 else char for char in word)


def capitalised(word: str) -> str:
    """``KAREN`` → ``Karen``, ``O'BRIEN`` → ``O'Brien``, ``MARY'S`` → ``Mary's``."""
    lowered = lower_in_place(word)
    head = word[0] + lowered[1:]
    if len(word) > 3 and word[1] in "'’":
        return head[:2] + word[2] + head[3:]
    return head


def can_only_be_a_name(lowered: str, allowed: Collection[str]) -> bool:
    """A known name or town, or a word rare in English, that is not vocabulary (module docstring)."""
    stem = regex.sub(r"['’]s$", "", lowered)
    if stem in allowed or stem in never_names() or lowered in never_names():
        return False
    if stem in known_names() or stem in philter_names() or stem in places()[0]:
        return True
    return len(stem) >= SHORTEST_UNKNOWN_NAME and english_zipf(stem) < RARE_ZIPF


def restored_word(word: str, allowed: Collection[str]) -> str:
    """How a word written in capitals reads in the view."""
    if any(char.isdigit() for char in word):
        return word
    lowered = lower_in_place(word)
    return capitalised(word) if can_only_be_a_name(lowered, allowed) else lowered


def restored_line(line: str, allowed: Collection[str]) -> str:
    """``line`` with every word restored."""
    return TOKEN.sub(lambda match: restored_word(match.group(), allowed), line)


def case_restored(text: str, allowed: Collection[str]) -> str:
    """The view of ``text``: its lines written in capitals restored, the rest as it is; ``text``
    itself when no line is."""
    whole = in_capitals(text)
    if not whole and not any(c.isupper() for c in text):
        return text
    return LINE.sub(lambda m: restored_line(m.group(), allowed) if whole or in_capitals(m.group()) else m.group(), text)
