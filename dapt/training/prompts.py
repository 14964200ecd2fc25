"""How a tuned causal LM's prompts are written: the prompt format a tuning run saves beside its
model (free text, or a classification request listing the labels), the chat template where the
tokenizer has one, and prompts cut to leave the answer its room."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from transformers import PreTrainedTokenizerBase

from dapt.records import Exchange
from dapt.runs import write_json

PROMPT_FILE = "dapt_prompt.json"  # saved beside a tuned model: how its prompts are written
PROMPT, ANSWER, CHOSEN, REJECTED = "prompt", "answer", "chosen", "rejected"


@dataclass(frozen=True)
class PromptFormat:
    """How a record becomes a prompt: free text as it is, or a classification request listing
    the labels (``answers: label``)."""

    answers: str
    labels: list[str]

    def prompt(self, text: str) -> str:
        if self.answers == "text":
            return text
        return f"Classify the text as one of: {', '.join(self.labels)}.\n\n{text}\n\nAnswer with the label only."

    def save(self, folder: Path) -> None:
        write_json(folder / PROMPT_FILE, asdict(self))

    @classmethod
    def of(cls, folder: Path, answers: str, exchanges: list[Exchange]) -> PromptFormat:
        """The format a tuned model learned (its ``dapt_prompt.json``), else one from the settings
        and the answers of ``exchanges``."""
        saved = folder / PROMPT_FILE
        if saved.is_file():
            return cls(**json.loads(saved.read_text(encoding="utf-8")))
        labels = sorted({e.texts.get(ANSWER) or e.texts[CHOSEN] for e in exchanges}) if answers == "label" else []
        return cls(answers, labels)


def fit_prompt(tokenizer: PreTrainedTokenizerBase, text: str, budget: int) -> tuple[str, bool]:
    """``text`` cut to its first ``budget`` tokens (and whether it was cut): a long prompt keeps
    its start and leaves room for the answer."""
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    if len(offsets) <= budget:
        return text, False
    return text[: offsets[budget - 1][1]], True


def trl_rows(tokenizer: PreTrainedTokenizerBase, prompt: str, answers: dict[str, str]) -> dict[str, Any]:
    """One TRL row: conversational through the chat template when the tokenizer has one, else a
    prompt line and its completion (TRL ends each completion with EOS)."""
    if tokenizer.chat_template:
        return {PROMPT: [{"role": "user", "content": prompt}]} | {
            name: [{"role": "assistant", "content": text}] for name, text in answers.items()
        }
    return {PROMPT: prompt + "\n"} | {name: " " + text for name, text in answers.items()}


def format_tokens(tokenizer: PreTrainedTokenizerBase) -> int:
    """Tokens a row holds besides its prompt and answer (chat markup and a default system turn, or
    the line break and EOS), with two to spare for merges where the parts meet."""
    if tokenizer.chat_template:
        empty = [{"role": "user", "content": ""}, {"role": "assistant", "content": ""}]
        markup = len(tokenizer.apply_chat_template(empty, tokenize=True, return_dict=True)["input_ids"])
    else:
        markup = len(tokenizer("\n ", add_special_tokens=False)["input_ids"]) + 1
    return markup + 2


def generation_prompt(tokenizer: PreTrainedTokenizerBase, prompt: str) -> str:
    """The text a model continues to answer ``prompt``: the user turn and the assistant's opening
    through the chat template, else the prompt line as tuning wrote it."""
    if tokenizer.chat_template:
        message = [{"role": "user", "content": prompt}]
        return tokenizer.apply_chat_template(message, add_generation_prompt=True, tokenize=False)
    return prompt + "\n"
