"""Stage 9: fine-tune a classifier from the adapted checkpoint on a few hundred labels.

A budget of optimizer steps with warm-up and decay; a stratified validation split carved from the
labels decides when to stop and which checkpoint to keep; the loss is class-weighted when the
classes are imbalanced. LoRA (target modules chosen by PEFT per architecture, the rows of the
added domain tokens trainable) or full fine-tuning with frozen lower layers. A frozen companion
encoder with a logistic-regression head is saved beside the classifier; scoring averages the two,
at the same confidence and weighted by how many labels there are (ensemble.py).
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from peft import PeftModel, get_peft_model
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from torch.nn.functional import cross_entropy
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase

from dapt.config import FinetuneConfig, RunConfig
from dapt.errors import UserError
from dapt.runs import RunFolder, training_corpus, write_json
from dapt.splits import load_task_split, stratified_split
from dapt.training.adapters import adapter_config, merged, save_adapter
from dapt.training.augment import surrogate_copies
from dapt.training.builders import Device, base_model_path, freeze_lower_layers, pick_device
from dapt.training.classifier import COMPANION, EncoderClassifier, class_logits, class_probabilities, pooled_texts
from dapt.training.data import Encoded, encode
from dapt.training.ensemble import CONFIDENCE_SENTENCES, combine
from dapt.training.loop import Batch, Objective, TrainingLog, body_and_head_optimizer, train_with_early_stopping
from dapt.training.self_training import corpus_sentences, pseudo_labelled
from dapt.training.start import PROBE_C, choose_start


@dataclass(frozen=True)
class FinetuneResult:
    method: str
    start_from: str
    start_probe_macro_f1: dict[str, float]
    train_examples: int
    surrogate_copies: int
    validation_examples: int
    pseudo_labelled_examples: int
    supervised_validation_macro_f1: float
    trainable_parameters: int
    total_parameters: int
    steps: int
    best_step: int
    best_validation_macro_f1: float
    stopped_early: bool
    class_weights: list[float] | None
    truncated_texts: int
    head_refit_on: int
    companion: str | None
    companion_temperature: float | None  # the fine-tuned logits' divisor that matches the companion's confidence
    fine_tuned_share: float | None  # the fine-tuned classifier's weight beside the companion
    first_loss: float
    last_loss: float
    seconds: float


def build_classifier(
    source: Path, labels: list[str], cfg: FinetuneConfig, new_token_ids: list[int] | None = None
) -> EncoderClassifier:
    """A mean-pooling classifier on the adapted encoder: wrapped in ``cfg.method``'s adapter
    (adapters.py) or, for full fine-tuning, with its embeddings and lowest ``freeze_layers`` frozen."""
    encoder = AutoModel.from_pretrained(source)
    adapter = adapter_config(cfg.method, cfg, new_token_ids)
    if adapter is not None:
        return EncoderClassifier(get_peft_model(encoder, adapter), labels)
    freeze_lower_layers(encoder, cfg.freeze_layers)
    return EncoderClassifier(encoder, labels)


def class_weights(targets: list[int], classes: int, cfg: FinetuneConfig) -> torch.Tensor | None:
    """Inverse-frequency weights (mean 1), or None when off or the classes are balanced enough."""
    counts = torch.bincount(torch.tensor(targets), minlength=classes).clamp(min=1).float()
    imbalanced = counts.max() / counts.min() > cfg.imbalance_bound
    if cfg.class_weights == "off" or (cfg.class_weights == "auto" and not imbalanced):
        return None
    return counts.sum() / (classes * counts)


def supervised_contrastive_loss(embeddings: torch.Tensor, targets: torch.Tensor, temperature: float) -> torch.Tensor:
    """SupCon (Khosla et al. 2020): pull each text towards the batch's others of its class.
    Texts with no other of their class in the batch add nothing."""
    normalised = torch.nn.functional.normalize(embeddings.float(), dim=-1)
    self_pairs = torch.eye(len(targets), dtype=torch.bool, device=targets.device)
    similarity = (normalised @ normalised.T / temperature).masked_fill(self_pairs, -1e9)
    positives = (targets[:, None] == targets[None, :]) & ~self_pairs
    log_probability = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    counts = positives.sum(dim=1)
    anchored = counts > 0
    if not anchored.any():
        return similarity.new_zeros(())
    return -((log_probability * positives).sum(dim=1)[anchored] / counts[anchored]).mean()


def classification_loss(
    logits: torch.Tensor,
    embeddings: torch.Tensor,
    targets: torch.Tensor,
    weights: torch.Tensor | None,
    cfg: FinetuneConfig,
) -> torch.Tensor:
    """Cross-entropy (class-weighted when asked) mixed with the supervised contrastive loss."""
    share = cfg.contrastive_weight
    loss = (1 - share) * cross_entropy(logits.float(), targets, weight=weights)
    return (
        loss + share * supervised_contrastive_loss(embeddings, targets, cfg.contrastive_temperature) if share else loss
    )


def validate(model: EncoderClassifier, data: Encoded, device: Device) -> tuple[float, float]:
    """Macro-F1 and mean loss on ``data``."""
    logits = class_logits(model, data, device)
    targets = torch.tensor(data.targets)
    f1 = f1_score(data.targets, logits.argmax(dim=-1).tolist(), average="macro", labels=range(len(model.labels)))
    return float(f1), float(cross_entropy(logits, targets))


def train_classifier(
    model: EncoderClassifier, train: Encoded, validation: Encoded, cfg: FinetuneConfig, device: Device
) -> TrainingLog:
    """Cross-entropy (class-weighted when imbalanced) with SupCon, under ``train_with_early_stopping``
    with macro-F1 on ``validation``; the head learns at its own rate."""
    weights = class_weights(train.targets, len(model.labels), cfg)
    weights = weights.to(device.torch_device) if weights is not None else None
    optimizer = body_and_head_optimizer(model.encoder.parameters(), model.head.parameters(), cfg)

    def loss(batch: Batch) -> torch.Tensor:
        embeddings = model.embed(batch["input_ids"], batch["attention_mask"])
        return classification_loss(model.head(model.dropout(embeddings)), embeddings, batch["labels"], weights, cfg)

    objective = Objective("macro_f1", loss, lambda: validate(model, validation, device))
    batches = train.shuffled_batches(cfg.batch_size, device.torch_device, random.Random(cfg.seed))
    return train_with_early_stopping(model, optimizer, batches, len(train.targets), objective, cfg, device)


def refit_head(
    model: EncoderClassifier, labelled: Encoded, device: Device, class_weighted: bool, regularisation: float = 1.0
) -> None:
    """Replace the head by a logistic regression (inverse penalty ``regularisation``) fitted on
    every labelled text's normalised pooled vector (SetFit's head): it uses the validation labels
    too, and does not depend on when early stopping happened to cut the head's training."""
    regression = LogisticRegression(
        C=regularisation, max_iter=3000, class_weight="balanced" if class_weighted else None
    )
    regression.fit(pooled_texts(model, labelled, device), labelled.targets)
    weight, bias = torch.tensor(regression.coef_).float(), torch.tensor(regression.intercept_).float()
    if len(model.labels) == 2:  # one logit for the second class: softmax over (-z/2, z/2) is sigmoid(z)
        weight, bias = torch.cat([-weight, weight]) / 2, torch.cat([-bias, bias]) / 2
    model.head.weight.data.copy_(weight)
    model.head.bias.data.copy_(bias)
    model.normalized = True


