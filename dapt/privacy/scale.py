"""Anonymization scaled out: the corpus streams in fixed-size partitions to Dask workers.

Each partition is anonymized by ``anonymized_parts`` in a Prefect task on prefect-dask's
``DaskTaskRunner``; the results come back in input order and go through the same writer as the
in-process run. Surrogates are keyed by value and date shifts by document or group, never by
process, so with the same key the three output files are byte-identical to ``anonymize_source``'.

Partitions reach the workers in memory only: a Prefect task run records its inputs by type, not
value, and no result is persisted. Workers read the key themselves (``--key-file`` or
``$DAPT_KEY``), so it is never a task parameter.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar

from distributed import Client
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask import DaskTaskRunner

from dapt.config import RunConfig
from dapt.errors import UserError
from dapt.io import batched, check_input_path
from dapt.privacy.anonymize import (
    AnonymizeResult,
    Kind,
    Outputs,
    RowPart,
    anonymized_parts,
    read_records,
    write_outputs,
)
from dapt.privacy.keys import load_key
from dapt.records import BadRow, Document, Example

PARTITION_DOCUMENTS = 256
IN_FLIGHT_PER_WORKER = 2  # one partition running, one queued: workers never idle, memory stays bounded
CONNECT_TIMEOUT_S = 10
T = TypeVar("T")


@dataclass(frozen=True)
class Cluster:
    """Where partitions run: a local cluster of ``workers`` single-threaded processes, or the Dask
    scheduler at ``address`` (then ``workers`` only sets how many partitions are in flight)."""

    workers: int = 1
    address: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise UserError(f"--workers must be at least 1, not {self.workers}", "pass --workers 1 or more")

    @property
    def scales_out(self) -> bool:
        """Whether partitions leave this process."""
        return self.workers > 1 or self.address is not None

    @property
    def in_flight(self) -> int:
        return IN_FLIGHT_PER_WORKER * self.workers

    def check(self) -> None:
        """Fail in seconds, before Prefect starts, when no scheduler answers at ``address``."""
        if self.address is None:
            return
        try:
            Client(self.address, timeout=CONNECT_TIMEOUT_S).close()
        except (OSError, ValueError, TypeError):  # unreachable, malformed, or an unknown scheme
            raise UserError(
                f"no Dask scheduler answers at '{self.address}'", "start one (`dask scheduler`) or fix --dask-address"
            ) from None

    def task_runner(self) -> DaskTaskRunner:
        if self.address is not None:
            return DaskTaskRunner(address=self.address)
        settings = {"n_workers": self.workers, "threads_per_worker": 1, "dashboard_address": None}
        return DaskTaskRunner(cluster_kwargs=settings)


def anonymize_partition(
    records: Sequence[Document | Example], cfg: RunConfig, key_file: Path | None
) -> list[RowPart]:
    """One partition's rows and findings, computed on a worker with the key it reads itself."""
    # Workers log through Prefect's and Dask's handlers, where Presidio warns about every spaCy
    # label it does not map (CARDINAL, QUANTITY ...) in every text.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    return list(anonymized_parts(records, cfg, load_key(key_file)))


# A partition is raw text: nothing is cached or persisted.
partition_task = task(anonymize_partition, name="anonymize partition", persist_result=False, cache_policy=NO_CACHE)


def ahead(items: Iterable[T], count: int) -> Iterator[T]:
    """``items`` in order, with at most ``count`` drawn and not yet used (here: partitions submitted)."""
    iterator = iter(items)
    window: deque[T] = deque(islice(iterator, count - 1))
    for item in iterator:
        window.append(item)
        yield window.popleft()
    yield from window


@flow(name="anonymize partitioned", persist_result=False)
def partitioned(
    source: Path, kind: Kind, cfg: RunConfig, key_file: Path | None, outputs: Outputs, in_flight: int
) -> AnonymizeResult:
    """Stream ``source`` in partitions to the task runner; write their results in input order."""
    bad: list[BadRow] = []
    partitions = batched(read_records(source, kind, cfg, bad), PARTITION_DOCUMENTS)
    futures = (partition_task.submit(partition, cfg, key_file) for partition in partitions)
    parts = chain.from_iterable(future.result() for future in ahead(futures, in_flight))
    # Tasks carry this setting to the workers, which would otherwise each start a temporary
    # Prefect server when none is configured.
    with temporary_settings({PREFECT_API_URL: str(get_client(sync_client=True).api_url)}):
        return write_outputs(parts, bad, kind, cfg, outputs, source)


def anonymize_partitioned(
    source: Path, kind: Kind, cfg: RunConfig, key_file: Path | None, outputs: Outputs, cluster: Cluster
) -> AnonymizeResult:
    """What ``anonymize_source`` does to ``source``, with the partitions anonymized on ``cluster``."""
    check_input_path(source)
    cluster.check()
    runner = partitioned.with_options(task_runner=cluster.task_runner())
    return runner(source, kind, cfg, key_file, outputs, cluster.in_flight)
