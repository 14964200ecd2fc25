"""Stage 5: the PII report a compliance officer reads and signs (JSON + HTML, counts only)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from dapt.config import RunConfig, read_yaml
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.html import render_html, stacked_bars
from dapt.io import read_jsonl
from dapt.privacy.anonymize import AnonymizeResult
from dapt.privacy.engine import configured_analyzer
from dapt.privacy.keys import key_id, load_key
from dapt.privacy.residual import ResidualResult
from dapt.privacy.review import masked, replacement_marks
from dapt.records import Span
from dapt.runs import RunFolder, rehash, write_json, write_text

SCHEMA_VERSION = 3  # 3: coverage, sources, scores, samples, versions, policy hash
SIGNABLE_SCHEMA = 2  # from 2, sign_off holds a note and is filled by `dapt report sign`
DECISIONS = ("approve", "reject")
SCORE_BINS, TOP_DOCUMENTS, SAMPLES_PER_TYPE = 10, 5, 2
TAG = re.compile(r"<[A-Z_]+>")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
OTHER, CHART_WIDTH = "other recognizers", 460
MEASURED_RECALL = Path(__file__).with_name("measured_recall.yaml")
NEVER_DETECTED = (
    "Only the types listed are looked for. Never replaced: ages under 90 (not identifying under HIPAA Safe Harbor), "
    "occupations, relatives' roles, rare diagnoses or events that could single a person out, and identifiers in "
    "formats no recognizer knows; names the detector misses (see the measured recall) stay in the text."
)


def _risk_statement(residual: ResidualResult, limit: float) -> str:
    if residual.documents_with_residual == 0:
        return "No residual finding: every detected identifier was replaced."
    verdict = "within" if residual.gate.success else "ABOVE"
    return (
        f"{residual.documents_with_residual} document(s) carry a finding the second scan made outside a "
        f"replacement ({verdict} the {limit:.0%} limit). Most are surrogates read again in a new context; "
        "read each in its masked context with `dapt privacy review RUN_DIR` before sign-off."
    )


def build_report(
    run: RunFolder, results: list[AnonymizeResult], residual: ResidualResult, cfg: RunConfig, key_file: Path | None
) -> dict[str, Any]:
    """The report as data: inputs, entities with their operator, detectors, coverage, masked
    samples, residual risk, versions. Counts, offsets and masked context only: never a value."""
    domain = load_domain(cfg.domain)
    entities: Counter[str] = Counter()
    for result in results:
        entities.update(result.entities)
    profile = findings_profile(run, [result.kind for result in results])
    limit = cfg.privacy.max_residual_doc_fraction
    return {
        "run_id": run.run_id,
        "domain": domain.name,
        "domain_version": domain.version,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "key_id": key_id(load_key(key_file)),
        "versions": versions(cfg.privacy.spacy_model),
        "policy_file": domain.policy,
        "policy_sha256": hashlib.sha256(json.dumps(domain.policy, sort_keys=True).encode()).hexdigest(),
        "inputs": {r.kind: asdict(r) for r in results},
        "entities": dict(entities.most_common()),
        "policy": {entity: domain.operator_for(entity) for entity in entities},
        "coverage": {entity: entities.get(entity, 0) for entity in domain.required_entities},
        **profile,
        "samples": masked_samples(run),
        "detector": {"types": detected_types(cfg), "measured": read_yaml(MEASURED_RECALL)["measured"], "never": NEVER_DETECTED},
        "residual": {
            "documents": residual.documents,
            "documents_with_residual": residual.documents_with_residual,
            "fraction": residual.documents_with_residual / max(residual.documents, 1),
            "limit": limit,
            "passed": residual.gate.success,
            "set_aside_from_training": residual.set_aside,
            "by_entity": residual.by_entity,
        },
        "risk": _risk_statement(residual, limit),
        "schema_version": SCHEMA_VERSION,
        "sign_off": {"reviewed_by": None, "date": None, "decision": None, "note": None},
    }


def findings_profile(run: RunFolder, kinds: list[str]) -> dict[str, Any]:
    """From the findings files: findings per recognizer, per entity type and source, the score
    distribution per type (tenths), and the documents with the most findings (keyed ids)."""
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    scores: dict[str, list[int]] = defaultdict(lambda: [0] * SCORE_BINS)
    per_document: Counter[tuple[str, int, str]] = Counter()
    for kind in kinds:
        for finding in read_jsonl(run.findings(kind)):
            by_source[finding["entity_type"]][finding["recognizer"]] += 1
            scores[finding["entity_type"]][min(int(finding["score"] * SCORE_BINS), SCORE_BINS - 1)] += 1
            per_document[(kind, finding["row"], finding["doc_id"])] += 1
    recognizers = sum(by_source.values(), Counter())
    return {
        "recognizers": dict(recognizers.most_common()),
        "by_source": {entity: dict(counts.most_common()) for entity, counts in sorted(by_source.items())},
        "scores": dict(sorted(scores.items())),
        "top_documents": [{"kind": kind, "row": row + 1, "document": doc_id, "findings": count}
                          for (kind, row, doc_id), count in per_document.most_common(TOP_DOCUMENTS)],  # fmt: skip
    }


def masked_samples(run: RunFolder) -> dict[str, Any]:
    """Up to ``SAMPLES_PER_TYPE`` replacements of each entity type in the anonymized corpus, as
    masked context (every replacement ``[TYPE]``, every residual finding ``<<TYPE>>``), and how many
    replacements are a tag (``<TYPE>``: a redact policy) rather than a stand-in."""
    residual: dict[int, list[Span]] = defaultdict(list)
    if run.residual_findings.is_file():
        for finding in read_jsonl(run.residual_findings):
            if finding["kind"] == "corpus":
                residual[finding["row"]].append(Span(finding["start"], finding["end"], f"<<{finding['entity_type']}>>"))
    taken: Counter[str] = Counter()
    samples, tags = [], 0
    for row in read_jsonl(run.anonymized("corpus")):
        replacements = replacement_marks(row["replaced"])
        tags += sum(1 for mark in replacements if TAG.fullmatch(row["text"][mark.start : mark.end]))
        for mark in replacements:
            if taken[mark.label] < SAMPLES_PER_TYPE:
                taken[mark.label] += 1
                context = masked(row["text"], replacements + residual[row["row"]], mark)
                samples.append({"entity_type": mark.label.strip("[]"), "row": row["row"] + 1, "context": context})
    return {"contexts": sorted(samples, key=lambda sample: sample["entity_type"]), "tag_replacements": tags}


def detected_types(cfg: RunConfig) -> list[str]:
    """Every entity type the run's detector can find (the analyzer of anonymization, cached)."""
    return sorted(configured_analyzer(cfg).get_supported_entities())


