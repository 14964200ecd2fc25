"""Fine-tuning on tiny models: loss falls, early stopping keeps the best weights, LoRA with added
tokens round-trips through save → reload → merge → predict, class weights and schedules."""

from __future__ import annotations

import random
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from tokenizers import AddedToken
from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer

from dapt.config import FinetuneConfig
from dapt.splits import stratified_split
from dapt.training import loop
from dapt.training.adapters import VIRTUAL_TOKEN_METHODS, VIRTUAL_TOKENS, merged
from dapt.training.builders import pick_device, warmup_then_decay
from dapt.training.classifier import EncoderClassifier, Scorer, class_probabilities, load_classifier, pooled_texts
from dapt.training.data import encode
from dapt.training.evaluate import expected_calibration_error
from dapt.training.export import load_int8, save_int8
from dapt.training.finetune import (
    build_classifier,
    class_weights,
    refit_head,
    train_classifier,
    validate,
)
from dapt.training.start import new_token_ids
from dapt.vocab.extend import init_new_embeddings

LABELS = ["bad", "good"]
NEW_WORDS = ["zorbitol", "quandrex"]
KNOWN_WORDS = ["pain", "revenue"]  # in the tiny vocabulary: a task methods that cannot train added rows can learn


def rows(count: int, seed: int = 0, markers: list[str] = NEW_WORDS) -> list[dict]:
    """A separable task: the first marker (by default the new word ``zorbitol``) marks ``good``,
    the second (``quandrex``) marks ``bad``."""
    rng = random.Random(seed)
    filler = ["the", "patient", "was", "seen", "today", "and", "notes", "say"]
    out = []
    for i in range(count):
        label = LABELS[i % 2]
        words = rng.sample(filler, 4) + [markers[0] if label == "good" else markers[1]]
        out.append({"text": " ".join(rng.sample(words, len(words))), "label": label})
    return out


