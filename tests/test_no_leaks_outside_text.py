"""Nothing personal outside the text field either, and no live markup in a report.

Distinctive values are planted in an id column, in the names of a folder of .txt files, in labels,
in a CSV file without a header and in a config, markup in ids, texts and labels; `dapt run` and `dapt privacy anonymize|detect` run
on both domains; none of the values may appear in any file written, on the terminal, or in
Prefect's database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt.cli import app
from tests.slices import make_slice

ID_VALUES = ["Zebulon Quixano 536-22-8147", "zeb.quixano@example.org", "MRN 00482913"]
FILE_NAME = "Zebulon_Quixano_00482913"
MARKUP = "<script>alert(1)</script>"
# Each must never appear anywhere dapt writes or prints (compared case-insensitively).
PLANTED = ["zebulon", "quixano", "536-22-8147", "00482913"]
DAPT = Path(sys.executable).with_name("dapt")
runner = CliRunner()


def _planted_in(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in PLANTED if value in lowered]


def _files_with_planted(folder: Path) -> list[str]:
    """Every file under ``folder`` (weights included) that holds a planted value; file names too."""
    found = []
    for path in sorted(folder.rglob("*")):
        text = path.name + (path.read_bytes().decode("utf-8", errors="ignore") if path.is_file() else "")
        found += [f"{path.relative_to(folder)}: {value}" for value in _planted_in(text)]
    return found


def _inputs(domain: str, folder: Path) -> tuple[Path, Path, list[str]]:
    """A corpus as a folder of .txt files named after a patient, and a task keyed by personal ids
    with markup in its ids, texts and labels; the labels, declared."""
    piece = make_slice(domain, folder, per_label=8)
    corpus = folder / "notes"
    corpus.mkdir()
    for number, line in enumerate(piece.inputs.corpus.read_text(encoding="utf-8").splitlines()):
        (corpus / f"{FILE_NAME}_{number:03d}.txt").write_text(json.loads(line)["text"], encoding="utf-8")
    rows = [json.loads(line) for line in piece.inputs.task.read_text(encoding="utf-8").splitlines()]
    task = folder / "task.jsonl"
    task.write_text(
        "".join(
            json.dumps({"id": f"{ID_VALUES[n % 3]} {MARKUP} #{n}", "text": f"{row['text']} {MARKUP}", "label": f"<i>{row['label']}</i>"}) + "\n"
            for n, row in enumerate(rows)
        ),
        encoding="utf-8",
    )
    return corpus, task, sorted({f"<i>{row['label']}</i>" for row in rows})


def _prefect_database() -> str:
    """Every row of the test harness's Prefect database, as SQL text."""
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    path = PREFECT_API_DATABASE_CONNECTION_URL.value().split(":///", 1)[1]
    with sqlite3.connect(path) as database:
        return "\n".join(database.iterdump())


def _run_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("domain", ["medical", "finance"])
def test_when_values_are_planted_outside_the_text_then_none_leaves(
    domain: str, tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None
) -> None:
    from prefect.settings import PREFECT_API_URL

    corpus, task, labels = _inputs(domain, tmp_path)
    config = tmp_path / "tiny.yaml"
    config.write_text(tiny_config_file.read_text(encoding="utf-8") + f"input: {{labels: {json.dumps(labels)}}}\n", encoding="utf-8")
    out = tmp_path / "runs"
    environment = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": "200"}
    finished = subprocess.run(
        [str(DAPT), "run", domain, "--corpus", str(corpus), "--task", str(task), "--config", str(config),
         "--base-model", str(tiny_model_dir), "--out", str(out)],
        capture_output=True, text=True, env=environment, timeout=900,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    run_dir = Path(finished.stdout.strip().splitlines()[-1])
    assert (run_dir / "manifest.json").is_file() and [path.name for path in out.iterdir()] == [run_dir.name]
    pages = [path.read_text(encoding="utf-8") for path in run_dir.rglob("*.html")]
    assert len(pages) == 3 and all("<script" not in page and "<i>" not in page for page in pages)  # PII, validation, eval
    assert "&lt;i&gt;" in (run_dir / "eval" / "report.html").read_text(encoding="utf-8")  # the label, escaped
    printed = finished.stdout + finished.stderr

    for command in ("anonymize", "detect"):
        for source in (corpus, task):
            code, output = _run_cli("privacy", command, "--domain", domain, "--input", str(source),
                                    "--output", str(tmp_path / "privacy" / f"{command}-{source.stem}.jsonl"))  # fmt: skip
            assert code == 0, output
            printed += output

    header_less = tmp_path / "export.csv"
    header_less.write_text(f"{ID_VALUES[0]},555-867-5309,{ID_VALUES[1]}\nx,y,z\n", encoding="utf-8")
    personal_label = tmp_path / "labels.jsonl"
    personal_label.write_text("".join(json.dumps({"text": f"note {n}", "label": ID_VALUES[n % 2]}) + "\n" for n in range(4)))
    config_key = tmp_path / "planted.yaml"
    config_key.write_text(f"'{ID_VALUES[0]}': 1\npretrain:\n  steps: '{ID_VALUES[2]}'\n", encoding="utf-8")
    config_value = tmp_path / "value.yaml"
    config_value.write_text(f"pretrain:\n  steps: '{ID_VALUES[2]}'\n", encoding="utf-8")
    for bad in (["--corpus", str(header_less), "--task", str(task)], ["--corpus", str(corpus), "--task", str(personal_label)],
                ["--config", str(config_key)], ["--config", str(config_value)]):  # fmt: skip
        code, output = _run_cli("run", domain, "--out", str(out), *bad)
        assert code == 2 and len(output.strip().splitlines()) == 1, output
        printed += output

    assert _planted_in(printed) == []
    assert _files_with_planted(out) == [] and _files_with_planted(tmp_path / "privacy") == []
    assert _planted_in(_prefect_database()) == []
