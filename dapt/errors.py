"""User errors: a problem with the user's input that the CLI reports in one line (exit code 2)."""

from __future__ import annotations


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
