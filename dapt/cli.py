"""The `dapt` command: parse options, resolve the config, call one flow or stage function."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from dapt import __version__
from dapt.env import apply_environment_defaults

apply_environment_defaults()  # before prefect and transformers are imported

from dapt.config import InputConfig, RunConfig, read_yaml  # noqa: E402
from dapt.domains.base import installed_domains, load_domain  # noqa: E402
from dapt.errors import UserError  # noqa: E402
from dapt.guard import start_guard  # noqa: E402
from dapt.io import check_output_file  # noqa: E402
from dapt.privacy.keys import KEY_ENV, create_key, load_key, pseudonym  # noqa: E402
from dapt.records import BadRow  # noqa: E402
from dapt.request import run_config  # noqa: E402  # (also what tests and benches import from here)
from dapt.runs import RunFolder, create_run_folder, reopen_run, require_run_folder, run_folders, run_status, write_json  # noqa: E402

app = typer.Typer(help="Adapt language models to healthcare and finance text, safely.", no_args_is_help=True)
privacy_app = typer.Typer(help="De-identification commands.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")
runs_app = typer.Typer(help="Run folders: which runs completed, which stopped and where.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
report_app = typer.Typer(help="The PII report of a run: show it, sign it, compare two runs.", no_args_is_help=True)
app.add_typer(report_app, name="report")
RunArgument = Annotated[Path, typer.Argument(help="A run folder (complete or .partial).")]


class Half(str, Enum):
    """A half of a gold set (``dapt privacy evaluate --half``)."""

    tune = "tune"
    report = "report"

err = Console(stderr=True)
TABLE_WIDTH = 110  # the evaluation table's width when output is piped (rich would truncate to 80)


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"dapt {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=show_version, is_eager=True, help="Print dapt's version and exit.")] = False,
) -> None:
    """Adapt language models to healthcare and finance text, safely."""


def fail(error: UserError) -> typer.Exit:
    """One line on stderr and exit code 2: how every user error ends (its text printed as it is:
    ``dapt[int8]`` or a file named ``notes[1].jsonl`` is no markup)."""
    err.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True, highlight=False, markup=True)
    return typer.Exit(code=2)


class HideUserErrors(logging.Filter):
    """Drops Prefect's console records about a UserError (its traceback, the failed states that
    repeat it): the CLI prints the error itself, in one line. The flow run is still marked failed
    with the message in Prefect's database."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, UserError) and "UserError" not in record.getMessage()


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM as an ordinary exit: Prefect marks the flow run crashed and stops its temporary
    server (at exit) instead of leaving it running with its port and database."""
    raise SystemExit(128 + signum)


@contextmanager
def user_errors_kept_off_the_console() -> Iterator[None]:
    """While a flow runs, keep Prefect's report of a UserError off the terminal."""
    loggers = (logging.getLogger(), logging.getLogger("prefect"))  # Prefect's console handler sits on the root
    handlers = [handler for logger in loggers for handler in logger.handlers if isinstance(handler, logging.StreamHandler)]
    hide = HideUserErrors()
    for handler in handlers:
        handler.addFilter(hide)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(hide)


DomainArgument = Annotated[str, typer.Argument(help="Domain plugin to run: medical, finance or an installed one.")]
RunConfigOption = Annotated[Path | None, typer.Option("--config", help="YAML file overriding the domain defaults (keys: docs/config.md).")]
BaseModelOption = Annotated[str | None, typer.Option(help="Local model folder to adapt, mpnet (the packaged all-mpnet-base-v2 encoder) or smollm2 (the packaged SmolLM2-135M decoder: make decoder). Default: the packaged MiniLM encoder.")]
KeyFileOption = Annotated[Path | None, typer.Option(help="File holding the surrogate key. Default: $DAPT_KEY.")]


