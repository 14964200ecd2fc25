"""How should the fine-tuned classifier and the frozen companion be combined? For each seed's saved
run of ``bench/tight_data.py --rows dapt``, the dev split is scored by each part alone, by their
plain mean, by the mean after the fine-tuned logits are scaled to the companion's confidence on
unlabelled corpus sentences (dapt/training/ensemble.py), by the fine-tuned share dapt's rule
gives for the label count, by both, and by the scaled parts at several shares. A run written by dapt with the rule has its temperature undone
first (from finetune/report.json), so every run is scored from the same starting point. Nothing
is retrained.

    .venv/bin/python bench/companion_weights.py --domain finance --work /tmp/dapt-bench-financial-phrasebank \
        [--seeds 0 1 2] [--name 8-per-class]

Writes bench/results/companion_weights_<domain>[_<name>].json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import torch  # noqa: E402
from anonymize import machine  # noqa: E402  # bench/anonymize.py, beside this
from frozen_probe import MAX_LENGTH, mean_std  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from dapt.config import FinetuneConfig  # noqa: E402
from dapt.io import read_jsonl  # noqa: E402
from dapt.runs import RunFolder, training_corpus, write_json  # noqa: E402
from dapt.training.builders import pick_device  # noqa: E402
from dapt.training.classifier import COMPANION, load_classifier  # noqa: E402
from dapt.training.ensemble import (  # noqa: E402
    CONFIDENCE_SENTENCES,
    fine_tuned_share,
    logits_of,
    matching_temperature,
    mean_entropy,
)
from dapt.training.self_training import corpus_sentences  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
FULL_WEIGHT_AT = FinetuneConfig().companion_full_weight_at


def part_logits(folder: Path, texts: dict[str, list[str]]) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The logits of the classifier saved in ``folder`` for each named list of texts, and its labels."""
    model, tokenizer = load_classifier(folder)
    logits = {name: logits_of(model, tokenizer, batch, pick_device(), MAX_LENGTH) for name, batch in texts.items()}
    return logits, model.labels


def scores(run: RunFolder, seed: int) -> dict[str, float]:
    """Macro-F1 on the run's anonymized eval file for each way of combining the two parts."""
    dev = list(read_jsonl(run.anonymized("eval")))
    sentences = corpus_sentences((row["text"] for row in training_corpus(run)), CONFIDENCE_SENTENCES, seed)
    texts = {"dev": [row["text"] for row in dev], "corpus": sentences}
    report = json.loads(run.report("finetune").read_text(encoding="utf-8"))
    fine_tuned, labels = part_logits(run.merged_model, texts)
    saved_temperature = report.get("companion_temperature") or 1.0
    fine_tuned = {name: logits * saved_temperature for name, logits in fine_tuned.items()}
    companion, _ = part_logits(run.merged_model / COMPANION, texts)
    gold = [labels.index(row["label"]) for row in dev]
    temperature = matching_temperature(fine_tuned["corpus"], mean_entropy(companion["corpus"]))

    def f1(share: float, scale: float) -> float:
        mixed = share * torch.softmax(fine_tuned["dev"] / scale, -1) + (1 - share) * torch.softmax(companion["dev"], -1)
        return round(100 * f1_score(gold, mixed.argmax(-1).numpy(), average="macro"), 2)

    default_share = fine_tuned_share(report["train_examples"] + report["validation_examples"], len(labels), FULL_WEIGHT_AT)
    return {"fine_tuned_alone": f1(1.0, 1.0), "companion_alone": f1(0.0, 1.0), "plain_mean": f1(0.5, 1.0),
            "confidence_matched": f1(0.5, temperature), "share_by_labels": f1(default_share, 1.0),
            "dapt_default": f1(default_share, temperature),
            **{f"matched_share_{share}": f1(share, temperature) for share in SHARES[1:-1]},
            "temperature": round(temperature, 3), "default_share": default_share}  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", choices=["finance", "medical"], default="finance")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-bench"), help="tight_data.py's work folder")
    parser.add_argument("--name", default="", help="suffix of the results file (e.g. 8-per-class)")
    args = parser.parse_args(argv)
    per_seed = {}
    for seed in args.seeds:
        per_seed[str(seed)] = scores(RunFolder(args.work / f"run-{args.domain}-dapt-{seed}"), seed)
        print(f"{args.domain} seed {seed}: {per_seed[str(seed)]}", flush=True)
    summary = {name: mean_std([s[name] for s in per_seed.values()]) for name in next(iter(per_seed.values()))}
    print(json.dumps(summary, indent=1))
    suffix = f"_{args.name}" if args.name else ""
    write_json(RESULTS / f"companion_weights_{args.domain}{suffix}.json",
               {"domain": args.domain, "work": str(args.work), "per_seed": per_seed, "summary": summary,
                "machine": machine()})  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
