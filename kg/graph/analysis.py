"""Questions asked of a :class:`~kg.graph.KnowledgeGraph`: pure functions, graph first.

>>> from kg.graph import KnowledgeGraph
>>> hostile = min(load_vocabulary().values(), key=lambda p: (p.goldstein, p.name))  # the most hostile predicate
>>> kg = KnowledgeGraph.from_rows([
...     ("d1", "2020-09-27", "ARM", hostile.name, "AZE"),
...     ("d1", "2020-09-27", "ARM", "memberOf", "CSTO"),
... ])
>>> neighbours(kg, "ARM")
['AZE', 'CSTO']
>>> goldstein_balance(kg)[("ARM", "AZE")] == hostile.goldstein < 0
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import networkx as nx

from kg.graph.knowledge import KnowledgeGraph
from kg.vocab import load_vocabulary

__all__ = ["DyadEvent", "neighbours", "dyad_history", "goldstein_balance", "centrality", "communities"]


@dataclass(frozen=True)
class DyadEvent:
    """One dated piece of evidence between two actors."""

    date: str | None
    subject: str
    predicate: str
    object: str
    modality: str
    doc: str
    sentence: str | None


def _edges_of(kg: KnowledgeGraph, node: str, predicates, modalities):
    """``(subject, object, data)`` of the edges that touch ``node``, filtered."""
    graph = kg.graph
    if node not in graph:
        return
    touching = list(graph.out_edges(node, data=True)) + [e for e in graph.in_edges(node, data=True) if e[0] != node]
    for s, o, data in touching:
        if predicates is not None and data["predicate"] not in predicates:
            continue
        if modalities is not None and data["modality"] not in modalities:
            continue
        yield s, o, data


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    return {value} if isinstance(value, str) else set(value)


def neighbours(
    kg: KnowledgeGraph,
    node: str,
    predicate: str | Iterable[str] | None = None,
    *,
    modality: str | Iterable[str] | None = "asserted",
    direction: str = "both",
) -> list[str]:
    """Entities linked to ``node`` by ``predicate`` (any if ``None``), sorted.

    ``direction`` is ``"out"`` (``node`` is the subject), ``"in"`` (the object)
    or ``"both"``; symmetric predicates count in every direction.

    >>> kg = KnowledgeGraph.from_rows([("d1", None, "ARM", "memberOf", "CSTO"),
    ...                                ("d1", None, "ARM", "neighbourOf", "GEO")])
    >>> neighbours(kg, "CSTO", "memberOf"), neighbours(kg, "CSTO", "memberOf", direction="out")
    (['ARM'], [])
    >>> neighbours(kg, "GEO", "neighbourOf", direction="out")
    ['ARM']
    """
    if direction not in ("in", "out", "both"):
        raise ValueError(f"direction must be 'in', 'out' or 'both', not {direction!r}")
    symmetric = {name for name, p in load_vocabulary().items() if p.symmetric}
    found = set()
    for s, o, data in _edges_of(kg, node, _as_set(predicate), _as_set(modality)):
        outgoing = s == node
        if data["predicate"] in symmetric or direction == "both" or (direction == "out") == outgoing:
            found.add(o if outgoing else s)
    return sorted(found)


def dyad_history(kg: KnowledgeGraph, a: str, b: str, *, modality: str | Iterable[str] | None = None) -> list[DyadEvent]:
    """Every piece of evidence between ``a`` and ``b`` (either direction), oldest first.

    >>> kg = KnowledgeGraph.from_rows([("d2", "2020-10-10", "AZE", "neighbourOf", "ARM"),
    ...                                ("d1", "2020-09-27", "ARM", "memberOf", "CSTO"),
    ...                                ("d1", "2020-09-27", "ARM", "neighbourOf", "AZE", "claimed")])
    >>> [(e.date, e.subject, e.predicate, e.modality) for e in dyad_history(kg, "ARM", "AZE")]
    [('2020-09-27', 'ARM', 'neighbourOf', 'claimed'), ('2020-10-10', 'ARM', 'neighbourOf', 'asserted')]
    """
    events = []
    for s, o, data in _edges_of(kg, a, None, _as_set(modality)):
        if {s, o} != {a, b} or s == o:
            continue
        for p in data["evidence"]:
            events.append(DyadEvent(p.date, s, data["predicate"], o, data["modality"], p.doc, p.sentence))
    return sorted(events, key=lambda e: (e.date or "", e.doc, e.subject, e.predicate, e.object, e.modality))


def goldstein_balance(kg: KnowledgeGraph) -> dict[tuple[str, str], float]:
    """Sum of predicate Goldstein scores over the asserted evidence of each unordered dyad.

    Keys are sorted pairs; the most cooperative dyad comes first, the most
    hostile last. Each piece of evidence counts once.

    >>> scores = {p.name: p.goldstein for p in load_vocabulary().values() if p.cameo}  # the event predicates
    >>> hostile, friendly = min(scores, key=scores.get), max(scores, key=scores.get)
    >>> kg = KnowledgeGraph.from_rows([("d1", None, "AZE", hostile, "ARM"),
    ...                                ("d2", None, "ARM", hostile, "AZE"),
    ...                                ("d2", None, "RUS", friendly, "ARM")])
    >>> balance = goldstein_balance(kg)
    >>> list(balance), balance[("ARM", "AZE")] == 2 * scores[hostile]
    ([('ARM', 'RUS'), ('ARM', 'AZE')], True)
    """
    vocabulary = load_vocabulary()
    totals: dict[tuple[str, str], float] = {}
    for s, o, data in kg.edges():
        if data["modality"] != "asserted" or s == o:
            continue
        pair = (s, o) if s < o else (o, s)
        score = vocabulary[data["predicate"]].goldstein * len(data["evidence"])
        totals[pair] = totals.get(pair, 0.0) + score
    return {pair: round(total, 3) for pair, total in sorted(totals.items(), key=lambda item: (-item[1], item[0]))}


def _undirected(kg: KnowledgeGraph, predicate=None, modality=None, *, loops: bool = True) -> nx.Graph:
    """The chosen edges as a simple undirected graph, weighted by support (entities without them left out)."""
    predicates, modalities = _as_set(predicate), _as_set(modality)
    simple = nx.Graph()
    for s, o, data in kg.edges():
        if (predicates is not None and data["predicate"] not in predicates) or (
            modalities is not None and data["modality"] not in modalities
        ) or (s == o and not loops):
            continue
        weight = simple.get_edge_data(s, o, {}).get("weight", 0) + data["support"]
        simple.add_edge(s, o, weight=weight)
    return simple


def centrality(
    kg: KnowledgeGraph,
    measure: str = "degree",
    *,
    predicate: str | Iterable[str] | None = None,
    modality: str | Iterable[str] | None = "asserted",
) -> dict[str, float]:
    """Centrality of each entity on the undirected graph of the chosen edges, highest first.

    ``measure`` is ``"degree"``, ``"betweenness"`` or ``"pagerank"`` (weighted
    by support).

    >>> kg = KnowledgeGraph.from_rows([("d1", None, "ARM", "memberOf", "CSTO"),
    ...                                ("d1", None, "RUS", "memberOf", "CSTO")])
    >>> next(iter(centrality(kg)))
    'CSTO'
    """
    simple = _undirected(kg, predicate, modality)
    simple.add_nodes_from(kg.graph.nodes)
    if measure == "degree":
        scores = nx.degree_centrality(simple)
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(simple)
    elif measure == "pagerank":
        scores = nx.pagerank(simple, weight="weight") if simple.number_of_edges() else {n: 0.0 for n in simple}
    else:
        raise ValueError(f"measure must be 'degree', 'betweenness' or 'pagerank', not {measure!r}")
    return dict(sorted(scores.items(), key=lambda item: (-item[1], item[0])))


def communities(kg: KnowledgeGraph, *, modality: str | Iterable[str] | None = "asserted", seed: int = 0) -> list[set[str]]:
    """Louvain communities of the entities that have a relation, largest first (deterministic for a seed).

    >>> kg = KnowledgeGraph.from_rows([("d1", None, "ARM", "neighbourOf", "GEO"), ("d1", None, "AZE", "neighbourOf", "TUR")])
    >>> [sorted(community) for community in communities(kg)]
    [['ARM', 'GEO'], ['AZE', 'TUR']]
    """
    graph = _undirected(kg, modality=modality, loops=False)
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), sorted(c)))
