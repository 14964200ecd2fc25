"""The plugin contract over every installed domain, and what it reports for each way a plugin breaks it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dapt.domains.base import DomainPlugin, installed_domains, load_domain
from dapt.domains.contract import contract_problems, recognizer_case_problems


@pytest.mark.parametrize("name", sorted(installed_domains()))
def test_every_installed_domain_honours_the_contract(name: str) -> None:
    plugin = load_domain(name)
    assert contract_problems(plugin) == []
    assert recognizer_case_problems(plugin) == []


def rewrite(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_text(edit((folder / name).read_text(encoding="utf-8")), encoding="utf-8")

    return change


def stretch_first_gold_span(folder: Path) -> None:
    path = folder / "sample" / "pii_gold.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    spans = next(row for row in rows if row["spans"])["spans"]
    spans[0]["end"] = 10**6
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


# fmt: off
BREAKS = [
    ("no vocabulary seeds",   lambda folder: (folder / "vocab_seeds.txt").unlink(),               "vocab_seeds.txt is missing or empty"),
    ("unknown GX type",       rewrite("expectations.yaml", lambda t: t.replace("expect_column_median", "expect_colum_median")), "expectations.yaml: raw: ExpectationNotFoundError"),
    ("unknown column",        rewrite("expectations.yaml", lambda t: t.replace("column: chars", "column: text")), "expectations.yaml: raw: no column 'text'"),
    ("unknown gate",          rewrite("expectations.yaml", lambda t: t.replace("raw:", "corpus:")), "unknown gate 'corpus'"),
    ("bad default",           rewrite("defaults.yaml", lambda t: t + "finetune: {max_stepz: 3}\n"), "max_stepz"),
    ("YAML recognizer",       rewrite("recognizers.yaml", lambda t: "recognizers:\n  - {name: X, supported_entity: Y}\n"), "recognizers.yaml: recognizer 1: ValueError"),
    ("gold span off the text", stretch_first_gold_span,                                           "lies outside the text"),
    ("no task file",          lambda folder: (folder / "sample" / "task.jsonl").unlink(),         "sample/ lacks task.jsonl"),
]
# fmt: on


@pytest.mark.parametrize("what, edit, problem", BREAKS, ids=[row[0] for row in BREAKS])
def test_when_a_plugin_breaks_the_contract_then_the_problem_names_the_file(
    what: str, edit: Callable[[Path], None], problem: str, tmp_path: Path
) -> None:
    plugin = copied(load_domain("finance"), tmp_path)
    assert contract_problems(plugin) == []
    edit(plugin.folder)
    found = contract_problems(dataclasses.replace(plugin))  # a fresh object: nothing cached
    assert any(problem in line and line.startswith("domain finance: ") for line in found), found


def copied(plugin: DomainPlugin, tmp_path: Path) -> DomainPlugin:
    shutil.copytree(plugin.folder, tmp_path / "plugin", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "plugin" / "recognizers.yaml").write_text("recognizers: []\n", encoding="utf-8")
    return dataclasses.replace(plugin, folder=tmp_path / "plugin")


def test_when_a_required_type_is_never_planted_then_the_sample_problem_names_it(tmp_path: Path) -> None:
    plugin = dataclasses.replace(copied(load_domain("finance"), tmp_path), required_entities=("PERSON", "SWIFT_BIC"))
    assert contract_problems(plugin) == ["domain finance: sample/pii_gold.jsonl: no gold span of required entity type(s) SWIFT_BIC"]


def test_when_a_recognizer_case_fails_or_a_type_has_none_then_the_table_check_says_which(tmp_path: Path) -> None:
    plugin = copied(load_domain("finance"), tmp_path)
    cases = plugin.folder / "recognizer_cases.yaml"
    lines = [line for line in cases.read_text(encoding="utf-8").splitlines() if "LEI" not in line]
    cases.write_text("\n".join(lines).replace('expected: ["037833100"]', 'expected: ["037833101"]') + "\n", encoding="utf-8")
    problems = recognizer_case_problems(plugin)
    assert any("(CUSIP): expected ['037833101'], found ['037833100']" in line for line in problems), problems
    assert problems[-1] == "domain finance: recognizer_cases.yaml: no case finds LEI"


def test_the_fingerprint_follows_the_plugin_files_not_their_folder(tmp_path: Path) -> None:
    original = load_domain("finance")
    plugin = copied(original, tmp_path)
    (plugin.folder / "recognizers.yaml").unlink()  # `copied` adds one; the built-in plugin has none
    assert plugin.fingerprint == original.fingerprint
    (plugin.folder / "allow_list.txt").write_text("Northwind\n", encoding="utf-8")
    assert dataclasses.replace(plugin).fingerprint != original.fingerprint