@app.command()
def run(
    domain: DomainArgument,
    corpus: Annotated[Path | None, typer.Option(help="Unlabelled corpus (JSONL, CSV, Parquet or a folder of .txt). Default: the domain's bundled sample.")] = None,
    task: Annotated[Path | None, typer.Option(help="Labelled task data for fine-tuning. Default: the bundled sample task.")] = None,
    eval: Annotated[Path | None, typer.Option("--eval", help="Optional held-out labelled file scored at the end. Default: a hold-out of the task (the bundled eval file when the sample is used).")] = None,
    config: RunConfigOption = None,
    base_model: BaseModelOption = None,
    objective: Annotated[str | None, typer.Option(help="Continued pretraining: mlm (encoders), clm (decoders: give a causal-LM --base-model) or auto (default: by the base model's architecture).")] = None,
    out: Annotated[Path, typer.Option(help="Parent folder of run folders; the run goes to OUT/<run-id>.")] = Path("runs"),
    key_file: KeyFileOption = None,
    text_field: Annotated[str | None, typer.Option(help="Column holding the text (default: text).")] = None,
    label_field: Annotated[str | None, typer.Option(help="Column holding the label (default: label).")] = None,
    id_field: Annotated[str | None, typer.Option(help="Column holding the document id (default: id). Ids never leave the privacy stage: outputs carry a keyed pseudonym and the record number.")] = None,
    group_field: Annotated[str | None, typer.Option(help="Column holding a patient or customer id: its documents share one date shift, so intervals between them hold.")] = None,
    resume: Annotated[Path | None, typer.Option(help="Run again into this run folder (a stopped or finished run): stages whose inputs, settings and dapt version are unchanged are reused, a stopped anonymization or pretraining goes on from where it was, the rest is redone.")] = None,
) -> None:
    """Run the whole domain-adaptation flow: validate, anonymize, report, extend the vocabulary,
    pretrain, fine-tune, evaluate, and write the model card and manifest."""
    from dapt.card import run_summary
    from dapt.request import RunRequest, prepare

    request = RunRequest(domain=domain, corpus=corpus, task=task, eval=eval, config=config, base_model=base_model,
                         objective=objective, out=out, key_file=key_file, text_field=text_field,
                         label_field=label_field, id_field=id_field, group_field=group_field)  # fmt: skip
    try:
        plugin = load_domain(domain)
        if task is None and corpus is not None:
            err.print(f"no --task given: fine-tuning on the {plugin.name} sample task ({plugin.sample.task})", highlight=False)
        inputs, cfg = prepare(request)
        run_dir = create_run_folder(out, plugin.name) if resume is None else reopen_run(resume, plugin.name)
        from dapt.flows.domain_adaptation import domain_adaptation

        signal.signal(signal.SIGTERM, exit_on_sigterm)
        start_guard(os.getpid())  # stops Prefect's temporary server should this process be SIGKILLed
        with user_errors_kept_off_the_console():
            run_dir = domain_adaptation(inputs, cfg, run_dir, key_file)
    except UserError as error:
        raise fail(error) from None
    finally:
        logging.getLogger("prefect").setLevel(logging.WARNING)  # keep the run folder or the error the last line
    err.print(Markdown(run_summary(RunFolder(run_dir))))
    typer.echo(str(run_dir))


@app.command()
def deploy(
    domain: DomainArgument,
    cron: Annotated[str, typer.Option(help='When to run, as a cron line, e.g. "0 2 * * *" (every night at 02:00).')],
    corpus: Annotated[Path | None, typer.Option(help="Unlabelled corpus each run reads (replace the file between runs to train on new notes).")] = None,
    task: Annotated[Path | None, typer.Option(help="Labelled task data. Default: the bundled sample task.")] = None,
    eval: Annotated[Path | None, typer.Option("--eval", help="Optional held-out labelled file scored at the end.")] = None,
    config: RunConfigOption = None,
    base_model: BaseModelOption = None,
    out: Annotated[Path, typer.Option(help="Parent folder of run folders; each run gets OUT/<run-id>.")] = Path("runs"),
    key_file: KeyFileOption = None,
    name: Annotated[str | None, typer.Option(help="Deployment name. Default: dapt-DOMAIN.")] = None,
) -> None:
    """Serve a scheduled deployment of the whole flow for DOMAIN: each scheduled run (or one started
    from the Prefect UI) checks the inputs and runs into a new run folder, one run at a time. Blocks
    until stopped (Ctrl-C). Teams with Prefect workers use prefect.yaml instead."""
    from dapt.request import RunRequest, prepare

    request = RunRequest(domain=domain, corpus=corpus, task=task, eval=eval, config=config, base_model=base_model,
                         out=out, key_file=key_file).absolute()  # fmt: skip
    try:
        prepare(request)  # a bad input fails now, not at 2 am
        from dapt.flows.scheduled import deployment_name, schedule, serve_schedule

        serve_schedule(request, schedule(cron), name or deployment_name(load_domain(domain).name))
    except UserError as error:
        raise fail(error) from None


