"""Surrogate re-sampling: copies of labelled texts with their personal values drawn afresh."""

from __future__ import annotations

from dapt.cli import run_config
from dapt.training.augment import surrogate_copies

ROWS = [
    {"text": "Patient Margaret Whitfield was seen on 03/14/2021 by Dr. Alan Brooks; she reports chest pain.", "label": "cardiology"},
    {"text": "No acute distress, lungs clear to auscultation, continue current plan.", "label": "pulmonary"},
    {"text": "Call Oliver Grant at 617-555-0142 about the biopsy result.", "label": "oncology"},
]


def test_when_texts_are_copied_then_only_their_personal_values_change_and_labels_stay() -> None:
    cfg = run_config("medical", None, {"finetune": {"seed": 3}})
    copies = surrogate_copies(ROWS, cfg, 2)
    assert [row["label"] for row in copies] == ["cardiology", "oncology"] * 2  # the text without a value is not copied
    for copy, source in zip(copies, [ROWS[0], ROWS[2]] * 2, strict=True):
        assert copy["text"] != source["text"] and copy["replaced"]
        assert copy["text"].endswith(source["text"][-12:])  # the clinical words stay
    assert copies[0]["text"] != copies[2]["text"]  # each copy draws its own surrogates
    assert "Whitfield" not in copies[0]["text"] and "617-555-0142" not in copies[1]["text"]
    assert surrogate_copies(ROWS, cfg, 2) == copies  # the same seed, the same copies
    assert surrogate_copies(ROWS, cfg, 0) == []
