"""Records -> :class:`KnowledgeGraph` (a networkx MultiDiGraph merged across documents); analysis.

Never imports spaCy: the graph is built from :mod:`kg.records` alone. The names are imported from
their modules when first used, so that ``kg.graph.knowledge.valid_date`` (``kg query``) does not
import networkx's algorithms.
"""

from importlib import import_module

__all__ = [
    "DocumentInfo",
    "DyadEvent",
    "KnowledgeGraph",
    "Provenance",
    "centrality",
    "communities",
    "content_hash",
    "dyad_history",
    "goldstein_balance",
    "neighbours",
    "valid_date",
]

_KNOWLEDGE = {"DocumentInfo", "KnowledgeGraph", "Provenance", "content_hash", "valid_date"}


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("kg.graph.knowledge" if name in _KNOWLEDGE else "kg.graph.analysis"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
