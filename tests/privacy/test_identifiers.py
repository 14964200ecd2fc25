"""Identifiers of no one domain are found in every domain, whole, in any line's case."""

from __future__ import annotations

import pytest

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.privacy.detect import detect
from dapt.privacy.engine import analyzer_for
from dapt.records import Document

# fmt: off
IDENTIFIERS = [
    ("provider NPI 1245-319-599 on file",      "1245-319-599"),        # dashed NPI
    ("routing number 011000015 for payroll",   "011000015"),           # ABA with its cue
    ("ABA 0110-0001-5 for the refund",         "0110-0001-5"),         # dashed ABA
    ("NI number AB 12 34 56 C on the form",    "AB 12 34 56 C"),       # UK NINO, spaced
    ("Medicare MBI 1EG4-TE5-MK73 verified",    "1EG4-TE5-MK73"),       # Medicare beneficiary id
    ("swift code NEDSZAJJ for the transfer",   "NEDSZAJJ"),            # South Africa: every ISO country
    ("pay to SWIFT BNPAFRPPXXX today",         "BNPAFRPPXXX"),         # France, the code in capitals
    ("call +44 (20) 7123 4567 today",          "+44 (20) 7123 4567"),  # the country code stays with it
]

NOT_IDENTIFIERS = [
    ("INDICATIONS FOR THE PROCEDURE: pain",    "INDICATIONS"),         # a heading shaped like a BIC (Canada)
    ("allograft at C5-C6, x1, and B12 levels",  "C5"),                  # too short for a driver's licence
]

NAMES = [
    ("my name is Dan and I need help",         "Dan"),                 # not "is Dan"
    ("pt john doe seen today",                 "john doe"),            # a lower-case surname after the first
]
# fmt: on


def findings(text: str, domain: str) -> list[str]:
    cfg = run_config(domain, None, {})
    analyzer = analyzer_for(domain, cfg.privacy.spacy_model)
    [(_, results)] = detect(analyzer, [Document("doc", text)], load_domain(domain).allow_list, cfg.privacy.score_threshold)
    return [text[r.start : r.end] for r in results]


@pytest.mark.parametrize("domain", ["medical", "finance"])
@pytest.mark.parametrize("text, identifier", IDENTIFIERS)
def test_when_an_identifier_of_no_one_domain_appears_then_every_domain_finds_it_whole(
    text: str, identifier: str, domain: str
) -> None:
    assert identifier in findings(text, domain)


@pytest.mark.parametrize("text, name", NAMES)
def test_when_a_name_follows_its_cue_then_only_the_name_is_found(text: str, name: str) -> None:
    assert name in findings(text, "medical") and not any(f.startswith("is ") for f in findings(text, "medical"))


@pytest.mark.parametrize("domain", ["medical", "finance"])
@pytest.mark.parametrize("text, lookalike", NOT_IDENTIFIERS)
def test_when_a_word_or_a_level_is_shaped_like_an_identifier_then_it_is_not_found(
    text: str, lookalike: str, domain: str
) -> None:
    assert lookalike not in findings(text, domain)
