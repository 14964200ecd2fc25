"""The PII report, the evaluation report and the validation page in a real browser (headless
Chromium, the Debian packages `chromium` and `chromium-driver`, which `.ci/run` installs): their
sections and charts are there, the console logs no error, nothing is loaded from the network, and
markup planted in the run id, a document id and a label comes out as escaped text, never as live
elements, and no planted personal value reaches a page.

The pages are rendered from the privacy and validation stages run on a small medical slice; the
evaluation report from metrics computed on that slice's anonymized split (no model is trained).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapt.cli import run_config
from dapt.ingest import ingest
from dapt.privacy.anonymize import anonymize
from dapt.privacy.report import write_pii_report
from dapt.privacy.residual import residual_scan
from dapt.runs import RunFolder, write_json
from dapt.splits import load_task_split
from dapt.training.evaluate import classification_metrics, confident_mistakes, write_eval_report
from dapt.validation.report import write_validation_page
from dapt.validation.stages import validate_raw, validate_task
from tests.slices import MIN_CHECKED_LENGTH, Slice, appears, leaks, make_slice

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs the Debian packages chromium and chromium-driver (.ci/run installs them)",
)

RUN_ID = '"><img src=x onerror=alert(1)>'  # the run folder's name, shown on every page
DOCUMENT_ID = '"><img src=x onerror=alert(2)>'  # a corpus id: ids never reach a page at all
LABEL = "<script>alert(3)</script>"  # a task label: the evaluation report shows labels
SECTIONS = {
    "privacy/pii_report.html": ["Personal-data report", "Policy", "Coverage of the required types", "What came in and went out",
                                "What personal data was found", "Detectors", "Findings by entity type and source",
                                "Scores per entity type", "Documents with the most findings", "Replacements in context",
                                "Residual risk", "What the scan can and cannot show", "Validation", "Sign-off"],
    "eval/report.html": ["Evaluation", "Int8 copy for CPU", "Per class", "Confusion matrix", "Learning curves",
                         "Most confident mistakes", "Which words the prediction rests on"],
    "validation/report.html": ["Validation results", "Gates", "Raw corpus (stage 2): raw_corpus",
                               "Anonymized corpus (stage 4): anonymized", "Task data (stage 8): task", "Rows set aside"],
}  # fmt: skip
CHARTS = {"privacy/pii_report.html": "rect", "eval/report.html": "polyline", "validation/report.html": "rect"}  # what each page's SVG chart draws


def plant_markup(piece: Slice) -> None:
    """A corpus id and a whole class's label become markup; one corpus row loses its text (set aside)."""
    corpus = [json.loads(line) for line in piece.inputs.corpus.read_text(encoding="utf-8").splitlines()]
    task = [json.loads(line) for line in piece.inputs.task.read_text(encoding="utf-8").splitlines()]
    corpus[0]["id"] = DOCUMENT_ID
    corpus.append({"id": "empty", "text": ""})
    first = task[0]["label"]
    task = [row | {"label": LABEL} if row["label"] == first else row for row in task]
    for path, rows in ((piece.inputs.corpus, corpus), (piece.inputs.task, task)):
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def write_evaluation(run: RunFolder) -> None:
    """``eval/report.html`` from metrics of the anonymized split, predicting every row as the next
    label (so it quotes mistakes), and a made-up learning curve."""
    split = load_task_split(run)
    gold = [row["label"] for row in split.eval]
    predicted = [split.labels[(split.labels.index(label) + 1) % len(split.labels)] for label in gold]
    metrics = {
        "eval_source": split.eval_source, **classification_metrics(gold, predicted, split.labels),
        "expected_calibration_error": 0.1, "truncated_texts": 0,
        "baselines": {"tfidf_logistic_regression": {"accuracy": 0.5, "macro_f1": 0.5}},
        "most_confident_mistakes": confident_mistakes(split.eval, split.eval_kind, predicted, [0.9] * len(gold)),
        "token_attributions": [],
        "counterfactual_gender_swap": {"texts_changed": 0, "predictions_flipped": 0, "how": "none"},
        "int8": {"accuracy": 0.5, "macro_f1": 0.5, "ms_per_text_cpu": {"fp32": 1, "int8": 1}, "megabytes": {"fp32": 1, "int8": 1}},
    }  # fmt: skip
    write_json(run.report("finetune"), {"loss_per_step": [2.0, 1.5, 1.2, 1.0], "validations": [{"step": 2, "loss": 1.4}, {"step": 4, "loss": 1.1}]})
    write_json(run.metrics, metrics)  # leaks() reads which anonymized texts the report quotes
    write_eval_report(run, metrics)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, tiny_config_file: Path) -> tuple[RunFolder, Slice]:
    """A run folder with the three pages, rendered from planted inputs."""
    folder = tmp_path_factory.mktemp("browser")
    piece = make_slice("medical", folder, corpus_docs=12, per_label=6)
    plant_markup(piece)
    cfg = run_config("medical", tiny_config_file, {"input": {"bad_rows": "quarantine"}, "validation": {"min_per_class": 2}})
    run = RunFolder(folder / RUN_ID)
    ingest(piece.inputs, cfg, run)
    validate_raw(piece.inputs.corpus, cfg, run)
    results = [anonymize(piece.inputs.corpus, "corpus", cfg, None, run), anonymize(piece.inputs.task, "task", cfg, None, run)]
    write_pii_report(run, results, residual_scan(["corpus", "task"], cfg, run), cfg, None)
    validate_task(cfg, run, has_eval_file=False)
    write_validation_page(run)
    write_evaluation(run)
    return run, piece


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)  # no Selenium Manager download
    yield driver
    driver.quit()


