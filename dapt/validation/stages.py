"""Stages 2 and 8: the raw-corpus gate and the task-data gate."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from wordfreq import zipf_frequency

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.io import accept, read_documents, write_jsonl
from dapt.records import BadRow
from dapt.runs import RunFolder
from dapt.splits import TaskSplit, save_task_split, split_task
from dapt.validation.gate import GateResult, run_gate
from dapt.validation.suites import OVERLAP_COLUMN, PROFILE_COLUMNS, declared_suite, raw_suite, task_suite

WORD = re.compile(r"\w+")
LETTERS = re.compile(r"[^\W\d_]+")
LANGUAGE_SAMPLE_WORDS = 60  # enough words to tell the language, few enough for a large corpus
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")
NEAR_DUPLICATE = 0.8  # share of word triples two texts hold in common to count as one text


def non_text_ratio(text: str) -> float:
    """Share of characters that are control or unassigned code points (binary junk scores high)."""
    odd = sum(1 for char in text if unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") and char not in "\n\r\t")
    return odd / max(len(text), 1)


def enforce(result: GateResult, where: Path) -> GateResult:
    """Stop the run with one line when a critical expectation fails; log the others that failed."""
    for name in result.warned():
        logging.getLogger("dapt").warning("%s validation: %s failed (policy warn; see %s)", result.suite, name, where)
    if not result.success:
        named = [c.check for c in result.failures() if c.check]
        relax = f", or set validation.policies: {{{named[0]}: warn}} to go on" if named else ""
        raise UserError(f"{result.suite} validation failed: {'; '.join(result.failed())}", f"see {where}; fix the input{relax}")
    return result


def validate_raw(corpus: Path, cfg: RunConfig, run: RunFolder) -> GateResult:
    """Profile the raw corpus (no text kept) and run the raw suite."""
    documents = accept(read_documents(corpus, cfg.input), "quarantine", list[BadRow]())
    frame = pd.DataFrame(
        [{"id": d.id, "chars": len(d.text), "non_text_ratio": non_text_ratio(d.text), "fingerprint": text_fingerprint(d.text),
          "english_share": english_share(d.text)} for d in documents],
        columns=list(PROFILE_COLUMNS["raw"]),
    )
    out = run.gate_result("raw")
    suite = raw_suite(cfg.validation) + declared_suite(load_domain(cfg.domain).expectations.get("raw", []))
    return enforce(run_gate("raw_corpus", frame, suite, out), out)


def english_share(text: str) -> float:
    """Share of a text's first ``LANGUAGE_SAMPLE_WORDS`` words that are more frequent in English than
    in German, French, Spanish, Italian, Dutch or Portuguese (wordfreq); 1.0 for under five words."""
    words = LETTERS.findall(text.lower())[:LANGUAGE_SAMPLE_WORDS]
    if len(words) < 5:
        return 1.0
    return sum(map(reads_english, words)) / len(words)


@cache
def reads_english(word: str) -> bool:
    """Whether a lower-case word is at least as frequent in English as in any of ``OTHER_LANGUAGES``."""
    return zipf_frequency(word, "en") >= max(zipf_frequency(word, other) for other in OTHER_LANGUAGES)


def text_fingerprint(text: str) -> str:
    """sha256 of a text's lower-cased words: a sentence re-cased, re-spaced or re-punctuated
    fingerprints the same."""
    return hashlib.sha256(" ".join(WORD.findall(text.lower())).encode()).hexdigest()


def word_triples(text: str) -> frozenset[tuple[str, ...]]:
    """The lower-cased word triples of a text (its words, when it has fewer than three)."""
    words = WORD.findall(text.lower())
    return frozenset(zip(*(words[i:] for i in range(3)), strict=False)) if len(words) >= 3 else frozenset([tuple(words)])


def repeats_of(train: list[dict[str, Any]], evaluation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluation rows that repeat a training text: the same words, or nearly (``NEAR_DUPLICATE``
    of the word triples of each of the two texts shared; the same words share all of them), found
    through an index of triples."""
    shingles = [word_triples(row["text"]) for row in train]
    holders: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, triples in enumerate(shingles):
        for triple in triples:
            holders[triple].append(index)
    repeated = []
    for row in evaluation:
        triples = word_triples(row["text"])
        shared = Counter(index for triple in triples for index in holders.get(triple, ()))
        if any(count >= NEAR_DUPLICATE * max(len(triples), len(shingles[index])) for index, count in shared.items()):
            repeated.append(row)
    return repeated


