"""Vocabulary extension: held-out documents are never mined, the tokenizer reloads, new rows start
at the mean of their old pieces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer, PreTrainedTokenizerBase

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.runs import RunFolder
from dapt.vocab.extend import VocabResult, extend_vocabulary, init_new_embeddings, split_heldout
from dapt.vocab.mine import PREFIX
from tests.conftest import sample_rows, write_rows

HELDOUT_ONLY = "zorbitolase quandrexemia"  # words no mined document has


def _rows(texts: list[str]) -> list[dict[str, Any]]:
    return [{"text": text, "replaced": []} for text in texts]


# fmt: off
SPLITS = [
    (list("abcdefghij"), 0.1, list("abcdefghi"), ["j"]),   # the last tenth
    (list("abcdefghij"), 0.3, list("abcdefg"), list("hij")),
    (list("abcdefghij"), 0.0, list("abcdefghij"), []),     # nothing held out
    (list("aabcdefgha"), 0.1, list("abcdefgh"), []),       # a held-out text also mined is no held-out text
    (list("abcdeffgij"), 0.4, list("abcdef"), list("gij")),  # duplicates are mined once, never measured
]
# fmt: on


@pytest.mark.parametrize("texts, fraction, mined, heldout", SPLITS)
def test_when_the_corpus_is_split_then_no_heldout_text_is_mined(
    texts: list[str], fraction: float, mined: list[str], heldout: list[str]
) -> None:
    got_mined, got_heldout = split_heldout(_rows(texts), fraction)
    assert [row["text"] for row in got_mined] == mined and [row["text"] for row in got_heldout] == heldout


def extend(folder: Path, base: Path, texts: list[str], **vocab: Any) -> tuple[VocabResult, RunFolder]:
    run = RunFolder(folder / "run")
    run.anonymized("corpus").parent.mkdir(parents=True)
    write_rows(run.anonymized("corpus"), _rows(texts))
    cfg = run_config("medical", None, {"base_model": str(base), "vocab": {"min_frequency": 3, **vocab}})
    return extend_vocabulary(cfg, run), run


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> tuple[VocabResult, RunFolder]:
    """90 medical sample notes mined; 10 more held out, each with two words no mined note has."""
    notes = [row["text"] for row in sample_rows(load_domain("medical").sample.corpus, 100)]
    heldout = [f"{HELDOUT_ONLY} {note} {HELDOUT_ONLY}" for note in notes[90:]]
    return extend(tmp_path_factory.mktemp("vocab"), tiny_model_dir, notes[:90] + heldout)


def test_when_extended_then_heldout_saving_is_measured_on_documents_never_mined(extended, tiny_model_dir: Path) -> None:
    result, run = extended
    report = json.loads(run.report("vocab").read_text())
    mined_text = " ".join(row["text"].lower() for row in sample_rows(load_domain("medical").sample.corpus, 90))
    assert all(unit["piece"].removeprefix(PREFIX) in mined_text for unit in report["units"])
    # Mined, the held-out words (20 times in 10 notes) would each have become one token.
    new = AutoTokenizer.from_pretrained(run.tokenizer)
    assert all(len(new.tokenize(word)) >= 2 for word in HELDOUT_ONLY.split())
    assert result.heldout is not None and (result.heldout.documents, result.in_sample.documents) == (10, 90)
    assert 0 < result.heldout.saved_fraction < result.in_sample.saved_fraction
    assert report["heldout"]["saved_fraction"] == round(result.heldout.saved_fraction, 4)
    assert report["in_sample"]["tokens_per_word_after"] < report["in_sample"]["tokens_per_word_before"]


def test_when_saved_then_the_tokenizer_reloads_with_every_new_id_reported(extended, tiny_model_dir: Path) -> None:
    result, run = extended
    old, new = AutoTokenizer.from_pretrained(tiny_model_dir), AutoTokenizer.from_pretrained(run.tokenizer)
    report = json.loads(run.report("vocab").read_text())
    assert result.added >= 20 and len(new) == len(old) + result.added
    assert report["new_token_ids"] == list(range(len(old), len(new)))
    assert [unit["piece"] for unit in report["units"]] == new.convert_ids_to_tokens([u["id"] for u in report["units"]])
    used = {i for ids in new(["hyperlipidemia and cholecystectomy, tachycardia"])["input_ids"] for i in ids}
    assert used & set(report["new_token_ids"])  # the units are used on text, not only listed


def test_when_embeddings_are_grown_then_every_new_row_is_the_mean_of_its_old_pieces(
    extended, tiny_model_dir: Path
) -> None:
    _, run = extended
    old, new = AutoTokenizer.from_pretrained(tiny_model_dir), AutoTokenizer.from_pretrained(run.tokenizer)
    model = AutoModelForMaskedLM.from_pretrained(tiny_model_dir)
    base = model.get_input_embeddings().weight.detach().clone()
    assert init_new_embeddings(model, old, new) == len(new) - len(old)
    grown = model.get_input_embeddings().weight
    assert torch.equal(grown[: len(old)], base)
    kinds = set()
    for token_id in range(len(old), len(new)):
        unit = new.convert_ids_to_tokens(token_id)
        kinds.add(unit.startswith(PREFIX))
        pieces = continuation_pieces(old, unit) if unit.startswith(PREFIX) else old.tokenize(unit)
        assert len(pieces) >= 2 and "".join(p.removeprefix(PREFIX) for p in pieces) == unit.removeprefix(PREFIX)
        assert torch.allclose(grown[token_id], base[old.convert_tokens_to_ids(pieces)].mean(dim=0)), unit
    assert kinds == {True, False}  # both word starts and ##continuations were checked


def continuation_pieces(old: PreTrainedTokenizerBase, unit: str) -> list[str]:
    """The old WordPiece cut of ``unit``'s text inside a word: cut ``s`` + text, where the one-letter
    start ``s`` merges with no beginning of the text, and drop ``s``."""
    text, vocab = unit.removeprefix(PREFIX), old.get_vocab()
    start = next(
        s for s in "abcdefghijklmnopqrstuvwxyz" if not any(s + text[:end] in vocab for end in range(1, len(text) + 1))
    )
    pieces = [token.value for token in old.backend_tokenizer.model.tokenize(start + text)]
    assert pieces[0] == start
    return pieces[1:]


# fmt: off
CAPS = [
    ({"max_new_tokens": 0, "min_new_tokens": 0}, 0),   # bench/tight_data.py's no-vocab row: the base tokenizer, saved
    ({"max_new_tokens": 25}, 25),                      # the cap
]
# fmt: on


@pytest.mark.parametrize("vocab, added", CAPS)
def test_when_capped_then_at_most_that_many_units_are_added(
    tmp_path: Path, tiny_model_dir: Path, vocab: dict[str, int], added: int
) -> None:
    notes = [row["text"] for row in sample_rows(load_domain("medical").sample.corpus, 40)]
    result, run = extend(tmp_path, tiny_model_dir, notes, **vocab)
    report = json.loads(run.report("vocab").read_text())
    assert result.added == len(report["new_token_ids"]) == added
    assert (
        len(AutoTokenizer.from_pretrained(run.tokenizer)) == len(AutoTokenizer.from_pretrained(tiny_model_dir)) + added
    )
