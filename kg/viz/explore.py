"""Tables and plots for exploring a graph in Jupyter: pandas DataFrames, matplotlib figures.

The notebooks in ``notebooks/`` call these and nothing else, so that their
cells hold no logic. pandas, matplotlib and pyoxigraph are imported inside the
functions that need them.

>>> from kg.graph import KnowledgeGraph
>>> event = next(p.name for p in load_vocabulary().values() if p.cameo)  # an event predicate (it has a CAMEO code)
>>> kg = KnowledgeGraph.from_rows([
...     ("d1", "2020-09-27", "ARM", event, "AZE"),
...     ("d2", "2020-10-10", "RUS", event, "ARM"),
...     ("d3", "2020-10-12", "RUS", "neighbourOf", "AZE"),
... ])
>>> list(entities_table(kg)["id"])
['ARM', 'AZE', 'RUS']
>>> relations_table(kg)[["subject", "predicate", "object"]].values.tolist()[0] == ["ARM", event, "AZE"]
True
>>> sorted(len(c) for c in communities(kg))
[3]
>>> top_dyads(kg, 1)
[('ARM', 'AZE')]
"""

from __future__ import annotations

from typing import Iterable

from kg.graph.analysis import centrality, communities, dyad_history, goldstein_balance
from kg.graph.knowledge import KnowledgeGraph
from kg.vocab import load_vocabulary

__all__ = [
    "centrality_table",
    "communities",
    "communities_table",
    "dyad_table",
    "entities_table",
    "graph_store",
    "named_queries_table",
    "named_query_table",
    "plot_dyad_timeline",
    "relations_table",
    "sparql_table",
    "top_dyads",
]


def _label(kg: KnowledgeGraph, node: str) -> str:
    return kg.nodes[node].get("label", node) if node in kg.nodes else node


def entities_table(kg: KnowledgeGraph):
    """One row per entity: id, label, type, mentions, relations (degree), Wikidata id."""
    import pandas as pd

    rows = [
        {
            "id": node,
            "label": data.get("label", node),
            "type": data.get("type"),
            "mentions": data.get("mentions", 0),
            "relations": kg.graph.degree(node),
            "qid": data.get("qid"),
        }
        for node, data in sorted(kg.nodes(data=True))
    ]
    return pd.DataFrame(rows, columns=["id", "label", "type", "mentions", "relations", "qid"])


def relations_table(kg: KnowledgeGraph):
    """One row per edge: subject, predicate, object, modality, support, dates, attribution, first sentence."""
    import pandas as pd

    rows = []
    for s, o, data in kg.edges():
        evidence = data["evidence"]
        rows.append(
            {
                "subject": s,
                "predicate": data["predicate"],
                "object": o,
                "modality": data["modality"],
                "support": data["support"],
                "first_seen": data["first_seen"],
                "last_seen": data["last_seen"],
                "confidence": data["confidence"],
                "attributed_to": ", ".join(sorted({p.attributed_to for p in evidence if p.attributed_to})),
                "denied_by": ", ".join(sorted({d for p in evidence for d in p.denied_by})),
                "sentence": next((p.sentence for p in evidence if p.sentence), None),
            }
        )
    columns = ["subject", "predicate", "object", "modality", "support", "first_seen", "last_seen",
               "confidence", "attributed_to", "denied_by", "sentence"]
    return pd.DataFrame(rows, columns=columns)


# -- SPARQL -----------------------------------------------------------------------


def graph_store(kg: KnowledgeGraph):
    """An in-memory Oxigraph store holding ``kg`` (for SPARQL in notebooks)."""
    from kg.rdf.store import open_store, write_graph

    store = open_store(None)
    write_graph(store, kg)
    return store


def sparql_table(store, query: str, **params):
    """A SPARQL query's results as a DataFrame of compact values (``irr:ARM``, literals as text).

    ``params`` bind variables (``state="ARM"``), read as in ``kg query --param``.
    """
    import pandas as pd

    from kg.rdf.query import query_store, substitutions, table_rows

    columns, rows = table_rows(query_store(store, query, substitutions(params)))
    return pd.DataFrame(rows, columns=columns)


def named_queries_table():
    """The named queries of ``ontology/queries``: name, what each answers, its parameters."""
    import pandas as pd

    from kg.rdf.query import named_queries

    rows = [
        {"name": q.name, "description": q.description,
         "parameters": ", ".join(f"{p.name} ({p.kind})" for p in q.params)}
        for q in named_queries().values()
    ]
    return pd.DataFrame(rows, columns=["name", "description", "parameters"])


def named_query_table(store, name: str, **params):
    """A named query of ``ontology/queries`` (see :func:`kg.rdf.query.named_queries`) as a DataFrame."""
    import pandas as pd

    from kg.rdf.query import QueryError, named_queries, query_store, substitutions, table_rows

    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r} (there are: {', '.join(queries)})")
    query = queries[name]
    columns, rows = table_rows(query_store(store, query.text, substitutions(params, query)))
    return pd.DataFrame(rows, columns=columns)


