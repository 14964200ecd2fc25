"""One huge document: chunks stream through spaCy a few at a time with a report after each, find
what the whole text finds away from the chunk edges, and Presidio's anonymizer applied segment by
segment gives exactly what it gives on the whole text."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import EngineResult, OperatorConfig

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.io import JsonlWriter
from dapt.privacy import anonymize as anonymize_module
from dapt.privacy.anonymize import RowPart, anonymized_parts
from dapt.privacy.detect import (
    CHUNKS_AT_ONCE,
    OVERLAP_CHARS,
    ChunkCallback,
    chunk_starts,
    detect,
    merge_results,
    no_progress,
)
from dapt.privacy.engine import analyzer_for
from dapt.privacy.mentions import MENTION
from dapt.privacy.replace_fast import anonymize_in_segments, cuts
from dapt.records import Document

NOTES = 40  # medical sample notes of ~600 characters, with names, dates, numbers and addresses
SMALL_CHUNK = 4_000  # the joined notes make 7 chunks of it
ONE_CHUNK = 1_000_000
EDGE = 150  # findings this close to a chunk's start or end may see other context (NER windows, context words)
Finding = tuple[str, int, int, str]


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return analyzer_for("medical", run_config("medical", None, {}).privacy.spacy_model)


@pytest.fixture(scope="module")
def notes() -> list[str]:
    with load_domain("medical").sample.corpus.open(encoding="utf-8") as rows:
        return [json.loads(row)["text"] for row, _ in zip(rows, range(NOTES))]


def _detect(
    analyzer: AnalyzerEngine, documents: list[Document], chunk_chars: int, on_chunk: ChunkCallback = no_progress
) -> Iterator[tuple[Document, list[RecognizerResult]]]:
    threshold = run_config("medical", None, {}).privacy.score_threshold
    return detect(analyzer, documents, load_domain("medical").allow_list, threshold, chunk_chars, on_chunk)


def _findings(analyzer: AnalyzerEngine, text: str, chunk_chars: int) -> list[Finding]:
    [(_, results)] = _detect(analyzer, [Document("doc", text)], chunk_chars)
    return [(r.entity_type, r.start, r.end, r.recognition_metadata["recognizer_name"]) for r in results]


def _away_from_edges(findings: list[Finding], edges: list[int]) -> list[Finding]:
    return [f for f in findings if all(abs(f[1] - edge) > EDGE and abs(f[2] - edge) > EDGE for edge in edges)]


def test_when_a_document_spans_many_chunks_then_findings_away_from_the_edges_are_those_of_the_whole_text(
    analyzer: AnalyzerEngine, notes: list[str]
) -> None:
    text = "\n\n".join(notes)
    starts = chunk_starts(len(text), SMALL_CHUNK)
    assert len(starts) >= 6
    edges = [edge for start in starts for edge in (start, start + SMALL_CHUNK, start + OVERLAP_CHARS // 2)]
    chunked = _away_from_edges(_findings(analyzer, text, SMALL_CHUNK), edges)
    whole = _away_from_edges(_findings(analyzer, text, ONE_CHUNK), edges)
    assert len(whole) >= 100  # names, dates, record numbers, addresses of 40 notes
    assert chunked == whole


def test_when_chunks_are_analyzed_then_each_is_reported_and_spacy_holds_only_a_few(
    analyzer: AnalyzerEngine, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n\n".join(notes)
    chunks = len(chunk_starts(len(text), SMALL_CHUNK))
    documents = [Document("short", notes[0]), Document("huge", text), Document("last", notes[1])]
    handed: list[int] = []  # how many texts spaCy got in each call
    process_batch = analyzer.nlp_engine.process_batch

    def counting(texts: list[str], *args: object, **kwargs: object) -> Iterator[tuple[str, object]]:
        handed.append(len(texts))
        return process_batch(texts, *args, **kwargs)

    monkeypatch.setattr(analyzer.nlp_engine, "process_batch", counting)
    events: list[tuple[str, int, int] | str] = []
    pairs = _detect(analyzer, documents, SMALL_CHUNK, lambda doc, done, of: events.append((doc.id, done, of)))
    for document, _ in pairs:
        events.append(f"yielded {document.id}")
    huge = [("huge", done, chunks) for done in range(1, chunks + 1)]
    assert events == [("short", 1, 1), "yielded short", *huge, "yielded huge", ("last", 1, 1), "yielded last"]
    assert max(handed) <= CHUNKS_AT_ONCE and sum(handed) == chunks + 2


# fmt: off
GAPS = [
    " ",     # one space: the engine joins two detections of one type
    "   ",   # spaces
    " \n",   # spaces and a final line break: Presidio's ``$`` still joins them
    "\n",    # a line break alone
    ", ",    # punctuation
    " and ",  # words
    "",      # touching
]
# fmt: on
TYPES = ["PERSON", "LOCATION", "DATE_TIME", "PHONE_NUMBER"]
SCORES = [0.0, 0.3, 0.5, 0.85, 1.0]


def _random_case(rng: random.Random) -> tuple[str, list[RecognizerResult]]:
    """A text of words and gaps with detections over words: some overlap, contain or repeat
    others, some of one type sit a space apart."""
    words = [rng.choice(["Ann", "Lee", "12/03/2019", "Houston", "617-555-0134", "x"]) for _ in range(rng.randint(1, 60))]
    text, spans = "", []
    for word in words:
        text += rng.choice(GAPS)
        spans.append((len(text), len(text) + len(word)))
        text += word
    text += rng.choice(GAPS)
    results = []
    for _ in range(rng.randint(1, 40)):
        first = rng.randrange(len(spans))
        last = min(len(spans) - 1, first + rng.choice([0, 0, 0, 1, 2]))
        results.append(RecognizerResult(rng.choice(TYPES), spans[first][0], spans[last][1], rng.choice(SCORES)))
    if rng.random() < 0.3:  # an exact repeat, and the same span with another type
        again = rng.choice(results)
        results.append(RecognizerResult(again.entity_type, again.start, again.end, again.score))
        results.append(RecognizerResult(rng.choice(TYPES), again.start, again.end, again.score))
    return text, results


def _operators(calls: list[str]) -> dict[str, OperatorConfig]:
    """One of each kind the domains use; the custom one records the order it is called in."""

    def surrogate(value: str) -> str:
        calls.append(value)
        return f"<{value[::-1]}{len(calls)}>"

    return {
        "PERSON": OperatorConfig("custom", {"lambda": surrogate}),
        "LOCATION": OperatorConfig("replace", {"new_value": "<LOCATION>"}),
        "DATE_TIME": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 10_000, "from_end": False}),
    }


def _outcome(result: EngineResult) -> tuple[str, list[tuple[int, int, str, str, str]]]:
    return result.text, [(i.start, i.end, i.entity_type, i.text, i.operator) for i in result.items]


@pytest.mark.parametrize("seed", range(300))
def test_when_replacing_segment_by_segment_then_text_items_and_operator_calls_are_the_engine_s(seed: int) -> None:
    rng = random.Random(seed)
    text, results = _random_case(rng)
    segment_chars = rng.choice([1, 5, 20, 10_000])
    engine = AnonymizerEngine()
    whole_calls: list[str] = []
    whole = engine.anonymize(text=text, analyzer_results=results, operators=_operators(whole_calls))
    segmented_calls: list[str] = []
    segmented = anonymize_in_segments(engine, text, results, _operators(segmented_calls), segment_chars)
    assert _outcome(segmented) == _outcome(whole)
    assert segmented_calls == whole_calls


def test_when_detections_are_far_apart_then_the_text_is_cut_between_them_and_never_across_one() -> None:
    text = "Ann Lee met Bob. " * 2_000
    results = [RecognizerResult("PERSON", start, start + 7, 0.9) for start in range(0, len(text), 17)]
    bounds = cuts(text, results, 1_000)
    assert len(bounds) > 30 and bounds[0] == 0 and bounds[-1] == len(text)
    assert not any(r.start < bound < r.end for r in results for bound in bounds)


def test_when_a_huge_document_has_many_detections_then_merging_them_compares_each_with_few_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Presidio 2.2.366's ``remove_duplicates`` is a sorted sweep (older ones compared every pair):
    ``merge_results`` of a 20 MB document's 29,000 detections takes about a second, not minutes."""
    comparisons = 0
    contained_in = RecognizerResult.contained_in

    def counted(self: RecognizerResult, other: RecognizerResult) -> bool:
        nonlocal comparisons
        comparisons += 1
        return contained_in(self, other)

    monkeypatch.setattr(RecognizerResult, "contained_in", counted)
    rng = random.Random(0)
    text = "Ann Lee met Bob on 12/03/2019. " * 2_000
    starts = range(0, len(text), 31)
    results = [RecognizerResult(rng.choice(TYPES[:2]), start, start + 7, rng.choice(SCORES[1:])) for start in starts]
    results += [RecognizerResult(r.entity_type, r.start, r.start + 3, r.score) for r in results]  # each contained once
    merged = merge_results(results, text, frozenset())
    assert len(merged) == len(starts)
    assert comparisons <= 2 * len(results)


