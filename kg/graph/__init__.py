"""Records -> :class:`KnowledgeGraph` (a networkx MultiDiGraph merged across documents); analysis.

Never imports spaCy: the graph is built from :mod:`kg.records` alone.
"""

from kg.graph.analysis import DyadEvent, centrality, communities, dyad_history, goldstein_balance, neighbours
from kg.graph.knowledge import DocumentInfo, KnowledgeGraph, Provenance, content_hash, valid_date

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
