"""The leak scan the privacy tests rely on: it must find a planted value, and only a real one."""

import json
from pathlib import Path

import pytest

from tests.slices import leaks

PLANTED = {("task", 0): ["14365"]}


@pytest.mark.parametrize(
    ("entry", "leaked"),
    [
        ({"path": "data/task.anonymized.jsonl", "bytes": 14365, "sha256": "0" * 64}, False),
        ({"path": "export/14365.json", "bytes": 12, "sha256": "0" * 64}, True),
    ],
)
def test_when_manifest_scanned_then_only_text_not_file_sizes_counts(tmp_path: Path, entry: dict, leaked: bool) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": [entry]}), encoding="utf-8")
    assert leaks(tmp_path, PLANTED) == (["manifest.json"] if leaked else [])
