"""Progress bars for long loops (rich; silent when output is not a terminal)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")
STDERR = Console(stderr=True)  # bars never mix with what a command prints on stdout


def _bars(*extra: ProgressColumn) -> Progress:
    """A transient display of bars on stderr: description, bar, done of total, time elapsed, ``extra``."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), *extra)
    return Progress(*columns, transient=True, console=STDERR)


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while showing a bar (or a counter when ``total`` is unknown)."""
    with _bars() as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)


@contextmanager
def parts_progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A callback ``report(item, done, parts)`` that shows a bar for an item of more than one part
    (a huge document's chunks) while its parts are worked on, beside any ``progress`` bar; items of
    one part show nothing. ``item`` is printed: pass a name that holds no personal data."""
    with _bars() as bar:
        tasks: dict[str, TaskID] = {}

        def report(item: str, done: int, parts: int) -> None:
            if parts < 2:
                return
            if item not in tasks:
                tasks[item] = bar.add_task(f"{description} {item}", total=parts)
            bar.update(tasks[item], completed=done)
            if done >= parts:
                bar.remove_task(tasks.pop(item))

        yield report


def stage_logger() -> logging.Logger:
    """The Prefect run logger inside a flow or task (lines land in Prefect's UI), else ``dapt``."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()  # type: ignore[return-value]
    except MissingContextError:
        return logging.getLogger("dapt")


@contextmanager
def step_progress(description: str, steps: int) -> Iterator[Callable[[int, str], None]]:
    """A callback ``report(step, status)`` for training loops: a bar with ETA on stderr, and the
    same line (step, status, ETA) in the stage's log."""
    logger, started = stage_logger(), time.monotonic()
    with _bars(TimeRemainingColumn(), TextColumn("{task.fields[status]}")) as bar:
        task = bar.add_task(description, total=steps, status="")

        def report(step: int, status: str) -> None:
            bar.update(task, completed=step, status=status)
            remaining = (time.monotonic() - started) / step * (steps - step)
            logger.info("%s: step %d/%d, %s, at most %.0f s left", description, step, steps, status, remaining)

        yield report
