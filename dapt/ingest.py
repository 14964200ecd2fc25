"""Stage 1: read every input once, count and hash it, and stop early on a bad input.

The run folder gets counts and hashes only, never a copy of the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dapt.config import RunConfig
from dapt.errors import UserError
from dapt.io import accept, read_documents, read_examples
from dapt.privacy.labels import personal_labels
from dapt.records import BadRow
from dapt.runs import RunFolder, fingerprint, write_json


@dataclass(frozen=True)
class Inputs:
    """The user's files for one run (eval is optional)."""

    corpus: Path
    task: Path
    eval: Path | None = None


@dataclass(frozen=True)
class InputSummary:
    path: str
    sha256: str
    rows: int
    quarantined: int
    labels: dict[str, int] = field(default_factory=dict)


def summarize_corpus(path: Path, cfg: RunConfig) -> InputSummary:
    bad: list[BadRow] = []
    rows = sum(1 for _ in accept(read_documents(path, cfg.input), cfg.input.bad_rows, bad))
    if rows == 0:
        raise UserError(f"{path}: no documents", "give a corpus with at least one non-empty text")
    return InputSummary(str(path), fingerprint(path), rows, len(bad))


def summarize_task(path: Path, cfg: RunConfig) -> InputSummary:
    bad: list[BadRow] = []
    labels: Counter[str] = Counter()
    first_rows: dict[str, int] = {}
    for example in accept(read_examples(path, cfg.input), cfg.input.bad_rows, bad):
        labels[example.label] += 1
        first_rows.setdefault(example.label, example.row)
    check_labels(path, first_rows, cfg)
    return InputSummary(str(path), fingerprint(path), sum(labels.values()), len(bad), dict(sorted(labels.items())))


def check_labels(path: Path, first_rows: dict[str, int], cfg: RunConfig) -> None:
    """Stop on a label outside the declared set or, with none declared, on one that looks
    personal; the message names the row and the column, never the label."""
    column = cfg.input.label_field
    if cfg.input.labels is not None:
        unknown = [first_rows[label] for label in first_rows if label not in cfg.input.labels]
        if unknown:
            raise UserError(
                f"{path}: row {min(unknown) + 1}, column '{column}': a label outside input.labels",
                "fix the label, or add it to input.labels in the config",
            )
        return
    flagged = personal_labels(first_rows, cfg)
    if flagged:
        label = min(flagged, key=first_rows.__getitem__)
        raise UserError(
            f"{path}: row {first_rows[label] + 1}, column '{column}': the label looks like personal data "
            f"({flagged[label]})",
            "labels must name classes; if these are classes, declare them in input.labels in the config",
        )


def check_training_classes(path: Path, summary: InputSummary, cfg: RunConfig) -> None:
    """The task needs two classes or more, each with two examples: one to train on, one to validate with."""
    if len(summary.labels) < 2:
        raise UserError(
            f"{path}: field '{cfg.input.label_field}' has {len(summary.labels)} class(es)",
            "a classifier needs at least two labels; add examples of other classes",
        )
    scarce = [label for label, count in summary.labels.items() if count < 2]
    if scarce:
        raise UserError(
            f"{path}: {len(scarce)} class(es) in field '{cfg.input.label_field}' have a single example",
            "fine-tuning needs 2+ examples of each class (one trains, one validates); add examples or drop the class",
        )


def check_inputs(inputs: Inputs, cfg: RunConfig) -> dict[str, InputSummary]:
    """Read every input, raising a UserError on the first problem; summaries by role."""
    summaries = {"corpus": summarize_corpus(inputs.corpus, cfg), "task": summarize_task(inputs.task, cfg)}
    check_training_classes(inputs.task, summaries["task"], cfg)
    if inputs.eval is not None:
        summaries["eval"] = summarize_task(inputs.eval, cfg)
        unknown = set(summaries["eval"].labels) - set(summaries["task"].labels)
        if unknown:
            raise UserError(
                f"{inputs.eval}: {len(unknown)} label(s) never seen in the task data",
                "evaluate on the task's classes only",
            )
    return summaries


def ingest(inputs: Inputs, cfg: RunConfig, run: RunFolder) -> dict[str, InputSummary]:
    """Check the inputs and write ``data/ingest.json`` (counts and hashes, no text)."""
    summaries = check_inputs(inputs, cfg)
    write_json(run.ingest_summary, {role: asdict(s) for role, s in summaries.items()})
    return summaries
