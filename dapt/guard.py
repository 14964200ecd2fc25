"""A watchdog that stops what a run started once the run is gone, even when it was SIGKILLed.

Prefect starts its temporary API server with a plain ``Popen``: a run killed with SIGKILL leaves
that server running with its port and database. ``dapt run`` starts this guard beside the flow;
it notes the run's descendants every half second, and when the run process has gone it
terminates those still alive (SIGTERM, then SIGKILL after 5 s) and exits. Usage (internal):
``python -m dapt.guard RUN_PID``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import suppress

import psutil

POLL_SECONDS = 0.5
GRACE_SECONDS = 5


def start_guard(run_pid: int) -> subprocess.Popen:
    """Start the guard for ``run_pid`` (it leaves no trace when the run ends normally)."""
    return subprocess.Popen([sys.executable, "-m", "dapt.guard", str(run_pid)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def watch(run: psutil.Process) -> list[psutil.Process]:
    """Follow ``run`` until it ends; its descendants as last seen (the guard itself left out)."""
    seen: dict[int, psutil.Process] = {}
    guard = psutil.Process().pid
    while alive(run):
        try:
            seen.update((child.pid, child) for child in run.children(recursive=True) if child.pid != guard)
        except psutil.NoSuchProcess:
            break
        time.sleep(POLL_SECONDS)
    return list(seen.values())


def alive(process: psutil.Process) -> bool:
    """Running and not a zombie (a killed run stays one until whoever started it reaps it)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop(processes: list[psutil.Process]) -> None:
    """SIGTERM to those still running (``is_running`` also checks the pid was not reused), then
    SIGKILL to any left after the grace period."""
    running = [process for process in processes if alive(process)]
    for process in running:
        with suppress(psutil.NoSuchProcess):
            process.terminate()
    _, left = psutil.wait_procs(running, timeout=GRACE_SECONDS)
    for process in left:
        with suppress(psutil.NoSuchProcess):
            process.kill()


def main(argv: list[str]) -> None:
    try:
        run = psutil.Process(int(argv[0]))
    except psutil.NoSuchProcess:
        return
    stop(watch(run))


if __name__ == "__main__":
    main(sys.argv[1:])
