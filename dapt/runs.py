"""The run folder: where every artifact goes, and ``manifest.json`` (written last) with their sha256."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dapt.errors import UserError

MANIFEST = "manifest.json"


def new_run_id(domain: str) -> str:
    """A sortable, unique run id such as ``medical-20261123-101500-3fa2``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{domain}-{stamp}-{secrets.token_hex(2)}"


def create_run_folder(parent: Path, domain: str) -> Path:
    """Create ``parent/<new run id>`` exclusively (two runs never share a folder); an unusable
    ``parent`` is a UserError."""
    if parent.exists() and not parent.is_dir():
        raise UserError(f"{parent}: is a file, not a folder for run folders", "pass --out with a folder path")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        run_dir = parent / new_run_id(domain)
        run_dir.mkdir()
    except OSError as error:
        raise UserError(f"{parent}: cannot create a run folder there ({error.strerror})", "pass --out with a writable folder") from None
    return run_dir.resolve()


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
