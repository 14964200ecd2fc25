"""A text classifier that reads a sentence encoder the way it was trained: mean pooling over the
real tokens, then a linear layer. Saved as the encoder's own Hugging Face folder plus the head
(``classifier.json`` and ``classifier.safetensors``), so any AutoModel architecture works. A
classifier folder may hold a second one in ``companion/`` (a frozen encoder with a logistic-regression
head): a ``Scorer`` then averages the two classifiers' class probabilities."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModel, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dapt.errors import UserError
from dapt.training.adapters import save_model, with_virtual_tokens
from dapt.training.builders import Device, pick_device
from dapt.training.data import Encoded, encode

HEAD_CONFIG = "classifier.json"
HEAD_WEIGHTS = "classifier.safetensors"
COMPANION = "companion"  # the folder, inside a classifier's, of the classifier averaged with it
BATCH = 64


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the hidden states of real (unpadded) tokens."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)


class EncoderClassifier(torch.nn.Module):
    """Encoder → mean pooling → dropout → linear layer over ``labels``."""

    def __init__(
        self,
        encoder: PreTrainedModel,
        labels: list[str],
        dropout: float = 0.1,
        normalized: bool = False,
        weight: float = 1.0,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.labels = list(labels)
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, len(labels))
        self.normalized = normalized
        self.weight = weight  # of its class probabilities when averaged with a companion's

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The mean of the text's hidden states (after any learned prompt positions put before it)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return mean_pool(hidden[:, -input_ids.shape[1] :], attention_mask)

    def features(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """What the head reads: the pooled text, L2-normalised for a head fitted by logistic regression."""
        pooled = self.embed(input_ids, attention_mask)
        return torch.nn.functional.normalize(pooled, dim=-1) if self.normalized else pooled

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_: torch.Tensor) -> torch.Tensor:
        """Logits, one row per text."""
        return self.head(self.dropout(self.features(input_ids, attention_mask)))

    def save(self, folder: Path, tokenizer: PreTrainedTokenizerBase) -> None:
        """Write encoder, tokenizer and head into ``folder`` (a LoRA encoder must be merged first;
        a prompt- or prefix-tuned one keeps its adapter beside the weights)."""
        save_model(self.encoder, folder)
        tokenizer.save_pretrained(folder)
        (folder / HEAD_CONFIG).write_text(
            json.dumps(
                {"labels": self.labels, "pooling": "mean", "normalized": self.normalized, "weight": self.weight},
                indent=2,
            ),
            encoding="utf-8",
        )
        save_file({name: tensor.contiguous() for name, tensor in self.head.state_dict().items()}, folder / HEAD_WEIGHTS)


def load_classifier(folder: Path) -> tuple[EncoderClassifier, PreTrainedTokenizerBase]:
    """A classifier and its tokenizer saved by ``EncoderClassifier.save``."""
    if not (folder / HEAD_CONFIG).is_file() or not (folder / HEAD_WEIGHTS).is_file():
        raise UserError(f"{folder}: not a dapt classifier (no {HEAD_CONFIG})", "pass a run folder's finetune/merged")
    model = classifier_shaped_as(with_virtual_tokens(AutoModel.from_pretrained(folder), folder), folder)
    model.head.load_state_dict(load_file(folder / HEAD_WEIGHTS))
    return model.eval(), AutoTokenizer.from_pretrained(folder)


def classifier_shaped_as(encoder: PreTrainedModel, folder: Path) -> EncoderClassifier:
    """A classifier on ``encoder`` with the labels and pooling of the one saved in ``folder`` (head untrained)."""
    description = json.loads((folder / HEAD_CONFIG).read_text(encoding="utf-8"))
    return EncoderClassifier(encoder, description["labels"], normalized=description.get("normalized", False),
                             weight=description.get("weight", 1.0))  # fmt: skip


@torch.no_grad()
def per_text(
    model: EncoderClassifier,
    encoded: Encoded,
    device: Device,
    compute: Callable[[dict[str, torch.Tensor]], torch.Tensor],
    width: int,
) -> torch.Tensor:
    """``compute``'s row (``width`` wide) for each text of ``encoded``, in its order, as float32 on
    the CPU. Batches hold texts of similar length, so little of them is padding; dropout is off and
    the model's mode is restored afterwards."""
    order = encoded.by_length()
    rows = torch.zeros((len(order), width))
    training = model.training
    model.eval()
    done = 0
    for batch in encoded.batches_of(order, BATCH, device.torch_device):
        with device.autocast():
            computed = compute(batch).float().cpu()
        rows[order[done : done + len(computed)]] = computed
        done += len(computed)
    model.train(training)
    return rows