def quoted_texts(driver) -> list[str]:
    """The serialized cells quoting anonymized examples (checked against their own document)."""
    return driver.execute_script("return [...document.querySelectorAll('td.quote')].map(td => td.outerHTML)")


def assert_no_planted_value(driver, page: str, run: RunFolder, piece: Slice) -> None:
    """No planted value in the page source; a quoted example is checked against its own document's
    values only (a surrogate may by chance equal a value planted in another document)."""
    source = driver.page_source
    for cell in quoted_texts(driver):
        source = source.replace(cell, "")
    values = {value for values in piece.planted.values() for value in values if len(value) >= MIN_CHECKED_LENGTH}
    assert [value for value in values if appears(value, source)] == [], page
    if page == "eval/report.html":
        for mistake in json.loads(run.metrics.read_text(encoding="utf-8"))["most_confident_mistakes"]:
            own = [v for v in piece.planted.get((mistake["kind"], mistake["row"]), []) if len(v) >= MIN_CHECKED_LENGTH]
            assert [v for v in own if appears(v, mistake["text"])] == []


@pytest.mark.parametrize("page", list(SECTIONS))
def test_when_a_page_opens_in_chromium_then_its_sections_and_charts_show_and_planted_markup_is_text(
    page: str, pages: tuple[RunFolder, Slice], browser
) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    run, piece = pages
    browser.get((run.root / page).as_uri())
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "h1, h2, h3")]
    assert [s for s in SECTIONS[page] if not any(h.startswith(s) for h in headings)] == [], headings
    if page in CHARTS:
        assert browser.find_elements(By.CSS_SELECTOR, f"svg {CHARTS[page]}")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [r for r in resources if not r.startswith(("file:", "data:"))] == []
    assert browser.find_elements(By.CSS_SELECTOR, "script, img, [onerror], link, iframe, object, embed") == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 (no planted alert() ran)
    text = browser.find_element(By.TAG_NAME, "body").text
    assert RUN_ID in text and DOCUMENT_ID not in text  # the run id shows as text; document ids never show
    if page == "eval/report.html":
        assert LABEL in text
    assert_no_planted_value(browser, page, run, piece)


def test_when_the_pii_report_links_the_validation_page_then_it_opens_offline(pages: tuple[RunFolder, Slice], browser) -> None:
    from selenium.webdriver.common.by import By

    run, _ = pages
    browser.get(run.pii_report("html").as_uri())
    browser.find_element(By.LINK_TEXT, "validation/report.html").click()
    assert browser.current_url == run.validation_report.as_uri()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Validation results"
    assert "data/corpus.quarantine.jsonl" in browser.find_element(By.TAG_NAME, "body").text  # the empty row


def test_when_pages_are_written_then_no_planted_value_is_in_any_file(pages: tuple[RunFolder, Slice]) -> None:
    run, piece = pages
    assert leaks(run.root, piece.planted) == []
