"""`dapt runs list` and `dapt runs show`: complete, stopped and running runs told apart from their
folders' stage records."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from dapt.cli import app

runner = CliRunner()


def make_run(parent: Path, name: str, domain: str, finished: list[str], started: dict[str, int]) -> Path:
    run = parent / name
    (run / "stages").mkdir(parents=True)
    (run / "config.yaml").write_text(f"domain: {domain}\n", encoding="utf-8")
    records = [(f"{stage}.json", {}) for stage in finished]
    records += [(f"{stage}.started.json", {"key": "k", "pid": pid}) for stage, pid in started.items()]
    for second, (name, record) in enumerate(records):
        path = run / "stages" / name
        path.write_text(json.dumps(record), encoding="utf-8")
        os.utime(path, (1_800_000_000 + second,) * 2)  # recorded in this order
    return run


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_when_runs_are_listed_then_each_shows_complete_stopped_or_running(tmp_path: Path) -> None:
    done = make_run(tmp_path, "medical-1", "medical", ["ingest", "model-card"], {})
    (done / "manifest.json").write_text("{}", encoding="utf-8")
    (done / "eval").mkdir()
    (done / "eval" / "metrics.json").write_text(json.dumps({"macro_f1": 0.4321}), encoding="utf-8")
    make_run(tmp_path, "finance-2.partial", "finance", ["ingest"], {"anonymize-corpus": dead_pid()})
    make_run(tmp_path, "medical-3.partial", "medical", ["ingest", "validate-raw"], {"pretrain": os.getpid()})
    make_run(tmp_path, "medical-4.partial", "medical", ["ingest", "vocabulary"], {})
    result = runner.invoke(app, ["runs", "list", "--out", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 2}
    assert "complete" in rows["medical-1"] and "0.4321" in rows["medical-1"]
    assert "stopped in anonymize-corpus" in rows["finance-2"]
    assert "running pretrain" in rows["medical-3"]
    assert "stopped after vocabulary" in rows["medical-4"]


def test_when_a_stopped_run_is_shown_then_every_stage_has_its_state(tmp_path: Path) -> None:
    run = make_run(tmp_path, "finance-2.partial", "finance", ["ingest", "validate-raw"], {"anonymize-corpus": dead_pid()})
    result = runner.invoke(app, ["runs", "show", str(run)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "finance-2 (finance): stopped in anonymize-corpus"
    states = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in result.output.splitlines() if line.count("│") > 2}
    assert states == {"ingest": "finished", "validate-raw": "finished", "anonymize-corpus": "stopped"}


def test_when_show_gets_a_folder_that_is_not_a_run_then_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["runs", "show", str(tmp_path)])
    assert result.exit_code == 2 and "not a dapt run folder" in result.output and "Traceback" not in result.output


def test_when_resume_is_asked_of_a_run_still_running_then_one_line_and_nothing_changes(tmp_path: Path) -> None:
    alive = subprocess.Popen(["sleep", "60"])
    try:
        run = make_run(tmp_path, "medical-5.partial", "medical", ["ingest"], {"anonymize-corpus": alive.pid})
        result = runner.invoke(app, ["run", "medical", "--out", str(tmp_path), "--resume", str(run)])
    finally:
        alive.kill()
    assert result.exit_code == 2 and "medical-5.partial: still running (anonymize-corpus)" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and run.is_dir()
