"""The validation page: every gate's expectations with pass/fail, and the rows set aside, in one
self-contained HTML file a person reads offline (inline style and SVG; GX's Data Docs load their
scripts and styles from the internet). Built from the gates' ``result.json`` and the quarantine
files: expectation names, arguments, counts and reasons, never a value from the data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from dapt.html import render_html, stacked_bars
from dapt.io import read_jsonl
from dapt.runs import RunFolder, read_json, write_text
from dapt.validation.gate import CRITICAL

GATES = {"raw": "Raw corpus (stage 2)", "anonymized": "Anonymized corpus (stage 4)", "task": "Task data (stage 8)"}
OUTCOMES = {  # an expectation's outcome: its colour in the chart, and what it means
    "passed": ("#2e7d32", "passed"),
    "warned": ("#e0a100", "failed, severity below critical (logged)"),
    "failed": ("#c62828", "failed, critical (the run stops)"),
}
LABEL_WIDTH, BAR_WIDTH, BAR_HEIGHT = 210, 480, 22  # px: the chart's gate names, its bars


def outcome(check: dict[str, Any]) -> str:
    """``passed``, ``failed`` (a critical expectation: the run stops) or ``warned`` (a lower severity)."""
    if check["success"]:
        return "passed"
    return "failed" if check.get("severity", CRITICAL) == CRITICAL else "warned"


def gate_bars(gates: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One full-width stacked bar per gate: its expectations by outcome."""
    counts = {gate: dict(Counter(outcome(check) for check in result["checks"])) for gate, result in gates.items()}
    return stacked_bars(counts, {name: colour for name, (colour, _) in OUTCOMES.items()}, BAR_WIDTH, each_full=True)


def rows_set_aside(run: RunFolder) -> list[dict[str, Any]]:
    """Each quarantine file present: its path in the run folder, row count and rows per reason."""
    files = []
    for path in run.quarantines():
        if path.is_file():
            reasons = Counter(row["reason"] for row in read_jsonl(path))
            name = path.relative_to(run.root).as_posix()
            files.append({"file": name, "rows": sum(reasons.values()), "reasons": dict(reasons)})
    return files


def write_validation_page(run: RunFolder) -> Path | None:
    """Write ``validation/report.html`` from the results of the gates that ran (None before the
    first). The page carries no time stamp and is rewritten only when it changes, so rendering it
    again after every stage leaves a finished run's files as they are."""
    gates = {gate: result for gate in GATES if (result := read_json(run.gate_result(gate)))}
    if not gates:
        return None
    chart = {"bars": gate_bars(gates), "outcomes": OUTCOMES,
             "label_width": LABEL_WIDTH, "bar_width": BAR_WIDTH, "bar_height": BAR_HEIGHT}  # fmt: skip
    page = render_html("dapt.validation", "validation_report.html.j2", run_id=run.run_id, titles=GATES, gates=gates,
                       outcome=outcome, chart=chart, set_aside=rows_set_aside(run))  # fmt: skip
    path = run.validation_report
    if not path.is_file() or path.read_text(encoding="utf-8") != page:
        write_text(path, page)
    return path
