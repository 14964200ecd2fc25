"""The gates' own checks, each under its default policy and under the other one (validation.policies):
class sizes, imbalance, texts longer than the model takes, near-duplicate evaluation texts, repeated
corpus documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapt.cli import run_config
from dapt.errors import UserError
from dapt.io import write_jsonl
from dapt.runs import RunFolder
from dapt.splits import load_task_split
from dapt.validation.stages import validate_raw, validate_task

WORDS = "breathing comfortably tolerating diet walking hallway pain controlled family visited tonight morning nurse called " \
        "resting stable".split()  # English words (raw.language reads them so)


def sentence(number: int, length: int = 8) -> str:
    """A text of ``length`` words no other number shares three in a row with."""
    return " ".join(WORDS[(number * 7 + step * (number % 5 + 1)) % len(WORDS)] + str(number) for step in range(length))


def labelled(counts: dict[str, int], length: int = 8) -> list[dict]:
    rows = [(label, n) for label, count in counts.items() for n in range(count)]
    return [{"text": sentence(index, length), "label": label} for index, (label, _) in enumerate(rows)]


def task_run(tmp_path: Path, train: list[dict], evaluation: list[dict]) -> RunFolder:
    run = RunFolder(tmp_path / "run")
    for kind, rows in (("task", train), ("eval", evaluation)):
        write_jsonl(run.anonymized(kind), ({"id": f"doc-{kind}-{i}", "row": i, **row} for i, row in enumerate(rows)))
    return run


def task_gate(run: RunFolder, validation: dict, finetune: dict | None = None) -> None:
    cfg = run_config("medical", None, {"validation": validation, "finetune": finetune or {}})
    validate_task(cfg, run, has_eval_file=True)


BALANCED = {"a": 6, "b": 6}
# fmt: off
TASK_CASES = [  # name, training classes, eval classes, text length, finetune settings, check, default policy
    ("a class below the minimum",  {"a": 6, "b": 3},  {"a": 2, "b": 2}, 8,   None,               "task.min_per_class", "fail"),
    ("an eval label never trained", BALANCED,         {"a": 2, "c": 2}, 8,   None,               "task.min_per_class", "fail"),
    ("classes 30 to 1",            {"a": 150, "b": 5}, {"a": 2, "b": 2}, 8,  None,               "task.imbalance",     "warn"),
    ("texts longer than the model", BALANCED,         {"a": 2, "b": 2}, 60,  {"max_length": 16}, "task.tokens",      "warn"),
]
# fmt: on


@pytest.mark.parametrize("name, train, evaluation, length, finetune, check, default", TASK_CASES, ids=[c[0] for c in TASK_CASES])
def test_when_a_task_check_fails_then_its_policy_stops_the_run_or_logs_it(
    name: str, train: dict, evaluation: dict, length: int, finetune: dict | None, check: str, default: str,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    rows = labelled(train, length)
    held_out = [{"text": sentence(1000 + i, length), "label": label}
                for i, (label, count) in enumerate(evaluation.items()) for _ in range(count)]  # fmt: skip
    for policy in ("fail", "warn"):
        run = task_run(tmp_path / policy, rows, held_out)
        if policy == "fail":
            with pytest.raises(UserError, match=rf"task validation failed: .*{check}: .*validation.policies: {{{check}: warn}}"):
                task_gate(run, {"policies": {check: "fail"}}, finetune)
        else:
            task_gate(run, {"policies": {check: "warn"}}, finetune)
            assert f"{check}: expect_" in caplog.text and "policy warn" in caplog.text
        [saved] = [c for c in json.loads(run.gate_result("task").read_text())["checks"] if c["check"] == check]
        assert saved["success"] is False and saved["severity"] == {"fail": "critical", "warn": "warning"}[policy]
    assert run_config("medical", None, {}).validation.policy(check) == default


def test_when_an_eval_text_nearly_repeats_a_training_text_then_it_is_set_aside(tmp_path: Path) -> None:
    train = labelled(BALANCED, 12)
    near = {"text": train[0]["text"] + " extra", "label": "a"}  # 10 of its 11 word triples are the training text's 10
    different = {"text": " ".join(train[1]["text"].split()[:6] + train[2]["text"].split()[6:]), "label": "b"}  # half and half
    run = task_run(tmp_path, train, [near, different, {"text": sentence(900, 12), "label": "a"}])
    task_gate(run, {"eval_overlap": "quarantine"})
    assert [row["row"] for row in load_task_split(run).eval] == [1, 2]
    [aside] = [json.loads(line) for line in run.gate_quarantine("task").read_text().splitlines()]
    assert aside["row"] == 0 and "nearly the same words" in aside["reason"]


def raw_gate(tmp_path: Path, texts: list[str], check: str, policy: str, stops: bool, expectation: str) -> dict:
    """Run the raw gate on ``texts`` with ``check`` under ``policy``: it stops the run naming the check
    when ``stops``, else passes; returns the check's saved result."""
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, ({"id": str(i), "text": text} for i, text in enumerate(texts)))
    cfg = run_config("medical", None, {"validation": {"policies": {check: policy}}})
    run = RunFolder(tmp_path / "run")
    if stops:
        with pytest.raises(UserError, match=rf"raw_corpus validation failed: {check}: {expectation}"):
            validate_raw(corpus, cfg, run)
    else:
        assert validate_raw(corpus, cfg, run).success
    [saved] = [c for c in json.loads(run.gate_result("raw").read_text())["checks"] if c["check"] == check]
    return saved


@pytest.mark.parametrize("repeated, policy, stops", [(1, "fail", False), (3, "warn", False), (3, "fail", True)])
def test_when_corpus_documents_repeat_then_raw_duplicates_allows_a_few_and_follows_its_policy(
    repeated: int, policy: str, stops: bool, tmp_path: Path
) -> None:
    texts = [sentence(i) for i in range(40)] + [sentence(0).upper()] * repeated  # re-cased: the same words
    saved = raw_gate(tmp_path, texts, "raw.duplicates", policy, stops, "expect_column_values_to_be_unique")
    assert saved["success"] is (repeated == 1)


GERMAN = "Der Patient wurde am Montag mit Brustschmerzen aufgenommen und erhielt Aspirin und Heparin."
SHORTHAND = "PT TOL FEEDS, CONT ON LEVO, NEO WEANED, MAE, WILL CONT TO MONITOR"  # nursing shorthand: English


@pytest.mark.parametrize("other, policy, stops", [(SHORTHAND, "fail", False), (GERMAN, "warn", False), (GERMAN, "fail", True)])
def test_when_the_corpus_is_not_english_then_raw_language_follows_its_policy(
    other: str, policy: str, stops: bool, tmp_path: Path
) -> None:
    texts = [sentence(i) for i in range(10)] + [f"{other} ({i})" for i in range(30)]
    saved = raw_gate(tmp_path, texts, "raw.language", policy, stops, "expect_column_values_to_be_between")
    assert saved["success"] is (other == SHORTHAND)
