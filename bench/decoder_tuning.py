"""Instruction and preference tuning of the packaged SmolLM2-135M-Instruct (``make decoder``) through
the stage functions of `dapt sft` and `dapt dpo`, on a real task as generation (the answer is the
label): the same stratified labels as the tight-data bench, scored on the task's dev split (its first
``--eval-rows``), in one process per seed:

    zero-shot  the base model before tuning (the same prompt listing the labels)
    sft        `dapt sft --answers label` at the instruct defaults (LoRA, loss on the answers)
    dpo        `dapt dpo` on the SFT model: the reference label preferred over its own answer
    sft-adapted  the same SFT from a continued-pretrained SmolLM2 (``--adapted``: a decoder run's
               pretrain/model folder), when given

    .venv/bin/python bench/decoder_tuning.py --task financial-phrasebank --seeds 0 [--eval-rows 300]
        [--adapted RUN/pretrain/model] [--no-dpo] [--no-base]

Writes bench/results/decoder_tuning_<task>_<labels>.json (macro-F1 and accuracy per row and seed,
reward margins, wall time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from tight_data import TASKS, label_sample, read_rows, write_rows  # noqa: E402

from dapt.request import run_config  # noqa: E402
from dapt.runs import write_json  # noqa: E402
from dapt.training.instruct import tuning_run  # noqa: E402
from dapt.training.packaged import PACKAGED_DECODER  # noqa: E402

RESULTS = Path(__file__).parent / "results"
KEY = b"decoder-tuning-bench-key-0123456789"


def scored(run: Path, stage: str) -> dict[str, Any]:
    """What a tuning run's report says: scores before and after, steps, seconds, last reward margin."""
    report = json.loads((run / stage / "report.json").read_text(encoding="utf-8"))
    margins = report.get("reward_margin") or [[0, None]]
    return {"before": report["before"], "after": report["after"], "steps": report["steps"],
            "seconds": report["seconds"], "reward_margin_last": margins[-1][1], "run": str(run)}  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="financial-phrasebank")
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--eval-rows", type=int, default=300, help="the first N dev rows are scored (0: all)")
    parser.add_argument("--adapted", type=Path, default=None, help="a decoder run folder whose pretrain/model to tune too")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-bench-decoder-tuning"))
    parser.add_argument("--dpo", action=argparse.BooleanOptionalAction, default=True, help="the dpo row (--no-dpo: skip it)")
    parser.add_argument("--sft-run", type=Path, default=None, help="reuse this SFT run of the seed (one seed only)")
    parser.add_argument("--base", action=argparse.BooleanOptionalAction, default=True,
                        help="the zero-shot, sft and dpo rows of the packaged model (--no-base: only sft-adapted)")
    args = parser.parse_args(argv)
    domain, _ = TASKS[args.task]
    pool, dev = read_rows(data_dir() / args.task / "train.jsonl"), read_rows(data_dir() / args.task / "dev.jsonl")
    dev = dev[: args.eval_rows or None]
    key_file = args.work / "key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(KEY)
    key_file.chmod(0o600)
    cfg = run_config(domain, None, {"instruct": {"answers": "label"}, "preference": {"answers": "label"}})
    out = RESULTS / f"decoder_tuning_{args.task}_{args.labels}.json"
    results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8")).get("rows", {}) if out.is_file() else {}
    for seed in args.seeds:
        train = write_rows(args.work / f"train-{seed}.jsonl", label_sample(pool, args.labels, 0, seed))
        held = write_rows(args.work / "dev.jsonl", dev)
        seeded = cfg.model_copy(update={"instruct": cfg.instruct.model_copy(update={"seed": seed}),
                                        "preference": cfg.preference.model_copy(update={"seed": seed})})  # fmt: skip
        started = time.monotonic()
        runs = args.work / "runs"
        rows: dict[str, Any] = {}
        if args.base:
            sft_run = args.sft_run or tuning_run("instruct", PACKAGED_DECODER, train, held, seeded, key_file, runs).run
            sft = scored(sft_run, "instruct")
            rows = {"zero-shot": sft["before"], "sft": sft["after"] | {"seconds": sft["seconds"]}}
        if args.base and args.dpo:
            dpo = scored(tuning_run("preference", str(sft_run), train, held, seeded, key_file, runs).run, "preference")
            rows["dpo"] = dpo["after"] | {"seconds": dpo["seconds"], "reward_margin_last": dpo["reward_margin_last"]}
        if args.adapted:
            adapted = scored(tuning_run("instruct", str(args.adapted), train, held, seeded, key_file, runs).run, "instruct")
            rows["sft-adapted"] = adapted["after"] | {"seconds": adapted["seconds"], "zero-shot": adapted["before"]}
        for name, scores in rows.items():
            results.setdefault(name, {})[str(seed)] = scores
            print(f"{args.task} {args.labels} seed {seed} {name}: {scores}", flush=True)
        print(f"seed {seed}: {round(time.monotonic() - started)} s", flush=True)
    for seeds in results.values():
        f1 = [v["macro_f1"] for k, v in seeds.items() if k.isdigit()]
        seeds["mean"], seeds["std"] = round(statistics.mean(f1), 2), round(statistics.stdev(f1), 2) if len(f1) > 1 else 0.0
    write_json(out, {"task": args.task, "labels": args.labels, "dev_examples": len(dev), "base_model": PACKAGED_DECODER,
                     "settings": cfg.instruct.model_dump() | {"preference": cfg.preference.model_dump()}, "rows": results,
                     "machine": machine()})  # fmt: skip
    for name, seeds in results.items():
        print(f"{name:<12} macro-F1 {seeds['mean']:.2f} ± {seeds['std']:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
