"""`dapt privacy review RUN`: residual findings in masked context, never the flagged value."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dapt.cli import app
from dapt.io import write_jsonl
from dapt.runs import RunFolder

TEXT = "Seen by Dr. Alma Reyes on 03/04/2021. Patient Jonathan Whitaker called back about the results of the scan."


def test_when_reviewed_then_each_residual_finding_shows_in_context_masked(tmp_path: Path) -> None:
    run = RunFolder(tmp_path / "run")
    surrogate, leak = (TEXT.index("Alma Reyes"), TEXT.index("Alma Reyes") + 10), (TEXT.index("Jonathan"), TEXT.index("Whitaker") + 8)
    write_jsonl(run.anonymized("corpus"), [
        {"id": "doc-1", "row": 0, "text": "nothing here", "replaced": []},
        {"id": "doc-2", "row": 1, "text": TEXT, "replaced": [list(surrogate)]},
    ])  # fmt: skip
    write_jsonl(run.residual_findings, [{"kind": "corpus", "doc_id": "doc-2", "row": 1, "start": leak[0], "end": leak[1],
                                         "entity_type": "PERSON", "score": 0.85, "recognizer": "SpacyRecognizer"}])  # fmt: skip
    result = CliRunner().invoke(app, ["privacy", "review", str(run.root)])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("corpus")]
    assert line.startswith("corpus row 2 · PERSON (SpacyRecognizer, 0.85): ")
    assert "Dr. [surrogate] on 03/04/2021. Patient <<PERSON>> called back" in line
    assert "Jonathan" not in line and "Whitaker" not in line and "Alma" not in line


def test_when_a_folder_has_no_residual_scan_then_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["privacy", "review", str(tmp_path)])
    assert result.exit_code == 2 and "no residual scan" in result.output and "Traceback" not in result.output
