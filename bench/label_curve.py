"""How far can the base encoder's frozen features go with more labels? A logistic regression on the
packaged MiniLM's L2-normalised mean-pooled texts, trained on 200, 400, … stratified labels (3 seeds)
and on the whole training pool, scored on the task's dev split (macro-F1): the ceiling a tight-data
target is measured against.

    .venv/bin/python bench/label_curve.py --task medical-abstracts [--sizes 200 400 800 1600 0] \
        [--base-model mpnet] [--max-length 384]

Size 0 is the whole pool (one fit). Writes bench/results/label_curve_<task>[_<base>][_<max length>].json
(the length only when it is not the fine-tuning default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from frozen_probe import MAX_LENGTH  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from tight_data import label_sample, macro_f1, read_rows  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.classifier import EncoderClassifier, pooled_texts  # noqa: E402
from dapt.training.data import encode  # noqa: E402
from dapt.training.start import PROBE_C  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="medical-abstracts")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 400, 800, 1600, 0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--base-model", default=None, help="model folder or packaged name (default: the packaged MiniLM)")
    parser.add_argument("--max-length", type=int, default=MAX_LENGTH, help="tokens read of each text")
    args = parser.parse_args(argv)
    pool, dev = read_rows(data_dir() / args.task / "train.jsonl"), read_rows(data_dir() / args.task / "dev.jsonl")
    labels = sorted({row["label"] for row in pool})
    base, device = base_model_path(args.base_model), pick_device()
    tokenizer, encoder = AutoTokenizer.from_pretrained(base), EncoderClassifier(AutoModel.from_pretrained(base), labels)
    samples = {size: [pool] if size == 0 else [label_sample(pool, size, 0, seed) for seed in args.seeds]
               for size in args.sizes}  # fmt: skip
    texts = sorted({row["text"] for rows in [dev, *(s for drawn in samples.values() for s in drawn)] for row in rows})
    vectors = dict(zip(texts, pooled_texts(encoder.to(device.torch_device), encode(tokenizer, [{"text": t} for t in texts],
                                                                                      labels, args.max_length), device)))  # fmt: skip
    gold = [row["label"] for row in dev]
    curve = {}
    for size in args.sizes:
        scores = []
        for labelled in samples[size]:
            regression = LogisticRegression(C=PROBE_C, max_iter=5000)
            regression.fit([vectors[row["text"]] for row in labelled], [row["label"] for row in labelled])
            scores.append(macro_f1(gold, list(regression.predict([vectors[row["text"]] for row in dev]))))
        curve[str(size or len(pool))] = {"scores": scores, "mean": round(statistics.mean(scores), 2),
                                         "std": round(statistics.stdev(scores), 2) if len(scores) > 1 else 0.0}  # fmt: skip
        print(f"{args.task}, {size or len(pool)} labels: {curve[str(size or len(pool))]}", flush=True)
    suffix = (f"_{Path(base).name}" if args.base_model else "") + (f"_{args.max_length}" if args.max_length != MAX_LENGTH else "")
    write_json(RESULTS / f"label_curve_{args.task}{suffix}.json",
               {"task": args.task, "base_model": Path(base).name, "regularisation_C": PROBE_C, "max_length": args.max_length, "curve": curve, "machine": machine()})  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
