"""The relation vocabulary, read from the ontology in use (one source of truth).

The ontology in use is ``ontology/ir.ttl`` unless the ``KG_ONTOLOGY``
environment variable names another Turtle file (a copy with more
predicates, say); :func:`use_ontology` switches it for a block of code and
``kg --ontology FILE`` for one command. Everything that reads the vocabulary
— the relation extractor, RDF conversion, SHACL validation, ``kg query``'s
prefixes, the HTML legend — asks :func:`load_vocabulary` with no argument
and so follows that choice. Each file is read once per process.

>>> vocab = load_vocabulary()
>>> vocab["neighbourOf"].symmetric, vocab["memberOf"].polarity, vocab["memberOf"].cameo, vocab["memberOf"].range
(True, 'structural', None, ('Organization',))
>>> events = [p for p in vocab.values() if p.cameo]   # the event predicates: those with a CAMEO code
>>> all(p.polarity != "structural" for p in events), len(events) > len(vocab) - len(events)
(True, True)

``IR`` is a closed namespace: its terms are the classes, properties and
individuals that the ontology in use declares, and any other name raises.

>>> str(IR.memberOf), IR["State"] in IR
('https://ir-kg.org/ontology#memberOf', True)
>>> IR.memberOff  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.vocab.UnknownTerm: ir:memberOff is not declared in the ontology in use (...ir.ttl)
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, DefinedNamespace, DefinedNamespaceMeta

from kg.rdf.names import ONTOLOGY_ENV, active_ontology, ontology_path

__all__ = [
    "IR",
    "IRR",
    "IRS",
    "IRDOC",
    "PROV",
    "ONTOLOGY_ENV",
    "Ontology",
    "Predicate",
    "UnknownTerm",
    "active_ontology",
    "load_ontology",
    "load_vocabulary",
    "role_predicates",
    "ontology_path",
    "symmetric_predicates",
    "use_ontology",
]


_IR_NS = Namespace("https://ir-kg.org/ontology#")
IRR = Namespace("https://ir-kg.org/resource/")
IRS = Namespace("https://ir-kg.org/statement/")
IRDOC = Namespace("https://ir-kg.org/doc/")
PROV = Namespace("http://www.w3.org/ns/prov#")


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
    def iri(self) -> URIRef:
        return _IR_NS[self.name]


@dataclass(frozen=True)
class Ontology:
    """What the code reads from an ontology file: its vocabulary, its ``ir:`` terms and its prefixes."""

    path: Path
    vocabulary: dict[str, Predicate]
    #: Local names of every ``ir:`` IRI the file declares (gives an ``rdf:type``): classes, properties, individuals.
    terms: frozenset[str]
    #: The prefixes it declares with ``sh:declare`` (prefix -> namespace).
    prefixes: dict[str, str]


@contextmanager
def use_ontology(path: str | os.PathLike | None) -> Iterator[Path]:
    """Make ``path`` the ontology in use inside the block (``None`` changes nothing).

    It sets ``KG_ONTOLOGY`` for the block, so worker processes started
    inside follow it too, and restores the previous value after.
    """
    if path is None:
        yield active_ontology()
        return
    chosen = active_ontology(path)
    load_ontology(chosen)  # fail here, with the file's name, rather than somewhere downstream
    before = os.environ.get(ONTOLOGY_ENV)
    os.environ[ONTOLOGY_ENV] = str(chosen)
    try:
        yield chosen
    finally:
        if before is None:
            os.environ.pop(ONTOLOGY_ENV, None)
        else:
            os.environ[ONTOLOGY_ENV] = before


def load_ontology(path: str | os.PathLike | None = None) -> Ontology:
    """The ontology ``path`` (default: the one in use), read once per process."""
    return _read(str(active_ontology(path)))


def load_vocabulary(path: str | os.PathLike | None = None) -> dict[str, Predicate]:
    """Predicates (sub-properties of ``ir:relatedTo``) of the ontology ``path`` (default: the one in use) by local name."""
    return load_ontology(path).vocabulary


def symmetric_predicates(path: str | os.PathLike | None = None) -> set[str]:
    return {name for name, p in load_vocabulary(path).items() if p.symmetric}


def _local(term) -> str:
    text = str(term)
    return text.removeprefix(str(_IR_NS))


def _classes(graph: Graph, node) -> tuple[str, ...]:
    if node is None:
        return ()
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        return tuple(_local(m) for m in Collection(graph, members)) if members is not None else ()
    return (_local(node),)


@lru_cache(maxsize=16)
def _read(path: str) -> Ontology:
    if not Path(path).is_file():
        raise FileNotFoundError(f"ontology {path}: no such file (set {ONTOLOGY_ENV} or --ontology to an ontology in Turtle)")
    graph = Graph().parse(path, format="turtle")
    vocabulary = {}
    for prop in graph.subjects(RDFS.subPropertyOf, _IR_NS.relatedTo):
        if (prop, RDF.type, OWL.ObjectProperty) not in graph or not str(prop).startswith(str(_IR_NS)):
            continue
        name = _local(prop)
        value = lambda p: graph.value(prop, p)  # noqa: E731
        vocabulary[name] = Predicate(
            name=name,
            label=str(value(RDFS.label)),
            definition=str(value(SKOS.definition)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
            cameo=str(value(_IR_NS.defaultCameoCode)) if value(_IR_NS.defaultCameoCode) is not None else None,
            goldstein=float(value(_IR_NS.defaultGoldstein) or 0.0),
            polarity=str(value(_IR_NS.polarity)),
            plover=str(value(_IR_NS.ploverCategory)) if value(_IR_NS.ploverCategory) is not None else None,
            domain=_classes(graph, value(RDFS.domain)),
            range=_classes(graph, value(RDFS.range)),
        )
    if not vocabulary:
        raise ValueError(f"ontology {path}: no relation predicates (owl:ObjectProperty, rdfs:subPropertyOf ir:relatedTo)")
    terms = frozenset(
        _local(s) for s in set(graph.subjects(RDF.type, None)) if isinstance(s, URIRef) and str(s).startswith(str(_IR_NS))
    )
    prefixes = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(None, SH.declare)
        if graph.value(d, SH.prefix) is not None and graph.value(d, SH.namespace) is not None
    }
    return Ontology(Path(path), dict(sorted(vocabulary.items())), terms, dict(sorted(prefixes.items())))


class UnknownTerm(AttributeError, KeyError):
    """A name that the ontology in use does not declare under ``ir:`` (a typo, or a term of another ontology)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


