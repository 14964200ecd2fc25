"""A run folder's flow runs as the Prefect API has them: each one's state and the stages it ran.

A stage the flow reused is skipped before its task starts (reuse.py), so a flow run's task runs
are the stages it ran; every other stage it passed was reused from an earlier flow run. The flow
runs are found by the run id, which every flow run of the folder carries as a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterTags
from prefect.client.schemas.sorting import FlowRunSort

TASK_RUN_SUFFIX = re.compile(r"-[0-9a-z]{3}$")  # Prefect names a task run "<task name>-<3 characters>"


@dataclass(frozen=True)
class FlowRunRecord:
    name: str
    state: str
    started: str
    stages_run: list[str]


def flow_runs_of(run_id: str) -> list[FlowRunRecord]:
    """The flow runs tagged with ``run_id``, oldest first, each with the stages (task names) it
    ran: a stage run once per input (anonymize) is listed once per input."""
    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[run_id])), sort=FlowRunSort.START_TIME_ASC
        )
        return [
            FlowRunRecord(
                flow_run.name,
                flow_run.state_name or "?",
                flow_run.start_time.isoformat(timespec="seconds") if flow_run.start_time else "-",
                sorted(
                    [TASK_RUN_SUFFIX.sub("", task_run.name) for task_run in client.read_task_runs(
                        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])))],
                    key=stage_order,
                ),  # fmt: skip
            )
            for flow_run in flow_runs
        ]


def stage_order(task_name: str) -> tuple[int, str]:
    """The flow's task names start with the stage's number ("9 fine-tune")."""
    number, _, rest = task_name.partition(" ")
    return (int(number), rest) if number.isdigit() else (99, task_name)
