"""What one run is asked to do, however it is started: `dapt run`, a scheduled deployment or the
Prefect UI build the same ``RunRequest``, and ``prepare`` checks it before any stage runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from dapt.config import CAUSAL_LM_DEFAULTS, RunConfig, read_yaml, resolve_config
from dapt.domains.base import load_domain
from dapt.privacy.keys import load_key

if TYPE_CHECKING:
    from dapt.ingest import Inputs


class RunRequest(BaseModel):
    """One run's inputs and options (the form a deployment shows in the Prefect UI)."""

    domain: str = Field(description="Domain plugin: medical, finance or an installed one.")
    corpus: Path | None = Field(None, description="Unlabelled corpus; default: the domain's bundled sample.")
    task: Path | None = Field(None, description="Labelled task data; default: the bundled sample task.")
    eval: Path | None = Field(None, description="Held-out labelled file scored at the end; default: a hold-out of the task.")
    config: Path | None = Field(None, description="YAML file over the domain defaults.")
    base_model: str | None = Field(None, description="Local model folder to adapt; default: the packaged MiniLM.")
    objective: str | None = Field(None, description="Continued pretraining: mlm, clm or auto (by the base model).")
    out: Path = Field(Path("runs"), description="Parent folder of run folders.")
    key_file: Path | None = Field(None, description="File holding the surrogate key; default: $DAPT_KEY.")
    text_field: str | None = None
    label_field: str | None = None
    id_field: str | None = None
    group_field: str | None = None

    def flags(self) -> dict[str, Any]:
        """The options that override config keys."""
        fields = {"text_field": self.text_field, "label_field": self.label_field, "id_field": self.id_field,
                  "group_field": self.group_field}  # fmt: skip
        flags: dict[str, Any] = {"input": {key: value for key, value in fields.items() if value is not None}}
        if self.objective is not None:
            flags["pretrain"] = {"objective": self.objective}
        return flags | ({"base_model": self.base_model} if self.base_model is not None else {})

    def inputs(self) -> Inputs:
        """The files to read: the bundled sample where none is given (its eval file only when both
        corpus and task are the sample's)."""
        from dapt.ingest import Inputs  # the readers load Presidio: only once a run is really asked for

        sample = load_domain(self.domain).sample
        use_sample = self.corpus is None and self.task is None
        return Inputs(self.corpus or sample.corpus, self.task or sample.task,
                      self.eval or (sample.eval if use_sample else None))  # fmt: skip

    def absolute(self) -> RunRequest:
        """The same request with every path absolute (a scheduled run starts elsewhere)."""
        paths = {name: getattr(self, name).resolve() for name in ("corpus", "task", "eval", "config", "out", "key_file")
                 if getattr(self, name) is not None}  # fmt: skip
        return self.model_copy(update=paths)


def run_config(domain: str, config: Path | None, flags: dict[str, Any], causal: bool = False) -> RunConfig:
    """Domain defaults < causal-LM defaults (``causal``: the base model is a decoder) < YAML file <
    CLI flags, validated as one tree."""
    plugin = load_domain(domain)
    layers = [plugin.defaults_layer(), *([("causal-LM defaults", CAUSAL_LM_DEFAULTS)] if causal else [])]
    if config is not None:
        layers.append((str(config), read_yaml(config)))
    layers.append(("command-line flags", flags))
    return resolve_config(layers)


def prepare(request: RunRequest) -> tuple[Inputs, RunConfig]:
    """The request's inputs and resolved config, every input, the key, the base and companion models checked
    (a UserError on the first problem, in seconds, before Prefect starts)."""
    from dapt.ingest import check_inputs
    from dapt.training.builders import objective_of  # torch: only once a run is really asked for
    from dapt.training.finetune import companion_path

    cfg = run_config(request.domain, request.config, request.flags())
    inputs = request.inputs()
    load_key(request.key_file)
    if objective_of(cfg) == "clm":  # (also: the base model is a model folder the objective can train)
        cfg = run_config(request.domain, request.config, request.flags(), causal=True)
    if cfg.finetune.companion:
        companion_path(cfg.finetune)  # installed (and unpacked), or a model folder
    check_inputs(inputs, cfg)
    return inputs, cfg