@app.command()
def domains(
    check: Annotated[bool, typer.Option("--check", help="Also check each plugin against the contract (docs/plugins.md), its recognizer table included; exit 1 when one fails.")] = False,
) -> None:
    """List the installed domain plugins."""
    try:
        plugins = sorted(installed_domains().items())
    except UserError as error:
        raise fail(error) from None
    problems = []
    for name, plugin in plugins:
        typer.echo(f"{name}\t{plugin.version}\t{plugin.description}")
        if check:
            from dapt.domains.contract import contract_problems, recognizer_case_problems

            problems += contract_problems(plugin) or recognizer_case_problems(plugin)
    for problem in problems:
        err.print(f"[bold red]contract:[/] {problem}", soft_wrap=True, highlight=False, markup=True)
    if problems:
        raise typer.Exit(code=1)


@app.command("new-domain")
def new_domain(
    name: Annotated[str, typer.Argument(help="The domain's name: lower-case letters, digits and '_' (e.g. insurance).")],
    into: Annotated[Path, typer.Option(help="Folder to create the package dapt-NAME in.")] = Path("."),
) -> None:
    """Scaffold an installable domain plugin: entry point, recognizers (Python and YAML) with their
    test table, policy, expectations, defaults, word lists, and a sample with its generator. Its
    own tests pass straight away; edit it into your domain."""
    from dapt.domains.scaffold import scaffold_domain

    try:
        folder = scaffold_domain(name, into)
    except UserError as error:
        raise fail(error) from None
    typer.echo(str(folder))
    err.print(f"next: pip install -e '{folder}[test]' && pytest {folder / 'tests'} && dapt run {name}", highlight=False, markup=False)


@runs_app.command("list")
def runs_list(
    out: Annotated[Path, typer.Option(help="Parent folder of run folders (dapt run's --out).")] = Path("runs"),
) -> None:
    """One line per run folder: id, domain, status, stages finished, macro-F1."""
    table = Table("run", "domain", "status", "stages finished", "macro-F1")
    for run in run_folders(out):
        status = run_status(run)
        finished = sum(stage.state == "finished" for stage in status.stages)
        table.add_row(status.run_id, status.domain, status.summary, str(finished), str(status.macro_f1 or "-"))
    Console().print(table)


@runs_app.command("show")
def runs_show(
    run_dir: Annotated[Path, typer.Argument(help="A run folder (complete or .partial).")],
    flow_runs: Annotated[bool, typer.Option("--flow-runs", help="Also list the folder's flow runs from the Prefect API (PREFECT_API_URL, else the local server's history): state, stages run, stages reused.")] = False,
) -> None:
    """A run's status, each stage with its state and time, and, once complete, its summary."""
    from dapt.card import run_summary

    run = RunFolder(run_dir)
    try:
        require_run_folder(run.root)
    except UserError as error:
        raise fail(error) from None
    status = run_status(run)
    typer.echo(f"{status.run_id} ({status.domain}): {status.summary}")
    table = Table("stage", "state", "at (UTC)")
    for stage in status.stages:
        table.add_row(stage.name, stage.state, stage.at)
    Console().print(table)
    if flow_runs:
        show_flow_runs(run.run_id, sum(stage.state == "finished" for stage in status.stages))
    if status.complete:
        err.print(Markdown(run_summary(run)))


def show_flow_runs(run_id: str, stages_finished: int) -> None:
    """The Prefect flow runs of one run folder: each one's stages run; the finished rest were reused."""
    from dapt.flows.history import flow_runs_of

    table = Table("flow run", "state", "started (UTC)", "stages run", "reused")
    for record in flow_runs_of(run_id):
        reused = max(0, stages_finished - len(record.stages_run)) if record.state == "Completed" else "-"
        table.add_row(record.name, record.state, record.started, ", ".join(record.stages_run) or "none", str(reused))
    Console(width=TABLE_WIDTH).print(table)


