"""Mine domain words the tokenizer splits badly: frequent in the corpus, rare in general English."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase
from wordfreq import zipf_frequency

from dapt.config import VocabConfig
from dapt.privacy.recognizers.names import known_names

# Lower-case words only: names and places are capitalised, and they are not domain vocabulary.
WORD = re.compile(r"(?<![A-Za-z0-9])[a-z][a-z-]*[a-z](?![A-Za-z0-9])")


@dataclass(frozen=True)
class MinedWord:
    word: str
    frequency: int
    pieces: int

    @property
    def tokens_saved(self) -> int:
        return self.frequency * (self.pieces - 1)


def outside_replacements(text: str, replaced: list[list[int]]) -> str:
    """``text`` without its replaced spans: surrogates (``swalsh``, ``gmail``) are not domain words."""
    kept, position = [], 0
    for start, end in sorted(replaced):
        kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return " ".join(kept)


def count_words(texts: Iterable[str]) -> Counter[str]:
    """Frequency of every lower-case word in ``texts``."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(WORD.findall(text))
    return counts


def mine_words(
    counts: Counter[str], tokenizer: PreTrainedTokenizerBase, cfg: VocabConfig, seeds: Iterable[str] = ()
) -> list[MinedWord]:
    """Words worth a token of their own, most tokens saved first.

    A word qualifies when it is long enough, frequent enough (seeds: present at all), not common
    general English, not a name, and split into two or more pieces by the current tokenizer.
    """
    seed_set = {seed.lower() for seed in seeds}
    names = known_names()
    mined = []
    for word, frequency in counts.items():
        threshold = 1 if word in seed_set else cfg.min_frequency
        if len(word) < cfg.min_length or frequency < threshold or word in names:
            continue
        if zipf_frequency(word, "en") > cfg.max_general_zipf:
            continue
        pieces = len(tokenizer.tokenize(word))
        if pieces >= 2:
            mined.append(MinedWord(word, frequency, pieces))
    mined.sort(key=lambda m: (-m.tokens_saved, m.word))
    return mined[: cfg.max_new_tokens]
