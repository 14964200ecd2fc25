"""Surrogate re-sampling for tight data: each labelled text again, its names, dates, numbers and
other replaced values drawn afresh, its label kept. The anonymizer runs once more over the
anonymized text, under a key derived from the seed rather than the run's key (the text holds
surrogates, never an original value), so a copy differs from its text only where personal data stood."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from dapt.config import RunConfig
from dapt.privacy.anonymize import RowPart, anonymized_parts
from dapt.records import Example


def surrogate_copies(rows: list[dict], cfg: RunConfig, copies: int) -> list[dict]:
    """``copies`` re-drawn copies of each row that has a value to replace (the others would add a
    duplicate, not an example)."""
    examples = [Example(str(number), row["text"], row["label"], row=number) for number, row in enumerate(rows)]
    drawn: list[dict] = []
    for copy in range(copies):
        key = hashlib.sha256(f"dapt-surrogate-copy-{cfg.finetune.seed}-{copy}".encode()).digest()
        drawn += [row for row in whole_rows(anonymized_parts(examples, cfg, key)) if row["replaced"]]
    return drawn


def whole_rows(parts: Iterable[RowPart]) -> Iterator[dict]:
    """The rows ``anonymized_parts`` yields in parts: text, replaced offsets and label."""
    text: list[str] = []
    for part in parts:
        text.append(part.text)
        if part.tail is not None:
            yield {"text": "".join(text), **part.tail}
            text = []
