"""Stage 6: add mined WordPiece units to the tokenizer, and initialise their embeddings from old pieces.

The units go into the tokenizer's model vocabulary (``tokenizer.json`` ``model.vocab``), not into
its added tokens: a ``##ectomy`` continuation only works inside WordPiece, and a whole word there
also shortens its longer forms. Their ids are ``new_token_ids`` in ``vocab/report.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.runs import RunFolder, training_corpus, write_json
from dapt.training.builders import base_model_path
from dapt.vocab.mine import PREFIX, MinedUnit, count_words, domain_words, mine_units, outside_replacements, wordpiece

TOKENIZER_FILE = "tokenizer.json"


@dataclass(frozen=True)
class TokenCount:
    """Tokens the base and the extended tokenizer need for one set of documents."""

    documents: int
    words: int  # whitespace-separated
    tokens_before: int
    tokens_after: int

    @property
    def saved_fraction(self) -> float:
        return 1 - self.tokens_after / max(self.tokens_before, 1)

    def summary(self) -> dict[str, Any]:
        per_word = {f"tokens_per_word_{when}": round(tokens / max(self.words, 1), 4)
                    for when, tokens in (("before", self.tokens_before), ("after", self.tokens_after))}  # fmt: skip
        return {**asdict(self), **per_word, "saved_fraction": round(self.saved_fraction, 4)}


@dataclass(frozen=True)
class VocabResult:
    added: int
    tokens_before: int  # the whole corpus
    tokens_after: int
    in_sample: TokenCount  # the documents mined
    heldout: TokenCount | None  # the last documents, never mined (None when vocab.heldout_fraction is 0)


def split_heldout(rows: list[dict[str, Any]], fraction: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The distinct documents to mine, and the last ``fraction`` of ``rows`` to measure on: none of
    them has a text that is also mined."""
    cut = len(rows) - round(len(rows) * fraction)
    mined, seen = [], set()
    for row in rows[:cut]:
        if row["text"] not in seen:
            seen.add(row["text"])
            mined.append(row)
    return mined, [row for row in rows[cut:] if row["text"] not in seen]


def count_tokens(tokenizer: PreTrainedTokenizerBase, texts: list[str]) -> int:
    """Tokens the tokenizer needs for ``texts`` (no special tokens)."""
    return sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])


def token_count(old: PreTrainedTokenizerBase, new: PreTrainedTokenizerBase, texts: list[str]) -> TokenCount:
    words = sum(len(text.split()) for text in texts)
    return TokenCount(len(texts), words, count_tokens(old, texts), count_tokens(new, texts))


def save_with_units(tokenizer: PreTrainedTokenizerBase, units: list[str], folder: Path) -> dict[str, int]:
    """Save ``tokenizer`` to ``folder`` with ``units`` in its WordPiece vocabulary; returns each
    unit's id (word starts first, then the ``##`` pieces, each in the order given)."""
    tokenizer.save_pretrained(folder)
    if not units:
        return {}
    path = folder / TOKENIZER_FILE
    saved = json.loads(path.read_text(encoding="utf-8"))
    ordered = sorted(units, key=lambda unit: unit.startswith(PREFIX))  # a stable sort
    ids = {unit: len(tokenizer) + i for i, unit in enumerate(ordered)}
    saved["model"]["vocab"].update(ids)
    path.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    AutoTokenizer.from_pretrained(folder).save_pretrained(folder)  # every other file the version writes, in step
    return ids


