"""Anonymization speed on one huge document against the same text as separate notes, in one process.

What `dapt privacy anonymize` does to each document (``anonymized_parts``: detection, then
replacement, written part by part) is timed on
    (a) corpus: the first ``--limit`` distinct MTSamples notes (bench/anonymize.py's);
    (b) joined: the same notes joined by blank lines into one document, which is cut into chunks of
        ``CHUNK_CHARS``, streamed through spaCy ``CHUNKS_AT_ONCE`` chunks at a time and replaced and
        written chunk by chunk;
    (c) with ``--full``: one document of ``--full-chars`` characters (20 MB), the distinct notes of
        ``corpus.jsonl`` and ``heldout.jsonl`` repeated, one pass.

    .venv/bin/python bench/huge_document.py [--limit 500] [--repeats 3] [--full]

(a) and (b) make ``--repeats`` passes in turns, the fastest counts (as in bench/anonymize.py).
Memory: the peak resident set of each phase, sampled every 50 ms from /proc/self/statm, and
``resource.getrusage``'s peak of the process after each phase (it never goes down). Progress: the
longest wait between two chunk reports (``on_chunk``) of a huge document. Agreement: the share of
(a)'s findings that (b) finds at the same offsets, type and recognizer.

Writes bench/results/huge_document.json (figures, settings, machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import MODEL, data_dir, distinct_notes, machine  # noqa: E402  # bench/anonymize.py, beside this

from dapt.cli import run_config  # noqa: E402
from dapt.errors import UserError  # noqa: E402
from dapt.privacy.anonymize import anonymized_parts  # noqa: E402
from dapt.privacy.detect import CHUNK_CHARS, CHUNKS_AT_ONCE  # noqa: E402
from dapt.privacy.keys import pseudonym  # noqa: E402
from dapt.records import Document  # noqa: E402
from dapt.runs import write_json  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "huge_document.json"
DEFAULT_LIMIT = 500
DEFAULT_REPEATS = 3
FULL_CHARS = 20_000_000
SEPARATOR = "\n\n"
SAMPLE_SECONDS = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
WARMUP = "Warm up: seen by Dr. Mercer in Houston on 12/03/2019, call 617-555-0134."
Finding = tuple[int, int, str, str]  # start, end, type, recognizer


def rss_mb() -> float:
    """The resident set of this process now, in MB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES / 2**20


def maxrss_mb() -> float:
    """The process's peak resident set so far, in MB (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """A dict whose ``peak_mb`` is, on exit, the largest resident set sampled inside the block."""
    figures = {"peak_mb": rss_mb()}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            figures["peak_mb"] = max(figures["peak_mb"], rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()
        figures["peak_mb"] = round(max(figures["peak_mb"], rss_mb()), 1)


KEY = b"bench-key-0123456789abcdef"


class Anonymizer:
    """dapt's anonymization of one domain, timed, with its chunk reports."""

    def __init__(self, domain: str) -> None:
        self.cfg = run_config(domain, None, {"privacy": {"spacy_model": MODEL}})
        self.reports: list[float] = []

    def _report(self, document: Document, done: int, chunks: int) -> None:
        self.reports.append(time.perf_counter())

    def run(self, docs: Sequence[Document]) -> tuple[float, dict[str, list[Finding]], dict[str, Any]]:
        """Seconds of one pass, each document's findings, and its chunk reports and memory."""
        self.reports = []
        with peak_rss() as memory:
            started = time.perf_counter()
            ids = {pseudonym(KEY, doc.id): doc.id for doc in docs}
            found: dict[str, list[Finding]] = {doc.id: [] for doc in docs}
            for part in anonymized_parts(docs, self.cfg, KEY, on_chunk=self._report):
                for f in part.findings:
                    found[ids[f.doc_id]].append((f.start, f.end, f.entity_type, f.recognizer))
            seconds = time.perf_counter() - started
        waits = [later - earlier for earlier, later in zip([started, *self.reports], self.reports)]
        seen = {"chunk_reports": len(self.reports), "longest_wait_s": round(max(waits, default=seconds), 2),
                "peak_rss_mb": memory["peak_mb"], "findings": sum(map(len, found.values()))}  # fmt: skip
        return seconds, found, seen


def joined(notes: Sequence[Document]) -> tuple[Document, list[int]]:
    """The notes as one document, with where each note starts in it."""
    starts, offset = [], 0
    for note in notes:
        starts.append(offset)
        offset += len(note.text) + len(SEPARATOR)
    return Document("joined", SEPARATOR.join(note.text for note in notes)), starts


def huge_text(chars: int) -> str:
    """``chars`` characters of distinct MTSamples notes (corpus, then held-out), repeated."""
    texts: dict[str, None] = {}
    for name in ("corpus.jsonl", "heldout.jsonl"):
        with (data_dir() / "mtsamples" / name).open(encoding="utf-8") as rows:
            texts.update((json.loads(row)["text"], None) for row in rows)
    notes = list(texts)
    parts, size = [], 0
    while size < chars:
        parts.append(notes[len(parts) % len(notes)])
        size += len(parts[-1]) + len(SEPARATOR)
    return SEPARATOR.join(parts)[:chars]


