"""Each stage function on a small medical slice, without Prefect, in flow order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer

from dapt.card import write_model_card
from dapt.cli import run_config
from dapt.errors import UserError
from dapt.ingest import ingest
from dapt.io import write_jsonl
from dapt.privacy.anonymize import anonymize
from dapt.privacy.report import write_pii_report
from dapt.privacy.residual import residual_scan
from dapt.runs import RunFolder, training_corpus
from dapt.splits import load_task_split
from dapt.training.classifier import Scorer
from dapt.training.evaluate import evaluate
from dapt.training.finetune import finetune
from dapt.training.pretrain import load_adaptable_model, pretrain
from dapt.validation.stages import validate_raw, validate_task
from dapt.vocab.extend import extend_vocabulary
from tests.slices import leaks, make_slice


@pytest.fixture(scope="module")
def staged(tmp_path_factory, tiny_model_dir: Path, tiny_config_file: Path):
    """Run stages 1-11 in order once; tests then check each stage's output."""
    folder = tmp_path_factory.mktemp("stages")
    piece = make_slice("medical", folder)
    # the frozen twin as companion and a surrogate copy of each text: those paths run too
    companion = {"finetune": {"companion": str(tiny_model_dir), "surrogate_copies": 1}}
    cfg = run_config("medical", tiny_config_file, {"base_model": str(tiny_model_dir), **companion})
    run = RunFolder(folder / "run")
    out = {"slice": piece, "cfg": cfg, "run": run.root, "folder": run}
    out["ingest"] = ingest(piece.inputs, cfg, run)
    out["raw"] = validate_raw(piece.inputs.corpus, cfg, run)
    out["anon"] = [anonymize(piece.inputs.corpus, "corpus", cfg, None, run), anonymize(piece.inputs.task, "task", cfg, None, run)]
    out["residual"] = residual_scan(["corpus", "task"], cfg, run)
    out["report"] = write_pii_report(run, out["anon"], out["residual"], cfg, None)
    out["vocab"] = extend_vocabulary(cfg, run)
    out["pretrain"] = pretrain(cfg, run)
    out["task_gate"] = validate_task(cfg, run, has_eval_file=False)
    out["finetune"] = finetune(cfg, run)
    out["metrics"] = evaluate(cfg, run)
    out["manifest"] = write_model_card(cfg, run)
    return out


def test_when_ingested_then_counts_and_hashes_but_no_text(staged) -> None:
    summary = json.loads((staged["run"] / "data" / "ingest.json").read_text())
    assert summary["corpus"]["rows"] == 60 and len(summary["corpus"]["sha256"]) == 64
    assert len(summary["task"]["labels"]) >= 4


def test_when_raw_gate_runs_then_every_expectation_passes_and_no_value_is_kept(staged) -> None:
    assert staged["raw"].success and staged["raw"].rows == 60
    saved = json.loads((staged["run"] / "validation" / "raw" / "result.json").read_text())
    assert sorted(c["check"] or c["expectation"] for c in saved["checks"]) == [  # dapt's checks, the medical domain's own
        "expect_column_median_to_be_between", "raw.duplicates", "raw.language", "raw.length", "raw.non_text", "raw.rows",
        "raw.unique_ids",
    ]


def test_when_anonymized_then_documents_in_equal_out_and_no_planted_value_remains(staged) -> None:
    corpus = staged["anon"][0]
    assert corpus.documents_in == corpus.documents_out + corpus.quarantined == 60
    assert corpus.findings > 100 and corpus.operators["date_shift"] > 0
    assert leaks(staged["run"], staged["slice"].planted) == []


def test_when_findings_are_written_then_they_hold_offsets_not_values(staged) -> None:
    lines = (staged["run"] / "privacy" / "corpus.findings.jsonl").read_text().splitlines()
    assert set(json.loads(lines[0])) == {"doc_id", "row", "start", "end", "entity_type", "score", "recognizer"}


