"""KnowledgeGraph <-> RDF; the Oxigraph store; named SPARQL queries; SHACL validation.

Never imports spaCy. rdflib serves small in-memory graphs; the embedded store
is Oxigraph on disk, loaded, dumped and queried through pyoxigraph's own API.
The names below are imported from :mod:`kg.rdf.convert` (rdflib, networkx) when
first used, so that ``kg.rdf.query`` and ``kg.rdf.store`` can be imported without them.
"""

from importlib import import_module

__all__ = ["PREFIXES", "Lit", "entity_iri", "from_rdflib", "from_triples", "ntriples", "to_rdflib", "triples"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("kg.rdf.convert"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
