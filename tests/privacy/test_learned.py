"""The learned name detector: `dapt privacy train-detector`, its recognizer beside the rules, bad folders."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from dapt.cli import app, run_config
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.privacy.detect import detect
from dapt.privacy.engine import configured_analyzer
from dapt.privacy.learned import (
    LEARNED,
    LEARNED_TYPES,
    detector_fingerprint,
    generated_gold,
    train_detector,
    training_example,
)
from tests.conftest import write_rows

runner = CliRunner()
NOTES, NOTES_SEED, EPOCHS = 60, 11, 10
PROSE = [
    "There were no complications. However, the patient tolerated the procedure well.",
    "Surgical history is significant for a cholecystectomy. She denied chest pain.",
    "The wound was draped and prepped in the usual sterile fashion.",
]


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A detector trained by the command on 40 generated notes and a little prose."""
    folder = tmp_path_factory.mktemp("learned")
    plain = write_rows(folder / "plain.jsonl", [{"text": text} for text in PROSE])
    result = runner.invoke(app, ["privacy", "train-detector", "--output", str(folder / "detector"), "--notes", str(NOTES),
                                 "--notes-seed", str(NOTES_SEED), "--epochs", str(EPOCHS), "--plain", str(plain)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder / "detector"


def test_when_trained_then_the_loss_falls_and_the_best_epoch_is_kept(detector: Path) -> None:
    training = json.loads((detector / "training.json").read_text(encoding="utf-8"))
    assert training["documents"] + training["validation_documents"] == NOTES + len(PROSE)
    assert training["losses"][-1] < training["losses"][0] / 4
    assert training["validation_f1"][training["best_epoch"] - 1] == max(training["validation_f1"])


def _saved_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file() and path.name != "training.json")


def test_when_building_the_examples_draws_random_numbers_then_training_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the examples may compile patterns; the regex module's full cache draws from ``random``."""
    notes = generated_gold(12, NOTES_SEED)
    train_detector(notes, tmp_path / "plain", frozenset(), epochs=2)

    def drawing(*args: object) -> object:
        random.random()
        return training_example(*args)

    monkeypatch.setattr("dapt.privacy.learned.training_example", drawing)
    train_detector(notes, tmp_path / "drawn", frozenset(), epochs=2)
    assert (tmp_path / "drawn" / "ner" / "model").read_bytes() == (tmp_path / "plain" / "ner" / "model").read_bytes()


def test_when_saved_then_no_word_it_trained_on_is_in_the_folder(detector: Path, tmp_path: Path) -> None:
    spacy.blank("en").to_disk(tmp_path, exclude=["vocab"])
    language_data = _saved_bytes(tmp_path)  # English tokenizer exceptions spell out ``Indiana``, ``New York``
    saved = _saved_bytes(detector)
    values = {note.text[s.start : s.end] for note in generated_gold(NOTES, NOTES_SEED) for s in note.spans}
    planted = [value for value in values if len(value) >= 5]
    assert len(planted) > 50
    leaked = [value for value in planted for form in {value, value.lower()}
              if form.encode() in saved and form.encode() not in language_data]  # fmt: skip
    assert leaked == []


def test_when_configured_then_it_finds_names_beside_the_rules(detector: Path) -> None:
    cfg = run_config("medical", None, {"privacy": {"learned_detector": str(detector)}})
    notes = generated_gold(NOTES, NOTES_SEED)
    found = hits = 0
    for note, (_, results) in zip(notes, detect(configured_analyzer(cfg), [n.document for n in notes],
                                                load_domain("medical").allow_list, cfg.privacy.score_threshold)):  # fmt: skip
        learned = [r for r in results if r.recognition_metadata["recognizer_name"] == LEARNED]
        found += len(learned)
        hits += sum(any(s.start < r.end and r.start < s.end for s in note.spans) for r in learned)
        assert {r.entity_type for r in learned} <= set(LEARNED_TYPES.values())
    # its own training notes: it learned them. A span a rule also found at a higher score is kept once, as the rule's,
    # so the count is not monotone in training (43 here; 28 after 20 epochs): the bound asks for presence, the share
    # of hits for quality.
    assert found > 30 and hits / found > 0.8


def test_when_the_folder_holds_no_detector_then_one_line_and_exit_2(tmp_path: Path) -> None:
    cfg = run_config("medical", None, {"privacy": {"learned_detector": str(tmp_path)}})
    with pytest.raises(UserError, match="holds no trained detector"):
        configured_analyzer(cfg)
    (tmp_path / "config.yaml").write_text(f"privacy:\n  learned_detector: {tmp_path}\n", encoding="utf-8")
    notes = write_rows(tmp_path / "notes.jsonl", [{"text": "Seen by Dr. Rintanen."}])
    result = runner.invoke(app, ["privacy", "detect", "--domain", "medical", "--input", str(notes),
                                 "--output", str(tmp_path / "f.jsonl"), "--config", str(tmp_path / "config.yaml")])  # fmt: skip
    assert result.exit_code == 2 and "holds no trained detector" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--notes", "1"], "too few to train"),
        (["--notes", "0", "--gold", "missing.jsonl"], "missing.jsonl"),
        (["--notes", "4", "--domain", "nosuchdomain"], "nosuchdomain"),
    ],
)
def test_when_training_input_is_bad_then_one_line_and_exit_2(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["privacy", "train-detector", "--output", str(tmp_path / "out"), *arguments])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_when_the_output_folder_is_not_empty_then_it_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("kept", encoding="utf-8")
    result = runner.invoke(app, ["privacy", "train-detector", "--output", str(tmp_path), "--notes", "4"])
    assert result.exit_code == 2 and "not empty" in result.output
    assert [path.name for path in tmp_path.iterdir()] == ["kept.txt"]


def test_when_the_detector_changes_then_its_fingerprint_does(detector: Path, tmp_path: Path) -> None:
    copy = tmp_path / "detector"
    shutil.copytree(detector, copy)
    assert detector_fingerprint(str(copy)) == detector_fingerprint(str(detector)) and detector_fingerprint(None) is None
    weights = (copy / "ner" / "model").read_bytes()
    (copy / "ner" / "model").write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))
    assert detector_fingerprint(str(copy)) != detector_fingerprint(str(detector))
