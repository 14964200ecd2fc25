"""Token classification on a tiny model: tags sit on each word's first piece, truncation is counted
and scored as misses, entity F1 has known values, and training (full and LoRA) learns the tags."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer

from dapt.config import FinetuneConfig
from dapt.errors import UserError
from dapt.training.builders import pick_device
from dapt.training.data import IGNORED
from dapt.training.tagging import build_tagger, encode_words, entity_scores, predict_tags, tag_set, train_tagger

NAMES = ["alice", "bob", "carol"]
FIRMS = ["acme", "globex"]
FILLER = ["the", "patient", "was", "seen", "today", "and", "notes", "say", "loan", "bank"]


def sentences(count: int, seed: int) -> list[dict]:
    """Each word's tag follows from the word: a name is B-PER, a firm B-ORG, anything else O."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = rng.sample(FILLER, 4) + [rng.choice(NAMES), rng.choice(FIRMS)]
        rng.shuffle(words)
        tags = ["B-PER" if w in NAMES else "B-ORG" if w in FIRMS else "O" for w in words]
        out.append({"tokens": words, "tags": tags})
    return out


def test_tag_set_has_both_prefixes_of_every_type() -> None:
    assert tag_set([{"tokens": ["a", "b"], "tags": ["B-PER", "O"]}, {"tokens": ["c"], "tags": ["I-ORG"]}]) == [
        "O", "B-ORG", "I-ORG", "B-PER", "I-PER",
    ]  # fmt: skip


def test_when_words_split_into_pieces_then_only_the_first_piece_carries_the_tag(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    row = {"tokens": ["hypercholesterolemia", "zygomaticus"], "tags": ["B-PER", "O"]}
    first, second = (len(tokenizer.tokenize(word)) for word in row["tokens"])
    encoded = encode_words(tokenizer, [row], ["O", "B-PER", "I-PER"], 64)
    assert first > 1 and second > 1
    assert encoded.targets[0] == [IGNORED, 1, *[IGNORED] * (first - 1), 0, *[IGNORED] * (second - 1), IGNORED]
    assert encoded.truncated == 0


def test_when_a_sentence_is_too_long_then_it_is_cut_counted_and_its_lost_words_are_misses(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    row = {"tokens": ["the"] * 20 + ["alice"], "tags": ["O"] * 20 + ["B-PER"]}
    encoded = encode_words(tokenizer, [row], ["O", "B-PER", "I-PER"], 8)
    assert encoded.truncated == 1 and len(encoded.input_ids[0]) == 8
    assert sum(t != IGNORED for t in encoded.targets[0]) == 6
    assert entity_scores([row["tags"]], [["O"] * 6])["entity_f1"] == 0.0


def test_when_a_row_has_a_tag_the_tagger_lacks_then_one_clear_error(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    rows = [{"tokens": ["the"], "tags": ["O"]}, {"tokens": ["acme"], "tags": ["B-ORG"]}]
    with pytest.raises(UserError, match=r"row 2: tag 'B-ORG' is not among the tagger's tags \(O, B-PER, I-PER\)"):
        encode_words(tokenizer, rows, ["O", "B-PER", "I-PER"], 16)


def test_entity_f1_counts_exact_spans_per_type() -> None:
    gold = [["B-PER", "I-PER", "O", "B-ORG"], ["B-LOC", "O"]]
    predicted = [["B-PER", "I-PER", "O", "O"], ["B-LOC", "B-ORG"]]
    scores = entity_scores(gold, predicted)
    # 2 of 3 gold entities found, 2 of 3 predictions right: precision = recall = F1 = 2/3
    assert scores["entity_f1"] == pytest.approx(0.6667)
    assert scores["per_type"]["PER"]["f1-score"] == 1.0 and scores["per_type"]["ORG"]["f1-score"] == 0.0


def test_when_a_tagger_is_asked_for_prompt_tuning_then_one_clear_error(tiny_model_dir: Path) -> None:
    with pytest.raises(UserError, match="a tagger cannot tag"):
        build_tagger(tiny_model_dir, ["O", "B-PER", "I-PER"], FinetuneConfig(method="prompt"))


@pytest.mark.parametrize("method", ["full", "lora", "prefix"])
def test_when_a_tagger_trains_then_loss_falls_and_the_best_weights_tag_held_out_sentences(
    tiny_model_dir: Path, method: str
) -> None:
    cfg = FinetuneConfig(method=method, max_steps=60, batch_size=8, max_length=32, learning_rate=2e-2,
                         head_learning_rate=2e-2, eval_every=10, patience=10)  # fmt: skip
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    train, validation = sentences(64, seed=0), sentences(16, seed=1)
    tags = tag_set(train)
    device = pick_device()
    tagger = train_tagger(tiny_model_dir, tokenizer, tags, train, validation, cfg, device)
    losses = tagger.log.train_loss
    assert sum(losses[-5:]) < sum(losses[:5]) / 2
    predicted, _ = predict_tags(tagger.model, encode_words(tokenizer, validation, tags, 32), tags, device, 8)
    score = entity_scores([r["tags"] for r in validation], predicted)["entity_f1"]
    assert score > 0.75 and score == pytest.approx(tagger.log.best_score)  # learnt; the best weights, merged
    assert not any(isinstance(m, torch.nn.Dropout) and m.training for m in tagger.model.modules())
