"""The run folder: where every artifact goes, and ``manifest.json`` (written last) with their sha256.

``RunFolder`` is the one place that knows the layout; stages ask it for paths and never import
another stage's module to find a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from dapt.errors import UserError
from dapt.io import read_jsonl

MANIFEST = "manifest.json"
PARTIAL = ".partial"  # a run folder's name ends so until its manifest is written
STAGE_RECORDS = "stages"  # what each stage recorded for reuse: run metadata, not artifacts


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
    def approval_request(self) -> Path:
        """Written while the flow waits for the PII report's sign-off: its flow run id and API address."""
        return self.root / "privacy" / "approval_request.json"

    @property
    def residual_quarantine(self) -> Path:
        """Corpus rows the residual scan kept out of training (kind, row, reason; never content)."""
        return self.root / "data" / "corpus.residual_quarantine.jsonl"

    @property
    def residual_findings(self) -> Path:
        return self.root / "privacy" / "residual.findings.jsonl"

    def pii_report(self, suffix: str) -> Path:
        """``privacy/pii_report.json`` or ``.html``."""
        return self.root / "privacy" / f"pii_report.{suffix}"

    def gate_quarantine(self, suite: str) -> Path:
        """Rows a gate set aside (kind, row number and reason; never content)."""
        return self.root / "validation" / suite / "quarantine.jsonl"

    def gate_result(self, suite: str) -> Path:
        """A validation gate's result: ``raw``, ``anonymized`` or ``task``."""
        return self.root / "validation" / suite / "result.json"

    @property
    def validation_report(self) -> Path:
        """Every gate's results and the rows set aside, as one self-contained page (no values)."""
        return self.root / "validation" / "report.html"

    def quarantines(self) -> list[Path]:
        """Every file of rows set aside (kind or source, row number, reason; never content)."""
        return [*(self.quarantine(kind) for kind in ("corpus", "task", "eval")), self.residual_quarantine,
                self.gate_quarantine("task")]  # fmt: skip

    @property
    def tokenizer(self) -> Path:
        return self.root / "vocab" / "tokenizer"

    @property
    def pretrained_model(self) -> Path:
        return self.root / "pretrain" / "model"

    @property
    def pretrain_checkpoint(self) -> Path:
        """The training state a stopped pretraining run resumes from (removed once it finishes)."""
        return self.root / "pretrain" / "checkpoint.pt"

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

    def tuned_model(self, stage: str) -> Path:
        """The merged causal LM of ``instruct`` (SFT) or ``preference`` (DPO) tuning."""
        return self.root / stage / "model"

    def report(self, stage: str) -> Path:
        """A stage's JSON report: ``vocab``, ``pretrain``, ``finetune``, ``instruct`` or ``preference``."""
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

    def stage_record(self, name: str) -> Path:
        """What a finished (or started) stage recorded for reuse: its key, result and outputs."""
        return self.root / STAGE_RECORDS / f"{name}.json"


@dataclass(frozen=True)
class StageState:
    """One stage as its records tell it: ``finished`` (when), or ``started`` and not finished
    (``running`` while the process that started it is alive)."""

    name: str
    state: str
    at: str


