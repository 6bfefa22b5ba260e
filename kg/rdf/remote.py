"""A remote SPARQL 1.1 endpoint used where an Oxigraph store is: ``--store http(s)://…``.

:class:`RemoteStore` has the part of :class:`pyoxigraph.Store`'s API that
:mod:`kg.rdf.store` and :mod:`kg.rdf.query` use — ``query``, ``update``,
``quads_for_pattern``, ``dump``, ``bulk_load`` — over HTTP:

- queries: the SPARQL 1.1 Protocol (POST ``application/x-www-form-urlencoded``),
  results read back into pyoxigraph's own result objects, so tables and
  ``--format csv|json`` work as on a local store;
- writes: the SPARQL 1.1 Update protocol (``INSERT DATA`` / ``DELETE DATA``;
  one request is one transaction on Oxigraph, Fuseki, GraphDB, Virtuoso);
- bulk loads: the Graph Store HTTP Protocol (POST N-Triples to
  ``graph_store_url?default``) when one is given, else ``INSERT DATA`` in chunks.

Prefixes are sent as ``PREFIX`` lines; substitutions (``--param``) become a
trailing ``VALUES`` clause, which joins the query's solutions with the given
values — the same answers as pyoxigraph's substitutions for the projected
variables that named queries bind.

Endpoints: ``…/query`` (Oxigraph, Fuseki) writes to ``…/update``; any other
URL (``…/sparql``: Oxigraph 0.5, Virtuoso, Blazegraph, RDF4J) takes updates
itself. Both can be given explicitly.

>>> with_values("SELECT ?x WHERE { ?x ?p ?o }", {ox.Variable("x"): ox.NamedNode("http://e/a")})
'SELECT ?x WHERE { ?x ?p ?o }\\nVALUES (?x) { (<http://e/a>) }'
>>> with_prefixes("SELECT * { ?s a ir:State }", {"ir": "https://ir-kg.org/ontology#"}).splitlines()[0]
'PREFIX ir: <https://ir-kg.org/ontology#>'
"""

from __future__ import annotations

import io
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

import pyoxigraph as ox

__all__ = ["RemoteError", "RemoteStore", "derive_update_url", "with_prefixes", "with_values"]

log = logging.getLogger(__name__)

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_ACCEPT = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9, application/sparql-results+xml;q=0.5, text/turtle;q=0.5"
#: Lines of N-Triples sent in one INSERT DATA request when there is no Graph Store endpoint.
INSERT_CHUNK = 20_000


class RemoteError(RuntimeError):
    """The endpoint refused a request or could not be reached; the message says which and why."""


def derive_update_url(query_url: str) -> str:
    """The update endpoint that goes with a query endpoint (see the module docstring).

    >>> derive_update_url("http://127.0.0.1:7878/query"), derive_update_url("http://h/ds/sparql")
    ('http://127.0.0.1:7878/update', 'http://h/ds/sparql')
    """
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return query_url


def with_prefixes(text: str, prefixes: Mapping[str, str] | None) -> str:
    """``text`` with ``PREFIX`` lines for the prefixes it does not declare itself."""
    if not prefixes:
        return text
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w.-]*):", text)}
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in declared]
    return "\n".join(lines + [text]) if lines else text


def with_values(text: str, substitutions: Mapping | None) -> str:
    """``text`` with a trailing ``VALUES`` clause binding the substituted variables."""
    if not substitutions:
        return text
    names = " ".join(f"?{variable.value}" for variable in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({terms}) }}"


def _pattern_term(term, name: str) -> str:
    return f"?{name}" if term is None else str(term)


