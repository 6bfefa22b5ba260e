"""KnowledgeGraph <-> RDF; the Oxigraph store; named SPARQL queries; SHACL validation.

Never imports spaCy. rdflib serves small in-memory graphs; the embedded store
is Oxigraph on disk, loaded, dumped and queried through pyoxigraph's own API.
"""

from kg.rdf.convert import PREFIXES, Lit, entity_iri, from_rdflib, from_triples, ntriples, to_rdflib, triples

__all__ = ["PREFIXES", "Lit", "entity_iri", "from_rdflib", "from_triples", "ntriples", "to_rdflib", "triples"]