#: (value of KG_ONTOLOGY, name) -> the term's IRI, for the names already checked.
_CHECKED: dict[tuple[str | None, str], URIRef] = {}


class _OntologyTerms(DefinedNamespaceMeta):
    """A DefinedNamespace whose terms are those of the ontology in use, looked up when first used."""

    def __getitem__(cls, name: str, default=None) -> URIRef:
        name = str(name)
        key = (os.environ.get(ONTOLOGY_ENV) or None, name)
        term = _CHECKED.get(key)
        if term is None:
            if name not in load_ontology().terms:
                raise UnknownTerm(f"ir:{name} is not declared in the ontology in use ({active_ontology()})")
            term = _CHECKED[key] = cls._NS[name]
        return term

    def __getattr__(cls, name: str):
        if name.startswith("_"):  # no ir: term starts with "_"; probes by other libraries need no ontology
            raise AttributeError(name)
        return cls.__getitem__(name)

    def __contains__(cls, item) -> bool:
        text = str(item)
        if text.startswith(str(cls._NS)):
            text = text[len(str(cls._NS)) :]
        return text in load_ontology().terms

    def __dir__(cls):
        return sorted(load_ontology().terms)

    def __iter__(cls):
        return iter(cls._NS[name] for name in sorted(load_ontology().terms))


class IR(DefinedNamespace, metaclass=_OntologyTerms):
    """``ir:`` — the classes, properties and individuals of the ontology in use; an undeclared name raises :class:`UnknownTerm`."""

    _NS = _IR_NS
    _fail = True


def role_predicates() -> frozenset[str]:
    """The predicates that give a person a role for a state or organisation: those whose domain is ``ir:Person``.

    >>> len(role_predicates()) > 0, all(load_vocabulary()[p].cameo is None for p in role_predicates())
    (True, True)
    """
    return frozenset(name for name, p in load_vocabulary().items() if p.domain == ("Person",))
