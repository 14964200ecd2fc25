"""Memorisation audit (Carlini et al. 2019, "The Secret Sharer"): random canaries in the shapes of
the domain's identifiers are planted in the pretraining stream, each a set number of times (0: a
control never trained on); after training, each canary's exposure says how much likelier the model
finds its secret than other values of the same shape.

Exposure is ``log2(candidates + 1) - log2(rank)``, the canary's rank among sampled candidates by
the model's negative log-likelihood of the secret (causal-LM: each secret token given all before
it; masked-LM: pseudo-log-likelihood, each secret token masked in turn), so it is at most ``log2(candidates + 1)`` bits; the skew-normal fit of the
candidates' scores extrapolates past that bound, as the paper does. Canaries are random values, not
data; reports name their kind only (``make_canaries`` with the run's seed gives them back).
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from typing import Any

import torch
from scipy.stats import skewnorm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import CANARY_DIGIT as DIGIT
from dapt.config import CANARY_LETTER as LETTER
from dapt.config import CanaryConfig
from dapt.training.builders import mlm_head

SCORING_BATCH = 256  # masked copies per forward pass


@dataclass(frozen=True)
class Canary:
    kind: str
    prefix: str  # the format's text before its first placeholder: the context
    secret: str  # the rest, placeholders filled: what the model must not learn
    repeats: int  # copies planted in the training stream (0: a control)

    @property
    def text(self) -> str:
        return self.prefix + self.secret


def split_format(shape: str) -> tuple[str, str]:
    """``"MRN: ########"`` → ``("MRN: ", "########")``: the context and the secret's shape."""
    first = next(i for i, char in enumerate(shape) if char in (DIGIT, LETTER))
    return shape[:first], shape[first:]


def fill(shape: str, rng: random.Random) -> str:
    """The shape with each ``#`` a random digit and each ``@`` a random capital letter."""
    return "".join(
        str(rng.randrange(10)) if char == DIGIT else chr(65 + rng.randrange(26)) if char == LETTER else char
        for char in shape
    )


def space_bits(shape: str) -> float:
    """log2 of how many secrets the shape can take."""
    return shape.count(DIGIT) * math.log2(10) + shape.count(LETTER) * math.log2(26)


def make_canaries(cfg: CanaryConfig, seed: int) -> list[Canary]:
    """One canary per format and repeat count, drawn with ``seed``."""
    rng = random.Random(f"canaries-{seed}")
    canaries = []
    for kind, shape in sorted(cfg.formats.items()):
        prefix, secret_shape = split_format(shape)
        canaries += [Canary(kind, prefix, fill(secret_shape, rng), repeats) for repeats in cfg.repeats]
    return canaries


def plant(texts: list[str], canaries: list[Canary], seed: int) -> list[str]:
    """``texts`` with each canary inserted ``repeats`` times as a document of its own, at random
    places (not side by side, so no training block is made of copies)."""
    planted = list(texts)
    rng = random.Random(f"plant-{seed}")
    for canary in canaries:
        for _ in range(canary.repeats):
            planted.insert(rng.randrange(len(planted) + 1), canary.text)
    return planted


def exposure(canary_score: float, candidate_scores: list[float]) -> float:
    """Bits: log2 of the candidates (canary included) over the canary's rank, ties ranked against it."""
    rank = 1 + sum(score <= canary_score for score in candidate_scores)
    return math.log2((len(candidate_scores) + 1) / rank)


def extrapolated_exposure(canary_score: float, candidate_scores: list[float], bits: float) -> float:
    """Bits: -log2 of the share of the whole space a skew-normal fit of the candidates' scores puts
    below the canary's (at most ``bits``, the space's size)."""
    share = skewnorm.cdf(canary_score, *skewnorm.fit(candidate_scores))
    return min(bits, -math.log2(max(float(share), 2.0**-bits)))


def secret_tokens(tokenizer: PreTrainedTokenizerBase, prefix: str, secrets: list[str]) -> tuple[dict, torch.Tensor]:
    """The texts ``prefix + secret`` tokenized and padded on the right, and which tokens belong to the secret."""
    encoded = tokenizer([prefix + s for s in secrets], return_offsets_mapping=True, padding=True,
                        padding_side="right", return_tensors="pt")  # fmt: skip
    offsets = encoded.pop("offset_mapping")
    return dict(encoded), (offsets[..., 0] >= len(prefix)) & (offsets[..., 1] > offsets[..., 0])


