"""SPARQL over the store: pre-bound prefixes, named queries, parameters.

Named queries are the files ``ontology/queries/NAME.rq``. Each starts with a
``# `` line saying what it answers; ``# @param NAME KIND help`` lines declare
its parameters. A parameter is bound through pyoxigraph's substitutions (or
rdflib's ``initBindings``), never pasted into the query text, so it must be
a projected variable; a parameter not given stays unbound (the query then
answers for every value). Kinds say how a bare value is read:

========== ===================== ======================
kind       ``--param x=ARM``     gives
========== ===================== ======================
entity     ``ARM``               ``irr:ARM``
predicate  ``memberOf``          ``ir:memberOf``
document   ``seed-iran-naka``    ``irdoc:seed-iran-naka``
date       ``2020-10-08``        ``"2020-10-08"^^xsd:date``
string     ``text``              ``"text"``
integer    ``3``                 ``3``
========== ===================== ======================

A value written as ``<IRI>`` or ``prefix:name`` (a pre-bound prefix) is an IRI
whatever the kind; an undeclared parameter takes such IRIs or a string. The
pre-bound prefixes are :func:`kg.rdf.convert.prefixes`: the usual ones and
those the ontology in use declares; a bare predicate must be one of its
relation predicates.

>>> queries = named_queries()
>>> queries["allies-of"].params[0].name, queries["allies-of"].params[0].kind
('state', 'entity')
>>> parse_value("ARM", "entity"), parse_value("ir:memberOf", None)
(<NamedNode value=https://ir-kg.org/resource/ARM>, <NamedNode value=https://ir-kg.org/ontology#memberOf>)
>>> parse_value("memberOff", "predicate")
Traceback (most recent call last):
...
kg.rdf.query.QueryError: 'memberOff' is not a predicate of the ontology in use
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.convert import document_iri, entity_iri, prefixes
from kg.vocab import load_vocabulary, ontology_path

__all__ = [
    "KINDS",
    "compact",
    "serialize_results",
    "table_rows",
    "NamedQuery",
    "Param",
    "QueryError",
    "load_query",
    "named_queries",
    "parse_value",
    "query_store",
    "query_rdflib",
    "substitutions",
]

KINDS = ("entity", "predicate", "document", "date", "string", "integer")
_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s+(\w+)\s*(.*)$")
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):(\S*)$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(ValueError):
    """A query or parameter that cannot be used; the message says why."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def load_query(path: Path | str) -> NamedQuery:
    """A query file: its first ``# `` line is the description, ``# @param`` lines the parameters."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    description = lines[0][1:].strip() if lines and lines[0].startswith("# ") else ""
    params = []
    for line in lines:
        match = _PARAM.match(line.strip())
        if match:
            name, kind, help = match.groups()
            if kind not in KINDS:
                raise QueryError(f"{path}: parameter {name} has unknown kind {kind!r} (one of {', '.join(KINDS)})")
            params.append(Param(name, kind, help.strip()))
    return NamedQuery(path.stem, description, tuple(params), text)


def named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """The named queries of ``ontology/queries`` (or ``folder``), by name."""
    folder = folder or ontology_path("queries")
    return {path.stem: load_query(path) for path in sorted(Path(folder).glob("*.rq"))}


def parse_value(value: str, kind: str | None) -> ox.NamedNode | ox.Literal:
    """The RDF term for a ``--param`` value of the given kind (see the module docstring)."""
    try:
        if value.startswith("<") and value.endswith(">"):
            return ox.NamedNode(value[1:-1])
        prefixed, bound = _PREFIXED.match(value), prefixes()
        if prefixed and prefixed.group(1) in bound and kind not in ("date", "string", "integer"):
            return ox.NamedNode(bound[prefixed.group(1)] + prefixed.group(2))
        if kind == "entity":
            return ox.NamedNode(entity_iri(value))
        if kind == "predicate":
            predicate = load_vocabulary().get(value)
            if predicate is None:
                raise QueryError(f"{value!r} is not a predicate of the ontology in use")
            return ox.NamedNode(str(predicate.iri))
        if kind == "document":
            return ox.NamedNode(document_iri(value))
        if kind == "date":
            from kg.graph.knowledge import valid_date

            if valid_date(value) is None:
                raise QueryError(f"{value!r} is not a date YYYY-MM-DD")
            return ox.Literal(value, datatype=ox.NamedNode(_XSD + "date"))
        if kind == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
    except QueryError:
        raise
    except ValueError as error:
        raise QueryError(f"bad {kind or 'IRI'} value {value!r}: {error}") from error
    return ox.Literal(value)


def substitutions(params: dict[str, str], query: NamedQuery | None = None) -> dict[ox.Variable, object]:
    """``{Variable: term}`` for the given ``name=value`` parameters."""
    bound = {}
    for name, value in params.items():
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"bad parameter name {name!r}")
        declared = query.param(name) if query else None
        if query is not None and query.params and declared is None:
            names = ", ".join(p.name for p in query.params)
            raise QueryError(f"query {query.name} has no parameter {name!r} (it has: {names})")
        bound[ox.Variable(name)] = parse_value(value, declared.kind if declared else None)
    return bound


def query_store(store: ox.Store, text: str, bindings: dict | None = None):
    """Run a query on an Oxigraph store with the pre-bound prefixes.

    Returns pyoxigraph's result: solutions (SELECT), a boolean (ASK) or triples.
    """
    try:
        return store.query(text, prefixes=prefixes(), substitutions=bindings or None)
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {error}") from error
    except RuntimeError as error:
        raise QueryError(str(error)) from error


def _rdflib_term(term):
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD + "string" else URIRef(datatype))


def query_rdflib(graph, text: str, bindings: dict | None = None):
    """Run a query on an rdflib graph with the pre-bound prefixes (for small graphs and comparisons)."""
    from rdflib import Variable

    init = {Variable(v.value): _rdflib_term(t) for v, t in (bindings or {}).items()}
    return graph.query(text, initNs=prefixes(), initBindings=init)


def compact(term) -> str:
    """A term as people read it: ``irr:ARM`` for IRIs under a pre-bound prefix, a literal's value.

    >>> compact(ox.NamedNode("https://ir-kg.org/resource/ARM")), compact(ox.Literal("Armenia", language="en"))
    ('irr:ARM', 'Armenia')
    """
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        bound = prefixes()
        namespace = max((ns for ns in bound.values() if term.value.startswith(ns)), key=len, default=None)
        if namespace is not None:
            prefix = next(p for p, ns in bound.items() if ns == namespace)
            return f"{prefix}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    return str(term)


def table_rows(result) -> tuple[list[str], list[list[str]]]:
    """Column names and rows of compacted values, for SELECT, ASK and CONSTRUCT results alike."""
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [[compact(row[name]) for name in names] for row in result]
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [["true" if bool(result) else "false"]]
    return ["subject", "predicate", "object"], [[compact(t.subject), compact(t.predicate), compact(t.object)] for t in result]


def serialize_results(result, format: str) -> bytes:
    """``csv`` or ``json`` (SPARQL results formats) for SELECT and ASK; N-Triples or JSON-LD for graphs."""
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.JSON_LD if format == "json" else ox.RdfFormat.N_TRIPLES)
    formats = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}
    if format not in formats:
        raise QueryError(f"unknown result format {format!r}")
    return result.serialize(format=formats[format])
