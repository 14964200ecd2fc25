"""Clinical identifiers Presidio does not ship: MRNs, hospitals, ages over 89."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import MedicalLicenseRecognizer, UsMbiRecognizer, UsNpiRecognizer

from dapt.privacy.recognizers import CASE_SENSITIVE, ConstantsRecognizer


class MrnRecognizer(ConstantsRecognizer):
    """Medical record number: a hospital-issued 5–10 digit id, written after ``MRN``/``MR#`` or
    near words such as "medical record"; bare digit runs only count with that context."""

    ENTITY = "MRN"
    PATTERNS = [
        Pattern("MRN (labelled)", r"(?=[A-Z]{0,2}\d)(?<=\b(?:MRN|MR#|MR\s?No\.?|Unit\s?No\.?|medical record(?: number| no\.?)?)[:#\s]{0,3})[A-Z]{0,2}\d{5,10}\b", 0.9),
        Pattern("MRN (weak)", r"\b\d{6,10}\b", 0.05),
    ]
    CONTEXT = ["mrn", "medical record", "record number", "chart", "mr#"]


class HealthPlanIdRecognizer(ConstantsRecognizer):
    """Health-plan, member and policy numbers: letters and digits after ``member ID``, ``policy no.``…"""

    ENTITY = "HEALTH_PLAN_ID"
    PATTERNS = [
        Pattern(
            "plan id (labelled)",
            r"(?<=[:#\s])(?<=\b(?:member(?: id| no\.?| number)?|policy(?: id| no\.?| number)?|subscriber(?: id)?|"
            r"health plan(?: id| no\.?)?|insurance(?: id| no\.?)|medicaid(?: id| no\.?)?|group(?: no\.?| number))[:#\s]{1,3})"
            r"[A-Z0-9][A-Z0-9-]{5,19}\b",
            0.85,
        )
    ]

    def validate_result(self, pattern_text: str) -> bool | None:
        """An id has digits; a word after "member" is not one."""
        return None if any(char.isdigit() for char in pattern_text) else False


class HospitalRecognizer(ConstantsRecognizer):
    """Named care facilities: capitalised words ending in Hospital, Medical Center, Clinic…"""

    ENTITY = "HOSPITAL"
    PATTERNS = [
        Pattern(
            "facility (medium)",
            r"\b(?:(?:St\.|Saint|Mount|Mt\.)\s)?(?:[A-Z][a-z'’-]+\s){1,4}"
            r"(?:Hospital|Medical Center|Medical Centre|Clinic|Health Center|Infirmary|Health System)\b",
            0.6,
        )
    ]
    FLAGS = CASE_SENSITIVE


class AgeOver89Recognizer(ConstantsRecognizer):
    """Ages of 90 and above, which HIPAA Safe Harbor requires to be aggregated."""

    ENTITY = "AGE_OVER_89"
    PATTERNS = [
        Pattern(
            "age over 89 (strong)",
            r"\b(?:9\d|1[01]\d)(?=\s*(?:-?\s*(?:y/?o|yo|y\.o\.|years?[\s-]old|year-old))\b)",
            0.85,
        )
    ]


def recognizers() -> list[EntityRecognizer]:
    """The medical domain's recognizers, Presidio's own clinical ones first."""
    return [
        UsNpiRecognizer(),
        UsMbiRecognizer(),
        MedicalLicenseRecognizer(),
        MrnRecognizer(),
        HealthPlanIdRecognizer(),
        HospitalRecognizer(),
        AgeOver89Recognizer(),
    ]
