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
pre-bound prefixes are :func:`kg.rdf.names.prefixes`: the usual ones and
those the ontology in use declares; a bare predicate must be one of its
relation predicates. Running a query imports neither rdflib nor networkx
(:mod:`kg.rdf.names` reads the ontology's names with pyoxigraph).

A ``# @page N`` line gives the query a default page: run with none of its
parameters bound (every row of the store), ``kg query`` shows the first N
rows and says how to get the others (:func:`page_limit`, :func:`paged`).

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

import itertools
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.names import IR, document_iri, entity_iri, load_ontology, ontology_path, prefixes

__all__ = [
    "KINDS",
    "compact",
    "escape_formula",
    "escape_formulas",
    "serialize_results",
    "table_rows",
    "NamedQuery",
    "Param",
    "QueryError",
    "SPARQL_KEYWORDS",
    "explain_syntax_error",
    "load_query",
    "named_queries",
    "page_limit",
    "paged",
    "parse_value",
    "query_store",
    "query_rdflib",
    "run_query",
    "substitutions",
    "unknown_terms",
]

KINDS = ("entity", "predicate", "document", "date", "string", "integer")
_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s+(\w+)\s*(.*)$")
_PAGE = re.compile(r"^#\s*@page\s+(\d+)\s*$")
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
    #: Rows shown when no parameter is bound (``# @page N``); ``None``: all.
    page: int | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def load_query(path: Path | str) -> NamedQuery:
    """A query file: its first ``# `` line is the description, ``# @param`` lines the parameters, ``# @page N`` its page."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    description = lines[0][1:].strip() if lines and lines[0].startswith("# ") else ""
    params, page = [], None
    for line in lines:
        paging = _PAGE.match(line.strip())
        if paging:
            page = int(paging.group(1))
        match = _PARAM.match(line.strip())
        if match:
            name, kind, help = match.groups()
            if kind not in KINDS:
                raise QueryError(f"{path}: parameter {name} has unknown kind {kind!r} (one of {', '.join(KINDS)})")
            params.append(Param(name, kind, help.strip()))
    return NamedQuery(path.stem, description, tuple(params), text, page if page else None)


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
            if value not in load_ontology().predicates:
                raise QueryError(f"{value!r} is not a predicate of the ontology in use")
            return ox.NamedNode(IR + value)
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


def page_limit(query: NamedQuery | None, params: dict, limit: int | None = None) -> int | None:
    """The LIMIT a run gets: ``limit`` if given (0: none), else the query's page when no parameter is bound.

    >>> query = NamedQuery("q", "", (Param("s", "entity"),), "SELECT ?s { ?s a ?t }", page=100)
    >>> page_limit(query, {}), page_limit(query, {"s": "ARM"}), page_limit(query, {}, 0), page_limit(None, {}, 5)
    (100, None, None, 5)
    """
    if limit is not None:
        return limit or None
    return query.page if query is not None and not params else None


def paged(text: str, limit: int | None, offset: int = 0) -> str:
    """``text`` with ``LIMIT limit`` and ``OFFSET offset`` after it (either may be none): one page of its rows.

    >>> paged("SELECT ?s { ?s a ?t } ORDER BY ?s", 10, 20).splitlines()[1:]
    ['LIMIT 10', 'OFFSET 20']
    >>> paged("SELECT ?s { ?s a ?t } LIMIT 5", 10)
    Traceback (most recent call last):
    ...
    kg.rdf.query.QueryError: the query ends with a LIMIT, OFFSET or VALUES of its own: --limit and --offset cannot page it
    """
    if not limit and not offset:
        return text
    from kg.serve.policy import visible_code

    code = visible_code(text)
    if re.search(r"(?i)\b(LIMIT|OFFSET|VALUES)\b", code[code.rfind("}") + 1:]):
        raise QueryError("the query ends with a LIMIT, OFFSET or VALUES of its own: --limit and --offset cannot page it")
    return text.rstrip() + (f"\nLIMIT {limit}" if limit else "") + (f"\nOFFSET {offset}" if offset else "")


#: :data:`kg.serve.policy.MAX_NESTING`: a query with at most this many brackets nests no deeper (a test checks they agree).
_FEW_BRACKETS = 256


def query_store(store: ox.Store, text: str, bindings: dict | None = None):
    """Run a query on an Oxigraph store with the pre-bound prefixes.

    Returns pyoxigraph's result: solutions (SELECT), a boolean (ASK) or triples.
    A query nesting deeper than :data:`kg.serve.policy.MAX_NESTING` is refused
    (Oxigraph's parser would overflow its stack and end the process).
    """
    if sum(map(text.count, "({[")) > _FEW_BRACKETS:  # fewer cannot nest too deep: no need to load the scanner
        from kg.serve.policy import nesting_refusal

        too_deep = nesting_refusal(text)
        if too_deep:
            raise QueryError(too_deep)
    try:
        return store.query(text, prefixes=prefixes(), substitutions=bindings or None)
    except SyntaxError as error:
        raise QueryError(explain_syntax_error(str(error), text)) from error
    except RuntimeError as error:
        at = _ERROR_AT.search(str(error))
        if at is not None and not isinstance(store, ox.Store):  # a remote Oxigraph, sent PREFIX lines first
            from kg.rdf.remote import with_prefixes

            shift = with_prefixes(text, prefixes()).count("\n") - text.count("\n")
            raise QueryError(explain_syntax_error(at.group(0), text, shift)) from error
        raise QueryError(str(error)) from error


# -- syntax errors as people read them ---------------------------------------------

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
#: A character class of Oxigraph's expected tokens (``['A' ..= 'Z' | ...]``): no help to a reader.
_CHAR_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|[^,\s][^,]*')
_PREFIXED_NAME = re.compile(r"(?<![\w?$@.:-])([A-Za-z][\w.-]*)?:((?:[\w%-]|\.(?=[\w%-]))*)")
_WORD = re.compile(r"(?<![\w?$@:.-])[A-Za-z_]\w*(?![\w:.-])")
_DECLARED_PREFIX = re.compile(r"(?i)\bPREFIX\s+([\w.-]*):")
#: SPARQL 1.1's keywords and built-in functions (and RDF-star's), against which a bare word is checked.
SPARQL_KEYWORDS = frozenset("""
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS ORDER BY ASC DESC LIMIT OFFSET
    GROUP HAVING VALUES UNDEF OPTIONAL UNION MINUS FILTER BIND GRAPH SERVICE SILENT NOT IN EXISTS A TRUE FALSE
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS
    CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG
    STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT
    ISTRIPLE LATERAL
""".split())


def explain_syntax_error(message: str, text: str, line_shift: int = 0) -> str:
    """One line for Oxigraph's syntax error ``message`` on the user's query ``text``: what, where, a hint.

    Oxigraph says ``error at LINE:COLUMN: expected one of ...`` (columns count characters, from 1),
    listing character classes by Unicode ranges. This keeps the position, moved back by
    ``line_shift`` lines when the query was sent with that many lines (``PREFIX`` declarations)
    in front of the user's text, names an unknown prefix, lists the expected tokens that are words
    or punctuation, and adds a hint for a near-miss: a term the ontology does not declare
    (``did you mean ir:confidence?``), a prefix that is not bound, a misspelt keyword.

    >>> explain_syntax_error('error at 1:32: expected one of "}", [_]', "SELECT * { ?x ir:confidance ?y")
    'SPARQL syntax error at 1:32, at the end of the query: expected "}"; did you mean ir:confidence?'
    >>> explain_syntax_error("error at 4:11: expected one of Prefix not found, [':']", "P\\nP\\nSELECT *\\n{ ?x iir:x ?y }", 2)
    'SPARQL syntax error at 2:11: unknown prefix iir: (pre-bound: ir, irr, irs, irdoc, rdf, rdfs, xsd, owl, prov, dcterms, wd); did you mean ir:?'
    """
    match = _ERROR_AT.search(message)
    if match is None:
        return f"SPARQL syntax error: {' '.join(message.split())}"
    line, column, expected = int(match.group(1)) - line_shift, int(match.group(2)), match.group(3)
    lines = text.split("\n")
    offset = sum(len(l) + 1 for l in lines[: max(line - 1, 0)]) + column - 1 if 1 <= line <= len(lines) else len(text)
    from kg.serve.policy import visible_code

    code = visible_code(text)
    bound = prefixes()
    declared = set(_DECLARED_PREFIX.findall(text))
    hints = []  # (distance from the error, hint)
    if "Prefix not found" in expected:
        names = [m for m in _PREFIXED_NAME.finditer(code) if (m.group(1) or "") not in bound and (m.group(1) or "") not in declared]
        before = [m for m in names if m.start() <= offset] or names
        prefix = (before[-1].group(1) or "") if before else ""
        what = f"unknown prefix {prefix}: (pre-bound: {', '.join(bound)})"
        near = _closest(prefix, list(bound), 60)
        if near:
            hints.append((0, f"did you mean {near}:?"))
    elif "IRI parsing failed" in expected:
        what = "not a valid IRI"
    else:
        expected = _CHAR_CLASS.sub("", expected.strip().removeprefix("expected").strip().removeprefix("one of "))
        expected = re.split(r"\['", expected, maxsplit=1)[0]  # a class cut off (a message shortened by HTTP clients)
        items = [item.strip() for item in _EXPECTED_ITEM.findall(expected)]
        items = [item for item in items if item and item != "[_]"]
        rest = code[offset:].strip()
        what = "at the end of the query" if not rest else f"at {rest.split()[0][:30]!r}"
        if items:
            what += f": expected {'one of ' if len(items) > 1 else ''}{', '.join(items[:8])}{' …' if len(items) > 8 else ''}"
    for term, start, suggestion in unknown_terms(text):
        hints.append((abs(start - offset), f"did you mean {suggestion}?" if suggestion else f"{term} is not declared in the ontology"))
    for word in _WORD.finditer(code):
        if word.group(0).upper() not in SPARQL_KEYWORDS:
            near = _closest(word.group(0).upper(), sorted(SPARQL_KEYWORDS), 75)
            if near:
                hints.append((abs(word.start() - offset), f"did you mean {near}?"))
    hint = min(hints)[1] if hints else ""
    where = f"SPARQL syntax error at {line}:{column}"
    return (f"{where}, {what}" if what.startswith("at ") else f"{where}: {what}") + (f"; {hint}" if hint else "")


def unknown_terms(text: str) -> list[tuple[str, int, str | None]]:
    """The ``ir:`` names in ``text`` that the ontology in use does not declare: ``(name, offset, nearest term)``.

    >>> unknown_terms("SELECT ?x { ?x ir:confidance ?c ; ir:modality ir:Asserted ; ir:xyzzy ?z }")
    [('ir:confidance', 15, 'ir:confidence'), ('ir:xyzzy', 60, None)]
    """
    if "ir:" not in text or "ir" in set(_DECLARED_PREFIX.findall(text)):  # no ir: name, or ir: bound by the query itself
        return []
    from kg.serve.policy import visible_code

    names = load_ontology()
    terms = sorted(names.terms | names.predicates)
    found = []
    for match in _PREFIXED_NAME.finditer(visible_code(text)):
        if match.group(1) == "ir" and match.group(2) and match.group(2) not in terms:
            near = _closest(match.group(2), terms, 80)
            found.append((match.group(0), match.start(), f"ir:{near}" if near else None))
    return found


def _closest(word: str, choices: list[str], cutoff: float) -> str | None:
    from rapidfuzz import fuzz, process

    best = process.extractOne(word, choices, scorer=fuzz.ratio, processor=str.lower, score_cutoff=cutoff)
    return best[0] if best else None


#: What RocksDB says when a read-only open or a read meets files a writer has just replaced or deleted.
_CHANGED = ("No such file", "Corruption", "may be corrupted")


def _store_changed(error: BaseException) -> bool:
    """Whether ``error`` is a read-only snapshot meeting files a writer has compacted away since it opened."""
    while error is not None:
        text = str(error)
        if isinstance(error, OSError) or any(sign in text for sign in _CHANGED):
            return True
        error = error.__cause__
    return False


def run_query(open_store, text: str, bindings: dict | None = None, output_format: str = "table", *,
              csv_safe: bool = False, patience: float = 10.0):
    """The whole answer to ``text``: bytes for ``csv``/``json`` (:func:`serialize_results`), ``(names, rows)``
    for ``table`` (:func:`table_rows`).

    ``open_store()`` opens the store, read-only. A build running meanwhile may compact away files the
    snapshot was opened with (RocksDB: ``Corruption: … No such file … .sst``), or replace its MANIFEST
    while it opens (``… may be corrupted``): the store is then opened again and the query run on the
    fresh snapshot, for ``patience`` seconds at most (waiting a little longer each time). With
    ``csv_safe``, CSV cells that a spreadsheet would read as formulas get ``'`` in front (:func:`escape_formulas`).
    """
    started = time.monotonic()
    for attempt in itertools.count():
        store = None
        try:
            store = open_store()
            result = query_store(store, text, bindings)
            if output_format == "table":
                return table_rows(result)
            data = serialize_results(result, output_format)
            return escape_formulas(data) if csv_safe and output_format == "csv" else data
        except Exception as error:  # noqa: BLE001 - only a changed store is tried again
            if not _store_changed(error) or isinstance(error, SyntaxError):
                raise
            if time.monotonic() - started > patience:
                raise QueryError(f"the store kept changing under the query ({attempt + 1} tries): {error}") from error
            time.sleep(min(0.02 * 2 ** attempt, 0.5))
        finally:
            del store
    raise AssertionError("unreachable")


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


#: First characters that make a spreadsheet read a CSV cell as a formula (CSV injection), and tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` with ``'`` in front when a spreadsheet would read it as a formula.

    >>> [escape_formula(t) for t in ("=HYPERLINK(1)", "+1", "-3", "@SUM(A1)", "Armenia", "")]
    ["'=HYPERLINK(1)", "'+1", "'-3", "'@SUM(A1)", 'Armenia', '']
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def escape_formulas(data: bytes) -> bytes:
    r"""SPARQL CSV results (``data``, UTF-8) with every cell passed through :func:`escape_formula`.

    >>> escape_formulas(b'x,y\r\n=1+1,"-2, or so"\r\n').decode()
    'x,y\r\n\'=1+1,"\'-2, or so"\r\n'
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        writer.writerow([escape_formula(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def serialize_results(result, format: str) -> bytes:
    """``csv`` or ``json`` (SPARQL results formats) for SELECT and ASK; N-Triples or JSON-LD for graphs."""
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.JSON_LD if format == "json" else ox.RdfFormat.N_TRIPLES)
    formats = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}
    if format not in formats:
        raise QueryError(f"unknown result format {format!r}")
    return result.serialize(format=formats[format])
