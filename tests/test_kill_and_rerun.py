"""`dapt run` killed with SIGKILL during anonymization, rerun with --resume, killed again during
pretraining, rerun again: the run completes, redoes only what was unfinished, and every corpus
document is written once or quarantined."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dapt.domains.base import load_domain
from tests.conftest import sample_rows, write_rows

CONFIG = """
pretrain: {steps: 120, head_warmup_steps: 10, batch_size: 2, max_length: 32, checkpoint_every: 5}
finetune: {method: lora, max_steps: 4, batch_size: 16, max_length: 32, self_training_sentences: 0}
vocab: {min_frequency: 3}
input: {bad_rows: quarantine}
"""
DAPT = Path(sys.executable).with_name("dapt")


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts `dapt run` processes, each in its own session; kills what is left of them at the end
    (should a test fail before its run's guard has stopped Prefect's server)."""
    processes: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = (tmp_path / f"run-{len(processes)}.log").open("w")
        process = subprocess.Popen([str(DAPT), "run", "medical", *args], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        processes.append(process)
        return process

    yield start
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 300
    while not condition():
        assert process.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"no {what} in 300 s"
        time.sleep(0.02)


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.is_file() else 0


def records(run_dir: Path) -> dict[str, int]:
    return {path.stem: path.stat().st_mtime_ns for path in (run_dir / "stages").glob("*.json")}


def test_when_a_run_is_killed_twice_then_resumed_runs_finish_it_redoing_only_the_unfinished(
    tmp_path: Path, tiny_model_dir: Path, started: Callable[..., subprocess.Popen]
) -> None:
    corpus = sample_rows(load_domain("medical").sample.corpus, 450)
    corpus.insert(100, {"id": "blank", "text": ""})
    corpus_path = write_rows(tmp_path / "corpus.jsonl", corpus)
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "runs"
    args = ["--corpus", str(corpus_path), "--task", str(load_domain("medical").sample.task), "--config", str(config),
            "--base-model", str(tiny_model_dir), "--out", str(out)]  # fmt: skip

    first = started(*args)
    wait_for(lambda: any(out.glob("*.partial")), first, "run folder")
    [run_dir] = out.glob("*.partial")
    anonymized = run_dir / "data" / "corpus.anonymized.jsonl"
    wait_for(lambda: lines(anonymized) >= 40, first, "anonymized rows")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    kept = anonymized.read_bytes()[: anonymized.read_bytes().rfind(b"\n") + 1]
    assert 40 <= kept.count(b"\n") < len(corpus) - 1, "killed after anonymization: nothing left to resume"
    before_resume = records(run_dir)
    assert {"ingest", "validate-raw", "anonymize-corpus.started"} <= set(before_resume)

    second = started(*args, "--resume", str(run_dir))
    checkpoint = run_dir / "pretrain" / "checkpoint.pt"
    wait_for(checkpoint.is_file, second, "pretraining checkpoint")
    os.kill(second.pid, signal.SIGKILL)
    second.wait()
    after_second = records(run_dir)
    assert after_second["ingest"] == before_resume["ingest"]  # reused, not redone
    assert anonymized.read_bytes().startswith(kept)  # the rows written before the kill were kept
    rows = [json.loads(line) for line in anonymized.read_text(encoding="utf-8").splitlines()]
    quarantined = lines(run_dir / "data" / "corpus.quarantine.jsonl")
    assert len(rows) + quarantined == len(corpus) and quarantined == 1
    assert len({row["row"] for row in rows}) == len(rows)  # no duplicates

    third = started(*args, "--resume", str(run_dir))
    assert third.wait(timeout=600) == 0, (tmp_path / "run-2.log").read_text()
    finished = out / run_dir.name.removesuffix(".partial")
    assert finished.is_dir() and not run_dir.exists() and (finished / "manifest.json").is_file()
    after_third = records(finished)
    assert {name: after_third[name] for name in after_second if not name.endswith(".started")} == {
        name: stamp for name, stamp in after_second.items() if not name.endswith(".started")
    }  # every stage the second run finished was reused
    pretrain = json.loads((finished / "pretrain" / "report.json").read_text())
    assert pretrain["steps"] == 120 and pretrain["resumed_after_step"] >= 5
    assert not (finished / "pretrain" / "checkpoint.pt").exists()
    assert "reused" in (tmp_path / "run-2.log").read_text()


def assert_every_process_of_the_run_ends(run: subprocess.Popen, seconds: float) -> None:
    """No process of the run's session (Prefect's temporary server, dapt's guard) is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(run.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail("a process of the run (Prefect's temporary server) outlived it")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_when_a_run_is_stopped_by_a_signal_then_no_process_and_no_complete_folder_is_left(
    tmp_path: Path, tiny_model_dir: Path, started: Callable[..., subprocess.Popen], stop_signal: signal.Signals
) -> None:
    out = tmp_path / "runs"
    run = started("--base-model", str(tiny_model_dir), "--out", str(out))
    wait_for(lambda: any(out.glob("*.partial/data/corpus.anonymized.jsonl")), run, "anonymization")
    os.kill(run.pid, stop_signal)
    assert run.wait(timeout=60) != 0
    assert_every_process_of_the_run_ends(run, 30)  # Prefect gives its server 5 s to stop; the guard as long
    assert [path.name.endswith(".partial") for path in out.iterdir()] == [True]
