"""Chunked detection: an identifier cut by a chunk border is found once, at its document offsets."""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerResult

from dapt.cli import run_config
from dapt.domains.base import load_domain
from dapt.privacy.detect import chunk_starts, cut_out_nested, detect, merge_results
from dapt.privacy.engine import analyzer_for
from dapt.records import Document

SMALL_CHUNK = 2_000
ONE_CHUNK = 1_000_000
DOCUMENT_CHARS = 5_200  # chunks start at 0, 1500, 3000 and 4500
FILLER = "The patient tolerated the procedure well and was moved to recovery in stable condition. "
EMAIL = "jordan.keller@example.org"
PHONE = "617-555-0134"
STARTS = chunk_starts(DOCUMENT_CHARS, SMALL_CHUNK)
END_OF_FIRST = STARTS[0] + SMALL_CHUNK  # the first chunk stops inside the value; the second holds it whole
START_OF_THIRD = STARTS[2]  # the second chunk holds the value whole; the third starts inside it

# fmt: off
BORDERS = [
    (END_OF_FIRST,   START_OF_THIRD),  # email cut at the first chunk's end, phone at the third chunk's start
    (START_OF_THIRD, END_OF_FIRST),    # the same borders, values swapped
]
# fmt: on


def _filler(length: int) -> str:
    return (FILLER * (length // len(FILLER) + 1))[:length]


def _document(borders: dict[str, int]) -> tuple[str, dict[str, int]]:
    """Filler prose with each value centred on its border; returns the text and each value's start."""
    text, starts = "", {}
    for value, border in sorted(borders.items(), key=lambda item: item[1]):
        starts[value] = border - len(value) // 2
        text += _filler(starts[value] - len(text) - 1) + " " + value + " "
    return text + _filler(DOCUMENT_CHARS - len(text)), starts


def _found(analyzer: AnalyzerEngine, text: str, threshold: float, chunk_chars: int) -> list[tuple[str, int, int]]:
    allow_list = load_domain("medical").allow_list
    [(_, results)] = detect(analyzer, [Document("doc", text)], allow_list, threshold, chunk_chars)
    return [(r.entity_type, r.start, r.end) for r in results]


@pytest.mark.parametrize("email_border, phone_border", BORDERS)
def test_when_value_straddles_a_chunk_border_then_it_is_found_once_at_document_offsets(
    email_border: int, phone_border: int
) -> None:
    borders = {EMAIL: email_border, PHONE: phone_border}
    text, starts = _document(borders)
    assert len(text) == DOCUMENT_CHARS and chunk_starts(len(text), SMALL_CHUNK) == STARTS
    cfg = run_config("medical", None, {})
    analyzer = analyzer_for("medical", cfg.privacy.spacy_model)
    chunked = _found(analyzer, text, cfg.privacy.score_threshold, SMALL_CHUNK)
    for value, entity_type in ((EMAIL, "EMAIL_ADDRESS"), (PHONE, "PHONE_NUMBER")):
        start = starts[value]
        assert start < borders[value] < start + len(value)  # the border really cuts the value
        assert [f for f in chunked if f[0] == entity_type] == [(entity_type, start, start + len(value))]
    whole = _found(analyzer, text, cfg.privacy.score_threshold, ONE_CHUNK)
    assert len(chunked) == len(whole) and chunked == whole


# fmt: off
NESTED = [
    # text, [(type, start, end, score)], expected [(type, text)]
    ("March 1, 2008 Sian Cowely (MRN 1)", [("DATE_TIME", 0, 25, 0.85), ("PERSON", 14, 25, 1.0)],
     [("DATE_TIME", "March 1, 2008"), ("PERSON", "Sian Cowely")]),                            # name at the end of a date
    ("seen Tuesday by Ann Lee on ward 5", [("DATE_TIME", 5, 31, 0.6), ("PERSON", 16, 23, 0.85)],
     [("DATE_TIME", "Tuesday by"), ("PERSON", "Ann Lee"), ("DATE_TIME", "on ward")]),          # both sides kept
    ("Dr Ann Lee", [("PERSON", 0, 10, 0.9), ("LOCATION", 7, 10, 0.5)],
     [("PERSON", "Dr Ann Lee"), ("LOCATION", "Lee")]),                                         # weaker inner: left for the anonymizer to drop
    ("Ann Lee Smith", [("PERSON", 0, 13, 0.6), ("PERSON", 4, 7, 0.9)],
     [("PERSON", "Ann Lee Smith"), ("PERSON", "Lee")]),                                        # same type: the anonymizer merges
    ("2008, Sian", [("DATE_TIME", 0, 10, 0.5), ("PERSON", 6, 10, 0.9)],
     [("DATE_TIME", "2008"), ("PERSON", "Sian")]),                                             # punctuation trimmed
    ("mail jo.kel@example.org", [("EMAIL_ADDRESS", 5, 23, 0.5, "EmailRecognizer"), ("URL", 12, 23, 0.5)],
     [("EMAIL_ADDRESS", "jo.kel@example.org"), ("URL", "example.org")]),                       # a pattern's borders hold
]
# fmt: on


@pytest.mark.parametrize(("text", "results", "expected"), NESTED)
def test_when_a_detection_sits_inside_a_weaker_one_then_the_container_keeps_only_its_sides(text, results, expected) -> None:
    def result(kind: str, start: int, end: int, score: float, recognizer: str = "SpacyRecognizer") -> RecognizerResult:
        return RecognizerResult(kind, start, end, score, recognition_metadata={"recognizer_name": recognizer})

    found = cut_out_nested([result(*row) for row in results], text)
    assert sorted((r.entity_type, text[r.start : r.end]) for r in found) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("She was last seen 4/5 in clinic.", ["4/5"]), ("admitted 3/10 with chest pain", ["3/10"]),
     ("nursing progress note, micu 3/4 73 yo f", ["3/4"]), ("Motor exam is 5/5 and pain 3/10 today.", []),
     ("Apgars 9/9 at birth, admitted 3/10", ["3/10"]), ("He scored 11/11 since admission", []),
     ("a herniation at the C6-7 level, seen 6-7", ["6-7"]),
     ("seen 4/13 with a gait score of 11/12 for a total of 24/28", ["4/13"]),
     ("Reflexes 2+/2+ throughout UE, 3/3 patella, 2/2 ankles", []), ("admitted 2/2 with pain", ["2/2"]),
     ("Kerlone 10 mg 1/2 pill daily", []), ("a 3/8 x 3/8 inch scar", []), ("UE 5/4+ proximally", [])],
    ids=["seen", "admitted", "note header", "no date word", "apgars", "scored", "level of the spine", "score of",
         "a pair of one number", "a pair after a date word", "half a pill", "a size", "a plus"],
)
def test_when_a_date_is_shaped_like_a_score_then_only_a_date_word_makes_it_one(text: str, expected: list[str]) -> None:
    analyzer = analyzer_for("medical", run_config("medical", None, {}).privacy.spacy_model)
    results = analyzer.analyze(text, language="en", entities=["DATE_TIME"])
    assert [text[r.start : r.end] for r in results if r.score >= run_config("medical", None, {}).privacy.score_threshold] == expected