def test_when_report_is_written_then_it_has_counts_residual_and_a_sign_off(staged) -> None:
    report = staged["report"]
    assert report["entities"]["PERSON"] > 0 and report["residual"]["passed"]
    html = (staged["run"] / "privacy" / "pii_report.html").read_text()
    assert "Sign-off" in html and "signature" in html


def test_when_report_is_written_then_it_shows_coverage_sources_scores_and_masked_samples(staged) -> None:
    report, findings = staged["report"], sum(result.findings for result in staged["anon"])
    assert set(report["coverage"]) == {"PERSON", "DATE_TIME", "MRN", "PHONE_NUMBER", "LOCATION", "HOSPITAL"}
    assert report["coverage"]["PERSON"] == report["entities"]["PERSON"]
    assert sum(sum(sources.values()) for sources in report["by_source"].values()) == findings
    assert sum(sum(bins) for bins in report["scores"].values()) == findings == sum(report["recognizers"].values())
    assert report["top_documents"][0]["findings"] >= report["top_documents"][-1]["findings"] > 0
    contexts = report["samples"]["contexts"]
    assert {c["entity_type"] for c in contexts} >= {"PERSON", "DATE_TIME"} and all(c["context"].count("[") for c in contexts)
    assert "PERSON" in report["detector"]["types"] and report["detector"]["measured"][0]["recall"] > 0
    assert report["policy_file"]["DATE_TIME"] == "date_shift" and len(report["policy_sha256"]) == 64
    html = (staged["run"] / "privacy" / "pii_report.html").read_text()
    assert "Coverage of the required types" in html and "Replacements in context" in html and html.count("<svg") >= 2


def test_when_an_identifier_is_injected_after_anonymization_then_the_gate_names_its_check_or_sets_it_aside(
    staged, tmp_path: Path
) -> None:
    """Limit 0: the anonymized-corpus gate fails naming its expectation (report written first).
    Within the limit: the document is set aside and no training stage reads it; counts add up."""
    run = RunFolder(tmp_path / "run")
    shutil.copytree(staged["run"], run.root)
    rows = [json.loads(line) for line in run.anonymized("corpus").read_text(encoding="utf-8").splitlines()]
    rows[3]["text"] += " Call Jonathan Whitaker at 617-555-0143 or jwhitaker@example.org, SSN 078-05-1120."
    write_jsonl(run.anonymized("corpus"), rows)
    cfg = staged["cfg"]
    strict = cfg.model_copy(update={"privacy": cfg.privacy.model_copy(update={"max_residual_doc_fraction": 0.0})})
    with pytest.raises(UserError, match=r"residual-PII gate failed: anonymized.residual: expect_column_values_to_be_between\(column=residual, "
                       r"max_value=0.0\); anonymized.independent: expect_column_values_to_be_between\(column=independent"):
        write_pii_report(run, staged["anon"][:1], residual_scan(["corpus"], strict, run), strict, None)
    assert run.pii_report("html").is_file()
    lenient = cfg.model_copy(update={"privacy": cfg.privacy.model_copy(update={"max_residual_doc_fraction": 0.5})})
    residual = residual_scan(["corpus"], lenient, run)
    aside = {json.loads(line)["row"] for line in run.residual_quarantine.read_text(encoding="utf-8").splitlines()}
    training = [row["row"] for row in training_corpus(run)]
    assert rows[3]["row"] in aside and residual.set_aside == len(aside) == residual.documents_with_residual
    assert sorted(training + sorted(aside)) == [row["row"] for row in rows] and not aside & set(training)
    corpus = staged["anon"][0]
    assert corpus.documents_in == corpus.documents_out + corpus.quarantined == len(rows)
    assert write_pii_report(run, staged["anon"][:1], residual, lenient, None)["residual"]["set_aside_from_training"] == len(aside)


def test_when_vocab_is_extended_then_20_words_are_added_and_text_gets_shorter(staged) -> None:
    vocab = staged["vocab"]
    assert vocab.added >= 20 and vocab.tokens_after < vocab.tokens_before