def class_logits(model: EncoderClassifier, encoded: Encoded, device: Device) -> torch.Tensor:
    """The classes' logits for each encoded text, in order."""
    return per_text(model, encoded, device, lambda batch: model(**batch), len(model.labels))


def class_probabilities(model: EncoderClassifier, encoded: Encoded, device: Device) -> torch.Tensor:
    """Softmax over the classes for each encoded text, in order."""
    return torch.softmax(class_logits(model, encoded, device), dim=-1)


def pooled_texts(model: EncoderClassifier, encoded: Encoded, device: Device) -> np.ndarray:
    """The L2-normalised pooled vector of each encoded text, in order."""
    pooled = per_text(model, encoded, device, lambda batch: model.embed(batch["input_ids"], batch["attention_mask"]),
                      model.head.in_features)  # fmt: skip
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def companion_in(folder: Path, load: Callable[[Path], Scorer], labels: list[str]) -> Scorer | None:
    """The companion saved in ``folder`` (None without one), loaded by ``load``, after checking it
    scores the same labels in the same order."""
    if not (folder / COMPANION).is_dir():
        return None
    companion = load(folder / COMPANION)
    if companion.labels != labels:
        raise UserError(f"{folder / COMPANION}: its labels differ from the classifier's",
                        "pass a run folder's finetune/merged as dapt wrote it")  # fmt: skip
    return companion


@dataclass(frozen=True)
class Scorer:
    """A saved classifier loaded once, on the best device, scoring texts; with its companion, when
    the folder holds one, whose class probabilities are averaged with its own (each classifier's
    ``weight`` as saved)."""

    model: EncoderClassifier
    tokenizer: PreTrainedTokenizerBase
    device: Device
    max_length: int
    companion: Scorer | None = None

    @classmethod
    def load(cls, folder: Path, max_length: int) -> Scorer:
        model, tokenizer = load_classifier(folder)
        device = pick_device()
        companion = companion_in(folder, lambda path: cls.load(path, max_length), model.labels)
        return cls(model.to(device.torch_device), tokenizer, device, max_length, companion)

    @classmethod
    def on_cpu(
        cls, model: EncoderClassifier, tokenizer: PreTrainedTokenizerBase, max_length: int, companion: Scorer | None
    ) -> Scorer:
        return cls(model.cpu(), tokenizer, Device(torch.device("cpu"), torch.float32), max_length, companion)

    def cpu_copy(self) -> Scorer:
        """The same classifiers, copied to the CPU."""
        companion = self.companion.cpu_copy() if self.companion else None
        return Scorer.on_cpu(copy.deepcopy(self.model), self.tokenizer, self.max_length, companion)

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    def parts(self, texts: list[str]) -> tuple[list[np.ndarray], int]:
        """Class probabilities for each text from this classifier and from its companion (when it
        has one), and how many texts were cut to ``max_length`` (by this classifier's tokenizer)."""
        encoded = encode(self.tokenizer, [{"text": text} for text in texts], self.labels, self.max_length)
        own = class_probabilities(self.model, encoded, self.device).numpy()
        return [own, *(self.companion.parts(texts)[0] if self.companion else [])], encoded.truncated

    def weights(self) -> list[float]:
        """The weight of each of ``parts`` in the average."""
        return [self.model.weight, *(self.companion.weights() if self.companion else [])]

    def combined(self, parts: list[np.ndarray]) -> np.ndarray:
        """The class probabilities of ``parts``' weighted mean."""
        return np.average(parts, axis=0, weights=self.weights())

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, int]:
        """Class probabilities for each text (the weighted mean of ``parts``), and how many texts were cut."""
        parts, truncated = self.parts(texts)
        return self.combined(parts), truncated
