"""Detection: Presidio analysis of documents into findings (offsets and types, never values).

Documents go through spaCy in batches (``nlp.pipe``). A document longer than ``CHUNK_CHARS`` is
cut into chunks that overlap by ``OVERLAP_CHARS``, so an identifier across a cut is still seen
whole by one chunk; detections from the overlaps are merged back into document offsets.

Chunks stream: spaCy holds at most ``BATCH_DOCUMENTS`` pieces (short documents or chunks) and
``CHUNKS_AT_ONCE`` chunks' worth of text at a time, so a 20 MB document costs the memory of four
chunks, not of all 200 (1.6 GB). Batches of ordinary documents are what they were: 32 distinct
MTSamples notes hold at most 187,326 characters. ``on_chunk`` hears of every chunk done.

Detection reads each document's case-restored view (casing.py), which has the text's offsets:
recognizers, plausibility checks and mention following all see a note written in capitals as
if it were written in lower case with its names capitalised.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.io import JsonlWriter, accept, check_counts, read_documents, require_documents
from dapt.privacy.casing import case_restored
from dapt.privacy.engine import LANGUAGE, configured_analyzer
from dapt.privacy.mentions import every_mention, name_words
from dapt.privacy.plausibility import SPACY, is_common_noun_here, is_plausible, recognizer_of
from dapt.progress import parts_progress, progress
from dapt.records import BadRow, Document, Finding

CHUNK_CHARS = 100_000
OVERLAP_CHARS = 500
BATCH_DOCUMENTS = 32
CHUNKS_AT_ONCE = 4
EDGE_CHARACTERS = " \t\n,;:.-/("  # trimmed from the parts of a container a nested detection splits
ChunkCallback = Callable[[Document, int, int], None]  # (document, chunks done, chunks in all)


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


class Piece(NamedTuple):
    """One chunk of a document's view (the whole of a short one), as spaCy gets it."""

    document: Document
    view: str  # the whole document's case-restored view
    start: int
    text: str
    number: int  # 1-based
    of: int  # the document's chunks


def _pieces(documents: Iterable[Document], chunk_chars: int, allowed: frozenset[str]) -> Iterator[Piece]:
    """Every document's chunks in order, each cut from its view only when it is needed."""
    for document in documents:
        view = case_restored(document.text, allowed)
        starts = chunk_starts(len(view), chunk_chars)
        for number, start in enumerate(starts, 1):
            yield Piece(document, view, start, view[start : start + chunk_chars], number, len(starts))


def _groups(pieces: Iterable[Piece], size: int, chars: int) -> Iterator[list[Piece]]:
    """Consecutive groups of at most ``size`` pieces that hold at most ``chars`` characters (a
    longer piece goes alone)."""
    group: list[Piece] = []
    held = 0
    for piece in pieces:
        if group and (len(group) == size or held + len(piece.text) > chars):
            yield group
            group, held = [], 0
        group.append(piece)
        held += len(piece.text)
    if group:
        yield group


def no_progress(document: Document, done: int, chunks: int) -> None:
    """The ``on_chunk`` that reports nothing."""


def merge_results(results: list[RecognizerResult], text: str, allowed: frozenset[str]) -> list[RecognizerResult]:
    """Plausible results, one per span, nested ones cut out of their containers, in text order
    (spaCy's were checked by their recognizer but for the words the whole document also writes in lower case;
    what is left of a container is checked again: ``HCP`` of spaCy's firm ``HCP Amanda`` around the person
    ``Amanda``)."""
    plausible = [r for r in results if _is_kept(r, text, allowed)]
    unique = EntityRecognizer.remove_duplicates(plausible)
    whole = {id(result) for result in unique}
    pieces = [
        r for r in cut_out_nested(unique, text)
        if id(r) in whole or is_plausible(r, text, allowed) and not is_common_noun_here(r, text)
    ]
    return one_per_span(sorted(pieces, key=lambda r: (r.start, -r.end)))


