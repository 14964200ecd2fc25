"""Stages that read the input files are retried on I/O errors, never on bad input or bugs."""

from __future__ import annotations

import pytest
from prefect import flow, task

from dapt.errors import UserError
from dapt.flows.domain_adaptation import READS_OUTSIDE, anonymize_task, finetune_task, ingest_task, validate_raw_task


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize(
    ("error", "attempts", "completed"),
    [
        (OSError("the share went away"), 2, True),
        (FileNotFoundError("input.jsonl"), 2, True),
        (UserError("input.jsonl: row 3: no text field", "fix or remove the row"), 1, False),
        (RuntimeError("a bug"), 1, False),
    ],
)
def test_when_a_stage_reading_inputs_fails_once_then_only_io_errors_are_retried(
    error: Exception, attempts: int, completed: bool
) -> None:
    calls: list[int] = []

    def reads_input() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return len(calls)

    stage = task(reads_input, name="reads input", **{**READS_OUTSIDE, "retry_delay_seconds": 0})

    @flow
    def one_stage() -> int:
        return stage()

    state = one_stage(return_state=True)
    assert len(calls) == attempts and state.is_completed() == completed


def test_when_the_flow_is_built_then_the_stages_reading_inputs_retry_and_training_does_not() -> None:
    assert ingest_task.retries == validate_raw_task.retries == anonymize_task.retries == 2
    assert finetune_task.retries == 0