# -- network analysis ---------------------------------------------------------------


def centrality_table(kg: KnowledgeGraph, *, top: int = 15, modality: str | None = "asserted"):
    """Degree, betweenness and PageRank of the ``top`` entities by PageRank."""
    import pandas as pd

    scores = {m: centrality(kg, m, modality=modality) for m in ("degree", "betweenness", "pagerank")}
    frame = pd.DataFrame(scores)
    frame.insert(0, "label", [_label(kg, n) for n in frame.index])
    frame.index.name = "id"
    return frame.sort_values(["pagerank", "degree"], ascending=False).head(top).round(4)


def communities_table(kg: KnowledgeGraph, *, modality: str | None = "asserted", seed: int = 0, size: int = 2):
    """One row per community of at least ``size`` entities: its size and members' labels."""
    import pandas as pd

    rows = [
        {"community": i, "size": len(c), "members": ", ".join(sorted(_label(kg, n) for n in c))}
        for i, c in enumerate(communities(kg, modality=modality, seed=seed), 1)
        if len(c) >= size
    ]
    return pd.DataFrame(rows, columns=["community", "size", "members"])


def dyad_table(kg: KnowledgeGraph, *, top: int | None = 10):
    """Goldstein-weighted dyads: the ``top`` most cooperative and ``top`` most hostile pairs."""
    import pandas as pd

    balance = goldstein_balance(kg)
    rows = [
        {"a": a, "b": b, "a_label": _label(kg, a), "b_label": _label(kg, b), "goldstein": score,
         "events": len(dyad_history(kg, a, b, modality="asserted"))}
        for (a, b), score in balance.items()
    ]
    frame = pd.DataFrame(rows, columns=["a", "b", "a_label", "b_label", "goldstein", "events"])
    if top is not None and len(frame) > 2 * top:
        frame = pd.concat([frame.head(top), frame.tail(top)])
    return frame.reset_index(drop=True)


def top_dyads(kg: KnowledgeGraph, n: int = 3) -> list[tuple[str, str]]:
    """The ``n`` pairs with the most dated evidence of cooperation or conflict between them (any modality).

    Structural predicates (``ir:polarity "structural"``: borders, memberships, offices) do not count.
    """
    vocabulary = load_vocabulary()
    counts: dict[tuple[str, str], int] = {}
    for s, o, data in kg.edges():
        if s == o or vocabulary[data["predicate"]].polarity == "structural":
            continue
        pair = (s, o) if s < o else (o, s)
        counts[pair] = counts.get(pair, 0) + sum(1 for p in data["evidence"] if p.date)
    return [pair for pair, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]]


def plot_dyad_timeline(kg: KnowledgeGraph, pairs: Iterable[tuple[str, str]], *, ax=None):
    """A timeline of each dyad's dated events: one row per dyad, markers coloured by Goldstein score.

    Markers are filled for asserted events and hollow for the others; the
    marker's colour runs from red (hostile) to green (cooperative).
    Returns the matplotlib Axes.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    vocabulary = load_vocabulary()
    pairs = list(pairs)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1.0 + 0.7 * max(len(pairs), 1)))
    colours, scale = colormaps["RdYlGn"], Normalize(-10, 10)
    for row, (a, b) in enumerate(pairs):
        by_date: dict[str, list] = {}
        for event in dyad_history(kg, a, b):
            if event.date:
                by_date.setdefault(event.date, []).append(event)
        for turn, (date, events) in enumerate(by_date.items()):
            x = mdates.datestr2num(date)
            for k, event in enumerate(events):  # events of one day stacked around the row
                colour = colours(scale(vocabulary[event.predicate].goldstein))
                asserted = event.modality == "asserted"
                ax.scatter([x], [row + 0.16 * (k - (len(events) - 1) / 2)], s=60, zorder=3, linewidths=1.2,
                           facecolors=colour if asserted else "none", edgecolors="#333333" if asserted else colour)
            names = sorted({e.predicate for e in events})
            ax.annotate(", ".join(names), (x, row), xytext=(7, 4 if turn % 2 else -10), textcoords="offset points",
                        fontsize=7)
    ax.set_yticks(range(len(pairs)), [f"{_label(kg, a)} – {_label(kg, b)}" for a, b in pairs])
    ax.set_ylim(-0.6, len(pairs) - 0.4)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Dyad timelines (colour: Goldstein score; hollow: not asserted)")
    ax.figure.colorbar(plt.cm.ScalarMappable(norm=scale, cmap=colours), ax=ax, label="Goldstein", pad=0.01)
    ax.figure.autofmt_xdate()
    return ax