def _row(parts: list[RowPart]) -> dict:
    """The JSON line ``write_outputs`` makes of one document's parts."""
    buffer = io.StringIO()
    writer = JsonlWriter.__new__(JsonlWriter)
    writer._handle, writer.count = buffer, 0
    for part in parts:
        if part.head is not None:
            writer.open_row(part.head, "text")
        writer.write_text(part.text)
        if part.tail is not None:
            writer.close_row(part.tail)
    return json.loads(buffer.getvalue())


def test_when_a_huge_document_is_anonymized_then_it_is_written_chunk_by_chunk_as_the_whole_text_would_be(
    notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked with mention-following off: it follows a name back to earlier mentions in the whole
    text but only within a chunk when cut (the next test)."""
    monkeypatch.setattr(anonymize_module, "every_mention", lambda results, *_: results)
    text = "\n\n".join(notes)
    cfg = run_config("medical", None, {})
    document = Document("huge", text, group="p1")
    chunked = list(anonymized_parts([document], cfg, b"k" * 32, chunk_chars=SMALL_CHUNK))
    [whole] = anonymized_parts([document], cfg, b"k" * 32, chunk_chars=ONE_CHUNK)
    assert len(chunked) == len(chunk_starts(len(text), SMALL_CHUNK)) > 5  # one part per chunk, written as it comes
    assert chunked[0].head is not None and all(part.head is None for part in chunked[1:])
    assert chunked[-1].tail is not None and all(part.tail is None for part in chunked[:-1])
    row, whole_row = _row(chunked), _row([whole])
    # The same stretches are replaced and every other character is kept; a surrogate may differ
    # where the whole text holds a value it must avoid (SurrogateFactory.surrogate).
    assert _kept(row) == _kept(whole_row) and len(row["replaced"]) == len(whole_row["replaced"]) > 100
    assert (row["id"], row["row"]) == (whole_row["id"], 0) and row["text"] != text
    assert sum(len(part.findings) for part in chunked) == len(whole.findings)


def test_when_a_huge_document_is_cut_into_chunks_then_names_are_followed_to_later_mentions(notes: list[str]) -> None:
    text = "\n\n".join(notes)
    cfg = run_config("medical", None, {})
    document = Document("huge", text, group="p1")
    chunked = list(anonymized_parts([document], cfg, b"k" * 32, chunk_chars=SMALL_CHUNK))
    [whole] = anonymized_parts([document], cfg, b"k" * 32, chunk_chars=ONE_CHUNK)

    def spans(parts: list[RowPart], followed: bool) -> set[tuple[int, int, str]]:
        return {(f.start, f.end, f.entity_type) for part in parts for f in part.findings
                if (f.recognizer == MENTION) is followed}  # fmt: skip

    assert spans(chunked, followed=False) == spans([whole], followed=False)
    assert spans(chunked, followed=True) and spans(chunked, followed=True) <= spans([whole], followed=True)


def _kept(row: dict) -> list[str]:
    """The stretches of an output row's text between its replacements."""
    bounds = [0, *(offset for span in row["replaced"] for offset in span[:2]), len(row["text"])]
    return [row["text"][start:end] for start, end in zip(bounds[::2], bounds[1::2])]
