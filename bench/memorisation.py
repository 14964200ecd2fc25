"""Does continued pretraining at a domain's defaults memorise planted identifiers? Runs the
pretraining stage (canaries planted at the domain's shapes and repeat counts) on the real corpus
the tight-data bench anonymized (MTSamples for medical, ECTSum for finance) for each step budget,
and prints each canary's exposure beside the never-planted control of its shape.

    .venv/bin/python bench/memorisation.py --domain medical [--steps 150 600]

Writes bench/results/memorisation_<domain>.json.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import machine  # noqa: E402  # bench/anonymize.py, beside this
from tight_data import CORPORA, config, corpus_copy, corpus_run  # noqa: E402

from dapt.runs import RunFolder, read_json, write_json  # noqa: E402
from dapt.training.pretrain import pretrain  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def audited_pretraining(domain: str, steps: int) -> dict:
    """Pretrain a copy of the cached corpus stages for ``steps`` steps; the stage's report."""
    run = corpus_copy(domain, f"memorisation-{domain}-{steps}")
    shutil.copytree(RunFolder(corpus_run(domain, CORPORA[domain], {})).tokenizer, run.tokenizer)
    started = time.monotonic()
    pretrain(config(domain, {"pretrain": {"steps": steps}}), run)
    return {**read_json(run.report("pretrain")), "wall_seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="medical", choices=sorted(CORPORA))
    parser.add_argument("--steps", type=int, nargs="+", default=[150])
    args = parser.parse_args(argv)
    budgets = {}
    for steps in args.steps:
        report = audited_pretraining(args.domain, steps)
        audit = report["memorisation"]
        budgets[str(steps)] = {"audit": audit, "heldout_loss_after_pretraining": report["heldout_loss_after_pretraining"],
                               "wall_seconds": report["wall_seconds"]}  # fmt: skip
        print(f"{args.domain}, {steps} steps ({report['wall_seconds']} s, audit {audit['seconds']} s, "
              f"{audit['passes_over_training_stream']} passes over the stream):")  # fmt: skip
        for row in audit["canaries"]:
            print(f"  {row['kind']:<14} planted {row['repeats']:>4}× (seen ~{row['expected_sightings']}): "
                  f"exposure {row['exposure_bits']:.2f} bits (extrapolated {row['extrapolated_exposure_bits']:.2f}, "
                  f"of {row['space_bits']}), recovered: {row['extracted']}")  # fmt: skip
    write_json(RESULTS / f"memorisation_{args.domain}.json", {"domain": args.domain, "budgets": budgets, "machine": machine()})


if __name__ == "__main__":
    main(sys.argv[1:])
