"""The ICU nursing-note generator: deterministic, exact gold spans, realistic case and shorthand mix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dapt.privacy.evaluate import read_gold
from dapt.privacy.nursing_notes import LABELS, MAX_WORDS, MIN_WORDS, generate_notes, main, write_notes

NOTES = 300
SHORTHAND_NEVER_PHI = ("TOL", "NEO", "MAE", "PERRLA", "NPO", "FOLEY", "PRBC", "CXR", "ETT", "GTT", "LEVO", "RN")


@pytest.fixture(scope="module")
def notes() -> list[dict]:
    return generate_notes(NOTES, seed=7)


def _span_texts(note: dict) -> list[str]:
    return [note["text"][span["start"] : span["end"]] for span in note["spans"]]


def test_when_the_seed_is_the_same_then_the_notes_are_identical() -> None:
    assert generate_notes(20, seed=3) == generate_notes(20, seed=3)


def test_when_the_seed_differs_then_the_notes_differ() -> None:
    first, second = generate_notes(20, seed=3), generate_notes(20, seed=4)
    assert [n["text"] for n in first] != [n["text"] for n in second]


def test_when_notes_are_generated_then_spans_are_sorted_disjoint_labelled_and_trimmed(notes: list[dict]) -> None:
    for note in notes:
        previous_end = 0
        for span in note["spans"]:
            assert 0 <= previous_end <= span["start"] < span["end"] <= len(note["text"]), note["doc_id"]
            assert span["label"] in LABELS
            value = note["text"][span["start"] : span["end"]]
            assert value.strip() == value and value, (note["doc_id"], value)
            previous_end = span["end"]


def test_when_notes_are_generated_then_each_has_a_unique_id_and_a_note_length(notes: list[dict]) -> None:
    assert len({note["doc_id"] for note in notes}) == NOTES
    assert all(MIN_WORDS <= len(note["text"].split()) <= MAX_WORDS for note in notes)


def test_when_300_notes_are_generated_then_between_a_fifth_and_half_are_in_capitals(notes: list[dict]) -> None:
    capitals = sum(note["text"] == note["text"].upper() for note in notes)
    assert 0.2 <= capitals / NOTES <= 0.5


def test_when_300_notes_are_generated_then_every_label_appears(notes: list[dict]) -> None:
    assert {span["label"] for note in notes for span in note["spans"]} == LABELS


def test_when_300_notes_are_generated_then_some_have_no_personal_data(notes: list[dict]) -> None:
    assert any(not note["spans"] for note in notes)


def test_when_shorthand_occurs_then_it_is_never_inside_a_gold_span(notes: list[dict]) -> None:
    for word in SHORTHAND_NEVER_PHI:
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        hits = [(note, match) for note in notes for match in pattern.finditer(note["text"])]
        assert hits, word
        for note, match in hits:
            inside = [s for s in note["spans"] if s["start"] < match.end() and match.start() < s["end"]]
            assert not inside, (word, note["doc_id"])


def test_when_a_word_can_be_a_name_then_it_occurs_both_as_a_word_and_as_a_name(notes: list[dict]) -> None:
    for word in ("will", "hope"):
        names = [t for note in notes for t in _span_texts(note) if t.lower() == word]
        words = sum(len(re.findall(rf"\b{word}\b", note["text"], re.IGNORECASE)) for note in notes)
        assert names and words > len(names), word


def test_when_a_name_recurs_in_a_note_then_somewhere_it_has_two_casings(notes: list[dict]) -> None:
    def two_casings(note: dict) -> bool:
        values = [t for t, s in zip(_span_texts(note), note["spans"]) if s["label"] == "PERSON"]
        return any(len({v for v in values if v.lower() == key}) > 1 for key in {v.lower() for v in values})

    assert any(two_casings(note) for note in notes)


def test_when_notes_are_written_then_each_line_is_a_gold_row(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    assert write_notes(path, 10, seed=2) == 10
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows == generate_notes(10, seed=2)
    assert all(set(row) == {"doc_id", "text", "spans"} for row in rows)
    assert all(set(span) == {"start", "end", "label"} for row in rows for span in row["spans"])
    gold = list(read_gold(path))  # what `dapt privacy evaluate --gold` reads
    assert [len(document.spans) for document in gold] == [len(row["spans"]) for row in rows]


def test_when_the_command_line_is_used_then_it_writes_the_requested_notes(tmp_path: Path) -> None:
    out = tmp_path / "out" / "notes.jsonl"
    assert main(["--count", "5", "--seed", "1", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
