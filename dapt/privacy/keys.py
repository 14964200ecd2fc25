"""The secret that keys surrogates and date shifts: from ``DAPT_KEY`` or a key file, never printed."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from dapt.errors import UserError

KEY_ENV = "DAPT_KEY"
MIN_KEY_CHARS = 16


def load_key(key_file: Path | None) -> bytes:
    """The key from ``key_file`` if given, else from ``$DAPT_KEY``; missing or short is a UserError."""
    if key_file is not None:
        key = _read_key_file(key_file)
    else:
        key = os.environ.get(KEY_ENV, "").strip()
        if not key:
            raise UserError(
                f"no surrogate key: ${KEY_ENV} is unset and no --key-file was given",
                "set one, or create a key file with `dapt privacy new-key --key-file PATH`",
            )
    if len(key) < MIN_KEY_CHARS:
        raise UserError(f"the surrogate key is shorter than {MIN_KEY_CHARS} characters", "use a longer random key")
    return key.encode("utf-8")


def _read_key_file(key_file: Path) -> str:
    """The key in ``key_file``, refused (as ssh refuses a private key) when others may read it."""
    if not key_file.is_file():
        raise UserError(f"{key_file}: key file not found", "create one with `dapt privacy new-key --key-file PATH`")
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise UserError(
            f"{key_file}: the key file is readable by others (mode {mode:04o})", f"run `chmod 600 {key_file}`"
        )
    try:
        return key_file.read_bytes().decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UserError(f"{key_file}: not a key file (not UTF-8 text)", "create one with `dapt privacy new-key`") from None


def create_key(key_file: Path) -> None:
    """Write a new random key readable by its owner only (0600); never overwrites."""
    if key_file.exists():
        raise UserError(f"{key_file}: already exists", "keep it, or remove it yourself to make a new one")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")


def keyed_int(key: bytes, *parts: str) -> int:
    """A 64-bit integer derived from the key and ``parts`` with HMAC-SHA256."""
    message = "\x1f".join(parts).encode("utf-8")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


def pseudonym(key: bytes, raw_id: str) -> str:
    """The keyed pseudonym of a document id: the same id always gets the same one under one key,
    and only the key holder can tell which id it stands for (`dapt privacy resolve-id`)."""
    return f"doc-{keyed_int(key, 'document-id', raw_id):016x}"


def key_id(key: bytes) -> str:
    """A short public fingerprint that tells keys apart in reports without revealing them."""
    return f"{keyed_int(key, 'dapt-key-id'):016x}"[:8]
