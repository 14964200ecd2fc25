"""Which words a prediction rests on: Integrated Gradients (captum's ``LayerIntegratedGradients``)
over the input embeddings, from an all-padding baseline to the text, for the predicted class.
Word pieces are summed into whole words; scores are scaled so the largest magnitude is 1."""

from __future__ import annotations

from typing import Any

import torch
from captum.attr import LayerIntegratedGradients

from dapt.training.classifier import Scorer
from dapt.training.data import encode

INTEGRATION_STEPS = 32
CONTINUATION = "##"  # WordPiece's mark of a piece that continues the previous word


def word_attributions(score: Scorer, text: str) -> tuple[str, list[tuple[str, float]]]:
    """The predicted label, and each word of ``text`` (as the tokenizer sees it, up to the model's
    window) with its attribution to that label: positive for, negative against."""
    model, device = score.model, score.device.torch_device
    encoded = encode(score.tokenizer, [{"text": text}], score.labels, score.max_length)
    batch = next(encoded.batches(1, device))
    ids, mask = batch["input_ids"], batch["attention_mask"]
    model.eval()

    def probabilities(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.softmax(model(input_ids=input_ids, attention_mask=attention_mask).float(), dim=-1)

    with torch.no_grad():
        predicted = int(probabilities(ids, mask).argmax(dim=-1))
    baseline = torch.full_like(ids, score.tokenizer.pad_token_id)
    baseline[0, 0], baseline[0, -1] = ids[0, 0], ids[0, -1]  # keep [CLS] and [SEP]
    attributions = LayerIntegratedGradients(probabilities, model.encoder.get_input_embeddings()).attribute(
        ids, baselines=baseline, target=predicted, additional_forward_args=(mask,), n_steps=INTEGRATION_STEPS
    )
    per_piece = attributions.sum(dim=-1)[0].detach().cpu().tolist()
    pieces = score.tokenizer.convert_ids_to_tokens(ids[0].tolist())
    return score.labels[predicted], merged_words(pieces[1:-1], per_piece[1:-1])


def merged_words(pieces: list[str], scores: list[float]) -> list[tuple[str, float]]:
    """Word pieces joined into words with their scores summed, scaled to a largest magnitude of 1."""
    words: list[list[Any]] = []
    for piece, value in zip(pieces, scores, strict=True):
        if piece.startswith(CONTINUATION) and words:
            words[-1][0] += piece.removeprefix(CONTINUATION)
            words[-1][1] += value
        else:
            words.append([piece, value])
    largest = max((abs(value) for _, value in words), default=0.0) or 1.0
    return [(word, round(value / largest, 3)) for word, value in words]
