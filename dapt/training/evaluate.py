"""Stage 10: score the fine-tuned classifier on the evaluation split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import torch
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from dapt.config import RunConfig
from dapt.html import render_html
from dapt.runs import RunFolder, write_json, write_text
from dapt.training.builders import pick_device
from dapt.training.data import load_task_split

BATCH = 64


@torch.no_grad()
def predict(model_path: Path, texts: list[str], max_length: int) -> list[str]:
    """Predicted label of each text."""
    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSequenceClassification.from_pretrained(model_path).to(device.torch_device).eval()
    predictions: list[str] = []
    for start in range(0, len(texts), BATCH):
        batch = tokenizer(
            texts[start : start + BATCH], truncation=True, max_length=max_length, padding=True, return_tensors="pt"
        ).to(device.torch_device)
        with device.autocast():
            ids = model(**batch).logits.argmax(dim=-1).tolist()
        predictions += [model.config.id2label[i] for i in ids]
    return predictions


def classification_metrics(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class report, confusion matrix and the majority-class baseline."""
    majority = Counter(gold).most_common(1)[0][0]
    return {
        "examples": len(gold),
        "accuracy": round(accuracy_score(gold, predicted), 4),
        "macro_f1": round(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0), 4),
        "majority_baseline_accuracy": round(gold.count(majority) / len(gold), 4),
        "per_class": classification_report(gold, predicted, labels=labels, output_dict=True, zero_division=0),
        "labels": labels,
        "confusion_matrix": confusion_matrix(gold, predicted, labels=labels).tolist(),
    }


def evaluate(cfg: RunConfig, run: RunFolder) -> dict[str, Any]:
    """Write ``eval/metrics.json`` and ``eval/report.html``; returns the metrics."""
    split = load_task_split(run)
    gold = [row["label"] for row in split.eval]
    predicted = predict(run.merged_model, [row["text"] for row in split.eval], cfg.finetune.max_length)
    metrics = {"eval_source": split.eval_source, **classification_metrics(gold, predicted, split.labels)}
    write_json(run.metrics, metrics)
    write_text(run.eval_report, render_html("dapt.training", "eval_report.html.j2", m=metrics, run_id=run.run_id))
    return metrics