@report_app.command("show")
def report_show(run_dir: RunArgument) -> None:
    """Print the run's PII report in a few lines: inputs, entities and their operator, residual risk, sign-off."""
    from dapt.privacy.report import read_report, report_lines

    try:
        typer.echo("\n".join(report_lines(read_report(RunFolder(run_dir)))))
    except UserError as error:
        raise fail(error) from None


@report_app.command("sign")
def report_sign(
    run_dir: RunArgument,
    reviewer: Annotated[str, typer.Option(help="Who decides: name and role (written into the report).")],
    decision: Annotated[str, typer.Option(help="approve or reject.")],
    note: Annotated[str | None, typer.Option(help="Why, or under what conditions.")] = None,
) -> None:
    """Record a compliance decision in privacy/pii_report.json and re-render the page. A run that
    waits for approval (approval: required) goes on, or stops on a rejection."""
    from dapt.flows.approval import resume_waiting_run
    from dapt.privacy.report import sign_report

    run = RunFolder(run_dir)
    try:
        report = sign_report(run, reviewer, decision, note)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{decision} recorded in {run.pii_report('json')}", err=True)
    if resume_waiting_run(run, report["sign_off"]):
        typer.echo("the run waiting for this decision goes on" if decision == "approve" else "the waiting run stops", err=True)


@report_app.command("diff")
def report_diff_command(before: RunArgument, after: RunArgument) -> None:
    """What changed between two runs' PII reports: counts per entity type, new or gone types, documents, residual risk."""
    from dapt.privacy.report import read_report, report_diff

    try:
        typer.echo("\n".join(report_diff(read_report(RunFolder(before)), read_report(RunFolder(after)))))
    except UserError as error:
        raise fail(error) from None


@privacy_app.command("review")
def privacy_review(
    run_dir: RunArgument,
    limit: Annotated[int, typer.Option(help="Show at most this many residual findings (0: all).")] = 0,
) -> None:
    """Every residual finding of a run in its anonymized context: the finding as <<TYPE>>, each
    replacement as [TYPE]; never a value the scan flagged."""
    from itertools import islice

    from dapt.privacy.review import residual_views

    try:
        views = list(islice(residual_views(RunFolder(run_dir)), limit or None))
    except UserError as error:
        raise fail(error) from None
    for view in views:
        typer.echo(view.line())
    typer.echo(f"{len(views)} residual finding(s) shown", err=True)


@privacy_app.command("new-key")
def new_key(
    key_file: Annotated[Path, typer.Option(help="Where to write the new key (created with mode 0600; never overwritten).")],
) -> None:
    """Create a random surrogate key file. Keep it secret: it decides every surrogate."""
    try:
        create_key(key_file)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"wrote a new key to {key_file}", err=True)


DomainOption = Annotated[str, typer.Option(help="Domain plugin whose recognizers and policy apply: medical, finance, ...")]
InputOption = Annotated[Path, typer.Option("--input", help="Documents: JSONL, CSV, Parquet or a folder of .txt files.")]
ConfigOption = Annotated[Path | None, typer.Option(help="YAML file overriding the domain defaults (e.g. privacy.score_threshold).")]
TextFieldOption = Annotated[str | None, typer.Option(help="Column holding the text (default: text).")]
IdFieldOption = Annotated[str | None, typer.Option(help="Column holding the document id (default: id, else the row number).")]
BadRowsOption = Annotated[str, typer.Option(help="A row without usable text: 'quarantine' (write it to OUT.quarantine.jsonl and go on) or 'error'.")]


def privacy_config(domain: str, config: Path | None, **input_flags: str | None) -> RunConfig:
    """The run config of a privacy command: domain defaults < YAML < the input flags given."""
    return run_config(domain, config, {"input": {k: v for k, v in input_flags.items() if v is not None}})


