"""The task gate splits the task once and catches evaluation texts that repeat a training text
(any case, spacing or punctuation), per validation.eval_overlap: fail, warn or quarantine."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from dapt.cli import run_config
from dapt.errors import UserError
from dapt.io import write_jsonl
from dapt.runs import RunFolder
from dapt.splits import load_task_split
from dapt.validation import stages
from dapt.validation.stages import validate_task

TRAIN = [(f"the {word} report was filed on time", label) for word in ("first", "second", "third", "fourth", "fifth")
         for label in ("a", "b")]  # fmt: skip
EVAL = [("The FIRST report   was filed, on time!", "a"), ("a new text nobody trained on", "b"),
        ("the third report was filed on time", "b"), ("another unseen one", "a")]  # fmt: skip


def task_run(tmp_path: Path, evaluation: list[tuple[str, str]]) -> RunFolder:
    run = RunFolder(tmp_path / "run")
    for kind, rows in (("task", TRAIN), ("eval", evaluation)):
        write_jsonl(run.anonymized(kind), ({"id": f"doc-{kind}-{i}", "row": i, "text": text, "label": label}
                                           for i, (text, label) in enumerate(rows)))  # fmt: skip
    return run


def gate(run: RunFolder, policy: str) -> None:
    validate_task(run_config("medical", None, {"validation": {"eval_overlap": policy}}), run, has_eval_file=True)


def test_when_eval_repeats_training_texts_and_policy_is_fail_then_the_gate_names_the_check_and_count(tmp_path: Path) -> None:
    run = task_run(tmp_path, EVAL)
    with pytest.raises(UserError, match=r"expect_column_values_to_be_in_set\(column=repeats_a_training_text\): 2 evaluation"):
        gate(run, "fail")
    assert json.loads(run.gate_result("task").read_text())["success"] is False


def test_when_policy_is_quarantine_then_repeats_leave_the_evaluation_and_counts_add_up(tmp_path: Path) -> None:
    run = task_run(tmp_path, EVAL)
    gate(run, "quarantine")
    split = load_task_split(run)
    quarantined = [json.loads(line) for line in run.gate_quarantine("task").read_text().splitlines()]
    assert [row["row"] for row in split.eval] == [1, 3] and [row["row"] for row in quarantined] == [0, 2]
    assert {row["kind"] for row in quarantined} == {"eval"} and len(split.eval) + len(quarantined) == len(EVAL)
    assert "repeats a training text" in quarantined[0]["reason"] and "report" not in json.dumps(quarantined)
    assert json.loads(run.gate_result("task").read_text())["success"] is True


def test_when_policy_is_warn_then_the_run_goes_on_scoring_every_eval_text(tmp_path: Path) -> None:
    run = task_run(tmp_path, EVAL)
    gate(run, "warn")
    assert len(load_task_split(run).eval) == len(EVAL) and not run.gate_quarantine("task").exists()


def test_when_eval_shares_nothing_with_training_then_every_policy_passes_and_keeps_it_all(tmp_path: Path) -> None:
    run = task_run(tmp_path, [EVAL[1], EVAL[3]])
    gate(run, "fail")
    assert len(load_task_split(run).eval) == 2 and len(load_task_split(run).train) == len(TRAIN)


LABEL_SET = {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "label", "value_set": ["a"]}}


@pytest.mark.parametrize("severity", ["critical", "warning"])
def test_when_a_domain_expectation_fails_then_its_severity_decides_stop_or_warning(
    severity: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(stages, "load_domain", lambda name: SimpleNamespace(expectations={"task": [{**LABEL_SET, "severity": severity}]}))
    run = task_run(tmp_path, [EVAL[1], EVAL[3]])  # label "b" is outside the declared set
    if severity == "critical":
        with pytest.raises(UserError, match=r"task validation failed: expect_column_values_to_be_in_set\(column=label, value_set=\['a'\]"):
            gate(run, "fail")
    else:
        gate(run, "fail")
        assert "expect_column_values_to_be_in_set(column=label" in caplog.text and "policy warn" in caplog.text
    checks = json.loads(run.gate_result("task").read_text())["checks"]
    assert [(c["severity"], c["success"]) for c in checks if c["arguments"].get("column") == "label" and "value_set" in c["arguments"]] == [(severity, False)]