def agreement(notes: Sequence[Document], starts: Sequence[int], corpus: dict[str, list[Finding]], whole: list[Finding]) -> float:
    """The share of the notes' findings that the joined document has at the same place."""
    shifted = {(s + start, e + start, kind, by) for note, start in zip(notes, starts, strict=True)
               for s, e, kind, by in corpus[note.id]}  # fmt: skip
    return round(len(shifted & set(whole)) / max(len(shifted), 1), 4)


def figures(chars: int, seconds: Sequence[float], extra: dict[str, Any]) -> dict[str, Any]:
    best = min(seconds)
    return {"seconds": round(best, 2), "chars_per_s": round(chars / best), "all_seconds": [round(s, 2) for s in seconds],
            **extra}  # fmt: skip


def run(domain: str, limit: int, repeats: int, full_chars: int | None) -> dict[str, Any]:
    """Warm up, time (a) and (b) in turns, then (c) once when asked."""
    anonymizer = Anonymizer(domain)
    anonymizer.run([Document("warm-up", WARMUP)])
    notes = distinct_notes(data_dir() / "mtsamples" / "corpus.jsonl", limit)
    document, starts = joined(notes)
    chars = sum(len(note.text) for note in notes)
    passes: dict[str, list[float]] = {"corpus": [], "joined": []}
    extra: dict[str, dict[str, Any]] = {}
    rss_before = round(rss_mb(), 1)
    for _ in range(repeats):
        for name, docs in (("corpus", notes), ("joined", [document])):
            seconds, found, seen = anonymizer.run(docs)
            passes[name].append(seconds)
            seen["peak_rss_mb"] = max(seen["peak_rss_mb"], extra.get(name, seen)["peak_rss_mb"])
            extra[name] = seen
            if name == "corpus":
                corpus_found = found
            else:
                seen["same_as_corpus"] = agreement(notes, starts, corpus_found, found[document.id])
    result: dict[str, Any] = {
        "settings": {"domain": domain, "spacy_model": MODEL, "documents": len(notes), "characters": chars,
                     "joined_characters": len(document.text), "chunk_chars": CHUNK_CHARS,
                     "chunks_at_once": CHUNKS_AT_ONCE, "repeats": repeats, "rss_mb_before": rss_before,
                     "corpus": "mtsamples/corpus.jsonl, first distinct texts"},
        "corpus": figures(chars, passes["corpus"], extra["corpus"]),
        "joined": figures(len(document.text), passes["joined"], extra["joined"]),
    }  # fmt: skip
    result["joined_over_corpus_speed"] = round(result["joined"]["chars_per_s"] / result["corpus"]["chars_per_s"], 3)
    result["maxrss_mb"] = round(maxrss_mb(), 1)
    if full_chars:
        huge = Document("huge", huge_text(full_chars))
        seconds, _, seen = anonymizer.run([huge])
        result["full"] = {"characters": len(huge.text), **figures(len(huge.text), [seconds], seen)}
        result["full_over_corpus_speed"] = round(result["full"]["chars_per_s"] / result["corpus"]["chars_per_s"], 3)
        result["maxrss_mb_with_full"] = round(maxrss_mb(), 1)
    result["machine"] = machine()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="medical", help="dapt domain plugin (default: medical)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="distinct notes to time (default: 500)")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS, help="passes of (a) and (b); the fastest counts (default: 3)")
    parser.add_argument("--full", action="store_true", help="also time one document of --full-chars characters, once")
    parser.add_argument("--full-chars", type=int, default=FULL_CHARS, help="length of the --full document (default: 20,000,000)")
    args = parser.parse_args(argv)
    try:
        if args.limit < 1 or args.repeats < 1 or args.full_chars < 1:
            raise UserError(f"--limit, --repeats and --full-chars must be at least 1, not {args.limit}, {args.repeats} and {args.full_chars}")
        result = run(args.domain, args.limit, args.repeats, args.full_chars if args.full else None)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = result["settings"]
    print(f"{settings['documents']} notes, {settings['characters']:,} characters, {settings['spacy_model']}; "
          f"resident before timing {settings['rss_mb_before']} MB")  # fmt: skip
    for name in ("corpus", "joined", "full"):
        if name in result:
            row = result[name]
            passes = ", ".join(f"{seconds} s" for seconds in row["all_seconds"])
            print(f"{name:7} {row['chars_per_s']:>9,} chars/s (passes: {passes}); peak RSS {row['peak_rss_mb']} MB; "
                  f"{row['chunk_reports']} chunk reports, longest wait {row['longest_wait_s']} s; {row['findings']} findings")  # fmt: skip
    print(f"joined / corpus speed: {result['joined_over_corpus_speed']}x; same findings as the notes: "
          f"{result['joined']['same_as_corpus']:.2%}")  # fmt: skip
    print(f"getrusage peak of the process: {result['maxrss_mb']} MB after (a) and (b)", end="")
    if "full" in result:
        print(f", {result['maxrss_mb_with_full']} MB after (c); full / corpus speed: {result['full_over_corpus_speed']}x", end="")
    print()
    write_json(RESULTS, result)
    print(f"-> {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
