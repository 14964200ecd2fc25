"""Every bad input ends with one line naming the file/row/field, exit code 2, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt import __version__
from dapt.cli import app
from dapt.domains.base import load_domain
from tests.conftest import TINY_CONFIG
from tests.slices import make_slice

runner = CliRunner()
TASK = load_domain("medical").sample.task
DAPT = Path(sys.executable).with_name("dapt")
NAME, SSN, EMAIL = "Zebulon Quixano", "536-22-8147", "zeb.quixano@example.org"


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
        "class with a single example": (
            ["--corpus", str(_jsonl(tmp / "c6.jsonl", good)),
             "--task", str(_jsonl(tmp / "lone.jsonl", [{**g, "label": "a" if i else "b"} for i, g in enumerate(good)]))],
            "lone.jsonl: 1 class(es) in field 'label' have a single example",
        ),
        "eval label the task never shows": (
            ["--corpus", str(_jsonl(tmp / "c7.jsonl", good)), "--task", str(TASK),
             "--eval", str(_jsonl(tmp / "ev.jsonl", [{**g, "label": "zzz"} for g in good]))],
            "ev.jsonl: 1 label(s) never seen in the task data",
        ),
        "eval without its label column": (
            ["--corpus", str(_jsonl(tmp / "c8.jsonl", good)), "--task", str(TASK), "--eval", str(_nolabel_csv(tmp))],
            "task.csv: no column 'label'",
        ),
        "base model that is not a model": (["--base-model", str(tmp)], f"{tmp}: not a model folder (no config.json)"),
        "causal-LM objective of an encoder": (["--objective", "clm"], "pretrain.objective clm needs a causal-LM base model; this one is BertModel"),
        "unknown objective": (["--objective", "gan"], "command-line flags: key 'pretrain.objective'"),
        "unknown config key": (["--config", str(_yaml(tmp / "bad.yaml", "pretrain:\n  stepz: 3\n"))], "unknown key 'pretrain.stepz'"),
        "bad config value": (["--config", str(_yaml(tmp / "neg.yaml", "pretrain:\n  steps: -1\n"))], "key 'pretrain.steps'"),
        "config key that is data": (
            ["--config", str(_yaml(tmp / "data.yaml", f"'{NAME} {SSN}': 1\n"))],
            "data.yaml: an unknown key at the top level that does not look like a setting name",
        ),
        "CSV without a header": (
            ["--corpus", str(_text(tmp / "export.csv", f"{NAME},{SSN},{EMAIL}\nx,y,z\n")), "--task", str(TASK)],
            "export.csv: no column 'text' (found 3 column(s) that do not look like header names",
        ),
        "binary corpus": (["--corpus", str(_bytes(tmp / "dump.jsonl", b"\x89PNG\x00\x01" + NAME.encode())), "--task", str(TASK)],
                          "dump.jsonl: holds binary data, not text"),
        "corrupt Parquet": (["--corpus", str(_bytes(tmp / "c.parquet", b"PAR1" + NAME.encode() + b"PAR1")), "--task", str(TASK)],
                            "c.parquet: not a readable Parquet file"),
        "undecodable line inside a quoted field": (
            ["--corpus", str(_bytes(tmp / "q.csv", b'id,text\n1,"first line\ncaf\xe9 second line"\n2,fine\n')), "--task", str(TASK)],
            "q.csv: row 1: not valid UTF-8",
        ),
        "out is a file": (["--out", str(_text(tmp / "afile", "x"))], "afile: is a file, not a folder for run folders"),
        "resume a folder that is not a run": (["--resume", str(tmp)], f"{tmp}: not a dapt run folder (no config.yaml)"),
        "resume a run of another domain": (
            ["--resume", str(_yaml(tmp / "finance-run" / "config.yaml", "domain: finance\n").parent)],
            "finance-run: a run of another domain",
        ),
        "out cannot be created": (["--out", str(_text(tmp / "plain", "x") / "runs")], "plain/runs: cannot create a run folder there"),
        "key file readable by others": (["--key-file", str(_key(tmp / "open.key", b"0123456789abcdef0123", 0o644))],
                                        "open.key: the key file is readable by others (mode 0644) — run `chmod 600"),
        "key file not UTF-8": (["--key-file", str(_key(tmp / "bin.key", b"\xff\xfe0123456789abcdef", 0o600))],
                               "bin.key: not a key file (not UTF-8 text)"),
        "label that looks personal": (
            ["--corpus", str(_jsonl(tmp / "c3.jsonl", good)),
             "--task", str(_jsonl(tmp / "people.jsonl", [{**g, "label": [NAME, "b"][i % 2]} for i, g in enumerate(good)]))],
            "people.jsonl: row 1, column 'label': the label looks like personal data (PERSON)",
        ),
        "group column missing": (
            ["--group-field", "mrn", "--corpus", str(_jsonl(tmp / "c5.jsonl", good)), "--task", str(TASK)],
            "c5.jsonl: row 1: field 'mrn' (the group) is missing or empty",
        ),
        "label outside the declared set": (
            ["--config", str(_yaml(tmp / "labels.yaml", "input:\n  labels: [a, b]\n")), "--corpus", str(_jsonl(tmp / "c4.jsonl", good)),
             "--task", str(_jsonl(tmp / "abc.jsonl", [{**g, "label": "abc"[i % 3]} for i, g in enumerate(good)]))],
            "abc.jsonl: row 3, column 'label': a label outside input.labels",
        ),
    }


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _key(path: Path, data: bytes, mode: int) -> Path:
    _bytes(path, data).chmod(mode)
    return path


def _nolabel_csv(tmp: Path) -> Path:
    path = tmp / "task.csv"
    path.write_text("id,text,category\n1,chest pain,cardiology\n", encoding="utf-8")
    return path


def _yaml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CASES = ["missing file", "empty corpus", "non-UTF-8 bytes", "row without text", "missing label column",
         "one class", "unknown config key", "bad config value", "config key that is data", "CSV without a header",
         "binary corpus", "corrupt Parquet", "undecodable line inside a quoted field", "out is a file",
         "out cannot be created", "key file readable by others", "key file not UTF-8", "label that looks personal",
         "group column missing", "label outside the declared set", "class with a single example",
         "eval label the task never shows", "eval without its label column", "base model that is not a model",
         "resume a folder that is not a run", "resume a run of another domain"]


@pytest.mark.parametrize("case", CASES)
def test_when_input_is_bad_then_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    args, expected = _bad_inputs(tmp_path)[case]
    result = runner.invoke(app, ["run", "medical", "--out", str(tmp_path / "runs"), *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "runs").exists()  # nothing started
    assert [value for value in (*NAME.split(), SSN, EMAIL) if value in result.output] == []  # never echoed


def test_when_domain_is_unknown_then_known_ones_are_listed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "insurance", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown domain 'insurance' (installed: finance, medical)" in result.output


def test_when_key_is_missing_then_one_line_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAPT_KEY")
    result = runner.invoke(app, ["run", "medical", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "dapt privacy new-key" in result.output


def test_when_only_a_corpus_is_given_then_the_sample_task_in_use_is_named(tmp_path: Path) -> None:
    corpus = _jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": "note about hypertension"}])
    result = runner.invoke(app, ["run", "medical", "--corpus", str(corpus), "--key-file", str(tmp_path / "none.key")])
    assert f"no --task given: fine-tuning on the medical sample task ({TASK})" in result.output.replace("\n", "")


def test_when_version_is_asked_then_it_prints_and_exits_0() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"dapt {__version__}"


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("run", "domains", "privacy"):
        assert command in result.output


def test_when_a_stage_raises_a_user_error_then_one_line_and_the_flow_run_is_failed(
    tmp_path: Path, tiny_model_dir: Path, prefect_harness: None
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    piece = make_slice("medical", tmp_path, corpus_docs=12, per_label=4)
    config = _yaml(tmp_path / "greedy.yaml", TINY_CONFIG.replace("{min_frequency: 3}", "{min_frequency: 3, min_new_tokens: 100000}"))
    finished = subprocess.run(
        [str(DAPT), "run", "medical", "--corpus", str(piece.inputs.corpus), "--task", str(piece.inputs.task),
         "--config", str(config), "--base-model", str(tiny_model_dir), "--out", str(tmp_path / "runs")],
        capture_output=True, text=True, env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": "300"},
        timeout=600,
    )  # fmt: skip
    errors = [line for line in finished.stderr.splitlines() if "vocabulary mining found" in line]
    assert finished.returncode == 2 and "Traceback" not in finished.stderr + finished.stdout
    assert errors == [finished.stderr.strip().splitlines()[-1]] and errors[0].startswith("error: ")
    with get_client(sync_client=True) as client:
        [state] = [run.state for run in client.read_flow_runs() if run.parameters.get("run_dir", "").startswith(str(tmp_path))]
    assert state.is_failed() and "vocabulary mining found" in state.message
    [folder] = (tmp_path / "runs").iterdir()  # an unfinished run never looks complete
    assert folder.name.endswith(".partial") and not (folder / "manifest.json").exists()


def test_when_the_cli_starts_then_no_heavy_library_is_imported() -> None:
    """`dapt --help` answers in about a second: torch, Presidio, spaCy and pyarrow load only when a command needs them."""
    heavy = ["torch", "presidio_analyzer", "spacy", "pyarrow", "transformers", "prefect"]
    probe = f"import sys, dapt.cli; print([m for m in {heavy!r} if m in sys.modules])"
    finished = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert finished.stdout.strip() == "[]"
