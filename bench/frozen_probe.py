"""Did continued pretraining help or hurt the encoder's representation of a task? A logistic
regression on frozen, L2-normalised mean-pooled texts of the base model and of an adapted one
(a bench work folder's ``pretrain/model`` with its ``vocab/tokenizer``), side by side in one process:

- ``dev``: trained on the seed's stratified labels, scored on the task's dev split (macro-F1);
- ``probe``: cross-validated on those labels alone, what ``finetune.start_from: auto`` decides by.

    .venv/bin/python bench/frozen_probe.py --task medical-abstracts \\
        --adapted /tmp/dapt-bench/corpus-medical-default [--seeds 0 1 2]

Writes bench/results/frozen_probe_<task>.json (per seed and mean ± std; adapted minus base).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import numpy as np  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from sklearn.linear_model import LogisticRegression  # noqa: E402
from tight_data import MAX_LENGTH, label_sample, macro_f1, read_rows  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from dapt.runs import RunFolder, write_json  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.classifier import EncoderClassifier, pooled_texts  # noqa: E402
from dapt.training.data import encode  # noqa: E402
from dapt.training.start import PROBE_C, probe_macro_f1  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def frozen_probabilities(
    model: Path, tokenizer_folder: Path, labelled: list[dict], dev: list[dict], labels: list[str]
) -> np.ndarray:
    """Class probabilities (columns in ``labels`` order) on ``dev`` of a logistic regression fitted
    on ``labelled``'s frozen pooled texts."""
    tokenizer, device = AutoTokenizer.from_pretrained(tokenizer_folder), pick_device()
    encoder = EncoderClassifier(AutoModel.from_pretrained(model), labels).to(device.torch_device)
    train, scored = (encode(tokenizer, rows, labels, MAX_LENGTH) for rows in (labelled, dev))
    regression = LogisticRegression(C=PROBE_C, max_iter=3000).fit(pooled_texts(encoder, train, device), train.targets)
    return regression.predict_proba(pooled_texts(encoder, scored, device))


def dev_macro_f1(model: Path, tokenizer_folder: Path, labelled: list[dict], dev: list[dict], labels: list[str]) -> float:
    """Macro-F1 on ``dev`` of a logistic regression fitted on ``labelled``'s frozen pooled texts."""
    predicted = frozen_probabilities(model, tokenizer_folder, labelled, dev, labels).argmax(axis=1)
    return macro_f1([row["label"] for row in dev], [labels[i] for i in predicted])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="medical-abstracts")
    parser.add_argument("--adapted", type=Path, required=True, help="a work folder with pretrain/model, vocab/tokenizer")
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    adapted = RunFolder(args.adapted)
    base = Path(base_model_path(None))
    encoders = {"base": (base, base), "adapted": (adapted.pretrained_model, adapted.tokenizer)}
    pool, dev = read_rows(data_dir() / args.task / "train.jsonl"), read_rows(data_dir() / args.task / "dev.jsonl")
    labels = sorted({row["label"] for row in pool})
    seeds: dict[str, dict[str, dict[str, float]]] = {}
    for seed in args.seeds:
        labelled = label_sample(pool, args.labels, 0, seed)
        seeds[str(seed)] = {name: {
            "dev": dev_macro_f1(model, tokenizer, labelled, dev, labels),
            "probe": round(100 * probe_macro_f1(model, AutoTokenizer.from_pretrained(tokenizer), labelled, labels,
                                                MAX_LENGTH, pick_device(), seed), 2),
        } for name, (model, tokenizer) in encoders.items()}  # fmt: skip
        print(f"{args.task} seed {seed}: {seeds[str(seed)]}", flush=True)
    summary = {f"{name} {kind}": mean_std([s[name][kind] for s in seeds.values()])
               for name in encoders for kind in ("dev", "probe")}  # fmt: skip
    summary["adapted minus base, dev"] = round(summary["adapted dev"]["mean"] - summary["base dev"]["mean"], 2)
    for key, value in summary.items():
        print(f"{key}: {value}")
    write_json(RESULTS / f"frozen_probe_{args.task}.json", {
        "task": args.task, "adapted": str(args.adapted), "labels": args.labels, "dev_examples": len(dev),
        "regularisation_C": PROBE_C, "seeds": seeds, "summary": summary, "machine": machine(),
    })  # fmt: skip


def mean_std(values: list[float]) -> dict[str, float]:
    """Mean ± std of ``values`` (std 0 for one value), rounded to 2 places."""
    return {"mean": round(statistics.mean(values), 2), "std": round(statistics.stdev(values), 2) if len(values) > 1 else 0.0}


if __name__ == "__main__":
    main(sys.argv[1:])
