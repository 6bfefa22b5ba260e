"""A KnowledgeGraph as GraphML, for Gephi, yEd, Cytoscape and networkx.

GraphML holds scalar attributes only: the evidence of an edge is written as a
JSON string, its documents as a space-separated list, and absent values are
left out.

>>> import io, networkx as nx
>>> from kg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "memberOf", "CSTO")])
>>> stream = io.BytesIO()
>>> write_graphml(kg, stream)
>>> back = nx.read_graphml(io.BytesIO(stream.getvalue()))
>>> back.nodes["ARM"]["label"], list(back.edges(data="predicate"))
('Armenia', [('ARM', 'CSTO', 'memberOf')])
"""

from __future__ import annotations

import json
from typing import BinaryIO

import networkx as nx

from kg.graph.knowledge import KnowledgeGraph

__all__ = ["flat_graph", "write_graphml"]


def flat_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy of ``kg.graph`` with scalar attributes only and string edge keys (``memberOf/asserted``)."""
    flat = nx.MultiDiGraph()
    for node, data in sorted(kg.nodes(data=True)):
        flat.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for s, o, data in kg.edges():
        attributes = {k: v for k, v in data.items() if v is not None and k != "evidence"}
        attributes["documents"] = " ".join(sorted({p.doc for p in data["evidence"]}))
        attributes["evidence"] = json.dumps([p.to_dict() for p in data["evidence"]], ensure_ascii=False)
        flat.add_edge(s, o, key=f"{data['predicate']}/{data['modality']}", **attributes)
    return flat


def write_graphml(kg: KnowledgeGraph, output: BinaryIO | str) -> None:
    """Write ``kg`` as GraphML to a binary stream or a path."""
    nx.write_graphml(flat_graph(kg), output)
