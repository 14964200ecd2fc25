"""The small records stages hand each other. Findings carry offsets, never values."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Document:
    """One unit of text read from the user's corpus; ``group`` (a patient or customer id) makes
    documents share one date shift."""

    id: str
    text: str
    group: str | None = None
    row: int = 0  # the 0-based record number in its input file


@dataclass(frozen=True)
class Example:
    """One labelled task example."""

    id: str
    text: str
    label: str
    group: str | None = None
    row: int = 0


@dataclass(frozen=True)
class Exchange:
    """One record of several texts that go together: a prompt and its answer, or a prompt with a
    chosen and a rejected answer (``texts``: field name → text)."""

    texts: dict[str, str]
    row: int = 0
    group: str | None = None


@dataclass(frozen=True)
class Span:
    """A labelled stretch of a text (Python str offsets, end exclusive): a gold annotation, or a
    replacement or finding shown by its label in masked context."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Finding:
    """A detected personal-data span: where it is and what it is, never its value. ``doc_id`` is
    a keyed pseudonym (or an ordinal), ``row`` the 0-based record number in the input file."""

    doc_id: str
    row: int
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BadRow:
    """A record of a good input that cannot be used (empty text, undecodable bytes); ``row`` is
    its 0-based record number, ``source`` the input file or folder (never a file inside it)."""

    source: str
    row: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
