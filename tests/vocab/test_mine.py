"""Vocabulary mining: which words count, how WordPiece cuts them, and which units the greedy picks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from dapt.config import VocabConfig
from dapt.vocab.mine import count_words, domain_words, merges, mine_units, outside_replacements, wordpiece

TEXT = "pt swalsh@gmail.com has hyperlipidemia; call swalsh at home re hyperlipidemia"


def _span(word: str, occurrence: int = 0) -> list[int]:
    start = TEXT.index(word)
    for _ in range(occurrence):
        start = TEXT.index(word, start + 1)
    return [start, start + len(word)]


# fmt: off
REPLACEMENTS = [
    ([_span("swalsh@gmail.com"), _span("swalsh", 1)], {"swalsh", "gmail"}),  # e-mail and bare surname surrogates
    ([_span("swalsh", 1), _span("swalsh@gmail.com")], {"swalsh", "gmail"}),  # spans in any order
    ([], set()),                                                              # nothing replaced: every word counts
]
# fmt: on


@pytest.mark.parametrize("replaced, absent", REPLACEMENTS)
def test_when_spans_were_replaced_then_their_words_are_not_mined(replaced: list[list[int]], absent: set[str]) -> None:
    counts = count_words([outside_replacements(TEXT, replaced)]).frequency
    assert absent.isdisjoint(counts) and counts["hyperlipidemia"] == 2
    assert {"swalsh", "gmail"} - absent <= set(counts)


DOCUMENTS = [
    "Neck: Supple. Cholecystectomy done; cholecystitis resolved. Dr. Walsh saw her. Vicryl closure.",
    "neck supple, post-cholecystectomy pain. Walsh called. Vicryl sutures. The patient is well.",
    "Walsh. Vicryl. lone zorbitol once, neck supple.",
]


# fmt: off
FILTERED_WORDS = [
    ("cholecystectomy", True),   # in two documents (post-cholecystectomy is split at the hyphen)
    ("vicryl", True),            # only capitalised, but in three documents and no name
    ("supple", True),            # a known surname, but written in lower case in two documents
    ("walsh", False),            # a known surname, only ever capitalised
    ("zorbitol", False),         # one document only
    ("cholecystitis", False),    # one document only
    ("patient", False),          # common general English
    ("pain", False),             # common general English
]
# fmt: on


@pytest.mark.parametrize("word, kept", FILTERED_WORDS)
def test_when_words_are_filtered_then_names_strays_and_plain_english_are_left_out(word: str, kept: bool) -> None:
    words = domain_words(count_words(DOCUMENTS), VocabConfig(min_documents=2))
    assert (word in words) is kept


def test_when_a_word_is_a_seed_then_it_counts_even_from_one_document() -> None:
    words = domain_words(count_words(DOCUMENTS), VocabConfig(min_documents=2), seeds=["Zorbitol"])
    assert words["zorbitol"] == 1


# fmt: off
TOKENIZER_WORDS = [
    "hyperlipidemia", "cholecystectomy", "tachycardia", "the", "patient", "pyridostigmine", "q6h", "xqzzv",
]
# fmt: on


@pytest.mark.parametrize("word", TOKENIZER_WORDS)
def test_when_wordpiece_cuts_a_word_then_it_matches_the_tokenizer(word: str, tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    assert wordpiece(word, tokenizer.get_vocab()) == tokenizer.tokenize(word)


# fmt: off
CUTS = [
    ("abcd", False, ["ab", "##cd"]),        # a word start, then a continuation
    ("abcd", True, ["##ab", "##cd"]),       # all continuation pieces
    ("abx", False, None),                   # a part matches nothing: WordPiece gives [UNK]
    ("", False, []),                        # empty
]
# fmt: on


@pytest.mark.parametrize("word, continuation, pieces", CUTS)
def test_when_cut_as_a_continuation_then_every_piece_has_the_prefix(
    word: str, continuation: bool, pieces: list[str] | None
) -> None:
    vocab = {"ab", "##ab", "##cd", "a", "##b"}
    assert wordpiece(word, vocab, continuation) == pieces


def test_when_pieces_are_merged_then_every_run_of_two_or_more_is_a_unit() -> None:
    assert sorted(merges(["hyper", "##lip", "##id"])) == [("##lipid", 1), ("hyperlip", 1), ("hyperlipid", 2)]


VOCAB = {"a", "b", "c", "d", "e", "f", "##a", "##b", "##c", "##d", "##e", "##f"}


# fmt: off
FIRST_UNITS = [
    (Counter(aef=9, bef=9, cef=9, abcd=8), VocabConfig(min_frequency=1), "##ef"),   # shared by three words: 27 saved, not 24
    (Counter(aef=9, abcd=10), VocabConfig(min_frequency=1), "abcd"),               # one long word: 30 saved, not 18
]
# fmt: on


@pytest.mark.parametrize("words, cfg, first", FIRST_UNITS)
def test_when_units_are_mined_then_the_one_saving_most_tokens_comes_first(
    words: Counter[str], cfg: VocabConfig, first: str
) -> None:
    assert mine_units(words, VOCAB, cfg)[0].piece == first


def test_when_a_unit_is_chosen_then_its_saving_is_measured_after_recutting() -> None:
    units = mine_units(Counter(aef=9, bef=9, cef=9), VOCAB, VocabConfig(min_frequency=1))
    assert (units[0].piece, units[0].tokens_saved, units[0].words) == ("##ef", 27, 3)
    assert {"##ef", "aef", "bef", "cef"} == {unit.piece for unit in units}


# fmt: off
LIMITS = [
    (VocabConfig(min_frequency=1, max_new_tokens=1), (), ["abcd"]),          # the cap
    (VocabConfig(min_frequency=31), (), []),                                 # nothing saves enough
    (VocabConfig(min_frequency=31), ("AEF",), ["aef"]),                      # a seed present in the words comes first
    (VocabConfig(min_frequency=31), ("xyz", "a"), []),                       # seeds absent, or one piece already
]
# fmt: on


@pytest.mark.parametrize("cfg, seeds, pieces", LIMITS)
def test_when_mining_then_cap_threshold_and_seeds_decide(
    cfg: VocabConfig, seeds: tuple[str, ...], pieces: list[str]
) -> None:
    assert [unit.piece for unit in mine_units(Counter(aef=9, abcd=10, a=5), VOCAB, cfg, seeds)] == pieces
