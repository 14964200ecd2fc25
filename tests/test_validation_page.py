"""validation/report.html from hand-written gate results: outcomes, counts and reasons, never a
value; rewritten only when it changes. (tests/test_browser.py opens it in Chromium.)"""

from __future__ import annotations

import os
from pathlib import Path

from dapt.io import write_jsonl
from dapt.runs import RunFolder, write_json
from dapt.validation.report import write_validation_page

PLANTED = "Jonathan Whitaker"  # a value a careless quarantine row might carry


def check(expectation: str, success: bool, severity: str = "critical", **arguments: object) -> dict:
    return {"expectation": expectation, "arguments": arguments, "success": success, "severity": severity}


def test_when_no_gate_ran_then_no_page_is_written(tmp_path: Path) -> None:
    assert write_validation_page(RunFolder(tmp_path)) is None and not (tmp_path / "validation").exists()


def test_when_gates_pass_warn_and_fail_then_the_page_shows_each_outcome_and_counts_only(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)
    write_json(run.gate_result("raw"), {"suite": "raw_corpus", "success": False, "rows": 7, "checks": [
        check("expect_column_values_to_be_unique", False, column="id"),  # critical: the run stopped
        check("expect_column_median_to_be_between", False, "warning", column="chars", min_value=40),
        check("expect_table_row_count_to_be_between", True, min_value=1),
    ]})  # fmt: skip
    write_jsonl(run.quarantine("corpus"), [{"source": "c.jsonl", "row": 3, "reason": "field 'text' is missing or empty",
                                            "text": PLANTED}])  # fmt: skip
    page = write_validation_page(run).read_text(encoding="utf-8")
    assert page.count('class="failed">failed<') == 1 and page.count('class="warned">warned<') == 1
    assert page.count('class="passed">passed<') == 1 and ">FAILED<" in page
    assert "column=chars, min_value=40" in page and page.count("not run (yet)") == 2  # anonymized, task
    assert page.count("<rect ") == 3 and "data/corpus.quarantine.jsonl" in page
    assert "field &#39;text&#39; is missing or empty" in page
    assert PLANTED not in page and "c.jsonl" not in page  # rows are counted, never shown
    assert "<script" not in page and "http" not in page  # self-contained


def test_when_nothing_changed_then_the_page_is_not_rewritten(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)
    write_json(run.gate_result("task"), {"suite": "task", "success": True, "rows": 2, "checks": [check("e", True)]})
    os.utime(write_validation_page(run), ns=(0, 0))  # an old page: any rewrite shows
    assert write_validation_page(run).stat().st_mtime_ns == 0
    write_jsonl(run.gate_quarantine("task"), [{"kind": "task", "row": 1, "reason": "repeats a training text"}])
    assert write_validation_page(run).stat().st_mtime_ns != 0
