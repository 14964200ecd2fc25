"""Environment defaults the `dapt` command sets unless the user already did (see DESIGN.md)."""

from __future__ import annotations

import logging
import os
import warnings
from contextlib import suppress
from pathlib import Path

DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "PREFECT_HOME": str(Path.home() / ".dapt" / "prefect"),
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",  # no usage telemetry from any library that honours it (MLflow, Prefect, …)
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",  # a tracking server that is down stops a run in seconds, not minutes
}


def apply_environment_defaults() -> None:
    """Set offline and Prefect defaults before prefect or transformers are imported."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    with suppress(OSError):  # Prefect creates its home without parents, and warns when it cannot
        Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    # tldextract (Presidio's email recognizer) tries to download a suffix list, then falls back.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    # torchao (the int8 extra), which transformers imports wherever it is installed, logs every CUDA kernel
    # library it cannot load on a CPU machine, and torch's pytree warns about the enums it registers.
    logging.getLogger("torchao").setLevel(logging.ERROR)
    logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")
