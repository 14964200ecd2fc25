"""The whole bundled sample of each domain, anonymized: no planted value survives in its document.

Every gold span of ``pii_gold.jsonl`` is a value the sample generator planted; a slice would let a
value that only some documents carry slip through, so all of them are anonymized (the issue's
"a test over the whole sample"). Values shorter than four characters ("MA", "99") occur by chance."""

from __future__ import annotations

from collections import defaultdict

import pytest

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.privacy.anonymize import anonymized_parts
from dapt.privacy.evaluate import GoldDocument, read_gold
from tests.slices import MIN_CHECKED_LENGTH, appears

KEY = b"sample-leak-test-key"


@pytest.mark.parametrize("domain", ["medical", "finance"])
def test_when_the_whole_sample_is_anonymized_then_no_planted_value_survives(domain: str) -> None:
    gold = list(read_gold(load_domain(domain).sample.pii_gold))
    texts = anonymized_texts(gold, domain)
    every_document_written = len(texts) == len(gold)  # compared apart, so a failure never prints a text
    survivors = [
        f"{document.doc_id}: {span.label}"
        for number, document in enumerate(gold)
        for span in document.spans
        if len(value := document.text[span.start : span.end]) >= MIN_CHECKED_LENGTH and appears(value, texts[number])
    ]
    assert every_document_written and survivors == []


def anonymized_texts(gold: list[GoldDocument], domain: str) -> dict[int, str]:
    """Each gold document's anonymized text by its position (a row's parts joined in order)."""
    texts: dict[int, str] = defaultdict(str)
    row = -1
    for part in anonymized_parts((g.document for g in gold), run_config(domain, None, {}), KEY):
        row += part.head is not None
        texts[row] += part.text
    return texts
