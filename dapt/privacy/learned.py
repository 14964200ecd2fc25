"""A learned name detector: a small spaCy NER model dapt trains itself, beside the rules.

The rules find a name by a cue (``dr.``, ``wife``, a capital that only names carry). A name with
no cue (``spoke with karen re plan``, ``transfer to WJM``) needs a model that reads the words
around it. This one is spaCy's own NER architecture (a hash-embedding CNN and a transition-based
parser, a few MB) trained from scratch on gold spans: dapt's generated nursing notes and any gold
set given (the tuning half of presidio-synth dev, never a set a figure is reported on), with text
in which nothing is personal (published abstracts) as negatives: without them it learns that a
capitalised word in prose is a name (``There``, ``However``). It reads
the case-restored view (casing.py), as every recognizer does, and finds people, places and
organisations only: identifiers and dates have patterns that check their own shape.

Its findings pass the same second look as every other recognizer's (plausibility.py: allow-listed
words, eponyms). It is off unless ``privacy.learned_detector`` names a trained folder;
docs/benchmarks.md says what it adds.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.language import Language
from spacy.training import Example
from spacy.util import filter_spans, fix_random_seed, minibatch

from dapt.config import InputConfig
from dapt.errors import UserError
from dapt.io import accept, read_documents
from dapt.privacy.casing import case_restored
from dapt.progress import progress
from dapt.records import Span
from dapt.runs import sha256_of

if TYPE_CHECKING:
    from dapt.privacy.evaluate import GoldDocument  # evaluate reaches this module through the engine

LEARNED = "LearnedRecognizer"
# gold labels the model learns, as the entity types it reports
LEARNED_TYPES = {
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "GPE": "LOCATION",
    "ORGANIZATION": "ORGANIZATION",
    "HOSPITAL": "ORGANIZATION",
}
SCORE = 0.6  # over the default score threshold (0.4); a guess, so under a checked pattern's 0.85-1.0
DROPOUT = 0.2
BATCH_SIZE = 8
VALIDATION_SHARE = 0.1
EPOCHS = 20
NOTES_SEED = 11  # the generated notes it trains on: bench/nursing_notes.py tunes on seed 1 and reports 2 and 3


def training_example(nlp: Language, document: GoldDocument, allowed: Collection[str]) -> Example:
    """``document``'s case-restored view with its names, places and organisations as entities;
    a span that cuts a token grows to the whole token, overlapping spans keep the longest."""
    view = case_restored(document.text, allowed)
    reference = nlp.make_doc(view)
    spans = [reference.char_span(s.start, s.end, LEARNED_TYPES[s.label], alignment_mode="expand")
             for s in document.spans if s.label in LEARNED_TYPES]  # fmt: skip
    reference.ents = filter_spans([span for span in spans if span is not None])
    return Example(nlp.make_doc(view), reference)


@dataclass(frozen=True)
class DetectorTraining:
    """What training did: sizes, the loss of each epoch and the validation F1 that picked the epoch."""

    documents: int
    validation_documents: int
    losses: list[float]
    validation_f1: list[float]
    best_epoch: int

    def to_json(self) -> dict:
        return {**vars(self), "losses": [round(x, 2) for x in self.losses], "validation_f1": [round(x, 4) for x in self.validation_f1]}


def train_detector(
    documents: Iterable[GoldDocument], output: Path, allowed: Collection[str], epochs: int = EPOCHS, seed: int = 0
) -> DetectorTraining:
    """Train the detector on ``documents`` (a seeded tenth held back to pick the best epoch) and
    save the best epoch's pipeline to ``output``."""
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in sorted(set(LEARNED_TYPES.values())):
        ner.add_label(label)
    examples = [training_example(nlp, document, allowed) for document in documents]
    random.Random(seed).shuffle(examples)
    held = max(1, round(len(examples) * VALIDATION_SHARE))
    if len(examples) <= held:
        raise UserError(f"{len(examples)} gold documents are too few to train a detector", "give at least 2")
    validation, training = examples[:held], examples[held:]
    fix_random_seed(seed)  # after the examples: the regex module's cache draws from ``random`` when it overflows
    optimizer = nlp.initialize(lambda: training)
    order = random.Random(seed + 1)
    losses: list[float] = []
    scores: list[float] = []
    best = (-1.0, 0, b"")  # validation F1, epoch, pipeline
    for epoch in progress(range(1, epochs + 1), "training the detector", total=epochs):
        order.shuffle(training)
        epoch_losses: dict[str, float] = {}
        for batch in minibatch(training, size=BATCH_SIZE):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=epoch_losses)
        losses.append(float(epoch_losses.get("ner", 0.0)))
        scores.append(nlp.evaluate(validation)["ents_f"] or 0.0)
        if scores[-1] > best[0]:
            best = (scores[-1], epoch, nlp.to_bytes())
    nlp.from_bytes(best[2])
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output, exclude=["vocab"])  # the string table holds every word trained on; hashes are enough
    return DetectorTraining(len(training), len(validation), losses, scores, best[1])


