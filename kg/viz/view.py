"""The part of a :class:`~kg.graph.KnowledgeGraph` that a page shows: filters, ego networks.

:func:`select` applies the filters of ``kg viz`` (``--predicates``,
``--modalities``, ``--types``, ``--min-support``, ``--since``, ``--until``,
``--focus ID --depth N``) and returns a :class:`GraphView`: the nodes and the
edges the page will contain, with the ids it gives them.

A date range keeps the evidence dated inside it (both ends included; undated
evidence is dropped) and recomputes each edge's support and first and last
dates from what is left. When a filter on edges is given, entities left
without an edge are not shown (the focus always is); without one, every
entity of the chosen types is.

>>> from kg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_rows([
...     ("d1", "2020-09-27", "ARM", "neighbourOf", "AZE"),
...     ("d2", "2020-10-10", "ARM", "memberOf", "CSTO"),
...     ("d3", "2020-10-12", "AZE", "neighbourOf", "TUR"),
... ], entries={})
>>> view = select(kg, since="2020-10-01")
>>> sorted(view.nodes), [e.id for e in view.edges]
(['ARM', 'AZE', 'CSTO', 'TUR'], ['ARM|memberOf|asserted|CSTO', 'AZE|neighbourOf|asserted|TUR'])
>>> sorted(select(kg, focus="CSTO", depth=2).nodes)
['ARM', 'AZE', 'CSTO']
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable

from kg.graph.knowledge import KnowledgeGraph, Provenance, valid_date
from kg.records import ENTITY_TYPES, MODALITIES
from kg.vocab import load_vocabulary

__all__ = ["GraphView", "ViewEdge", "edge_id", "nothing_to_show", "select"]


def edge_id(subject: str, predicate: str, modality: str, object: str) -> str:
    """The id of an edge in the page.

    >>> edge_id("ARM", "memberOf", "asserted", "CSTO")
    'ARM|memberOf|asserted|CSTO'
    """
    return f"{subject}|{predicate}|{modality}|{object}"


@dataclass(frozen=True)
class ViewEdge:
    """One edge as shown: its evidence may be a date-filtered part of the graph's."""

    subject: str
    object: str
    predicate: str
    modality: str
    evidence: tuple[Provenance, ...]
    support: int
    first_seen: str | None
    last_seen: str | None
    confidence: float

    @property
    def id(self) -> str:
        return edge_id(self.subject, self.predicate, self.modality, self.object)


@dataclass(frozen=True)
class GraphView:
    """Nodes (id -> attributes) and edges of a page, in a deterministic order."""

    nodes: dict[str, dict]
    edges: tuple[ViewEdge, ...]
    filters: dict = field(default_factory=dict)

    def degree(self) -> dict[str, int]:
        """Edges touching each node (a self-loop counts twice)."""
        counts = dict.fromkeys(self.nodes, 0)
        for e in self.edges:
            counts[e.subject] += 1
            counts[e.object] += 1
        return counts


