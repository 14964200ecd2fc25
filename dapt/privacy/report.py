"""Stage 5: the PII report a compliance officer reads and signs (JSON + HTML, counts only)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.html import render_html
from dapt.io import read_jsonl
from dapt.privacy.anonymize import AnonymizeResult
from dapt.privacy.keys import key_id, load_key
from dapt.privacy.residual import ResidualResult
from dapt.runs import RunFolder, rehash, write_json, write_text

SCHEMA_VERSION = 2  # 2: sign_off holds a note, and is filled by `dapt report sign`
DECISIONS = ("approve", "reject")


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
    """The report as data: inputs, entities with their operator, detectors, residual risk."""
    domain = load_domain(cfg.domain)
    entities: Counter[str] = Counter()
    recognizers: Counter[str] = Counter()
    for result in results:
        entities.update(result.entities)
        recognizers.update(f["recognizer"] for f in read_jsonl(run.findings(result.kind)))
    limit = cfg.privacy.max_residual_doc_fraction
    return {
        "run_id": run.run_id,
        "domain": domain.name,
        "domain_version": domain.version,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "key_id": key_id(load_key(key_file)),
        "inputs": {r.kind: asdict(r) for r in results},
        "entities": dict(entities.most_common()),
        "policy": {entity: domain.operator_for(entity) for entity in entities},
        "recognizers": dict(recognizers.most_common()),
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
    write_text(run.pii_report("html"), render_html("dapt.privacy", "pii_report.html.j2", r=report))


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
    report |= {"schema_version": SCHEMA_VERSION, "sign_off": {"reviewed_by": reviewer.strip(), "date": signed,
                                                              "decision": decision, "note": note}}  # fmt: skip
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