def plain_gold(path: Path, rows: int) -> list[GoldDocument]:
    """The first ``rows`` usable documents of ``path`` as gold documents with no span: text in which
    nothing is personal (published abstracts, say), which teaches the detector what prose is."""
    from dapt.privacy.evaluate import GoldDocument

    documents = islice(accept(read_documents(path, InputConfig()), "quarantine", []), rows)
    return [GoldDocument(document.id, document.text, ()) for document in documents]


def generated_gold(count: int, seed: int) -> list[GoldDocument]:
    """``count`` generated nursing notes (nursing_notes.py) as gold documents."""
    from dapt.privacy.evaluate import GoldDocument
    from dapt.privacy.nursing_notes import generate_notes

    return [GoldDocument(note["doc_id"], note["text"], tuple(Span(s["start"], s["end"], s["label"]) for s in note["spans"]))
            for note in generate_notes(count, seed)]  # fmt: skip


def training_documents(
    notes: int, notes_seed: int, gold: Iterable[Path] = (), half: str | None = None, plain: Iterable[Path] = (),
    plain_rows: int = 600,
) -> list[GoldDocument]:
    """What the detector trains on: ``notes`` generated notes, each ``gold`` file (only its ``half``
    when one is named) and the first ``plain_rows`` documents of each ``plain`` file."""
    from dapt.privacy.evaluate import in_half, read_gold

    documents = generated_gold(notes, notes_seed)
    for path in gold:
        documents += [document for document in read_gold(path) if half is None or in_half(document.doc_id, half)]
    for path in plain:
        documents += plain_gold(path, plain_rows)
    return documents


def detector_fingerprint(folder: str | None) -> str | None:
    """sha256 of every file of a detector folder in name order (None without one), for the stage
    keys: a detector retrained into the same folder redoes anonymization."""
    if not folder:
        return None
    return ",".join(sha256_of(path) for path in sorted(Path(folder).rglob("*")) if path.is_file())


@cache
def load_detector(folder: str) -> Language:
    """A trained detector, loaded once per process; a folder that holds none is a UserError."""
    path = Path(folder)
    if not (path / "config.cfg").is_file() or not (path / "ner").is_dir():
        raise UserError(f"privacy.learned_detector: {folder} holds no trained detector", "train one with dapt privacy train-detector")
    return spacy.load(path)


class LearnedRecognizer(EntityRecognizer):
    """The trained detector as a Presidio recognizer over the text it is given (the view)."""

    def __init__(self, folder: str) -> None:
        self._nlp = load_detector(folder)
        super().__init__(supported_entities=sorted(set(LEARNED_TYPES.values())), name=LEARNED)

    def load(self) -> None:
        """Loaded in ``__init__``."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """The model's people, places and organisations of the asked ``entities``."""
        wanted = set(entities)
        return [RecognizerResult(ent.label_, ent.start_char, ent.end_char, SCORE, recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: LEARNED, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
                for ent in self._nlp(text).ents if ent.label_ in wanted]  # fmt: skip
