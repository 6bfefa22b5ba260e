"""A KnowledgeGraph as GraphML, for Gephi, yEd, Cytoscape and networkx.

GraphML holds scalar attributes only: the evidence of an edge is written as a
JSON string, its documents as a space-separated list, and absent values are
left out. Characters that XML 1.0 cannot hold (controls, U+FFFE, U+FFFF, lone
surrogates) are replaced with U+FFFD, so the file always parses.

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
import re
from typing import BinaryIO

import networkx as nx

from kg.graph.knowledge import KnowledgeGraph

__all__ = ["flat_graph", "write_graphml", "xml_safe"]

# what XML 1.0 does not allow: https://www.w3.org/TR/xml/#charsets
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value):
    """``value`` with the characters XML 1.0 cannot hold replaced with U+FFFD (other types unchanged).

    >>> xml_safe("Iran\\ufffe\\x01"), xml_safe(3)
    ('Iran\\ufffd\\ufffd', 3)
    """
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def flat_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy of ``kg.graph`` with scalar attributes only and string edge keys (``memberOf/asserted``)."""
    flat = nx.MultiDiGraph()
    for node, data in sorted(kg.nodes(data=True)):
        flat.add_node(xml_safe(node), **{k: xml_safe(v) for k, v in data.items() if v is not None})
    for s, o, data in kg.edges():
        attributes = {k: xml_safe(v) for k, v in data.items() if v is not None and k != "evidence"}
        attributes["documents"] = xml_safe(" ".join(sorted({p.doc for p in data["evidence"]})))
        attributes["evidence"] = xml_safe(json.dumps([p.to_dict() for p in data["evidence"]], ensure_ascii=False))
        flat.add_edge(xml_safe(s), xml_safe(o), key=xml_safe(f"{data['predicate']}/{data['modality']}"), **attributes)
    return flat


def write_graphml(kg: KnowledgeGraph, output: BinaryIO | str) -> None:
    """Write ``kg`` as GraphML to a binary stream or a path."""
    nx.write_graphml(flat_graph(kg), output)