def _names(value: str | Iterable[str] | None, allowed: Iterable[str], what: str) -> set[str] | None:
    """A set of names from a list or a comma-separated string, checked against ``allowed``."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = {item.strip() for item in items if item and item.strip()}
    unknown = sorted(names - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(sorted(allowed))})")
    return names


def _date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    checked = valid_date(str(value))
    if checked is None:
        raise ValueError(f"{what} must be a date YYYY-MM-DD, not {value!r}")
    return checked


def _within(evidence: tuple[Provenance, ...], since: str | None, until: str | None) -> tuple[Provenance, ...]:
    if since is None and until is None:
        return evidence
    return tuple(
        p for p in evidence if p.date and (since is None or p.date >= since) and (until is None or p.date <= until)
    )


def select(
    kg: KnowledgeGraph,
    *,
    predicates: str | Iterable[str] | None = None,
    modalities: str | Iterable[str] | None = None,
    entity_types: str | Iterable[str] | None = None,
    min_support: int = 1,
    since: str | None = None,
    until: str | None = None,
    focus: str | None = None,
    depth: int = 1,
) -> GraphView:
    """The nodes and edges of ``kg`` that pass the filters (see the module docstring).

    ``predicates``, ``modalities`` and ``entity_types`` take names or one
    comma-separated string; unknown names, bad dates, ``since`` after
    ``until``, a negative ``depth`` or a ``focus`` not in the graph raise
    :class:`ValueError` with a message for the user.
    """
    wanted_predicates = _names(predicates, load_vocabulary(), "predicate")
    wanted_modalities = _names(modalities, MODALITIES, "modality")
    wanted_types = _names(entity_types, ENTITY_TYPES, "entity type")
    since, until = _date(since, "since"), _date(until, "until")
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if focus is not None and focus not in kg.nodes:
        raise ValueError(f"focus {focus!r} is not an entity of the graph")

    def shown(node: str) -> bool:
        return wanted_types is None or kg.nodes[node].get("type", "Other") in wanted_types

    edges = []
    for s, o, data in kg.edges():
        if wanted_predicates is not None and data["predicate"] not in wanted_predicates:
            continue
        if wanted_modalities is not None and data["modality"] not in wanted_modalities:
            continue
        if not (shown(s) and shown(o)):
            continue
        evidence = _within(data["evidence"], since, until)
        support = len({p.doc for p in evidence})
        if not evidence or support < min_support:
            continue
        dates = [p.date for p in evidence if p.date]
        edges.append(
            ViewEdge(
                s, o, data["predicate"], data["modality"], evidence, support,
                min(dates) if dates else None, max(dates) if dates else None,
                max(p.confidence for p in evidence),
            )
        )

    edge_filtered = any(
        value is not None for value in (wanted_predicates, wanted_modalities, since, until)
    ) or min_support > 1
    if focus is not None:
        keep = _ego(focus, edges, depth)
        edges = [e for e in edges if e.subject in keep and e.object in keep]
    elif edge_filtered:
        keep = {e.subject for e in edges} | {e.object for e in edges}
    else:
        keep = {n for n in kg.nodes if shown(n)}
    nodes = {n: dict(kg.nodes[n]) for n in sorted(keep)}
    filters = {
        name: value
        for name, value in (
            ("predicates", sorted(wanted_predicates) if wanted_predicates is not None else None),
            ("modalities", sorted(wanted_modalities) if wanted_modalities is not None else None),
            ("types", sorted(wanted_types) if wanted_types is not None else None),
            ("min_support", min_support if min_support > 1 else None),
            ("since", since),
            ("until", until),
            ("focus", focus),
            ("depth", depth if focus is not None else None),
        )
        if value is not None
    }
    return GraphView(nodes, tuple(edges), filters)


def nothing_to_show(kg: KnowledgeGraph, view: GraphView) -> str | None:
    """Why ``view`` (of ``kg``) has no relation to draw, for the user; ``None`` when it has some.

    >>> kg = KnowledgeGraph.from_rows([("d1", "2020-09-27", "ARM", "neighbourOf", "AZE")], entries={})
    >>> nothing_to_show(kg, select(kg)) is None
    True
    >>> nothing_to_show(kg, select(kg, since="2021-01-01"))
    'no relation passes the filters (since 2021-01-01)'
    >>> nothing_to_show(KnowledgeGraph(entries={}), select(KnowledgeGraph(entries={})))
    'the graph is empty: no entity was found (0 documents)'
    """
    if view.edges:
        return None
    documents = len(kg.documents)
    read = f"{documents} document{'s' if documents != 1 else ''}"
    if not kg.nodes:
        return f"the graph is empty: no entity was found ({read})"
    if not len(kg):
        return f"no relation was found between the graph's {len(kg.nodes)} entities ({read})"
    filters = ", ".join(f"{k} {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in view.filters.items())
    return f"no relation passes the filters ({filters})"


def _ego(focus: str, edges: list[ViewEdge], depth: int) -> set[str]:
    """Nodes within ``depth`` hops of ``focus`` over ``edges``, in either direction."""
    around: dict[str, set[str]] = {}
    for e in edges:
        around.setdefault(e.subject, set()).add(e.object)
        around.setdefault(e.object, set()).add(e.subject)
    seen, frontier = {focus}, deque([(focus, 0)])
    while frontier:
        node, hops = frontier.popleft()
        if hops == depth:
            continue
        for other in around.get(node, ()):
            if other not in seen:
                seen.add(other)
                frontier.append((other, hops + 1))
    return seen
