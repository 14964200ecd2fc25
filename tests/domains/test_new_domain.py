"""`dapt new-domain insurance`: the scaffolded package installs, its own tests pass, the whole flow
runs on it, and a broken plugin is one line naming its package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dapt.cli import app, run_config
from dapt.domains.base import installed_domains
from dapt.flows.domain_adaptation import domain_adaptation
from tests.slices import leaks, make_slice

runner = CliRunner()


def pip_install(package: Path, target: Path) -> None:
    """Install ``package`` (a real build through its pyproject) into ``target``, not into the venv."""
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target), str(package)]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def insurance(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The scaffolded package's folder and the folder it is installed into."""
    root = tmp_path_factory.mktemp("new-domain")
    result = runner.invoke(app, ["new-domain", "insurance", "--into", str(root)])
    assert result.exit_code == 0, result.output
    folder = Path(result.stdout.strip())
    pip_install(folder, root / "site")
    return folder, root / "site"


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Plugins are looked up and imported afresh while the test runs, and looked up after it."""
    for module in [name for name in sys.modules if name.startswith("dapt_insurance")]:
        monkeypatch.delitem(sys.modules, module)
    installed_domains.cache_clear()
    yield
    installed_domains.cache_clear()


def test_the_scaffolded_package_holds_its_own_passing_tests(insurance: tuple[Path, Path]) -> None:
    folder, site = insurance
    environment = {**os.environ, "PYTHONPATH": str(site)}
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")],
                           cwd=folder, env=environment, capture_output=True, text=True)  # fmt: skip
    assert tests.returncode == 0 and "3 passed" in tests.stdout, tests.stdout[-2000:]


def test_the_scaffolded_domain_runs_the_whole_flow_without_leaking(
    insurance: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, on_path: None,
    tmp_path: Path, tiny_model_dir: Path, tiny_config_file: Path, prefect_harness: None,
) -> None:  # fmt: skip
    monkeypatch.syspath_prepend(str(insurance[1]))
    assert "insurance" in runner.invoke(app, ["domains"]).stdout
    piece = make_slice("insurance", tmp_path, corpus_docs=60, per_label=12)
    cfg = run_config("insurance", tiny_config_file, {"base_model": str(tiny_model_dir)})
    run_dir = domain_adaptation(piece.inputs, cfg, tmp_path / "run.partial")
    assert json.loads((run_dir / "manifest.json").read_text())["artifacts"]
    metrics = json.loads((run_dir / "eval" / "metrics.json").read_text())
    assert {"complaint", "question", "request"} <= set(metrics["per_class"])
    report = json.loads((run_dir / "privacy" / "pii_report.json").read_text())
    assert "INSURANCE_REFERENCE" in json.dumps(report)  # the plugin's own recognizer found its identifiers
    assert leaks(run_dir, piece.planted) == []


def test_when_a_plugin_fails_to_import_then_dapt_names_its_package_in_one_line(
    insurance: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, on_path: None, tmp_path: Path
) -> None:
    broken = tmp_path / "site"
    shutil.copytree(insurance[1], broken)
    (broken / "dapt_insurance" / "__init__.py").write_text("import dapt_no_such_module\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(broken))
    result = runner.invoke(app, ["domains"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "domain plugin 'insurance' (package dapt-insurance 0.1.0) failed to load: ModuleNotFoundError" in line


@pytest.mark.parametrize("name, message", [("medical", "already installed"), ("Insurance", "must start with a letter")])
def test_when_the_name_is_taken_or_malformed_then_new_domain_says_so(name: str, message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["new-domain", name, "--into", str(tmp_path)])
    assert result.exit_code == 2 and message in result.stderr and not list(tmp_path.iterdir())
