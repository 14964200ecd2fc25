"""What the residual scan's independent detectors (dapt/privacy/independent.py) add: on text with
gold spans, the identifiers dapt's detector misses that they catch, and their false alarms.

    .venv/bin/python bench/independent_check.py [--gold PATH] [--domain medical]

The residual scan runs them on anonymized text outside the replaced spans; here they run on the
original text outside dapt's detections, the same stretches before replacement, so each hit can be
checked against the gold spans. Default gold: $DAPT_DATA_DIR/presidio-synth/dev.jsonl. Writes
bench/results/independent_check_<domain>_<gold file name>.json.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, REPO, data_dir, machine  # noqa: E402  # bench/anonymize.py

from dapt.cli import run_config  # noqa: E402
from dapt.domains.base import load_domain  # noqa: E402
from dapt.privacy.detect import detect  # noqa: E402
from dapt.privacy.engine import analyzer_for  # noqa: E402
from dapt.privacy.evaluate import read_gold  # noqa: E402
from dapt.privacy.independent import all_hits  # noqa: E402
from dapt.runs import write_json  # noqa: E402


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=data_dir() / "presidio-synth" / "dev.jsonl")
    parser.add_argument("--domain", default="medical")
    args = parser.parse_args(argv)
    gold = {document.doc_id: document for document in read_gold(args.gold)}
    threshold = run_config(args.domain, None, {}).privacy.score_threshold
    analyzer = analyzer_for(args.domain, MODEL)
    documents = (document.document for document in gold.values())
    caught, alarms, hits_inside = Counter(), Counter(), 0
    for document, results in detect(analyzer, documents, load_domain(args.domain).allow_list, threshold):
        spans = gold[document.id].spans
        for hit in all_hits(document.text):
            if any(hit.start < r.end and r.start < hit.end for r in results):
                hits_inside += 1  # dapt found it too: anonymization replaces it
            elif any(hit.start < s.end and s.start < hit.end for s in spans):
                caught[hit.entity_type] += 1  # a miss of dapt's detector the residual scan now reports
            else:
                alarms[hit.entity_type] += 1
    print(f"{len(gold)} documents: independent hits also found by dapt {hits_inside}; dapt misses caught "
          f"{sum(caught.values())} {dict(caught)}; false alarms {sum(alarms.values())} {dict(alarms)}")
    write_json(REPO / "bench" / "results" / f"independent_check_{args.domain}_{args.gold.stem}.json", {
        "gold": str(args.gold.relative_to(data_dir())) if args.gold.is_relative_to(data_dir()) else args.gold.name,
        "documents": len(gold), "domain": args.domain, "hits_also_found_by_dapt": hits_inside,
        "dapt_misses_caught": dict(caught), "false_alarms": dict(alarms), "machine": machine(),
    })  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
