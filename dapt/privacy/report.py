"""Stage 5: the PII report a compliance officer reads and signs (JSON + HTML, counts only)."""

from __future__ import annotations

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
from dapt.runs import RunFolder, write_json, write_text


def _risk_statement(residual: ResidualResult, limit: float) -> str:
    if residual.documents_with_residual == 0:
        return "No residual finding: every detected identifier was replaced."
    verdict = "within" if residual.gate.success else "ABOVE"
    return (
        f"{residual.documents_with_residual} document(s) carry a finding the second scan made outside a "
        f"replacement ({verdict} the {limit:.0%} limit). Most are surrogates read again in a new context; "
        "review privacy/residual.findings.jsonl (offsets only) before sign-off."
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
            "by_entity": residual.by_entity,
        },
        "risk": _risk_statement(residual, limit),
        "sign_off": {"reviewed_by": None, "date": None, "decision": None},
    }


def write_pii_report(
    run: RunFolder, results: list[AnonymizeResult], residual: ResidualResult, cfg: RunConfig, key_file: Path | None
) -> dict[str, Any]:
    """Write ``privacy/pii_report.json`` and ``privacy/pii_report.html``; stop the run if the
    residual gate failed (after writing, so the officer sees why)."""
    report = build_report(run, results, residual, cfg, key_file)
    write_json(run.pii_report("json"), report)
    write_text(run.pii_report("html"), render_html("dapt.privacy", "pii_report.html.j2", r=report))
    if not residual.gate.success:
        raise UserError(
            f"residual-PII gate failed: {report['residual']['fraction']:.1%} of documents carry a residual finding",
            f"read {run.pii_report('html')}; extend the domain's recognizers or raise "
            "privacy.max_residual_doc_fraction",
        )
    return report
