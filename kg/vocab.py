"""The relation vocabulary, read from ``ontology/ir.ttl`` (one source of truth).

>>> vocab = load_vocabulary()
>>> vocab["accuses"].cameo, vocab["accuses"].goldstein, vocab["allyOf"].symmetric
('112', -2.0, True)
>>> str(IR.accuses)
'https://ir-kg.org/ontology#accuses'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF, RDFS, SKOS

__all__ = [
    "IR",
    "IRR",
    "IRS",
    "IRDOC",
    "PROV",
    "Predicate",
    "ontology_path",
    "load_vocabulary",
    "symmetric_predicates",
]

IR = Namespace("https://ir-kg.org/ontology#")
IRR = Namespace("https://ir-kg.org/resource/")
IRS = Namespace("https://ir-kg.org/statement/")
IRDOC = Namespace("https://ir-kg.org/doc/")
PROV = Namespace("http://www.w3.org/ns/prov#")


@dataclass(frozen=True)
class Predicate:
    name: str
    label: str
    definition: str
    symmetric: bool
    cameo: str | None
    goldstein: float
    polarity: str
    plover: str | None

    @property
    def iri(self):
        return IR[self.name]


def ontology_path(name: str = "ir.ttl") -> Path:
    """Path of a file of the ontology folder, in a checkout or an installed package."""
    return Path(str(files("kg.ontology").joinpath(name)))


@lru_cache(maxsize=1)
def load_vocabulary() -> dict[str, Predicate]:
    """Predicates of ``ir.ttl`` (sub-properties of ``ir:relatedTo``) by local name."""
    graph = Graph().parse(ontology_path(), format="turtle")
    vocab = {}
    for prop in graph.subjects(RDFS.subPropertyOf, IR.relatedTo):
        if (prop, RDF.type, OWL.ObjectProperty) not in graph:
            continue
        name = str(prop).removeprefix(str(IR))
        value = lambda p: graph.value(prop, p)  # noqa: E731
        vocab[name] = Predicate(
            name=name,
            label=str(value(RDFS.label)),
            definition=str(value(SKOS.definition)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
            cameo=str(value(IR.defaultCameoCode)) if value(IR.defaultCameoCode) is not None else None,
            goldstein=float(value(IR.defaultGoldstein) or 0.0),
            polarity=str(value(IR.polarity)),
            plover=str(value(IR.ploverCategory)) if value(IR.ploverCategory) is not None else None,
        )
    return dict(sorted(vocab.items()))


def symmetric_predicates() -> set[str]:
    return {name for name, p in load_vocabulary().items() if p.symmetric}
