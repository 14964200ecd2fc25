"""Does DP-SGD stop a small decoder memorising planted identifiers? Causal-LM continued pretraining
of the packaged SmolLM2-135M (LoRA, the domain's canaries planted) on the first ``--documents``
documents of the anonymized real corpus, once without DP and once with DP-SGD at ``--epsilon``:
same corpus, canaries, seed and step budget, in one process; each canary's exposure and the
held-out perplexity side by side.

    .venv/bin/python bench/dp_exposure.py --domain finance [--documents 10 --steps 60 --epsilon 8]

A short slice of the corpus keeps the canaries frequent enough for a short budget to see each
planted one many times (the defaults on the whole corpus see a 100× canary once or twice: no
memorisation to prevent). Writes bench/results/dp_exposure_<domain>.json.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import machine  # noqa: E402  # bench/anonymize.py, beside this
from tight_data import CORPORA, config, corpus_copy  # noqa: E402

from dapt.runs import RunFolder, read_json, write_json  # noqa: E402
from dapt.training.packaged import PACKAGED_DECODER  # noqa: E402
from dapt.training.pretrain import pretrain  # noqa: E402
from dapt.vocab.extend import extend_vocabulary  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def corpus_slice(domain: str, name: str, documents: int) -> RunFolder:
    """A fresh bench run folder whose anonymized corpus is the first ``documents`` documents."""
    run = corpus_copy(domain, name)
    corpus = run.anonymized("corpus")
    with corpus.open(encoding="utf-8") as lines:
        kept = list(itertools.islice(lines, documents))
    corpus.write_text("".join(kept), encoding="utf-8")
    return run


def audited_run(domain: str, documents: int, pretraining: dict[str, Any], epsilon: float | None) -> dict[str, Any]:
    """Pretrain SmolLM2 on the corpus slice (DP-SGD to ``epsilon`` where given); the figures compared."""
    name = f"dp-exposure-{domain}-{'no-dp' if epsilon is None else f'eps-{epsilon:g}'}"
    cfg = config(domain, {"base_model": PACKAGED_DECODER, "pretrain": {**pretraining, "dp": {"target_epsilon": epsilon}}})
    run = corpus_slice(domain, name, documents)
    extend_vocabulary(cfg, run)  # keeps SmolLM2's BPE tokenizer, as a run does
    started = time.monotonic()
    pretrain(cfg, run)
    report = read_json(run.report("pretrain"))
    return {
        "epsilon": epsilon, "wall_seconds": round(time.monotonic() - started, 1),
        "heldout_perplexity": report["heldout_perplexity"], "first_loss": report["first_loss"],
        "last_loss": report["last_loss"], "differential_privacy": report["differential_privacy"],
        "memorisation": report["memorisation"],
    }  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="finance", choices=sorted(CORPORA))
    parser.add_argument("--documents", type=int, default=10, help="first documents of the anonymized corpus")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--epsilon", type=float, default=8.0)
    args = parser.parse_args(argv)
    pretraining = {"steps": args.steps, "batch_size": args.batch_size, "max_length": args.max_length}
    runs = [audited_run(args.domain, args.documents, pretraining, epsilon) for epsilon in (None, args.epsilon)]
    for run in runs:
        label = "no DP" if run["epsilon"] is None else f"DP-SGD ε {run['epsilon']:g}"
        spent = run["differential_privacy"]
        print(f"{label}: {run['wall_seconds']} s, loss {run['first_loss']} → {run['last_loss']}, held-out perplexity "
              f"{run['heldout_perplexity']['before']} → {run['heldout_perplexity']['after']}"
              + (f", ε {spent['epsilon']} at δ {spent['delta']:.2e}, noise {spent['noise_multiplier']}" if spent else ""))  # fmt: skip
    print("canary exposure (bits), no DP against DP:")
    for plain, private in zip(*(run["memorisation"]["canaries"] for run in runs)):
        print(f"  {plain['kind']:<14} planted {plain['repeats']:>4}× (seen ~{plain['expected_sightings']}): "
              f"{plain['exposure_bits']:.2f} against {private['exposure_bits']:.2f}; "
              f"recovered {plain['extracted']} against {private['extracted']}")  # fmt: skip
    write_json(RESULTS / f"dp_exposure_{args.domain}.json", {
        "domain": args.domain, "documents": args.documents, "settings": pretraining, "runs": runs, "machine": machine(),
    })  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