def logits_at(model: PreTrainedModel, ids: torch.Tensor, mask: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """The masked-LM head's logits at one position per row (the head runs there only)."""
    device = next(model.parameters()).device
    hidden = model.base_model(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state
    return mlm_head(model)(hidden[torch.arange(len(ids)), columns.to(device)]).float().cpu()


@torch.no_grad()
def masked_secret_scores(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prefix: str, secrets: list[str]
) -> list[float]:
    """For each secret after ``prefix``, its pseudo negative log-likelihood: the sum, over its
    tokens, of -log p(token) with that token masked."""
    encoded, secret = secret_tokens(tokenizer, prefix, secrets)
    ids, mask = encoded["input_ids"], encoded["attention_mask"]
    rows, columns = secret.nonzero(as_tuple=True)
    nll = torch.zeros(len(secrets))
    for start in range(0, len(rows), SCORING_BATCH):
        row, column = rows[start : start + SCORING_BATCH], columns[start : start + SCORING_BATCH]
        masked = ids[row].clone()
        masked[torch.arange(len(row)), column] = tokenizer.mask_token_id
        log_p = logits_at(model, masked, mask[row], column).log_softmax(-1)
        nll.index_add_(0, row, -log_p[torch.arange(len(row)), ids[row, column]])
    return nll.tolist()


@torch.no_grad()
def masked_extracted(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prefix: str, secret: str) -> bool:
    """Whether masking every token of the secret and taking the model's first choice at each gives it back."""
    encoded, is_secret = secret_tokens(tokenizer, prefix, [secret])
    columns = is_secret[0].nonzero(as_tuple=True)[0]
    ids = encoded["input_ids"].masked_fill(is_secret, tokenizer.mask_token_id).expand(len(columns), -1)
    guesses = logits_at(model, ids, encoded["attention_mask"].expand(len(columns), -1), columns).argmax(-1)
    return bool((guesses == encoded["input_ids"][0, columns]).all())


@torch.no_grad()
def causal_secret_scores(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prefix: str, secrets: list[str]
) -> list[float]:
    """For each secret after ``prefix``, its negative log-likelihood under a causal LM (each secret
    token predicted from everything before it)."""
    encoded, secret = secret_tokens(tokenizer, prefix, secrets)
    device = next(model.parameters()).device
    scores = []
    for start in range(0, len(secrets), SCORING_BATCH // 4):
        ids = encoded["input_ids"][start : start + SCORING_BATCH // 4]
        mask = encoded["attention_mask"][start : start + SCORING_BATCH // 4]
        logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits[:, :-1].float().cpu()
        log_p = logits.log_softmax(-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
        scores += (-(log_p * secret[start : start + SCORING_BATCH // 4, 1:])).sum(dim=1).tolist()
    return scores


@torch.no_grad()
def causal_extracted(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prefix: str, secret: str) -> bool:
    """Whether greedy decoding from the prefix writes the secret's tokens."""
    encoded, is_secret = secret_tokens(tokenizer, prefix, [secret])
    context = encoded["input_ids"][:, : int(is_secret[0].nonzero()[0])]
    wanted = encoded["input_ids"][0, is_secret[0]]
    device = next(model.parameters()).device
    written = model.generate(context.to(device), attention_mask=torch.ones_like(context).to(device),
                             max_new_tokens=len(wanted), do_sample=False, pad_token_id=tokenizer.pad_token_id)  # fmt: skip
    return written[0, context.shape[1] :].cpu().tolist() == wanted.tolist()


@dataclass(frozen=True)
class CanaryExposure:
    kind: str
    repeats: int
    exposure_bits: float
    extrapolated_exposure_bits: float
    max_bits: float  # log2(candidates + 1): the rank-based figure cannot exceed it
    space_bits: float
    extracted: bool


def audit(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, canaries: list[Canary], cfg: CanaryConfig, seed: int,
    causal: bool = False,
) -> list[CanaryExposure]:
    """Each canary's exposure against ``cfg.candidates`` random secrets of its shape (``causal``: a
    causal LM, scored by likelihood and probed by greedy decoding from the canary's context)."""
    model.eval()
    score, extracted_by = (causal_secret_scores, causal_extracted) if causal else (masked_secret_scores, masked_extracted)
    formats = {kind: split_format(shape)[1] for kind, shape in cfg.formats.items()}
    rng = random.Random(f"candidates-{seed}")
    rows = []
    for canary in canaries:
        candidates = [fill(formats[canary.kind], rng) for _ in range(cfg.candidates)]
        scores = score(model, tokenizer, canary.prefix, [canary.secret, *candidates])
        bits = space_bits(formats[canary.kind])
        rows.append(CanaryExposure(
            canary.kind, canary.repeats, round(exposure(scores[0], scores[1:]), 2),
            round(extrapolated_exposure(scores[0], scores[1:], bits), 2), round(math.log2(len(candidates) + 1), 2),
            round(bits, 1), extracted_by(model, tokenizer, canary.prefix, canary.secret),
        ))  # fmt: skip
    return rows


def audit_report(rows: list[CanaryExposure], cfg: CanaryConfig, passes: float, seconds: float) -> dict[str, Any]:
    """The exposure table with what it means and whether the ceiling held."""
    planted = [row for row in rows if row.repeats]
    worst = max((max(row.exposure_bits, row.extrapolated_exposure_bits) for row in planted), default=0.0)
    return {
        "method": "exposure (Carlini et al. 2019): log2(candidates + 1) - log2(rank of the canary's secret among "
        "random secrets of its shape by the model's negative log-likelihood, pseudo for a masked LM); extrapolated: "
        "skew-normal fit; extracted: the secret comes back by greedy decoding (causal) or filling its masks",
        "candidates": cfg.candidates,
        "passes_over_training_stream": round(passes, 3),
        "seconds": round(seconds, 1),
        "max_exposure_bits": cfg.max_exposure_bits,
        "highest_planted_exposure_bits": worst,
        "passed": cfg.max_exposure_bits is None or worst <= cfg.max_exposure_bits,
        "canaries": [{**asdict(row), "expected_sightings": round(row.repeats * passes, 2)} for row in rows],
    }
