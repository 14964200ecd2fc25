"""Where fine-tuning starts: the probe keeps the adapted encoder only when it scores better."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer

from dapt.config import RunConfig
from dapt.runs import RunFolder
from dapt.training.builders import pick_device
from dapt.training.start import choose_start
from tests.training.test_finetune import LABELS, extended_model_dir, rows  # noqa: F401  # the fixture

ADDED = 2  # the extended model's added words


def blinded(folder: Path, into: Path) -> Path:
    """A copy of ``folder`` whose encoder outputs zeros for every text (its last LayerNorm zeroed),
    so no classifier can tell its pooled texts apart."""
    model = AutoModelForMaskedLM.from_pretrained(folder)
    norm = model.base_model.encoder.layer[-1].output.LayerNorm
    torch.nn.init.zeros_(norm.weight)
    torch.nn.init.zeros_(norm.bias)
    model.save_pretrained(into)
    AutoTokenizer.from_pretrained(folder).save_pretrained(into)
    return into


def start_for(tmp_path: Path, base: Path, adapted: Path, start_from: str, labelled: list[dict]):
    run = RunFolder(tmp_path / "run")
    run.pretrained_model.parent.mkdir(parents=True)
    shutil.copytree(adapted, run.pretrained_model)
    cfg = RunConfig(domain="medical", base_model=str(base), finetune={"start_from": start_from, "max_length": 32})
    return choose_start(cfg, run, labelled, LABELS, pick_device())


@pytest.mark.parametrize(
    ("blind", "start_from", "chosen", "probed"),
    [
        ("adapted", "auto", "base", True),  # adaptation that hurts is dropped
        ("base", "auto", "adapted", True),  # adaptation that pays is kept
        ("base", "base", "base", False),  # a configured choice is not probed
        ("adapted", "adapted", "adapted", False),
    ],
)
def test_when_fine_tuning_starts_then_the_encoder_that_scores_better_on_the_labels_is_chosen(
    tiny_model_dir: Path, extended_model_dir: Path, tmp_path: Path,  # noqa: F811
    blind: str, start_from: str, chosen: str, probed: bool,
) -> None:  # fmt: skip
    base, adapted = tiny_model_dir, extended_model_dir
    if blind == "base":
        base = blinded(tiny_model_dir, tmp_path / "blind")
    else:
        adapted = blinded(extended_model_dir, tmp_path / "blind")
    start = start_for(tmp_path, base, adapted, start_from, rows(40))
    assert start.name == chosen
    assert len(start.new_token_ids) == (ADDED if chosen == "adapted" else 0)
    assert len(start.tokenizer) == len(AutoTokenizer.from_pretrained(adapted if chosen == "adapted" else base))
    if probed:
        other = "base" if chosen == "adapted" else "adapted"
        assert start.probe_macro_f1[other] < 0.5 < start.probe_macro_f1[chosen]  # a blind encoder: one class
    else:
        assert start.probe_macro_f1 == {}


def test_when_a_class_has_one_label_then_the_probe_is_skipped_and_the_adapted_encoder_kept(
    tiny_model_dir: Path, extended_model_dir: Path, tmp_path: Path  # noqa: F811
) -> None:
    labelled = [row for row in rows(40) if row["label"] == "good"] + rows(1)  # one "bad"
    start = start_for(tmp_path, tiny_model_dir, blinded(extended_model_dir, tmp_path / "blind"), "auto", labelled)
    assert start.name == "adapted" and start.probe_macro_f1 == {}
