"""What the learned name detector adds: dapt's rules alone against the rules with the detector.

    .venv/bin/python bench/learned_detector.py [--detector DIR] [--limit 500] [--repeats 1]

Without ``--detector`` it first trains one as ``dapt privacy train-detector --gold
presidio-synth/dev.jsonl --half tune --plain medical-abstracts/train.jsonl`` does (600 generated nursing
notes of seed 11, the tune half of presidio-synth dev, and the first 600 medical abstracts as text with
nothing personal in it). Then, in one process, it scores both detectors, type-blind by token as `dapt
privacy evaluate` does, on sets the detector never trained on: generated nursing notes of seeds 2 and 3
(the same generator as its training notes: an in-distribution figure) and the report half of
presidio-synth dev; counts findings per 1,000 words on the first ``--limit`` distinct MTSamples notes
(whose names were removed: nearly every finding there is a false positive); and times both detectors
and Presidio's default engine on those notes (fastest of ``--repeats`` passes). Writes
bench/results/learned_detector.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, REPO, data_dir, distinct_notes, machine, timed, token_figures  # noqa: E402  # bench/
from findings_rate import findings_rate  # noqa: E402
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.config import RunConfig  # noqa: E402
from dapt.domains.base import load_domain  # noqa: E402
from dapt.privacy.detect import detect  # noqa: E402
from dapt.privacy.engine import LANGUAGE, configured_analyzer, loaded_spacy  # noqa: E402
from dapt.privacy.evaluate import evaluate_file  # noqa: E402
from dapt.privacy.learned import NOTES_SEED, train_detector, training_documents  # noqa: E402
from dapt.privacy.nursing_notes import write_notes  # noqa: E402
from dapt.runs import write_json  # noqa: E402

DOMAIN = "medical"
REPORTED_SEEDS = (2, 3)
NOTES = 600
PLAIN_ROWS = 600
RESULTS = REPO / "bench" / "results" / "learned_detector.json"


def trained(folder: Path) -> dict[str, Any]:
    """Train the detector into ``folder`` as the module docstring says; its training report."""
    documents = training_documents(NOTES, NOTES_SEED, [data_dir() / "presidio-synth" / "dev.jsonl"], "tune",
                                   [data_dir() / "medical-abstracts" / "train.jsonl"], PLAIN_ROWS)  # fmt: skip
    allowed = frozenset(word.lower() for word in load_domain(DOMAIN).allow_list)
    started = time.perf_counter()
    training = train_detector(documents, folder, allowed)
    return {**training.to_json(), "seconds": round(time.perf_counter() - started, 1)}


def quality(configs: dict[str, RunConfig], folder: Path) -> dict[str, dict[str, Any]]:
    """Token recall / precision / F2 of each config on every reported set."""
    sets: dict[str, tuple[Path, str | None]] = {}
    for seed in REPORTED_SEEDS:
        write_notes(path := folder / f"nursing_seed{seed}.jsonl", 300, seed)
        sets[f"nursing notes, seed {seed}"] = (path, None)
    sets["presidio-synth dev, report half"] = (data_dir() / "presidio-synth" / "dev.jsonl", "report")
    return {
        name: {label: token_figures(evaluate_file(path, cfg, half).overall) for label, cfg in configs.items()}
        for name, (path, half) in sets.items()
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", type=Path, help="a trained detector folder (default: train one first)")
    parser.add_argument("--limit", type=int, default=500, help="distinct MTSamples notes to count and time (default 500)")
    parser.add_argument("--repeats", type=int, default=1, help="timed passes per detector; the fastest counts (default 1)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.detector or Path(scratch) / "detector"
        training = None if args.detector else trained(folder)
        base = {"privacy": {"spacy_model": MODEL}}
        configs = {"rules": run_config(DOMAIN, None, base),
                   "rules + learned": run_config(DOMAIN, None, {"privacy": {**base["privacy"], "learned_detector": str(folder)}})}  # fmt: skip
        scores = quality(configs, Path(scratch))
        notes = distinct_notes(data_dir() / "mtsamples" / "corpus.jsonl", args.limit)
        threshold = configs["rules"].privacy.score_threshold
        rates = {label: findings_rate(configured_analyzer(cfg), notes, DOMAIN, threshold) for label, cfg in configs.items()}
        allow_list = load_domain(DOMAIN).allow_list
        presidio = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=loaded_spacy(MODEL)))
        detectors = {label: (lambda docs, a=configured_analyzer(cfg): list(detect(a, docs, allow_list, threshold)))
                     for label, cfg in configs.items()}  # fmt: skip
        detectors["presidio_default"] = lambda docs: presidio.analyze_iterator([doc.text for doc in docs], LANGUAGE)
        speed = timed(detectors, notes, args.repeats)
    result = {
        "settings": {"domain": DOMAIN, "spacy_model": MODEL, "detector": str(args.detector or "trained here"),
                     "training": training, "mtsamples_notes": len(notes), "repeats": args.repeats},
        "token_type_blind": scores,
        "mtsamples_findings_per_1000_words": {label: rate["per_1000_words"] for label, rate in rates.items()},
        "mtsamples_learned_findings": rates["rules + learned"]["by_recognizer"].get("LearnedRecognizer", 0),
        "speed": speed,
        "speedup_over_presidio_default": {label: round(speed["presidio_default"]["seconds"] / speed[label]["seconds"], 2)
                                          for label in configs},
        "machine": machine(),
    }  # fmt: skip
    if training:
        print(f"trained in {training['seconds']} s on {training['documents']} documents, best epoch {training['best_epoch']}")
    for name, by_config in scores.items():
        print(name + ": " + "; ".join(f"{label} {f['recall']:.3f} / {f['precision']:.3f}" for label, f in by_config.items()))
    print("MTSamples findings per 1,000 words: " + "; ".join(f"{k} {v}" for k, v in result["mtsamples_findings_per_1000_words"].items()))
    print("seconds on MTSamples: " + "; ".join(f"{k} {v['seconds']}" for k, v in speed.items()))
    print("speed-up over Presidio's default: " + "; ".join(f"{k} {v}x" for k, v in result["speedup_over_presidio_default"].items()))
    write_json(RESULTS, result)
    print(f"-> {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
