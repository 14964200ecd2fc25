"""Approval before training: with ``approval: required`` the flow pauses after the PII report until
a compliance officer decides, in the Prefect UI (a form built from ``Approval``) or with
``dapt report sign`` (which resumes the paused run through the API address recorded here). The
decision goes into the report; a rejection stops the run before any model sees the data."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from prefect import get_client, get_run_logger
from prefect.context import FlowRunContext
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, resume_flow_run
from prefect.input import RunInput
from prefect.settings import PREFECT_API_URL, temporary_settings
from pydantic import Field

from dapt.config import RunConfig
from dapt.errors import UserError
from dapt.privacy.report import read_report, sign_report
from dapt.runs import RunFolder, read_json, write_json

POLL_SECONDS = 5  # how often the paused flow asks the API whether it was resumed


class Approval(RunInput):
    """The decision on a run's PII report, as the Prefect UI asks for it."""

    reviewer: str = Field(description="Who decides: name and role.")
    decision: Literal["approve", "reject"] = Field(description="approve: training goes on; reject: the run stops.")
    note: str | None = Field(None, description="Why, or under what conditions.")


def await_approval(run: RunFolder, cfg: RunConfig) -> dict[str, Any]:
    """Wait (paused) for the report's sign-off unless it is signed already; stop on a rejection.
    Returns the sign-off."""
    sign_off = read_report(run)["sign_off"]
    if sign_off["decision"] is None:
        context = FlowRunContext.get()
        with get_client(sync_client=True) as client:
            write_json(run.approval_request, {"flow_run_id": str(context.flow_run.id), "api_url": str(client.api_url)})
        get_run_logger().info(
            "waiting for the PII report's sign-off (%s): decide in the Prefect UI, or run "
            "`dapt report sign %s --reviewer 'NAME, ROLE' --decision approve|reject`", run.pii_report("html"), run.root
        )
        try:
            answer = pause_flow_run(Approval, timeout=round(cfg.approval_timeout_hours * 3600), poll_interval=POLL_SECONDS,
                                    key="pii-report-approval")  # fmt: skip
        except FlowPauseTimeout:
            raise UserError(
                f"no decision on the PII report within {cfg.approval_timeout_hours:g} hours",
                f"sign it (dapt report sign {run.root} …) and rerun with --resume",
            ) from None
        finally:
            run.approval_request.unlink(missing_ok=True)
        sign_off = read_report(run)["sign_off"]
        if sign_off["decision"] is None:  # decided in the Prefect UI
            sign_off = sign_report(run, answer.reviewer, answer.decision, answer.note)["sign_off"]
    if sign_off["decision"] == "reject":
        raise UserError(
            f"the PII report was rejected by {sign_off['reviewed_by']}: no model was trained on this data",
            "act on the reviewer's note (privacy/pii_report.json) and start a new run",
        )
    return sign_off


def resume_waiting_run(run: RunFolder, sign_off: dict[str, Any]) -> bool:
    """Hand a just-signed decision to the run's paused flow, if one waits for it; whether one did."""
    request = read_json(run.approval_request)
    if request is None:
        return False
    answer = {key: sign_off[key] for key in ("decision", "note")} | {"reviewer": sign_off["reviewed_by"]}
    with temporary_settings({PREFECT_API_URL: request["api_url"]}):
        resume_flow_run(UUID(request["flow_run_id"]), run_input=answer)
    return True
