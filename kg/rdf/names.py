"""The names of the RDF model without rdflib: namespaces, prefixes, entity and document IRIs, literals, the ontology's names.

What ``kg query`` needs before it asks Oxigraph — the pre-bound prefixes, the
IRI of ``--param state=ARM``, whether ``ir:memberOf`` is a predicate of the
ontology in use — comes from here, so that a query, and extraction, import
neither rdflib nor networkx (:mod:`kg.rdf.convert` and :mod:`kg.vocab`
re-export these names). The ontology (:class:`Ontology`, the vocabulary
:mod:`kg.vocab` serves) is read with pyoxigraph's Turtle parser, once per
file and process: predicates (``rdfs:subPropertyOf ir:relatedTo``,
``owl:ObjectProperty``) and what they say, every ``ir:`` term given a type,
and the ``sh:declare`` prefixes (a test reads the same file with rdflib and
compares).

>>> entity_iri("ARM"), entity_id(entity_iri("a b")), document_iri("seed 1")
('https://ir-kg.org/resource/ARM', 'a b', 'https://ir-kg.org/doc/seed%201')
>>> names = load_ontology()
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
from dataclasses import dataclass
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
    "Ontology",
    "Predicate",
    "Triple",
    "active_ontology",
    "document_id",
    "document_iri",
    "entity_id",
    "entity_iri",
    "load_ontology",
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
SKOS = "http://www.w3.org/2004/02/skos/core#"
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


@dataclass(frozen=True)
class Predicate:
    """A relation predicate of the ontology (a sub-property of ``ir:relatedTo``).

    ``domain`` and ``range`` are the local names of the ``ir:`` classes it
    relates (the members of an ``owl:unionOf``); an event predicate is one
    with a CAMEO code.
    """

    name: str
    label: str
    definition: str
    symmetric: bool
    cameo: str | None
    goldstein: float
    polarity: str
    plover: str | None
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()

    @property
    def iri(self):
        """The predicate's IRI as an rdflib ``URIRef`` (for rdflib graphs; ``str`` of it for text)."""
        from rdflib import URIRef

        return URIRef(IR + self.name)


@dataclass(frozen=True)
class Ontology:
    """What the code reads from an ontology file: its vocabulary, its ``ir:`` terms and its prefixes."""

    path: Path
    vocabulary: dict[str, Predicate]
    #: Local names of every ``ir:`` IRI the file declares (gives an ``rdf:type``): classes, properties, individuals.
    terms: frozenset[str]
    #: The prefixes it declares with ``sh:declare`` (prefix -> namespace).
    prefixes: dict[str, str]

    @property
    def predicates(self) -> frozenset[str]:
        """Local names of the relation predicates."""
        return frozenset(self.vocabulary)


def load_ontology(path: str | os.PathLike | None = None) -> Ontology:
    """The ontology ``path`` (default: the one in use), read once per process."""
    return _read(str(active_ontology(path)))


@lru_cache(maxsize=16)
def _read(path: str) -> Ontology:
    """Read an ontology in Turtle with pyoxigraph's parser: relation predicates (``owl:ObjectProperty``,
    ``rdfs:subPropertyOf ir:relatedTo``) with their labels, CAMEO and PLOVER codes, Goldstein values,
    polarity, symmetry, domain and range; every ``ir:`` term given a type; the ``sh:declare`` prefixes."""
    import pyoxigraph as ox

    if not Path(path).is_file():
        raise FileNotFoundError(f"ontology {path}: no such file (set {ONTOLOGY_ENV} or --ontology to an ontology in Turtle)")
    try:
        triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=Path(path).as_uri()))
    except SyntaxError as error:
        raise ValueError(f"ontology {path}: {error}") from error
    values: dict[tuple, list] = {}  # (subject, predicate IRI) -> objects, in the file's order
    for triple in triples:
        values.setdefault((triple.subject, triple.predicate.value), []).append(triple.object)
    value = lambda node, predicate: next(iter(values.get((node, predicate), ())), None)  # noqa: E731
    text = lambda term: None if term is None else term.value  # noqa: E731
    local = lambda iri: iri.removeprefix(IR)  # noqa: E731

    def classes(node) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, ox.BlankNode):
            return (local(node.value),)
        members, item = [], value(node, OWL + "unionOf")
        while item is not None and not (isinstance(item, ox.NamedNode) and item.value == RDF + "nil"):
            members.append(local(value(item, RDF + "first").value))
            item = value(item, RDF + "rest")
        return tuple(members)

    typed = {t.subject for t in triples if t.predicate.value == RDF + "type" and isinstance(t.subject, ox.NamedNode)}
    vocabulary = {}
    for node in sorted({t.subject for t in triples if t.predicate.value == RDFS + "subPropertyOf"
                        and t.object == ox.NamedNode(IR + "relatedTo")}, key=str):
        kinds = {k.value for k in values.get((node, RDF + "type"), ())}
        if not isinstance(node, ox.NamedNode) or OWL + "ObjectProperty" not in kinds or not node.value.startswith(IR):
            continue
        name = local(node.value)
        vocabulary[name] = Predicate(
            name=name,
            label=str(text(value(node, RDFS + "label"))),
            definition=str(text(value(node, SKOS + "definition"))),
            symmetric=OWL + "SymmetricProperty" in kinds,
            cameo=text(value(node, IR + "defaultCameoCode")),
            goldstein=float(text(value(node, IR + "defaultGoldstein")) or 0.0),
            polarity=str(text(value(node, IR + "polarity"))),
            plover=text(value(node, IR + "ploverCategory")),
            domain=classes(value(node, RDFS + "domain")),
            range=classes(value(node, RDFS + "range")),
        )
    if not vocabulary:
        raise ValueError(f"ontology {path}: no relation predicates (owl:ObjectProperty, rdfs:subPropertyOf ir:relatedTo)")
    terms = frozenset(local(s.value) for s in typed if s.value.startswith(IR))
    found = {}
    for triple in triples:
        if triple.predicate.value == SH + "declare":
            prefix, namespace = value(triple.object, SH + "prefix"), value(triple.object, SH + "namespace")
            if prefix is not None and namespace is not None:
                found.setdefault(prefix.value, namespace.value)
    return Ontology(Path(path), dict(sorted(vocabulary.items())), terms, dict(sorted(found.items())))


def prefixes(ontology: str | os.PathLike | None = None) -> dict[str, str]:
    """The prefixes ``kg query`` pre-binds: :data:`PREFIXES` and those the ontology (default: the one in use) declares.

    >>> prefixes()["irs"] == PREFIXES["irs"], sorted(set(prefixes()) - set(PREFIXES))
    (True, [])
    """
    return {**PREFIXES, **load_ontology(ontology).prefixes}
