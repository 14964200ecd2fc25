"""Stage 10: score the fine-tuned classifier on the evaluation split, beside a TF-IDF + logistic
regression baseline trained on the same labels, with calibration and the most confident mistakes."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

from dapt.config import RunConfig
from dapt.html import render_html
from dapt.runs import RunFolder, write_json, write_text
from dapt.splits import load_task_split
from dapt.training.attributions import word_attributions
from dapt.training.classifier import Scorer
from dapt.training.counterfactual import swap_gender
from dapt.training.export import folder_megabytes, milliseconds_per_text, save_int8

MISTAKES_SHOWN = 5
MISTAKE_CHARS = 300
ATTRIBUTED_EACH = 3  # right and wrong predictions explained word by word
COUNTERFACTUAL_SEED = 0


def counterfactual_flips(score: Scorer, texts: list[str], predicted: list[str]) -> dict[str, Any]:
    """How many predictions change when only gender changes in the text (see ``swap_gender``)."""
    rng = random.Random(COUNTERFACTUAL_SEED)
    swapped = {i: changed for i, text in enumerate(texts) if (changed := swap_gender(text, rng)) != text}
    probabilities, _ = score(list(swapped.values())) if swapped else (np.zeros((0, len(score.labels))), 0)
    flips = sum(predicted[i] != score.labels[int(row.argmax())] for i, row in zip(swapped, probabilities, strict=True))
    return {"texts_changed": len(swapped), "predictions_flipped": flips,
            "how": "gendered words and gendered first names swapped for the other gender's"}  # fmt: skip


def int8_beside_fp32(
    score: Scorer, run: RunFolder, texts: list[str], gold: list[str], labels: list[str]
) -> dict[str, Any]:
    """Write the int8 copy of the classifier; its accuracy and macro-F1 on the evaluation texts,
    and its CPU latency and size beside the fp32 model's."""
    int8 = save_int8(score, run.merged_model, run.int8_model)
    probabilities, _ = int8(texts)
    scores = classification_metrics(gold, [int8.labels[i] for i in probabilities.argmax(axis=1)], labels)
    fp32 = score if score.device.torch_device.type == "cpu" else score.cpu_copy()
    return {
        "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
        "ms_per_text_cpu": {"fp32": milliseconds_per_text(fp32, texts), "int8": milliseconds_per_text(int8, texts)},
        "megabytes": {"fp32": folder_megabytes(run.merged_model), "int8": folder_megabytes(run.int8_model)},
    }  # fmt: skip


def macro_f1_alone(parts: list[np.ndarray], gold: list[str], labels: list[str]) -> dict[str, float]:
    """With a companion: the macro-F1 of the fine-tuned classifier and of the companion, each alone
    (columns of ``parts`` in ``labels`` order); without one, nothing."""
    if len(parts) < 2:
        return {}
    return {name: round(f1_score(gold, [labels[i] for i in part.argmax(axis=1)], labels=labels, average="macro",
                                 zero_division=0), 4) for name, part in zip(("fine_tuned", "companion"), parts, strict=True)}  # fmt: skip


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by size."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gaps = [abs(confidence[which == b].mean() - correct[which == b].mean()) * (which == b).mean()
            for b in range(bins) if (which == b).any()]  # fmt: skip
    return float(sum(gaps))


