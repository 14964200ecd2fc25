"""Readers: every format yields the same documents; bad rows are errors or quarantined."""

from __future__ import annotations

import pandas as pd
import pytest

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.io import accept, read_documents, read_examples
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
    assert documents == [Document(r["id"], r["text"]) for r in ROWS]


def test_when_columns_are_renamed_then_fields_follow_config(tmp_path) -> None:
    path = tmp_path / "t.csv"
    pd.DataFrame([{"body": "note", "y": "cardio"}]).to_csv(path, index=False)
    examples = list(read_examples(path, InputConfig(text_field="body", label_field="y")))
    assert examples[0].text == "note" and examples[0].label == "cardio" and examples[0].id == "t-1"


def test_when_policy_is_quarantine_then_bad_rows_are_kept_aside(tmp_path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "1", "text": "ok"}\n{"id": "2", "text": ""}\n{"id": "3", "text": "\xff"}\n')
    quarantine: list[BadRow] = []
    good = list(accept(read_documents(path, InputConfig()), "quarantine", quarantine))
    assert [d.id for d in good] == ["1"]
    assert [(b.row, b.reason) for b in quarantine] == [(2, "field 'text' is missing or empty"), (3, "not valid UTF-8")]
    with pytest.raises(UserError, match="row 2"):
        list(accept(read_documents(path, InputConfig()), "error", []))
