"""How far can the base encoder go with more labels? A logistic regression on the packaged MiniLM's
frozen, L2-normalised mean-pooled texts (or, with ``--plain-epochs``, tight_data.py's plain fine-tuning
for that many epochs), trained on 200, 400, … stratified labels (3 seeds) and on the whole training
pool, scored on the task's dev split (macro-F1): the ceiling a tight-data target is measured against.

    .venv/bin/python bench/label_curve.py --task medical-abstracts [--sizes 200 400 800 1600 0] \
        [--base-model mpnet] [--max-length 384] [--plain-epochs 3]

Size 0 is the whole pool (one fit). Writes bench/results/label_curve_<task>[_<base>][_<max length>]
[_plain<epochs>].json (the length only when it is not the fine-tuning default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import tight_data  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from sklearn.linear_model import LogisticRegression  # noqa: E402
from tight_data import MAX_LENGTH, label_sample, macro_f1, plain_finetuning, read_rows  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.classifier import EncoderClassifier, pooled_texts  # noqa: E402
from dapt.training.data import encode  # noqa: E402
from dapt.training.start import PROBE_C  # noqa: E402

RESULTS = Path(__file__).parent / "results"


Predict = Callable[[list[dict], int], list[str]]  # labelled rows, seed → one label per dev row


def frozen_regression(
    args: argparse.Namespace, labels: list[str], dev: list[dict], samples: list[list[dict]]
) -> Predict:
    """A logistic regression on the frozen encoder's pooled texts (every text pooled once)."""
    base, device = base_model_path(args.base_model), pick_device()
    tokenizer, encoder = AutoTokenizer.from_pretrained(base), EncoderClassifier(AutoModel.from_pretrained(base), labels)
    texts = sorted({row["text"] for rows in [dev, *samples] for row in rows})
    encoded = encode(tokenizer, [{"text": text} for text in texts], labels, args.max_length)
    vectors = dict(zip(texts, pooled_texts(encoder.to(device.torch_device), encoded, device)))

    def predict(labelled: list[dict], seed: int) -> list[str]:
        regression = LogisticRegression(C=PROBE_C, max_iter=5000)
        regression.fit([vectors[row["text"]] for row in labelled], [row["label"] for row in labelled])
        return list(regression.predict([vectors[row["text"]] for row in dev]))

    return predict


def plain_fine_tuning(args: argparse.Namespace, dev: list[dict]) -> Predict:
    """tight_data.py's plain fine-tuning for ``args.plain_epochs`` epochs."""
    tight_data.BASE = args.base_model

    def predict(labelled: list[dict], seed: int) -> list[str]:
        return plain_finetuning(labelled, dev, seed, args.plain_epochs)

    return predict


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="medical-abstracts")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 400, 800, 1600, 0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--base-model", default=None, help="model folder or packaged name (default: the packaged MiniLM)")
    parser.add_argument("--max-length", type=int, default=MAX_LENGTH, help="tokens read of each text")
    parser.add_argument("--plain-epochs", type=int, default=0, help="plain fine-tuning epochs (0: frozen)")
    args = parser.parse_args(argv)
    pool, dev = read_rows(data_dir() / args.task / "train.jsonl"), read_rows(data_dir() / args.task / "dev.jsonl")
    labels = sorted({row["label"] for row in pool})
    samples = {size: [(0, pool)] if size == 0 else [(seed, label_sample(pool, size, 0, seed)) for seed in args.seeds]
               for size in args.sizes}  # fmt: skip
    drawn = [rows for sample in samples.values() for _, rows in sample]
    predict = plain_fine_tuning(args, dev) if args.plain_epochs else frozen_regression(args, labels, dev, drawn)
    gold = [row["label"] for row in dev]
    curve = {}
    for size in args.sizes:
        scores = [macro_f1(gold, predict(labelled, seed)) for seed, labelled in samples[size]]
        curve[str(size or len(pool))] = {"scores": scores, "mean": round(statistics.mean(scores), 2),
                                         "std": round(statistics.stdev(scores), 2) if len(scores) > 1 else 0.0}  # fmt: skip
        print(f"{args.task}, {size or len(pool)} labels: {curve[str(size or len(pool))]}", flush=True)
    base = Path(base_model_path(args.base_model)).name
    suffix = "".join([f"_{base}" if args.base_model else "",
                      f"_{args.max_length}" if args.max_length != MAX_LENGTH else "",
                      f"_plain{args.plain_epochs}" if args.plain_epochs else ""])  # fmt: skip
    write_json(RESULTS / f"label_curve_{args.task}{suffix}.json",
               {"task": args.task, "base_model": base, "regularisation_C": PROBE_C, "max_length": args.max_length,
                "plain_epochs": args.plain_epochs, "curve": curve, "machine": machine()})  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
