"""Where fine-tuning starts: the adapted encoder or the base model, chosen on the labels.

Continued pretraining can cost as well as pay. On the packaged sentence-transformer, 150 masked-LM
steps on MTSamples lowered a logistic regression on the frozen encoder's pooled texts from 57.9 to
51.2 macro-F1 on medical-abstracts (docs/benchmarks.md). With ``finetune.start_from: auto`` both
encoders are scored that way by cross-validation on the task's own labels, before any fine-tuning,
and the better one is fine-tuned; the scores go into the fine-tuning report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase

from dapt.config import RunConfig
from dapt.runs import RunFolder
from dapt.training.builders import Device, base_model_path
from dapt.training.classifier import EncoderClassifier, pooled_texts
from dapt.training.data import encode

PROBE_FOLDS = 5
PROBE_C = 10.0  # the pooled texts are L2-normalised: a weaker penalty than sklearn's default fits them better


@dataclass(frozen=True)
class Start:
    """The encoder fine-tuning starts from, its tokenizer, the ids vocabulary extension added to it,
    and the probe's macro-F1 per candidate (empty when the choice was configured)."""

    name: str
    model: Path
    tokenizer: PreTrainedTokenizerBase
    new_token_ids: list[int]
    probe_macro_f1: dict[str, float]


def new_token_ids(base: PreTrainedTokenizerBase, extended: PreTrainedTokenizerBase) -> list[int]:
    """Ids vocabulary extension added: every id past the base tokenizer's (word pieces and words alike)."""
    return list(range(len(base), len(extended)))


def probe_macro_f1(
    model: Path, tokenizer: PreTrainedTokenizerBase, rows: list[dict], labels: list[str], max_length: int,
    device: Device, seed: int,
) -> float | None:  # fmt: skip
    """Cross-validated macro-F1 of a logistic regression on the frozen encoder's normalised pooled
    texts; None when a class has fewer than two examples."""
    encoded = encode(tokenizer, rows, labels, max_length)
    smallest = min(Counter(encoded.targets).values())
    if smallest < 2:
        return None
    classifier = EncoderClassifier(AutoModel.from_pretrained(model), labels).to(device.torch_device)
    features = pooled_texts(classifier, encoded, device)
    folds = StratifiedKFold(min(PROBE_FOLDS, smallest), shuffle=True, random_state=seed)
    regression = LogisticRegression(C=PROBE_C, max_iter=3000)
    return float(cross_val_score(regression, features, encoded.targets, cv=folds, scoring="f1_macro").mean())


def choose_start(cfg: RunConfig, run: RunFolder, rows: list[dict], labels: list[str], device: Device) -> Start:
    """The configured encoder, or with ``start_from: auto`` the one whose probe scores higher on
    ``rows`` (the adapted one on a tie or when the probe cannot run)."""
    settings = cfg.finetune
    base = Path(base_model_path(cfg.base_model))
    base_tokenizer = AutoTokenizer.from_pretrained(base)
    candidates = {"adapted": (run.pretrained_model, AutoTokenizer.from_pretrained(run.pretrained_model)),
                  "base": (base, base_tokenizer)}  # fmt: skip
    scores: dict[str, float] = {}
    if settings.start_from == "auto":
        for name, (model, tokenizer) in candidates.items():
            score = probe_macro_f1(model, tokenizer, rows, labels, settings.max_length, device, settings.seed)
            if score is not None:
                scores[name] = round(score, 4)
    name = settings.start_from if settings.start_from != "auto" else max(scores, key=scores.get, default="adapted")
    model, tokenizer = candidates[name]
    return Start(name, model, tokenizer, new_token_ids(base_tokenizer, tokenizer), scores)
