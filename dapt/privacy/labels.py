"""Task labels checked before anything uses them: a label travels into reports, metrics and the
shipped model's ``config.json``, so a column that holds names or numbers must stop the run."""

from __future__ import annotations

from collections.abc import Iterable

from dapt.config import RunConfig
from dapt.domains.base import load_domain
from dapt.privacy.detect import detect
from dapt.privacy.engine import configured_analyzer
from dapt.records import Document


def personal_labels(labels: Iterable[str], cfg: RunConfig) -> dict[str, str]:
    """Each label in which the domain's recognizers find personal data, with the entity type."""
    analyzer = configured_analyzer(cfg)
    documents = [Document(str(index), label) for index, label in enumerate(labels)]
    pairs = detect(analyzer, documents, load_domain(cfg.domain).allow_list, cfg.privacy.score_threshold)
    return {document.text: results[0].entity_type for document, results in pairs if results}
