"""Tight-data classification: dapt's default recipe against what a team gets without dapt, in one
process, on the same base model (the packaged MiniLM, or ``--base-model mpnet``), the same labels
and the same dev split.

Rows (``--rows``):
    plain      HF ``Trainer``, ``AutoModelForSequenceClassification``, lr 5e-5, 10 epochs, batch 16
    setfit     the ``setfit`` package: 200 contrastive steps (batch 16), logistic-regression head
               (both read the first 128 tokens of a text, as dapt's fine-tuning does)
    tfidf      TF-IDF (words and bigrams) + class-balanced logistic regression
    dapt       dapt's default recipe through its stage functions: the domain corpus (ECTSum for
               finance, MTSamples for medical) anonymized, vocabulary mined, continued pretraining,
               then the task and the dev split anonymized, ``finetune`` and ``evaluate`` at the
               domain's defaults, the frozen mpnet companion included (the macro-F1 ``dapt run``
               writes to eval/metrics.json; each part's alone is kept beside it)
    no-pretrain, no-vocab, no-self-training, no-refit, no-companion   the same with one part left
               out (no-refit: the head as trained, not refit by logistic regression on every label;
               no-companion: the fine-tuned classifier alone, without the frozen mpnet averaged in)
    surrogates the same with two surrogate copies of each training text that has a personal value
               (``finetune.surrogate_copies: 2``: names, dates, numbers drawn afresh, label kept)
    lora       the same with LoRA instead of full fine-tuning (the domains' default)
    adapted    the same, always fine-tuning the adapted encoder (``start_from: adapted``; the default
               ``auto`` keeps whichever of adapted and base a frozen-encoder probe scores higher)
    mpnet      dapt's fine-tuning on the packaged mpnet encoder with no vocabulary and no pretraining
               (``make encoder``; for every row on mpnet use ``--base-model mpnet``)

The baselines read the raw text (a team without dapt); dapt reads its anonymized copy. The corpus
stages do not depend on the labels: they run once per task (seed 0) and every seed's run folder
links to them. Each seed draws its own stratified label sample (``--labels 200``, or ``--per-class
8``) and trains from it.

    .venv/bin/pip install -c constraints.txt -e '.[bench]'     # the setfit package, for its row
    .venv/bin/python bench/tight_data.py --task financial-phrasebank --labels 200 --seeds 0 1 2 \\
        [--rows plain,setfit,tfidf,dapt] [--base-model mpnet] [--work /tmp/dapt-bench]

Writes bench/results/tight_data_<task>_<labels>[_<base model>].json (per-seed figures, mean ± std,
wall times).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()
os.environ.setdefault("DAPT_KEY", "bench-key-" + "0" * 32)  # surrogates only need to be consistent here

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.config import FinetuneConfig, RunConfig  # noqa: E402
from dapt.privacy.anonymize import anonymize  # noqa: E402
from dapt.runs import RunFolder, write_json  # noqa: E402
from dapt.training.builders import base_model_path  # noqa: E402
from dapt.training.evaluate import evaluate, tfidf_baseline  # noqa: E402
from dapt.training.finetune import finetune  # noqa: E402
from dapt.training.pretrain import pretrain  # noqa: E402
from dapt.validation.stages import validate_task  # noqa: E402
from dapt.vocab.extend import extend_vocabulary  # noqa: E402

TASKS = {"financial-phrasebank": ("finance", "ectsum"), "medical-abstracts": ("medical", "mtsamples")}
MAX_LENGTH = FinetuneConfig().max_length  # tokens every row and probe reads of a text: the fine-tuning default
ROWS = ["plain", "setfit", "tfidf", "dapt", "no-pretrain", "no-vocab", "no-self-training", "no-refit", "no-companion",
        "surrogates", "lora", "adapted", "mpnet"]
RESULTS = Path(__file__).parent / "results"

# What each dapt variant changes in the domain's defaults.
VARIANTS: dict[str, dict[str, Any]] = {
    "dapt": {},
    "no-pretrain": {"pretrain": {"steps": 0}},
    "no-vocab": {"vocab": {"max_new_tokens": 0, "min_new_tokens": 0}},
    "no-self-training": {"finetune": {"self_training_sentences": 0}},
    "no-refit": {"finetune": {"refit_head": False}},
    "no-companion": {"finetune": {"companion": None}},
    "surrogates": {"finetune": {"surrogate_copies": 2}},
    "lora": {"finetune": {"method": "lora"}},
    "adapted": {"finetune": {"start_from": "adapted"}},
    "mpnet": {"base_model": "mpnet", "pretrain": {"steps": 0},
              "vocab": {"max_new_tokens": 0, "min_new_tokens": 0}, "finetune": {"start_from": "base"}},
}


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def label_sample(rows: list[dict[str, Any]], labels: int, per_class: int, seed: int) -> list[dict[str, Any]]:
    """``labels`` stratified examples, or ``per_class`` of each class, drawn with ``seed``."""
    if per_class:
        rng = random.Random(seed)
        classes = sorted({row["label"] for row in rows})
        return [row for c in classes for row in rng.sample([r for r in rows if r["label"] == c], per_class)]
    _, sample = train_test_split(rows, test_size=labels, random_state=seed, stratify=[r["label"] for r in rows])
    return sample


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    return round(100 * f1_score(gold, predicted, average="macro"), 2)


def plain_finetuning(train: list[dict], dev: list[dict], seed: int, epochs: int = 10) -> list[str]:
    """HF Trainer on AutoModelForSequenceClassification ([CLS] pooler), as a team would start."""
    import numpy as np
    from datasets import Dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

    labels = sorted({row["label"] for row in train})
    base = base_model_path(BASE)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=len(labels))

    def dataset(rows: list[dict]) -> Dataset:
        data = Dataset.from_list([{"text": r["text"], "label": labels.index(r["label"])} for r in rows])
        return data.map(lambda b: tokenizer(b["text"], truncation=True, max_length=MAX_LENGTH), batched=True)

    args = TrainingArguments(output_dir=str(WORK / "plain"), learning_rate=5e-5, num_train_epochs=epochs,
                             per_device_train_batch_size=16, seed=seed, report_to="none", save_strategy="no",
                             logging_strategy="no", disable_tqdm=True)  # fmt: skip
    trainer = Trainer(model=model, args=args, train_dataset=dataset(train), processing_class=tokenizer)
    trainer.train()
    logits = trainer.predict(dataset([{**r, "label": labels[0]} for r in dev])).predictions
    return [labels[i] for i in np.argmax(logits, axis=1)]


def setfit_baseline(train: list[dict], dev: list[dict], seed: int) -> list[str]:
    """The setfit package: contrastive pairs on the sentence encoder, then a logistic head."""
    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments

    model = SetFitModel.from_pretrained(base_model_path(BASE))
    model.model_body.max_seq_length = MAX_LENGTH  # the sentence encoder's own 256 or 384 would double its pairs' cost
    args = TrainingArguments(output_dir=str(WORK / "setfit"), batch_size=16, max_steps=200, seed=seed, report_to="none")
    Trainer(model=model, args=args, train_dataset=Dataset.from_list(train)).train()
    return list(model.predict([row["text"] for row in dev]))


def anonymized_corpus(domain: str, corpus: str) -> Path:
    """The domain corpus as the default anonymization stage writes it, made once and cached."""
    shared = WORK / f"corpus-{domain}-anonymized.jsonl"
    if not shared.is_file():
        anonymize(data_dir() / corpus / "corpus.jsonl", "corpus", config(domain, {}), None, RunFolder(WORK / "anonymize-corpus"))
        shutil.copy(RunFolder(WORK / "anonymize-corpus").anonymized("corpus"), shared)
    return shared


def corpus_run(domain: str, corpus: str, variant: dict[str, Any]) -> Path:
    """Anonymized corpus, tokenizer and pretrained model for one variant, made once and cached."""
    name = "-".join(f"{k}" for k in variant) or "default"
    folder = WORK / f"corpus-{domain}-{name}{base_suffix('-')}"
    cfg = config(domain, variant)
    run = RunFolder(folder)
    if not (run.pretrained_model / "config.json").is_file():
        run.anonymized("corpus").parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(anonymized_corpus(domain, corpus), run.anonymized("corpus"))
        extend_vocabulary(cfg, run)
        pretrain(cfg, run)
    return folder


CORPORA = dict(TASKS.values())  # domain → its corpus folder


def corpus_copy(domain: str, name: str) -> RunFolder:
    """A fresh run folder ``WORK/name`` holding the domain corpus as the default anonymization wrote it."""
    run = RunFolder(WORK / name)
    shutil.rmtree(run.root, ignore_errors=True)
    run.anonymized("corpus").parent.mkdir(parents=True)
    shutil.copy(anonymized_corpus(domain, CORPORA[domain]), run.anonymized("corpus"))
    return run


def base_suffix(separator: str) -> str:
    """What names the chosen base model in folder and result names (nothing for the default)."""
    return f"{separator}{Path(BASE).name}" if BASE else ""


def config(domain: str, variant: dict[str, Any]) -> RunConfig:
    """The domain's defaults with the variant's changes; every row scores the same dev examples
    (an overlap with the labels is warned about, not set aside as `dapt run` does by default)."""
    chosen = {"base_model": BASE} if BASE else {}
    return run_config(domain, None, {"input": {"id_field": "doc_id"}, "validation": {"eval_overlap": "warn"}, **chosen,
                                     **variant})  # fmt: skip


def dapt_recipe(
    domain: str, corpus: str, variant_name: str, train: list[dict], dev: list[dict], seed: int
) -> dict[str, float]:
    """dapt's stages on this seed's labels, from the variant's cached corpus stages; eval macro-F1
    (and, with a companion, the fine-tuned classifier's and the companion's each alone)."""
    variant = VARIANTS[variant_name]
    source = RunFolder(corpus_run(domain, corpus, {k: v for k, v in variant.items() if k != "finetune"}))
    cfg = config(domain, {**variant, "finetune": {**variant.get("finetune", {}), "seed": seed}})
    run = RunFolder(WORK / f"run-{domain}-{variant_name}-{seed}{base_suffix('-')}")
    shutil.rmtree(run.root, ignore_errors=True)
    for path in (source.anonymized("corpus"), source.tokenizer, source.pretrained_model):
        target = run.root / path.relative_to(source.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path)
    for kind, rows in (("task", train), ("eval", dev)):
        anonymize(write_rows(WORK / f"{kind}-{seed}.jsonl", rows), kind, cfg, None, run)
    validate_task(cfg, run, has_eval_file=True)
    finetune(cfg, run)
    metrics = evaluate(cfg, run)
    alone = {f"{part}_alone": round(100 * f1, 2) for part, f1 in metrics["macro_f1_alone"].items()}
    return {"macro_f1": round(100 * metrics["macro_f1"], 2), **alone}


def timed(work: Callable[[], dict[str, float]]) -> tuple[dict[str, float], float]:
    started = time.monotonic()
    return work(), round(time.monotonic() - started, 1)


def main(argv: list[str]) -> None:
    global WORK, BASE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="financial-phrasebank")
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--per-class", type=int, default=0, help="draw this many per class instead of --labels")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated, of {', '.join(ROWS)}")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-bench"), help="cache of corpus stages and runs")
    parser.add_argument("--base-model", default=None, help="base of every row (default: the packaged MiniLM)")
    args = parser.parse_args(argv)
    WORK, BASE = args.work, args.base_model
    domain, corpus = TASKS[args.task]
    rows = [r for r in args.rows.split(",") if r]
    pool, dev = read_rows(data_dir() / args.task / "train.jsonl"), read_rows(data_dir() / args.task / "dev.jsonl")
    gold = [row["label"] for row in dev]
    size = f"{args.per_class}-per-class" if args.per_class else str(args.labels)
    out = RESULTS / f"tight_data_{args.task}_{size}{base_suffix('_')}.json"
    saved = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    results: dict[str, Any] = saved.get("rows", {})
    for seed in args.seeds:
        train = label_sample(pool, args.labels, args.per_class, seed)
        runners: dict[str, Callable[[], dict[str, float]]] = {
            "plain": lambda: {"macro_f1": macro_f1(gold, plain_finetuning(train, dev, seed))},
            "setfit": lambda: {"macro_f1": macro_f1(gold, setfit_baseline(train, dev, seed))},
            "tfidf": lambda: {"macro_f1": macro_f1(gold, tfidf_baseline(train, [r["text"] for r in dev]))},
            **{name: (lambda name=name: dapt_recipe(domain, corpus, name, train, dev, seed)) for name in VARIANTS},
        }
        for row in rows:
            scores, seconds = timed(runners[row])
            results.setdefault(row, {})[str(seed)] = {**scores, "seconds": seconds}
            print(f"{args.task} {size} seed {seed} {row}: {scores} ({seconds} s)", flush=True)
            write_json(out, {"task": args.task, "labels": size, "dev_examples": len(dev), "rows": summarise(results),
                             "base_model": Path(base_model_path(BASE)).name, "machine": machine()})  # fmt: skip
    print_table(summarise(results))


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Mean ± std of macro-F1 and mean seconds over the seeds of each row (and the mean of each
    part's macro-F1 alone, where every seed has it)."""
    for row, seeds in results.items():
        runs = [v for k, v in seeds.items() if k.isdigit()]
        scores = [v["macro_f1"] for v in runs]
        seeds["mean"] = round(statistics.mean(scores), 2)
        seeds["std"] = round(statistics.stdev(scores), 2) if len(scores) > 1 else 0.0
        seeds["seconds_mean"] = round(statistics.mean(v["seconds"] for v in runs), 1)
        for part in {key for key in runs[0] if key.endswith("_alone") and all(key in v for v in runs)}:
            seeds[f"{part}_mean"] = round(statistics.mean(v[part] for v in runs), 2)
    return results


def print_table(results: dict[str, Any]) -> None:
    print(f"{'row':<18}{'seeds':>6}{'macro-F1':>18}{'seconds':>10}")
    for row, seeds in results.items():
        count = sum(k.isdigit() for k in seeds)
        print(f"{row:<18}{count:>6}{seeds['mean']:>11.2f} ± {seeds['std']:<5.2f}{seeds['seconds_mean']:>9.1f}")


WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "dapt-bench"
BASE: str | None = None

if __name__ == "__main__":
    main(sys.argv[1:])
