"""Mine WordPiece units the tokenizer lacks: merges of its pieces that save the most tokens.

A unit is a run of two or more consecutive pieces of a domain word, merged: ``cholecyst`` when it
starts a word, ``##ectomy`` (a continuation piece) inside one. Units are chosen one at a time by
the tokens they save on the mining text, re-cutting the words each choice can change, so a unit
shared by many words (``##ectomy``) competes fairly with one frequent word (``extremities``), and
it also shortens words the corpus never showed.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wordfreq import zipf_frequency

from dapt.config import VocabConfig
from dapt.privacy.recognizers.names import known_names

WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z-]*[A-Za-z](?![A-Za-z0-9])")  # no digits: ids are not words
PREFIX = "##"  # BERT's continuation prefix
MAX_WORD_CHARS = 100  # WordPiece's max_input_chars_per_word: a longer word is one [UNK]


@dataclass(frozen=True)
class MinedUnit:
    piece: str  # "cholecyst" starts a word, "##ectomy" continues one
    tokens_saved: int  # on the mining text, when it was chosen
    words: int  # distinct mining words it shortened


@dataclass
class WordCounts:
    """Lower-cased words (hyphenated ones split, as BERT splits them) of a set of documents."""

    frequency: Counter[str] = field(default_factory=Counter)
    documents: Counter[str] = field(default_factory=Counter)  # documents that use the word
    lower_documents: Counter[str] = field(default_factory=Counter)  # documents that write it in lower case


def outside_replacements(text: str, replaced: list[list[Any]]) -> str:
    """``text`` without its replaced spans: surrogates (``swalsh``, ``gmail``) are not domain words."""
    kept, position = [], 0
    for start, end, *_ in sorted(replaced):
        kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return " ".join(kept)


def count_words(texts: Iterable[str]) -> WordCounts:
    """How often, and in how many documents, each word of ``texts`` occurs."""
    counts = WordCounts()
    for text in texts:
        words = [part for word in WORD.findall(text) for part in word.split("-") if part]
        counts.frequency.update(word.lower() for word in words)
        counts.documents.update({word.lower() for word in words})
        counts.lower_documents.update({word for word in words if word.islower()})
    return counts


def domain_words(counts: WordCounts, cfg: VocabConfig, seeds: Iterable[str] = ()) -> Counter[str]:
    """The words units are mined from, with their frequencies.

    A word counts when ``cfg.min_documents`` documents use it, it is long enough and not common
    general English, and it is no name: a known first or last name counts only when that many
    documents write it in lower case (``supple``, not ``Walsh``). A seed always counts.
    """
    seed_set = {seed.lower() for seed in seeds}
    names = known_names()
    kept: Counter[str] = Counter()
    for word, frequency in counts.frequency.items():
        lower_case = counts.lower_documents[word] >= cfg.min_documents
        if word in seed_set or (
            counts.documents[word] >= cfg.min_documents
            and cfg.min_length <= len(word) <= MAX_WORD_CHARS
            and (lower_case or word not in names)
            and zipf_frequency(word, "en") <= cfg.max_general_zipf
        ):
            kept[word] = frequency
    return kept


def wordpiece(word: str, vocab: Collection[str], continuation: bool = False) -> list[str] | None:
    """``word`` cut greedily, longest piece first, as BERT's WordPiece cuts it (every piece after
    the first, or all with ``continuation``, carries ``##``); None when some part matches no piece
    (WordPiece then gives one [UNK])."""
    pieces, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 and not continuation else PREFIX + word[start:end]
            if piece in vocab:
                break
        else:
            return None
        pieces.append(piece)
        start = end
    return pieces


def merges(pieces: list[str]) -> Iterator[tuple[str, int]]:
    """Every run of two or more consecutive pieces as one unit, with the tokens it saves."""
    bare = [piece.removeprefix(PREFIX) if i else piece for i, piece in enumerate(pieces)]
    for first in range(len(pieces)):
        for last in range(first + 2, len(pieces) + 1):
            unit = "".join(bare[first:last])
            yield (unit if first == 0 else PREFIX + unit), last - first - 1


class _Gains:
    """Tokens each candidate unit would save on the mining words, kept current as units are added."""

    def __init__(self, words: Counter[str], vocab: Collection[str]) -> None:
        self.vocab = set(vocab)
        self.words = words
        self.pieces: dict[str, list[str]] = {}
        self.gain: Counter[str] = Counter()
        self.heap: list[tuple[int, str]] = []  # (-gain, unit), stale entries skipped on the way out
        for word in words:
            self._cut(word)

    def _cut(self, word: str) -> None:
        pieces = wordpiece(word, self.vocab)
        if pieces is None:
            return
        self.pieces[word] = pieces
        for unit, saved in merges(pieces):
            self.gain[unit] += self.words[word] * saved
            heapq.heappush(self.heap, (-self.gain[unit], unit))

    def _uncut(self, word: str) -> int:
        pieces = self.pieces.pop(word, [])
        for unit, saved in merges(pieces):
            self.gain[unit] -= self.words[word] * saved
            heapq.heappush(self.heap, (-self.gain[unit], unit))
        return len(pieces)

    def best(self) -> tuple[str, int] | None:
        """The unit that would save the most tokens now, and how many (None when none would)."""
        while self.heap:
            negative, unit = heapq.heappop(self.heap)
            if unit not in self.vocab and -negative == self.gain[unit] > 0:
                return unit, -negative
        return None

    def add(self, unit: str) -> MinedUnit:
        """Add ``unit`` and re-cut every word it could change; returns what it really saved."""
        surface = unit.removeprefix(PREFIX)
        if unit.startswith(PREFIX):
            touched = [word for word in self.pieces if surface in word[1:]]
        else:
            touched = [word for word in self.pieces if word.startswith(surface)]
        self.vocab.add(unit)
        saved, shortened = 0, 0
        for word in touched:
            before = self._uncut(word)
            self._cut(word)
            after = len(self.pieces.get(word, ()))
            saved += self.words[word] * (before - after)
            shortened += after < before
        return MinedUnit(unit, saved, shortened)


def mine_units(
    words: Counter[str], vocab: Collection[str], cfg: VocabConfig, seeds: Iterable[str] = ()
) -> list[MinedUnit]:
    """Units to add to the WordPiece ``vocab``, in the order chosen.

    Seeds among ``words`` that the vocabulary splits come first, whole. Then, again and again, the
    unit that saves the most tokens, until ``cfg.max_new_tokens`` units or until the best would
    save fewer than ``cfg.min_frequency`` tokens.
    """
    gains = _Gains(words, vocab)
    split_seeds = sorted(seed for seed in {s.lower() for s in seeds} if len(gains.pieces.get(seed, ())) > 1)
    chosen = [gains.add(seed) for seed in split_seeds[: cfg.max_new_tokens]]
    while len(chosen) < cfg.max_new_tokens and (best := gains.best()) and best[1] >= cfg.min_frequency:
        chosen.append(gains.add(best[0]))
    return chosen
