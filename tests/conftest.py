"""Shared fixtures: environment, a key, a tiny tokenizer and encoder built here, one Prefect harness."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="dapt-tests-"))
os.environ.update(
    {
        "PREFECT_HOME": str(_SESSION_HOME / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "DAPT_KEY": "test-key-0123456789abcdef",
    }
)

from dapt.env import apply_environment_defaults  # noqa: E402

apply_environment_defaults()

import pytest  # noqa: E402
import torch  # noqa: E402
from tokenizers import BertWordPieceTokenizer, ByteLevelBPETokenizer  # noqa: E402
from transformers import (  # noqa: E402
    BertConfig,
    BertForMaskedLM,
    BertTokenizerFast,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

from dapt.domains.base import load_domain  # noqa: E402
from dapt.io import write_jsonl  # noqa: E402
from dapt.runs import RunFolder  # noqa: E402
from tests.slices import make_slice  # noqa: E402

TINY_CONFIG = """
pretrain: {steps: 4, head_warmup_steps: 2, batch_size: 4, max_length: 64, canaries: {candidates: 100}}
finetune: {method: lora, max_steps: 6, batch_size: 16, max_length: 64, self_training_sentences: 200, companion: null}
vocab: {min_frequency: 3}
"""


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's temporary home (Prefect's database and logs), left in /tmp by every run before."""
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


def sample_rows(path: Path, count: int) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line, _ in zip(handle, range(count))]


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT with a WordPiece vocabulary trained here on both samples (no download)."""
    folder = tmp_path_factory.mktemp("tiny-bert")
    texts = [row["text"] for name in ("medical", "finance") for row in sample_rows(load_domain(name).sample.corpus, 200)]
    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(texts, vocab_size=400, min_frequency=2)
    wordpiece.save_model(str(folder))
    tokenizer = BertTokenizerFast(vocab=str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(folder)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128,
    )
    torch.manual_seed(0)  # the same tiny model whichever test builds it first
    BertForMaskedLM(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_causal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer Llama with a byte-level BPE vocabulary trained here on both samples (no download)."""
    folder = tmp_path_factory.mktemp("tiny-llama")
    texts = [row["text"] for name in ("medical", "finance") for row in sample_rows(load_domain(name).sample.corpus, 200)]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=600, min_frequency=2, special_tokens=["<s>", "</s>", "<pad>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    tokenizer.save_pretrained(folder)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=256, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "tiny.yaml"
    path.write_text(TINY_CONFIG, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (starting one takes ~20 s here)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def pretrain_run(tmp_path: Path, tiny_model_dir: Path) -> RunFolder:
    """A run folder with what pretraining reads: the tokenizer and an anonymized corpus."""
    run = RunFolder(tmp_path / "run")
    shutil.copytree(tiny_model_dir, run.tokenizer)
    texts = [row["text"] for row in sample_rows(make_slice("medical", tmp_path, corpus_docs=40).inputs.corpus, 40)]
    write_jsonl(run.anonymized("corpus"), ({"text": text} for text in texts))
    return run
