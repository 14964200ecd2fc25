"""Detection: Presidio analysis of documents into findings (offsets and types, never values).

Documents go through spaCy in batches (``nlp.pipe``). A document longer than ``CHUNK_CHARS`` is
cut into chunks that overlap by ``OVERLAP_CHARS``, so an identifier across a cut is still seen
whole by one chunk; detections from the overlaps are merged back into document offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.io import JsonlWriter, accept, read_documents
from dapt.privacy.engine import LANGUAGE, analyzer_for
from dapt.privacy.plausibility import SPACY, is_plausible, recognizer_of
from dapt.progress import progress
from dapt.records import BadRow, Document, Finding

CHUNK_CHARS = 100_000
OVERLAP_CHARS = 500
BATCH_DOCUMENTS = 32


def chunk_starts(length: int, chunk_chars: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[int]:
    """Start offsets of chunks of at most ``chunk_chars`` that overlap by ``overlap``."""
    step = chunk_chars - overlap
    return list(range(0, max(length - overlap, 1), step))


def owned_range(start: int, length: int, document_length: int) -> tuple[int, int]:
    """The part of a chunk whose detections count: up to the middle of each overlap, so a value
    cut at a chunk's edge is taken from the neighbour that holds it whole."""
    half = OVERLAP_CHARS // 2
    lo = start + half if start > 0 else 0
    hi = start + length - half if start + length < document_length else document_length
    return lo, hi


def _chunks(text: str, chunk_chars: int) -> Iterator[tuple[int, str]]:
    for start in chunk_starts(len(text), chunk_chars):
        yield start, text[start : start + chunk_chars]


def _merge(results: list[RecognizerResult], text: str, allowed: frozenset[str]) -> list[RecognizerResult]:
    """Plausible results, deduplicated, in text order (spaCy's were checked by their recognizer)."""
    plausible = [r for r in results if recognizer_of(r) == SPACY or is_plausible(r, text, allowed)]
    return sorted(EntityRecognizer.remove_duplicates(plausible), key=lambda r: (r.start, -r.end))


def _shifted(result: RecognizerResult, offset: int) -> RecognizerResult:
    result.start += offset
    result.end += offset
    return result


def batched(items: Iterable[Document], size: int) -> Iterator[tuple[Document, ...]]:
    """Consecutive tuples of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def detect(
    analyzer: AnalyzerEngine,
    documents: Iterable[Document],
    allow_list: Iterable[str],
    score_threshold: float,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[tuple[Document, list[RecognizerResult]]]:
    """Each document with its plausible detections (see plausibility.py), in input order.
    Streams: holds one batch of documents at a time."""
    allow = list(allow_list)
    allowed = frozenset(entry.lower() for entry in allow)
    for batch in batched(documents, BATCH_DOCUMENTS):
        pieces = [(index, start, chunk) for index, doc in enumerate(batch) for start, chunk in _chunks(doc.text, chunk_chars)]
        found: list[list[RecognizerResult]] = [[] for _ in batch]
        parsed = analyzer.nlp_engine.process_batch([chunk for _, _, chunk in pieces], LANGUAGE, batch_size=BATCH_DOCUMENTS)
        for (index, start, _), (chunk, artifacts) in zip(pieces, parsed, strict=True):
            results = analyzer.analyze(
                chunk, LANGUAGE, nlp_artifacts=artifacts, allow_list=allow or None, score_threshold=score_threshold
            )
            lo, hi = owned_range(start, len(chunk), len(batch[index].text))
            found[index].extend(_shifted(r, start) for r in results if lo <= r.start + start < hi)
        for doc, results in zip(batch, found, strict=True):
            yield doc, _merge(results, doc.text, allowed)


def to_finding(doc_id: str, result: RecognizerResult) -> Finding:
    """The value-free record of one detection."""
    return Finding(doc_id, result.start, result.end, result.entity_type, round(result.score, 3), recognizer_of(result))


def detect_file(source: Path, cfg: RunConfig, output: Path) -> tuple[int, int, list[BadRow]]:
    """Write one finding per line for every usable document of ``source``; return (documents,
    findings, bad rows). Bad rows are returned, not raised, when ``input.bad_rows`` is quarantine."""
    domain = load_domain(cfg.domain)
    analyzer = analyzer_for(cfg.domain, cfg.privacy.spacy_model)
    bad: list[BadRow] = []
    documents = accept(read_documents(source, cfg.input), cfg.input.bad_rows, bad)
    pairs = detect(analyzer, documents, domain.allow_list, cfg.privacy.score_threshold)
    count = 0
    with JsonlWriter(output) as out:
        for document, results in progress(pairs, "detecting"):
            count += 1
            for result in results:
                out.write(to_finding(document.id, result).to_json())
    return count, out.count, bad
