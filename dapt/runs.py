"""The run folder: where every artifact goes, and ``manifest.json`` (written last) with their sha256."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def new_run_id(domain: str) -> str:
    """A sortable, unique run id such as ``medical-20261123-101500-3fa2``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{domain}-{stamp}-{secrets.token_hex(2)}"


def write_json(path: Path, data: Any) -> Path:
    """Write pretty JSON, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(run_dir: Path, metadata: dict[str, Any]) -> Path:
    """List every file of the run folder with size and sha256; written last, it marks completion."""
    files = [
        {"path": path.relative_to(run_dir).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(run_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    ]
    return write_json(run_dir / MANIFEST, {**metadata, "artifacts": files})
