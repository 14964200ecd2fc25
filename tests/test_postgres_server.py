"""A real Prefect server on PostgreSQL: a throwaway cluster (the Debian package, installed by
.ci/run), `prefect server start` against it through asyncpg, a dapt flow run through a deployment,
its state and summary artifact read back through the API, and the rows seen in PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from dapt.flows.domain_adaptation import artifact_key
from dapt.flows.scheduled import FLOW_NAME
from tests.services import free_port, served, wait_until
from tests.slices import make_slice

DAPT = Path(sys.executable).with_name("dapt")


def postgres_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    assert found[-1], f"PostgreSQL's {name} is not installed (.ci/run installs the Debian package)"
    return found[-1]


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run ``command`` as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, list[str]]]:
    """A throwaway cluster: its asyncpg URL, and the psql command that reaches its database."""
    data = Path(tempfile.mkdtemp(prefix="dapt-pg-"))  # not under pytest's folder: the postgres user cannot enter it
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(as_postgres([postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(as_postgres([postgres_bin("pg_ctl"), "-D", str(data), "-o", f"-p {port} -k {data} -h 127.0.0.1",
                                "-l", str(data / "log"), "-w", "start"]), check=True, capture_output=True)  # fmt: skip
    psql = as_postgres([postgres_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tA"])
    subprocess.run([*psql, "-c", "CREATE DATABASE prefect"], check=True, capture_output=True)
    yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/prefect", [*psql, "-d", "prefect"]
    subprocess.run(as_postgres([postgres_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def server_on_postgres(postgres: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`prefect server start` with its database in PostgreSQL; its API address."""
    port, home = free_port(), tmp_path_factory.mktemp("prefect-home")
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_DATABASE_CONNECTION_URL": postgres[0],
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    api = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with served(command, f"{api}/health", home / "server.log", env):
        yield api


def test_when_the_server_runs_on_postgres_then_a_deployed_run_completes_and_is_read_back(
    server_on_postgres: str, postgres: tuple[str, list[str]], tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path
) -> None:
    piece = make_slice("medical", tmp_path, corpus_docs=20, per_label=8)
    args = ["deploy", "medical", "--cron", "0 3 * * *", "--corpus", str(piece.inputs.corpus), "--task", str(piece.inputs.task),
            "--config", str(tiny_config_file), "--base-model", str(tiny_model_dir), "--out", str(tmp_path / "runs")]  # fmt: skip
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen([str(DAPT), *args], env={**os.environ, "PREFECT_API_URL": server_on_postgres},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        with temporary_settings({PREFECT_API_URL: server_on_postgres}):
            with get_client(sync_client=True) as client:

                def deployed() -> bool:
                    assert serving.poll() is None, (tmp_path / "serve.log").read_text()
                    return any(d.name == "dapt-medical" for d in client.read_deployments())

                wait_until(deployed, "deployment")
                flow_run = run_deployment(f"{FLOW_NAME}/dapt-medical", timeout=600)
                assert flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()
                read_back = client.read_flow_run(flow_run.id)
                artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[artifact_key("medical", "summary")])))
        assert read_back.state.is_completed() and read_back.deployment_id is not None
        assert any("macro-F1" in artifact.data for artifact in artifacts)
        rows = subprocess.run([*postgres[1], "-c", f"SELECT count(*) FROM flow_run WHERE id = '{flow_run.id}'"],
                              check=True, capture_output=True, text=True)  # fmt: skip
        assert rows.stdout.strip() == "1"  # the run's state lives in PostgreSQL
    finally:
        os.killpg(serving.pid, signal.SIGKILL)
