"""Reference facts: land borders, memberships of organisations, terms of office.

Background knowledge that news rarely states, shipped as data
(``kg/data/reference/*.csv`` and the terms of ``kg/data/people.csv``) and kept
apart from text-derived relations:

- :mod:`kg.reference.facts` reads the tables (:func:`load_reference`) and answers
  look-ups (borders, members on a date);
- :mod:`kg.reference.enrich` writes them to a store as ``ir:ReferenceStatement``s
  derived from an ``ir:ReferenceSource`` (``kg enrich``);
- :mod:`kg.reference.consistency` lists text-derived relations that the reference
  facts contradict (``kg validate --facts``);
- :mod:`kg.reference.geonames` regenerates the borders from GeoNames.

Who held an office on a date is :mod:`kg.resolve.terms`.
"""

from kg.reference.consistency import Conflict, check_graph, check_store, conflicts_text
from kg.reference.enrich import EnrichReport, enrich_store, reference_edges
from kg.reference.facts import KINDS, Fact, ReferenceFacts, Source, cached_reference, load_reference, source_iri

__all__ = [
    "KINDS",
    "Conflict",
    "EnrichReport",
    "Fact",
    "ReferenceFacts",
    "Source",
    "cached_reference",
    "check_graph",
    "check_store",
    "conflicts_text",
    "enrich_store",
    "load_reference",
    "reference_edges",
    "source_iri",
]
