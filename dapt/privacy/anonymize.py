"""Stage 3: replace every detected identifier with its policy's operator.

Surrogates are consistent across the corpus (HMAC-keyed), dates move by a secret per-document
offset that keeps intervals and formats. The output keeps, per document, where replacements were
put (offsets only), so the residual scan can tell surrogates from leftovers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from presidio_analyzer import RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from dapt.config import RunConfig
from dapt.domains.base import DomainPlugin, load_domain
from dapt.io import (
    JsonlWriter,
    accept,
    check_counts,
    read_documents,
    read_examples,
    require_documents,
    write_jsonl,
)
from dapt.privacy.detect import (
    CHUNK_CHARS,
    ChunkCallback,
    ChunkResults,
    detect_chunks,
    merge_results,
    no_progress,
    to_finding,
)
from dapt.privacy.engine import configured_analyzer
from dapt.privacy.keys import load_key, pseudonym
from dapt.privacy.mentions import every_mention, name_words
from dapt.privacy.operators.date_shift import document_offset, document_year, shift_dates
from dapt.privacy.operators.name_spans import extend_person_spans
from dapt.privacy.operators.surrogate import SurrogateFactory
from dapt.privacy.replace_fast import anonymize_in_segments
from dapt.progress import parts_progress, progress
from dapt.records import BadRow, Document, Example, Exchange, Finding
from dapt.runs import RunFolder

Replacement = list[int | str]  # [start, end, entity type] of one replacement in the anonymized text

Kind = Literal["corpus", "task", "eval"]
DATE_PLACEHOLDER = "[DATE]"
Row = dict[str, object]  # one line of an anonymized file


@dataclass(frozen=True)
class AnonymizeResult:
    """Counts of one anonymized input; no values."""

    kind: Kind
    documents_in: int
    documents_out: int
    quarantined: int
    findings: int
    entities: dict[str, int] = field(default_factory=dict)
    operators: dict[str, int] = field(default_factory=dict)


class Replacer:
    """Applies a domain's policy to one text's detections."""

    def __init__(self, domain: DomainPlugin, key: bytes, min_days: int, max_days: int) -> None:
        self._domain = domain
        self._key = key
        self._days = (min_days, max_days)
        self._surrogates = SurrogateFactory(key)
        self._engine = AnonymizerEngine()

    def _shift(self, days: int, year: int, value: str) -> str:
        shifted = shift_dates(value, days, reference_year=year)
        return DATE_PLACEHOLDER if shifted is None else shifted

    def _surrogate(self, entity_type: str, avoid: frozenset[str], value: str) -> str:
        return self._surrogates.surrogate(entity_type, value, avoid) if value else value

    def _operator(self, entity_type: str, days: int, year: int, avoid: frozenset[str]) -> OperatorConfig:
        name = self._domain.operator_for(entity_type)
        function: Callable[[str], str]
        if name == "mask":
            return OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 10_000, "from_end": False})
        if name == "redact":
            return OperatorConfig("replace", {"new_value": f"<{entity_type}>"})
        if name == "date_shift":
            function = partial(self._shift, days, year)
        else:
            function = partial(self._surrogate, entity_type, avoid)
        return OperatorConfig("custom", {"lambda": function})

    def replace(self, group: str, text: str, results: list[RecognizerResult]) -> tuple[str, list[Replacement]]:
        """The anonymized text and the [start, end, entity type] of every replacement in it.

        A PERSON detection first grows over the rest of its name; year-less dates shift inside
        the first year the document's dates write.
        """
        if not results:
            return text, []
        results = extend_person_spans(text, results)
        days = document_offset(self._key, group, *self._days)
        in_order = sorted(results, key=lambda result: result.start)
        year = document_year(text[r.start : r.end] for r in in_order if r.entity_type == "DATE_TIME")
        originals = {text[r.start : r.end].lower() for r in results}
        avoid = frozenset(originals | {word for value in originals for word in value.split()})
        operators = {entity: self._operator(entity, days, year, avoid) for entity in {r.entity_type for r in results}}
        outcome = anonymize_in_segments(self._engine, text, results, operators)
        return outcome.text, sorted([item.start, item.end, item.entity_type] for item in outcome.items)


@dataclass(frozen=True)
class Outputs:
    """Where one anonymized input goes: text, value-free findings, and unusable rows."""

    anonymized: Path
    findings: Path
    quarantine: Path

    @classmethod
    def beside(cls, output: Path) -> Outputs:
        """``OUT.jsonl`` with ``OUT.findings.jsonl`` and ``OUT.quarantine.jsonl`` next to it."""
        stem = output.with_suffix("")
        return cls(output, stem.with_name(f"{stem.name}.findings.jsonl"), stem.with_name(f"{stem.name}.quarantine.jsonl"))

    @classmethod
    def in_run(cls, run: RunFolder, kind: Kind) -> Outputs:
        return cls(run.anonymized(kind), run.findings(kind), run.quarantine(kind))


@dataclass(frozen=True)
class Written:
    """What an anonymization cut short had written whole: rows up to record ``last_row``, and
    the findings of those rows."""

    rows: int = 0
    last_row: int = -1
    findings: int = 0
    entities: Counter[str] = field(default_factory=Counter)


def whole_lines(path: Path, keep: Callable[[dict[str, object]], bool]) -> tuple[list[dict[str, object]], int]:
    """The leading lines of ``path`` that are whole (newline-ended) and pass ``keep``, parsed, and
    the bytes they take; a line cut off by a kill, and all after the first rejected, are not."""
    rows, size = [], 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n") or not keep(row := json.loads(line)):
                break
            rows.append(row)
            size += len(line)
    return rows, size


def keep_whole_rows(outputs: Outputs) -> Written:
    """Cut the outputs of an anonymization that was stopped back to its last whole row, with the
    findings of the rows kept (they are flushed before their row closes); what is left."""
    if not outputs.anonymized.is_file() or not outputs.findings.is_file():
        return Written()
    rows, size = whole_lines(outputs.anonymized, lambda row: True)
    last_row = int(rows[-1]["row"]) if rows else -1
    findings, findings_size = whole_lines(outputs.findings, lambda finding: int(finding["row"]) <= last_row)
    for path, kept in ((outputs.anonymized, size), (outputs.findings, findings_size)):
        with path.open("r+b") as handle:
            handle.truncate(kept)
    return Written(len(rows), last_row, len(findings), Counter(str(f["entity_type"]) for f in findings))


def read_records(source: Path, kind: Kind, cfg: RunConfig, bad: list[BadRow]) -> Iterator[Document | Example]:
    """The usable records of one input; unusable ones go to ``bad`` or stop the run (per config)."""
    reader = read_documents if kind == "corpus" else read_examples
    return accept(reader(source, cfg.input), cfg.input.bad_rows, bad)


@dataclass(frozen=True)
class RowPart:
    """A stretch of one output row, written as it comes: the first part of a row opens it
    (``head``: keyed id and row number), the last closes it (``tail``: replaced offsets, label)."""

    head: Row | None
    text: str
    findings: list[Finding]
    tail: Row | None


class DocumentParts:
    """Turns the chunks of one document into row parts: each chunk's detections are replaced in
    the stretch of text up to the chunk's end (or the end of a detection across it), so a huge
    document is written as it is analyzed and never held twice."""

    def __init__(self, record: Document | Example, doc_id: str) -> None:
        self.record = record
        self.doc_id = doc_id
        self.cursor = 0  # the input text before this offset is written
        self.written = 0  # characters of output text written
        self.replaced: list[Replacement] = []
        self.names: dict[str, float] = {}  # words of the names found so far, followed to later mentions

    def part(self, chunk: ChunkResults, replacer: Replacer, allowed: frozenset[str]) -> RowPart:
        """The next part: the text up to ``chunk``'s end, anonymized, with its findings."""
        text, view = self.record.text, chunk.view
        merged = [r for r in merge_results(chunk.results, view, allowed) if r.end > self.cursor]
        cut = len(text) if chunk.last else max([chunk.end, *(r.end for r in merged)])
        self.names |= name_words(merged, view)
        results = every_mention(merged, view, self.names, self.cursor, cut)
        findings = [to_finding(self.doc_id, self.record.row, result) for result in results]
        for result in results:  # to the offsets of the stretch; one begun before it keeps its rest
            result.start, result.end = max(result.start, self.cursor) - self.cursor, result.end - self.cursor
        new_text, offsets = replacer.replace(self.record.group or self.record.id, text[self.cursor : cut], results)
        self.replaced += [[start + self.written, end + self.written, kind] for start, end, kind in offsets]
        head = {"id": self.doc_id, "row": self.record.row} if self.cursor == 0 else None
        self.cursor, self.written = cut, self.written + len(new_text)
        return RowPart(head, new_text, findings, self._tail() if chunk.last else None)

    def _tail(self) -> Row:
        label = {"label": self.record.label} if isinstance(self.record, Example) else {}
        return {"replaced": self.replaced, **label}


