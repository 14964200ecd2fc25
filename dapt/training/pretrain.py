"""Stage 7: continued pretraining on the anonymized corpus — masked-LM for encoders, causal-LM for
decoders — with random canaries planted in it and their exposure measured afterwards (canaries.py:
the memorisation audit).

Masked-LM: the packaged MiniLM ships without an MLM head, so the first ``head_warmup_steps`` train
only the head (body frozen) before the whole model trains. Logits are computed at masked positions
only, which on a 30k vocabulary is most of the saving on CPU. Causal-LM: LoRA adapters (by default)
and the added tokens' rows train on packed documents, and are merged into the saved model.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import Any

import torch
from peft import PeftModel, TaskType, get_peft_model
from torch.nn.functional import cross_entropy, scaled_dot_product_attention
from transformers import (
    AutoModelForCausalLM,
    AutoModelForMaskedLM,
    AutoTokenizer,
    BertModel,
    DataCollatorForLanguageModeling,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.models.bert.modeling_bert import BertLayer

from dapt.config import ADAPTER_LEARNING_RATES, PretrainConfig, RunConfig
from dapt.domains.base import installed_domains
from dapt.errors import UserError
from dapt.io import read_jsonl
from dapt.progress import step_progress
from dapt.runs import RunFolder, read_json, training_corpus, write_json
from dapt.training.adapters import adapter_config
from dapt.training.builders import (
    Device,
    adamw,
    base_model_path,
    mlm_head,
    objective_of,
    pick_device,
    warmup_then_decay,
)
from dapt.training.canaries import Canary, audit, audit_report, make_canaries, plant
from dapt.training.parallel import Ranks, launch, process_ranks
from dapt.training.private import train_private
from dapt.vocab.extend import init_new_embeddings

HELDOUT_MASK_SEED = 1234
HELDOUT_BLOCKS = 256  # enough for a stable mean; a few seconds on CPU


@dataclass(frozen=True)
class PretrainResult:
    objective: str  # mlm or clm
    method: str  # full or lora
    steps: int
    resumed_after_step: int  # steps a stopped run had saved (0: trained from the start)
    head_warmup_steps: int
    tokens_per_step: int
    sequences: int
    heldout_documents: int
    heldout_loss_after_head_warmup: float | None
    heldout_loss_after_pretraining: float | None
    dp_epsilon: float | None  # the (ε, δ) DP-SGD spent; None: trained without it
    dp_delta: float | None
    canaries_planted: int
    highest_canary_exposure_bits: float | None
    first_loss: float
    last_loss: float
    seconds: float


def pack_sequences(
    token_lists: list[list[int]], length: int, separator: int, start: Sequence[int] = (), end: Sequence[int] = ()
) -> list[list[int]]:
    """Concatenate documents, each followed by ``separator``, and cut the stream into blocks of
    exactly ``length``: ``start``, a piece of the stream, ``end`` (masked-LM: ``[CLS] … [SEP]``)."""
    stream = [token for tokens in token_lists for token in [*tokens, separator]]
    body = length - len(start) - len(end)
    return [[*start, *stream[i : i + body], *end] for i in range(0, len(stream) - body + 1, body)]


@dataclass(frozen=True)
class LanguageModelling:
    """What differs between the objectives: the batches, the loss and how documents are packed."""

    name: str  # "mlm" or "clm"
    collator: DataCollatorForLanguageModeling
    separator: int
    start: list[int]
    end: list[int]

    @property
    def loss(self) -> BatchLoss:
        return clm_batch_loss if self.name == "clm" else mlm_batch_loss

    @property
    def targets(self) -> Callable[[dict[str, torch.Tensor]], int]:
        return clm_targets if self.name == "clm" else mlm_targets

    def pack(self, tokenizer: PreTrainedTokenizerBase, texts: list[str], length: int) -> list[list[int]]:
        ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
        return pack_sequences(ids, length, self.separator, self.start, self.end)


def language_modelling(name: str, tokenizer: PreTrainedTokenizerBase, mlm_probability: float) -> LanguageModelling:
    """The objective ``name`` for ``tokenizer``: causal documents end in EOS (and begin a block with
    BOS where the model has one); masked ones are ``[CLS] … [SEP]`` blocks."""
    if name == "clm":
        collator = DataCollatorForLanguageModeling(tokenizer, mlm=False, return_tensors="pt")
        start = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        return LanguageModelling(name, collator, tokenizer.eos_token_id, start, [])
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=mlm_probability, return_tensors="pt")
    return LanguageModelling(name, collator, tokenizer.sep_token_id, [tokenizer.cls_token_id], [tokenizer.sep_token_id])


def masked_lm_loss(model: PreTrainedModel, input_ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over masked positions, projecting only those hidden states to the vocabulary.
    On a BERT body the last layer, too, runs at the masked positions only (``last_layer_at``): no
    other position's output reaches the loss, so the loss and its gradients are the full model's."""
    masked = labels != -100
    body = model.base_model
    if not isinstance(body, BertModel):
        return cross_entropy(mlm_head(model)(body(input_ids=input_ids).last_hidden_state[masked]).float(), labels[masked])
    *lower, last = body.encoder.layer
    hidden = body.embeddings(input_ids=input_ids)
    for layer in lower:
        hidden = layer(hidden)
    counts = masked.sum(dim=1)
    width = max(1, int(counts.max()))
    positions = torch.argsort((~masked).to(torch.int8), dim=1, stable=True)[:, :width]  # masked ones first
    kept = torch.arange(width, device=labels.device)[None, :] < counts[:, None]
    outputs = last_layer_at(last, hidden, positions)
    return cross_entropy(mlm_head(model)(outputs[kept]).float(), labels.gather(1, positions)[kept])


