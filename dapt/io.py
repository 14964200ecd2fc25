"""Streaming readers for JSONL, CSV, Parquet and folders of .txt files.

Readers yield ``Document``/``Example`` records, or ``BadRow`` for a row that cannot be used; the
caller decides (``accept``) whether a bad row stops the run or goes to quarantine. Messages name
the file, row and field — never a value from the data.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyarrow.parquet as pq

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.records import BadRow, Document, Example

SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
Row = dict[str, Any] | BadRow
T = TypeVar("T")


def check_input_path(path: Path) -> None:
    """Fail early, with one line, on a path that cannot be read as a corpus."""
    if not path.exists():
        raise UserError(f"{path}: file not found", "check the path")
    if path.is_dir():
        if not any(path.glob("*.txt")):
            raise UserError(f"{path}: folder holds no .txt files", "point to a folder of .txt documents or a file")
    elif path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{path}: unsupported format '{path.suffix}'", "use .jsonl, .csv, .parquet or a .txt folder")


def iter_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """Yield (row number, raw row) from any supported input; rows count from 1."""
    check_input_path(path)
    if path.is_dir():
        yield from _txt_rows(path)
    elif path.suffix.lower() == ".csv":
        yield from _csv_rows(path)
    elif path.suffix.lower() == ".parquet":
        yield from _parquet_rows(path)
    else:
        yield from _jsonl_rows(path)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, Row]]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, BadRow(str(path), number, "not valid UTF-8")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise UserError(f"{path}: row {number}: not valid JSON", "fix or remove the line") from None
            if not isinstance(record, dict):
                raise UserError(f"{path}: row {number}: expected a JSON object", "write one object per line")
            yield number, record


def _decoded_lines(path: Path, bad_lines: list[int]) -> Iterator[str]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_lines.append(number)
                yield "\n"


def _csv_rows(path: Path) -> Iterator[tuple[int, Row]]:
    bad_lines: list[int] = []
    reader = csv.DictReader(_decoded_lines(path, bad_lines))
    if reader.fieldnames is None:
        return
    for row in reader:
        # The header is line 1, so the first data row is row 1 and ends on line 2.
        number = reader.line_num - 1
        if bad_lines and bad_lines[-1] == reader.line_num:
            yield number, BadRow(str(path), number, "not valid UTF-8")
        elif any(value for value in row.values()):
            yield number, row


def _parquet_rows(path: Path) -> Iterator[tuple[int, Row]]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception:  # pyarrow raises several types for a corrupt file
        raise UserError(f"{path}: not a readable Parquet file", "re-export it") from None
    number = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def _txt_rows(folder: Path) -> Iterator[tuple[int, Row]]:
    for number, file in enumerate(sorted(folder.glob("*.txt")), start=1):
        try:
            yield number, {"id": file.stem, "text": file.read_bytes().decode("utf-8")}
        except UnicodeDecodeError:
            yield number, BadRow(str(file), number, "not valid UTF-8")


def _columns(path: Path) -> list[str] | None:
    """Column names where the format declares them up front (CSV header, Parquet schema)."""
    if path.is_file() and path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            return next(csv.reader(handle), [])
    if path.is_file() and path.suffix.lower() == ".parquet":
        return list(pq.read_schema(path).names)
    return None


def _require_columns(path: Path, fields: list[str], flag: dict[str, str]) -> None:
    columns = _columns(path)
    if columns is None:
        return
    for field in fields:
        if field not in columns:
            raise UserError(
                f"{path}: no column '{field}' (found: {', '.join(columns)})",
                f"rename the column or pass {flag[field]}",
            )


def _text_of(path: Path, number: int, row: dict[str, Any], field: str) -> str | BadRow:
    text = row.get(field)
    if not isinstance(text, str) or not text.strip():
        return BadRow(str(path), number, f"field '{field}' is missing or empty")
    return text


def _group_of(path: Path, number: int, row: dict[str, Any], field: str | None) -> str | None | BadRow:
    if field is None:
        return None
    value = row.get(field)
    if value is None or str(value).strip() == "":
        return BadRow(str(path), number, f"field '{field}' (the group) is missing or empty")
    return str(value)


def _document_fields(path: Path, number: int, row: dict[str, Any], cfg: InputConfig) -> tuple[str, str, str | None] | BadRow:
    """(id, text, group) of a row, or the BadRow saying which field is unusable."""
    text = _text_of(path, number, row, cfg.text_field)
    group = _group_of(path, number, row, cfg.group_field)
    if isinstance(text, BadRow):
        return text
    if isinstance(group, BadRow):
        return group
    return str(row.get(cfg.id_field) or f"{path.stem}-{number}"), text, group


def read_documents(path: Path, cfg: InputConfig) -> Iterator[Document | BadRow]:
    """Stream the documents of a corpus file or folder."""
    _require_columns(path, [cfg.text_field], {cfg.text_field: "--text-field"})
    for number, row in iter_rows(path):
        if isinstance(row, BadRow):
            yield row
            continue
        fields = _document_fields(path, number, row, cfg)
        yield fields if isinstance(fields, BadRow) else Document(*fields)


def read_examples(path: Path, cfg: InputConfig) -> Iterator[Example | BadRow]:
    """Stream labelled examples; a missing label is always an error (a task cannot guess it)."""
    flags = {cfg.text_field: "--text-field", cfg.label_field: "--label-field"}
    _require_columns(path, [cfg.text_field, cfg.label_field], flags)
    for number, row in iter_rows(path):
        if isinstance(row, BadRow):
            yield row
            continue
        label = row.get(cfg.label_field)
        if label is None or str(label).strip() == "":
            raise UserError(
                f"{path}: row {number}: field '{cfg.label_field}' is missing or empty",
                "label every example or pass --label-field with the right column",
            )
        fields = _document_fields(path, number, row, cfg)
        yield fields if isinstance(fields, BadRow) else Example(*fields[:2], label=str(label), group=fields[2])


def accept(items: Iterable[T | BadRow], policy: str, quarantine: list[BadRow]) -> Iterator[T]:
    """Pass good records through; raise on a bad row, or collect it, depending on ``policy``."""
    for item in items:
        if not isinstance(item, BadRow):
            yield item
        elif policy == "quarantine":
            quarantine.append(item)
        else:
            raise UserError(
                f"{item.source}: row {item.row}: {item.reason}",
                "fix or remove the row, or set input.bad_rows: quarantine",
            )


class JsonlWriter:
    """Writes rows as JSON Lines (UTF-8, one object per line) as they come; counts them."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8")
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.count += 1

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write all ``rows`` to ``path`` as JSON Lines; returns the count."""
    with JsonlWriter(path) as writer:
        for row in rows:
            writer.write(row)
    return writer.count


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read JSON Lines written by dapt itself."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
