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

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, REPO, data_dir, distinct_notes, machine  # noqa: E402  # bench/anonymize.py

from dapt.cli import run_config  # noqa: E402
from dapt.domains.base import load_domain  # noqa: E402
from dapt.privacy.detect import detect  # noqa: E402
from dapt.privacy.engine import analyzer_for  # noqa: E402
from dapt.runs import write_json  # noqa: E402


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="medical")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args(argv)
    notes = distinct_notes(data_dir() / "mtsamples" / "corpus.jsonl", args.limit)
    threshold = run_config(args.domain, None, {}).privacy.score_threshold
    analyzer = analyzer_for(args.domain, MODEL)
    by_type: Counter[str] = Counter()
    by_recognizer: Counter[str] = Counter()
    for _, results in detect(analyzer, notes, load_domain(args.domain).allow_list, threshold):
        by_type.update(r.entity_type for r in results)
        by_recognizer.update((r.recognition_metadata or {}).get("recognizer_name", "?") for r in results)
    words = sum(len(note.text.split()) for note in notes)
    rate = round(1000 * sum(by_type.values()) / words, 2)
    print(f"{sum(by_type.values())} findings in {words} words of {len(notes)} notes: {rate} per 1,000 words")
    print(", ".join(f"{name} {count}" for name, count in by_recognizer.most_common()))
    write_json(REPO / "bench" / "results" / f"findings_rate_{args.domain}.json", {
        "notes": len(notes), "words": words, "findings": sum(by_type.values()), "per_1000_words": rate,
        "by_type": dict(by_type.most_common()), "by_recognizer": dict(by_recognizer.most_common()),
        "machine": machine(),
    })  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
