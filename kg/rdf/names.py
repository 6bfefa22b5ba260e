"""The names of the RDF model without rdflib: namespaces, prefixes, entity and document IRIs, literals, the ontology's names.

What ``kg query`` needs before it asks Oxigraph — the pre-bound prefixes, the
IRI of ``--param state=ARM``, whether ``ir:memberOf`` is a predicate of the
ontology in use — comes from here, so that a query imports neither rdflib
nor networkx (:mod:`kg.rdf.convert` and :mod:`kg.vocab` re-export these
names; the whole :class:`kg.vocab.Ontology` still comes from rdflib). The
ontology's names are read with pyoxigraph's Turtle parser, once per file and
process: predicates (``rdfs:subPropertyOf ir:relatedTo``, ``owl:ObjectProperty``),
every ``ir:`` term given a type, and the ``sh:declare`` prefixes — as
:func:`kg.vocab.load_ontology` reads them (a test compares the two).

>>> entity_iri("ARM"), entity_id(entity_iri("a b")), document_iri("seed 1")
('https://ir-kg.org/resource/ARM', 'a b', 'https://ir-kg.org/doc/seed%201')
>>> names = ontology_names()
>>> "memberOf" in names.predicates, "Statement" in names.terms, "Statement" in names.predicates
(True, True, False)
>>> prefixes()["ir"]
'https://ir-kg.org/ontology#'
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote

__all__ = [
    "IR",
    "IRDOC",
    "IRR",
    "IRS",
    "ONTOLOGY_ENV",
    "PREFIXES",
    "WD",
    "Lit",
    "OntologyNames",
    "Triple",
    "active_ontology",
    "document_id",
    "document_iri",
    "entity_id",
    "entity_iri",
    "ontology_names",
    "ontology_path",
    "prefixes",
]

IR = "https://ir-kg.org/ontology#"
IRR = "https://ir-kg.org/resource/"
IRS = "https://ir-kg.org/statement/"
IRDOC = "https://ir-kg.org/doc/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"

#: The prefixes used in exports and in the library's own queries (see :func:`prefixes` for ``kg query``).
PREFIXES = {
    "ir": IR,
    "irr": IRR,
    "irs": IRS,
    "irdoc": IRDOC,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "prov": PROV,
    "dcterms": DCTERMS,
    "wd": WD,
}

#: The environment variable naming the ontology file in use (default: the packaged ``ir.ttl``).
ONTOLOGY_ENV = "KG_ONTOLOGY"


def entity_iri(id: str) -> str:
    """The IRI of an entity id under ``irr:`` (percent-encoded where needed)."""
    return IRR + quote(id, safe="-._~")


def entity_id(iri: str) -> str:
    return unquote(str(iri).removeprefix(IRR))


def document_iri(id: str) -> str:
    return IRDOC + quote(id, safe="-._~")


def document_id(iri: str) -> str:
    return unquote(str(iri).removeprefix(IRDOC))


def ontology_path(name: str = "ir.ttl") -> Path:
    """Path of a file of the packaged ontology folder, in a checkout or an installed package."""
    return Path(str(files("kg.ontology").joinpath(name)))


def active_ontology(path: str | os.PathLike | None = None) -> Path:
    """The ontology file in use: ``path`` if given, else ``$KG_ONTOLOGY``, else the packaged ``ir.ttl``."""
    chosen = path if path is not None else os.environ.get(ONTOLOGY_ENV) or None
    return Path(chosen).expanduser().absolute() if chosen is not None else ontology_path()


class Lit(NamedTuple):
    """A literal: its lexical form, datatype IRI (``None`` for a plain string) and language."""

    value: str
    datatype: str | None = None
    language: str | None = None


#: A triple in the neutral form of :mod:`kg.rdf.convert`: IRIs as ``str``, literals as :class:`Lit`.
Triple = tuple[str, str, "str | Lit"]


class OntologyNames(NamedTuple):
    """What a query needs of an ontology file: local names of its predicates and ``ir:`` terms, its prefixes."""

    predicates: frozenset[str]
    terms: frozenset[str]
    prefixes: dict[str, str]


def ontology_names(path: str | os.PathLike | None = None) -> OntologyNames:
    """The names of the ontology ``path`` (default: the one in use), read once per process."""
    return _read_names(str(active_ontology(path)))


@lru_cache(maxsize=16)
def _read_names(path: str) -> OntologyNames:
    import pyoxigraph as ox

    if not Path(path).is_file():
        raise FileNotFoundError(f"ontology {path}: no such file (set {ONTOLOGY_ENV} or --ontology to an ontology in Turtle)")
    try:
        triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=Path(path).as_uri()))
    except SyntaxError as error:
        raise ValueError(f"ontology {path}: {error}") from error
    typed: dict[str, set[str]] = {}
    related, declared, values = set(), [], {}
    for triple in triples:
        subject, predicate, object = triple.subject, triple.predicate.value, triple.object
        if predicate == RDF + "type" and isinstance(subject, ox.NamedNode):
            typed.setdefault(subject.value, set()).add(object.value)
        elif predicate == RDFS + "subPropertyOf" and object.value == IR + "relatedTo" and isinstance(subject, ox.NamedNode):
            related.add(subject.value)
        elif predicate == SH + "declare":
            declared.append(object)
        elif predicate in (SH + "prefix", SH + "namespace"):
            values.setdefault((subject, predicate), object.value)
    local = lambda iri: iri[len(IR):]  # noqa: E731
    predicates = frozenset(local(p) for p in related if p.startswith(IR) and OWL + "ObjectProperty" in typed.get(p, ()))
    terms = frozenset(local(s) for s in typed if s.startswith(IR))
    found = {}
    for node in declared:
        prefix, namespace = values.get((node, SH + "prefix")), values.get((node, SH + "namespace"))
        if prefix is not None and namespace is not None:
            found[prefix] = namespace
    return OntologyNames(predicates, terms, dict(sorted(found.items())))


def prefixes(ontology: str | os.PathLike | None = None) -> dict[str, str]:
    """The prefixes ``kg query`` pre-binds: :data:`PREFIXES` and those the ontology (default: the one in use) declares.

    >>> prefixes()["irs"] == PREFIXES["irs"], sorted(set(prefixes()) - set(PREFIXES))
    (True, [])
    """
    return {**PREFIXES, **ontology_names(ontology).prefixes}
