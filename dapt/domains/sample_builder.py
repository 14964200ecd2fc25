"""Shared machinery for the bundled domain samples: seeded draws, documents with gold PII spans.

A domain's ``sample_generator`` writes templates whose ``{slots}`` resolve to literal text or to
planted ``Pii`` values; ``DocumentBuilder`` records the offset of every planted value as it
appends it, so the gold spans are exact by construction. All randomness comes from one seed, so
``write_sample`` output is byte-identical on every run.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple, TypeVar

from faker import Faker

from dapt.io import write_jsonl
from dapt.records import Span

T = TypeVar("T")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Every style carries a day; keys show how 14 March 2021 is written.
DATE_STYLES: dict[str, Callable[[date], str]] = {
    "03/14/2021": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "3/14/2021": lambda d: f"{d.month}/{d.day}/{d.year}",
    "3/14/21": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "3/14": lambda d: f"{d.month}/{d.day}",
    "3-14-21": lambda d: f"{d.month}-{d.day}-{d.year % 100:02d}",
    "MARCH 14": lambda d: f"{MONTHS[d.month - 1].upper()} {d.day}",
    "March 14, 2021": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "Mar 14": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}",
    "Mar 14, 2021": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "14 Mar 2021": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "2021-03-14": lambda d: d.isoformat(),
}
DATE_SPREAD_DAYS = 10  # dates lie within ±10 days of the anchor, so within 21 days of each other
NAME_LOCALES = {"en_US": 0.7, "en_GB": 0.15, "en_IE": 0.15}
SLOT = re.compile(r"\{(\w+)\}")
SLOT_ESTIMATE = "x" * 24  # typical length of a filled slot, to size documents


@dataclass(frozen=True)
class Pii:
    """A planted personal-data value and its entity label."""

    value: str
    label: str


Part = str | Pii
Parts = Part | Sequence[Part]
Slot = Parts | Callable[[], Parts]


@dataclass(frozen=True)
class PlantedDoc:
    """A finished document and the gold spans of everything planted in it."""

    text: str
    spans: tuple[Span, ...]


class Draw:
    """The seeded random source of one sample part: a ``random.Random`` and Faker instances."""

    def __init__(self, seed: int) -> None:
        """Seed the ``Random`` with ``seed`` and each locale's Faker with ``seed`` plus its index."""
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, locale in enumerate(NAME_LOCALES):
            self.fakers[locale] = Faker(locale)
            self.fakers[locale].seed_instance(seed + offset)
        self.fake = self.fakers["en_US"]

    def pick(self, items: Sequence[T]) -> T:
        return self.rng.choice(items)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def digits(self, count: int) -> str:
        return "".join(self.pick(string.digits) for _ in range(count))

    def letters(self, count: int) -> str:
        return "".join(self.pick(string.ascii_uppercase) for _ in range(count))

    def name(self, sex: str = "") -> tuple[str, str]:
        """A (first, last) name from one of the English-speaking locales; ``sex`` is "F", "M" or ""."""
        locale = self.rng.choices(list(NAME_LOCALES), weights=list(NAME_LOCALES.values()))[0]
        fake = self.fakers[locale]
        first = {"F": fake.first_name_female, "M": fake.first_name_male}.get(sex, fake.first_name)()
        return first, fake.last_name()

    def email(self, first: str, last: str) -> str:
        user = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        suffix = self.digits(self.rng.randint(0, 2))
        return f"{user}{suffix}@{self.fake.free_email_domain()}"

    def day(self, first_year: int, last_year: int) -> date:
        """A uniformly drawn day in the given years (inclusive)."""
        start, end = date(first_year, 1, 1), date(last_year, 12, 31)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))


def name_variant(first: str, last: str, style: str) -> str:
    """A person's name as clinicians and clerks write it."""
    variants = {
        "full": f"{first} {last}",
        "last": last,
        "first": first,
        "upper": f"{first} {last}".upper(),
        "lower": f"{first} {last}".lower(),
        "initial": f"{first[0]}. {last}",
        "inverted": f"{last}, {first}",
    }
    return variants[style]