def tfidf_baseline(train: list[dict[str, Any]], texts: list[str]) -> list[str]:
    """Predictions of TF-IDF (words and bigrams) + class-balanced logistic regression."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = vectorizer.fit_transform([row["text"] for row in train])
    model = LogisticRegression(max_iter=2000, C=10, class_weight="balanced")
    model.fit(features, [row["label"] for row in train])
    return list(model.predict(vectorizer.transform(texts)))


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


def confident_mistakes(
    rows: list[dict[str, Any]], kind: str, predicted: list[str], confidence: np.ndarray
) -> list[dict[str, Any]]:
    """The wrong predictions made with the most confidence (anonymized text, shortened; its row)."""
    wrong = [i for i, row in enumerate(rows) if row["label"] != predicted[i]]
    wrong.sort(key=lambda i: -confidence[i])
    return [{"kind": kind, "row": rows[i]["row"], "text": rows[i]["text"][:MISTAKE_CHARS], "gold": rows[i]["label"],
             "predicted": predicted[i], "confidence": round(float(confidence[i]), 3)} for i in wrong[:MISTAKES_SHOWN]]  # fmt: skip


def attributed_examples(
    score: Scorer, rows: list[dict[str, Any]], kind: str, predicted: list[str], confidence: np.ndarray
) -> list[dict[str, Any]]:
    """Word attributions (Integrated Gradients) for the most confident right and wrong predictions."""
    by_confidence = sorted(range(len(rows)), key=lambda i: -confidence[i])
    right = [i for i in by_confidence if rows[i]["label"] == predicted[i]][:ATTRIBUTED_EACH]
    wrong = [i for i in by_confidence if rows[i]["label"] != predicted[i]][:ATTRIBUTED_EACH]
    return [{"kind": kind, "row": rows[i]["row"], "gold": rows[i]["label"], "predicted": predicted[i],
             "words": word_attributions(score, rows[i]["text"])[1]} for i in right + wrong]  # fmt: skip


def evaluate(cfg: RunConfig, run: RunFolder) -> dict[str, Any]:
    """Write ``eval/metrics.json`` and ``eval/report.html``; returns the metrics."""
    split = load_task_split(run)
    texts, gold = [row["text"] for row in split.eval], [row["label"] for row in split.eval]
    score = Scorer.load(run.merged_model, cfg.finetune.max_length)
    parts, truncated = score.parts(texts)
    probabilities = score.combined(parts)
    predicted = [score.labels[i] for i in probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    correct = np.array([p == g for p, g in zip(predicted, gold, strict=True)], dtype=float)
    baseline = classification_metrics(gold, tfidf_baseline(split.train, texts), split.labels)
    metrics = {
        "eval_source": split.eval_source,
        **classification_metrics(gold, predicted, split.labels),
        "expected_calibration_error": round(expected_calibration_error(confidence, correct), 4),
        "truncated_texts": truncated,
        "baselines": {"tfidf_logistic_regression": {k: baseline[k] for k in ("accuracy", "macro_f1")}},
        "macro_f1_alone": macro_f1_alone(parts, gold, score.labels),
        "most_confident_mistakes": confident_mistakes(split.eval, split.eval_kind, predicted, confidence),
        "token_attributions": attributed_examples(score, split.eval, split.eval_kind, predicted, confidence),
        "counterfactual_gender_swap": counterfactual_flips(score, texts, predicted),
        "int8": int8_beside_fp32(score, run, texts, gold, split.labels),
    }
    write_json(run.metrics, metrics)
    write_eval_report(run, metrics)
    return metrics


def write_eval_report(run: RunFolder, metrics: dict[str, Any]) -> Path:
    """``eval/report.html``: the metrics, with the fine-tuning's learning curves from its report."""
    training = json.loads(run.report("finetune").read_text(encoding="utf-8"))
    curves = learning_curves(training)
    return write_text(run.eval_report, render_html("dapt.training", "eval_report.html.j2", m=metrics, run_id=run.run_id,
                                                   curves=curves))  # fmt: skip


def learning_curves(training: dict[str, Any], width: int = 600, height: int = 200) -> dict[str, str]:
    """SVG polyline points for the training loss per step and the validation loss per validation."""
    steps = max(len(training["loss_per_step"]), 1)
    points = {
        "train": list(enumerate(training["loss_per_step"], 1)),
        "validation": [(row["step"], row["loss"]) for row in training["validations"]],
    }
    top = max((loss for series in points.values() for _, loss in series), default=1.0) or 1.0
    return {name: " ".join(f"{step / steps * width:.1f},{height - loss / top * height:.1f}" for step, loss in series)
            for name, series in points.items()}  # fmt: skip
