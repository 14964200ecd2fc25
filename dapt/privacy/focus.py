"""Focused NER: spaCy's entity recogniser runs only where a name could be.

NER is most of the cost of detection, yet most words of a clinical or banking note are everyday
or professional vocabulary that no person, place or organisation name is made of. A *cue word*
is one that could be part of such a name:
- a capitalised word inside a sentence that is not among the commonest English words
  (``Houston``, ``Mercer``, ``United``, not ``The``);
- a word starting a sentence or written in capitals that a gazetteer knows or that English has
  never seen (``Arcuri``, ``FEYSVILLE``, not ``PREOPERATIVE``);
- a lower-case first name, surname or country that is rare in English (``kristensen``; not
  ``fascia``, a town somewhere).
Allow-listed words (eponyms, drugs, shorthand), titles (``Dr``), month and day names (the date
recognizers' work) and capitalised abbreviations of up to four letters (``HEENT`` is five) never
are: the plausibility check would drop what spaCy found in them.

NER runs on each cue word with ``WINDOW_CHARS`` of context either side (overlapping windows
merged). The small English model sees about four tokens either side of a word, so a window
finds what the whole text would; the entities are written back onto the whole document, whose
tokens the recognizers keep using for context words.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator
from functools import cache

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from dapt.privacy.plausibility import SALUTATIONS
from dapt.privacy.recognizers.base import ABBREVIATION_LETTERS, EVERYDAY_ZIPF, RARE_ZIPF, english_zipf
from dapt.privacy.recognizers.gazetteer import UNSEEN_ZIPF
from dapt.privacy.recognizers.names import known_names
from dapt.privacy.recognizers.places import places

WINDOW_CHARS = 40
NER = "ner"
WORD = regex.compile(r"(?<![\p{L}\d])\p{L}[\p{L}'’.-]*\p{L}")
SENTENCE_OPENERS = frozenset(".!?:;\n\r\"'(-*•")
OPENING_NAME_ZIPF = 5.2  # David 5.1 may open a sentence; Clear 5.3, Small 5.5 are surnames somewhere
NOT_CUES = SALUTATIONS | {name.lower() for name in (*calendar.month_name, *calendar.day_name) if name}


@cache
def gazetteer_words() -> frozenset[str]:
    """Known first names, surnames and countries of one word, lower-cased (towns are left out:
    Faker's town lists hold ``Fascia`` and ``Saline``)."""
    return known_names() | {country for country in places()[1] if " " not in country}


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text, a line, a sentence or a quotation."""
    position = start - 1
    while position >= 0 and text[position] in " \t":
        position -= 1
    return position < 0 or text[position] in SENTENCE_OPENERS


def is_cue_word(word: str, text: str, start: int, allowed: Collection[str]) -> bool:
    """Whether ``word`` (found at ``start`` in ``text``) could be part of a name (module docstring)."""
    lowered = word.lower()
    if lowered in allowed or lowered in NOT_CUES:
        return False
    zipf = english_zipf(lowered)
    if not word[0].isupper():
        return zipf < RARE_ZIPF and lowered in gazetteer_words()
    if word.isupper() and len(word) <= ABBREVIATION_LETTERS:
        return False
    if word.isupper() or starts_sentence(text, start):
        return zipf < UNSEEN_ZIPF or (zipf < OPENING_NAME_ZIPF and lowered in gazetteer_words())
    return zipf < EVERYDAY_ZIPF


def ner_windows(text: str, allowed: Collection[str], window_chars: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Character ranges around the cue words of ``text``, merged where they overlap."""
    windows: list[tuple[int, int]] = []
    for match in WORD.finditer(text):
        if not is_cue_word(match.group(), text, match.start(), allowed):
            continue
        start, end = max(0, match.start() - window_chars), min(len(text), match.end() + window_chars)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _window_spans(doc: Doc, text: str, allowed: Collection[str]) -> Iterator[Span]:
    """The windows of ``doc``, the tokens of ``text``, as token spans; two that expand onto a shared token
    become one."""
    spans = [doc.char_span(start, end, alignment_mode="expand") for start, end in ner_windows(text, allowed)]
    merged: list[tuple[int, int]] = []
    for span in spans:
        if span is None or not len(span):
            continue
        if merged and span.start < merged[-1][1]:
            merged[-1] = (merged[-1][0], span.end)
        else:
            merged.append((span.start, span.end))
    return (doc[start:end] for start, end in merged)


def focused_ner(nlp: Language, texts: list[str], allowed: Collection[str], batch_size: int) -> list[Doc]:
    """``texts`` tokenized, with the entities spaCy's NER finds in their cue-word windows. The windows are
    read from the texts themselves: ``Doc.text`` joins the tokens again at every call."""
    documents = [nlp.make_doc(text) for text in texts]
    windows = [(doc, span) for doc, text in zip(documents, texts) for span in _window_spans(doc, text, allowed)]
    found: dict[int, list[Span | None]] = {id(doc): [] for doc in documents}
    # Re-tokenizing a window's text costs a fifth of copying its tokens (``Span.as_doc``).
    tagged = nlp.get_pipe(NER).pipe((nlp.make_doc(span.text) for _, span in windows), batch_size=batch_size)
    for (doc, span), window in zip(windows, tagged, strict=True):
        offset = span.start_char
        found[id(doc)].extend(
            doc.char_span(offset + e.start_char, offset + e.end_char, label=e.label_, alignment_mode="expand")
            for e in window.ents
        )
    for doc in documents:
        doc.set_ents(filter_spans([span for span in found[id(doc)] if span is not None]), default="outside")
    return documents
