"""The frozen companion classifier: fitted beside the fine-tuned one, averaged by the Scorer (fp32
and int8), and a one-line error for a companion that is not there."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from transformers import AutoModel, AutoTokenizer

from dapt.config import FinetuneConfig
from dapt.errors import UserError
from dapt.training.builders import pick_device
from dapt.training.classifier import COMPANION, HEAD_CONFIG, EncoderClassifier, Scorer
from dapt.training.ensemble import combine
from dapt.training.export import load_int8, save_int8
from dapt.training.finetune import companion_path, fit_companion
from tests.training.test_finetune import LABELS, rows


@pytest.fixture(scope="module")
def classifier_with_companion(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained classifier on the tiny BERT with a companion fitted on 40 labelled rows, combined
    as for 8 labels per class (the fine-tuned share a quarter)."""
    folder = tmp_path_factory.mktemp("merged")
    tokenizer, device = AutoTokenizer.from_pretrained(tiny_model_dir), pick_device()
    fine_tuned = (EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), LABELS), tokenizer)
    companion = fit_companion(str(tiny_model_dir), rows(40), LABELS, FinetuneConfig(max_length=32), device)
    unlabelled = [row["text"] for row in rows(30, seed=5)]
    combine(fine_tuned, companion, unlabelled, labelled=16, full_weight_at=16, device=device, max_length=32)
    fine_tuned[0].save(folder, tokenizer)
    companion[0].save(folder / COMPANION, companion[1])
    return folder


def test_when_a_companion_is_saved_then_scores_are_the_weighted_mean_of_both_classifiers(
    classifier_with_companion: Path,
) -> None:
    texts = [row["text"] for row in rows(12, seed=3)]
    both = Scorer.load(classifier_with_companion, 32)
    own, _ = Scorer(both.model, both.tokenizer, both.device, 32)(texts)
    companion, _ = Scorer.load(classifier_with_companion / COMPANION, 32)(texts)
    probabilities, truncated = both(texts)
    assert both.companion is not None and truncated == 0
    assert both.weights() == [0.25, 0.75]
    assert np.allclose(probabilities, 0.25 * own + 0.75 * companion, atol=1e-6)
    assert not np.allclose(own, companion, atol=1e-2)  # two different classifiers, not one counted twice
    gold = [row["label"] for row in rows(12, seed=3)]
    assert np.mean([LABELS[i] == g for i, g in zip(companion.argmax(axis=1), gold, strict=True)]) > 0.9  # it learned


def test_when_a_companion_is_quantized_then_the_int8_copy_holds_and_averages_it(
    classifier_with_companion: Path, tmp_path: Path
) -> None:
    texts = [row["text"] for row in rows(12, seed=4)]
    fp32 = Scorer.load(classifier_with_companion, 32)
    saved = save_int8(fp32, classifier_with_companion, tmp_path)
    reloaded = load_int8(tmp_path, 32)
    assert reloaded.companion is not None and (tmp_path / COMPANION / "int8.pt").is_file()
    assert np.allclose(reloaded(texts)[0], saved(texts)[0], atol=1e-6)
    assert abs(reloaded(texts)[0] - fp32(texts)[0]).max() < 0.05


def test_when_the_companion_labels_differ_then_loading_says_so(classifier_with_companion: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "merged"
    shutil.copytree(classifier_with_companion, copy)
    head = copy / COMPANION / HEAD_CONFIG
    head.write_text(json.dumps({**json.loads(head.read_text()), "labels": LABELS[::-1]}))
    with pytest.raises(UserError, match="companion: its labels differ from the classifier's"):
        Scorer.load(copy, 32)


@pytest.mark.parametrize(
    ("companion", "message"),
    [
        ("/no/such/model", r"finetune.companion: /no/such/model: base model folder not found — .*, or set finetune.companion: null"),
        (".", r"finetune.companion: .: not a model folder \(no config.json\) — .*, or set finetune.companion: null"),
    ],
)
def test_when_the_companion_is_not_a_model_then_one_line_names_the_setting(companion: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        companion_path(FinetuneConfig(companion=companion))
