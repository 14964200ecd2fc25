"""Streaming readers for JSONL, CSV, Parquet and folders of .txt files.

Readers yield one ``Document``/``Example`` or ``BadRow`` for every record of the input (a blank
or undecodable record included); the caller decides (``accept``) whether a bad row stops the run or
goes to quarantine. ``count_records`` counts the same records without the parser, so "documents in
= documents out + quarantined" compares two independent counts (``check_counts``).

Records count from 0 in every file dapt writes (``row``); messages say ``row N`` counting from 1,
as editors number lines. Messages name the file, row and field, never a value from the data, and
never the name of a file inside a folder of .txt documents.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dapt.config import InputConfig
from dapt.errors import UserError, describe_names
from dapt.records import BadRow, Document, Example, Exchange

if TYPE_CHECKING:
    import pyarrow.parquet as pq

SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
Row = dict[str, Any] | BadRow
T = TypeVar("T")
BLANK = "blank record"
NOT_UTF8 = "not valid UTF-8"
BINARY_PROBE_BYTES = 8192
# States of the record counter's CSV tokenizer, and the moves on each byte that matters.
FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED = range(4)
CSV_SPECIAL = re.compile(rb'[",\r\n]')
OTHER_NEXT = {FIELD_START: UNQUOTED, UNQUOTED: UNQUOTED, QUOTED: QUOTED, QUOTE_IN_QUOTED: UNQUOTED}
CSV_NEXT = {
    FIELD_START: {b'"': QUOTED, b",": FIELD_START},
    UNQUOTED: {b'"': UNQUOTED, b",": FIELD_START},
    QUOTED: {b'"': QUOTE_IN_QUOTED, b",": QUOTED, b"\r": QUOTED, b"\n": QUOTED},
    QUOTE_IN_QUOTED: {b'"': QUOTED, b",": FIELD_START},
}


def check_input_path(path: Path) -> None:
    """Fail early, with one line, on a path that cannot be read as a corpus."""
    if not path.exists():
        raise UserError(f"{path}: file not found", "check the path")
    if path.is_dir():
        if not any(path.glob("*.txt")):
            raise UserError(f"{path}: folder holds no .txt files", "point to a folder of .txt documents or a file")
    elif path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{path}: unsupported format '{path.suffix}'", "use .jsonl, .csv, .parquet or a .txt folder")
    elif path.suffix.lower() != ".parquet" and _looks_binary(path):
        raise UserError(f"{path}: holds binary data, not text", "export the data as UTF-8 JSONL or CSV")


def _looks_binary(path: Path) -> bool:
    """NUL bytes at the start of a text format: an image, an archive, a database file."""
    with path.open("rb") as handle:
        return b"\x00" in handle.read(BINARY_PROBE_BYTES)


def count_records(path: Path) -> int:
    """Records in an input, counted without the reader that parses them (header excluded).

    Every record the reader yields (document or bad row) is counted here too, so a reader that
    drops one shows up as a difference between the two counts.
    """
    check_input_path(path)
    if path.is_dir():
        return sum(1 for _ in path.glob("*.txt"))
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_file(path).metadata.num_rows
    if suffix == ".csv":
        return max(_csv_record_count(path) - 1, 0)
    return _line_count(path)


def _line_count(path: Path) -> int:
    """Lines of a file: newline characters, plus an unterminated last line."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _csv_record_count(path: Path) -> int:
    """Records of a CSV file, header included, by a tokenizer of its own: Python's default CSV
    dialect, where a quote opens a quoted field only at the field's start and a line end inside
    quotes is text. A blank line is a record too."""
    state, line_open, after_cr, records = FIELD_START, False, False, 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            position = 0
            for match in CSV_SPECIAL.finditer(chunk):
                if match.start() > position:  # ordinary bytes before this one
                    state, line_open, after_cr = OTHER_NEXT[state], True, False
                position = match.end()
                byte = match.group()
                if byte in b"\r\n" and state != QUOTED:
                    if not (byte == b"\n" and after_cr):
                        records += 1
                    state, line_open, after_cr = FIELD_START, False, byte == b"\r"
                    continue
                state, line_open, after_cr = CSV_NEXT[state][byte], True, False
            if position < len(chunk):
                state, line_open, after_cr = OTHER_NEXT[state], True, False
    return records + line_open


