"""Small, class-balanced slices of a domain's bundled sample, with their gold PII values."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from dapt.domains.base import load_domain
from dapt.ingest import Inputs

# Values this short ("MA", "99") occur in any text by chance; longer ones must never survive.
MIN_CHECKED_LENGTH = 4
EXPLAINED_HEADING = "<h2>Which words the prediction rests on"  # eval/report.html's last section


@dataclass(frozen=True)
class Slice:
    inputs: Inputs
    planted: dict[tuple[str, int], list[str]]  # (input kind, record number) -> planted values


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _balanced(rows: list[dict], per_label: int) -> list[dict]:
    kept: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if len(kept[row["label"]]) < per_label:
            kept[row["label"]].append(row)
    return [row for group in kept.values() for row in group]


def make_slice(domain: str, folder: Path, corpus_docs: int = 60, per_label: int = 12) -> Slice:
    sample = load_domain(domain).sample
    corpus = _rows(sample.corpus)[:corpus_docs]
    task = _balanced(_rows(sample.task), per_label)
    paths = {}
    for name, rows in (("corpus", corpus), ("task", task)):
        paths[name] = folder / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    values = {gold["doc_id"]: [gold["text"][s["start"] : s["end"]] for s in gold["spans"]] for gold in _rows(sample.pii_gold)}
    planted = {
        (kind, number): values.get(row["id"], [])
        for kind, rows in (("corpus", corpus), ("task", task))
        for number, row in enumerate(rows)
    }
    return Slice(Inputs(paths["corpus"], paths["task"]), planted)


def appears(value: str, text: str) -> bool:
    """Whole-word occurrence ("mary" is not in "summary")."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", text) is not None


def leaks(run_dir: Path, planted: dict[tuple[str, int], list[str]]) -> list[str]:
    """Where a planted value shows up: in its own anonymized document, or in any other artifact.

    Anonymized data is checked document by document, because a realistic surrogate may by chance
    equal a value planted in another document; so are the anonymized examples the evaluation
    quotes (its most confident mistakes, and the words of the examples it explains, which carry
    kind and row). Every other text is checked for all values. Model weights (*.safetensors) hold
    numbers, not text, and are skipped.
    """
    found = []
    values = {v for vs in planted.values() for v in vs if len(v) >= MIN_CHECKED_LENGTH}
    quoted = _quoted_examples(run_dir)
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file() and p.suffix != ".safetensors"):
        text = path.read_text(encoding="utf-8", errors="ignore")
        if path.name.endswith(".anonymized.jsonl"):
            kind = path.name.removesuffix(".anonymized.jsonl")
            documents = [((kind, row["row"]), row["text"]) for row in map(json.loads, text.splitlines())]
        else:
            documents = [(key, example) for key, example in quoted if example in text]
            for _, example in documents:
                text = text.replace(example, "")
            text = _without_file_sizes(path, _without_explained_words(path, text))
            found += [f"{path.relative_to(run_dir)}" for v in values if v in text and appears(v, text)]
        for key, document in documents:
            own = planted.get(key, [])
            found += [f"{path.name}:{key[1]}" for v in own if len(v) >= MIN_CHECKED_LENGTH and appears(v, document)]
    for key, words in _explained_words(run_dir):  # lower-cased by the tokenizer
        own = [v.lower() for v in planted.get(key, []) if len(v) >= MIN_CHECKED_LENGTH]
        found += [f"token_attributions:{key[1]}" for v in own if appears(v, " ".join(words))]
    return found


def _metrics(run_dir: Path) -> dict:
    path = run_dir / "eval" / "metrics.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _quoted_examples(run_dir: Path) -> list[tuple[tuple[str, int], str]]:
    """The anonymized texts the evaluation quotes, with their kind and row (raw, and escaped as
    the report's templates escape them)."""
    mistakes = _metrics(run_dir).get("most_confident_mistakes", [])
    return [((m["kind"], m["row"]), form) for m in mistakes
            for form in (json.dumps(m["text"])[1:-1], str(escape(m["text"])))]  # fmt: skip


def _explained_words(run_dir: Path) -> list[tuple[tuple[str, int], list[str]]]:
    return [((x["kind"], x["row"]), [w for w, _ in x["words"]]) for x in _metrics(run_dir).get("token_attributions", [])]


def _without_file_sizes(path: Path, text: str) -> str:
    """The manifest without its byte counts: a file's size may equal a planted 5-digit number by chance."""
    if path.name != "manifest.json":
        return text
    manifest = json.loads(text)
    for entry in manifest.get("artifacts", []):
        entry.pop("bytes", None)
    return json.dumps(manifest)


def _without_explained_words(path: Path, text: str) -> str:
    """``text`` without the word attributions (checked against their own document instead)."""
    if path.name == "metrics.json":
        return json.dumps({k: v for k, v in json.loads(text).items() if k != "token_attributions"})
    if path.name == "report.html" and EXPLAINED_HEADING in text:
        return text[: text.index(EXPLAINED_HEADING)]
    return text
