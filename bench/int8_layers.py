"""Which layers dapt's dynamic-int8 export may quantize: every ``nn.Linear`` (the old export) against
every one but the feed-forward down-projections (``export.quantized``, the default since this bench),
beside fp32, on the frozen encoders a classifier and its companion are made of.

    .venv/bin/python bench/int8_layers.py [--tasks financial-phrasebank medical-abstracts] [--seeds 0 1 2]

For each task, encoder (the packaged MiniLM and mpnet) and seed: dapt's companion recipe
(``finetune.fit_companion``: a logistic-regression head on the frozen, mean-pooled texts of the
task's 200 stratified labels), scored on the task's dev split (its first ``--dev-rows``) in fp32 and in
each int8 copy of the same model; then the median CPU latency of one text at a time (the first
``export.LATENCY_TEXTS`` dev texts, seed 0's head). The rule was chosen on the first 600
financial-phrasebank dev sentences with mpnet, seed 0; medical-abstracts was not looked at before.
Writes bench/results/int8_layers.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import torch  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from sklearn.metrics import f1_score  # noqa: E402
from tight_data import label_sample, read_rows  # noqa: E402

from dapt.config import FinetuneConfig  # noqa: E402
from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import Device, base_model_path  # noqa: E402
from dapt.training.classifier import EncoderClassifier, Scorer, per_text  # noqa: E402
from dapt.training.data import encode  # noqa: E402
from dapt.training.export import milliseconds_per_text, quantized  # noqa: E402
from dapt.training.finetune import fit_companion  # noqa: E402

RESULTS = Path(__file__).parent / "results"
CPU = Device(torch.device("cpu"), torch.float32)
ENCODERS = {"MiniLM": None, "mpnet": "mpnet"}
VARIANTS = {
    "fp32": lambda model: model,
    "int8 every Linear": lambda model: quantized(model, keep_down_projections=False),
    "int8 down-projections fp32": quantized,
}


def features(model: EncoderClassifier, texts: list[str], tokenizer: Any, max_length: int) -> torch.Tensor:
    """What ``model``'s head reads for each text."""
    encoded = encode(tokenizer, [{"text": text} for text in texts], model.labels, max_length)
    return per_text(model, encoded, CPU, lambda batch: model.features(batch["input_ids"], batch["attention_mask"]),
                    model.encoder.config.hidden_size)  # fmt: skip


def macro_f1(logits: torch.Tensor, gold: list[str], labels: list[str]) -> float:
    return round(100 * f1_score(gold, [labels[i] for i in logits.argmax(dim=1).tolist()], average="macro"), 2)


def one_encoder(encoder: str, task: str, seeds: list[int], dev_rows: int) -> dict[str, Any]:
    """Macro-F1 per variant and seed, and each variant's latency, for one packaged encoder on one task."""
    source = base_model_path(ENCODERS[encoder])
    settings = FinetuneConfig()
    pool = read_rows(data_dir() / task / "train.jsonl")
    dev = read_rows(data_dir() / task / "dev.jsonl")[: dev_rows or None]
    labels = sorted({row["label"] for row in pool})
    texts, gold = [row["text"] for row in dev], [row["label"] for row in dev]
    heads = {seed: fit_companion(source, label_sample(pool, 200, 0, seed), labels, settings, CPU) for seed in seeds}
    model, tokenizer = heads[seeds[0]]
    scores: dict[str, Any] = {}
    for name, make in VARIANTS.items():
        copy = make(model.cpu().eval())
        dev_features = features(copy, texts, tokenizer, settings.max_length)
        with torch.no_grad():
            f1 = [macro_f1(make(heads[seed][0].cpu().eval()).head(dev_features), gold, labels) for seed in seeds]
        latency = milliseconds_per_text(Scorer.on_cpu(copy, tokenizer, settings.max_length, None), texts)
        scores[name] = {"macro_f1": f1, "mean": round(statistics.mean(f1), 2),
                        "std": round(statistics.stdev(f1), 2) if len(f1) > 1 else 0.0, "ms_per_text_cpu": latency}  # fmt: skip
        print(f"{task} {encoder} {name}: macro-F1 {f1} ({scores[name]['mean']}), {latency} ms per text", flush=True)
    return {"dev_examples": len(dev), **scores}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", default=["financial-phrasebank", "medical-abstracts"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--dev-rows", type=int, default=0, help="the first N dev rows are scored (0: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # int8 kernels and latency as a one-thread service sees them
    rows = {task: {encoder: one_encoder(encoder, task, args.seeds, args.dev_rows) for encoder in ENCODERS}
            for task in args.tasks}  # fmt: skip
    write_json(RESULTS / "int8_layers.json", {"seeds": args.seeds, "labels": 200, "rows": rows, "machine": machine()})


if __name__ == "__main__":
    main(sys.argv[1:])
