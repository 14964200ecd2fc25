"""`dapt generate`: prompts in a run's formats, one row per prompt with the text written after it,
greedy output the same twice, bad rows and long prompts counted, a folder without a causal LM one
line and nothing written."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from torchao.utils import TorchAOBaseTensor
from typer.testing import CliRunner

import dapt.training.generate as generation
from dapt.cli import app
from dapt.runs import RunFolder
from dapt.training.export import weight_only_int8
from tests.conftest import write_rows

PROMPTS = [{"text": "The patient was admitted with"}, {"text": "   "}, {"text": "Blood pressure is " * 40},
           {"text": "Follow up in"}]  # fmt: skip


@pytest.fixture
def decoder_run(tmp_path: Path, tiny_causal_dir: Path) -> Path:
    """A run folder whose pretraining saved a causal LM."""
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_causal_dir, run.pretrained_model)
    return run.root


def generate(model: Path, source: Path, output: Path, *extra: str):
    args = ["generate", "--model", str(model), "--input", str(source), "--output", str(output), "--max-new-tokens", "6",
            "--max-length", "32", *extra]  # fmt: skip
    return CliRunner().invoke(app, args)


def test_when_generating_then_one_row_per_usable_prompt_with_what_was_written_after_it(
    decoder_run: Path, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "prompts.jsonl", PROMPTS)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    result = generate(decoder_run, source, first, "--bad-rows", "quarantine")
    assert result.exit_code == 0, result.output
    assert "3 generated, 1 rows set aside, 1 prompts cut to their last 32 tokens" in result.output
    rows = [json.loads(line) for line in first.read_text().splitlines()]
    assert [row["row"] for row in rows] == [0, 2, 3] and all(set(row) == {"row", "generated"} for row in rows)
    assert all(row["generated"].strip() for row in rows)  # a random tiny model still writes tokens
    assert generate(decoder_run, source, second, "--bad-rows", "quarantine").exit_code == 0
    assert first.read_text() == second.read_text()  # greedy: the same every time


def test_when_sampling_then_the_seed_decides(decoder_run: Path, tmp_path: Path) -> None:
    source = write_rows(tmp_path / "prompts.jsonl", [PROMPTS[0]] * 8)
    outputs = {}
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        assert generate(decoder_run, source, tmp_path / name, "--temperature", "1.5", "--seed", seed).exit_code == 0
        outputs[name] = (tmp_path / name).read_text()
    assert outputs["a"] == outputs["b"] != outputs["c"]


def test_when_the_model_folder_holds_no_causal_lm_then_one_line_and_no_output(tiny_model_dir: Path, tmp_path: Path) -> None:
    source = write_rows(tmp_path / "prompts.jsonl", PROMPTS[:1])
    output = tmp_path / "out.jsonl"
    result = generate(tiny_model_dir, source, output)
    assert result.exit_code == 2 and "neither a run folder with a causal-LM model (preference/, instruct/ or pretrain/model)" in result.output
    assert not output.exists() and not list(tmp_path.glob("*.partial"))


def test_when_generating_in_int8_then_greedy_output_follows_fp32(
    decoder_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_rows(tmp_path / "prompts.jsonl", [PROMPTS[0], PROMPTS[3]])
    fp32, int8 = tmp_path / "fp32.jsonl", tmp_path / "int8.jsonl"
    assert generate(decoder_run, source, fp32).exit_code == 0
    quantized = []
    monkeypatch.setattr(generation, "weight_only_int8", lambda lm: quantized.append(weight_only_int8(lm)) or quantized[0])
    result = generate(decoder_run, source, int8, "--int8")
    assert result.exit_code == 0, result.output
    assert isinstance(quantized[0].model.layers[0].mlp.up_proj.weight, TorchAOBaseTensor)
    pairs = zip(int8.read_text().splitlines(), fp32.read_text().splitlines(), strict=True)
    written = [(json.loads(a)["generated"], json.loads(b)["generated"]) for a, b in pairs]
    # int8 weights with one scale per channel: the random tiny model's greedy text is the same until a near tie
    assert all(len(os.path.commonprefix([a, b])) >= len(b) // 2 > 0 for a, b in written)


def test_when_torchao_is_missing_then_int8_generation_names_the_extra(
    decoder_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torchao.quantization", None)  # import fails as if not installed
    result = generate(decoder_run, write_rows(tmp_path / "prompts.jsonl", PROMPTS[:1]), tmp_path / "out.jsonl", "--int8")
    assert result.exit_code == 2 and "dapt[int8]" in result.output and not (tmp_path / "out.jsonl").exists()