@privacy_app.command("detect")
def detect_command(
    domain: DomainOption,
    input_path: InputOption,
    output: Annotated[Path, typer.Option(help="Findings JSONL: doc_id, row, start, end, entity_type, score, recognizer (never the value).")],
    key_file: Annotated[Path | None, typer.Option(help="Surrogate key file (default: $DAPT_KEY): doc_id is then the keyed pseudonym `anonymize` writes; without a key it is the record number.")] = None,
    config: ConfigOption = None,
    text_field: TextFieldOption = None,
    id_field: IdFieldOption = None,
    bad_rows: BadRowsOption = "quarantine",
) -> None:
    """Find personal data in documents; write where it is and what it is, never the value."""
    from dapt.privacy.detect import detect_file, ordinal_id

    try:
        cfg = privacy_config(domain, config, text_field=text_field, id_field=id_field, bad_rows=bad_rows)
        check_output_file(output)
        key = optional_key(key_file)
        document_id = ordinal_id if key is None else (lambda document: pseudonym(key, document.id))
        documents, findings, bad = detect_file(input_path, cfg, output, document_id)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{documents} documents, {findings} findings -> {output}; {len(bad)} rows unusable", err=True)


def optional_key(key_file: Path | None) -> bytes | None:
    """The key when one is given or set, else None."""
    return load_key(key_file) if key_file is not None or os.environ.get(KEY_ENV) else None


@privacy_app.command("anonymize")
def anonymize_command(
    domain: DomainOption,
    input_path: InputOption,
    output: Annotated[Path, typer.Option(help="Anonymized JSONL (keyed id, row, text, replaced offsets); OUT.findings.jsonl and OUT.quarantine.jsonl go beside it.")],
    key_file: KeyFileOption = None,
    group_field: Annotated[str | None, typer.Option(help="Column holding a patient or customer id: its documents share one date shift, so intervals between them hold.")] = None,
    config: ConfigOption = None,
    text_field: TextFieldOption = None,
    id_field: IdFieldOption = None,
    bad_rows: BadRowsOption = "quarantine",
    workers: Annotated[int, typer.Option(help="Anonymize partitions of the corpus on N Dask worker processes (1: in this process).")] = 1,
    dask_address: Annotated[str | None, typer.Option(help="Use the running Dask scheduler at this address (e.g. tcp://10.0.0.5:8786) instead of local workers; its workers read the key themselves.")] = None,
) -> None:
    """Replace personal data with consistent, format-preserving surrogates and shifted dates
    (operators per entity type come from the domain's policy.yaml). Document ids become keyed
    pseudonyms; `dapt privacy resolve-id` maps them back with the key."""
    from dapt.privacy.anonymize import Outputs, anonymize_source

    try:
        cfg = privacy_config(domain, config, text_field=text_field, id_field=id_field, group_field=group_field, bad_rows=bad_rows)
        check_output_file(output)
        key = load_key(key_file)  # fail now, before any worker starts
        if workers == 1 and dask_address is None:
            result = anonymize_source(input_path, "corpus", cfg, key, Outputs.beside(output))
        else:
            from dapt.privacy.scale import Cluster, anonymize_partitioned

            result = anonymize_partitioned(input_path, "corpus", cfg, key_file, Outputs.beside(output), Cluster(workers, dask_address))
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{result.documents_in} documents in, {result.documents_out} out, {result.quarantined} quarantined; "
               f"{result.findings} replacements -> {output}", err=True)


@privacy_app.command("resolve-id")
def resolve_id_command(
    input_path: InputOption,
    pseudonyms: Annotated[list[str], typer.Argument(help="Document ids as dapt wrote them (doc-...).")],
    key_file: Annotated[Path | None, typer.Option(help="The key the ids were made with. Default: $DAPT_KEY.")] = None,
    id_field: IdFieldOption = None,
) -> None:
    """Map keyed document ids back to the input's own ids (needs the key and the input file).
    Prints one line per match: pseudonym, 1-based row, raw id. The raw id is printed here only,
    on request, never written by any other command."""
    from dapt.io import iter_rows, record_id

    try:
        key = load_key(key_file)
        column = id_field or InputConfig().id_field
        wanted = set(pseudonyms)
        for number, row in iter_rows(input_path):
            raw = record_id({} if isinstance(row, BadRow) else row, number, column)
            if (keyed := pseudonym(key, raw)) in wanted:
                typer.echo(f"{keyed}\t{number + 1}\t{raw}")
    except UserError as error:
        raise fail(error) from None


