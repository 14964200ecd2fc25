"""Continued-pretraining throughput: dapt's training step against HF ``Trainer`` +
``DataCollatorForLanguageModeling``, side by side in one process, on the same model (the packaged
MiniLM with its MLM head), the same packed blocks of ECTSum text and the same batch.

    .venv/bin/python bench/train_throughput.py [--steps 20] [--warmup 3] [--rounds 2]

Both train every weight with AdamW at the pretraining stage's batch size and sequence length.
Timed: optimizer steps after ``--warmup`` untimed ones, each side in turn for ``--rounds`` rounds
(the best round of each counts, so a noisy neighbour hurts neither side alone). Tokens per second
count every position of every block. The share of this machine's fp32 GEMM peak divides the
model FLOPs of a step (6 × weights × tokens for the encoder body, plus attention, plus each
side's vocabulary projection; dapt runs the last layer at the masked positions only, which the
count follows) by the step's time and by the best rate of a 2048² ``torch.mm``.

Writes bench/results/train_throughput.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import torch  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from transformers import (  # noqa: E402
    AutoModelForMaskedLM,
    AutoTokenizer,
    DataCollatorForLanguageModeling,
    PreTrainedModel,
    Trainer,
    TrainerCallback,
    TrainingArguments,
)

from dapt.cli import run_config  # noqa: E402
from dapt.io import read_jsonl  # noqa: E402
from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import base_model_path, pick_device  # noqa: E402
from dapt.training.pretrain import Phase, endless_batches, pack_sequences, train_phase  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "train_throughput.json"
DOCUMENTS = 200  # ECTSum transcripts: far more blocks than the timed steps use


class StepClock(TrainerCallback):
    """Wall time of each Trainer optimizer step."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_step_begin(self, args, state, control, **kwargs) -> None:  # noqa: ANN001, ANN003
        if not self.ends:
            self.ends.append(time.perf_counter())

    def on_step_end(self, args, state, control, **kwargs) -> None:  # noqa: ANN001, ANN003
        self.ends.append(time.perf_counter())


def fresh_model() -> PreTrainedModel:
    torch.manual_seed(0)
    return AutoModelForMaskedLM.from_pretrained(base_model_path(None))


def seconds_per_step(ends: list[float], warmup: int) -> float:
    timed = ends[warmup:]
    return (timed[-1] - timed[0]) / (len(timed) - 1)


def hf_trainer_step(blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch: int,
                    steps: int, warmup: int, work: Path) -> float:  # fmt: skip
    clock = StepClock()
    args = TrainingArguments(output_dir=str(work), max_steps=steps + warmup, per_device_train_batch_size=batch,
                             learning_rate=1e-4, weight_decay=0.01, report_to="none", save_strategy="no",
                             logging_strategy="no", disable_tqdm=True, dataloader_num_workers=0, use_cpu=True)  # fmt: skip
    trainer = Trainer(model=fresh_model(), args=args, train_dataset=[{"input_ids": b} for b in blocks],
                      data_collator=collator, callbacks=[clock])  # fmt: skip
    trainer.train()
    return seconds_per_step(clock.ends, warmup)


def dapt_step(blocks: list[list[int]], collator: DataCollatorForLanguageModeling, batch: int, steps: int, warmup: int) -> float:
    model = fresh_model()
    ends = [time.perf_counter()]
    train_phase(model, list(model.parameters()), Phase("all weights", steps + warmup, 1e-4),
                endless_batches(blocks, collator, batch, seed=0), pick_device(),
                lambda done, _: ends.append(time.perf_counter()), 0, float("inf"))  # fmt: skip
    return seconds_per_step(ends, warmup)


