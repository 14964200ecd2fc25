"""The `dapt` command: parse options, resolve the config, call one flow or stage function."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console

from dapt.env import apply_environment_defaults

apply_environment_defaults()  # before prefect and transformers are imported

from dapt.config import RunConfig, read_yaml, resolve_config  # noqa: E402
from dapt.domains.base import installed_domains, load_domain  # noqa: E402
from dapt.errors import UserError  # noqa: E402
from dapt.ingest import Inputs, check_inputs  # noqa: E402
from dapt.privacy.keys import create_key, load_key  # noqa: E402
from dapt.runs import new_run_id, write_text  # noqa: E402

app = typer.Typer(help="Adapt language models to healthcare and finance text, safely.", no_args_is_help=True)
privacy_app = typer.Typer(help="De-identification commands.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")
err = Console(stderr=True)


def fail(error: UserError) -> typer.Exit:
    """One line on stderr and exit code 2: how every user error ends."""
    err.print(f"[bold red]error:[/] {error}", soft_wrap=True, highlight=False, markup=True)
    return typer.Exit(code=2)


def run_config(domain: str, config: Path | None, flags: dict[str, Any]) -> RunConfig:
    """Domain defaults < YAML file < CLI flags, validated as one tree."""
    plugin = load_domain(domain)
    layers = [(f"{plugin.name} defaults", {**plugin.defaults, "domain": plugin.name})]
    if config is not None:
        layers.append((str(config), read_yaml(config)))
    layers.append(("command-line flags", flags))
    return resolve_config(layers)


@app.command()
def run(
    domain: Annotated[str, typer.Argument(help="Domain plugin to run: medical, finance or an installed one.")],
    corpus: Annotated[Path | None, typer.Option(help="Unlabelled corpus (JSONL, CSV, Parquet or a folder of .txt). Default: the domain's bundled sample.")] = None,
    task: Annotated[Path | None, typer.Option(help="Labelled task data for fine-tuning. Default: the bundled sample task.")] = None,
    eval: Annotated[Path | None, typer.Option("--eval", help="Optional held-out labelled file scored at the end. Default: a hold-out of the task (the bundled eval file when the sample is used).")] = None,
    config: Annotated[Path | None, typer.Option(help="YAML file overriding the domain defaults (keys: see dapt/config.py).")] = None,
    base_model: Annotated[str | None, typer.Option(help="Local model folder to adapt. Default: the packaged MiniLM encoder.")] = None,
    out: Annotated[Path, typer.Option(help="Parent folder of run folders; the run goes to OUT/<run-id>.")] = Path("runs"),
    key_file: Annotated[Path | None, typer.Option(help="File holding the surrogate key. Default: $DAPT_KEY.")] = None,
    text_field: Annotated[str | None, typer.Option(help="Column holding the text (default: text).")] = None,
    label_field: Annotated[str | None, typer.Option(help="Column holding the label (default: label).")] = None,
    id_field: Annotated[str | None, typer.Option(help="Column holding the document id (default: id).")] = None,
) -> None:
    """Run the whole domain-adaptation flow: validate, anonymize, report, extend the vocabulary,
    pretrain, fine-tune, evaluate, and write the model card and manifest."""
    try:
        fields = {"text_field": text_field, "label_field": label_field, "id_field": id_field}
        flags: dict[str, Any] = {"input": {k: v for k, v in fields.items() if v is not None}}
        if base_model is not None:
            flags["base_model"] = base_model
        cfg = run_config(domain, config, flags)
        plugin = load_domain(domain)
        use_sample = corpus is None and task is None
        inputs = Inputs(
            corpus=corpus or plugin.sample.corpus,
            task=task or plugin.sample.task,
            eval=eval or (plugin.sample.eval if use_sample else None),
        )
        load_key(key_file)  # fail now, not after the first stages
        check_inputs(inputs, cfg)  # every input error in seconds, before Prefect starts
        run_dir = (out / new_run_id(plugin.name)).resolve()
        write_text(run_dir / "config.yaml", yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))
        from dapt.flows.domain_adaptation import domain_adaptation

        domain_adaptation(inputs, cfg, run_dir, key_file)
    except UserError as error:
        raise fail(error) from None
    logging.getLogger("prefect").setLevel(logging.WARNING)  # keep the run folder the last line
    typer.echo(str(run_dir))


@app.command()
def domains() -> None:
    """List the installed domain plugins."""
    for name, plugin in sorted(installed_domains().items()):
        typer.echo(f"{name}\t{plugin.version}\t{plugin.description}")


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


def main() -> None:  # pragma: no cover - console entry for `python -m dapt.cli`
    app(prog_name="dapt")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
