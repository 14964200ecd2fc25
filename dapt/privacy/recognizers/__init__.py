"""Recognizers that every domain uses."""

from dapt.privacy.recognizers.base import CASE_SENSITIVE, ConstantsRecognizer

__all__ = ["CASE_SENSITIVE", "ConstantsRecognizer"]
