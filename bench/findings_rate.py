"""Findings per 1,000 words on MTSamples: its names and dates were changed or removed, so nearly
every finding there is a false positive or a fictitious name. Lower is better at equal recall
(recall: `dapt privacy evaluate` on presidio-synth and the samples).

    .venv/bin/python bench/findings_rate.py [--domain medical] [--limit 500]

Runs dapt's detector on the first ``--limit`` distinct notes of $DAPT_DATA_DIR/mtsamples/corpus.jsonl
(the same notes bench/anonymize.py times) and counts findings by entity type and recognizer. To
compare two versions of the code, run it in each (e.g. ``PYTHONPATH=<worktree of the old commit>``);
each run writes bench/results/findings_rate_<domain>.json with its commit.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, REPO, data_dir, distinct_notes, machine  # noqa: E402  # bench/anonymize.py
from presidio_analyzer import AnalyzerEngine  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.domains.base import load_domain  # noqa: E402
from dapt.privacy.detect import detect  # noqa: E402
from dapt.privacy.engine import analyzer_for  # noqa: E402
from dapt.records import Document  # noqa: E402
from dapt.runs import write_json  # noqa: E402


def findings_rate(analyzer: AnalyzerEngine, notes: list[Document], domain: str, threshold: float) -> dict[str, Any]:
    """Findings on ``notes`` per 1,000 words, by entity type and by recognizer."""
    by_type: Counter[str] = Counter()
    by_recognizer: Counter[str] = Counter()
    for _, results in detect(analyzer, notes, load_domain(domain).allow_list, threshold):
        by_type.update(r.entity_type for r in results)
        by_recognizer.update((r.recognition_metadata or {}).get("recognizer_name", "?") for r in results)
    words = sum(len(note.text.split()) for note in notes)
    return {
        "notes": len(notes), "words": words, "findings": sum(by_type.values()),
        "per_1000_words": round(1000 * sum(by_type.values()) / words, 2),
        "by_type": dict(by_type.most_common()), "by_recognizer": dict(by_recognizer.most_common()),
    }  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="medical")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args(argv)
    notes = distinct_notes(data_dir() / "mtsamples" / "corpus.jsonl", args.limit)
    threshold = run_config(args.domain, None, {}).privacy.score_threshold
    rate = findings_rate(analyzer_for(args.domain, MODEL), notes, args.domain, threshold)
    print(f"{rate['findings']} findings in {rate['words']} words of {len(notes)} notes: {rate['per_1000_words']} per 1,000 words")
    print(", ".join(f"{name} {count}" for name, count in rate["by_recognizer"].items()))
    write_json(REPO / "bench" / "results" / f"findings_rate_{args.domain}.json", {**rate, "machine": machine()})

if __name__ == "__main__":
    main(sys.argv[1:])
