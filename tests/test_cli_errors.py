"""Every bad input ends with one line naming the file/row/field, exit code 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt.cli import app
from dapt.domains.base import load_domain

runner = CliRunner()
TASK = load_domain("medical").sample.task


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (extra CLI args, text the one-line error must contain)."""
    good = [{"id": str(i), "text": f"note {i} about hypertension"} for i in range(5)]
    empty = tmp / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    binary = tmp / "latin1.jsonl"
    binary.write_bytes(b'{"id": "1", "text": "ok"}\n{"id": "2", "text": "caf\xe9"}\n')
    return {
        "missing file": (["--corpus", str(tmp / "nope.jsonl"), "--task", str(TASK)], "nope.jsonl: file not found"),
        "empty corpus": (["--corpus", str(empty), "--task", str(TASK)], "empty.jsonl: no documents"),
        "non-UTF-8 bytes": (["--corpus", str(binary), "--task", str(TASK)], "latin1.jsonl: row 2: not valid UTF-8"),
        "row without text": (
            ["--corpus", str(_jsonl(tmp / "notext.jsonl", [*good, {"id": "x"}])), "--task", str(TASK)],
            "notext.jsonl: row 6: field 'text' is missing or empty",
        ),
        "missing label column": (
            ["--corpus", str(_jsonl(tmp / "c.jsonl", good)), "--task", str(_nolabel_csv(tmp))],
            "task.csv: no column 'label'",
        ),
        "one class": (
            ["--corpus", str(_jsonl(tmp / "c2.jsonl", good)), "--task", str(_jsonl(tmp / "one.jsonl", [{**g, "label": "a"} for g in good]))],
            "one.jsonl: field 'label' has 1 class(es)",
        ),
        "unknown config key": (["--config", str(_yaml(tmp / "bad.yaml", "pretrain:\n  stepz: 3\n"))], "unknown key 'pretrain.stepz'"),
        "bad config value": (["--config", str(_yaml(tmp / "neg.yaml", "pretrain:\n  steps: -1\n"))], "key 'pretrain.steps'"),
    }


def _nolabel_csv(tmp: Path) -> Path:
    path = tmp / "task.csv"
    path.write_text("id,text,category\n1,chest pain,cardiology\n", encoding="utf-8")
    return path


def _yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


CASES = ["missing file", "empty corpus", "non-UTF-8 bytes", "row without text", "missing label column",
         "one class", "unknown config key", "bad config value"]


@pytest.mark.parametrize("case", CASES)
def test_when_input_is_bad_then_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    args, expected = _bad_inputs(tmp_path)[case]
    result = runner.invoke(app, ["run", "medical", "--out", str(tmp_path / "runs"), *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "runs").exists()  # nothing started


def test_when_domain_is_unknown_then_known_ones_are_listed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "insurance", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown domain 'insurance' (installed: finance, medical)" in result.output


def test_when_key_is_missing_then_one_line_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAPT_KEY")
    result = runner.invoke(app, ["run", "medical", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "dapt privacy new-key" in result.output


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("run", "domains", "privacy"):
        assert command in result.output
