"""Batch generation with a causal LM a run adapted or tuned (``preference/model``,
``instruct/model`` or ``pretrain/model``) or any causal-LM folder: the same readers and bad-row
rules as a run; each output row holds the record number and the text written after its prompt
(never the prompt or an id). A tuned model's prompts are written as its tuning wrote them."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.records import Document
from dapt.runs import RunFolder
from dapt.training.adapters import with_virtual_tokens
from dapt.training.builders import is_causal_lm, model_architectures, pick_device
from dapt.training.export import weight_only_int8
from dapt.training.packaged import PACKAGED, packaged_model_path
from dapt.training.predict import PredictResult, map_file
from dapt.training.prompts import PROMPT_FILE, PromptFormat, generation_prompt

TUNED_STAGES = ("preference", "instruct")  # a run folder's causal LMs, the latest stage first


def causal_lm_folder(model: Path) -> Path:
    """A causal-LM folder, given it or the run folder that saved one (the latest stage's)."""
    run = RunFolder(model)
    for folder in (model, *(run.tuned_model(stage) for stage in TUNED_STAGES), run.pretrained_model):
        if is_causal_lm(model_architectures(folder)):
            return folder
    raise UserError(
        f"{model}: neither a run folder with a causal-LM model (preference/, instruct/ or pretrain/model) "
        "nor a causal-LM folder",
        "pass the folder of a run made with a decoder (--base-model smollm2), or a *ForCausalLM folder",
    )


def causal_lm_source(model: str) -> Path:
    """The folder of a packaged causal LM by name (``smollm2``), a run's, or a causal-LM folder."""
    return packaged_model_path(model) if model in PACKAGED else causal_lm_folder(Path(model))


@torch.no_grad()
def continuations(
    lm: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompts: list[str], max_length: int,
    max_new_tokens: int, temperature: float = 0.0, batch_size: int = 16,
) -> tuple[list[str], int]:  # fmt: skip
    """The text ``lm`` writes after each prompt (greedy when ``temperature`` is 0, else sampled)
    and how many prompts were longer than ``max_length`` tokens (they keep their end)."""
    device = pick_device()
    lm.to(device.torch_device)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    tokenizer.padding_side, tokenizer.truncation_side = "left", "left"
    texts: list[str] = []
    cut = sum(len(ids) > max_length for ids in tokenizer(prompts, add_special_tokens=False)["input_ids"])
    for start in range(0, len(prompts), batch_size):
        encoded = tokenizer(prompts[start : start + batch_size], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt", add_special_tokens=False).to(device.torch_device)  # fmt: skip
        with device.autocast():
            tokens = lm.generate(**encoded, max_new_tokens=max_new_tokens, pad_token_id=pad, do_sample=temperature > 0,
                                 temperature=temperature or None, top_p=None, top_k=None)  # fmt: skip
        texts += tokenizer.batch_decode(tokens[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
    return texts, cut


def generate_file(
    model: Path, source: Path, output: Path, cfg: InputConfig, max_new_tokens: int, max_length: int,
    temperature: float = 0.0, seed: int = 0, int8: bool = False,
) -> PredictResult:  # fmt: skip
    """Write one JSON line per usable prompt of ``source``: ``row`` and ``generated`` (greedy when
    ``temperature`` is 0, else sampled with ``seed``), with the weights in int8 if asked. Prompts
    longer than ``max_length`` tokens keep their end and are counted."""
    folder = causal_lm_folder(model)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    lm = with_virtual_tokens(AutoModelForCausalLM.from_pretrained(folder), folder).eval()
    lm = weight_only_int8(lm) if int8 else lm
    tuned = PromptFormat.of(folder, "text", []) if (folder / PROMPT_FILE).is_file() else None
    torch.manual_seed(seed)

    def written(chunk: list[Document]) -> tuple[list[dict], int]:
        prompts = [document.text for document in chunk]
        if tuned is not None:
            prompts = [generation_prompt(tokenizer, tuned.prompt(prompt)) for prompt in prompts]
        texts, cut = continuations(lm, tokenizer, prompts, max_length, max_new_tokens, temperature)
        return [{"row": document.row, "generated": text} for document, text in zip(chunk, texts, strict=True)], cut

    return map_file(source, output, cfg, "generating", written)
