"""`dapt sft` and `dapt dpo` on the tiny Llama: the loss falls and only the answer tokens carry it,
early stopping keeps the best checkpoint, the tuned model round-trips into `dapt generate`, DPO's
reward margin grows, answers are parsed and scored to known values, planted personal data never
reaches a file, and bad input is one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from typer.testing import CliRunner

from dapt.cli import app
from dapt.config import InstructConfig, PreferenceConfig
from dapt.domains.base import load_domain
from dapt.records import Exchange
from dapt.runs import RunFolder
from dapt.training.adapters import VIRTUAL_TOKEN_METHODS, VIRTUAL_TOKENS, with_virtual_tokens
from dapt.training.instruct import Answerer, label_scores, parse_label, preference_pairs, sft_trainer, text_scores
from dapt.training.prompts import PromptFormat, fit_prompt
from tests.conftest import write_rows

runner = CliRunner()
LABELS = ["account_update", "card_dispute", "fraud_report", "loan_inquiry", "wire_transfer"]
FAST = {"max_length": 96, "max_answer_tokens": 8}
PLANTED = ["zebulon", "quixano", "536-22-8147", "zeb.quixano@example.org"]


def finance_rows(count: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in load_domain("finance").sample.task.read_text(encoding="utf-8").splitlines()]
    return [{"text": row["text"], "label": row["label"]} for row in rows[:count]]


def settings(tmp_path: Path, section: str, **values: object) -> Path:
    path = tmp_path / f"{section}.yaml"
    path.write_text(json.dumps({section: FAST | values}), encoding="utf-8")  # JSON is YAML
    return path


def tune(command: str, model: Path, train: Path, config: Path, out: Path, *extra: str):
    return runner.invoke(app, [command, "finance", "--model", str(model), "--train", str(train), "--config", str(config),
                               "--out", str(out), *extra])  # fmt: skip


def report_of(result, stage: str) -> dict:
    assert result.exit_code == 0, result.output
    run = RunFolder(Path(result.output.strip().splitlines()[-1]))
    return json.loads(run.report(stage).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def label_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("label-task")
    rows = finance_rows(80)
    return write_rows(folder / "train.jsonl", rows[:60]), write_rows(folder / "eval.jsonl", rows[60:])


@pytest.fixture(scope="module")
def sft_run(tmp_path_factory: pytest.TempPathFactory, tiny_causal_dir: Path, label_files: tuple[Path, Path]) -> Path:
    """A finished SFT run of the tiny Llama on the finance sample's labels (all weights, 40 steps)."""
    folder = tmp_path_factory.mktemp("sft")
    config = settings(folder, "instruct", method="full", learning_rate=3e-3, max_steps=40, eval_every=10)
    train, held = label_files
    result = tune("sft", tiny_causal_dir, train, config, folder / "runs", "--eval", str(held), "--answers", "label")
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


def test_when_instruction_tuning_then_the_loss_falls_the_best_step_is_kept_and_both_scores_are_reported(sft_run: Path) -> None:
    report = json.loads(RunFolder(sft_run).report("instruct").read_text(encoding="utf-8"))
    assert report["train_loss"][-1][1] < report["train_loss"][0][1] - 1.0
    best = min(report["validation_loss"], key=lambda point: point[1])
    assert report["best_step"] == best[0]
    assert report["rows"] == {"train": 54, "validation": 6, "eval": 20, "quarantined": 0}
    assert set(report["before"]) == set(report["after"]) == {"accuracy", "macro_f1", "unparsed"}
    assert report["labels"] == LABELS and report["replacements"]["PERSON"] > 0
    assert (sft_run / "manifest.json").is_file() and not sft_run.name.endswith(".partial")


def test_when_a_tuned_model_is_reloaded_then_it_generates_with_its_own_prompt_format(sft_run: Path, tmp_path: Path) -> None:
    model = RunFolder(sft_run).tuned_model("instruct")
    assert json.loads((model / "dapt_prompt.json").read_text(encoding="utf-8")) == {"answers": "label", "labels": LABELS}
    prompts = write_rows(tmp_path / "prompts.jsonl", [{"text": "Please wire 500 to my savings account."}])
    output = tmp_path / "out.jsonl"
    args = ["generate", "--model", str(sft_run), "--input", str(prompts), "--output", str(output), "--max-new-tokens", "4"]
    assert runner.invoke(app, args).exit_code == 0
    assert json.loads(output.read_text(encoding="utf-8"))["row"] == 0


