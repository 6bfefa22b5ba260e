"""ir-kg: a knowledge-graph builder for international relations news.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

#: What ``kg.X`` reads from which module, on first use: ``kg query`` and ``kg --help`` import the package
#: but need none of the records (their dataclasses take 10 ms to make)
_LAZY = {"Document": "kg.records", "Entity": "kg.records", "Evidence": "kg.records", "Extraction": "kg.records",
         "Mention": "kg.records", "Relation": "kg.records", "Settings": "kg.settings"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def extract(text: str, date: str | None = None, *, doc_id: str = "doc", settings: Settings | None = None) -> Extraction:
    """Extract entities and relations from one text.

    The pipeline is built once per settings and reused (see
    :func:`kg.nlp.load_pipeline`).
    """
    from kg.ingest.clean import clean_text
    from kg.nlp import load_pipeline
    from kg.records import Document
    from kg.settings import Settings

    document = Document(id=doc_id, text=clean_text(text), date=date)
    return load_pipeline(settings or Settings()).extract(document)
