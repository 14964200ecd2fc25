"""Stage reuse in a run folder: rerun into the same folder (``dapt run … --resume RUN_DIR``) and
every stage whose key matches the one recorded when it last finished is skipped ("reused").

A stage's key is the sha256 of dapt's version, the stage's name, the config sections it reads and
the key of the stage before it; the first key covers the sha256 of the user's input files, the
domain plugin's files and version, and a keyed fingerprint of the surrogate key. A change anywhere upstream
therefore redoes everything downstream, and nothing upstream. A stage's record
(``stages/<name>.json``) holds its key, its result (counts and paths, never text or the key) and
the sha256 of every file it wrote: it is reused only while each of those files is unchanged.

A stage that started under the same key but never finished (a killed run) is called with
``resume=True`` when it can continue its own partial work (anonymization, pretraining).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from pydantic import BaseModel, TypeAdapter

from dapt import __version__
from dapt.progress import stage_logger
from dapt.runs import STAGE_RECORDS, RunFolder, fingerprint, read_json, sha256_of, write_json

T = TypeVar("T")


def chain_key(*parts: Any) -> str:
    """sha256 of ``parts`` as canonical JSON (pydantic models by their settings)."""
    plain = [part.model_dump(mode="json") if isinstance(part, BaseModel) else part for part in parts]
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


def first_key(inputs: list[Path | None], domain: str, domain_fingerprint: str, key_fingerprint: str) -> str:
    """The key every stage's key chains from: the user's files, the plugin and the surrogate key."""
    files = [fingerprint(path) if path else None for path in inputs]
    return chain_key(__version__, domain, domain_fingerprint, key_fingerprint, files)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under ``root`` but the stage records."""
    states = {}
    for path in root.rglob("*"):
        name = path.relative_to(root)
        if name.parts[0] != STAGE_RECORDS and path.is_file():
            stat = path.stat()
            states[name.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return states


def written(root: Path, before: dict[str, tuple[int, int]]) -> dict[str, str]:
    """sha256 of every file under ``root`` that is new or changed since ``before``."""
    return {name: sha256_of(root / name) for name, state in sorted(snapshot(root).items()) if before.get(name) != state}


def unchanged(root: Path, outputs: dict[str, str]) -> bool:
    """Every recorded output is still there with the same content."""
    return all((root / name).is_file() and sha256_of(root / name) == digest for name, digest in outputs.items())


@dataclass
class StageChain:
    """Runs a flow's stages in order, reusing each one whose record matches its key. ``refresh``,
    called after every stage (finished, reused or failed, once its record is written), renders
    views of the run folder that no stage owns: they are never a stage's recorded output."""

    run: RunFolder
    key: str
    refresh: Callable[[], Any] | None = None

    def __call__(self, name: str, settings: Any, stage: Callable[..., T], *args: Any, resumable: bool = False) -> T:
        """``stage(*args)``, or its recorded result when it already ran under the same key;
        ``settings`` are the config sections it reads. A resumable stage that was cut short under
        the same key continues its own partial work."""
        try:
            return self._run(name, settings, stage, *args, resumable=resumable)
        finally:
            if self.refresh:
                self.refresh()

    def _run(self, name: str, settings: Any, stage: Callable[..., T], *args: Any, resumable: bool) -> T:
        self.key = key = chain_key(self.key, name, settings)
        done, started = self.run.stage_record(name), self.run.stage_record(f"{name}.started")
        returns = TypeAdapter(get_type_hints(getattr(stage, "fn", stage))["return"])
        record = read_json(done)
        if record and record["key"] == key and unchanged(self.run.root, record["outputs"]):
            stage_logger().info("%s: reused (inputs, settings and dapt version unchanged)", name)
            return returns.validate_python(record["result"])
        resume = resumable and (read_json(started) or {}).get("key") == key
        if resume:
            stage_logger().info("%s: going on from where a stopped run of the same settings left it", name)
        done.unlink(missing_ok=True)
        write_json(started, {"key": key, "pid": os.getpid()})  # `dapt runs` tells running from stopped
        before = snapshot(self.run.root)
        result = stage(*args, resume=True) if resume else stage(*args)
        outputs = written(self.run.root, before)
        write_json(done, {"key": key, "result": returns.dump_python(result, mode="json"), "outputs": outputs})
        started.unlink()
        return result
