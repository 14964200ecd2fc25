"""A rerun of an unchanged flow against its first run: `dapt run` on the bundled sample with
`make demo`'s settings, then the same command with `--resume` into the finished run folder, timed
end to end (process start, Prefect's temporary server, every stage reused, manifest).

    .venv/bin/python bench/rerun.py [--config examples/demo.yaml] [--work /tmp/dapt-rerun]

Writes bench/results/rerun.json: both wall times, their ratio and the stages the rerun reused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from anonymize import REPO, machine  # bench/anonymize.py, beside this

from dapt.runs import write_json

DAPT = Path(sys.executable).with_name("dapt")


def timed_run(args: list[str], log: Path) -> float:
    started = time.monotonic()
    with log.open("w") as out:
        subprocess.run([str(DAPT), "run", "medical", *args], stdout=out, stderr=subprocess.STDOUT, check=True)
    return round(time.monotonic() - started, 1)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=REPO / "examples" / "demo.yaml")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-rerun"))
    args = parser.parse_args(argv)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    os.environ.setdefault("DAPT_KEY", "bench-key-" + "0" * 32)
    common = ["--config", str(args.config), "--out", str(args.work / "runs")]
    first = timed_run(common, args.work / "first.log")
    [run_dir] = (args.work / "runs").iterdir()
    rerun = timed_run([*common, "--resume", str(run_dir)], args.work / "rerun.log")
    reused = [line.split(" - ")[-1].split(":")[0] for line in (args.work / "rerun.log").read_text().splitlines() if ": reused (" in line]
    print(f"first run {first} s, rerun {rerun} s: {rerun / first:.3f} of the first; {len(reused)} stages reused")
    write_json(REPO / "bench" / "results" / "rerun.json", {
        "first_seconds": first, "rerun_seconds": rerun, "ratio": round(rerun / first, 3), "reused": reused,
        "config": str(args.config.relative_to(REPO)) if args.config.is_relative_to(REPO) else str(args.config),
        "machine": machine(),
    })  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