def extend_vocabulary(cfg: RunConfig, run: RunFolder) -> VocabResult:
    """Mine all but the last ``vocab.heldout_fraction`` of the anonymized corpus, save the extended
    tokenizer and ``vocab/report.json`` (tokens saved in-sample and on the held-out documents)."""
    rows = list(training_corpus(run))
    mined_rows, heldout_rows = split_heldout(rows, cfg.vocab.heldout_fraction)
    base = AutoTokenizer.from_pretrained(base_model_path(cfg.base_model))
    kind = tokenizer_model(base)
    units = wordpiece_units(cfg, mined_rows, base) if kind == "WordPiece" else []
    ids = save_with_units(base, [unit.piece for unit in units], run.tokenizer)
    extended = AutoTokenizer.from_pretrained(run.tokenizer)
    whole = token_count(base, extended, [row["text"] for row in rows])
    result = VocabResult(
        added=len(units),
        tokens_before=whole.tokens_before,
        tokens_after=whole.tokens_after,
        in_sample=token_count(base, extended, [row["text"] for row in mined_rows]),
        heldout=token_count(base, extended, [row["text"] for row in heldout_rows]) if heldout_rows else None,
    )
    skipped = None if kind == "WordPiece" else f"the base tokenizer is {kind}; dapt mines WordPiece units only"
    write_json(run.report("vocab"), {**vocab_report(result, units, ids), "skipped": skipped})
    return result


def wordpiece_units(cfg: RunConfig, rows: list[dict[str, Any]], base: PreTrainedTokenizerBase) -> list[MinedUnit]:
    """The units mined from ``rows`` for a WordPiece ``base``; fewer than ``vocab.min_new_tokens`` is a UserError."""
    seeds = load_domain(cfg.domain).vocab_seeds
    counts = count_words(outside_replacements(row["text"], row["replaced"]) for row in rows)
    units = mine_units(domain_words(counts, cfg.vocab, seeds), base.get_vocab(), cfg.vocab, seeds)
    if len(units) < cfg.vocab.min_new_tokens:
        raise UserError(
            f"vocabulary mining found {len(units)} units, fewer than vocab.min_new_tokens={cfg.vocab.min_new_tokens}",
            "give a larger corpus or lower vocab.min_frequency / vocab.min_documents / vocab.min_new_tokens",
        )
    return units


def tokenizer_model(tokenizer: PreTrainedTokenizerBase) -> str:
    """The tokenization model of a fast tokenizer (WordPiece, BPE, Unigram), else the class's name."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    return type(backend.model).__name__ if backend is not None else type(tokenizer).__name__


def vocab_report(result: VocabResult, units: list[MinedUnit], ids: dict[str, int]) -> dict[str, Any]:
    """``vocab/report.json``: the saving on documents never mined beside the in-sample one."""
    return {
        "added": result.added,
        "tokens_before": result.tokens_before,
        "tokens_after": result.tokens_after,
        "tokens_measured_on": "the whole corpus, mined documents included; see heldout for unseen text",
        "heldout": result.heldout.summary() if result.heldout else None,
        "in_sample": result.in_sample.summary(),
        "new_token_ids": sorted(ids.values()),
        "embedding_init": "mean of the unit's sub-word embeddings under the base tokenizer (##units: as a continuation)",
        "units": [{**asdict(unit), "id": ids[unit.piece]} for unit in units],  # in the order mined
    }


def old_pieces(token: str, old_vocab: dict[str, int], old: PreTrainedTokenizerBase) -> list[int]:
    """Ids of ``token`` under the old tokenizer; a ``##`` unit is cut as the continuation it is."""
    if token.startswith(PREFIX) and len(token) > len(PREFIX):
        pieces = wordpiece(token.removeprefix(PREFIX), old_vocab, continuation=True)
        return [old_vocab[piece] for piece in pieces] if pieces else [old.unk_token_id]
    return old(token, add_special_tokens=False)["input_ids"]


@torch.no_grad()
def init_new_embeddings(model: PreTrainedModel, old: PreTrainedTokenizerBase, new: PreTrainedTokenizerBase) -> int:
    """Grow the embedding matrix to ``new`` and set each new row (an added token or a new WordPiece
    unit) to the mean of its old sub-word embeddings; returns the number of rows initialised."""
    model.resize_token_embeddings(len(new), mean_resizing=False)
    weights = model.get_input_embeddings().weight
    old_vocab = old.get_vocab()
    new_tokens = {token_id: token for token, token_id in new.get_vocab().items() if token_id >= len(old)}
    for token_id, token in new_tokens.items():
        weights[token_id] = weights[old_pieces(token, old_vocab, old)].mean(dim=0)
    return len(new_tokens)
