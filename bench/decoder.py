"""Causal-LM continued pretraining of the packaged SmolLM2-135M (``make decoder``) on a domain's real
corpus, through dapt's pretraining stage (LoRA, canaries planted): held-out perplexity on domain
documents never trained on and on off-domain text (the forgetting check), base against adapted, in
one process; the stage's own exposure table beside.

    .venv/bin/python bench/decoder.py --domain medical [--steps 60 --batch-size 4 --max-length 256]

Off-domain text is the other domain's task sentences (medical: financial-phrasebank dev; finance:
medical-abstracts dev). Writes bench/results/decoder_<domain>.json.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from tight_data import CORPORA, config, corpus_copy, read_rows  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase  # noqa: E402

from dapt.runs import read_json, write_json  # noqa: E402
from dapt.training.builders import Device, base_model_path, pick_device  # noqa: E402
from dapt.training.packaged import PACKAGED_DECODER  # noqa: E402
from dapt.training.pretrain import HELDOUT_BLOCKS, fixed_masks, heldout_loss, language_modelling, pretrain  # noqa: E402
from dapt.vocab.extend import extend_vocabulary  # noqa: E402

RESULTS = Path(__file__).parent / "results"
OFF_DOMAIN = {"medical": "financial-phrasebank", "finance": "medical-abstracts"}


def perplexity(model_folder: str | Path, texts: list[str], max_length: int, batch_size: int) -> float:
    """exp of the mean next-token loss over ``texts`` packed into blocks (at most HELDOUT_BLOCKS)."""
    model = AutoModelForCausalLM.from_pretrained(model_folder)
    return perplexity_of(model, AutoTokenizer.from_pretrained(model_folder), texts, max_length, batch_size, pick_device())


def perplexity_of(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: list[str], max_length: int, batch_size: int,
    device: Device,
) -> float:  # fmt: skip
    """``perplexity`` of a loaded ``model`` on ``device``."""
    objective = language_modelling("clm", tokenizer, 0.0)
    batches = fixed_masks(objective.pack(tokenizer, texts, max_length)[:HELDOUT_BLOCKS], objective.collator, batch_size)
    return round(math.exp(heldout_loss(model, batches, device, objective.loss)), 3)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", default="medical", choices=sorted(CORPORA))
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args(argv)
    settings = {"steps": args.steps, "batch_size": args.batch_size, "max_length": args.max_length}
    cfg = config(args.domain, {"base_model": PACKAGED_DECODER, "pretrain": settings})
    run = corpus_copy(args.domain, f"decoder-{args.domain}-{args.steps}")
    extend_vocabulary(cfg, run)  # keeps SmolLM2's BPE tokenizer, as a run does
    started = time.monotonic()
    pretrain(cfg, run)
    seconds = round(time.monotonic() - started, 1)
    report = read_json(run.report("pretrain"))
    off_domain = [row["text"] for row in read_rows(data_dir() / OFF_DOMAIN[args.domain] / "dev.jsonl")]
    base = base_model_path(PACKAGED_DECODER)
    off = {name: perplexity(folder, off_domain, args.max_length, args.batch_size)
           for name, folder in (("base", base), ("adapted", run.pretrained_model))}  # fmt: skip
    domain = report["heldout_perplexity"]
    result = {
        "domain": args.domain, "settings": settings, "pretraining_seconds": seconds,
        "heldout_documents": report["heldout_documents"],
        "domain_perplexity": domain, "domain_change": round(domain["after"] / domain["before"] - 1, 4),
        "off_domain_text": OFF_DOMAIN[args.domain] + " dev", "off_domain_perplexity": off,
        "off_domain_change": round(off["adapted"] / off["base"] - 1, 4),
        "memorisation": report["memorisation"], "machine": machine(),
    }  # fmt: skip
    print(f"{args.domain}: {args.steps} steps of {args.batch_size} × {args.max_length} tokens in {seconds} s")
    print(f"  held-out domain perplexity {domain['before']} → {domain['after']} ({result['domain_change']:+.1%})")
    print(f"  off-domain perplexity {off['base']} → {off['adapted']} ({result['off_domain_change']:+.1%})")
    for row in report["memorisation"]["canaries"]:
        print(f"  canary {row['kind']} ×{row['repeats']}: exposure {row['exposure_bits']} bits, recovered {row['extracted']}")
    write_json(RESULTS / f"decoder_{args.domain}.json", result)


if __name__ == "__main__":
    main(sys.argv[1:])
