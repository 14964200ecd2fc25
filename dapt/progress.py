"""Progress bars for long loops (rich; silent when output is not a terminal)."""

from __future__ import annotations

import logging
import math
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
LOG_EVERY_SECONDS = 30  # training progress lines in the stage log
STDERR = Console(stderr=True)  # bars never mix with what a command prints on stdout


def _bars(*extra: ProgressColumn) -> Progress:
    """A transient display of bars on stderr: description, bar, done of total, time elapsed, ``extra``.
    Disabled where rich would draw nothing (stderr not an interactive terminal: tests, CI, scheduled flows),
    so no refresh thread runs there."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), *extra)
    drawn = STDERR.is_terminal and STDERR.is_interactive
    return Progress(*columns, transient=True, console=STDERR, disable=not drawn)


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
def step_progress(description: str, steps: int, shown: bool = True) -> Iterator[Callable[[int, str], None]]:
    """A callback ``report(step, status)`` for training loops: a bar with ETA on stderr, and the
    same line (step, status, time left) in the stage's log at most every ``LOG_EVERY_SECONDS``.
    Not ``shown``: a callback that reports nothing (the other processes of a parallel run)."""
    if not shown:
        yield lambda step, status: None
        return
    logger, started = stage_logger(), time.monotonic()
    logged = -math.inf
    with _bars(TimeRemainingColumn(), TextColumn("{task.fields[status]}")) as bar:
        task = bar.add_task(description, total=steps, status="")

        def report(step: int, status: str) -> None:
            nonlocal logged
            bar.update(task, completed=step, status=status)
            now = time.monotonic()
            if now - logged >= LOG_EVERY_SECONDS or step == steps:
                logged = now
                remaining = (now - started) / step * (steps - step)
                logger.info("%s: step %d/%d, %s, about %.0f s left", description, step, steps, status, remaining)

        yield report