@privacy_app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option(help="Gold JSONL: doc_id, text, spans[{start, end, label}].")],
    domain: DomainOption,
    config: ConfigOption = None,
    output: Annotated[Path | None, typer.Option(help="Also write the full report (figures and masked misses) as JSON.")] = None,
    misses: Annotated[int, typer.Option(help="How many missed spans to print, each in context with every gold span masked.")] = 10,
    half: Annotated[Half | None, typer.Option(help="Score one half of the gold set only (split by the hash of each doc_id): tune on `tune`, report on `report`, so a figure is never measured on the text it was tuned on.")] = None,
) -> None:
    """Score detection against gold spans: type-blind token recall/precision/F2, per-label figures,
    per-recognizer precision, and misses shown in masked context."""
    from dapt.privacy.evaluate import evaluate_file, summary_rows

    try:
        evaluation = evaluate_file(gold, privacy_config(domain, config), half.value if half else None)
    except UserError as error:
        raise fail(error) from None
    table = Table(title=f"{gold.name}{f' ({half.value} half)' if half else ''}: {evaluation.documents} documents, {domain}")
    for column in ("slice", "recall", "precision", "F2 / spans", "tokens"):
        table.add_column(column, no_wrap=True)
    for row in summary_rows(evaluation):
        table.add_row(*row)
    Console(width=max(Console().width, TABLE_WIDTH)).print(table)
    for miss in evaluation.misses[:misses]:
        typer.echo(f"missed {miss.label} in {miss.doc_id}: {miss.context}")
    if output is not None:
        write_json(output, evaluation.to_json())


@privacy_app.command("train-detector")
def train_detector_command(
    output: Annotated[Path, typer.Option(help="New folder for the trained detector (set privacy.learned_detector to it).")],
    domain: DomainOption = "medical",
    gold: Annotated[list[Path] | None, typer.Option(help="Gold JSONL (doc_id, text, spans) to train on beside the generated notes; repeatable. Never a set you report figures on.")] = None,
    half: Annotated[Half | None, typer.Option(help="Train on one half of each --gold file only (e.g. tune, to report on the other half).")] = None,
    plain: Annotated[list[Path] | None, typer.Option(help="Documents in which nothing is personal (e.g. published abstracts), learned as negatives; repeatable.")] = None,
    plain_rows: Annotated[int, typer.Option(min=1, help="Documents taken from the start of each --plain file.")] = 600,
    notes: Annotated[int, typer.Option(min=0, help="Generated nursing notes to train on (dapt.privacy.nursing_notes).")] = 600,
    notes_seed: Annotated[int, typer.Option(help="Their seed; bench/nursing_notes.py reports seeds 2 and 3, so never those.")] = 11,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the training documents; the best on a held-back tenth is kept.")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of the held-back tenth, the order and the initial weights.")] = 0,
) -> None:
    """Train the learned name detector (people, places, organisations) that runs beside the rules
    when privacy.learned_detector names its folder. Writes the spaCy pipeline (no string table: no
    word it trained on) and training.json (sizes, losses, validation F1)."""
    from dapt.privacy.learned import train_detector, training_documents

    try:
        if output.exists() and any(output.iterdir()):
            raise UserError(f"{output}: exists and is not empty", "give a new folder")
        allowed = frozenset(word.lower() for word in load_domain(domain).allow_list)
        documents = training_documents(notes, notes_seed, gold or [], half.value if half else None, plain or [], plain_rows)
        training = train_detector(documents, output, allowed, epochs, seed)
    except UserError as error:
        raise fail(error) from None
    write_json(output / "training.json", {**training.to_json(), "notes": notes, "notes_seed": notes_seed,
                                          "gold": [str(p) for p in gold or []], "half": half.value if half else None,
                                          "plain": [str(p) for p in plain or []], "plain_rows": plain_rows})  # fmt: skip
    typer.echo(f"{training.documents} documents, best epoch {training.best_epoch} of {epochs} "
               f"(validation F1 {max(training.validation_f1):.3f}) -> {output}", err=True)  # fmt: skip


BadRowsOption = Annotated[str, typer.Option(help="A row without usable text: 'quarantine' (skip it; counted) or 'error'.")]


