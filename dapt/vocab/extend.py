"""Stage 6: add mined words to the tokenizer, and initialise their embeddings from old pieces."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from tokenizers import AddedToken
from transformers import AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.io import read_jsonl
from dapt.runs import RunFolder, write_json
from dapt.training.builders import base_model_path
from dapt.vocab.mine import MinedWord, count_words, mine_words, outside_replacements


@dataclass(frozen=True)
class VocabResult:
    added: int
    tokens_before: int
    tokens_after: int

    @property
    def tokens_saved_fraction(self) -> float:
        return 1 - self.tokens_after / max(self.tokens_before, 1)


def count_tokens(tokenizer: PreTrainedTokenizerBase, texts: list[str]) -> int:
    """Tokens the tokenizer needs for ``texts`` (no special tokens)."""
    return sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])


def add_words(tokenizer: PreTrainedTokenizerBase, words: list[MinedWord]) -> int:
    """Add whole-word tokens (they never match inside a longer word); returns how many were new."""
    return tokenizer.add_tokens([AddedToken(m.word, single_word=True, normalized=True) for m in words])


def extend_vocabulary(cfg: RunConfig, run: RunFolder) -> VocabResult:
    """Mine the anonymized corpus, save the extended tokenizer and ``vocab/report.json``."""
    rows = list(read_jsonl(run.anonymized("corpus")))
    texts = [row["text"] for row in rows]
    tokenizer = AutoTokenizer.from_pretrained(base_model_path(cfg.base_model))
    counts = count_words(outside_replacements(row["text"], row["replaced"]) for row in rows)
    mined = mine_words(counts, tokenizer, cfg.vocab, load_domain(cfg.domain).vocab_seeds)
    if len(mined) < cfg.vocab.min_new_tokens:
        raise UserError(
            f"vocabulary mining found {len(mined)} domain words, fewer than vocab.min_new_tokens={cfg.vocab.min_new_tokens}",
            "give a larger corpus or lower vocab.min_frequency / vocab.min_new_tokens",
        )
    before = count_tokens(tokenizer, texts)
    added = add_words(tokenizer, mined)
    result = VocabResult(added, before, count_tokens(tokenizer, texts))
    tokenizer.save_pretrained(run.tokenizer)
    write_json(
        run.report("vocab"),
        {
            **asdict(result),
            "tokens_saved_fraction": round(result.tokens_saved_fraction, 4),
            "embedding_init": "mean of the word's sub-word embeddings under the base tokenizer",
            "words": [{**asdict(m), "tokens_saved": m.tokens_saved} for m in mined],
        },
    )
    return result


@torch.no_grad()
def init_new_embeddings(model: PreTrainedModel, old: PreTrainedTokenizerBase, new: PreTrainedTokenizerBase) -> int:
    """Grow the embedding matrix to ``new`` and set each added row to the mean of the word's old
    sub-word embeddings; returns the number of rows initialised."""
    model.resize_token_embeddings(len(new), mean_resizing=False)
    weights = model.get_input_embeddings().weight
    added = {token_id: token for token_id, token in new.added_tokens_decoder.items() if token_id >= len(old)}
    for token_id, token in added.items():
        pieces = old(token.content, add_special_tokens=False)["input_ids"]
        weights[token_id] = weights[pieces].mean(dim=0)
    return len(added)
