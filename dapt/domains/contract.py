"""The domain plugin contract as checks: what every installed domain must supply (docs/plugins.md).

``contract_problems`` reads only the plugin's files; ``recognizer_case_problems`` runs its
recognizer test table through the analyzer a run would build. Each problem is one line naming the
plugin, the file and what to fix; an empty list means the plugin honours the contract.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from dapt.config import read_yaml, resolve_config
from dapt.domains.base import DomainPlugin, declared_recognizer
from dapt.errors import UserError
from dapt.records import Document

SAMPLE_FIELDS = {"corpus": ("id", "text"), "task": ("text", "label"), "eval": ("text", "label"), "pii_gold": ("doc_id", "text")}


def contract_problems(plugin: DomainPlugin) -> list[str]:
    """Every way ``plugin`` breaks the contract, short of running its recognizers."""
    checks: list[Callable[[DomainPlugin], Iterator[str]]] = [
        identity_problems, word_list_problems, defaults_problems, recognizer_spec_problems,
        expectation_problems, sample_problems,
    ]  # fmt: skip
    return [f"domain {plugin.name}: {problem}" for check in checks for problem in check(plugin)]


def identity_problems(plugin: DomainPlugin) -> Iterator[str]:
    try:
        Version(plugin.version)
    except InvalidVersion:
        yield f"version {plugin.version!r} is not a PEP 440 version"
    if not plugin.description.strip():
        yield "description is empty"
    if not plugin.required_entities:
        yield "required_entities is empty: name the entity types every document of this domain may carry"


def word_list_problems(plugin: DomainPlugin) -> Iterator[str]:
    if not plugin.vocab_seeds:
        yield "vocab_seeds.txt is missing or empty: list the domain's own terms, one per line"
    repeated = len(plugin.allow_list) - len(plugin.allowed_words)
    if repeated:
        yield f"allow_list.txt repeats {repeated} word(s) (case-insensitively)"


def defaults_problems(plugin: DomainPlugin) -> Iterator[str]:
    try:
        resolve_config([plugin.defaults_layer()])
    except UserError as error:
        yield str(error)


def recognizer_spec_problems(plugin: DomainPlugin) -> Iterator[str]:
    for number, spec in enumerate(plugin.recognizer_specs, start=1):
        try:
            declared_recognizer(spec)
        except (TypeError, ValueError, KeyError) as error:
            yield f"recognizers.yaml: recognizer {number}: {type(error).__name__}: {error}"


def expectation_problems(plugin: DomainPlugin) -> Iterator[str]:
    from great_expectations.exceptions import ExpectationNotFoundError

    from dapt.validation.suites import PROFILE_COLUMNS, declared_suite

    for gate, entries in plugin.expectations.items():
        if gate not in PROFILE_COLUMNS:
            yield f"expectations.yaml: unknown gate {gate!r} (known: {', '.join(PROFILE_COLUMNS)})"
            continue
        for entry in entries:
            column = entry.get("kwargs", {}).get("column")
            if column is not None and column not in PROFILE_COLUMNS[gate]:
                yield f"expectations.yaml: {gate}: no column {column!r} (the {gate} profile has {', '.join(PROFILE_COLUMNS[gate])})"
        try:
            declared_suite(entries)
        except (ExpectationNotFoundError, TypeError, ValueError, KeyError) as error:
            yield f"expectations.yaml: {gate}: {type(error).__name__}: {error}"


def sample_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_problems(plugin: DomainPlugin) -> Iterator[str]:
    sample = plugin.sample
    parts = {"corpus": sample.corpus, "task": sample.task, "eval": sample.eval, "pii_gold": sample.pii_gold}
    missing = [name for name, path in parts.items() if not path.is_file()]
    if missing:
        yield f"sample/ lacks {', '.join(f'{name}.jsonl' for name in missing)}"
        return
    rows = {name: sample_rows(path) for name, path in parts.items()}
    for name, fields in SAMPLE_FIELDS.items():
        if not rows[name] or any(not all(row.get(field) for field in fields) for row in rows[name]):
            yield f"sample/{name}.jsonl: every row needs a non-empty {', '.join(fields)}"
    if len({row.get("label") for row in rows["task"]}) < 2:
        yield "sample/task.jsonl: needs two labels or more"
    yield from gold_problems(plugin, rows["pii_gold"])


def gold_problems(plugin: DomainPlugin, gold: list[dict[str, Any]]) -> Iterator[str]:
    labels: set[str] = set()
    for row in gold:
        if not isinstance(row.get("spans"), list):
            yield f"sample/pii_gold.jsonl: {row.get('doc_id')}: needs a list of spans (empty when none)"
            continue
        for span in row["spans"]:
            labels.add(span["label"])
            if not 0 <= span["start"] < span["end"] <= len(row.get("text", "")):
                yield f"sample/pii_gold.jsonl: {row.get('doc_id')}: span {span['start']}-{span['end']} lies outside the text"
    unseen = sorted(set(plugin.required_entities) - labels)
    if unseen:
        yield f"sample/pii_gold.jsonl: no gold span of required entity type(s) {', '.join(unseen)}"


def recognizer_case_problems(plugin: DomainPlugin) -> list[str]:
    """Run ``recognizer_cases.yaml`` through the detection a run uses (the domain's analyzer, allow
    list, score threshold and plausibility filter): each case must yield exactly its expected texts
    of its entity type, and every entity type of the domain's own recognizers and every required
    one needs a case that finds something."""
    from dapt.privacy.detect import detect
    from dapt.privacy.engine import analyzer_for

    if not plugin.recognizer_cases.is_file():
        return [f"domain {plugin.name}: recognizer_cases.yaml is missing: add a test table (docs/plugins.md)"]
    cases = read_yaml(plugin.recognizer_cases).get("cases") or []
    settings = resolve_config([plugin.defaults_layer()]).privacy
    documents = [Document(f"case {number}", case["text"]) for number, case in enumerate(cases, start=1)]
    detected = detect(analyzer_for(plugin.name, settings.spacy_model), documents, plugin.allow_list, settings.score_threshold)
    problems, found_types = [], set()
    for (document, results), case in zip(detected, cases, strict=True):
        found = sorted(case["text"][r.start : r.end] for r in results if r.entity_type == case["entity"])
        if found != sorted(case.get("expected") or []):
            problems.append(f"recognizer_cases.yaml: {document.id} ({case['entity']}): expected {case.get('expected')}, found {found}")
        if found:
            found_types.add(case["entity"])
    own = {entity for recognizer in plugin.build_recognizers() for entity in recognizer.supported_entities}
    untested = sorted((own | set(plugin.required_entities)) - found_types)
    if untested:
        problems.append(f"recognizer_cases.yaml: no case finds {', '.join(untested)}")
    return [f"domain {plugin.name}: {problem}" for problem in problems]
