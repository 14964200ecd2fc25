"""Named-entity recognition on SEC loan agreements (sec-filings-ner): dapt's token-classification
recipe against plain fine-tuning, in one process, on the same base model (the packaged MiniLM),
the same training sentences, the same word-piece alignment and the same dev split.

Rows (``--rows``):
    plain      HF ``Trainer`` on ``AutoModelForTokenClassification``, lr 5e-5, 10 epochs, batch 16
    dapt       ``dapt.training.tagging.train_tagger`` at the finance domain's fine-tuning defaults
               (full fine-tuning, step budget, early stopping on entity F1 over a tenth of the
               training sentences kept aside, best weights kept)
    dapt-lora  the same with LoRA
    adapted    ``dapt`` from a continued-pretraining checkpoint (``--pretrained RUN/pretrain/model``,
               e.g. the finance corpus run bench/tight_data.py caches), its tokenizer and added tokens

Scored with seqeval (entity level, exact span and type): micro F1 and F1 per type, mean ± std over
``--seeds``. Both rows read the sentences as they are (public SEC filings; the NER labels are the
names themselves, so this bench does not anonymize them). Sequences are cut at ``--max-length``
word pieces; words cut off count as missed.

    .venv/bin/python bench/ner.py [--seeds 0 1 2] [--rows plain,dapt] [--sentences 0]

Writes bench/results/ner_sec-filings.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import torch  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from transformers import (  # noqa: E402
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    PreTrainedModel,
    Trainer,
    TrainingArguments,
)

from dapt.cli import run_config  # noqa: E402
from dapt.config import FinetuneConfig  # noqa: E402
from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.start import new_token_ids  # noqa: E402
from dapt.training.tagging import encode_words, entity_scores, predict_tags, tag_set, train_tagger  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "ner_sec-filings.json"
ROWS = ["plain", "dapt", "dapt-lora", "adapted"]
VALIDATION_SHARE = 10  # dapt keeps every tenth training sentence aside for early stopping


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(model: PreTrainedModel, tokenizer, dev: list[dict], tags: list[str], max_length: int) -> dict[str, Any]:  # noqa: ANN001
    predicted, _ = predict_tags(model, encode_words(tokenizer, dev, tags, max_length), tags, pick_device(), 32)
    return entity_scores([row["tags"] for row in dev], predicted)


def plain(train: list[dict], dev: list[dict], tags: list[str], seed: int, max_length: int, work: Path) -> dict[str, Any]:
    """HF Trainer on AutoModelForTokenClassification, as a team would start."""
    tokenizer = AutoTokenizer.from_pretrained(base_model_path(None))
    torch.manual_seed(seed)
    model = AutoModelForTokenClassification.from_pretrained(
        base_model_path(None), num_labels=len(tags), id2label=dict(enumerate(tags)), label2id={t: i for i, t in enumerate(tags)}
    )
    encoded = encode_words(tokenizer, train, tags, max_length)
    dataset = [{"input_ids": ids, "labels": labels} for ids, labels in zip(encoded.input_ids, encoded.targets, strict=True)]
    args = TrainingArguments(output_dir=str(work / "plain"), learning_rate=5e-5, num_train_epochs=10,
                             per_device_train_batch_size=16, seed=seed, report_to="none", save_strategy="no",
                             logging_strategy="no", disable_tqdm=True, use_cpu=not torch.cuda.is_available())  # fmt: skip
    Trainer(model=model, args=args, train_dataset=dataset, data_collator=DataCollatorForTokenClassification(tokenizer)).train()
    return scores(model.eval(), tokenizer, dev, tags, max_length)


def dapt_tagger(train: list[dict], dev: list[dict], tags: list[str], cfg: FinetuneConfig, source: Path) -> dict[str, Any]:
    """dapt's recipe: a tenth of the sentences kept for early stopping, the rest trained on."""
    tokenizer = AutoTokenizer.from_pretrained(source)
    new_ids = new_token_ids(AutoTokenizer.from_pretrained(base_model_path(None)), tokenizer)
    kept = [row for i, row in enumerate(train) if i % VALIDATION_SHARE]
    validation = [row for i, row in enumerate(train) if not i % VALIDATION_SHARE]
    tagger = train_tagger(source, tokenizer, tags, kept, validation, cfg, pick_device(), new_ids)
    return {**scores(tagger.model, tokenizer, dev, tags, cfg.max_length), "steps": len(tagger.log.train_loss),
            "best_step": tagger.log.best_step}  # fmt: skip


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    f1 = [100 * run["entity_f1"] for run in runs]
    types = sorted({kind for run in runs for kind in run["per_type"] if " avg" not in kind and kind != "micro avg"})
    per_type = {kind: round(statistics.mean(100 * run["per_type"].get(kind, {}).get("f1-score", 0) for run in runs), 2)
                for kind in types}  # fmt: skip
    return {"entity_f1_mean": round(statistics.mean(f1), 2), "entity_f1_std": round(statistics.stdev(f1), 2) if len(f1) > 1 else 0.0,
            "per_type_f1_mean": per_type, "seconds_mean": round(statistics.mean(run["seconds"] for run in runs), 1)}  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rows", default="plain,dapt", help=f"comma-separated, of {', '.join(ROWS)}")
    parser.add_argument("--sentences", type=int, default=0, help="train on the first N sentences (0: all 990)")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--pretrained", type=Path, help="the adapted row's continued-pretraining checkpoint")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-ner"))
    args = parser.parse_args(argv)
    train = read_rows(data_dir() / "sec-filings-ner" / "train.jsonl")
    train = train[: args.sentences] if args.sentences else train
    dev = read_rows(data_dir() / "sec-filings-ner" / "dev.jsonl")
    tags = tag_set(train + dev)
    measured = {"max_length": args.max_length, "learning_rate": 1e-4}  # the rate the NER rows were measured at
    defaults = run_config("finance", None, {}).finetune.model_copy(update=measured)
    saved = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    results: dict[str, Any] = saved.get("rows", {})
    for seed in args.seeds:
        cfg = defaults.model_copy(update={"seed": seed})
        runners: dict[str, Callable[[], dict[str, Any]]] = {
            "plain": lambda: plain(train, dev, tags, seed, args.max_length, args.work),
            "dapt": lambda: dapt_tagger(train, dev, tags, cfg, base_model_path(None)),
            "dapt-lora": lambda: dapt_tagger(train, dev, tags, cfg.model_copy(update={"method": "lora"}), base_model_path(None)),
            "adapted": lambda: dapt_tagger(train, dev, tags, cfg, args.pretrained),
        }  # fmt: skip
        for row in [r for r in args.rows.split(",") if r]:
            started = time.monotonic()
            outcome = {**runners[row](), "seed": seed, "seconds": round(time.monotonic() - started, 1)}
            runs = [run for run in results.get(row, {}).get("runs", []) if run["seed"] != seed] + [outcome]
            results[row] = {"runs": sorted(runs, key=lambda run: run["seed"]), **summary(runs)}
            print(f"seed {seed} {row:10s} entity F1 {100 * outcome['entity_f1']:.2f}  ({outcome['seconds']:.0f} s)", flush=True)
            write_json(RESULTS, {"rows": results, "settings": {
                "train_sentences": len(train), "dev_sentences": len(dev), "max_length": args.max_length,
                "dapt_finetune": defaults.model_dump(mode="json"), "pretrained": str(args.pretrained or ""),
            }, "machine": machine()})  # fmt: skip
    for row, figures in results.items():
        print(f"{row:10s} {figures['entity_f1_mean']:6.2f} ± {figures['entity_f1_std']:.2f}  per type {figures['per_type_f1_mean']}")


if __name__ == "__main__":
    main(sys.argv[1:])
