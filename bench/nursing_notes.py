"""De-identification on generated ICU nursing notes: dapt's detector against Presidio's default.

    .venv/bin/python bench/nursing_notes.py [--seed 2] [--count 300] [--domain medical]

Generates ``--count`` notes with ``dapt.privacy.nursing_notes`` (capitals, shorthand, lower-case
names, hospital abbreviations, partial dates; exact gold spans) from ``--seed``, and scores, type-
blind by token as ``dapt privacy evaluate`` does, (a) dapt's detector and (b) Presidio's default
``AnalyzerEngine`` on the same spaCy model. Seed 1 is the tuning seed; report any other. Prints
recall, precision and F2 of both, dapt's recall per gold label and precision per recognizer, and
writes bench/results/nursing_notes_seed<seed>.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, REPO, machine, presidio_scores, token_figures  # noqa: E402  # bench/anonymize.py
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.privacy.engine import loaded_spacy  # noqa: E402
from dapt.privacy.evaluate import evaluate_file  # noqa: E402
from dapt.privacy.nursing_notes import write_notes  # noqa: E402
from dapt.runs import write_json  # noqa: E402

TUNING_SEED = 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2, help="notes' seed (1 is the tuning seed; default 2)")
    parser.add_argument("--count", type=int, default=300, help="notes to generate (default 300)")
    parser.add_argument("--domain", default="medical", help="dapt domain plugin (default medical)")
    args = parser.parse_args(argv)
    cfg = run_config(args.domain, None, {"privacy": {"spacy_model": MODEL}})
    with tempfile.TemporaryDirectory() as folder:
        gold = Path(folder) / "notes.jsonl"
        write_notes(gold, args.count, args.seed)
        dapt = evaluate_file(gold, cfg)
        presidio = presidio_scores(BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=loaded_spacy(MODEL))), gold)
    result = {
        "settings": {"seed": args.seed, "tuning_seed": args.seed == TUNING_SEED, "count": args.count,
                     "domain": args.domain, "spacy_model": MODEL, "score_threshold": cfg.privacy.score_threshold},
        "token_type_blind": {"dapt": token_figures(dapt.overall), "presidio_default": token_figures(presidio.overall)},
        "dapt_recall_by_label": {label: round(c.tokens.recall, 4) for label, c in sorted(dapt.labels.items())},
        "dapt_precision_by_recognizer": {
            name: {"precision": round(c.precision, 4), "flagged": c.flagged} for name, c in sorted(dapt.recognizers.items())
        },
        "machine": machine(),
    }  # fmt: skip
    print(f"{args.count} notes, seed {args.seed}{' (the tuning seed)' if args.seed == TUNING_SEED else ''}")
    for name, figures in result["token_type_blind"].items():
        print(f"{name:17} token recall {figures['recall']:.3f}  precision {figures['precision']:.3f}  F2 {figures['f2']:.3f}")
    print("dapt recall by label: " + ", ".join(f"{k} {v:.3f}" for k, v in result["dapt_recall_by_label"].items()))
    print("dapt precision by recognizer: " + ", ".join(
        f"{k} {v['precision']:.2f} ({v['flagged']})" for k, v in result["dapt_precision_by_recognizer"].items()
    ))  # fmt: skip
    path = REPO / "bench" / "results" / f"nursing_notes_seed{args.seed}.json"
    write_json(path, result)
    print(f"-> {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