def companion_path(settings: FinetuneConfig) -> str:
    """The folder of ``finetune.companion`` (a packaged encoder is unpacked on first use)."""
    try:
        return base_model_path(settings.companion)
    except UserError as error:
        raise UserError(f"finetune.companion: {error.message}",
                        f"{error.hint}, or set finetune.companion: null") from None  # fmt: skip


def fit_companion(source: str, labelled_rows: list[dict], labels: list[str], settings: FinetuneConfig,
                  device: Device) -> tuple[EncoderClassifier, PreTrainedTokenizerBase]:  # fmt: skip
    """The frozen encoder ``source`` with a logistic regression fitted on its pooled texts of
    ``labelled_rows`` (the start probe's penalty, measured in bench/companion_probe.py)."""
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = EncoderClassifier(AutoModel.from_pretrained(source), labels).to(device.torch_device)
    refit_head(model, encode(tokenizer, labelled_rows, labels, settings.max_length), device, False, PROBE_C)
    return model, tokenizer


@dataclass
class Fitted:
    """A trained classifier with its training log and what it trained on."""

    model: EncoderClassifier
    log: TrainingLog
    train: Encoded
    trainable: int
    total: int


def fit(source: Path, tokenizer: PreTrainedTokenizerBase, labels: list[str], rows: list[dict], validation: Encoded,
        cfg: FinetuneConfig, device: Device, new_ids: list[int]) -> Fitted:  # fmt: skip
    """Build a classifier on ``source`` and train it on ``rows``, validating on ``validation``."""
    torch.manual_seed(cfg.seed)
    model = build_classifier(source, labels, cfg, new_ids).to(device.torch_device)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    train = encode(tokenizer, rows, labels, cfg.max_length)
    return Fitted(model, train_classifier(model, train, validation, cfg, device), train, trainable, total)