def _is_kept(result: RecognizerResult, text: str, allowed: frozenset[str]) -> bool:
    """A plausible result; spaCy's recognizer checked its own but for what only the whole document shows."""
    if recognizer_of(result) == SPACY:
        return not is_common_noun_here(result, text)
    return is_plausible(result, text, allowed)


def one_per_span(ordered: list[RecognizerResult]) -> list[RecognizerResult]:
    """Of results on the same span one: a pattern's or cue's type before spaCy's guess (``Lakeside General
    Hospital`` a HOSPITAL, not spaCy's firm), then the highest score, the last on a tie; ``ordered`` is
    sorted by span."""
    kept: list[RecognizerResult] = []
    for result in ordered:
        if kept and (kept[-1].start, kept[-1].end) == (result.start, result.end):
            if _rank(result) >= _rank(kept[-1]):
                kept[-1] = result
        else:
            kept.append(result)
    return kept


def _rank(result: RecognizerResult) -> tuple[bool, float]:
    return recognizer_of(result) != SPACY, result.score


def cut_out_nested(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """A detection inside a weaker spaCy entity of another type is kept, and the container keeps
    only its text around it (spaCy's DATE ``March 1, 2008 Sian Cowely`` around a PERSON becomes
    ``March 1, 2008``). The anonymizer would otherwise drop the inner one, and the container's
    operator (a date shift) leave the name in place."""
    ordered = sorted(results, key=lambda r: r.start)
    starts = [r.start for r in ordered]
    kept: list[RecognizerResult] = []
    for outer in results:
        inside = ordered[bisect_left(starts, outer.start) : bisect_right(starts, outer.end)]
        inner = [r for r in inside if _contains_weaker(outer, r)]
        kept += _around(outer, inner, text) if inner else [outer]
    return kept


def _around(outer: RecognizerResult, inner: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """The pieces of ``outer`` between and beside the ``inner`` detections (in start order)."""
    pieces, begin = [], outer.start
    for nested in inner:
        pieces.append((begin, nested.start))
        begin = max(begin, nested.end)
    pieces.append((begin, outer.end))
    return [part for start, end in pieces if start < end and (part := _part(outer, start, end, text)) is not None]


def _contains_weaker(outer: RecognizerResult, inner: RecognizerResult) -> bool:
    """Whether ``outer`` is a spaCy entity (whose borders are guesses; a pattern's, such as an
    e-mail around its domain, are not) around a detection of another type that scores as high."""
    return (recognizer_of(outer) == SPACY and outer.entity_type != inner.entity_type
            and outer.start <= inner.start and inner.end <= outer.end
            and (outer.start, outer.end) != (inner.start, inner.end) and inner.score >= outer.score)  # fmt: skip


def _part(outer: RecognizerResult, start: int, end: int, text: str) -> RecognizerResult | None:
    """``outer`` narrowed to ``text[start:end]`` without edge spaces and punctuation; None when
    fewer than two letters or digits are left (``W`` of spaCy's ``Woonsocket Hospital W``)."""
    piece = text[start:end]
    stripped = piece.strip(EDGE_CHARACTERS)
    if sum(c.isalnum() for c in stripped) < 2:
        return None
    begin = start + len(piece) - len(piece.lstrip(EDGE_CHARACTERS))
    return RecognizerResult(outer.entity_type, begin, begin + len(stripped), outer.score,
                            outer.analysis_explanation, outer.recognition_metadata)  # fmt: skip


def _shifted(result: RecognizerResult, offset: int) -> RecognizerResult:
    result.start += offset
    result.end += offset
    return result


class ChunkResults(NamedTuple):
    """The detections a chunk owns (document offsets, not yet checked or merged): those that
    start before ``end``; ``last`` on the document's last chunk. ``view`` is the document's
    case-restored view, which checks and merges read instead of its text."""

    document: Document
    view: str
    end: int
    results: list[RecognizerResult]
    last: bool


def detect_chunks(
    analyzer: AnalyzerEngine,
    documents: Iterable[Document],
    allow_list: Iterable[str],
    score_threshold: float,
    chunk_chars: int = CHUNK_CHARS,
    on_chunk: ChunkCallback = no_progress,
) -> Iterator[ChunkResults]:
    """Every chunk's own detections as soon as it is analyzed, in input order; ``on_chunk(document,
    done, chunks)`` after each. Streams: spaCy holds one group of pieces at a time (module docstring)."""
    allowed = frozenset(entry.lower() for entry in allow_list)  # is_plausible drops them, unless a cue says otherwise
    pieces = _pieces(documents, chunk_chars, allowed)
    for group in _groups(pieces, BATCH_DOCUMENTS, CHUNKS_AT_ONCE * chunk_chars):
        parsed = analyzer.nlp_engine.process_batch(
            [piece.text for piece in group], LANGUAGE, batch_size=BATCH_DOCUMENTS
        )
        for piece, (chunk, artifacts) in zip(group, parsed, strict=True):
            results = analyzer.analyze(
                chunk, LANGUAGE, nlp_artifacts=artifacts, score_threshold=score_threshold
            )
            lo, hi = owned_range(piece.start, len(chunk), len(piece.document.text))
            owned = [_shifted(r, piece.start) for r in results if lo <= r.start + piece.start < hi]
            on_chunk(piece.document, piece.number, piece.of)
            yield ChunkResults(piece.document, piece.view, hi, owned, piece.number == piece.of)


def detect(
    analyzer: AnalyzerEngine,
    documents: Iterable[Document],
    allow_list: Iterable[str],
    score_threshold: float,
    chunk_chars: int = CHUNK_CHARS,
    on_chunk: ChunkCallback = no_progress,
) -> Iterator[tuple[Document, list[RecognizerResult]]]:
    """Each document with its plausible detections (see plausibility.py), in input order, as soon
    as its last chunk is analyzed; the detections of a document are kept until it is done."""
    allow = list(allow_list)
    allowed = frozenset(entry.lower() for entry in allow)
    found: list[RecognizerResult] = []
    for chunk in detect_chunks(analyzer, documents, allow, score_threshold, chunk_chars, on_chunk):
        found.extend(chunk.results)
        if chunk.last:
            merged = merge_results(found, chunk.view, allowed)
            yield chunk.document, every_mention(merged, chunk.view, name_words(merged, chunk.view))
            found = []


def to_finding(doc_id: str, row: int, result: RecognizerResult) -> Finding:
    """The value-free record of one detection."""
    return Finding(
        doc_id, row, result.start, result.end, result.entity_type, round(result.score, 3), recognizer_of(result)
    )


def ordinal_id(document: Document) -> str:
    """A document id that says only where the document is: its record number."""
    return f"row-{document.row}"


def detect_file(
    source: Path, cfg: RunConfig, output: Path, document_id: Callable[[Document], str] = ordinal_id
) -> tuple[int, int, list[BadRow]]:
    """Write one finding per line for every usable document of ``source``, naming each document
    by ``document_id`` (never its raw id); return (documents, findings, bad rows). Bad rows are
    returned, not raised, when ``input.bad_rows`` is quarantine."""
    domain = load_domain(cfg.domain)
    analyzer = configured_analyzer(cfg)
    bad: list[BadRow] = []
    documents = accept(read_documents(source, cfg.input), cfg.input.bad_rows, bad)
    count = 0
    with JsonlWriter(output) as out, parts_progress("detecting") as report:
        pairs = detect(
            analyzer, documents, domain.allow_list, cfg.privacy.score_threshold,
            on_chunk=lambda document, done, chunks: report(document_id(document), done, chunks),
        )  # fmt: skip
        for document, results in progress(pairs, "detecting"):
            count += 1
            doc_id = document_id(document)
            for result in results:
                out.write(to_finding(doc_id, document.row, result).to_json())
    check_counts(source, count, len(bad))
    require_documents(source, count)
    return count, out.count, bad
