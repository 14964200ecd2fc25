"""Scheduled runs: a deployment's flow takes one ``RunRequest`` (a form in the Prefect UI), checks
it, creates a new run folder and runs ``domain_adaptation`` there, as `dapt run` does.

No ``from __future__ import annotations`` here: Prefect builds the parameter form from the flow's
annotations when it loads this file by path, and a string annotation would not resolve there."""

from pathlib import Path

from prefect import flow
from prefect.client.schemas.schedules import CronSchedule
from pydantic import ValidationError

from dapt.errors import UserError
from dapt.flows.domain_adaptation import domain_adaptation
from dapt.request import RunRequest, prepare
from dapt.runs import create_run_folder

FLOW_NAME = "dapt-scheduled-run"


@flow(name=FLOW_NAME, log_prints=True)
def scheduled_run(request: RunRequest) -> Path:
    """One run of a deployment: a new run folder under ``request.out``; returns it, completed."""
    inputs, cfg = prepare(request)
    return domain_adaptation(inputs, cfg, create_run_folder(request.out, cfg.domain), request.key_file)


def deployment_name(domain: str) -> str:
    return f"dapt-{domain}"


def schedule(cron: str) -> CronSchedule:
    """A cron schedule; a line that is not one is a UserError."""
    try:
        return CronSchedule(cron=cron)
    except ValidationError:
        raise UserError(f"--cron '{cron}' is not a cron line", 'give five fields, e.g. "0 2 * * *"') from None


def serve_schedule(request: RunRequest, when: CronSchedule, name: str) -> None:
    """Serve ``scheduled_run`` for ``request`` on schedule ``when`` (and on demand from the UI or
    `prefect deployment run`) until stopped; one run at a time on this machine, and across
    every machine serving the deployment."""
    scheduled_run.serve(name=name, schedule=when, parameters={"request": request.model_dump(mode="json")}, limit=1,
                        global_limit=1, tags=["dapt", request.domain], pause_on_shutdown=False)  # fmt: skip