def test_when_new_tokens_are_added_then_embeddings_start_at_mean_of_pieces(staged, tiny_model_dir: Path) -> None:
    model, missing = load_adaptable_model(staged["cfg"], staged["folder"])
    old, new = AutoTokenizer.from_pretrained(tiny_model_dir), AutoTokenizer.from_pretrained(staged["folder"].tokenizer)
    base = AutoModelForMaskedLM.from_pretrained(tiny_model_dir).get_input_embeddings().weight
    token_id = len(old)
    word = new.convert_ids_to_tokens(token_id)
    pieces = old(word, add_special_tokens=False)["input_ids"]
    assert len(pieces) >= 2
    assert torch.allclose(model.get_input_embeddings().weight[token_id], base[pieces].mean(dim=0))


def test_when_pretrained_then_model_and_loss_curve_are_saved(staged) -> None:
    result = staged["pretrain"]
    assert result.steps == 4 and result.head_warmup_steps == 2
    report = json.loads((staged["run"] / "pretrain" / "report.json").read_text())
    assert len(report["loss_per_step"]) == 4 and (staged["run"] / "pretrain" / "model" / "config.json").exists()
    assert report["heldout_documents"] == len(list(training_corpus(staged["folder"]))) // 10  # a tenth, never trained on
    assert report["heldout_loss_after_head_warmup"] > 0 and report["heldout_loss_after_pretraining"] > 0


def test_when_task_gate_runs_then_it_passes_on_the_anonymized_task(staged) -> None:
    assert staged["task_gate"].success


def test_when_finetuned_with_lora_then_only_a_few_weights_train(staged) -> None:
    result = staged["finetune"]
    assert result.method == "lora" and result.trainable_parameters < result.total_parameters / 2
    assert (staged["run"] / "finetune" / "adapter" / "adapter_config.json").exists()
    assert (staged["run"] / "finetune" / "merged" / "config.json").exists()


def test_when_finetuned_then_the_report_and_card_say_which_encoder_it_started_from(staged) -> None:
    report = json.loads(staged["folder"].report("finetune").read_text())
    probe = report["start_probe_macro_f1"]
    assert set(probe) == {"adapted", "base"} and probe[report["start_from"]] == max(probe.values())
    card = (staged["run"] / "model_card.md").read_text()
    assert f"started from the {report['start_from']} encoder" in card and f"adapted {probe['adapted']}" in card


def test_when_pretrained_then_the_card_shows_each_planted_canarys_exposure(staged) -> None:
    audit = json.loads(staged["folder"].report("pretrain").read_text())["memorisation"]
    shapes = staged["cfg"].pretrain.canaries
    assert [(row["kind"], row["repeats"]) for row in audit["canaries"]] == [
        (kind, repeats) for kind in sorted(shapes.formats) for repeats in shapes.repeats
    ]
    assert audit["passed"] and audit["candidates"] == 100
    card = (staged["run"] / "model_card.md").read_text()
    assert "## Memorisation audit" in card
    for row in audit["canaries"]:
        assert f"| {row['kind']} | {row['repeats']} | {row['expected_sightings']} | {row['exposure_bits']} |" in card


def test_when_the_task_is_split_then_evaluation_reads_the_split_training_saved(staged) -> None:
    saved = json.loads(staged["folder"].task_split.read_text())
    train, held_out = saved["train"]["rows"], saved["eval"]["rows"]
    assert set(train).isdisjoint(held_out) and len(train) + len(held_out) == staged["ingest"]["task"].rows
    assert staged["finetune"].train_examples + staged["finetune"].validation_examples == len(train)
    assert staged["metrics"]["examples"] == len(held_out)
    assert [row["row"] for row in load_task_split(staged["folder"]).eval] == held_out