def check_output_file(path: Path) -> None:
    """Fail early, with one line, on an output path that cannot be written as a file."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder", "give the path of a file to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{path.parent}: cannot create the folder ({error.strerror})", "choose a writable place") from None


def iter_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """Yield (record number, raw row or BadRow) for every record of an input; records count from
    0, as the ``row`` field of every output does (messages say ``row N`` counting from 1)."""
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
        for number, raw in enumerate(lines):
            yield number, _json_record(path, number, raw)


def _json_record(path: Path, number: int, raw: bytes) -> Row:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BadRow(str(path), number, NOT_UTF8)
    if not line.strip():
        return BadRow(str(path), number, BLANK)
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return BadRow(str(path), number, "not valid JSON")
    if not isinstance(record, dict):
        return BadRow(str(path), number, "expected a JSON object")
    return record


def _csv_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """Records of a CSV file. Bytes are read as Latin-1 (one character per byte, so quoting is
    parsed exactly), then each record is decoded as UTF-8 as a whole: an undecodable byte anywhere,
    even inside a quoted multi-line field, makes the whole record bad."""
    csv.field_size_limit(sys.maxsize)  # a clinical note may exceed the csv module's 128 KiB default
    with path.open(encoding="latin-1", newline="") as handle:
        records = csv.reader(handle)
        try:
            header = _decoded(next(records, []))
            if header is None:
                raise UserError(f"{path}: the header line is not valid UTF-8", "export the file as UTF-8")
            header[:1] = [name.removeprefix("\ufeff") for name in header[:1]]
            for number, record in enumerate(records):
                yield number, _csv_record(path, number, header, record)
        except csv.Error:
            raise UserError(f"{path}: not a readable CSV file", "export it again as UTF-8 CSV with a header") from None


def _decoded(fields: list[str]) -> list[str] | None:
    try:
        return [field.encode("latin-1").decode("utf-8") for field in fields]
    except UnicodeDecodeError:
        return None


def _csv_record(path: Path, number: int, header: list[str], record: list[str]) -> Row:
    fields = _decoded(record)
    if fields is None:
        return BadRow(str(path), number, NOT_UTF8)
    if not any(field.strip() for field in fields):
        return BadRow(str(path), number, BLANK)
    if len(fields) > len(header):
        return BadRow(str(path), number, f"{len(fields)} fields where the header has {len(header)}")
    return dict(zip(header, fields, strict=False))


def _parquet_file(path: Path) -> pq.ParquetFile:
    import pyarrow.parquet as pq  # imported when a Parquet file is read, not by every command

    try:
        return pq.ParquetFile(path)
    except Exception:  # pyarrow raises several types for a corrupt file
        raise UserError(f"{path}: not a readable Parquet file", "re-export it") from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, Row]]:
    number = 0
    try:
        for batch in _parquet_file(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                yield number, row
                number += 1
    except OSError:  # a damaged page in a file whose footer was readable
        raise UserError(f"{path}: row {number + 1}: not a readable Parquet file", "re-export it") from None


def _txt_rows(folder: Path) -> Iterator[tuple[int, Row]]:
    """One record per .txt file, in name order; the file name is never used (it may be a name)."""
    for number, file in enumerate(sorted(folder.glob("*.txt"))):
        try:
            yield number, {"id": str(number), "text": file.read_bytes().decode("utf-8")}
        except UnicodeDecodeError:
            yield number, BadRow(str(folder), number, NOT_UTF8)


def _columns(path: Path) -> list[str] | None:
    """Column names where the format declares them up front (CSV header, Parquet schema)."""
    if path.is_file() and path.suffix.lower() == ".csv":
        with path.open(encoding="latin-1", newline="") as handle:
            return _decoded(next(csv.reader(handle), [])) or []
    if path.is_file() and path.suffix.lower() == ".parquet":
        return list(_parquet_file(path).schema_arrow.names)
    return None


def _require_columns(path: Path, fields: list[str], flag: dict[str, str]) -> None:
    check_input_path(path)
    columns = _columns(path)
    if columns is None:
        return
    for field in fields:
        if field not in columns:
            raise UserError(
                f"{path}: no column '{field}' ({describe_names(columns)})",
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
    return record_id(row, number, cfg.id_field), text, group


def record_id(row: dict[str, Any], number: int, field: str) -> str:
    """A record's own id: its ``field``, or its record number where that is missing or empty."""
    raw_id = row.get(field)
    return str(number) if raw_id is None or str(raw_id) == "" else str(raw_id)


