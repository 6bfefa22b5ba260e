"""The rdflib side of the vocabulary: the namespaces as rdflib terms, and ``IR``, closed over the ontology in use.

:mod:`kg.vocab` serves these names when first asked for them, so that reading
the vocabulary (extraction, ``kg query``) does not import rdflib.
"""

from __future__ import annotations

import os

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

from kg.rdf.names import ONTOLOGY_ENV, active_ontology, load_ontology
from kg.vocab import UnknownTerm

__all__ = ["IR", "IRR", "IRS", "IRDOC", "PROV"]

_IR_NS = Namespace("https://ir-kg.org/ontology#")
IRR = Namespace("https://ir-kg.org/resource/")
IRS = Namespace("https://ir-kg.org/statement/")
IRDOC = Namespace("https://ir-kg.org/doc/")
PROV = Namespace("http://www.w3.org/ns/prov#")

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
