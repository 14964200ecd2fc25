"""The domain plugin contract and the registry that finds plugins through entry points.

A domain is data (word lists, policy, defaults, expectations, YAML recognizers, sample) in its own
folder plus, optionally, recognizer classes. Built-in and third-party domains register the same
way: the ``dapt.domains`` entry point group, each entry pointing at a ``DomainPlugin`` object.
The contract is written down in docs/plugins.md and checked by ``dapt.domains.contract``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dapt.config import read_yaml
from dapt.errors import UserError

if TYPE_CHECKING:  # Presidio takes seconds to import; `dapt --help` should not wait for it
    from presidio_analyzer import EntityRecognizer

ENTRY_POINT_GROUP = "dapt.domains"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
OPERATORS = ("surrogate", "date_shift", "mask", "redact")


@dataclass(frozen=True)
class Sample:
    """The bundled sample of a domain: corpus, task, held-out eval and gold PII spans."""

    corpus: Path
    task: Path
    eval: Path
    pii_gold: Path


@dataclass(frozen=True)
class DomainPlugin:
    """What a domain supplies to a run. Files live in ``folder``; classes come as factories."""

    name: str
    version: str
    description: str
    folder: Path
    required_entities: tuple[str, ...]
    recognizers: Callable[[], list[EntityRecognizer]] = field(default=lambda: [])

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"domain name {self.name!r} must be lower-case letters, digits and '_'")
        unknown = set(self.policy.values()) - set(OPERATORS)
        if unknown:
            raise ValueError(f"domain {self.name}: unknown operators {sorted(unknown)} in policy.yaml")

    def _mapping(self, filename: str) -> dict[str, Any]:
        """An optional YAML mapping in the plugin's folder (empty when the file is absent)."""
        path = self.folder / filename
        return read_yaml(path) if path.exists() else {}

    def _words(self, filename: str) -> tuple[str, ...]:
        path = self.folder / filename
        if not path.exists():
            return ()
        lines = path.read_text(encoding="utf-8").splitlines()
        return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))

    @cached_property
    def allow_list(self) -> tuple[str, ...]:
        """Words that only look like personal data (eponyms, drug names, units)."""
        return self._words("allow_list.txt")

    @cached_property
    def allowed_words(self) -> frozenset[str]:
        """The allow list lower-cased, for case-insensitive lookups."""
        return frozenset(entry.lower() for entry in self.allow_list)

    @cached_property
    def vocab_seeds(self) -> tuple[str, ...]:
        """Curated domain terms always considered for the tokenizer."""
        return self._words("vocab_seeds.txt")

    @cached_property
    def policy(self) -> dict[str, str]:
        """Operator per entity type; the key ``default`` covers every other type."""
        return {str(key): str(value) for key, value in read_yaml(self.folder / "policy.yaml").items()}

    @cached_property
    def defaults(self) -> dict[str, Any]:
        """The domain's default run config (YAML mapping)."""
        return read_yaml(self.folder / "defaults.yaml")

    def defaults_layer(self) -> tuple[str, dict[str, Any]]:
        """The first layer of every run config of this domain: its defaults, named for errors."""
        return f"{self.name} defaults", {**self.defaults, "domain": self.name}

    @cached_property
    def recognizer_specs(self) -> tuple[dict[str, Any], ...]:
        """Pattern and deny-list recognizers declared in ``recognizers.yaml``, in Presidio's format
        (``recognizers: [{name, supported_entity, patterns | deny_list, context}]``)."""
        return tuple(self._mapping("recognizers.yaml").get("recognizers") or ())

    def build_recognizers(self) -> list[EntityRecognizer]:
        """The domain's recognizers: its Python classes, then those declared in YAML."""
        return [*self.recognizers(), *map(declared_recognizer, self.recognizer_specs)]

    @cached_property
    def expectations(self) -> dict[str, list[dict[str, Any]]]:
        """Extra Great Expectations checks per gate (``raw``, ``task``) from ``expectations.yaml``:
        ``{type, kwargs, severity}`` entries over the gate's profile columns."""
        return {str(gate): list(entries or []) for gate, entries in self._mapping("expectations.yaml").items()}

    @property
    def recognizer_cases(self) -> Path:
        """The recognizer test table: ``cases: [{text, entity, expected: [matched text…]}]``."""
        return self.folder / "recognizer_cases.yaml"

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the version and every file of the plugin's folder: a run redoes its stages
        when a recognizer, list, policy or expectation changed, even under the same version."""
        digest = hashlib.sha256(self.version.encode())
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(self.folder).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    @property
    def sample(self) -> Sample:
        folder = self.folder / "sample"
        return Sample(folder / "corpus.jsonl", folder / "task.jsonl", folder / "eval.jsonl", folder / "pii_gold.jsonl")

    def operator_for(self, entity_type: str) -> str:
        return self.policy.get(entity_type, self.policy.get("default", "redact"))


def declared_recognizer(spec: dict[str, Any]) -> EntityRecognizer:
    """A recognizer of ``recognizers.yaml`` (Presidio's ``PatternRecognizer.from_dict`` format; English)."""
    from presidio_analyzer import PatternRecognizer

    return PatternRecognizer.from_dict({"supported_language": "en", **spec})


def load_entry(entry: EntryPoint) -> object:
    """The object an entry point names; a plugin that fails to import is one UserError naming its
    package, never a traceback from inside it."""
    try:
        return entry.load()
    except Exception as error:  # noqa: BLE001 - any failure inside a third-party plugin
        package = f"{entry.dist.name} {entry.dist.version}" if entry.dist else entry.value
        raise UserError(
            f"domain plugin '{entry.name}' (package {package}) failed to load: {type(error).__name__}: {error}",
            f"fix or uninstall that package (pip uninstall {entry.dist.name if entry.dist else entry.name})",
        ) from None


@cache
def installed_domains() -> dict[str, DomainPlugin]:
    """Every plugin registered under the ``dapt.domains`` entry point, by name."""
    plugins: dict[str, DomainPlugin] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        plugin = load_entry(entry)
        if not isinstance(plugin, DomainPlugin):
            raise TypeError(f"entry point {entry.name!r} does not point at a DomainPlugin")
        if plugin.name != entry.name or plugin.name in plugins:
            raise ValueError(f"domain plugin {entry.name!r} is registered twice or under another name")
        plugins[plugin.name] = plugin
    return plugins


def load_domain(name: str) -> DomainPlugin:
    """The installed plugin called ``name``; an unknown name is a UserError listing the known ones."""
    plugins = installed_domains()
    if name not in plugins:
        known = ", ".join(sorted(plugins)) or "none"
        raise UserError(f"unknown domain '{name}' (installed: {known})", "pick one of those or install its plugin")
    return plugins[name]
