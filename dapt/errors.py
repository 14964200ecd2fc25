"""User errors: a problem with the user's input that the CLI reports in one line (exit code 2)."""

from __future__ import annotations

import re

# A name worth quoting in a message is identifier-shaped and made of common English words or short
# abbreviations (note_text, patientId, mrn). Anything else (the first record of a CSV file without
# a header, a pasted value) is described, never echoed.
HEADER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,39}$")
NAME_PARTS = re.compile(r"[_.\-0-9]+|(?<=[a-z])(?=[A-Z])")
ABBREVIATION_CHARS = 3
COMMON_WORD_ZIPF = 3.0  # wordfreq Zipf: "specialty" 3.3, "sentiment" 3.4; surnames mostly below


class UserError(Exception):
    """A mistake the user can fix: names the file, row or field, and says what to do.

    The message must never contain a raw value from the data (only names, counts, positions).
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


def looks_like_header_name(name: str) -> bool:
    """Whether ``name`` reads as a column or config key (``note_text``), not as data (a name, a phone)."""
    from wordfreq import zipf_frequency  # loaded on the first message, not by every import

    parts = [part.lower() for part in NAME_PARTS.split(name) if part]
    return bool(HEADER_NAME.match(name)) and all(
        len(part) <= ABBREVIATION_CHARS or zipf_frequency(part, "en") >= COMMON_WORD_ZIPF for part in parts
    )


def describe_names(names: list[str]) -> str:
    """Names for a message: listed when each looks like a header name, else only counted."""
    if names and all(looks_like_header_name(name) for name in names):
        return "found: " + ", ".join(names)
    return f"found {len(names)} column(s) that do not look like header names; is the header line missing?"
