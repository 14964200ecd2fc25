"""Readers: every format yields the same documents; bad rows are errors or quarantined."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dapt import io
from dapt.cli import run_config
from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.io import RecordsLost, accept, count_records, read_documents, read_examples
from dapt.privacy.anonymize import Outputs, anonymize_source
from dapt.records import BadRow, Document

ROWS = [{"id": "a", "text": "first note, with a comma", "label": "x"}, {"id": "b", "text": "second\nnote", "label": "y"}]


def _write(tmp_path, fmt: str):
    frame = pd.DataFrame(ROWS)
    if fmt == "jsonl":
        frame.to_json(tmp_path / "c.jsonl", orient="records", lines=True, force_ascii=False)
        return tmp_path / "c.jsonl"
    if fmt == "csv":
        frame.to_csv(tmp_path / "c.csv", index=False)
        return tmp_path / "c.csv"
    if fmt == "parquet":
        frame.to_parquet(tmp_path / "c.parquet")
        return tmp_path / "c.parquet"
    folder = tmp_path / "txt"
    folder.mkdir()
    for row in ROWS:
        (folder / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "txt"])
def test_when_any_format_is_read_then_documents_are_identical(tmp_path, fmt: str) -> None:
    documents = list(read_documents(_write(tmp_path, fmt), InputConfig()))
    ids = [str(row) for row in range(len(ROWS))] if fmt == "txt" else [r["id"] for r in ROWS]  # file names stay unread
    assert documents == [Document(i, r["text"], row=row) for row, (i, r) in enumerate(zip(ids, ROWS))]


def test_when_columns_are_renamed_then_fields_follow_config(tmp_path) -> None:
    path = tmp_path / "t.csv"
    pd.DataFrame([{"body": "note", "y": "cardio"}]).to_csv(path, index=False)
    examples = list(read_examples(path, InputConfig(text_field="body", label_field="y")))
    assert examples[0].text == "note" and examples[0].label == "cardio" and examples[0].id == "0"


def test_when_policy_is_quarantine_then_bad_rows_are_kept_aside(tmp_path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "1", "text": "ok"}\n{"id": "2", "text": ""}\n{"id": "3", "text": "\xff"}\n')
    quarantine: list[BadRow] = []
    good = list(accept(read_documents(path, InputConfig()), "quarantine", quarantine))
    assert [d.id for d in good] == ["1"]
    assert [(b.row, b.reason) for b in quarantine] == [(1, "field 'text' is missing or empty"), (2, "not valid UTF-8")]
    with pytest.raises(UserError, match="row 2"):
        list(accept(read_documents(path, InputConfig()), "error", []))


def _csv(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "notes.csv"
    path.write_bytes(data)
    return path


# fmt: off
CSV_RECORDS = [
    # (file bytes, expected (row, reason or text) per record) -- rows count records, not lines
    (b'id,text\n1,"two\nlines"\n2,after\n', [(0, "two\nlines"), (1, "after")]),                 # quoted newline
    (b'id,text\r\n1,a\r\n\r\n2,b', [(0, "a"), (1, "blank record"), (2, "b")]),                   # CRLF, blank, no final newline
    (b'id,text\n1,"caf\xe9\nstill quoted"\n2,ok\n', [(0, "not valid UTF-8"), (1, "ok")]),      # bad byte inside a quoted field
    (b'id,text\n1,"say ""hi"""\n2,x"y\n', [(0, 'say "hi"'), (1, 'x"y')]),                       # escaped and stray quotes
    (b'\xef\xbb\xbfid,text\n1,bom\n', [(0, "bom")]),                                            # byte-order mark on the header
    (b'id,text\n1,a,extra\n', [(0, "3 fields where the header has 2")]),                        # a shifted row
]
# fmt: on


@pytest.mark.parametrize("data, expected", CSV_RECORDS)
def test_when_csv_has_awkward_records_then_each_record_is_one_row(tmp_path: Path, data: bytes, expected: list) -> None:
    path = _csv(tmp_path, data)
    items = list(read_documents(path, InputConfig()))
    assert [(i.row, i.reason if isinstance(i, BadRow) else i.text) for i in items] == expected
    assert count_records(path) == len(expected)


def test_when_a_reader_drops_a_record_then_the_count_check_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path, b'id,text\n1,"first"\n2,"second\nnote"\n3,third\n')
    reader = io._csv_rows
    monkeypatch.setattr(io, "_csv_rows", lambda source: (item for item in reader(source) if item[0] != 1))
    cfg = run_config("medical", None, {})
    with pytest.raises(RecordsLost, match="holds 3 records but 2 were processed and 0 quarantined"):
        anonymize_source(path, "corpus", cfg, b"k" * 32, Outputs.beside(tmp_path / "out.jsonl"))


def _outcome(path: Path) -> tuple[int, int] | str:
    """(documents, quarantined) of reading ``path`` with the quarantine policy, or the UserError."""
    bad: list[BadRow] = []
    try:
        good = sum(1 for _ in accept(read_documents(path, InputConfig()), "quarantine", bad))
    except UserError as error:
        return str(error)
    return good, len(bad)


CSV_FIELD = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\xe9')), max_size=8)
LINE_ENDS = st.sampled_from([b"\n", b"\r\n"])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """Header plus random records: quoted fields with newlines, commas and quotes, blank lines,
    and some records re-encoded as Latin-1 (an undecodable byte in the middle of a record)."""
    end = draw(LINE_ENDS)
    records = [b"id,text"]
    for _ in range(draw(st.integers(0, 6))):
        fields = [draw(CSV_FIELD), draw(CSV_FIELD)]
        line = ",".join('"' + f.replace('"', '""') + '"' if draw(st.booleans()) else f.replace('"', "") for f in fields)
        records.append(line.encode("latin-1" if draw(st.booleans()) else "utf-8"))
    return end.join(records) + (end if draw(st.booleans()) else b"")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_when_csv_is_random_then_every_record_is_a_document_or_quarantined(tmp_path: Path, data: bytes) -> None:
    path = _csv(tmp_path, data)
    outcome = _outcome(path)
    assert isinstance(outcome, str) or sum(outcome) == count_records(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".csv", ".jsonl", ".parquet"]))
def test_when_bytes_are_random_then_records_add_up_or_one_user_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    outcome = _outcome(path)
    assert isinstance(outcome, str) or sum(outcome) == count_records(path)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
JSONL_RECORD = st.one_of(
    st.fixed_dictionaries({"id": TEXT, "text": TEXT}).map(lambda row: json.dumps(row, ensure_ascii=False)),
    st.sampled_from(["not json", "", "   ", "[1, 2]", '{"id": 1}']),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(JSONL_RECORD, st.sampled_from(["utf-8", "latin-1"])), max_size=8))
def test_when_jsonl_is_random_then_every_line_is_a_document_or_quarantined(tmp_path: Path, lines: list) -> None:
    path = tmp_path / "random.jsonl"
    path.write_bytes(b"".join(line.encode(encoding, errors="replace") + b"\n" for line, encoding in lines))
    outcome = _outcome(path)
    assert not isinstance(outcome, str) and sum(outcome) == len(lines) == count_records(path)
