"""Scale: partitions over Dask give the in-process output byte for byte; a 5 MB document and a
100,000-document corpus go through in bounded memory (those two are slow)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from typer.testing import CliRunner

from dapt.cli import app, run_config
from dapt.domains.base import load_domain
from dapt.errors import UserError
from dapt.flows.domain_adaptation import anonymize_task
from dapt.privacy import scale
from dapt.privacy.anonymize import AnonymizeResult, Outputs, anonymize_source
from dapt.privacy.detect import CHUNK_CHARS
from dapt.privacy.keys import load_key
from dapt.privacy.scale import Cluster, ahead, anonymize_partitioned
from dapt.runs import RunFolder
from tests.conftest import sample_rows, write_rows

SCALE_DOCS = 40
SMALL_PARTITION = 8  # 40 documents and a bad row -> 5 partitions, 4 in flight on 2 workers
DAPT = Path(sys.executable).with_name("dapt")
FIRST = ["Maria", "James", "Aisha", "Tomasz", "Keiko", "Daniel", "Priya", "Oluwaseun", "Grace", "Mateo"]
LAST = ["Fernandez", "Whitaker", "Okafor", "Kowalski", "Tanaka", "Holloway", "Raman", "Adeyemi", "Lindqvist"]
COMPLAINTS = ["chest pain", "a persistent cough", "lower back pain", "dizziness", "a rash on the forearm"]
PLANS = ["Follow up in two weeks.", "Start ibuprofen as needed.", "Order a chest X-ray.", "Refer to cardiology."]
CLINICAL = (
    "The patient presents with intermittent chest pain radiating to the left arm. "
    "He denies shortness of breath, nausea or diaphoresis. Blood pressure was well controlled on lisinopril. "
    "An electrocardiogram showed normal sinus rhythm without acute ST changes. "
    "We will continue aspirin and schedule a stress test in the coming weeks.\n"
)
BIG_DOCUMENT_CHARS = 5_000_000
MEMORY_DOCS = (10_000, 100_000)
# Measured (2 cores): 596 MB for 10,000 notes, 639 MB for 100,000; spaCy's vocabulary grows with
# every new token. Holding each note's spaCy Doc, or all rows and findings, would pass 1.3x; the
# input documents alone (about 45 MB for 100,000 notes) would not.
MAX_PEAK_GROWTH = 1.3

runner = CliRunner()


def test_when_items_are_drawn_ahead_then_order_holds_and_at_most_count_are_pending() -> None:
    drawn: list[int] = []
    used: list[int] = []
    pending: list[int] = []

    def numbers() -> Iterator[int]:
        for number in range(10):
            drawn.append(number)
            yield number

    for number in ahead(numbers(), 3):
        pending.append(len(drawn) - len(used))
        used.append(number)
    assert used == list(range(10))
    assert max(pending) == 3


# fmt: off
BAD_CLUSTERS = [
    ({"workers": 0},                       "--workers must be at least 1"),  # no worker at all
    ({"workers": -2},                      "--workers must be at least 1"),  # negative
    ({"address": "tcp://127.0.0.1:9"},     "no Dask scheduler answers"),     # nobody listens there
    ({"address": "not an address"},        "no Dask scheduler answers"),     # malformed
]
# fmt: on


@pytest.mark.parametrize("settings, message", BAD_CLUSTERS)
def test_when_cluster_is_unusable_then_user_error(
    settings: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(UserError, match=message):
        Cluster(**settings).check()


def test_when_workers_is_zero_then_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    corpus = write_rows(tmp_path / "in.jsonl", [{"id": "1", "text": "note about hypertension"}])
    args = ["privacy", "anonymize", "--domain", "medical", "--input", str(corpus), "--output", str(tmp_path / "out.jsonl")]
    result = runner.invoke(app, [*args, "--workers", "0"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "--workers must be at least 1" in lines[0], result.output
    assert not (tmp_path / "out.jsonl").exists()


def _files(outputs: Outputs) -> dict[str, bytes]:
    return {name: getattr(outputs, name).read_bytes() for name in ("anonymized", "findings", "quarantine")}


def test_when_corpus_is_partitioned_over_two_workers_then_outputs_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    rows = sample_rows(load_domain("medical").sample.corpus, SCALE_DOCS)
    rows.insert(SCALE_DOCS // 2, {"id": "empty", "text": " ", "kind": "note"})  # quarantined mid-stream
    corpus = write_rows(tmp_path / "corpus.jsonl", rows)
    # Documents of one kind share a date shift across partitions.
    cfg = run_config("medical", None, {"input": {"bad_rows": "quarantine", "group_field": "kind"}})
    monkeypatch.setattr(scale, "PARTITION_DOCUMENTS", SMALL_PARTITION)

    alone = Outputs.beside(tmp_path / "alone.jsonl")
    expected = anonymize_source(corpus, "corpus", cfg, load_key(None), alone)
    spread = Outputs.beside(tmp_path / "spread.jsonl")
    result = anonymize_partitioned(corpus, "corpus", cfg, None, spread, Cluster(workers=2))

    assert result == expected
    assert (result.documents_out, result.quarantined) == (SCALE_DOCS, 1)
    assert _files(spread) == _files(alone)


def test_when_the_flow_stage_is_set_to_two_workers_then_the_corpus_is_anonymized_on_dask_as_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    corpus = write_rows(tmp_path / "corpus.jsonl", sample_rows(load_domain("medical").sample.corpus, SCALE_DOCS))
    monkeypatch.setattr(scale, "PARTITION_DOCUMENTS", SMALL_PARTITION)
    spread_out = spy_on(monkeypatch, scale, "anonymize_partitioned")

    @flow
    def stage_in_a_flow(workers: int, run: RunFolder) -> AnonymizeResult:  # the flow's own task, as it runs there
        return anonymize_task(corpus, "corpus", run_config("medical", None, {"privacy": {"workers": workers}}), None, run)

    alone, spread = RunFolder(tmp_path / "alone"), RunFolder(tmp_path / "spread")
    assert stage_in_a_flow(1, alone) == stage_in_a_flow(2, spread)
    assert spread_out == [2]  # only the two-worker run left the process
    assert _files(Outputs.in_run(spread, "corpus")) == _files(Outputs.in_run(alone, "corpus"))


def spy_on(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """The worker counts ``module.name`` is called with (it still runs)."""
    calls: list[int] = []
    original = getattr(module, name)

    def spied(*args: Any) -> Any:
        calls.append(args[-1].workers)
        return original(*args)

    monkeypatch.setattr(module, name, spied)
    return calls


def _planted_document() -> tuple[str, list[str]]:
    """About 5 MB of clinical prose with three identifiers: at the start, across the first chunk
    border, and in the middle."""
    email, phone, other = "margaret.holloway@example.org", "617-555-0134", "415-555-0199"
    prose = CLINICAL * (BIG_DOCUMENT_CHARS // len(CLINICAL))
    head, cue = f"Contact: {email}.\n", "Call back at "
    before = CHUNK_CHARS - len(phone) // 2 - len(cue) - len(head)
    lines = before // len(CLINICAL) * len(CLINICAL)
    middle = len(prose) // 2 // len(CLINICAL) * len(CLINICAL)
    text = (
        f"{head}{prose[:lines]}{' ' * (before - lines)}{cue}{phone}.\n"
        f"{prose[lines:middle]}Daughter reachable on {other}.\n{prose[middle:]}"
    )
    assert text.index(phone) < CHUNK_CHARS < text.index(phone) + len(phone)
    return text, [email, phone, other]


@pytest.mark.slow
def test_when_document_is_5_mb_then_every_planted_value_is_replaced(tmp_path: Path) -> None:
    text, planted = _planted_document()
    cfg = run_config("medical", None, {})
    outputs = Outputs.beside(tmp_path / "out.jsonl")
    source = write_rows(tmp_path / "big.jsonl", [{"id": "big", "text": text}])
    result = anonymize_source(source, "corpus", cfg, load_key(None), outputs)
    [row] = [json.loads(line) for line in outputs.anonymized.read_text(encoding="utf-8").splitlines()]
    assert result.documents_out == 1 and result.findings >= len(planted)
    assert [value for value in planted if value in row["text"]] == []
    assert CLINICAL in row["text"]  # the prose itself is left alone


def _notes(count: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """Short synthetic notes, each with a name, an MRN, a date and a phone number."""
    rng = random.Random(seed)
    for number in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phone = f"{rng.randint(201, 989)}-555-{rng.randint(0, 9999):04d}"
        text = (
            f"{name} (MRN {rng.randint(10**7, 10**8 - 1)}) was seen on {rng.randint(1, 12)}/{rng.randint(1, 28)}/2021 "
            f"for {rng.choice(COMPLAINTS)}. Call back at {phone}. {rng.choice(PLANS)}"
        )
        yield {"id": f"note-{number}", "text": text}


def write_notes(path: Path, count: int) -> Path:
    """Stream ``count`` notes to ``path`` as JSON Lines (never all in memory)."""
    with path.open("w", encoding="utf-8") as handle:
        for note in _notes(count):
            handle.write(json.dumps(note) + "\n")
    return path


def peak_rss_mb(args: list[str], log: Path) -> float:
    """Run ``args`` to completion; its peak resident set size in MB (from wait4, so only this child)."""
    with log.open("wb") as output:
        process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return usage.ru_maxrss / 1024  # KiB on Linux


@pytest.mark.slow
def test_when_corpus_grows_tenfold_then_peak_memory_stays_flat(tmp_path: Path) -> None:
    peaks = {}
    for count in MEMORY_DOCS:
        corpus = write_notes(tmp_path / f"notes-{count}.jsonl", count)
        args = [str(DAPT), "privacy", "anonymize", "--domain", "medical", "--input", str(corpus),
                "--output", str(tmp_path / f"out-{count}.jsonl")]  # fmt: skip
        peaks[count] = peak_rss_mb(args, tmp_path / f"log-{count}.txt")
        assert sum(1 for _ in (tmp_path / f"out-{count}.jsonl").open(encoding="utf-8")) == count
    small, large = (peaks[count] for count in MEMORY_DOCS)
    print(f"peak RSS: {small:.0f} MB for {MEMORY_DOCS[0]:,} notes, {large:.0f} MB for {MEMORY_DOCS[1]:,}")
    assert large < MAX_PEAK_GROWTH * small, peaks
