"""Would a second, frozen encoder help dapt's classifier? For each seed's saved run of
``bench/tight_data.py --rows dapt`` (MiniLM, dapt's default recipe), a logistic regression (C as
the start probe) is fitted on the larger packaged encoder's (``mpnet``) normalised pooled texts of
the same anonymized labels, and the dev split is scored three ways: dapt's classifier, the frozen
encoder alone, and the mean of the two models' class probabilities. Nothing is retrained.

    make encoder
    .venv/bin/python bench/companion_probe.py --domain finance [--work /tmp/dapt-bench] [--seeds 0 1 2]

Writes bench/results/companion_probe_<domain>.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import machine  # noqa: E402  # bench/anonymize.py, beside this
from frozen_probe import MAX_LENGTH, frozen_probabilities, mean_std  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from dapt.io import read_jsonl  # noqa: E402
from dapt.runs import RunFolder, write_json  # noqa: E402
from dapt.training.builders import base_model_path  # noqa: E402
from dapt.training.classifier import Scorer  # noqa: E402

RESULTS = Path(__file__).parent / "results"
COMPANION = "mpnet"


def scores(run: RunFolder) -> dict[str, float]:
    """Macro-F1 on the run's anonymized eval file: dapt's classifier, the frozen companion, their mean."""
    task, dev = list(read_jsonl(run.anonymized("task"))), list(read_jsonl(run.anonymized("eval")))
    scorer = Scorer.load(run.merged_model, MAX_LENGTH)
    labels = scorer.model.labels
    gold = [labels.index(row["label"]) for row in dev]
    dapt, _ = scorer([row["text"] for row in dev])
    folder = Path(base_model_path(COMPANION))
    frozen = frozen_probabilities(folder, folder, task, dev, labels)
    rows = {"dapt": dapt, "frozen_companion": frozen, "mean_of_both": (dapt + frozen) / 2}
    return {name: round(100 * f1_score(gold, p.argmax(axis=1), average="macro"), 2) for name, p in rows.items()}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", choices=["finance", "medical"], default="finance")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-bench"), help="tight_data.py's work folder")
    args = parser.parse_args(argv)
    per_seed = {}
    for seed in args.seeds:
        per_seed[str(seed)] = scores(RunFolder(args.work / f"run-{args.domain}-dapt-{seed}"))
        print(f"{args.domain} seed {seed}: {per_seed[str(seed)]}", flush=True)
    summary = {name: mean_std([s[name] for s in per_seed.values()]) for name in next(iter(per_seed.values()))}
    print(summary)
    write_json(RESULTS / f"companion_probe_{args.domain}.json",
               {"domain": args.domain, "companion": COMPANION, "per_seed": per_seed, "summary": summary,
                "machine": machine()})  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