def batch_input(output: Path, text_field: str | None, bad_rows: str) -> InputConfig:
    """How a batch command reads its input file, once its output file is known to be writable."""
    check_output_file(output)
    return InputConfig(**({"text_field": text_field} if text_field else {}), bad_rows=bad_rows)


@app.command("pretrain")
def pretrain_command(
    run_dir: RunArgument,
    resume: Annotated[bool, typer.Option("--resume", help="Go on from the run's last pretraining checkpoint.")] = False,
) -> None:
    """Continued pretraining of one run folder, alone (its settings from its config.yaml), once its
    vocabulary stage is done. `accelerate launch --multi_gpu --num_processes N dapt pretrain RUN_DIR`
    trains it data-parallel in N processes (one GPU each, or CPU processes where there is none);
    `dapt run` does the same when pretrain.processes is above 1."""
    from dapt.training.pretrain import pretrain

    try:
        run = RunFolder(run_dir)
        result = pretrain(saved_run_config(run), run, resume)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{result.steps} steps, held-out loss {result.heldout_loss_after_head_warmup} -> "
               f"{result.heldout_loss_after_pretraining} -> {run.pretrained_model}", err=True)  # fmt: skip


def saved_run_config(run: RunFolder) -> RunConfig:
    """A run folder's own settings; a folder without them, or without a vocabulary stage, is a UserError."""
    require_run_folder(run.root)
    if not run.tokenizer.is_dir():
        raise UserError(f"{run.root}: its vocabulary stage has not run (no {run.tokenizer.name}/)", "run dapt run --resume on it first")
    return RunConfig.model_validate(read_yaml(run.config))



@app.command()
def predict(
    model: Annotated[Path, typer.Option(help="A run folder (its finetune/merged classifier, or finetune/int8 with --int8) or a classifier folder.")],
    input_path: InputOption,
    output: Annotated[Path, typer.Option(help="JSONL written: row (0-based record number), label and confidence per record; no text, no ids.")],
    text_field: TextFieldOption = None,
    bad_rows: BadRowsOption = "error",
    max_length: Annotated[int, typer.Option(help="Tokens per text; longer texts are truncated and counted.")] = 128,
    int8: Annotated[bool, typer.Option("--int8", help="Use the run's int8 copy (finetune/int8; CPU, smaller and faster).")] = False,
) -> None:
    """Classify every record of a file with a fine-tuned model (batch inference on CPU or GPU)."""
    from dapt.training.predict import predict_file

    try:
        result = predict_file(model, input_path, output, batch_input(output, text_field, bad_rows), max_length, int8)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{result.documents} predicted, {result.quarantined} rows set aside, {result.truncated} truncated "
               f"to {max_length} tokens -> {output}", err=True)


@app.command()
def generate(
    model: Annotated[Path, typer.Option(help="A run folder made with a decoder (its pretrain/model) or a causal-LM folder.")],
    input_path: InputOption,
    output: Annotated[Path, typer.Option(help="JSONL written: row (0-based record number) and generated (the text written after the prompt) per record.")],
    text_field: TextFieldOption = None,
    bad_rows: BadRowsOption = "error",
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Tokens written after each prompt.")] = 64,
    max_length: Annotated[int, typer.Option(min=1, help="Prompt tokens kept (the end of a longer prompt); truncations are counted.")] = 512,
    temperature: Annotated[float, typer.Option(min=0.0, help="0: greedy (the same output every time); above 0: sampled.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of sampling.")] = 0,
    int8: Annotated[bool, typer.Option("--int8", help="Weight-only int8 (torchao: pip install 'dapt[int8]'): the weights in half the memory, perplexity kept (bench/decoder_int8.py).")] = False,
) -> None:
    """Continue every prompt of a file with a causal LM (batch generation on CPU or GPU)."""
    from dapt.training.generate import generate_file

    try:
        cfg = batch_input(output, text_field, bad_rows)
        result = generate_file(model, input_path, output, cfg, max_new_tokens, max_length, temperature, seed, int8)
    except UserError as error:
        raise fail(error) from None
    typer.echo(f"{result.documents} generated, {result.quarantined} rows set aside, {result.truncated} prompts "
               f"cut to their last {max_length} tokens -> {output}", err=True)