def read_documents(path: Path, cfg: InputConfig) -> Iterator[Document | BadRow]:
    """Stream the documents of a corpus file or folder: one Document or BadRow per record."""
    _require_columns(path, [cfg.text_field], {cfg.text_field: "--text-field"})
    for number, row in iter_rows(path):
        if isinstance(row, BadRow):
            yield row
            continue
        fields = _document_fields(path, number, row, cfg)
        yield fields if isinstance(fields, BadRow) else Document(*fields, row=number)


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
                f"{path}: row {number + 1}: field '{cfg.label_field}' is missing or empty",
                "label every example or pass --label-field with the right column",
            )
        fields = _document_fields(path, number, row, cfg)
        if isinstance(fields, BadRow):
            yield fields
        else:
            yield Example(fields[0], fields[1], label=str(label), group=fields[2], row=number)


def read_exchanges(path: Path, fields: dict[str, str], cfg: InputConfig) -> Iterator[Exchange | BadRow]:
    """Stream records of several texts (``fields``: column → the option that renames it); a record
    missing one of them is always an error (an answer cannot be guessed)."""
    _require_columns(path, list(fields), fields)
    for number, row in iter_rows(path):
        if isinstance(row, BadRow):
            yield row
            continue
        texts = {field: _text_of(path, number, row, field) for field in fields}
        missing = next((field for field, text in texts.items() if isinstance(text, BadRow)), None)
        if missing is not None:
            raise UserError(f"{path}: row {number + 1}: field '{missing}' is missing or empty",
                            f"give every row a {missing}, or pass {fields[missing]} with the right column")  # fmt: skip
        group = _group_of(path, number, row, cfg.group_field)
        yield group if isinstance(group, BadRow) else Exchange(texts, number, group)  # type: ignore[arg-type]


def accept(items: Iterable[T | BadRow], policy: str, quarantine: list[BadRow]) -> Iterator[T]:
    """Pass good records through; raise on a bad row, or collect it, depending on ``policy``.

    A blank record holds nothing to lose, so it is always set aside (and counted), never an error.
    """
    for item in items:
        if not isinstance(item, BadRow):
            yield item
        elif policy == "quarantine" or item.reason == BLANK:
            quarantine.append(item)
        else:
            raise UserError(
                f"{item.source}: row {item.row + 1}: {item.reason}",
                "fix or remove the row, or set input.bad_rows: quarantine",
            )


class RecordsLost(RuntimeError):
    """Records of an input that were neither written nor quarantined: a bug, never a user error."""


def check_counts(source: Path, written: int, quarantined: int) -> int:
    """The records of ``source`` (``count_records``); fails loudly unless they equal documents out
    + quarantined, two counts made independently."""
    records_in = count_records(source)
    if records_in != written + quarantined:
        raise RecordsLost(
            f"{source}: the input holds {records_in} records but {written} were processed and "
            f"{quarantined} quarantined; please report this as a bug"
        )
    return records_in


def require_documents(source: Path, documents: int, quarantine: Path | None = None) -> None:
    """An input without one usable document is a user error, as ``dapt run`` says early on."""
    if documents == 0:
        where = f"; see {quarantine} for why" if quarantine is not None else ""
        raise UserError(f"{source}: no usable documents{where}", "give a file with at least one non-empty text")


class JsonlWriter:
    """Writes rows as JSON Lines (UTF-8, one object per line) as they come; counts them. A row
    whose text is long can be written in parts (``open_row``, ``write_text``, ``close_row``), so a
    huge document's output grows as it is anonymized; the line is what ``write`` would give."""

    def __init__(self, path: Path, rows_kept: int | None = None) -> None:
        """A new file; or, given the number of rows it holds, one written on from its end."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w" if rows_kept is None else "a", encoding="utf-8")
        self.count = rows_kept or 0

    def write(self, row: dict[str, Any]) -> None:
        self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.count += 1

    def open_row(self, head: dict[str, Any], text_field: str) -> None:
        """Start a row with the fields of ``head``, then ``text_field``, whose value comes next."""
        opening = json.dumps(head, ensure_ascii=False)[:-1] + (", " if head else "")
        self._handle.write(f"{opening}{json.dumps(text_field)}: \"")

    def write_text(self, text: str) -> None:
        """Append ``text`` to the open row's text field."""
        self._handle.write(json.dumps(text, ensure_ascii=False)[1:-1])

    def close_row(self, tail: dict[str, Any]) -> None:
        """End the open row's text field and the row with the fields of ``tail``."""
        closing = json.dumps(tail, ensure_ascii=False)[1:]
        self._handle.write(f"\", {closing}\n" if tail else "\"}\n")
        self.count += 1

    def flush(self) -> None:
        self._handle.flush()

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


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """Consecutive tuples of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch
