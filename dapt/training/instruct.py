"""Instruction tuning (SFT) and preference tuning (DPO) of a causal LM, through TRL.

Both read records of several texts, anonymize them under the run's key before any model sees
them (a name in a prompt and in its answer gets the same surrogate), and write a run folder: the
anonymized rows, the merged model with the prompt format it learned (``dapt_prompt.json``), and a
report with the evaluation before and after. SFT puts the loss on the answer tokens only (TRL's
prompt-completion format, through the model's chat template when it has one), validates every
``eval_every`` steps and keeps the best checkpoint. DPO prefers the reference answer over the
model's own greedy answer where the two differ, or reads given chosen/rejected pairs.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import CausalTuningFields, InstructConfig, RunConfig
from dapt.errors import UserError
from dapt.ingest import check_labels
from dapt.io import accept, read_exchanges, write_jsonl
from dapt.privacy.anonymize import anonymize_exchanges
from dapt.privacy.keys import load_key
from dapt.progress import progress
from dapt.records import BadRow, Exchange
from dapt.runs import RunFolder, complete_run, create_run_folder, write_config, write_json, write_manifest
from dapt.training.adapters import VIRTUAL_TOKENS, adapter_config, save_model
from dapt.training.builders import pick_device
from dapt.training.generate import causal_lm_source, continuations
from dapt.training.prompts import (
    ANSWER,
    CHOSEN,
    PROMPT,
    REJECTED,
    PromptFormat,
    fit_prompt,
    format_tokens,
    generation_prompt,
    trl_rows,
)

WORDS = re.compile(r"[^\w]+")
MIN_PROMPT_TOKENS = 16  # a prompt keeps at least this much, even beside a long answer
LABEL_SPARE_TOKENS = 4  # written past the longest label's tokens (a full stop, an end of turn)
BATCH = 16  # prompts answered at once


@dataclass(frozen=True)
class TuningResult:
    run: Path
    steps: int
    before: dict[str, float]
    after: dict[str, float]


class TuningReader:
    """Reads tuning records and anonymizes them under the run's key, counting rows set aside and
    replacements per entity type. The prompt is the input's text field, the answer its label
    field (renamed ``prompt`` and ``answer`` once read); label answers are class names and stay."""

    def __init__(self, cfg: RunConfig, key_file: Path | None, answers: str) -> None:
        self.cfg, self.key, self.answers = cfg, load_key(key_file), answers
        self.bad: list[BadRow] = []
        self.replacements: Counter[str] = Counter()

    def read(self, path: Path, pairs: bool = False) -> list[Exchange]:
        """The records of ``path``: prompt and answer, or prompt, chosen and rejected (``pairs``)."""
        text_field, label_field = self.cfg.input.text_field, self.cfg.input.label_field
        answers = {label_field: "--label-field"}
        if pairs:
            answers = {CHOSEN: "a chosen column", REJECTED: "a rejected column"}
        fields = {text_field: "--text-field", **answers}
        exchanges = list(accept(read_exchanges(path, fields, self.cfg.input), self.cfg.input.bad_rows, self.bad))
        if not exchanges:
            raise UserError(f"{path}: no usable rows", "give rows with every field filled")
        if self.answers == "label":  # class names that stay as they are: none may look personal
            for field in answers:
                named = self.cfg.model_copy(update={"input": self.cfg.input.model_copy(update={"label_field": field})})
                check_labels(path, {e.texts[field]: e.row for e in reversed(exchanges)}, named)
        private = [text_field, *(answers if self.answers == "text" else [])]
        replaced, entities = anonymize_exchanges(exchanges, private, self.cfg, self.key)
        self.replacements.update(entities)
        names = {text_field: PROMPT, label_field: ANSWER}
        return [Exchange({names.get(field, field): text for field, text in e.texts.items()}, e.row, e.group)
                for e in replaced]  # fmt: skip

    def read_into(self, run: RunFolder, kind: str, path: Path | None, pairs: bool = False) -> list[Exchange]:
        """The records of ``path`` (none without one), their anonymized rows kept in the run folder."""
        exchanges = self.read(path, pairs) if path is not None else []
        if exchanges:
            write_jsonl(run.anonymized(kind), ({"row": e.row, **e.texts} for e in exchanges))
        return exchanges


def normalised(answer: str) -> str:
    return WORDS.sub(" ", answer.lower()).strip()


def parse_label(answer: str, labels: list[str]) -> str | None:
    """The label an answer names: an exact match (case and punctuation aside), else the label
    named first in it; None when it names none."""
    words = normalised(answer)
    exact = [label for label in labels if normalised(label) == words]
    if exact:
        return exact[0]
    places = [(f" {words} ".find(f" {normalised(label)} "), label) for label in labels]
    named = sorted((place, label) for place, label in places if place >= 0)
    return named[0][1] if named else None


def label_scores(answers: list[str], references: list[str], labels: list[str]) -> dict[str, float]:
    """Accuracy and macro-F1 (over the labels, in %) of the parsed answers; unparsed answers count as wrong."""
    from sklearn.metrics import accuracy_score, f1_score

    parsed = [parse_label(answer, labels) or "" for answer in answers]
    return {
        "accuracy": round(100 * accuracy_score(references, parsed), 2),
        "macro_f1": round(100 * f1_score(references, parsed, labels=labels, average="macro", zero_division=0), 2),
        "unparsed": sum(not label for label in parsed),
    }


def text_scores(answers: list[str], references: list[str]) -> dict[str, float]:
    """ROUGE-1/2/L F-measures (stemmed, mean over texts) and corpus BLEU and chrF, all in %."""
    import sacrebleu
    from rouge_score import rouge_scorer

    kinds = ["rouge1", "rouge2", "rougeL"]
    scorer = rouge_scorer.RougeScorer(kinds, use_stemmer=True)
    scores = [scorer.score(reference, answer) for answer, reference in zip(answers, references, strict=True)]
    rouge = {kind: round(100 * sum(score[kind].fmeasure for score in scores) / len(scores), 2) for kind in kinds}
    return rouge | {
        "bleu": round(sacrebleu.corpus_bleu(answers, [references]).score, 2),
        "chrf": round(sacrebleu.corpus_chrf(answers, [references]).score, 2),
    }


class Answerer:
    """A causal LM with its tokenizer and prompt format: writes the answers to prompts, greedily."""

    def __init__(
        self, lm: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, form: PromptFormat, cfg: CausalTuningFields
    ) -> None:
        self.lm, self.tokenizer, self.form, self.cfg = lm, tokenizer, form, cfg

    def prompts(self, exchanges: list[Exchange], answered: bool = False) -> tuple[list[str], int]:
        """The prompt of each record cut to leave room for the markup and the answer (its longest
        given answer when ``answered``, for training; else ``answer_tokens``), and how many were cut."""
        room = self.cfg.max_length - format_tokens(self.tokenizer)
        if answered:
            budgets = [room - self.longest_answer(exchange) for exchange in exchanges]
        else:
            budgets = [room - self.answer_tokens] * len(exchanges)
        fitted = [fit_prompt(self.tokenizer, self.form.prompt(e.texts[PROMPT]), max(MIN_PROMPT_TOKENS, budget))
                  for e, budget in zip(exchanges, budgets, strict=True)]  # fmt: skip
        return [text for text, _ in fitted], sum(cut for _, cut in fitted)

    def longest_answer(self, exchange: Exchange) -> int:
        """Tokens of the longest answer a record gives (its answer, or its chosen and rejected)."""
        texts = [exchange.texts[field] for field in (ANSWER, CHOSEN, REJECTED) if field in exchange.texts]
        return max(len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"])

    @property
    def answer_tokens(self) -> int:
        """Tokens written per answer: ``max_answer_tokens``, or for label answers the longest
        label's length and a few more (a class name needs no more)."""
        if self.form.answers == "text" or not self.form.labels:
            return self.cfg.max_answer_tokens
        longest = max(len(ids) for ids in self.tokenizer(self.form.labels, add_special_tokens=False)["input_ids"])
        return min(self.cfg.max_answer_tokens, longest + LABEL_SPARE_TOKENS)

    def answers(self, exchanges: list[Exchange]) -> list[str]:
        """The model's greedy answer to each record, with a bar over batches."""
        prompts, _ = self.prompts(exchanges)
        wrapped = [generation_prompt(self.tokenizer, prompt) for prompt in prompts]
        self.lm.eval()
        texts: list[str] = []
        for start in progress(range(0, len(wrapped), BATCH), "answering", total=-(-len(wrapped) // BATCH)):
            written, _ = continuations(self.lm, self.tokenizer, wrapped[start : start + BATCH], self.cfg.max_length,
                                       self.answer_tokens, batch_size=BATCH)  # fmt: skip
            texts += written
        return [text.strip() for text in texts]

    def scores(self, exchanges: list[Exchange]) -> dict[str, float]:
        """Accuracy and macro-F1 (label answers) or ROUGE, BLEU and chrF (text answers) on ``exchanges``."""
        if not exchanges:
            return {}
        references = [exchange.texts[ANSWER] for exchange in exchanges]
        answers = self.answers(exchanges)
        if self.form.answers == "label":
            return label_scores(answers, references, self.form.labels)
        return text_scores(answers, references)


def load_answerer(model: str, cfg: CausalTuningFields, exchanges: list[Exchange]) -> Answerer:
    folder = causal_lm_source(model)
    tokenizer = AutoTokenizer.from_pretrained(folder, padding_side="left")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if (folder / VIRTUAL_TOKENS).is_dir():
        raise UserError(f"{folder}: prompt- or prefix-tuned, so its learned positions cannot be tuned further",
                        "tune its base model instead, or tune with a method that merges (lora, dora, ia3, full)")  # fmt: skip
    lm = AutoModelForCausalLM.from_pretrained(folder, dtype=pick_device().dtype)
    return Answerer(lm, tokenizer, PromptFormat.of(folder, cfg.answers, exchanges), cfg)


def trainer_settings(cfg: CausalTuningFields, work: Path, logging_steps: int) -> dict[str, Any]:
    """TRL/Trainer arguments both tuning kinds share: CUDA with bf16 where present, else CPU."""
    cuda = torch.cuda.is_available()
    return dict(
        output_dir=str(work), max_steps=cfg.max_steps, per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size, gradient_accumulation_steps=cfg.gradient_accumulation,
        learning_rate=cfg.rate, warmup_steps=round(cfg.warmup_fraction * cfg.max_steps), lr_scheduler_type="linear",
        bf16=cuda, use_cpu=not cuda, activation_checkpointing=False, report_to=[], logging_steps=logging_steps,
        disable_tqdm=False, seed=cfg.seed, data_seed=cfg.seed, max_length=cfg.max_length, save_only_model=True,
    )  # fmt: skip


def adapter_for(cfg: CausalTuningFields) -> Any:
    from peft import TaskType

    return adapter_config(cfg.method, cfg, None, TaskType.CAUSAL_LM)


def validation_split(exchanges: list[Exchange], form: PromptFormat, fraction: float, seed: int) -> tuple[list, list]:
    """A seeded share of the records for early stopping, stratified by label for label answers."""
    from sklearn.model_selection import train_test_split

    from dapt.splits import stratified_split

    if len(exchanges) < 2:
        raise UserError(f"{len(exchanges)} training row: too few to keep any for validation", "give at least 2 rows")
    if form.answers == "label":
        train, held = stratified_split([{"label": e.texts[ANSWER], "exchange": e} for e in exchanges], fraction, seed)
        return [row["exchange"] for row in train], [row["exchange"] for row in held]
    return train_test_split(exchanges, test_size=max(1, round(fraction * len(exchanges))), random_state=seed)


def losses(history: list[dict[str, Any]], key: str) -> list[list[float]]:
    """[step, value to 4 significant digits] of each logged ``key`` in a Trainer's log history."""
    return [[entry["step"], float(f"{entry[key]:.4g}")] for entry in history if key in entry]


def sft_trainer(
    answerer: Answerer, settings: InstructConfig, fitting: list[Exchange], held: list[Exchange], work: Path
) -> Any:
    """TRL's SFTTrainer on prompt-completion rows (loss on the answers only), validating every
    ``eval_every`` steps, stopping after ``patience`` validations without a lower loss, the best
    checkpoint loaded at the end."""
    from datasets import Dataset
    from transformers import EarlyStoppingCallback
    from trl import SFTConfig, SFTTrainer

    def rows(exchanges: list[Exchange]) -> Dataset:
        prompts, _ = answerer.prompts(exchanges, answered=True)
        return Dataset.from_list([trl_rows(answerer.tokenizer, p, {"completion": e.texts[ANSWER]})
                                  for p, e in zip(prompts, exchanges, strict=True)])  # fmt: skip

    args = SFTConfig(
        **trainer_settings(settings, work, min(10, settings.eval_every)), eval_strategy="steps",
        eval_steps=settings.eval_every, save_strategy="steps", save_steps=settings.eval_every, save_total_limit=2,
        load_best_model_at_end=True, metric_for_best_model="eval_loss", greater_is_better=False,
        completion_only_loss=True,
    )  # fmt: skip
    return SFTTrainer(
        model=answerer.lm, args=args, train_dataset=rows(fitting), eval_dataset=rows(held),
        processing_class=answerer.tokenizer, peft_config=adapter_for(settings),
        callbacks=[EarlyStoppingCallback(early_stopping_patience=settings.patience)],
    )  # fmt: skip


def save_tuned(answerer: Answerer, lm: PreTrainedModel, folder: Path) -> None:
    """The tuned model (merged into plain weights, or with its virtual tokens beside them), its
    tokenizer and its prompt format."""
    answerer.lm = save_model(lm, folder)
    answerer.tokenizer.save_pretrained(folder)
    answerer.form.save(folder)


def instruct(
    model: str, train: Path, eval_file: Path | None, cfg: RunConfig, key_file: Path | None, run: RunFolder
) -> TuningResult:
    """Supervised instruction tuning: anonymize, split off validation rows, score the model
    before, train with the loss on the answers (best validation checkpoint kept), merge, save,
    score after, write ``instruct/report.json``."""
    started, settings = time.monotonic(), cfg.instruct
    reader = TuningReader(cfg, key_file, settings.answers)
    train_rows = reader.read_into(run, "instruct-train", train)
    eval_rows = reader.read_into(run, "instruct-eval", eval_file)
    answerer = load_answerer(model, settings, train_rows)
    fitting, held = validation_split(train_rows, answerer.form, settings.validation_fraction, settings.seed)
    before = answerer.scores(eval_rows)
    trainer = sft_trainer(answerer, settings, fitting, held, run.root / "instruct" / "checkpoints")
    trainer.train()
    save_tuned(answerer, trainer.model, run.tuned_model("instruct"))
    shutil.rmtree(trainer.args.output_dir, ignore_errors=True)
    after = answerer.scores(eval_rows)
    history = trainer.state.log_history
    write_json(run.report("instruct"), {
        "rows": {"train": len(fitting), "validation": len(held), "eval": len(eval_rows), "quarantined": len(reader.bad)},
        "prompts_cut": answerer.prompts(train_rows, answered=True)[1] + answerer.prompts(eval_rows)[1],
        "replacements": dict(reader.replacements),
        "answers": answerer.form.answers, "labels": answerer.form.labels, "method": settings.method,
        "steps": trainer.state.global_step, "best_step": trainer.state.best_global_step,
        "train_loss": losses(history, "loss"), "validation_loss": losses(history, "eval_loss"),
        "before": before, "after": after, "seconds": round(time.monotonic() - started, 1),
    })  # fmt: skip
    return TuningResult(run.root, trainer.state.global_step, before, after)


def preference_pairs(answerer: Answerer, exchanges: list[Exchange], seed: int) -> tuple[list[Exchange], int]:
    """Pairs from instruction data, the reference answer always chosen: over the model's own greedy
    answer where the two differ (case and punctuation aside); for label answers, over another label
    drawn with ``seed`` where the model was right, so every class keeps its pairs and DPO does not
    learn only from the mistakes. With the count of records the model answered right."""
    rng = random.Random(seed)
    own = answerer.answers(exchanges)
    pairs, right = [], 0
    for exchange, answer in zip(exchanges, own, strict=True):
        reference = exchange.texts[ANSWER]
        if normalised(answer) == normalised(reference):
            right += 1
            if answerer.form.answers == "text":
                continue
            answer = rng.choice([label for label in answerer.form.labels if label != reference])
        texts = {PROMPT: exchange.texts[PROMPT], CHOSEN: reference, REJECTED: answer}
        pairs.append(Exchange(texts, exchange.row, exchange.group))
    if not pairs:
        raise UserError("the model already gives every reference answer: no preference pairs to learn from",
                        "give prompt/chosen/rejected pairs with --pairs")  # fmt: skip
    return pairs, right


def prefer(
    model: str, train: Path, eval_file: Path | None, cfg: RunConfig, key_file: Path | None, run: RunFolder,
    pairs_given: bool = False,
) -> TuningResult:  # fmt: skip
    """Preference tuning (DPO): pairs given (prompt, chosen, rejected) or built from instruction
    data (reference over the model's own answer); score before, train, merge, save, score after,
    write ``preference/report.json`` with the reward margins TRL logged."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    started, settings = time.monotonic(), cfg.preference
    reader = TuningReader(cfg, key_file, settings.answers)
    train_rows = reader.read_into(run, "preference-train", train, pairs_given)
    eval_rows = reader.read_into(run, "preference-eval", eval_file)
    answerer = load_answerer(model, settings, train_rows)
    before = answerer.scores(eval_rows)
    pairs, right = (train_rows, 0) if pairs_given else preference_pairs(answerer, train_rows, settings.seed)
    prompts, _ = answerer.prompts(pairs, answered=True)
    answers = [{CHOSEN: e.texts[CHOSEN], REJECTED: e.texts[REJECTED]} for e in pairs]
    rows = Dataset.from_list([trl_rows(answerer.tokenizer, p, a) for p, a in zip(prompts, answers, strict=True)])
    work = run.root / "preference" / "checkpoints"
    losses_used = {"sigmoid": 1.0} | ({"sft": settings.sft_weight} if settings.sft_weight else {})
    args = DPOConfig(
        **trainer_settings(settings, work, max(1, settings.max_steps // 20)), beta=settings.beta,
        loss_type=list(losses_used), loss_weights=list(losses_used.values()), save_strategy="no",
    )  # fmt: skip
    trainer = DPOTrainer(model=answerer.lm, args=args, train_dataset=rows, processing_class=answerer.tokenizer,
                         peft_config=adapter_for(settings))  # fmt: skip
    trainer.train()
    save_tuned(answerer, trainer.model, run.tuned_model("preference"))
    shutil.rmtree(work, ignore_errors=True)
    after = answerer.scores(eval_rows)
    history = trainer.state.log_history
    write_json(run.report("preference"), {
        "rows": {"pairs": len(pairs), "already_right": right, "eval": len(eval_rows), "quarantined": len(reader.bad)},
        "pairs_from": "given" if pairs_given else "reference over the model's own answer",
        "replacements": dict(reader.replacements), "method": settings.method, "beta": settings.beta,
        "sft_weight": settings.sft_weight,
        "steps": trainer.state.global_step, "loss": losses(history, "loss"),
        "reward_margin": losses(history, "rewards/margins"), "reward_accuracy": losses(history, "rewards/accuracies"),
        "before": before, "after": after, "seconds": round(time.monotonic() - started, 1),
    })  # fmt: skip
    return TuningResult(run.root, trainer.state.global_step, before, after)


def tuning_run(
    stage: str, model: str, train: Path, eval_file: Path | None, cfg: RunConfig, key_file: Path | None, out: Path,
    pairs_given: bool = False,
) -> TuningResult:  # fmt: skip
    """One tuning command as a run folder of its own: ``instruct`` or ``preference`` into
    ``out/<run id>``, with its config, report, model and manifest (written last)."""
    import datasets

    from dapt import __version__

    datasets.disable_progress_bars()  # TRL's per-step dataset preparation; training keeps its own bar
    run = RunFolder(create_run_folder(out, cfg.domain))
    write_config(run, cfg)
    if stage == "instruct":
        result = instruct(model, train, eval_file, cfg, key_file, run)
    else:
        result = prefer(model, train, eval_file, cfg, key_file, run, pairs_given)
    write_manifest(run.root, {"run_id": run.run_id, "dapt_version": __version__, "domain": cfg.domain, "stage": stage})
    return TuningResult(complete_run(run), result.steps, result.before, result.after)
