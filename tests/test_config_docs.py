"""docs/config.md is generated from the config models and kept current; every key explains itself."""

from __future__ import annotations

from pathlib import Path

from dapt.config import settings_reference

DOCS = Path(__file__).resolve().parents[1] / "docs" / "config.md"


def test_config_reference_in_docs_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == settings_reference(), "run: python -m dapt.config > docs/config.md"


def test_every_config_key_has_a_description() -> None:
    rows = [line for line in settings_reference().splitlines() if line.startswith("| `")]
    assert len(rows) > 40
    assert all(not line.rstrip().endswith("|  |") for line in rows), [line for line in rows if line.rstrip().endswith("|  |")]
