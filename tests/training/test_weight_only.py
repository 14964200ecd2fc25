"""Weight-only int8 of a causal LM (torchao): int8 weights per output channel, logits kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import torch
from torchao.utils import TorchAOBaseTensor
from transformers import AutoModelForCausalLM

from dapt.training.export import weight_only_int8


def test_when_weights_become_int8_then_the_logits_stay_and_the_model_is_left_alone(tiny_causal_dir: Path) -> None:
    model = AutoModelForCausalLM.from_pretrained(tiny_causal_dir).eval()
    ids = torch.randint(3, model.config.vocab_size, (2, 24), generator=torch.Generator().manual_seed(0))
    int8 = weight_only_int8(model)
    with torch.no_grad():
        expected, got = model(ids).logits, int8(ids).logits
    assert isinstance(int8.model.layers[0].mlp.up_proj.weight, TorchAOBaseTensor)
    assert not isinstance(model.model.layers[0].mlp.up_proj.weight, TorchAOBaseTensor)
    assert (got - expected).abs().max() < 0.02 * expected.abs().max()
    assert (got.argmax(-1) == expected.argmax(-1)).float().mean() > 0.95


def test_when_torchao_is_installed_then_importing_dapt_logs_nothing_of_it() -> None:
    code = "import dapt.cli, dapt.training.finetune, transformers.quantizers.auto, torchao"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert "torchao" not in result.stderr and "register_constant" not in result.stderr
