"""The built-in medical domain: clinical notes, HIPAA Safe Harbor identifiers."""

from pathlib import Path

from dapt.domains.base import DomainPlugin
from dapt.domains.medical.recognizers import recognizers

plugin = DomainPlugin(
    name="medical",
    version="0.1.0",
    description="Clinical notes (discharge summaries, nursing and progress notes, letters).",
    folder=Path(__file__).parent,
    required_entities=("PERSON", "DATE_TIME", "MRN", "PHONE_NUMBER", "LOCATION", "HOSPITAL"),
    recognizers=recognizers,
)