CausalModelOption = Annotated[str, typer.Option(help="The causal LM to tune: smollm2 (packaged: make decoder), a run folder made with a decoder (its latest tuned or pretrained model), or a *ForCausalLM folder.")]
TuningEvalOption = Annotated[Path | None, typer.Option("--eval", help="Held-out prompt/answer rows scored before and after tuning (the report's before/after).")]
AnswersOption = Annotated[str | None, typer.Option(help="text: free answers, scored by ROUGE, BLEU and chrF; label: class names (classification as generation), scored by accuracy and macro-F1. Default: the config's.")]
TuningOutOption = Annotated[Path, typer.Option(help="Parent folder of run folders; the tuning run goes to OUT/<run-id>.")]
PromptFieldOption = Annotated[str | None, typer.Option(help="Column holding the prompt (default: text).")]
AnswerFieldOption = Annotated[str | None, typer.Option(help="Column holding the answer (default: label).")]


def tuning_config(
    domain: str, config: Path | None, section: str, answers: str | None, text_field: str | None, label_field: str | None
) -> RunConfig:
    """The config of a tuning command: domain defaults < YAML < the flags given."""
    fields = {"text_field": text_field, "label_field": label_field}
    flags = {"input": {k: v for k, v in fields.items() if v is not None}} | ({section: {"answers": answers}} if answers else {})
    return run_config(domain, config, flags)


def tune(stage: str, model: str, train: Path, eval_file: Path | None, cfg: RunConfig, key_file: Path | None,
         out: Path, pairs: bool = False) -> None:  # fmt: skip
    """Run one tuning command and print where it went and what it scored."""
    from dapt.training.instruct import tuning_run

    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        result = tuning_run(stage, model, train, eval_file, cfg, key_file, out, pairs)
    except UserError as error:
        raise fail(error) from None
    err.print(f"{result.steps} steps; before {result.before or '-'}; after {result.after or '-'}", highlight=False)
    typer.echo(str(result.run))


@app.command()
def sft(
    domain: DomainArgument,
    model: CausalModelOption,
    train: Annotated[Path, typer.Option(help="Prompt/answer rows (JSONL, CSV or Parquet) to tune on; anonymized first.")],
    eval_file: TuningEvalOption = None,
    answers: AnswersOption = None,
    config: RunConfigOption = None,
    out: TuningOutOption = Path("runs"),
    key_file: KeyFileOption = None,
    text_field: PromptFieldOption = None,
    label_field: AnswerFieldOption = None,
) -> None:
    """Instruction-tune a causal LM (SFT through TRL) on anonymized prompt/answer rows: loss on
    the answers only, early stopping on a validation split, the best checkpoint merged and saved
    with the evaluation before and after (settings: the instruct section of docs/config.md)."""
    try:
        cfg = tuning_config(domain, config, "instruct", answers, text_field, label_field)
    except UserError as error:
        raise fail(error) from None
    tune("instruct", model, train, eval_file, cfg, key_file, out)


@app.command()
def dpo(
    domain: DomainArgument,
    model: CausalModelOption,
    train: Annotated[Path, typer.Option(help="Prompt/answer rows: each reference answer is preferred over the model's own where they differ (anonymized first).")],
    pairs: Annotated[bool, typer.Option("--pairs", help="TRAIN holds prompt, chosen and rejected columns instead.")] = False,
    eval_file: TuningEvalOption = None,
    answers: AnswersOption = None,
    config: RunConfigOption = None,
    out: TuningOutOption = Path("runs"),
    key_file: KeyFileOption = None,
    text_field: PromptFieldOption = None,
    label_field: AnswerFieldOption = None,
) -> None:
    """Preference-tune a causal LM (DPO through TRL), usually the model `dapt sft` made: the
    evaluation before and after and the reward margins go to preference/report.json (settings:
    the preference section of docs/config.md)."""
    try:
        cfg = tuning_config(domain, config, "preference", answers, text_field, label_field)
    except UserError as error:
        raise fail(error) from None
    tune("preference", model, train, eval_file, cfg, key_file, out, pairs)


def main() -> None:  # pragma: no cover - console entry for `python -m dapt.cli`
    app(prog_name="dapt")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