BatchLoss = Callable[[PreTrainedModel, dict[str, torch.Tensor]], torch.Tensor]


def mlm_batch_loss(model: PreTrainedModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return masked_lm_loss(model, batch["input_ids"], batch["labels"])


def clm_batch_loss(model: PreTrainedModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Next-token cross-entropy (the model shifts the labels)."""
    return model(input_ids=batch["input_ids"], labels=batch["labels"]).loss


def mlm_targets(batch: dict[str, torch.Tensor]) -> int:
    """Tokens the masked-LM loss averages over: the masked ones."""
    return int((batch["labels"] != -100).sum())


def clm_targets(batch: dict[str, torch.Tensor]) -> int:
    """Tokens the causal-LM loss averages over: every labelled one after the first of its row."""
    return int((batch["labels"][:, 1:] != -100).sum())


def last_layer_at(layer: BertLayer, hidden: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """``layer``'s output at ``positions`` (batch × k indices) of unpadded ``hidden``: queries there
    only, keys and values everywhere; the feed-forward part at those positions only."""
    attention = layer.attention.self
    batch, width = positions.shape

    def heads(states: torch.Tensor) -> torch.Tensor:
        return states.view(batch, -1, attention.num_attention_heads, attention.attention_head_size).transpose(1, 2)

    queried = hidden.gather(1, positions[..., None].expand(-1, -1, hidden.shape[-1]))
    context = scaled_dot_product_attention(
        heads(attention.query(queried)), heads(attention.key(hidden)), heads(attention.value(hidden)),
        dropout_p=attention.dropout.p if layer.training else 0.0,
    )  # fmt: skip
    attended = layer.attention.output(context.transpose(1, 2).reshape(batch, width, -1), queried)
    return layer.output(layer.intermediate(attended), attended)


def head_parameters(model: PreTrainedModel) -> list[torch.nn.Parameter]:
    """The MLM head's own weights (the decoder is tied to the word embeddings and excluded)."""
    tied = model.get_input_embeddings().weight
    return [p for p in mlm_head(model).parameters() if p is not tied]


def load_adaptable_model(cfg: RunConfig, run: RunFolder, objective: str = "mlm") -> tuple[PreTrainedModel, list[str]]:
    """The base model with the extended vocabulary and the objective's head; also the weights the
    package did not ship."""
    base = base_model_path(cfg.base_model)
    auto = AutoModelForCausalLM if objective == "clm" else AutoModelForMaskedLM
    model, info = auto.from_pretrained(base, output_loading_info=True)
    init_new_embeddings(model, AutoTokenizer.from_pretrained(base), AutoTokenizer.from_pretrained(run.tokenizer))
    return model, sorted(info["missing_keys"])


def with_adapter(model: PreTrainedModel, settings: PretrainConfig, method: str, new_ids: list[int]) -> PreTrainedModel:
    """``model`` wrapped in LoRA (its added tokens' rows trainable) when ``method`` is lora."""
    adapter = adapter_config(method, settings, new_ids, TaskType.CAUSAL_LM)
    return model if adapter is None else get_peft_model(model, adapter)


@dataclass(frozen=True)
class Phase:
    name: str
    steps: int
    learning_rate: float


@dataclass
class Progress:
    """Where pretraining is: the phase, the loss of every step so far, the held-out measurements,
    and the seconds spent by the runs that were stopped before this one."""

    phase: int = 0
    losses: list[float] = field(default_factory=list)
    heldout: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0


class Checkpoints:
    """Saves the whole training state every ``every`` steps (``every`` 0: never), replacing the
    file at once, so a killed run resumes from its last save instead of from nothing."""

    def __init__(self, path: Path, every: int, model: PreTrainedModel, progress: Progress, started: float) -> None:
        self.path, self.every, self.model, self.progress, self.started = path, every, model, progress, started

    def save(self, optimizer: torch.optim.Optimizer, schedule: torch.optim.lr_scheduler.LRScheduler, phase_step: int) -> None:
        """Called after each step of the current phase (``phase_step`` done in it)."""
        if not self.every or len(self.progress.losses) % self.every:
            return
        progress = {**asdict(self.progress), "seconds": self.progress.seconds + time.monotonic() - self.started}
        state = {"model": self.model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                 "phase_step": phase_step, "progress": progress, "rng": torch.get_rng_state()}  # fmt: skip
        partial = self.path.with_name(self.path.name + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, partial)
        partial.replace(self.path)


def train_phase(
    model: PreTrainedModel,
    parameters: list[torch.nn.Parameter],
    phase: Phase,
    batches: Iterator[dict[str, torch.Tensor]],
    device: Device,
    report: Callable[[int, str], None],
    done: int,
    deadline: float,
    checkpoints: Checkpoints | None = None,
    saved: dict[str, Any] | None = None,
    objective: LanguageModelling | None = None,
    ranks: Ranks = Ranks(),
) -> list[float]:
    """Train ``parameters`` (all others frozen) for ``phase.steps`` steps or until ``deadline``
    (``time.monotonic()``); returns the loss of each step. Each step's loss goes to
    ``checkpoints.progress`` too; ``saved`` is a checkpoint taken in this phase, to go on from.
    ``objective``: masked-LM when None. Under several processes (``ranks``) each trains on its
    share of every batch."""
    loss_of, targets = (objective.loss, objective.targets) if objective else (mlm_batch_loss, mlm_targets)
    if not phase.steps:
        return []
    for p in model.parameters():
        p.requires_grad = False
    for p in parameters:
        p.requires_grad = True
    optimizer = adamw(parameters, phase.learning_rate)
    schedule = warmup_then_decay(optimizer, phase.steps, warmup=phase.steps // 10)
    if saved is not None:
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
    losses: list[float] = []
    model.train()
    for step in range(saved["phase_step"] if saved else 0, phase.steps):
        if ranks.any(time.monotonic() > deadline):
            break
        batch, weight = ranks.share(next(batches), targets)
        with device.autocast():
            loss = loss_of(model, on_device(batch, device)) * weight
        loss.backward()
        ranks.average_gradients(parameters)
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(ranks.mean(loss), 4))
        report(done + len(losses), f"{phase.name} loss {losses[-1]:.3f}")
        if checkpoints is not None:
            checkpoints.progress.losses.append(losses[-1])
            checkpoints.save(optimizer, schedule, step + 1)
    return losses


def endless_batches(
    blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch_size: int, seed: int
) -> Iterator[dict[str, torch.Tensor]]:
    """Masked batches from shuffled passes over ``blocks``. Order and masks follow ``seed`` alone:
    each batch is masked under a seed of its own, not from torch's global generator, which dropout
    draws from differently in each process of a parallel run."""
    rng = random.Random(seed)
    while True:
        order = rng.sample(range(len(blocks)), len(blocks))
        for start in range(0, len(order), batch_size):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(rng.getrandbits(63))
                batch = collator([{"input_ids": blocks[i]} for i in order[start : start + batch_size]])
            yield batch


@torch.no_grad()
def heldout_loss(
    model: PreTrainedModel, batches: list[dict[str, torch.Tensor]], device: Device, loss_of: BatchLoss = mlm_batch_loss
) -> float | None:
    """Mean loss on held-out documents (masked-LM: the same masks every time it is measured)."""
    if not batches:
        return None
    model.eval()
    losses = []
    for batch in batches:
        with device.autocast():
            losses.append(loss_of(model, on_device(batch, device)).item())
    model.train()
    return round(sum(losses) / len(losses), 4)


def on_device(batch: dict[str, torch.Tensor], device: Device) -> dict[str, torch.Tensor]:
    return {name: tensor.to(device.torch_device) for name, tensor in batch.items()}


def fixed_masks(
    blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch_size: int
) -> list[dict[str, torch.Tensor]]:
    """Masked batches of ``blocks`` drawn once under a fixed seed, so measurements compare."""
    with torch.random.fork_rng():
        torch.manual_seed(HELDOUT_MASK_SEED)
        return [
            collator([{"input_ids": b} for b in blocks[i : i + batch_size]]) for i in range(0, len(blocks), batch_size)
        ]


def resumed(checkpoint: Path, model: PreTrainedModel) -> tuple[Progress, dict[str, Any] | None]:
    """The progress of a stopped run, its model weights loaded into ``model``, and the checkpoint
    (None, with fresh progress, when there is none)."""
    if not checkpoint.is_file():
        return Progress(), None
    saved = torch.load(checkpoint, weights_only=False)
    model.load_state_dict(saved["model"])
    return Progress(**saved["progress"]), saved


def memorisation_audit(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, canaries: list[Canary],
                       settings: PretrainConfig, objective: str, steps_per_block: float) -> dict[str, Any] | None:  # fmt: skip
    """The exposure table of the planted canaries (None when the audit is off)."""
    if not canaries:
        return None
    started = time.monotonic()
    rows = audit(model, tokenizer, canaries, settings.canaries, settings.seed, causal=objective == "clm")
    return audit_report(rows, settings.canaries, steps_per_block * settings.batch_size, time.monotonic() - started)


def training_method(settings: PretrainConfig, objective: str) -> str:
    """``pretrain.method`` with auto resolved: LoRA for causal-LM, all weights for masked-LM."""
    if settings.method == "lora" and objective == "mlm":
        raise UserError("pretrain.method lora is for causal-LM pretraining", "set pretrain.method: full (or auto)")
    if settings.dp.target_epsilon and objective == "mlm":
        raise UserError("pretrain.dp is for causal-LM pretraining", "remove pretrain.dp.target_epsilon, or adapt a decoder")
    return settings.method if settings.method != "auto" else "lora" if objective == "clm" else "full"


def training_phases(
    model: PreTrainedModel, settings: PretrainConfig, objective: str, method: str
) -> list[tuple[Phase, list[torch.nn.Parameter], str]]:
    """The phases in order, with the weights each trains and the held-out measure taken after it:
    masked-LM warms its new head up first; causal-LM has no such phase (its first measure is the
    model as it came)."""
    head_steps = min(settings.head_warmup_steps, settings.steps) if objective == "mlm" else 0
    head = head_parameters(model) if objective == "mlm" else []
    body = [p for p in model.parameters() if p.requires_grad] if method == "lora" else list(model.parameters())
    rate = settings.learning_rate or ADAPTER_LEARNING_RATES.get(method, 1e-4)
    return [(Phase("head", head_steps, settings.head_learning_rate), head, "after_head_warmup"),
            (Phase("adapters" if method == "lora" else "all weights", settings.steps - head_steps, rate), body,
             "after_pretraining")]  # fmt: skip


def pretrain_stage(cfg: RunConfig, run: RunFolder, resume: bool = False) -> PretrainResult:
    """The flow's pretraining stage: in this process, or in ``pretrain.processes`` processes under
    `accelerate launch` (`dapt pretrain RUN_DIR` in each), its result read back from the report."""
    if cfg.pretrain.processes == 1:
        return pretrain(cfg, run, resume)
    launch(["pretrain", str(run.root), *(["--resume"] if resume else [])], cfg.pretrain.processes)
    report = read_json(run.report("pretrain"))
    return PretrainResult(**{item.name: report[item.name] for item in fields(PretrainResult)})


def pretrain(cfg: RunConfig, run: RunFolder, resume: bool = False) -> PretrainResult:
    """Continue pretraining on ``data/corpus.anonymized.jsonl``; save model, tokenizer and report.
    A checkpoint is saved every ``pretrain.checkpoint_every`` steps; with ``resume``, a stopped
    run of the same settings goes on from its last one. Under `accelerate launch` each process
    trains on its share of every batch and the first one writes."""
    started = time.monotonic()
    settings = cfg.pretrain
    ranks = process_ranks()
    if ranks.count > 1 and settings.dp.target_epsilon:
        raise UserError("pretrain.dp trains in one process", "run it without accelerate launch, or drop pretrain.dp")
    torch.manual_seed(settings.seed)  # the same new weights (the MLM head) in every process
    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(run.tokenizer)
    name = objective_of(cfg)
    method = training_method(settings, name)
    objective = language_modelling(name, tokenizer, settings.mlm_probability)
    model, missing = load_adaptable_model(cfg, run, name)
    new_ids = [] if settings.dp.target_epsilon else (read_json(run.report("vocab")) or {}).get("new_token_ids", [])
    model = with_adapter(model, settings, method, new_ids)  # under DP-SGD added rows keep their mean initialisation
    checkpoint = run.pretrain_checkpoint
    progress, saved = resumed(checkpoint, model) if resume else (Progress(), None)
    resumed_after = len(progress.losses)
    deadline = started - progress.seconds + 60 * settings.time_budget_minutes if settings.time_budget_minutes else math.inf
    model.to(device.torch_device)
    texts = [row["text"] for row in training_corpus(run)]
    held_out = min(settings.heldout_documents, len(texts) // 10)
    canaries = make_canaries(settings.canaries, settings.seed) if settings.steps else []  # nothing trained: nothing to audit
    blocks = objective.pack(tokenizer, plant(texts[: len(texts) - held_out], canaries, settings.seed), settings.max_length)
    heldout_blocks = objective.pack(tokenizer, texts[len(texts) - held_out :], settings.max_length)
    offdomain = offdomain_texts(cfg.domain, settings.offdomain_documents)
    offdomain_blocks = objective.pack(tokenizer, offdomain, settings.max_length)
    measured_on = {
        "": fixed_masks(heldout_blocks[:HELDOUT_BLOCKS], objective.collator, settings.batch_size),
        "offdomain_": fixed_masks(offdomain_blocks[:HELDOUT_BLOCKS], objective.collator, settings.batch_size),
    }

    def measure(when: str) -> None:
        """The held-out and off-domain losses at ``when`` (after the head warm-up or after pretraining)."""
        for prefix, batches in measured_on.items():
            progress.heldout[prefix + when] = heldout_loss(model, batches, device, objective.loss)

    phases = training_phases(model, settings, name, method)
    private = None
    if blocks and settings.dp.target_epsilon:
        measure("after_head_warmup")
        with step_progress("continued pretraining (DP-SGD)", settings.steps) as report:
            progress.losses, private = train_private(model, blocks, settings.steps, settings.batch_size,
                                                     phases[1][0].learning_rate, settings.dp, device, report, deadline,
                                                     settings.seed)  # fmt: skip
        measure("after_pretraining")
    elif blocks:
        batches = endless_batches(blocks, objective.collator, settings.batch_size, settings.seed)
        if saved is not None:  # the same batches and masks as an unbroken run
            for _ in progress.losses:
                next(batches)
            torch.set_rng_state(saved["rng"])
        checkpoints = Checkpoints(checkpoint, settings.checkpoint_every if ranks.main else 0, model, progress, started)
        with step_progress("continued pretraining", settings.steps, shown=ranks.main) as report:
            for index, (phase, parameters, measured) in enumerate(phases[progress.phase :], start=progress.phase):
                progress.phase = index
                train_phase(model, parameters, phase, batches, device, report, len(progress.losses), deadline,
                            checkpoints, saved if saved and saved["progress"]["phase"] == index else None,
                            objective, ranks)  # fmt: skip
                measure(measured)
                progress.phase = index + 1
    losses, heldout = progress.losses, progress.heldout
    if isinstance(model, PeftModel):
        model = model.merge_and_unload()
    if ranks.main:  # every process holds the same weights: one writes them
        model.save_pretrained(run.pretrained_model)
        tokenizer.save_pretrained(run.pretrained_model)
        checkpoint.unlink(missing_ok=True)  # the model is saved: nothing left to resume
    memorisation = memorisation_audit(model, tokenizer, canaries, settings, name, len(losses) / max(1, len(blocks)))
    window = max(1, min(10, len(losses) // 2))
    result = PretrainResult(
        objective=name,
        method=method,
        steps=len(losses),
        resumed_after_step=resumed_after,
        head_warmup_steps=phases[0][0].steps,
        tokens_per_step=settings.batch_size * settings.max_length,
        sequences=len(blocks),
        heldout_documents=held_out,
        heldout_loss_after_head_warmup=heldout.get("after_head_warmup"),
        heldout_loss_after_pretraining=heldout.get("after_pretraining"),
        dp_epsilon=private.epsilon if private else None,
        dp_delta=private.delta if private else None,
        canaries_planted=sum(canary.repeats for canary in canaries),
        highest_canary_exposure_bits=memorisation["highest_planted_exposure_bits"] if memorisation else None,
        first_loss=round(sum(losses[:window]) / window, 4) if losses else float("nan"),
        last_loss=round(sum(losses[-window:]) / window, 4) if losses else float("nan"),
        seconds=round(progress.seconds + time.monotonic() - started, 1),
    )
    if ranks.main:
        write_json(run.report("pretrain"), {
            **asdict(result), "device": str(device.torch_device), "processes": ranks.count,
            "weights_not_in_base_model": missing, **described_phases(result, phases),
            **offdomain_report(heldout, name, len(offdomain)),
            "differential_privacy": asdict(private) if private else None, "memorisation": memorisation,
            "loss_per_step": losses,
        })  # fmt: skip
    if memorisation and not memorisation["passed"]:
        raise UserError(
            f"memorisation audit failed: a planted canary's exposure is {memorisation['highest_planted_exposure_bits']} "
            f"bits, above pretrain.canaries.max_exposure_bits {settings.canaries.max_exposure_bits}",
            f"read the exposure table in {run.report('pretrain')}; train fewer steps or raise the ceiling",
        )
    return result


def offdomain_texts(domain: str, documents: int) -> list[str]:
    """Text outside ``domain`` for the forgetting check: the first ``documents`` of the other installed
    domains' bundled sample corpora (synthetic, shipped with each plugin)."""
    texts: list[str] = []
    for name, plugin in sorted(installed_domains().items()):
        if name != domain and len(texts) < documents and plugin.sample.corpus.is_file():
            texts += [row["text"] for row in islice(read_jsonl(plugin.sample.corpus), documents - len(texts))]
    return texts


def offdomain_report(heldout: dict[str, float | None], objective: str, documents: int) -> dict[str, Any]:
    """The forgetting check's figures: the loss on other domains' text before and after pretraining
    (causal-LM: with perplexities)."""
    before, after = heldout.get("offdomain_after_head_warmup"), heldout.get("offdomain_after_pretraining")
    if before is None or after is None:
        return {}
    report: dict[str, Any] = {
        "offdomain_documents": documents, "offdomain_loss": {"before": before, "after": after},
        "offdomain_change_percent": round(100 * (after - before) / before, 1),
    }  # fmt: skip
    if objective == "clm":
        report["offdomain_perplexity"] = {"before": round(math.exp(before), 2), "after": round(math.exp(after), 2)}
    return report


def described_phases(result: PretrainResult, phases: list[tuple[Phase, list[torch.nn.Parameter], str]]) -> dict[str, Any]:
    """The report's words on what trained and what the held-out figures measure (causal-LM: with perplexities)."""
    head, body = phases[0][0], phases[1][0]
    if result.objective == "mlm":
        return {
            "head_warmup": f"steps 1-{head.steps}: only the MLM head trains (body frozen, lr {head.learning_rate}); "
            f"then {body.name} (lr {body.learning_rate})",
            "heldout_loss": "masked-LM loss on the last documents of the corpus, never trained on, with fixed "
            "masks: after the head warm-up (the encoder as it came) and after pretraining (the encoder adapted)",
        }
    before, after = result.heldout_loss_after_head_warmup, result.heldout_loss_after_pretraining
    return {
        "head_warmup": f"no head warm-up (the model has its LM head); {body.name} train (lr {body.learning_rate})",
        "heldout_loss": "next-token loss on the last documents of the corpus, never trained on: before "
        "pretraining (the model as it came, in heldout_loss_after_head_warmup) and after it",
        "heldout_perplexity": {"before": round(math.exp(before), 2) if before is not None else None,
                               "after": round(math.exp(after), 2) if after is not None else None},
    }