def gemm_peak_flops(size: int = 2048, repeats: int = 10) -> float:
    """The best fp32 ``torch.mm`` rate of this machine, FLOP/s."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = min(_timed_mm(a, b) for _ in range(repeats))
    return 2 * size**3 / best


def _timed_mm(a: torch.Tensor, b: torch.Tensor) -> float:
    started = time.perf_counter()
    torch.mm(a, b)
    return time.perf_counter() - started


def step_flops(model: PreTrainedModel, batch: int, length: int, projected_positions: float) -> float:
    """Training FLOPs of one step: body matmuls, attention, and, at ``projected_positions``
    positions (all of them for HF, the masked ones for dapt), the vocabulary projection and the
    last layer's queries, attention output and feed-forward part (its keys and values are
    computed everywhere)."""
    config = model.config
    vocabulary_weights = model.get_input_embeddings().weight.numel()
    layers = model.base_model.encoder.layer
    last = sum(p.numel() for p in layers[-1].parameters())
    keys_and_values = sum(p.numel() for p in (*layers[-1].attention.self.key.parameters(),
                                              *layers[-1].attention.self.value.parameters()))  # fmt: skip
    everywhere = sum(p.numel() for p in model.base_model.encoder.parameters()) - last + keys_and_values
    tokens = batch * length
    attention = 2 * 2 * ((config.num_hidden_layers - 1) * tokens + projected_positions) * length * config.hidden_size
    body = 2 * (everywhere * tokens + (last - keys_and_values) * projected_positions)
    return 3 * (body + attention + 2 * projected_positions * vocabulary_weights)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dapt-throughput"))
    args = parser.parse_args(argv)
    settings = run_config("finance", None, {}).pretrain
    tokenizer = AutoTokenizer.from_pretrained(base_model_path(None))
    texts = [row["text"] for _, row in zip(range(DOCUMENTS), read_jsonl(data_dir() / "ectsum" / "corpus.jsonl"))]
    blocks = pack_sequences(tokenizer(texts, add_special_tokens=False)["input_ids"], settings.max_length, tokenizer.sep_token_id,
                            [tokenizer.cls_token_id], [tokenizer.sep_token_id])  # fmt: skip
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=settings.mlm_probability, return_tensors="pt")
    batch, length = settings.batch_size, settings.max_length
    times: dict[str, list[float]] = {"hf_trainer": [], "dapt": []}
    for round_ in range(args.rounds):
        times["hf_trainer"].append(hf_trainer_step(blocks, collator, batch, args.steps, args.warmup, args.work))
        times["dapt"].append(dapt_step(blocks, collator, batch, args.steps, args.warmup))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s/step" for k, v in times.items()), flush=True)
    peak = gemm_peak_flops()
    model = fresh_model()
    masked = settings.mlm_probability * batch * length
    flops = {"hf_trainer": step_flops(model, batch, length, batch * length), "dapt": step_flops(model, batch, length, masked)}
    rows: dict[str, Any] = {
        name: {"seconds_per_step": round(min(t), 4), "tokens_per_second": round(batch * length / min(t), 1),
               "share_of_fp32_gemm_peak": round(flops[name] / min(t) / peak, 3)}
        for name, t in times.items()
    }  # fmt: skip
    speedup = rows["hf_trainer"]["seconds_per_step"] / rows["dapt"]["seconds_per_step"]
    for name, row in rows.items():
        print(f"{name:11s} {row['tokens_per_second']:8.1f} tokens/s  {row['share_of_fp32_gemm_peak']:.1%} of fp32 GEMM peak")
    print(f"dapt / HF Trainer: {speedup:.2f}x  (fp32 GEMM peak {peak / 1e9:.1f} GFLOP/s)")
    write_json(RESULTS, {
        "rows": rows, "speedup": round(speedup, 3), "fp32_gemm_peak_gflops": round(peak / 1e9, 1),
        "seconds_per_step_each_round": times,
        "settings": {"batch_size": batch, "max_length": length, "steps": args.steps, "warmup": args.warmup,
                     "rounds": args.rounds, "model": Path(base_model_path(None)).name, "corpus": "ectsum (raw)"},
        "machine": machine(),
    })  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
