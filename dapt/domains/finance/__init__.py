"""The built-in finance domain: banking and customer messages."""

from pathlib import Path

from dapt.domains.base import DomainPlugin
from dapt.domains.finance.recognizers import recognizers

plugin = DomainPlugin(
    name="finance",
    version="0.1.0",
    description="Banking and customer-service messages (emails, chats, call notes, KYC).",
    folder=Path(__file__).parent,
    required_entities=("PERSON", "IBAN_CODE", "CREDIT_CARD", "ACCOUNT_NUMBER", "US_SSN", "EMAIL_ADDRESS"),
    recognizers=recognizers,
)