class RemoteStore:
    """A SPARQL 1.1 endpoint with the store API of :mod:`kg.rdf.store` (see the module docstring)."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        read_only: bool = False,
        timeout: float = 300.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or derive_update_url(query_url)
        self.graph_store_url = graph_store_url
        self.read_only = read_only
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<RemoteStore {self.query_url}>"

    # -- HTTP ------------------------------------------------------------------

    def _request(self, url: str, data: bytes | None, headers: dict, *, method: str = "POST", timeout: float | None = None):
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", errors="replace").strip()
            raise RemoteError(f"{url}: HTTP {error.code}: {body[:500] or error.reason}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise RemoteError(f"{url}: cannot reach the endpoint: {reason}") from error

    def ping(self, timeout: float = 10.0) -> None:
        """Raise :class:`RemoteError` unless the endpoint answers ``ASK {}`` within ``timeout`` seconds."""
        data = urllib.parse.urlencode({"query": "ASK {}"}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": _RESULTS_JSON}
        with self._request(self.query_url, data, headers, timeout=timeout) as response:
            response.read()

    # -- reading ---------------------------------------------------------------

    def query(self, text: str, *, prefixes: Mapping[str, str] | None = None, substitutions: Mapping | None = None, **_):
        """pyoxigraph's answer objects: ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``."""
        sparql = with_values(with_prefixes(text, prefixes), substitutions)
        data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": _ACCEPT}
        with self._request(self.query_url, data, headers) as response:
            kind = response.headers.get_content_type()
            body = response.read()
        if kind == _RESULTS_JSON or kind == "application/json":
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if kind == "application/sparql-results+xml":
            return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        rdf_format = ox.RdfFormat.from_media_type(kind)
        if rdf_format is None:
            raise RemoteError(f"{self.query_url}: unexpected answer of type {kind!r}")
        graph = ox.Store()  # a graph answer becomes pyoxigraph's own QueryTriples through a tiny in-memory store
        graph.load(body, rdf_format)
        return graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def _construct(self, sparql: str) -> Iterator[ox.Triple]:
        data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": _NTRIPLES}
        response = self._request(self.query_url, data, headers)
        try:
            kind = response.headers.get_content_type()
            rdf_format = ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.N_TRIPLES
            yield from ox.parse(response, rdf_format)
        finally:
            response.close()

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:
        """The default graph's triples that match, as quads (only the default graph is used)."""
        pattern = f"{_pattern_term(subject, 's')} {_pattern_term(predicate, 'p')} {_pattern_term(object, 'o')}"
        for triple in self._construct(f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}"):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph())

    def __len__(self) -> int:
        (row,) = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(row["n"].value)

    def dump(self, output: str | Path | BinaryIO | None = None, format: ox.RdfFormat | None = None, *, from_graph=None, prefixes=None, **_):
        """The default graph in ``format``, streamed from a CONSTRUCT (to ``output``, or returned as bytes)."""
        triples = self._construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        options = {"prefixes": prefixes} if prefixes and format == ox.RdfFormat.TURTLE else {}
        return ox.serialize(triples, output, format or ox.RdfFormat.N_TRIPLES, **options)

    # -- writing ---------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise RemoteError(f"{self.query_url}: opened read-only")

    def update(self, text: str, *, prefixes: Mapping[str, str] | None = None, **_) -> None:
        """One SPARQL Update request (one transaction on the usual servers)."""
        self._check_writable()
        body = with_prefixes(text, prefixes).encode("utf-8")
        with self._request(self.update_url, body, {"Content-Type": "application/sparql-update; charset=utf-8"}) as response:
            response.read()

    def bulk_load(self, input=None, format: ox.RdfFormat | None = None, *, path: str | Path | None = None, **_) -> None:
        """Load N-Triples (a path, bytes or a binary stream): Graph Store POST, else INSERT DATA in chunks."""
        self._check_writable()
        format = format or ox.RdfFormat.N_TRIPLES
        if format != ox.RdfFormat.N_TRIPLES:
            raise RemoteError(f"bulk loads to a remote store take N-Triples, not {format}")
        if path is not None:
            with open(path, "rb") as stream:
                return self.bulk_load(stream, format)
        stream = io.BytesIO(input.encode("utf-8") if isinstance(input, str) else input) if isinstance(input, (str, bytes)) else input
        if self.graph_store_url:
            url = self.graph_store_url + ("&" if "?" in self.graph_store_url else "?") + "default"
            with self._request(url, stream.read(), {"Content-Type": _NTRIPLES}) as response:
                response.read()
            return None
        chunk: list[str] = []
        for raw in stream:
            line = raw.decode("utf-8").strip() if isinstance(raw, bytes) else raw.strip()
            if line and not line.startswith("#"):
                chunk.append(line)
            if len(chunk) >= INSERT_CHUNK:
                self.update("INSERT DATA {\n" + "\n".join(chunk) + "\n}")
                chunk = []
        if chunk:
            self.update("INSERT DATA {\n" + "\n".join(chunk) + "\n}")
        return None