@pytest.mark.parametrize(("method", "rate"), [("lora", 5e-3), ("dora", 5e-3), ("ia3", 5e-2), ("prompt", 1e-1),
                                             ("prefix", 5e-2)])  # fmt: skip
def test_when_tuning_with_each_adapter_then_the_loss_falls_and_the_saved_model_generates(
    tmp_path: Path, tiny_causal_dir: Path, label_files: tuple[Path, Path], method: str, rate: float
) -> None:
    config = settings(tmp_path, "instruct", method=method, learning_rate=rate, max_steps=30, eval_every=10, patience=9,
                      virtual_tokens=4)  # fmt: skip
    result = tune("sft", tiny_causal_dir, label_files[0], config, tmp_path / "runs", "--answers", "label")
    report = report_of(result, "instruct")
    assert report["train_loss"][-1][1] < report["train_loss"][0][1]
    run = Path(result.output.strip().splitlines()[-1])
    model = RunFolder(run).tuned_model("instruct")
    assert (model / VIRTUAL_TOKENS).is_dir() == (method in VIRTUAL_TOKEN_METHODS)
    prompts = write_rows(tmp_path / "prompts.jsonl", [{"text": "Please wire 500 to my savings account."}])
    args = ["generate", "--model", str(run), "--input", str(prompts), "--output", str(tmp_path / "out.jsonl"),
            "--max-new-tokens", "4"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    if method in VIRTUAL_TOKEN_METHODS:  # the learned positions are loaded with the weights, and count
        ids = AutoTokenizer.from_pretrained(model)("a card dispute", return_tensors="pt")
        base = AutoModelForCausalLM.from_pretrained(model)
        plain = base(**ids).logits[0, -1]
        assert not torch.allclose(with_virtual_tokens(base, model)(**ids).logits[0, -1], plain, atol=1e-4)
        again = tune("dpo", model, label_files[0], settings(tmp_path, "preference"), tmp_path / "runs")
        assert again.exit_code == 2 and "cannot be tuned further" in again.output


def test_when_validation_loss_stops_falling_then_training_stops_early_at_the_best_checkpoint(
    tmp_path: Path, tiny_causal_dir: Path, label_files: tuple[Path, Path]
) -> None:
    config = settings(tmp_path, "instruct", method="full", learning_rate=0.5, warmup_fraction=0, max_steps=200,
                      eval_every=2, patience=1)  # fmt: skip  # a rate this high overshoots within a few steps
    report = report_of(tune("sft", tiny_causal_dir, label_files[0], config, tmp_path / "runs", "--answers", "label"), "instruct")
    assert report["steps"] < 200
    assert report["best_step"] == min(report["validation_loss"], key=lambda point: point[1])[0] < report["steps"]


def test_when_building_sft_batches_then_only_the_answer_tokens_carry_labels(tiny_causal_dir: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_causal_dir)
    form = PromptFormat("label", LABELS)
    answerer = Answerer(AutoModelForCausalLM.from_pretrained(tiny_causal_dir), tokenizer, form, InstructConfig(**FAST))
    exchanges = [Exchange({"prompt": row["text"], "answer": row["label"]}, n) for n, row in enumerate(finance_rows(8))]
    trainer = sft_trainer(answerer, InstructConfig(**FAST), exchanges, exchanges[:2], tmp_path)
    batch = next(iter(trainer.get_train_dataloader()))
    answers = {exchange.texts["answer"] for exchange in exchanges}
    for ids, labels in zip(batch["input_ids"], batch["labels"], strict=True):
        supervised = tokenizer.decode(ids[labels != -100])
        assert supervised.removesuffix(tokenizer.eos_token).strip() in answers
        assert (labels != -100).sum() < (ids != tokenizer.pad_token_id).sum() / 4  # the prompt is most of the row


def test_when_preference_tuning_from_instruction_data_then_the_reward_margin_grows(
    sft_run: Path, tmp_path: Path, label_files: tuple[Path, Path]
) -> None:
    config = settings(tmp_path, "preference", method="full", learning_rate=1e-3, max_steps=12, beta=0.5)
    report = report_of(tune("dpo", sft_run, label_files[0], config, tmp_path / "runs", "--eval", str(label_files[1])), "preference")
    assert report["rows"]["pairs"] == 60  # label answers: every record gives a pair
    assert report["reward_margin"][-1][1] > report["reward_margin"][0][1]
    assert report["reward_accuracy"][-1][1] > 0.5
    assert set(report["after"]) == {"accuracy", "macro_f1", "unparsed"}


# fmt: off
@pytest.mark.parametrize("answers, labels, own, expected", [
    # label answers: the model's wrong answer is rejected; where it was right, another label is
    ("label", ["neg", "neu", "pos"], ["neu", "Pos."], [("neg", "neu"), ("pos", "<another>")]),
    # text answers: only where the model's answer differs, case and punctuation aside
    ("text", [], ["A reply.", "a REPLY"], [("A different reply", "A reply.")]),
])
# fmt: on
def test_when_building_pairs_from_instruction_data_then_the_reference_is_always_chosen(
    answers: str, labels: list[str], own: list[str], expected: list[tuple[str, str]]
) -> None:
    references = ["neg", "pos"] if answers == "label" else ["A different reply", "a reply."]
    exchanges = [Exchange({"prompt": f"text {n}", "answer": ref}, n) for n, ref in enumerate(references)]
    stub = SimpleNamespace(answers=lambda _: own, form=PromptFormat(answers, labels))
    pairs, right = preference_pairs(stub, exchanges, seed=0)
    assert right == 1 and len(pairs) == len(expected)
    for pair, (chosen, rejected) in zip(pairs, expected, strict=True):
        assert pair.texts["chosen"] == chosen
        if rejected == "<another>":
            assert pair.texts["rejected"] in set(labels) - {chosen}
        else:
            assert pair.texts["rejected"] == rejected


def test_when_pairs_are_given_then_dpo_learns_the_chosen_over_the_rejected(tmp_path: Path, tiny_causal_dir: Path) -> None:
    rows = [{"text": row["text"], "chosen": "Thank you, we are on it.", "rejected": "No."} for row in finance_rows(24)]
    pairs = write_rows(tmp_path / "pairs.jsonl", rows)
    config = settings(tmp_path, "preference", method="full", learning_rate=1e-3, max_steps=10)
    report = report_of(tune("dpo", tiny_causal_dir, pairs, config, tmp_path / "runs", "--pairs"), "preference")
    assert report["pairs_from"] == "given" and report["rows"]["pairs"] == 24
    assert report["reward_margin"][-1][1] > report["reward_margin"][0][1]


def test_when_personal_data_is_planted_in_every_prompt_and_answer_then_no_file_holds_it(
    tmp_path: Path, tiny_causal_dir: Path
) -> None:
    rows = [{"text": f"Patient name: Zebulon Quixano. SSN 536-22-8147, e-mail zeb.quixano@example.org. {row['text']}",
             "label": f"Zebulon Quixano (SSN 536-22-8147) asks about: {row['label']}"}
            for row in finance_rows(12)]  # fmt: skip
    train = write_rows(tmp_path / "train.jsonl", rows)
    config = settings(tmp_path, "instruct", max_steps=4, eval_every=2)
    result = tune("sft", tiny_causal_dir, train, config, tmp_path / "runs", "--eval", str(train))
    report_of(result, "instruct")
    assert not [value for value in PLANTED if value in result.output.lower()]
    written = [(path, path.read_bytes().decode("utf-8", errors="ignore").lower()) for path in (tmp_path / "runs").rglob("*") if path.is_file()]
    assert not [(path.name, value) for path, text in written for value in PLANTED if value in text]


# fmt: off
@pytest.mark.parametrize("answer, label", [
    ("card_dispute", "card_dispute"),          # exact
    ("Card_Dispute.", "card_dispute"),         # case and punctuation aside
    ("It is a fraud_report, clearly", "fraud_report"),  # named inside a sentence
    ("loan_inquiry or wire_transfer", "loan_inquiry"),  # the first named wins
    ("fraud", None),                           # part of a label names none
    ("", None),                                # nothing written
])
# fmt: on
def test_when_parsing_an_answer_then_the_label_it_names_is_found(answer: str, label: str | None) -> None:
    assert parse_label(answer, LABELS) == label


def test_when_scoring_label_answers_then_accuracy_and_macro_f1_are_known_values() -> None:
    answers = ["positive", "Negative.", "the answer is neutral", "dunno"]
    references = ["positive", "negative", "positive", "neutral"]
    scores = label_scores(answers, references, ["negative", "neutral", "positive"])
    # parsed: positive, negative, neutral, none → F1 negative 1, neutral 0, positive 2/3
    assert scores == {"accuracy": 50.0, "macro_f1": 55.56, "unparsed": 1}


def test_when_scoring_text_answers_then_identical_is_100_and_disjoint_is_0() -> None:
    same = text_scores(["the patient was discharged home today"], ["the patient was discharged home today"])
    assert same == {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0, "bleu": 100.0, "chrf": 100.0}
    apart = text_scores(["revenue grew"], ["the patient slept"])
    assert apart["rouge1"] == apart["rougeL"] == apart["bleu"] == 0.0


def test_when_a_prompt_is_longer_than_its_budget_then_it_keeps_its_start(tiny_causal_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_causal_dir)
    text = "The patient was admitted with chest pain. " * 20
    cut, was_cut = fit_prompt(tokenizer, text, 12)
    assert was_cut and text.startswith(cut) and len(tokenizer(cut, add_special_tokens=False)["input_ids"]) == 12
    assert fit_prompt(tokenizer, "Short.", 12) == ("Short.", False)


def test_when_no_rate_is_set_then_each_method_gets_its_default_and_dpo_a_tenth_of_it() -> None:
    assert InstructConfig().rate == 5e-4 and InstructConfig(method="full").rate == 2e-5
    assert InstructConfig(method="prompt").rate == 3e-2 and InstructConfig(method="prefix").rate == 1e-2
    assert PreferenceConfig().rate == pytest.approx(5e-5) and PreferenceConfig(method="ia3").rate == pytest.approx(3e-4)


# fmt: off
BAD_INPUT = [
    ("no answer field", [{"text": "a"}], [], "row 1: field 'label' is missing or empty"),
    ("an answer missing", [{"text": "a", "label": "x"}, {"text": "b", "label": ""}], [], "row 2: field 'label' is missing or empty"),
    ("a label that is a person", [{"text": "a", "label": "Zebulon Quixano"}, {"text": "b", "label": "x"}], ["--answers", "label"],
     "the label looks like personal data"),
    ("one row only", [{"text": "a", "label": "x"}], [], "too few to keep any for validation"),
]
# fmt: on


@pytest.mark.parametrize("rows, extra, message", [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_when_the_tuning_input_is_bad_then_one_line_and_exit_2(
    tmp_path: Path, tiny_causal_dir: Path, rows: list[dict], extra: list[str], message: str
) -> None:
    train = write_rows(tmp_path / "train.jsonl", rows)
    result = tune("sft", tiny_causal_dir, train, settings(tmp_path, "instruct"), tmp_path / "runs", *extra)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not [folder for folder in (tmp_path / "runs").glob("*") if not folder.name.endswith(".partial")]


def test_when_the_model_is_not_a_causal_lm_then_one_line_and_exit_2(tmp_path: Path, tiny_model_dir: Path) -> None:
    train = write_rows(tmp_path / "train.jsonl", finance_rows(4))
    result = tune("sft", tiny_model_dir, train, settings(tmp_path, "instruct"), tmp_path / "runs")
    assert result.exit_code == 2 and "nor a causal-LM folder" in result.output
