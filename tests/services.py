"""Real servers a test starts and stops: a free port, a wait, and a process group killed at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"{what} not ready in {timeout:.0f} s"
        time.sleep(0.5)


@contextmanager
def served(command: list[str], health: str, log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    """Run ``command`` in its own session until ``health`` answers 200; kill its whole group after."""
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy() -> bool:
        assert server.poll() is None, log.read_text()
        try:
            return httpx.get(health, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, command[0])
        yield
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
