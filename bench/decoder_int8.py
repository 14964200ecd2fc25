"""A dynamic-int8 copy of a causal LM beside fp32 on the CPU, in one process: held-out perplexity on
MTSamples notes never trained on (``../shared/data/mtsamples/heldout.jsonl``), the latency of one
forward pass over a block and of greedy generation, and the weights' size. Copies: dynamic int8
(``dapt.training.export.quantized``, the classifier's int8 export), the same with the output layer
kept in fp32, and weight-only int8 per output channel (``weight_only_int8``, torchao).

    .venv/bin/pip install -c constraints.txt -e '.[int8]'     # torchao, for the weight-only row
    .venv/bin/python bench/decoder_int8.py --model smollm2 [--model RUN/pretrain/model] [--documents 50]

Writes bench/results/decoder_int8.json (one row per --model, keyed by --name).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import statistics
import sys
import time
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

import torch  # noqa: E402
from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from decoder import perplexity_of  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase  # noqa: E402

from dapt.runs import write_json  # noqa: E402
from dapt.training.builders import Device  # noqa: E402
from dapt.training.export import quantized, weight_only_int8  # noqa: E402
from dapt.training.generate import causal_lm_source  # noqa: E402

RESULTS = Path(__file__).parent / "results"
CPU = Device(torch.device("cpu"), torch.float32)


def megabytes(model: torch.nn.Module) -> float:
    """Size of the model's state dict as torch.save writes it."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return round(buffer.tell() / 2**20, 1)


@torch.no_grad()
def milliseconds(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, texts: list[str], tokens: int, new_tokens: int
) -> dict[str, float]:
    """Median latency, one text at a time: a forward pass over its first ``tokens`` tokens, and
    greedy generation of ``new_tokens`` after its first 32 (per generated token)."""
    forward, generate = [], []
    model(**tokenizer(texts[0], return_tensors="pt", truncation=True, max_length=tokens))  # one-off costs first
    for text in texts:
        ids = tokenizer(text, return_tensors="pt", truncation=True, max_length=tokens)
        started = time.perf_counter()
        model(**ids)
        forward.append(time.perf_counter() - started)
        prompt = {key: value[:, :32] for key, value in ids.items()}
        started = time.perf_counter()
        model.generate(**prompt, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                       pad_token_id=tokenizer.eos_token_id)  # fmt: skip
        generate.append((time.perf_counter() - started) / new_tokens)
    return {"forward_ms": round(1000 * statistics.median(forward), 1),
            "ms_per_generated_token": round(1000 * statistics.median(generate), 1)}  # fmt: skip


def compared(copy_row: dict[str, float], fp32: dict[str, float]) -> dict[str, float]:
    """Perplexity change in percent and the speed-ups of a quantized copy against fp32."""
    return {"perplexity_change_percent": round(100 * (copy_row["heldout_perplexity"] / fp32["heldout_perplexity"] - 1), 2),
            "forward_speedup": round(fp32["forward_ms"] / copy_row["forward_ms"], 2),
            "generation_speedup": round(fp32["ms_per_generated_token"] / copy_row["ms_per_generated_token"], 2)}  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2", help="a causal-LM folder or smollm2 (the packaged one)")
    parser.add_argument("--name", default=None, help="the row's name (default: the model argument)")
    parser.add_argument("--documents", type=int, default=50, help="held-out notes for perplexity")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--latency-texts", type=int, default=16)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    folder = causal_lm_source(args.model)
    lines = (data_dir() / "mtsamples" / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[: args.documents]]
    tokenizer = AutoTokenizer.from_pretrained(folder)
    fp32 = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    int8 = quantized(fp32)
    head_kept = quantized(fp32)
    head_kept.lm_head = copy.deepcopy(fp32.lm_head)  # the output layer (tied to the embeddings) left in fp32
    weight_only = weight_only_int8(fp32)
    row = {}
    variants = (("fp32", fp32), ("int8", int8), ("int8_head_fp32", head_kept), ("int8_weight_only", weight_only))
    for name, model in variants:
        row[name] = {"heldout_perplexity": perplexity_of(model, tokenizer, texts, args.max_length, 4, CPU),
                     **milliseconds(model, tokenizer, texts[: args.latency_texts], 128, 16),
                     "megabytes": megabytes(model)}  # fmt: skip
        print(args.model, name, row[name], flush=True)
    for name, _ in variants[1:]:
        row[f"{name}_against_fp32"] = compared(row[name], row["fp32"])
        print(args.model, name, row[f"{name}_against_fp32"])
    out = RESULTS / "decoder_int8.json"
    rows = json.loads(out.read_text(encoding="utf-8")).get("rows", {}) if out.is_file() else {}
    rows[args.name or args.model] = row
    write_json(out, {"documents": args.documents, "max_length": args.max_length, "machine": machine(), "rows": rows})


if __name__ == "__main__":
    main(sys.argv[1:])