def test_when_evaluated_then_metrics_hold_f1_accuracy_report_and_matrix(staged) -> None:
    metrics = json.loads((staged["run"] / "eval" / "metrics.json").read_text())
    assert 0 <= metrics["macro_f1"] <= 1 and 0 <= metrics["accuracy"] <= 1
    size = len(metrics["labels"])
    assert len(metrics["confusion_matrix"]) == size and sum(map(sum, metrics["confusion_matrix"])) == metrics["examples"]
    swap = metrics["counterfactual_gender_swap"]
    assert 0 < swap["texts_changed"] <= metrics["examples"] and 0 <= swap["predictions_flipped"] <= swap["texts_changed"]
    assert 0 <= metrics["expected_calibration_error"] <= 1 and len(metrics["most_confident_mistakes"]) <= 5


def test_when_card_is_written_then_manifest_lists_every_file_with_sha256(staged) -> None:
    manifest = json.loads(staged["manifest"].read_text())
    listed = {a["path"] for a in manifest["artifacts"]}
    on_disk = {p.relative_to(staged["run"]).as_posix() for p in staged["run"].rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk and "model_card.md" in listed
    assert all(len(a["sha256"]) == 64 for a in manifest["artifacts"])


def test_when_full_finetuning_is_chosen_then_no_adapter_and_frozen_layers_stay(staged, tmp_path) -> None:
    from dapt.training.finetune import build_classifier

    settings = staged["cfg"].finetune.model_copy(update={"method": "full", "freeze_layers": 1})
    model = build_classifier(staged["run"] / "pretrain" / "model", ["a", "b"], settings)
    assert not any(p.requires_grad for p in model.encoder.encoder.layer[0].parameters())
    assert all(p.requires_grad for p in model.encoder.encoder.layer[1].parameters())


def test_when_predicting_a_file_then_one_line_per_record_without_text(staged, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dapt.cli import app

    source = staged["slice"].inputs.task
    output = tmp_path / "predictions.jsonl"
    result = CliRunner().invoke(app, ["predict", "--model", str(staged["run"]), "--input", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    labels = json.loads((staged["run"] / "eval" / "metrics.json").read_text())["labels"]
    assert [r["row"] for r in rows] == list(range(staged["ingest"]["task"].rows))
    assert {r["label"] for r in rows} <= set(labels) and all(set(r) == {"row", "label", "confidence"} for r in rows)


def test_when_predict_gets_a_folder_without_a_model_then_one_line_and_no_output(staged, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dapt.cli import app

    output = tmp_path / "p.jsonl"
    args = ["predict", "--model", str(tmp_path), "--input", str(staged["slice"].inputs.task), "--output", str(output)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "neither a run folder with a fine-tuned model" in result.output
    assert not output.exists() and not list(tmp_path.glob("*.partial"))


def test_when_card_is_written_then_it_starts_with_hugging_face_metadata(staged) -> None:
    import yaml

    text = (staged["run"] / "model_card.md").read_text()
    meta = yaml.safe_load(text.split("---\n")[1])
    metrics = json.loads((staged["run"] / "eval" / "metrics.json").read_text())
    result = meta["model-index"][0]["results"][0]
    assert meta["pipeline_tag"] == "text-classification" and result["task"]["type"] == "text-classification"
    assert {m["type"]: m["value"] for m in result["metrics"]} == {"f1": metrics["macro_f1"], "accuracy": metrics["accuracy"]}


def test_when_evaluated_then_an_int8_copy_is_saved_scored_and_used_by_predict(staged, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dapt.cli import app
    from dapt.training.classifier import Scorer
    from dapt.training.export import INT8_WEIGHTS, load_int8

    run, int8 = staged["folder"], staged["metrics"]["int8"]
    assert set(int8) == {"accuracy", "macro_f1", "ms_per_text_cpu", "megabytes"} and int8["ms_per_text_cpu"]["int8"] > 0
    fp32_weights = sum(p.stat().st_size for p in run.merged_model.glob("*.safetensors"))
    assert (run.int8_model / INT8_WEIGHTS).stat().st_size < fp32_weights
    assert (run.int8_model / "companion" / INT8_WEIGHTS).is_file()
    texts = [row["text"] for row in load_task_split(run).eval]
    fp32_probabilities, _ = Scorer.load(run.merged_model, 64)(texts)
    int8_probabilities, _ = load_int8(run.int8_model, 64)(texts)
    assert abs(fp32_probabilities - int8_probabilities).max() < 0.05
    output = tmp_path / "int8.jsonl"
    args = ["predict", "--model", str(run.root), "--int8", "--input", str(staged["slice"].inputs.task), "--output", str(output)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(output.read_text().splitlines()) == staged["ingest"]["task"].rows


def test_when_evaluated_then_words_are_attributed_for_right_and_wrong_predictions(staged) -> None:
    from dapt.training.attributions import merged_words

    explained = staged["metrics"]["token_attributions"]
    texts = {row["row"]: row["text"].lower() for row in load_task_split(staged["folder"]).eval}
    assert 1 <= len(explained) <= 6 and {x["kind"] for x in explained} == {"task"}
    for example in explained:
        assert max(abs(score) for _, score in example["words"]) == 1.0
        assert all(word in texts[example["row"]] for word, _ in example["words"] if word != "[UNK]")
    assert "row" in (staged["run"] / "eval" / "report.html").read_text().split("rests on")[1]
    assert merged_words(["hyper", "##tension", "is", "[UNK]"], [0.5, 1.5, -4.0, 0.0]) == [
        ("hypertension", 0.5), ("is", -1.0), ("[UNK]", 0.0),
    ]  # fmt: skip


def test_when_a_companion_is_set_then_it_is_saved_scored_alone_and_named_in_the_card(staged) -> None:
    alone = staged["metrics"]["macro_f1_alone"]
    assert set(alone) == {"fine_tuned", "companion"} and all(0 <= f1 <= 1 for f1 in alone.values())
    assert (staged["folder"].merged_model / "companion" / "classifier.json").is_file()
    assert staged["finetune"].companion == str(staged["cfg"].finetune.companion)
    card = (staged["run"] / "model_card.md").read_text()
    assert "Companion (`finetune/merged/companion`)" in card and f"companion {alone['companion']}" in card


def test_when_labels_are_few_then_evaluation_scores_with_the_saved_weights(staged) -> None:
    share = staged["finetune"].fine_tuned_share
    scorer = Scorer.load(staged["folder"].merged_model, staged["cfg"].finetune.max_length)
    assert 0 < share < 0.5 and scorer.weights() == [share, 1 - share]  # about 10 labels per class
    rows = {row["row"]: row["text"] for row in load_task_split(staged["folder"]).eval}
    mistakes = staged["metrics"]["most_confident_mistakes"]
    probabilities, _ = scorer([rows[mistake["row"]] for mistake in mistakes])
    assert mistakes and [m["confidence"] for m in mistakes] == [round(float(p), 3) for p in probabilities.max(axis=1)]


def test_when_surrogate_copies_are_asked_then_texts_with_personal_values_are_added(staged) -> None:
    result = staged["finetune"]
    assert 0 < result.surrogate_copies <= result.train_examples
    report = json.loads((staged["run"] / "finetune" / "report.json").read_text())
    assert report["surrogate_copies"] == result.surrogate_copies


@pytest.mark.parametrize("method", ["prompt", "prefix"])
def test_when_finetuned_with_virtual_tokens_then_the_stage_saves_evaluates_and_predicts_with_them(
    staged, tmp_path: Path, method: str
) -> None:
    import shutil

    from dapt.training.adapters import VIRTUAL_TOKENS

    run = RunFolder(tmp_path / "run")
    shutil.copytree(staged["run"], run.root)
    shutil.rmtree(run.root / "finetune")
    shutil.rmtree(run.root / "eval")
    cfg = staged["cfg"].model_copy(update={"finetune": staged["cfg"].finetune.model_copy(update={"method": method})})
    finetune(cfg, run)
    metrics = evaluate(cfg, run)
    assert (run.merged_model / VIRTUAL_TOKENS / "adapter_config.json").is_file()
    assert (run.int8_model / VIRTUAL_TOKENS).is_dir() and metrics["macro_f1"] >= 0
