"""The memorisation audit: exposure's arithmetic, canary shapes, planting, and continued pretraining
that learns a canary planted often scores it far above a control it never saw, and stops the run
when a ceiling is set below it."""

from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

from dapt.config import CanaryConfig
from dapt.errors import UserError
from dapt.io import write_jsonl
from dapt.request import run_config
from dapt.runs import RunFolder
from dapt.training.canaries import (
    Canary,
    exposure,
    extrapolated_exposure,
    fill,
    make_canaries,
    plant,
    space_bits,
    split_format,
)
from dapt.training.pretrain import pretrain
from tests.conftest import sample_rows
from tests.slices import make_slice


@pytest.mark.parametrize(
    ("better", "candidates", "bits"),
    [(0, 1023, 10.0), (1023, 1023, 0.0), (511, 1023, 1.0), (0, 9, math.log2(10))],
)
def test_exposure_is_log2_of_the_candidates_over_the_canarys_rank(better: int, candidates: int, bits: float) -> None:
    scores = [0.0] * better + [2.0] * (candidates - better)  # lower is likelier; the canary scores 1.0
    assert exposure(1.0, scores) == pytest.approx(bits)


def test_extrapolated_exposure_reads_the_tail_of_the_candidates_scores() -> None:
    scores = np.random.default_rng(0).normal(10.0, 1.0, 5000).tolist()
    three_sigmas = -math.log2(norm.cdf(-3.0))  # 9.4 bits: past what 5,000 samples can rank (12.3)
    assert extrapolated_exposure(7.0, scores, 40.0) == pytest.approx(three_sigmas, abs=0.6)
    assert extrapolated_exposure(-100.0, scores, 26.6) == 26.6  # never more than the space holds
    assert extrapolated_exposure(13.0, scores, 40.0) < 0.01


@pytest.mark.parametrize(
    ("shape", "prefix", "secret_shape", "bits"),
    [
        ("Medical record number ########", "Medical record number ", "########", 8 * math.log2(10)),
        ("IBAN GB## @@@@ ####", "IBAN GB", "## @@@@ ####", 6 * math.log2(10) + 4 * math.log2(26)),
        ("Patient phone (###) ###-####", "Patient phone (", "###) ###-####", 10 * math.log2(10)),
    ],
)
def test_a_format_is_a_context_and_the_shape_of_a_secret(shape: str, prefix: str, secret_shape: str, bits: float) -> None:
    assert split_format(shape) == (prefix, secret_shape)
    assert space_bits(secret_shape) == pytest.approx(bits)
    secret = fill(secret_shape, random.Random(0))
    assert len(secret) == len(secret_shape)
    for char, placeholder in zip(secret, secret_shape):
        assert char.isdigit() if placeholder == "#" else char.isupper() if placeholder == "@" else char == placeholder


def test_a_format_without_a_placeholder_is_a_one_line_config_error() -> None:
    with pytest.raises(UserError, match=r"pretrain\.canaries\.formats.*MRN.*no # or @ placeholder"):
        run_config("medical", None, {"pretrain": {"canaries": {"formats": {"MRN": "Medical record number"}}}})


def test_planting_inserts_each_canary_its_repeats_times_and_keeps_the_texts_in_order() -> None:
    cfg = CanaryConfig(formats={"MRN": "MRN ####", "PHONE": "Phone ###-####"}, repeats=[0, 2, 30])
    canaries = make_canaries(cfg, seed=3)
    assert len(canaries) == 6 and len({c.secret for c in canaries}) == 6
    texts = [f"note {i}" for i in range(50)]
    planted = plant(texts, canaries, seed=3)
    assert [t for t in planted if t.startswith("note")] == texts
    for canary in canaries:
        assert planted.count(canary.text) == canary.repeats
    assert make_canaries(cfg, seed=3) == canaries and plant(texts, canaries, seed=3) == planted  # resumable


def test_pretraining_exposes_a_canary_planted_often_and_a_ceiling_below_it_stops_the_run(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_model_dir, run.tokenizer)
    texts = [row["text"] for row in sample_rows(make_slice("medical", tmp_path, corpus_docs=40).inputs.corpus, 40)]
    write_jsonl(run.anonymized("corpus"), ({"text": text} for text in texts))
    canaries = {"repeats": [0, 150], "candidates": 200, "max_exposure_bits": 2.0}  # the domain's three formats
    settings = {"steps": 150, "head_warmup_steps": 0, "batch_size": 16, "max_length": 32, "learning_rate": 3e-3,
                "checkpoint_every": 0, "canaries": canaries}  # fmt: skip
    cfg = run_config("medical", None, {"base_model": str(tiny_model_dir), "pretrain": settings})
    with pytest.raises(UserError, match=r"memorisation audit failed: .* above pretrain\.canaries\.max_exposure_bits 2\.0"):
        pretrain(cfg, run)
    report = json.loads(run.report("pretrain").read_text(encoding="utf-8"))
    rows = report["memorisation"]["canaries"]
    assert report["canaries_planted"] == 3 * 150 and not report["memorisation"]["passed"]
    assert {row["kind"] for row in rows} == {"MRN", "PHONE_NUMBER", "US_SSN"}
    controls, planted = ([row["exposure_bits"] for row in rows if row["repeats"] == n] for n in (0, 150))
    assert max(controls) < 3.0  # a secret the model never saw ranks at random
    assert min(planted) > 4.0  # of at most log2(201) = 7.65, a bit clear of every control
    highest = max(max(row["exposure_bits"], row["extrapolated_exposure_bits"]) for row in rows if row["repeats"])
    assert highest == report["highest_canary_exposure_bits"] >= max(planted)
    assert all(row["expected_sightings"] > 1 for row in rows if row["repeats"])


def test_a_canary_is_its_context_then_its_secret() -> None:
    assert Canary("MRN", "MRN ", "1234", 10).text == "MRN 1234"


def test_with_no_pretraining_steps_no_canary_is_planted_or_audited(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_model_dir, run.tokenizer)
    write_jsonl(run.anonymized("corpus"), ({"text": f"Patient {i} seen in clinic today."} for i in range(30)))
    cfg = run_config("medical", None, {"base_model": str(tiny_model_dir), "pretrain": {"steps": 0, "max_length": 32}})
    pretrain(cfg, run)
    report = json.loads(run.report("pretrain").read_text(encoding="utf-8"))
    assert report["steps"] == 0 and report["canaries_planted"] == 0 and report["memorisation"] is None
