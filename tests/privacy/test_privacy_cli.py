"""`dapt privacy detect | anonymize | evaluate`: outputs, keys, groups, quarantine and no raw value anywhere."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt.cli import app
from dapt.privacy.evaluate import in_half
from tests.conftest import write_rows

runner = CliRunner()
NAME, PHONE, EMAIL = "Rintanen Borkowski", "(617) 555-0142", "mira.rintanen@example.org"
NOTES = [
    {"id": "a1", "patient": "p1", "text": f"Seen 03/14/2021. Wife of {NAME} called from {PHONE}."},
    {"id": "a2", "patient": "p1", "text": f"Follow-up 03/24/2021 with {NAME}; email {EMAIL}."},
    {"id": "b1", "patient": "p2", "text": f"Seen 03/14/2021. Daughter of {NAME} called."},
]
PLANTED = [NAME, "Rintanen", "Borkowski", PHONE, "555-0142", EMAIL]


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["privacy", *args])
    return result.exit_code, result.output


def _no_planted_value(*texts: str) -> None:
    for text in texts:
        for value in PLANTED:
            assert value not in text


def _anonymize(tmp_path: Path, name: str, *extra: str) -> list[dict]:
    output = tmp_path / f"{name}.jsonl"
    code, printed = _run("anonymize", "--domain", "medical", "--input", str(tmp_path / "notes.jsonl"),
                         "--output", str(output), *extra)
    assert code == 0, printed
    _no_planted_value(printed, output.read_text(encoding="utf-8"))
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "notes.jsonl", NOTES)


def test_when_detect_runs_then_findings_carry_offsets_and_types_but_no_value(notes: Path, tmp_path: Path) -> None:
    code, printed = _run("detect", "--domain", "medical", "--input", str(notes), "--output", str(tmp_path / "f.jsonl"))
    findings = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    assert code == 0 and "3 documents" in printed
    assert {tuple(sorted(f)) for f in findings} == {("doc_id", "end", "entity_type", "recognizer", "row", "score", "start")}
    assert {f["doc_id"] for f in findings}.isdisjoint(note["id"] for note in NOTES)  # keyed pseudonyms
    found = {NOTES[f["row"]]["text"][f["start"] : f["end"]] for f in findings}
    assert {PHONE, EMAIL} <= found and any(NAME in value or value in NAME for value in found)
    _no_planted_value(printed, (tmp_path / "f.jsonl").read_text(encoding="utf-8"))


def test_when_anonymized_then_a_value_gets_one_surrogate_across_documents(notes: Path, tmp_path: Path) -> None:
    rows = _anonymize(tmp_path, "out")
    surrogates = [re.search(r"(?:Wife|Daughter) of (.+?) called", rows[i]["text"]).group(1) for i in (0, 2)]
    assert surrogates[0] == surrogates[1] and surrogates[0] != NAME
    assert re.search(r"\(\d{3}\) \d{3}-\d{4}", rows[0]["text"])  # a phone stays a phone


def test_when_the_key_changes_then_surrogates_change(notes: Path, tmp_path: Path, monkeypatch) -> None:
    first = _anonymize(tmp_path, "k1")
    monkeypatch.setenv("DAPT_KEY", "another-key-0123456789abcdef")
    second = _anonymize(tmp_path, "k2")
    assert [r["text"] for r in first] != [r["text"] for r in second]


def test_when_a_key_file_is_given_then_it_is_used_and_never_printed(notes: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "surrogate.key"
    code, printed = _run("new-key", "--key-file", str(key_file))
    assert code == 0 and key_file.stat().st_mode & 0o777 == 0o600
    rows = _anonymize(tmp_path, "kf", "--key-file", str(key_file))
    assert key_file.read_text(encoding="utf-8").strip() not in printed + json.dumps(rows)


def test_when_no_key_is_set_then_one_line_error_and_exit_2(notes: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DAPT_KEY")
    code, printed = _run("anonymize", "--domain", "medical", "--input", str(notes), "--output", str(tmp_path / "o.jsonl"))
    assert code == 2 and "no surrogate key" in printed and len(printed.strip().splitlines()) == 1


def test_when_grouped_by_patient_then_a_patient_keeps_one_date_shift(notes: Path, tmp_path: Path) -> None:
    rows = _anonymize(tmp_path, "grouped", "--group-field", "patient")
    dates = [datetime.strptime(re.search(r"\d{2}/\d{2}/\d{4}", row["text"]).group(), "%m/%d/%Y") for row in rows]
    assert dates[0] != datetime(2021, 3, 14) and (dates[1] - dates[0]).days == 10  # p1's interval survives


def test_when_rows_are_unusable_then_they_are_quarantined_and_counted(tmp_path: Path) -> None:
    source = tmp_path / "notes.jsonl"
    source.write_bytes(
        json.dumps(NOTES[0]).encode() + b"\n" + b'{"id": "bad", "text": "caf\xe9"}\n' + b'{"id": "empty", "text": ""}\n'
    )
    rows = _anonymize(tmp_path, "q")
    quarantine = (tmp_path / "q.quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 and len(quarantine) == 2


def test_when_evaluated_then_figures_print_and_misses_are_masked(tmp_path: Path) -> None:
    text = f"Call {PHONE} or ask for zqxwv at the desk."
    gold = write_rows(tmp_path / "gold.jsonl", [{"doc_id": "g1", "text": text, "spans": [
        {"start": 5, "end": 5 + len(PHONE), "label": "PHONE_NUMBER"},
        {"start": text.index("zqxwv"), "end": text.index("zqxwv") + 5, "label": "PERSON"},
    ]}])
    code, printed = _run("evaluate", "--gold", str(gold), "--domain", "medical", "--output", str(tmp_path / "e.json"))
    report = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert code == 0 and "token (type-blind)" in printed
    assert report["labels"]["PHONE_NUMBER"]["token_recall"] == 1.0 and report["missed_spans"] == 1
    assert "<<PERSON>>" in printed and "[PHONE_NUMBER]" in printed
    assert "zqxwv" not in printed + json.dumps(report) and PHONE not in printed


def test_when_evaluated_on_a_half_then_the_halves_split_the_gold_set_by_id(tmp_path: Path) -> None:
    rows = [{"doc_id": f"g{i}", "text": f"Call {PHONE} about note {i}.", "spans": [{"start": 5, "end": 5 + len(PHONE), "label": "PHONE_NUMBER"}]}
            for i in range(40)]  # fmt: skip
    gold = write_rows(tmp_path / "gold.jsonl", rows)
    counts = {}
    for half in ("tune", "report"):
        code, printed = _run("evaluate", "--gold", str(gold), "--domain", "medical", "--half", half, "--output", str(tmp_path / f"{half}.json"))
        counts[half] = json.loads((tmp_path / f"{half}.json").read_text(encoding="utf-8"))["documents"]
        assert code == 0 and f"gold.jsonl ({half} half): {counts[half]} documents" in printed
    tune = {row["doc_id"] for row in rows if in_half(row["doc_id"], "tune")}
    assert counts == {"tune": len(tune), "report": 40 - len(tune)} and 10 < len(tune) < 30


# fmt: off
BAD_INPUTS = [
    (["detect", "--domain", "medical", "--input", "{tmp}/nope.jsonl", "--output", "{tmp}/f.jsonl"], "nope.jsonl: file not found"),
    (["detect", "--domain", "dental", "--input", "{tmp}/notes.jsonl", "--output", "{tmp}/f.jsonl"], "unknown domain 'dental'"),
    (["anonymize", "--domain", "medical", "--input", "{tmp}/broken.jsonl", "--output", "{tmp}/o.jsonl", "--bad-rows", "error"],
     "broken.jsonl: row 1: not valid JSON"),
    (["anonymize", "--domain", "medical", "--input", "{tmp}/broken.jsonl", "--output", "{tmp}/o.jsonl"],
     "broken.jsonl: no usable documents; see"),
    (["anonymize", "--domain", "medical", "--input", "{tmp}/notes.jsonl", "--output", "{tmp}/o.jsonl", "--group-field", "mrn",
      "--bad-rows", "error"], "notes.jsonl: row 1: field 'mrn' (the group) is missing"),
    (["evaluate", "--domain", "medical", "--gold", "{tmp}/outside.jsonl"], "outside.jsonl: row 1: a span lies outside the text"),
    (["anonymize", "--domain", "medical", "--input", "{tmp}/notes.jsonl", "--output", "{tmp}"], "is a folder"),
    (["detect", "--domain", "medical", "--input", "{tmp}/notes.jsonl", "--output", "{tmp}/notes.jsonl/f.jsonl"],
     "notes.jsonl: cannot create the folder"),
    (["anonymize", "--domain", "medical", "--input", "{tmp}/empty.jsonl", "--output", "{tmp}/o.jsonl"], "empty.jsonl: no usable documents"),
    (["detect", "--domain", "medical", "--input", "{tmp}/empty.jsonl", "--output", "{tmp}/o.jsonl"], "empty.jsonl: no usable documents"),
]
# fmt: on


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_when_input_is_bad_then_one_line_and_exit_2(notes: Path, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    write_rows(tmp_path / "outside.jsonl", [{"doc_id": "x", "text": "short", "spans": [{"start": 2, "end": 40, "label": "PERSON"}]}])
    code, printed = _run(*[arg.format(tmp=tmp_path) for arg in args])
    assert code == 2 and message in printed and len(printed.strip().splitlines()) == 1
    assert "Traceback" not in printed


def test_when_ids_are_resolved_with_the_key_then_each_pseudonym_names_its_row_and_id(notes: Path, tmp_path: Path) -> None:
    rows = _anonymize(tmp_path, "ids")
    assert {row["id"] for row in rows}.isdisjoint(note["id"] for note in NOTES) and [r["row"] for r in rows] == [0, 1, 2]
    code, printed = _run("resolve-id", "--input", str(notes), rows[2]["id"], rows[0]["id"])
    assert code == 0 and printed.splitlines() == [f"{rows[0]['id']}\t1\ta1", f"{rows[2]['id']}\t3\tb1"]


def test_when_the_key_is_another_then_no_id_resolves(notes: Path, tmp_path: Path, monkeypatch) -> None:
    rows = _anonymize(tmp_path, "ids")
    monkeypatch.setenv("DAPT_KEY", "another-key-0123456789abcdef")
    code, printed = _run("resolve-id", "--input", str(notes), rows[0]["id"])
    assert code == 0 and printed == ""