@dataclass(frozen=True)
class RunStatus:
    run_id: str
    domain: str
    complete: bool
    stages: list[StageState]
    macro_f1: float | None

    @property
    def summary(self) -> str:
        """``complete``, ``running <stage>``, ``stopped in <stage>`` or ``stopped after <stage>``."""
        if self.complete:
            return "complete"
        unfinished = [stage for stage in self.stages if stage.state != "finished"]
        if unfinished:
            return f"{unfinished[-1].state} {'in ' if unfinished[-1].state == 'stopped' else ''}{unfinished[-1].name}"
        return f"stopped after {self.stages[-1].name}" if self.stages else "stopped before its first stage"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage_state(record: Path) -> StageState:
    stamp = datetime.fromtimestamp(record.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
    name = record.stem.removesuffix(".started")
    if name == record.stem:
        return StageState(name, "finished", stamp)
    pid = json.loads(record.read_text(encoding="utf-8")).get("pid")
    return StageState(name, "running" if pid and process_alive(pid) else "stopped", stamp)


def run_status(run: RunFolder) -> RunStatus:
    """What a run folder's records say: its stages in the order they were recorded, whether it
    completed, and its macro-F1 once evaluated."""
    records = sorted((run.root / STAGE_RECORDS).glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    domain = (yaml.safe_load(run.config.read_text(encoding="utf-8")) or {}).get("domain", "?")
    metrics = json.loads(run.metrics.read_text(encoding="utf-8")) if run.metrics.is_file() else {}
    complete = not run.root.name.endswith(PARTIAL) and (run.root / MANIFEST).is_file()
    return RunStatus(run.run_id, domain, complete, [stage_state(record) for record in records], metrics.get("macro_f1"))


def run_folders(parent: Path) -> list[RunFolder]:
    """The run folders under ``parent`` (those holding a config.yaml), oldest first."""
    return [RunFolder(path.parent) for path in sorted(parent.glob("*/config.yaml"))]


def training_corpus(run: RunFolder) -> Iterator[dict[str, Any]]:
    """The anonymized corpus rows training may read: all but those the residual scan set aside."""
    rows = read_jsonl(run.anonymized("corpus"))
    if not run.residual_quarantine.is_file():
        return rows
    aside = {row["row"] for row in read_jsonl(run.residual_quarantine)}
    return (row for row in rows if row["row"] not in aside)


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


def require_run_folder(run_dir: Path, to_do: str = "pass a folder that dapt run created") -> None:
    """A folder without the ``config.yaml`` every run folder gets first is a UserError."""
    if not RunFolder(run_dir).config.is_file():
        raise UserError(f"{run_dir}: not a dapt run folder (no config.yaml)", to_do)


def reopen_run(run_dir: Path, domain: str) -> Path:
    """An existing run folder of ``domain``, to run again into: a completed one gets its
    ``.partial`` suffix back (it must not look complete while stages are redone). A folder that
    is not a run of that domain is a UserError."""
    require_run_folder(run_dir, "pass --resume a folder that dapt run created")
    if (yaml.safe_load(RunFolder(run_dir).config.read_text(encoding="utf-8")) or {}).get("domain") != domain:
        raise UserError(f"{run_dir}: a run of another domain", f"pass --resume a folder of a {domain} run")
    running = [stage.name for stage in run_status(RunFolder(run_dir)).stages if stage.state == "running"]
    if running:
        raise UserError(f"{run_dir}: still running ({running[0]})", "wait for it to end, or stop it, before resuming")
    if run_dir.name.endswith(PARTIAL):
        return run_dir.resolve()
    partial = run_dir.with_name(run_dir.name + PARTIAL)
    run_dir.rename(partial)
    return partial.resolve()


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


def read_json(path: Path) -> Any:
    """A JSON file dapt wrote, or None when it is missing or unreadable (cut short by a kill)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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


def fingerprint(path: Path) -> str:
    """sha256 of an input: a file, or each ``.txt`` file of a folder in name order."""
    if path.is_file():
        return sha256_of(path)
    return ",".join(sha256_of(p) for p in sorted(path.glob("*.txt")))


def rehash(run: RunFolder, paths: list[Path]) -> None:
    """After files of a finished stage were changed on purpose (a signature), put their new sha256
    in the stage records and the manifest that list them."""
    digests = {path.relative_to(run.root).as_posix(): sha256_of(path) for path in paths}
    for record in (run.root / STAGE_RECORDS).glob("*.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        if digests.keys() & data.get("outputs", {}).keys():
            data["outputs"] |= {name: digest for name, digest in digests.items() if name in data["outputs"]}
            write_json(record, data)
    manifest = run.root / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for entry in data["artifacts"]:
            if entry["path"] in digests:
                entry |= {"sha256": digests[entry["path"]], "bytes": (run.root / entry["path"]).stat().st_size}
        write_json(manifest, data)


def write_manifest(run_dir: Path, metadata: dict[str, Any]) -> Path:
    """List every artifact of the run folder with size and sha256 (not the stage records); written
    last, it marks completion."""
    files = [
        {"path": path.relative_to(run_dir).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(run_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST and path.relative_to(run_dir).parts[0] != STAGE_RECORDS
    ]
    return write_json(run_dir / MANIFEST, {**metadata, "artifacts": files})