def versions(spacy_model: str) -> dict[str, str]:
    """Versions of dapt and of the detection stack (the spaCy pipeline: package version, or a folder)."""
    found = {}
    for name in ("dapt", "presidio-analyzer", "presidio-anonymizer", "spacy", spacy_model):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "a local folder" if name == spacy_model else "not installed"
    return found


def write_pii_report(
    run: RunFolder, results: list[AnonymizeResult], residual: ResidualResult, cfg: RunConfig, key_file: Path | None
) -> dict[str, Any]:
    """Write ``privacy/pii_report.json`` and ``privacy/pii_report.html``; stop the run if the
    residual gate failed (after writing, so the officer sees why)."""
    report = build_report(run, results, residual, cfg, key_file)
    write_report(run, report)
    if not residual.gate.success:
        raise UserError(
            f"residual-PII gate failed: {'; '.join(residual.gate.failed())}: "
            f"{report['residual']['fraction']:.1%} of documents carry a residual finding",
            f"read {run.pii_report('html')}; extend the domain's recognizers or raise "
            "privacy.max_residual_doc_fraction",
        )
    return report


def write_report(run: RunFolder, report: dict[str, Any]) -> None:
    """``privacy/pii_report.json`` and the page rendered from it."""
    write_json(run.pii_report("json"), report)
    write_text(run.pii_report("html"), render_html("dapt.privacy", "pii_report.html.j2", r=report, chart=source_chart(report)))