def self_train(first: Fitted, source: Path, tokenizer: PreTrainedTokenizerBase, rows: list[dict], validation: Encoded,
               corpus: list[str], cfg: FinetuneConfig, device: Device, new_ids: list[int]) -> tuple[Fitted, int]:  # fmt: skip
    """Train a second classifier on ``rows`` plus corpus sentences ``first`` labels confidently;
    keep whichever of the two validates better. Returns it and the pseudo-labelled count."""
    sentences = corpus_sentences(corpus, cfg.self_training_sentences, cfg.seed)
    unlabelled = encode(tokenizer, [{"text": s} for s in sentences], first.model.labels, cfg.max_length)
    probabilities = class_probabilities(first.model, unlabelled, device)
    counts = torch.bincount(torch.tensor(first.train.targets), minlength=len(first.model.labels))
    pseudo = pseudo_labelled(sentences, probabilities, first.model.labels, (counts / counts.sum()).tolist(), cfg)
    if not pseudo:
        return first, 0
    second = fit(source, tokenizer, first.model.labels, rows + pseudo, validation, cfg, device, new_ids)
    return (second if second.log.improves_on(first.log) else first), len(pseudo)


def finetune(cfg: RunConfig, run: RunFolder) -> FinetuneResult:
    """Train on the training part of the task split the task gate saved (and, when it validates
    better, on corpus sentences it pseudo-labels); save ``finetune/adapter/`` (LoRA) and
    ``finetune/merged/``."""
    started = time.monotonic()
    settings = cfg.finetune
    device = pick_device()
    split = load_task_split(run)
    train_rows, validation_rows = stratified_split(split.train, settings.validation_fraction, settings.seed)
    start = choose_start(cfg, run, split.train, split.labels, device)
    tokenizer, new_ids = start.tokenizer, start.new_token_ids
    validation = encode(tokenizer, validation_rows, split.labels, settings.max_length)
    training_rows = train_rows + surrogate_copies(train_rows, cfg, settings.surrogate_copies)
    fitted = fit(start.model, tokenizer, split.labels, training_rows, validation, settings, device, new_ids)
    supervised_f1, pseudo = fitted.log.best_score, 0
    needs_corpus = settings.self_training_sentences or settings.companion
    corpus = [row["text"] for row in training_corpus(run)] if needs_corpus else []
    if settings.self_training_sentences:
        fitted, pseudo = self_train(
            fitted, start.model, tokenizer, training_rows, validation, corpus, settings, device, new_ids
        )
    model, log = fitted.model, fitted.log
    if isinstance(model.encoder, PeftModel):
        save_adapter(model.encoder, run.adapter)
        model.encoder = merged(model.encoder)
    weights = class_weights(fitted.train.targets, len(split.labels), settings)
    labelled = encode(tokenizer, train_rows + validation_rows, split.labels, settings.max_length)
    if settings.refit_head:
        imbalanced = class_weights(labelled.targets, len(split.labels), settings) is not None
        refit_head(model, labelled, device, class_weighted=imbalanced)
    temperature = share = None
    if settings.companion:
        rows = train_rows + validation_rows
        companion = fit_companion(companion_path(settings), rows, split.labels, settings, device)
        sentences = corpus_sentences(corpus, CONFIDENCE_SENTENCES, settings.seed)
        temperature, share = combine((model, tokenizer), companion, sentences, len(rows),
                                     settings.companion_full_weight_at, device, settings.max_length)  # fmt: skip
        companion[0].save(run.merged_model / COMPANION, companion[1])
    model.save(run.merged_model, tokenizer)
    window = max(1, min(5, len(log.train_loss) // 2))
    result = FinetuneResult(
        method=settings.method,
        start_from=start.name,
        start_probe_macro_f1=start.probe_macro_f1,
        train_examples=len(train_rows),
        surrogate_copies=len(training_rows) - len(train_rows),
        validation_examples=len(validation.targets),
        pseudo_labelled_examples=pseudo if len(fitted.train.targets) > len(training_rows) else 0,
        supervised_validation_macro_f1=round(supervised_f1, 4),
        trainable_parameters=fitted.trainable,
        total_parameters=fitted.total,
        steps=len(log.train_loss),
        best_step=log.best_step,
        best_validation_macro_f1=round(log.best_score, 4),
        stopped_early=log.stopped_early,
        class_weights=[round(w, 3) for w in weights.tolist()] if weights is not None else None,
        truncated_texts=labelled.truncated,
        head_refit_on=len(labelled.targets) if settings.refit_head else 0,
        companion=settings.companion,
        companion_temperature=round(temperature, 4) if temperature else None,
        fine_tuned_share=share,
        first_loss=round(sum(log.train_loss[:window]) / window, 4),
        last_loss=round(sum(log.train_loss[-window:]) / window, 4),
        seconds=round(time.monotonic() - started, 1),
    )
    write_json(run.report("finetune"), {
        **asdict(result), "device": str(device.torch_device), "encoder_learning_rate": settings.encoder_learning_rate,
        "pseudo_labelled_candidates": pseudo, "loss_per_step": log.train_loss, "validations": log.validations,
    })  # fmt: skip
    return result