class DocumentBuilder:
    """Appends text and planted values to one document, recording the gold span of each value.

    Dates come from ``date``: every one lies within ``DATE_SPREAD_DAYS`` of the document's anchor.
    """

    def __init__(self, draw: Draw, anchor: date) -> None:
        self.draw = draw
        self.anchor = anchor
        self._chunks: list[str] = []
        self._length = 0
        self._spans: list[Span] = []

    def __len__(self) -> int:
        return self._length

    def add(self, text: str) -> DocumentBuilder:
        """Append literal text (no span)."""
        self._chunks.append(text)
        self._length += len(text)
        return self

    def pii(self, value: str, label: str) -> DocumentBuilder:
        """Append a planted value and record its gold span."""
        if not value:
            raise ValueError(f"empty {label} value")
        self._spans.append(Span(self._length, self._length + len(value), label))
        return self.add(value)

    def date(self, styles: Sequence[str]) -> Pii:
        """A DATE_TIME value near the anchor, written in one of ``styles``."""
        day = self.anchor + timedelta(days=self.draw.rng.randint(-DATE_SPREAD_DAYS, DATE_SPREAD_DAYS))
        return Pii(DATE_STYLES[self.draw.pick(styles)](day), "DATE_TIME")

    def extend(self, parts: Parts) -> DocumentBuilder:
        """Append literal text and planted values in order."""
        for part in [parts] if isinstance(parts, str | Pii) else parts:
            if isinstance(part, Pii):
                self.pii(part.value, part.label)
            else:
                self.add(part)
        return self

    def fill(self, template: str, slots: Mapping[str, Slot]) -> DocumentBuilder:
        """Append ``template``, resolving each ``{name}`` through ``slots`` (a callable is called)."""
        for index, piece in enumerate(SLOT.split(template)):
            if index % 2 == 0:
                if piece:
                    self.add(piece)
                continue
            slot = slots[piece]
            self.extend(slot() if callable(slot) else slot)
        return self

    def build(self) -> PlantedDoc:
        return PlantedDoc("".join(self._chunks), tuple(self._spans))


def usable(templates: Sequence[str], slots: Mapping[str, Slot]) -> list[str]:
    """The templates whose every slot is defined (a document without a date slot uses none)."""
    return [template for template in templates if set(SLOT.findall(template)) <= slots.keys()]


class Templates(NamedTuple):
    """The template pools of one document type: one head, several body sentences, one tail."""

    head: Sequence[str]
    body: Sequence[str]
    tail: Sequence[str]


def compose(builder: DocumentBuilder, slots: Mapping[str, Slot], templates: Templates, target: int) -> PlantedDoc:
    """A usable head, then a random subset of the usable body sentences (kept in pool order)
    sized to reach about ``target`` characters, then a usable tail."""
    rng = builder.draw.rng
    builder.fill(rng.choice(usable(templates.head, slots)), slots)
    sentences = usable(templates.body, slots)
    order = list(range(len(sentences)))
    rng.shuffle(order)
    chosen, estimate = [], len(builder)
    for index in order:
        if estimate >= target:
            break
        chosen.append(index)
        estimate += len(SLOT.sub(SLOT_ESTIMATE, sentences[index]))
    for index in sorted(chosen):
        builder.fill(sentences[index], slots)
    return builder.fill(rng.choice(usable(templates.tail, slots)), slots).build()


def balanced(
    draw: Draw, tags: Sequence[str], per_tag: int, make: Callable[[Draw, str], PlantedDoc]
) -> list[tuple[str, PlantedDoc]]:
    """``per_tag`` documents for every tag (kind or label), in a seeded shuffled order."""
    order = [tag for tag in tags for _ in range(per_tag)]
    draw.rng.shuffle(order)
    return [(tag, make(draw, tag)) for tag in order]


def write_sample(
    folder: Path,
    prefix: str,
    corpus: Sequence[tuple[str, PlantedDoc]],
    task: Sequence[tuple[str, PlantedDoc]],
    held_out: Sequence[tuple[str, PlantedDoc]],
) -> None:
    """Write corpus/task/eval JSONL (``(kind or label, doc)`` pairs) and the gold spans of all."""
    gold: list[dict[str, object]] = []

    def rows(part: str, field: str, docs: Sequence[tuple[str, PlantedDoc]]) -> list[dict[str, str]]:
        out = []
        for number, (tag, doc) in enumerate(docs, start=1):
            doc_id = f"{prefix}-{part}-{number:04d}"
            out.append({"id": doc_id, "text": doc.text, field: tag})
            spans = [{"start": s.start, "end": s.end, "label": s.label} for s in doc.spans]
            gold.append({"doc_id": doc_id, "text": doc.text, "spans": spans})
        return out

    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "corpus.jsonl", rows("corpus", "kind", corpus))
    write_jsonl(folder / "task.jsonl", rows("task", "label", task))
    write_jsonl(folder / "eval.jsonl", rows("eval", "label", held_out))
    write_jsonl(folder / "pii_gold.jsonl", gold)