def source_chart(report: dict[str, Any]) -> dict[str, Any]:
    """Findings per entity type as bars split by recognizer (SVG geometry), and each recognizer's
    colour; the least frequent recognizers share the last colour."""
    by_source = report.get("by_source", {})
    named = list(report.get("recognizers", {}))[: len(PALETTE) - 1]
    rows: dict[str, Counter[str]] = {}
    for entity, sources in by_source.items():
        rows[entity] = Counter()
        for name, count in sources.items():
            rows[entity][name if name in named else OTHER] += count
    colours = dict(zip([*named, OTHER], PALETTE, strict=False))
    return {"bars": stacked_bars(rows, colours, CHART_WIDTH), "colours": colours, "width": CHART_WIDTH}


def read_report(run: RunFolder) -> dict[str, Any]:
    """A run's PII report; a folder without one is a UserError."""
    path = run.pii_report("json")
    if not path.is_file():
        raise UserError(f"{run.root}: no PII report (privacy/pii_report.json)", "pass a run folder whose PII report stage finished")
    return json.loads(path.read_text(encoding="utf-8"))


def sign_report(run: RunFolder, reviewer: str, decision: str, note: str | None) -> dict[str, Any]:
    """Record a reviewer's decision in the report (JSON and page), and the files' new sha256
    wherever the run lists them, so the run stays complete and its stages reusable."""
    if decision not in DECISIONS:
        raise UserError(f"decision '{decision}' is not one of {', '.join(DECISIONS)}", "pass --decision approve or reject")
    if not reviewer.strip():
        raise UserError("the reviewer is empty", "pass --reviewer with the name (and role) of who decides")
    report = read_report(run)
    signed = datetime.now(timezone.utc).isoformat(timespec="seconds")
    sign_off = {"reviewed_by": reviewer.strip(), "date": signed, "decision": decision, "note": note}
    report |= {"schema_version": max(report.get("schema_version", 1), SIGNABLE_SCHEMA), "sign_off": sign_off}
    write_report(run, report)
    rehash(run, [run.pii_report("json"), run.pii_report("html")])
    return report


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report in a few terminal lines: inputs, entities, residual risk, sign-off."""
    residual, sign_off = report["residual"], report["sign_off"]
    decision = (f"{sign_off['decision']} by {sign_off['reviewed_by']} on {sign_off['date']}"
                + (f" ({sign_off['note']})" if sign_off.get("note") else "")) if sign_off["decision"] else "not signed"  # fmt: skip
    return [
        f"PII report of run {report['run_id']} ({report['domain']} {report['domain_version']}), key id {report['key_id']}",
        *(f"  {kind}: {s['documents_in']} in, {s['documents_out']} out, {s['quarantined']} quarantined, "
          f"{s['findings']} findings" for kind, s in report["inputs"].items()),
        "  found: " + ", ".join(f"{entity} {count} ({report['policy'][entity]})" for entity, count in report["entities"].items()),
        f"  residual: {residual['documents_with_residual']} of {residual['documents']} documents "
        f"(limit {residual['limit']:.0%}): {'PASSED' if residual['passed'] else 'FAILED'}",
        f"  sign-off: {decision}",
    ]  # fmt: skip


def report_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed from one run's report to another's: counts per entity type (new and gone types
    marked), documents, and residual risk."""
    lines = [f"{before['run_id']} -> {after['run_id']}"]
    for entity in sorted(set(before["entities"]) | set(after["entities"])):
        old, new = before["entities"].get(entity, 0), after["entities"].get(entity, 0)
        mark = " (new type)" if entity not in before["entities"] else " (gone)" if entity not in after["entities"] else ""
        if old != new or mark:
            lines.append(f"  {entity}: {old} -> {new} ({new - old:+d}){mark}")
    for kind in sorted(set(before["inputs"]) | set(after["inputs"])):
        old, new = (report["inputs"].get(kind, {}).get("documents_in", 0) for report in (before, after))
        if old != new:
            lines.append(f"  {kind} documents: {old} -> {new}")
    residual = [report["residual"] for report in (before, after)]
    lines.append(f"  residual: {residual[0]['fraction']:.1%} -> {residual[1]['fraction']:.1%} of documents, "
                 f"{'PASSED' if residual[0]['passed'] else 'FAILED'} -> {'PASSED' if residual[1]['passed'] else 'FAILED'}")  # fmt: skip
    return lines
