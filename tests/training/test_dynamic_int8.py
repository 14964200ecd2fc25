"""The classifier's dynamic-int8 copy: which layers become int8 (bench/int8_layers.py says why)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear
from transformers import AutoModel, AutoTokenizer

from dapt.errors import UserError
from dapt.training.classifier import EncoderClassifier
from dapt.training.export import INT8_WEIGHTS, load_int8, quantized
from tests.training.test_finetune import LABELS


@pytest.mark.parametrize(("keep_down_projections", "fp32_layers"), [(True, 2), (False, 0)])
def test_when_a_classifier_is_quantized_then_only_its_down_projections_may_stay_fp32(
    tiny_model_dir: Path, keep_down_projections: bool, fp32_layers: int
) -> None:
    model = EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), LABELS)
    int8 = dict(quantized(model, keep_down_projections).named_modules())
    linears = {name: module for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)}
    kept = sorted(name for name in linears if type(int8[name]) is torch.nn.Linear)
    assert kept == [f"encoder.encoder.layer.{i}.output.dense" for i in range(fp32_layers)]  # 2 layers, 64 → 32
    assert all(isinstance(int8[name], DynamicInt8Linear) for name in linears if name not in kept)
    assert all(type(module) is torch.nn.Linear for module in linears.values())  # the original is left as it was


def test_when_an_int8_copy_has_another_layout_then_loading_it_says_so_in_one_line(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    model = EncoderClassifier(AutoModel.from_pretrained(tiny_model_dir), LABELS)
    model.save(tmp_path, AutoTokenizer.from_pretrained(tiny_model_dir))
    torch.save(quantized(model, keep_down_projections=False).state_dict(), tmp_path / INT8_WEIGHTS)
    with pytest.raises(UserError, match="another layout") as raised:
        load_int8(tmp_path, 32)
    assert "\n" not in raised.value.message