@pytest.fixture(scope="module")
def extended_model_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny BERT with two added whole-word tokens, as the pretraining stage leaves it."""
    folder = tmp_path_factory.mktemp("extended")
    old = AutoTokenizer.from_pretrained(tiny_model_dir)
    new = AutoTokenizer.from_pretrained(tiny_model_dir)
    new.add_tokens([AddedToken(word, single_word=True, normalized=True) for word in NEW_WORDS])
    model = AutoModelForMaskedLM.from_pretrained(tiny_model_dir)
    init_new_embeddings(model, old, new)
    model.save_pretrained(folder)
    new.save_pretrained(folder)
    return folder


def settings(**changes) -> FinetuneConfig:
    base = {"max_steps": 30, "batch_size": 8, "max_length": 32, "learning_rate": 5e-3, "head_learning_rate": 5e-3}
    return FinetuneConfig(**{**base, **changes})


def train_tiny(folder: Path, cfg: FinetuneConfig, train_rows: list[dict], validation_rows: list[dict], base: Path):
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = build_classifier(folder, LABELS, cfg, new_token_ids(AutoTokenizer.from_pretrained(base), tokenizer))
    train = encode(tokenizer, train_rows, LABELS, cfg.max_length)
    validation = encode(tokenizer, validation_rows, LABELS, cfg.max_length)
    return model, tokenizer, train, validation, train_classifier(model, train, validation, cfg, pick_device())


def test_when_lora_trains_with_added_tokens_then_loss_falls_and_only_new_rows_change(
    extended_model_dir: Path, tiny_model_dir: Path
) -> None:
    new_ids = new_token_ids(
        AutoTokenizer.from_pretrained(tiny_model_dir), AutoTokenizer.from_pretrained(extended_model_dir)
    )
    assert len(new_ids) == len(NEW_WORDS)
    before = AutoModelForMaskedLM.from_pretrained(extended_model_dir).get_input_embeddings().weight.detach().clone()
    model, _, _, _, log = train_tiny(
        extended_model_dir, settings(patience=50), rows(48), rows(16, seed=1), tiny_model_dir
    )
    merged = model.encoder.merge_and_unload().get_input_embeddings().weight.detach()
    changed = (merged - before).abs().sum(dim=1) > 0
    assert sorted(torch.nonzero(changed).flatten().tolist()) == new_ids
    assert np.mean(log.train_loss[-5:]) < np.mean(log.train_loss[:5]) and log.best_score == 1.0


@pytest.mark.parametrize(
    ("method", "rate"),
    [("lora", 5e-3), ("dora", 5e-3), ("ia3", 1e-1), ("prompt", 1e-1), ("prefix", 3e-1)],  # IA3 and the virtual
)  # tokens change little per step: they need a larger one
def test_when_an_adapter_is_trained_saved_and_merged_then_loss_fell_and_the_reloaded_model_predicts_the_same(
    extended_model_dir: Path, tiny_model_dir: Path, tmp_path: Path, method: str, rate: float
) -> None:
    cfg = settings(method=method, learning_rate=rate, max_steps=60, patience=60, virtual_tokens=4)
    markers = NEW_WORDS if method in ("lora", "dora") else KNOWN_WORDS  # the others leave the added rows as they are
    train, held = rows(32, markers=markers), rows(8, seed=1, markers=markers)
    model, tokenizer, _, validation, log = train_tiny(extended_model_dir, cfg, train, held, tiny_model_dir)
    adapter = model.encoder.peft_config["default"]
    assert ("dora" if getattr(adapter, "use_dora", False) else adapter.peft_type.value.lower().split("_")[0]) == method
    assert np.mean(log.train_loss[-5:]) < np.mean(log.train_loss[:5])
    torch.manual_seed(0)
    new_ids = new_token_ids(AutoTokenizer.from_pretrained(tiny_model_dir), tokenizer)
    untrained = build_classifier(extended_model_dir, LABELS, cfg, new_ids)
    trained_pairs = zip(model.encoder.parameters(), untrained.encoder.parameters(), strict=True)
    assert any(p.requires_grad and not torch.equal(p, q) for p, q in trained_pairs)  # not only the head moved
    model.eval()
    with torch.no_grad():
        expected = torch.softmax(torch.cat([model(**b) for b in validation.batches(8, torch.device("cpu"))]), -1)
    model.encoder.save_pretrained(tmp_path / "adapter")
    model.encoder = merged(model.encoder)
    model.save(tmp_path / "merged", tokenizer)
    score = Scorer.load(tmp_path / "merged", 32)
    probabilities, truncated = score([r["text"] for r in held])
    assert score.labels == LABELS and truncated == 0
    assert np.allclose(probabilities, expected.numpy(), atol=1e-5)
    reloaded, _ = load_classifier(tmp_path / "merged")
    assert reloaded.encoder.get_input_embeddings().weight.shape[0] == len(tokenizer)
    assert (tmp_path / "adapter" / "adapter_config.json").is_file()
    assert (tmp_path / "merged" / VIRTUAL_TOKENS).is_dir() == (method in VIRTUAL_TOKEN_METHODS)


@pytest.mark.parametrize("method", VIRTUAL_TOKEN_METHODS)
def test_when_a_virtual_token_classifier_is_quantized_then_the_int8_copy_keeps_its_tokens(
    tiny_model_dir: Path, tmp_path: Path, method: str
) -> None:
    torch.manual_seed(0)
    model = build_classifier(tiny_model_dir, LABELS, settings(method=method, virtual_tokens=4))
    model.save(tmp_path / "fp32", AutoTokenizer.from_pretrained(tiny_model_dir))
    texts = [row["text"] for row in rows(12, seed=4, markers=KNOWN_WORDS)]
    fp32 = Scorer.load(tmp_path / "fp32", 32)
    save_int8(fp32, tmp_path / "fp32", tmp_path / "int8")
    reloaded = load_int8(tmp_path / "int8", 32)
    assert (tmp_path / "int8" / VIRTUAL_TOKENS / "adapter_config.json").is_file()
    assert abs(reloaded(texts)[0] - fp32(texts)[0]).max() < 0.05
    plain = Scorer(EncoderClassifier(fp32.model.encoder.get_base_model(), LABELS), fp32.tokenizer, fp32.device, 32)
    plain.model.head.load_state_dict(fp32.model.head.state_dict())
    assert abs(plain(texts)[0] - fp32(texts)[0]).max() > 1e-3  # the learned tokens count in both copies


@pytest.mark.parametrize("labels", [LABELS, ["bad", "good", "mixed"]])
def test_when_the_head_is_refit_then_it_predicts_what_logistic_regression_on_normalised_texts_does(
    tiny_model_dir: Path, tmp_path: Path, labels: list[str]
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    texts = [row["text"] for row in rows(30)]
    labelled = encode(
        tokenizer, [{"text": t, "label": labels[i % len(labels)]} for i, t in enumerate(texts)], labels, 32
    )
    model = EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), labels)
    device = pick_device()
    refit_head(model, labelled, device, class_weighted=False)
    pooled = pooled_texts(model, labelled, device)
    expected = LogisticRegression(max_iter=3000).fit(pooled, labelled.targets).predict_proba(pooled)
    assert np.allclose(class_probabilities(model, labelled, device).numpy(), expected, atol=1e-4)
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-5)
    model.save(tmp_path, tokenizer)
    reloaded, _ = load_classifier(tmp_path)
    assert reloaded.normalized and np.allclose(
        class_probabilities(reloaded, labelled, device).numpy(), expected, atol=1e-4
    )


def test_when_validation_stops_improving_then_training_stops_early_with_the_best_weights(tiny_model_dir: Path) -> None:
    noise = [{"text": r["text"], "label": random.Random(i).choice(LABELS)} for i, r in enumerate(rows(16, seed=2))]
    cfg = settings(method="full", max_steps=200, eval_every=2, patience=2)
    model, _, _, validation, log = train_tiny(tiny_model_dir, cfg, rows(32), noise, tiny_model_dir)
    assert log.stopped_early and len(log.train_loss) < cfg.max_steps
    assert len(log.validations) - [v["step"] for v in log.validations].index(log.best_step) - 1 == cfg.patience + 1
    f1, _ = validate(model, validation, pick_device())
    assert f1 == pytest.approx(log.best_score)


def test_when_training_runs_between_validations_then_every_step_reports_progress(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[tuple[int, str]] = []

    @contextmanager
    def recording(*_, **__):
        yield lambda step, status: reported.append((step, status))

    monkeypatch.setattr(loop, "step_progress", recording)
    cfg = settings(method="full", max_steps=6, eval_every=3, patience=10)
    train_tiny(tiny_model_dir, cfg, rows(32), rows(8, seed=1), tiny_model_dir)
    assert [step for step, _ in reported] == list(range(1, 7))
    assert ["validation" in status for _, status in reported] == [False, False, True, False, False, True]


@pytest.mark.parametrize(
    ("targets", "mode", "expected"),
    [
        ([0, 0, 1, 1], "auto", None),
        ([0, 0, 0, 1], "auto", [4 / 6, 4 / 2]),
        ([0, 0, 0, 1], "off", None),
        ([0, 0, 1, 1], "on", [1.0, 1.0]),
    ],
)
def test_class_weights(targets: list[int], mode: str, expected: list[float] | None) -> None:
    weights = class_weights(targets, 2, FinetuneConfig(class_weights=mode))
    assert (weights is None) if expected is None else weights.tolist() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("decay", "factors"),
    [("linear", [0.5, 1.0, 1.0, 0.75, 0.5, 0.25]), ("cosine", [0.5, 1.0, 1.0, 0.8536, 0.5, 0.1464])],
)
def test_warmup_then_decay(decay: str, factors: list[float]) -> None:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = warmup_then_decay(optimizer, steps=6, warmup=2, decay=decay)
    seen = []
    for _ in range(6):
        seen.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert seen == pytest.approx(factors, abs=1e-4)


def test_when_texts_are_too_long_then_they_are_truncated_and_counted(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    encoded = encode(
        tokenizer, [{"text": "the patient " * 40, "label": "good"}, {"text": "short", "label": "bad"}], LABELS, 16
    )
    assert encoded.truncated == 1 and max(map(len, encoded.input_ids)) == 16
    assert encoded.input_ids[0][-1] == tokenizer.sep_token_id and encoded.targets == [1, 0]


def test_expected_calibration_error_of_a_known_case() -> None:
    confidence = np.array([0.9, 0.9, 0.6, 0.6])
    correct = np.array([1.0, 0.0, 1.0, 1.0])
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.5 * 0.4 + 0.5 * 0.4)


def test_stratified_split_keeps_one_of_each_class_on_both_sides() -> None:
    task = [{"label": label} for label in ["a"] * 2 + ["b"] * 2 + ["c"] * 2 + ["d"]]
    first, second = stratified_split(task, 0.2, seed=0)
    assert {r["label"] for r in second} == {"a", "b", "c"} and {r["label"] for r in first} == {"a", "b", "c", "d"}


def test_supervised_contrastive_loss_of_known_cases() -> None:
    from dapt.training.finetune import supervised_contrastive_loss

    apart = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    targets = torch.tensor([0, 0, 1, 1])
    expected = -np.log(np.exp(1 / 0.5) / (np.exp(1 / 0.5) + 2))  # one positive at cos 1, two negatives at cos 0
    assert supervised_contrastive_loss(apart, targets, 0.5).item() == pytest.approx(expected, rel=1e-5)
    assert supervised_contrastive_loss(apart, torch.tensor([0, 1, 2, 3]), 0.5).item() == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said his wife was well.", "She said her husband was well."),
        ("Mrs Smith saw her son.", "Mr Smith saw his daughter."),
        ("Revenue rose 5 %.", "Revenue rose 5 %."),
    ],
)
def test_gender_swap_of_words(text: str, expected: str) -> None:
    from dapt.training.counterfactual import swap_gender

    assert swap_gender(text, random.Random(0)) == expected


def test_gender_swap_of_a_first_name_draws_one_of_the_other_gender() -> None:
    from dapt.privacy.operators.surrogate import gendered_first_names
    from dapt.training.counterfactual import swap_gender

    female, male = gendered_first_names()
    name = sorted(female)[0].capitalize()
    swapped = swap_gender(f"{name} was admitted.", random.Random(0)).split()[0]
    assert swapped.lower() in male and swapped[0].isupper()


def test_texts_scored_in_batches_of_similar_length_come_back_in_their_own_order(tiny_model_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    torch.manual_seed(0)
    model = EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), ["a", "b"])
    texts = [" ".join(["patient seen today with pain"] * (i % 7 + 1)) + f" note {i}" for i in range(150)]
    encoded = encode(tokenizer, [{"text": text} for text in texts], model.labels, 64)
    assert encoded.by_length() != list(range(len(texts)))  # the batches really are reordered
    device = pick_device()
    together, probabilities = pooled_texts(model, encoded, device), class_probabilities(model, encoded, device)
    for index in (0, 1, 6, 77, 149):
        alone = encode(tokenizer, [{"text": texts[index]}], model.labels, 64)
        assert np.allclose(together[index], pooled_texts(model, alone, device)[0], atol=1e-5)
        assert torch.allclose(probabilities[index], class_probabilities(model, alone, device)[0], atol=1e-5)