def anonymized_parts(
    records: Iterable[Document | Example],
    cfg: RunConfig,
    key: bytes,
    on_chunk: ChunkCallback = no_progress,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[RowPart]:
    """Every record's output row (keyed id, row, text, replaced offsets, [label]) in parts, with
    their findings, in input order; streaming, a huge document chunk by chunk. The raw id never
    leaves: only its keyed pseudonym does."""
    domain = load_domain(cfg.domain)
    analyzer = configured_analyzer(cfg)
    replacer = Replacer(domain, key, cfg.privacy.date_shift_min_days, cfg.privacy.date_shift_max_days)
    allowed = domain.allowed_words
    document: DocumentParts | None = None
    chunks = detect_chunks(analyzer, records, domain.allow_list, cfg.privacy.score_threshold, chunk_chars, on_chunk)
    for chunk in chunks:
        if document is None or document.record is not chunk.document:
            document = DocumentParts(chunk.document, pseudonym(key, chunk.document.id))
        yield document.part(chunk, replacer, allowed)


def anonymize_exchanges(
    exchanges: list[Exchange], fields: list[str], cfg: RunConfig, key: bytes
) -> tuple[list[Exchange], Counter[str]]:
    """The exchanges with ``fields`` anonymized, each text as a document of its record's group (a
    date moves by the same offset in a prompt and its answer; a name gets the same surrogate
    everywhere under the key), and the replacements per entity type (no values)."""
    documents = [
        Document(f"{exchange.row}:{field}", exchange.texts[field], exchange.group or str(exchange.row), exchange.row)
        for exchange in exchanges for field in fields
    ]  # fmt: skip
    texts: list[str] = []
    entities: Counter[str] = Counter()
    for part in anonymized_parts(documents, cfg, key):
        texts += [""] if part.head is not None else []
        texts[-1] += part.text
        entities.update(finding.entity_type for finding in part.findings)
    replaced = iter(texts)
    anonymized = [Exchange(exchange.texts | {field: next(replaced) for field in fields}, exchange.row, exchange.group)
                  for exchange in exchanges]  # fmt: skip
    return anonymized, entities


def write_outputs(
    parts: Iterable[RowPart],
    bad: list[BadRow],
    kind: Kind,
    cfg: RunConfig,
    outputs: Outputs,
    source: Path,
    written: Written | None = None,
) -> AnonymizeResult:
    """Write rows and findings as they come (after what is ``written`` already, when resuming),
    then the quarantine (complete once ``parts`` is); count, and check the counts against the
    records of ``source``, counted independently."""
    entities = Counter(written.entities) if written else Counter[str]()
    with (
        JsonlWriter(outputs.anonymized, written and written.rows) as out,
        JsonlWriter(outputs.findings, written and written.findings) as found,
    ):
        for part in progress(parts, f"anonymizing {kind}"):
            if part.head is not None:
                out.open_row(part.head, "text")
            out.write_text(part.text)
            if part.tail is not None:
                found.flush()  # a row that reaches the disk whole has its findings there before it
                out.close_row(part.tail)
            for finding in part.findings:
                found.write(finding.to_json())
            entities.update(finding.entity_type for finding in part.findings)
    write_jsonl(outputs.quarantine, (row.to_json() for row in bad))
    domain = load_domain(cfg.domain)
    operators: Counter[str] = Counter()
    for entity, count in entities.items():
        operators[domain.operator_for(entity)] += count
    records_in = check_counts(source, out.count, len(bad))
    require_documents(source, out.count, outputs.quarantine)
    return AnonymizeResult(kind, records_in, out.count, len(bad), found.count, dict(entities), dict(operators))


def anonymize_source(
    source: Path, kind: Kind, cfg: RunConfig, key: bytes, outputs: Outputs, resume: bool = False
) -> AnonymizeResult:
    """Detect and replace in every record of ``source``, streaming, with a bar per huge document;
    write the three outputs and check that every record of the file is written or quarantined.
    With ``resume``, whole rows a stopped run wrote are kept and their records not read again."""
    bad: list[BadRow] = []
    written = keep_whole_rows(outputs) if resume else Written()
    with parts_progress(f"anonymizing {kind}") as report:
        on_chunk = lambda document, done, chunks: report(f"row {document.row + 1}", done, chunks)  # noqa: E731
        records = (record for record in read_records(source, kind, cfg, bad) if record.row > written.last_row)
        parts = anonymized_parts(records, cfg, key, on_chunk)
        return write_outputs(parts, bad, kind, cfg, outputs, source, written)


def anonymize(
    source: Path, kind: Kind, cfg: RunConfig, key_file: Path | None, run: RunFolder, resume: bool = False
) -> AnonymizeResult:
    """Anonymize one input file (corpus, task or eval) into the run folder; with ``resume``, go on
    after the whole rows a stopped run of the same settings wrote.

    Writes ``data/<kind>.anonymized.jsonl`` (keyed id, row, text, [label], replaced offsets),
    ``privacy/<kind>.findings.jsonl`` (no values) and ``data/<kind>.quarantine.jsonl``. The corpus
    goes to Dask workers when ``privacy.workers`` > 1 or ``privacy.dask_address`` is set.
    """
    from dapt.privacy.scale import Cluster, anonymize_partitioned  # scale.py builds on this module

    outputs = Outputs.in_run(run, kind)
    cluster = Cluster(cfg.privacy.workers, cfg.privacy.dask_address)
    if kind == "corpus" and cluster.scales_out and not resume:
        return anonymize_partitioned(source, kind, cfg, key_file, outputs, cluster)
    return anonymize_source(source, kind, cfg, load_key(key_file), outputs, resume)