def test_when_a_container_is_cut_around_a_name_then_what_is_left_must_be_plausible() -> None:
    text = "FAMILY- pt's HCP Amanda asking about rehab; seen Tuesday by Ann Lee"
    spacy = {RecognizerResult.RECOGNIZER_NAME_KEY: "SpacyRecognizer"}
    cue = {RecognizerResult.RECOGNIZER_NAME_KEY: "LabelledNameRecognizer"}
    firm = RecognizerResult("ORGANIZATION", text.index("HCP"), text.index(" asking"), 0.85, recognition_metadata=spacy)
    date = RecognizerResult("DATE_TIME", text.index("Tuesday"), len(text), 0.6, recognition_metadata=spacy)
    names = [
        RecognizerResult("PERSON", text.index(name), text.index(name) + len(name), 1.0, recognition_metadata=cue)
        for name in ("Amanda", "Ann Lee")
    ]
    merged = merge_results([firm, date, *names], text, frozenset())
    assert [text[r.start : r.end] for r in merged] == ["Amanda", "Tuesday by", "Ann Lee"]  # ``HCP``: an abbreviation


def test_when_two_recognizers_find_one_span_then_it_is_one_finding_of_the_surer_type() -> None:
    text = "seen with Kling, then transferred from Lakeside Hospital"
    def found(kind: str, value: str, score: float, recognizer: str) -> RecognizerResult:
        start = text.index(value)
        return RecognizerResult(kind, start, start + len(value), score, recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: recognizer})

    results = [
        found("LOCATION", "Kling", 0.85, "SpacyRecognizer"), found("PERSON", "Kling", 0.9, "GazetteerNameRecognizer"),
        found("ORGANIZATION", "Lakeside Hospital", 0.85, "SpacyRecognizer"), found("HOSPITAL", "Lakeside Hospital", 0.6, "HospitalRecognizer"),
    ]  # fmt: skip
    for ordered in (results, results[::-1]):
        merged = merge_results(list(ordered), text, frozenset())
        assert [(r.entity_type, text[r.start : r.end]) for r in merged] == [("PERSON", "Kling"), ("HOSPITAL", "Lakeside Hospital")]
