"""`dapt report show | sign | diff` on a real PII report: the decision lands in the JSON and the
page, the run's hashes follow it, and bad input is one line with exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt.cli import app, run_config
from dapt.flows.reuse import unchanged
from dapt.privacy.anonymize import anonymize
from dapt.privacy.report import SCHEMA_VERSION, write_pii_report
from dapt.privacy.residual import residual_scan
from dapt.runs import RunFolder, sha256_of, write_json, write_manifest
from tests.slices import make_slice

runner = CliRunner()


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> RunFolder:
    """A run folder up to its PII report, with a manifest and the report stage's record."""
    folder = tmp_path_factory.mktemp("reported")
    piece = make_slice("medical", folder, corpus_docs=12, per_label=3)
    cfg = run_config("medical", None, {})
    run = RunFolder(folder / "run")
    results = [anonymize(piece.inputs.corpus, "corpus", cfg, None, run), anonymize(piece.inputs.task, "task", cfg, None, run)]
    write_pii_report(run, results, residual_scan(["corpus", "task"], cfg, run), cfg, None)
    outputs = {f"privacy/pii_report.{suffix}": sha256_of(run.pii_report(suffix)) for suffix in ("json", "html")}
    write_json(run.stage_record("pii-report"), {"key": "k", "result": {}, "outputs": outputs})
    write_manifest(run.root, {"run_id": run.run_id})
    return run


@pytest.fixture
def run(reported: RunFolder, tmp_path: Path) -> RunFolder:
    copy = RunFolder(tmp_path / "run")
    shutil.copytree(reported.root, copy.root)
    return copy


def test_when_signed_then_the_decision_is_in_the_report_and_the_page_and_hashes_follow(run: RunFolder) -> None:
    reviewer = 'Dana Roe, DPO <script>alert(1)</script>"><img src=x onerror=alert(2)>'
    result = runner.invoke(app, ["report", "sign", str(run.root), "--reviewer", reviewer, "--decision", "reject",
                                 "--note", "residual names in notes"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(run.pii_report("json").read_text())
    assert report["schema_version"] == SCHEMA_VERSION
    assert report["sign_off"] | {"date": None} == {"reviewed_by": reviewer, "decision": "reject", "date": None,
                                                  "note": "residual names in notes"}  # fmt: skip
    page = run.pii_report("html").read_text()
    assert "Dana Roe, DPO &lt;script&gt;" in page and "<script>" not in page and "<img" not in page
    assert ">reject<" in page and "residual names in notes" in page
    assert unchanged(run.root, json.loads(run.stage_record("pii-report").read_text())["outputs"])
    manifest = {e["path"]: e["sha256"] for e in json.loads((run.root / "manifest.json").read_text())["artifacts"]}
    assert manifest["privacy/pii_report.json"] == sha256_of(run.pii_report("json"))


def test_when_shown_then_counts_residual_and_sign_off_are_printed(run: RunFolder) -> None:
    before = runner.invoke(app, ["report", "show", str(run.root)])
    assert before.exit_code == 0 and "sign-off: not signed" in before.output and "corpus: 12 in, 12 out" in before.output
    runner.invoke(app, ["report", "sign", str(run.root), "--reviewer", "Dana Roe", "--decision", "approve"])
    after = runner.invoke(app, ["report", "show", str(run.root)])
    assert "sign-off: approve by Dana Roe on " in after.output


def test_when_two_reports_differ_then_diff_names_each_change(run: RunFolder, tmp_path: Path) -> None:
    other = RunFolder(tmp_path / "other")
    shutil.copytree(run.root, other.root)
    report = json.loads(other.pii_report("json").read_text())
    person = report["entities"]["PERSON"]
    report["entities"] |= {"PERSON": person + 3, "IBAN_CODE": 2}
    report["residual"] |= {"fraction": 0.5, "passed": False}
    write_json(other.pii_report("json"), report)
    result = runner.invoke(app, ["report", "diff", str(run.root), str(other.root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"  PERSON: {person} -> {person + 3} (+3)" in lines and "  IBAN_CODE: 0 -> 2 (+2) (new type)" in lines
    assert lines[-1].endswith("50.0% of documents, PASSED -> FAILED")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--reviewer", "Dana Roe", "--decision", "maybe"], "decision 'maybe' is not one of approve, reject"),
        (["--reviewer", "  ", "--decision", "approve"], "the reviewer is empty"),
    ],
    ids=["unknown decision", "empty reviewer"],
)
def test_when_sign_gets_bad_input_then_one_line_and_exit_2(run: RunFolder, args: list[str], expected: str) -> None:
    before = run.pii_report("json").read_bytes()
    result = runner.invoke(app, ["report", "sign", str(run.root), *args])
    assert result.exit_code == 2 and expected in result.output and len(result.output.strip().splitlines()) == 1
    assert run.pii_report("json").read_bytes() == before


@pytest.mark.parametrize("command", ["show", "sign", "diff"])
def test_when_a_folder_has_no_report_then_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    extra = {"show": [], "sign": ["--reviewer", "x", "--decision", "approve"], "diff": [str(tmp_path)]}[command]
    result = runner.invoke(app, ["report", command, str(tmp_path), *extra])
    assert result.exit_code == 2 and "no PII report" in result.output and "Traceback" not in result.output
