"""Run a Great Expectations suite on a profile frame and keep only pass/fail per expectation.

Frames given to GX are *profiles* (ids, lengths, labels, counts), never text, and results are
taken in ``BOOLEAN_ONLY`` format: no value from the data can reach a validation artifact.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from dapt.runs import write_json

RESULT_FORMAT = "BOOLEAN_ONLY"


CRITICAL = "critical"  # GX's severity of an expectation whose failure stops the run; others warn


@dataclass(frozen=True)
class Check:
    expectation: str
    arguments: dict[str, Any]
    success: bool
    severity: str = CRITICAL
    check: str | None = None  # dapt's name of a built-in check (validation.policies); None for a domain's

    def __str__(self) -> str:
        named = f"{self.check}: " if self.check else ""
        return f"{named}{self.expectation}({', '.join(f'{k}={v}' for k, v in self.arguments.items())})"


@dataclass(frozen=True)
class GateResult:
    suite: str
    success: bool
    rows: int
    checks: list[Check]

    def failures(self, critical: bool = True) -> list[Check]:
        """The failed expectations that are critical (or, with ``critical`` False, of a lower severity)."""
        return [c for c in self.checks if not c.success and (c.severity == CRITICAL) == critical]

    def failed(self) -> list[str]:
        """Readable names of the failed critical expectations (no values)."""
        return [str(c) for c in self.failures()]

    def warned(self) -> list[str]:
        """Readable names of the failed expectations of a lower severity (warning, info)."""
        return [str(c) for c in self.failures(critical=False)]


@cache
def _context() -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx  # 4-6 s import: only when a gate runs

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def run_gate(suite_name: str, frame: pd.DataFrame, expectations: list[Any], out_path: Path) -> GateResult:
    """Validate ``frame`` against ``expectations``; write the pass/fail JSON to ``out_path``."""
    import great_expectations as gx

    context = _context()
    source = context.data_sources.add_or_update_pandas(f"dapt-{suite_name}")
    asset = source.add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=suite_name, expectations=expectations)
    outcome = batch.validate(suite, result_format=RESULT_FORMAT)
    checks = [
        Check(
            r.expectation_config.type,
            {k: v for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
            bool(r.success),
            str(r.expectation_config.severity.value),
            (r.expectation_config.meta or {}).get("check"),
        )
        for r in outcome.results
    ]
    result = GateResult(suite_name, all(c.success for c in checks if c.severity == CRITICAL), len(frame), checks)
    write_json(out_path, asdict(result))
    return result
