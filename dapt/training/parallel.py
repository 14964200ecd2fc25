"""Data-parallel training under `accelerate launch`: every process builds the same stream of
batches, trains on its share of each one, and the gradients are averaged before each step, so
N processes take the steps one process would (the same global batch), N times as wide.

Outside `accelerate launch` (one process, the default) nothing here starts a process group.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch

from dapt.errors import UserError

Batch = dict[str, torch.Tensor]


@dataclass(frozen=True)
class Ranks:
    """This process's place among the training processes."""

    index: int = 0
    count: int = 1

    @property
    def main(self) -> bool:
        """The process that writes files and reports progress."""
        return self.index == 0

    def share(self, batch: Batch, targets: Callable[[Batch], int]) -> tuple[Batch, float]:
        """This process's rows of a global batch (every ``count``-th, from ``index``), and the factor
        that turns their mean loss into this process's part of the global batch's mean loss (its
        ``targets``, the predicted tokens, over the batch's, times ``count``): averaged over the
        processes, the losses and gradients are then the one-process ones."""
        if self.count == 1:
            return batch, 1.0
        rows = {name: values[self.index :: self.count] for name, values in batch.items()}
        return rows, targets(rows) / max(1, targets(batch)) * self.count

    def average_gradients(self, parameters: Iterable[torch.nn.Parameter]) -> None:
        """Replace each gradient by its mean over the processes (what DDP's reducer does)."""
        if self.count == 1:
            return
        for parameter in parameters:
            if parameter.grad is not None:
                torch.distributed.all_reduce(parameter.grad)
                parameter.grad /= self.count

    def mean(self, value: torch.Tensor) -> float:
        """A scalar's mean over the processes (the global batch's loss)."""
        if self.count > 1:
            value = value.detach().clone()
            torch.distributed.all_reduce(value)
            value /= self.count
        return value.item()

    def any(self, flag: bool) -> bool:
        """Whether ``flag`` holds in any process (so all stop at the same step)."""
        return self.mean(torch.tensor(float(flag))) > 0


def process_ranks() -> Ranks:
    """The ranks `accelerate launch` (or torchrun) gave this process; one process otherwise.
    Under a launcher, accelerate's ``PartialState`` starts the process group (gloo on CPU, NCCL on GPU)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return Ranks()
    from accelerate import PartialState

    state = PartialState(cpu=not torch.cuda.is_available())
    return Ranks(state.process_index, state.num_processes)


def launch(command: list[str], processes: int) -> None:
    """Run ``dapt <command>`` in ``processes`` processes under `accelerate launch` and wait; a
    process that fails fails the stage. accelerate's multi-GPU launcher (torchrun) starts them:
    each takes its own GPU, or trains on the CPU (gloo) where there is none."""
    launcher = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
                "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
                str(Path(sys.executable).with_name("dapt")), *command]  # fmt: skip
    if subprocess.run(launcher).returncode != 0:
        raise UserError(
            f"dapt {command[0]} failed in {processes} processes",
            "read the lines above; set processes: 1 to train in one",
        )