def set_aside_overlap(run: RunFolder, split: TaskSplit, repeated: list[dict[str, Any]]) -> TaskSplit:
    """The split without the evaluation rows in ``repeated``, which go to the task gate's
    quarantine file (kind, row, reason)."""
    rows = {row["row"] for row in repeated}
    reason = "repeats a training text (the same or nearly the same words): scoring it would inflate the evaluation"
    write_jsonl(run.gate_quarantine("task"), ({"kind": split.eval_kind, "row": row, "reason": reason} for row in sorted(rows)))
    kept = [row for row in split.eval if row["row"] not in rows]
    return TaskSplit(split.train, kept, split.labels, split.eval_source)


def token_counter(cfg: RunConfig, run: RunFolder) -> Callable[[list[str]], list[int]]:
    """Tokens per text under the tokenizer fine-tuning will use (the run's extended one, else the
    base model's)."""
    from transformers import AutoTokenizer

    from dapt.training.builders import base_model_path

    tokenizer = AutoTokenizer.from_pretrained(run.tokenizer if run.tokenizer.is_dir() else base_model_path(cfg.base_model))
    return lambda texts: [len(ids) for ids in tokenizer(texts, add_special_tokens=True)["input_ids"]] if texts else []


def task_profile(split: TaskSplit, repeated: set[int], count_tokens: Callable[[list[str]], list[int]]) -> pd.DataFrame:
    """One row per example: id, label, characters, part, its class's training size, the largest
    class over it, tokens, and whether it repeats a training text (``repeated``: row object ids)."""
    sizes = Counter(row["label"] for row in split.train)
    largest = max(sizes.values(), default=0)
    rows = [(part, row) for part, rows in (("train", split.train), ("eval", split.eval)) for row in rows]
    tokens = count_tokens([row["text"] for _, row in rows])
    return pd.DataFrame(
        [{"id": row["id"], "label": row["label"], "chars": len(row["text"]), "part": part,
          "class_size": sizes[row["label"]], "imbalance": largest / max(sizes[row["label"]], 1),
          "tokens": count, OVERLAP_COLUMN: id(row) in repeated}
         for (part, row), count in zip(rows, tokens, strict=True)],
        columns=list(PROFILE_COLUMNS["task"]),
    )  # fmt: skip


def validate_task(cfg: RunConfig, run: RunFolder, has_eval_file: bool) -> GateResult:
    """Split the anonymized task (its training part; the --eval file or a stratified hold-out to
    evaluate on), handle evaluation texts that repeat a training text as ``validation.eval_overlap``
    says, save the split, and run the task suite on its profile (no text)."""
    split = split_task(cfg.finetune, run, has_eval_file)
    repeated = repeats_of(split.train, split.eval)
    policy = cfg.validation.eval_overlap
    if repeated and policy == "quarantine":
        split = set_aside_overlap(run, split, repeated)
        repeated = []
    save_task_split(run, split)
    frame = task_profile(split, {id(row) for row in repeated}, token_counter(cfg, run))
    out = run.gate_result("task")
    suite = task_suite(cfg.validation, cfg.finetune.max_length)
    result = run_gate("task", frame, suite + declared_suite(load_domain(cfg.domain).expectations.get("task", [])), out)
    if repeated and policy == "warn":
        logging.getLogger("dapt").warning(
            "%d evaluation text(s) repeat a training text; their scores count (validation.eval_overlap: warn)", len(repeated)
        )
    if repeated and policy == "fail":
        raise UserError(
            f"task validation failed: expect_column_values_to_be_in_set(column={OVERLAP_COLUMN}): {len(repeated)} "
            f"evaluation text(s) repeat a training text",
            f"see {out}; remove them from the eval data, or set validation.eval_overlap: quarantine",
        )
    return enforce(result, out)
