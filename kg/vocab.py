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
It and the other rdflib namespaces (``IRR``, ``IRS``, ``IRDOC``, ``PROV``)
come from :mod:`kg.rdf.namespaces` when first asked for: reading the
vocabulary needs no rdflib.

>>> from kg.vocab import IR
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
from importlib import import_module
from pathlib import Path
from typing import Iterator

from kg.rdf.names import ONTOLOGY_ENV, Ontology, Predicate, active_ontology, load_ontology, ontology_path

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

#: The rdflib namespaces, made when first used (:mod:`kg.rdf.namespaces`): reading the vocabulary needs no rdflib.
_NAMESPACES = ("IR", "IRR", "IRS", "IRDOC", "PROV")


def __getattr__(name: str):
    if name not in _NAMESPACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("kg.rdf.namespaces"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


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


def load_vocabulary(path: str | os.PathLike | None = None) -> dict[str, Predicate]:
    """Predicates (sub-properties of ``ir:relatedTo``) of the ontology ``path`` (default: the one in use) by local name."""
    return load_ontology(path).vocabulary


def symmetric_predicates(path: str | os.PathLike | None = None) -> set[str]:
    return {name for name, p in load_vocabulary(path).items() if p.symmetric}


class UnknownTerm(AttributeError, KeyError):
    """A name that the ontology in use does not declare under ``ir:`` (a typo, or a term of another ontology)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def role_predicates() -> frozenset[str]:
    """The predicates that give a person a role for a state or organisation: those whose domain is ``ir:Person``.

    >>> len(role_predicates()) > 0, all(load_vocabulary()[p].cameo is None for p in role_predicates())
    (True, True)
    """
    return frozenset(name for name, p in load_vocabulary().items() if p.domain == ("Person",))
