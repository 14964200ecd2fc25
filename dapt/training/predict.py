"""Batch inference with a fine-tuned classifier: the same readers and bad-row rules as a run; the
output holds record numbers, labels and confidences, never text or ids. ``map_file`` is the shared
read-batch-write loop (generation uses it too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.io import JsonlWriter, accept, batched, count_records, read_documents, require_documents
from dapt.progress import progress
from dapt.records import BadRow, Document
from dapt.runs import RunFolder
from dapt.training.classifier import HEAD_CONFIG
from dapt.training.export import open_scorer

BATCH = 64


@dataclass(frozen=True)
class PredictResult:
    documents: int
    quarantined: int
    truncated: int


def classifier_folder(model: Path, int8: bool) -> Path:
    """A classifier folder, given it or the run folder that holds it (``finetune/merged``, or
    ``finetune/int8`` when ``int8``)."""
    run = RunFolder(model)
    for folder in (model, run.int8_model if int8 else run.merged_model):
        if (folder / HEAD_CONFIG).is_file():
            return folder
    kind = "an int8 copy (finetune/int8)" if int8 else "a fine-tuned model"
    raise UserError(f"{model}: neither a run folder with {kind} nor a classifier folder",
                    "pass the run folder `dapt run` printed, or its finetune/merged")  # fmt: skip


def predict_file(
    model: Path, source: Path, output: Path, cfg: InputConfig, max_length: int, int8: bool = False
) -> PredictResult:
    """Write one JSON line per usable record of ``source`` to ``output``: ``row``, ``label``,
    ``confidence``. Written under a temporary name and renamed when complete."""
    score = open_scorer(classifier_folder(model, int8), max_length)

    def labelled(chunk: list[Document]) -> tuple[list[dict], int]:
        probabilities, cut = score([document.text for document in chunk])
        return [{"row": document.row, "label": score.labels[int(row.argmax())], "confidence": round(float(row.max()), 4)}
                for document, row in zip(chunk, probabilities, strict=True)], cut  # fmt: skip

    return map_file(source, output, cfg, "predicting", labelled)


def map_file(
    source: Path, output: Path, cfg: InputConfig, what: str, rows_of: Callable[[list[Document]], tuple[list[dict], int]]
) -> PredictResult:
    """Read ``source`` as a run does (bad rows by ``cfg.bad_rows``), write the rows ``rows_of``
    makes of each batch of documents (and count what it truncated) to ``output``, under a
    temporary name renamed when complete: a failure leaves nothing that looks complete."""
    bad: list[BadRow] = []
    documents = accept(read_documents(source, cfg), cfg.bad_rows, bad)
    partial = output.with_name(output.name + ".partial")
    done = truncated = 0
    try:
        with JsonlWriter(partial) as writer:
            for chunk in batched(progress(documents, what, total=count_records(source)), BATCH):
                rows, cut = rows_of(chunk)
                for row in rows:
                    writer.write(row)
                done, truncated = done + len(chunk), truncated + cut
        require_documents(source, done)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    return PredictResult(done, len(bad), truncated)
