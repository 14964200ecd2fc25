"""The bundled domain samples: reproducible, exact gold spans, valid checksums, dates within 21 days."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dapt.domains.finance import sample_generator as finance
from dapt.domains.medical import sample_generator as medical
from dapt.domains.sample_builder import DATE_SPREAD_DAYS, DATE_STYLES, DocumentBuilder, Draw, Pii

GENERATORS: dict[str, ModuleType] = {"medical": medical, "finance": finance}
PREFIXES = {"medical": "med", "finance": "fin"}
FILES = ("corpus.jsonl", "task.jsonl", "eval.jsonl", "pii_gold.jsonl")
LABELS = {
    "PERSON", "DATE_TIME", "MRN", "PHONE_NUMBER", "EMAIL_ADDRESS", "LOCATION", "STREET_ADDRESS", "ZIP_CODE",
    "HOSPITAL", "AGE_OVER_89", "US_SSN", "IBAN_CODE", "CREDIT_CARD", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "URL",
}  # fmt: skip
DATED_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y", "%Y-%m-%d")
YEARLESS_FORMATS = ("%m/%d", "%B %d", "%b %d")
DOMAINS = sorted(GENERATORS)


@cache
def rows(domain: str, name: str) -> list[dict[str, Any]]:
    text = (GENERATORS[domain].SAMPLE_FOLDER / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def labelled_spans(domain: str, label: str) -> list[str]:
    gold = rows(domain, "pii_gold.jsonl")
    return [row["text"][s["start"] : s["end"]] for row in gold for s in row["spans"] if s["label"] == label]


@pytest.mark.parametrize("domain", DOMAINS)
def test_regenerating_gives_the_committed_files(domain: str, tmp_path: Path) -> None:
    GENERATORS[domain].generate(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (GENERATORS[domain].SAMPLE_FOLDER / name).read_bytes(), name


@pytest.mark.parametrize("domain", DOMAINS)
def test_gold_spans_are_exact_sorted_and_disjoint(domain: str) -> None:
    for row in rows(domain, "pii_gold.jsonl"):
        end = 0
        for span in row["spans"]:
            assert span["label"] in LABELS
            assert end <= span["start"] < span["end"] <= len(row["text"]), row["doc_id"]
            value = row["text"][span["start"] : span["end"]]
            assert value.strip() == value, (row["doc_id"], value)
            end = span["end"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_document_has_a_gold_row_with_its_text(domain: str) -> None:
    gold = {row["doc_id"]: row["text"] for row in rows(domain, "pii_gold.jsonl")}
    documents = [row for name in FILES[:3] for row in rows(domain, name)]
    assert len(gold) == len(rows(domain, "pii_gold.jsonl")) == len(documents)
    for row in documents:
        assert row["id"].startswith(f"{PREFIXES[domain]}-")
        assert gold[row["id"]] == row["text"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_sizes_and_labels(domain: str) -> None:
    corpus, task, held_out = (rows(domain, name) for name in FILES[:3])
    assert len(corpus) >= 400
    assert {"id", "text", "kind"} == set(corpus[0])
    counts = Counter(row["label"] for row in task)
    assert len(counts) >= 4 and min(counts.values()) >= 30
    assert {row["label"] for row in held_out} <= set(counts)
    assert not {row["text"] for row in held_out} & {row["text"] for row in task}
    assert sum((GENERATORS[domain].SAMPLE_FOLDER / name).stat().st_size for name in FILES) < 1.5 * 2**20


@pytest.mark.parametrize("domain", DOMAINS)
def test_planted_cards_ibans_and_ssns_are_valid(domain: str) -> None:
    assert all(finance.iban_valid(value) for value in labelled_spans(domain, "IBAN_CODE"))
    assert all(finance.luhn_valid(value) for value in labelled_spans(domain, "CREDIT_CARD"))
    for value in labelled_spans(domain, "US_SSN"):
        area, group, serial = re.fullmatch(r"(\d{3})[- ](\d{2})[- ](\d{4})", value).groups()  # type: ignore[union-attr]
        assert area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def test_finance_sample_plants_several_iban_countries_and_card_formats() -> None:
    assert {value[:2] for value in labelled_spans("finance", "IBAN_CODE")} == {"DE", "GB", "FR", "NL"}
    cards = labelled_spans("finance", "CREDIT_CARD")
    assert any(" " in card for card in cards) and any("-" in card for card in cards) and any(c.isdigit() for c in cards)


def test_checksum_helpers_on_known_values() -> None:
    assert finance.iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not finance.iban_valid("GB82 WEST 1234 5698 7654 33")
    assert finance.iban_check_digits("DE", "370400440532013000") == "89"
    assert finance.luhn_valid("4111 1111 1111 1111") and finance.luhn_valid("3782-822463-10005")
    assert not finance.luhn_valid("4111-1111-1111-1112")
    assert finance.with_luhn_digit("7992739871") == "79927398713"


def parse_date(value: str) -> date | tuple[int, int]:
    """A full date, or (month, day) for a date written without a year."""
    for fmt in DATED_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    for fmt in YEARLESS_FORMATS:
        try:
            parsed = datetime.strptime(f"{value} 2000", f"{fmt} %Y")  # a leap year accepts 2/29
            return parsed.month, parsed.day
        except ValueError:
            pass
    raise AssertionError(f"unparseable planted date {value!r}")


def nearest(reference: date, month: int, day: int) -> date:
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:  # 2/29 outside a leap year
            pass
    return min(candidates, key=lambda candidate: abs(candidate - reference))


@pytest.mark.parametrize("domain", DOMAINS)
def test_dates_of_a_document_lie_within_21_days(domain: str) -> None:
    for row in rows(domain, "pii_gold.jsonl"):
        parsed = [parse_date(row["text"][s["start"] : s["end"]]) for s in row["spans"] if s["label"] == "DATE_TIME"]
        full = [value for value in parsed if isinstance(value, date)]
        partial = [value for value in parsed if isinstance(value, tuple)]
        if not parsed:
            continue
        reference = full[0] if full else date(2000, *partial[0])
        days = full + [nearest(reference, month, day) for month, day in partial]
        assert max(days) - min(days) <= timedelta(days=21), row["doc_id"]


def test_date_styles_render_their_own_key() -> None:
    for key, render in DATE_STYLES.items():
        assert render(date(2021, 3, 14)) == key


def test_builder_records_spans_and_keeps_dates_near_the_anchor() -> None:
    anchor = date(2021, 1, 5)
    builder = DocumentBuilder(Draw(7), anchor)
    slots = {"who": ["Dr. ", Pii("Ann Lee", "PERSON")], "when": lambda: builder.date(["2021-03-14"])}
    doc = builder.fill("Seen by {who} on {when}; back {when}.", slots).build()
    values = [(doc.text[s.start : s.end], s.label) for s in doc.spans]
    assert values[0] == ("Ann Lee", "PERSON") and [label for _, label in values] == ["PERSON", "DATE_TIME", "DATE_TIME"]
    spread = timedelta(days=DATE_SPREAD_DAYS)
    assert 2 * spread <= timedelta(days=21)
    draws = [date.fromisoformat(builder.date(["2021-03-14"]).value) for _ in range(200)]
    assert all(abs(day - anchor) <= spread for day in draws)
