"""Stage 3: replace every detected identifier with its policy's operator.

Surrogates are consistent across the corpus (HMAC-keyed), dates move by a secret per-document
offset that keeps intervals and formats. The output keeps, per document, where replacements were
put (offsets only), so the residual scan can tell surrogates from leftovers.
"""

from __future__ import annotations

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
from dapt.io import JsonlWriter, accept, read_documents, read_examples, write_jsonl
from dapt.privacy.detect import detect, to_finding
from dapt.privacy.engine import analyzer_for
from dapt.privacy.keys import load_key
from dapt.privacy.operators.date_shift import document_offset, shift_dates
from dapt.privacy.operators.surrogate import SurrogateFactory
from dapt.progress import progress
from dapt.records import BadRow, Document, Example, Finding

Kind = Literal["corpus", "task", "eval"]
DATE_PLACEHOLDER = "[DATE]"
Row = dict[str, object]  # one line of an anonymized file


def anonymized_path(run_dir: Path, kind: Kind) -> Path:
    return run_dir / "data" / f"{kind}.anonymized.jsonl"


def findings_path(run_dir: Path, kind: Kind) -> Path:
    return run_dir / "privacy" / f"{kind}.findings.jsonl"


def quarantine_path(run_dir: Path, kind: Kind) -> Path:
    return run_dir / "data" / f"{kind}.quarantine.jsonl"


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

    def _shift(self, days: int, value: str) -> str:
        shifted = shift_dates(value, days)
        return DATE_PLACEHOLDER if shifted is None else shifted

    def _surrogate(self, entity_type: str, avoid: frozenset[str], value: str) -> str:
        return self._surrogates.surrogate(entity_type, value, avoid) if value else value

    def _operator(self, entity_type: str, days: int, avoid: frozenset[str]) -> OperatorConfig:
        name = self._domain.operator_for(entity_type)
        function: Callable[[str], str]
        if name == "mask":
            return OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 10_000, "from_end": False})
        if name == "redact":
            return OperatorConfig("replace", {"new_value": f"<{entity_type}>"})
        if name == "date_shift":
            function = partial(self._shift, days)
        else:
            function = partial(self._surrogate, entity_type, avoid)
        return OperatorConfig("custom", {"lambda": function})

    def replace(self, group: str, text: str, results: list[RecognizerResult]) -> tuple[str, list[list[int]]]:
        """The anonymized text and the [start, end] of every replacement in it."""
        if not results:
            return text, []
        days = document_offset(self._key, group, *self._days)
        originals = {text[r.start : r.end].lower() for r in results}
        avoid = frozenset(originals | {word for value in originals for word in value.split()})
        operators = {entity: self._operator(entity, days, avoid) for entity in {r.entity_type for r in results}}
        outcome = self._engine.anonymize(text=text, analyzer_results=results, operators=operators)
        return outcome.text, sorted([item.start, item.end] for item in outcome.items)


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
    def in_run(cls, run_dir: Path, kind: Kind) -> Outputs:
        return cls(anonymized_path(run_dir, kind), findings_path(run_dir, kind), quarantine_path(run_dir, kind))


def read_records(source: Path, kind: Kind, cfg: RunConfig, bad: list[BadRow]) -> Iterator[Document | Example]:
    """The usable records of one input; unusable ones go to ``bad`` or stop the run (per config)."""
    reader = read_documents if kind == "corpus" else read_examples
    return accept(reader(source, cfg.input), cfg.input.bad_rows, bad)


def anonymized_rows(
    records: Iterable[Document | Example], cfg: RunConfig, key: bytes
) -> Iterator[tuple[Row, list[Finding]]]:
    """Each record's output row (id, text, replaced offsets, [label]) with its findings, in input
    order; streaming."""
    domain = load_domain(cfg.domain)
    analyzer = analyzer_for(cfg.domain, cfg.privacy.spacy_model)
    replacer = Replacer(domain, key, cfg.privacy.date_shift_min_days, cfg.privacy.date_shift_max_days)
    for record, results in detect(analyzer, records, domain.allow_list, cfg.privacy.score_threshold):
        text, replaced = replacer.replace(record.group or record.id, record.text, results)
        row: Row = {"id": record.id, "text": text, "replaced": replaced}
        if isinstance(record, Example):
            row["label"] = record.label
        yield row, [to_finding(record.id, result) for result in results]


def write_outputs(
    pairs: Iterable[tuple[Row, list[Finding]]], bad: list[BadRow], kind: Kind, cfg: RunConfig, outputs: Outputs
) -> AnonymizeResult:
    """Write rows and findings as they come, then the quarantine (complete once ``pairs`` is); count."""
    entities: Counter[str] = Counter()
    with JsonlWriter(outputs.anonymized) as out, JsonlWriter(outputs.findings) as found:
        for row, findings in progress(pairs, f"anonymizing {kind}"):
            out.write(row)
            for finding in findings:
                found.write(finding.to_json())
            entities.update(finding.entity_type for finding in findings)
    write_jsonl(outputs.quarantine, (row.to_json() for row in bad))
    domain = load_domain(cfg.domain)
    operators: Counter[str] = Counter()
    for entity, count in entities.items():
        operators[domain.operator_for(entity)] += count
    return AnonymizeResult(
        kind, out.count + len(bad), out.count, len(bad), found.count, dict(entities), dict(operators)
    )


def anonymize_records(
    records: Iterable[Document | Example], bad: list[BadRow], kind: Kind, cfg: RunConfig, key: bytes, outputs: Outputs
) -> AnonymizeResult:
    """Detect and replace in every record, streaming; write the three outputs and count."""
    return write_outputs(anonymized_rows(records, cfg, key), bad, kind, cfg, outputs)


def anonymize(source: Path, kind: Kind, cfg: RunConfig, key_file: Path | None, run_dir: Path) -> AnonymizeResult:
    """Anonymize one input file (corpus, task or eval) into the run folder.

    Writes ``data/<kind>.anonymized.jsonl`` (id, text, [label], replaced offsets),
    ``privacy/<kind>.findings.jsonl`` (no values) and ``data/<kind>.quarantine.jsonl``.
    """
    bad: list[BadRow] = []
    records = read_records(source, kind, cfg, bad)
    return anonymize_records(records, bad, kind, cfg, load_key(key_file), Outputs.in_run(run_dir, kind))
