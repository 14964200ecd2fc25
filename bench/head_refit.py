"""The classification head after fine-tuning: refit by logistic regression on every label, against
the head as trained, in one process, on the same tuned encoder, labels and dev split.

For each seed and encoder learning rate, dapt's ``fit`` fine-tunes the packaged MiniLM (full
fine-tuning, the finance domain's other defaults, no continued pretraining, no self-training) on
the seed's stratified labels less the validation fifth that early stopping reads. Then, scored on
the dev split:
    frozen   logistic regression on the untuned encoder's normalised pooled texts of every label
             (what the encoder knows before fine-tuning)
    head     the classifier as trained (best validation step kept)
    refit    ``refit_head``: the head replaced by logistic regression on every label (validation
             included) over the tuned encoder's normalised pooled texts (dapt's default)

    .venv/bin/python bench/head_refit.py --task financial-phrasebank --seeds 0 1 2 [--rates 3e-5 1e-4]

Writes bench/results/head_refit_<task>.json (macro-F1 per seed, mean ± std, seconds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from sklearn.linear_model import LogisticRegression  # noqa: E402
from tight_data import TASKS, config, label_sample, macro_f1, read_rows  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from dapt.runs import write_json  # noqa: E402
from dapt.splits import stratified_split  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.classifier import EncoderClassifier, class_probabilities, pooled_texts  # noqa: E402
from dapt.training.data import encode  # noqa: E402
from dapt.training.finetune import class_weights, fit, refit_head  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def scores(task: str, seed: int, rate: float, dev: list[dict], pool: list[dict]) -> dict[str, float]:
    """Dev macro-F1 of the frozen, trained and refit heads for one seed and learning rate."""
    domain, _ = TASKS[task]
    cfg = config(domain, {"finetune": {"method": "full", "seed": seed, "learning_rate": rate}}).finetune
    base = base_model_path(None)
    tokenizer, device = AutoTokenizer.from_pretrained(base), pick_device()
    labelled_rows = label_sample(pool, 200, 0, seed)
    labels = sorted({row["label"] for row in labelled_rows})
    train_rows, validation_rows = stratified_split(labelled_rows, cfg.validation_fraction, seed)
    labelled, dev_encoded = (encode(tokenizer, rows, labels, cfg.max_length) for rows in (labelled_rows, dev))
    weighted = class_weights(labelled.targets, len(labels), cfg) is not None
    gold = [row["label"] for row in dev]

    def predicted(model: EncoderClassifier) -> float:
        probabilities = class_probabilities(model, dev_encoded, device)
        return macro_f1(gold, [labels[i] for i in probabilities.argmax(dim=-1).tolist()])

    frozen = EncoderClassifier(AutoModel.from_pretrained(base), labels).to(device.torch_device)
    regression = LogisticRegression(max_iter=3000, class_weight="balanced" if weighted else None)
    regression.fit(pooled_texts(frozen, labelled, device), labelled.targets)
    frozen_f1 = macro_f1(gold, [labels[i] for i in regression.predict(pooled_texts(frozen, dev_encoded, device))])
    validation = encode(tokenizer, validation_rows, labels, cfg.max_length)
    started = time.monotonic()
    fitted = fit(base, tokenizer, labels, train_rows, validation, cfg, device, [])
    seconds = round(time.monotonic() - started, 1)
    head_f1 = predicted(fitted.model)
    refit_head(fitted.model, labelled, device, class_weighted=weighted)
    return {"frozen": frozen_f1, "head": head_f1, "refit": predicted(fitted.model),
            "best_step": fitted.log.best_step, "fine_tuning_seconds": seconds}  # fmt: skip


def summary(per_seed: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Mean ± std over seeds of each row."""
    rows = {}
    for row in ("frozen", "head", "refit"):
        values = [scores[row] for scores in per_seed.values()]
        rows[row] = {"mean": round(statistics.mean(values), 2),
                     "std": round(statistics.stdev(values), 2) if len(values) > 1 else 0.0}  # fmt: skip
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="financial-phrasebank")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rates", type=float, nargs="+", default=[3e-5, 1e-4], help="encoder learning rates")
    args = parser.parse_args(argv)
    pool = read_rows(data_dir() / args.task / "train.jsonl")
    dev = read_rows(data_dir() / args.task / "dev.jsonl")
    out = RESULTS / f"head_refit_{args.task}.json"
    results: dict[str, Any] = {}
    for rate in args.rates:
        per_seed = {}
        for seed in args.seeds:
            per_seed[str(seed)] = scores(args.task, seed, rate, dev, pool)
            print(f"{args.task} lr {rate:g} seed {seed}: {per_seed[str(seed)]}", flush=True)
        results[f"{rate:g}"] = {"seeds": per_seed, **summary(per_seed)}
        write_json(out, {"task": args.task, "labels": 200, "dev_examples": len(dev), "learning_rates": results,
                         "machine": machine()})  # fmt: skip
    for rate, rows in results.items():
        print(f"lr {rate}: " + ", ".join(f"{row} {rows[row]['mean']:.2f} ± {rows[row]['std']:.2f}"
                                         for row in ("frozen", "head", "refit")))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
