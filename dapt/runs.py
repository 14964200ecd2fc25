"""The run folder: where every artifact goes, and ``manifest.json`` (written last) with their sha256.

``RunFolder`` is the one place that knows the layout; stages ask it for paths and never import
another stage's module to find a file.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from dapt.errors import UserError

MANIFEST = "manifest.json"
PARTIAL = ".partial"  # a run folder's name ends so until its manifest is written


@dataclass(frozen=True)
class RunFolder:
    """Every artifact path of one run (the layout in README.md)."""

    root: Path

    @property
    def run_id(self) -> str:
        return self.root.name.removesuffix(PARTIAL)

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def ingest_summary(self) -> Path:
        return self.root / "data" / "ingest.json"

    def anonymized(self, kind: str) -> Path:
        """The anonymized rows of one input: ``corpus``, ``task`` or ``eval``."""
        return self.root / "data" / f"{kind}.anonymized.jsonl"

    def quarantine(self, kind: str) -> Path:
        return self.root / "data" / f"{kind}.quarantine.jsonl"

    def findings(self, kind: str) -> Path:
        return self.root / "privacy" / f"{kind}.findings.jsonl"

    @property
    def residual_findings(self) -> Path:
        return self.root / "privacy" / "residual.findings.jsonl"

    def pii_report(self, suffix: str) -> Path:
        """``privacy/pii_report.json`` or ``.html``."""
        return self.root / "privacy" / f"pii_report.{suffix}"

    def gate_result(self, suite: str) -> Path:
        """A validation gate's result: ``raw``, ``anonymized`` or ``task``."""
        return self.root / "validation" / suite / "result.json"

    @property
    def tokenizer(self) -> Path:
        return self.root / "vocab" / "tokenizer"

    @property
    def pretrained_model(self) -> Path:
        return self.root / "pretrain" / "model"

    @property
    def task_split(self) -> Path:
        """Which anonymized task rows train and which evaluate (row numbers, no text)."""
        return self.root / "data" / "task_split.json"

    @property
    def adapter(self) -> Path:
        return self.root / "finetune" / "adapter"

    @property
    def merged_model(self) -> Path:
        return self.root / "finetune" / "merged"

    @property
    def int8_model(self) -> Path:
        """The merged classifier with int8 linear layers, for CPU serving."""
        return self.root / "finetune" / "int8"

    def report(self, stage: str) -> Path:
        """A stage's JSON report: ``vocab``, ``pretrain`` or ``finetune``."""
        return self.root / stage / "report.json"

    @property
    def metrics(self) -> Path:
        return self.root / "eval" / "metrics.json"

    @property
    def eval_report(self) -> Path:
        return self.root / "eval" / "report.html"

    @property
    def model_card(self) -> Path:
        return self.root / "model_card.md"


def new_run_id(domain: str) -> str:
    """A sortable, unique run id such as ``medical-20261123-101500-3fa2``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{domain}-{stamp}-{secrets.token_hex(2)}"


def create_run_folder(parent: Path, domain: str) -> Path:
    """Create ``parent/<new run id>.partial`` exclusively (two runs never share a folder); it is
    renamed to ``<run id>`` only when the run completes (``complete_run``). An unusable ``parent``
    is a UserError."""
    if parent.exists() and not parent.is_dir():
        raise UserError(f"{parent}: is a file, not a folder for run folders", "pass --out with a folder path")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        run_dir = parent / f"{new_run_id(domain)}{PARTIAL}"
        run_dir.mkdir()
    except OSError as error:
        raise UserError(f"{parent}: cannot create a run folder there ({error.strerror})", "pass --out with a writable folder") from None
    return run_dir.resolve()


def complete_run(run: RunFolder) -> Path:
    """Mark a run complete once its manifest is written: a ``.partial`` folder loses the suffix.
    Returns the folder's final path."""
    if not (run.root / MANIFEST).is_file():
        raise RuntimeError(f"{run.root}: no {MANIFEST}; a run is complete only once it is written")
    if not run.root.name.endswith(PARTIAL):
        return run.root
    final = run.root.with_name(run.root.name.removesuffix(PARTIAL))
    run.root.rename(final)
    return final


def write_json(path: Path, data: Any) -> Path:
    """Write pretty JSON, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_config(run: RunFolder, cfg: BaseModel) -> Path:
    """Save the resolved settings as ``config.yaml``: every run, however started, keeps its own."""
    return write_text(run.config, yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(run_dir: Path, metadata: dict[str, Any]) -> Path:
    """List every file of the run folder with size and sha256; written last, it marks completion."""
    files = [
        {"path": path.relative_to(run_dir).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(run_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    ]
    return write_json(run_dir / MANIFEST, {**metadata, "artifacts": files})
