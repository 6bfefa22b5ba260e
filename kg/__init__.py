"""ir-kg: a knowledge-graph builder for international relations news.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

from __future__ import annotations

from kg.records import Document, Entity, Evidence, Extraction, Mention, Relation
from kg.settings import Settings

__all__ = [
    "__version__",
    "Document",
    "Entity",
    "Evidence",
    "Extraction",
    "Mention",
    "Relation",
    "Settings",
    "extract",
]

__version__ = "0.1.0"


def extract(text: str, date: str | None = None, *, doc_id: str = "doc", settings: Settings | None = None) -> Extraction:
    """Extract entities and relations from one text.

    The pipeline is built once per settings and reused (see
    :func:`kg.nlp.load_pipeline`).
    """
    from kg.ingest.clean import clean_text
    from kg.nlp import load_pipeline

    document = Document(id=doc_id, text=clean_text(text), date=date)
    return load_pipeline(settings or Settings()).extract(document)
