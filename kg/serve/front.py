"""The front server of ``kg serve``: a query page, named queries, the graph view, ``/sparql`` proxied.

Routes (loopback only):

========================= ==============================================================
``GET /``                 the query page (no CDN: works offline)
``GET|POST /sparql``      SPARQL 1.1 Protocol queries, passed to Oxigraph; ir-kg prefixes
                          pre-bound; results by content negotiation (``Accept``) or
                          ``format=json|csv|tsv|xml``; updates refused (403)
``GET /queries``          the named queries as JSON (name, description, parameters, text)
``GET /named/NAME``       a named query, parameters as ``?state=ARM`` (as ``kg query --param``)
``GET /graph``            the pyvis view (:func:`kg.viz.to_html`) of a result's entities:
                          ``?query=…`` or ``?name=NAME&…``
========================= ==============================================================

Any other method (PUT, DELETE, PATCH: the Graph Store protocol's writes) is
answered 405.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

import pyoxigraph as ox

from kg.rdf.convert import PREFIXES
from kg.rdf.query import QueryError, named_queries, substitutions
from kg.rdf.remote import with_prefixes, with_values

__all__ = ["FORMATS", "FrontServer", "is_loopback", "refuses_update"]

log = logging.getLogger(__name__)

#: ``format=`` values and the media types they ask for.
FORMATS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
    "nt": "application/n-triples",
    "ttl": "text/turtle",
}
_DEFAULT_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_IRR = PREFIXES["irr"]
#: Entities at most in a graph view, and statements at most among them.
VIEW_ENTITIES, VIEW_STATEMENTS = 200, 5000


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0"), is_loopback("10.1.2.3")
    (True, True, False, False)
    """
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def refuses_update(method: str, content_type: str, fields: dict) -> bool:
    """Whether a request to ``/sparql`` is a SPARQL Update (which ``kg serve`` refuses).

    >>> refuses_update("POST", "application/sparql-update", {}), refuses_update("GET", "", {"update": ["x"]})
    (True, True)
    >>> refuses_update("POST", "application/x-www-form-urlencoded", {"query": ["ASK {}"]})
    False
    """
    return content_type == "application/sparql-update" or "update" in fields


class FrontServer(ThreadingHTTPServer):
    """A threading HTTP server on a loopback address in front of an Oxigraph query endpoint."""

    daemon_threads = True

    def __init__(self, host: str, port: int, backend_url: str, *, title: str = "ir-kg") -> None:
        if not is_loopback(host):
            raise ValueError(f"kg serve listens on loopback addresses only, not {host!r}")
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.backend_url = backend_url
        self.title = title
        self.queries = named_queries()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests, embedding); :meth:`shutdown` stops it."""
        thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: FrontServer
    server_version = "kg-serve"

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", self.address_string(), format % args)

    # -- plumbing -------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _fields(self) -> tuple[str, dict]:
        """The path and the request's fields (query string, and a form body for POST)."""
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True)

    def _accept(self, fields: dict) -> str:
        fmt = (fields.get("format") or [""])[0]
        if fmt:
            return FORMATS.get(fmt, "")
        accept = self.headers.get("Accept", "")
        if not accept or "text/html" in accept or accept.strip() == "*/*":
            return _DEFAULT_ACCEPT
        return accept

    def _backend(self, sparql: str, accept: str) -> None:
        """Send a query to Oxigraph and stream its answer back."""
        data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(
            self.server.backend_url, data=data, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept},
        )
        try:
            response = urllib.request.urlopen(request, timeout=300)
        except urllib.error.HTTPError as error:
            body = error.read()
            self._send(error.code, body, error.headers.get("Content-Type", "text/plain; charset=utf-8"))
            return
        except (urllib.error.URLError, OSError) as error:
            self._text(HTTPStatus.BAD_GATEWAY, f"the SPARQL server does not answer: {getattr(error, 'reason', error)}")
            return
        with response:
            self.send_response(response.status)
            self.send_header("Content-Type", response.headers.get("Content-Type", "application/octet-stream"))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            shutil.copyfileobj(response, self.wfile, 1 << 16)

    def _query_backend(self, sparql: str) -> tuple[str, bytes]:
        data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(
            self.server.backend_url, data=data, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": _DEFAULT_ACCEPT},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.headers.get_content_type(), response.read()

    # -- methods --------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path, fields = self._fields()
        self._route(path, fields, "", b"")

    def do_POST(self) -> None:
        path, fields = self._fields()
        length = int(self.headers.get("Content-Length") or 0)
        if length > 10_000_000:
            self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
            return
        body = self.rfile.read(length)
        content_type = self.headers.get_content_type()
        if content_type == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
        self._route(path, fields, content_type, body)

    def _refuse_method(self) -> None:
        self._text(HTTPStatus.METHOD_NOT_ALLOWED, "kg serve is read-only", {"Allow": "GET, POST, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _route(self, path: str, fields: dict, content_type: str, body: bytes) -> None:
        if path == "/sparql":
            self._sparql(fields, content_type, body)
        elif path in ("/", "/index.html"):
            self._page()
        elif path == "/queries":
            queries = [
                {"name": q.name, "description": q.description, "text": q.text,
                 "params": [{"name": p.name, "kind": p.kind, "help": p.help} for p in q.params]}
                for q in self.server.queries.values()
            ]
            self._send(HTTPStatus.OK, json.dumps(queries, indent=1).encode("utf-8"), "application/json")
        elif path.startswith("/named/"):
            sparql = self._named(path.removeprefix("/named/"), fields)
            if sparql is not None:
                self._backend(sparql, self._accept(fields))
        elif path == "/graph":
            self._graph(fields)
        else:
            self._text(HTTPStatus.NOT_FOUND, f"no such page: {path}")

    # -- routes -----------------------------------------------------------------

    def _sparql(self, fields: dict, content_type: str, body: bytes) -> None:
        if refuses_update(self.command, content_type, fields):
            self._text(HTTPStatus.FORBIDDEN, "kg serve is read-only: SPARQL Update is refused")
            return
        if self.command == "POST" and content_type == "application/sparql-query":
            sparql = body.decode("utf-8")
        elif "query" in fields:
            sparql = fields["query"][0]
        else:
            self._text(HTTPStatus.BAD_REQUEST, "give a query: ?query=… (GET), a form field query (POST) or an application/sparql-query body")
            return
        accept = self._accept(fields)
        if not accept:
            self._text(HTTPStatus.BAD_REQUEST, f"format must be one of {', '.join(FORMATS)}")
            return
        self._backend(with_prefixes(sparql, PREFIXES), accept)

    def _named(self, name: str, fields: dict) -> str | None:
        """The SPARQL of a named query with its parameters bound, or ``None`` after an error answer."""
        query = self.server.queries.get(name)
        if query is None:
            self._text(HTTPStatus.NOT_FOUND, f"no named query {name!r}; see /queries")
            return None
        params = {k: v[0] for k, v in fields.items() if k != "format" and v and v[0] != ""}
        try:
            bound = substitutions(params, query)
        except QueryError as error:
            self._text(HTTPStatus.BAD_REQUEST, str(error))
            return None
        return with_values(with_prefixes(query.text, PREFIXES), bound)

    def _page(self) -> None:
        template = resources.files("kg.serve").joinpath("page.html").read_text(encoding="utf-8")
        queries = [
            {"name": q.name, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "kind": p.kind, "help": p.help} for p in q.params]}
            for q in self.server.queries.values()
        ]
        page = (template.replace("{{title}}", html.escape(self.server.title))
                .replace("{{queries}}", json.dumps(queries).replace("</", "<\\/"))
                .replace("{{prefixes}}", json.dumps(PREFIXES)))
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _graph(self, fields: dict) -> None:
        if "name" in fields:
            named = {k: v for k, v in fields.items() if k != "name"}
            sparql = self._named(fields["name"][0], named)
            if sparql is None:
                return
            extra = {v[0] for k, v in named.items() if v and v[0] and k != "format"}
        elif "query" in fields:
            sparql, extra = with_prefixes(fields["query"][0], PREFIXES), set()
        else:
            self._text(HTTPStatus.BAD_REQUEST, "give ?query=… or ?name=NAME&param=value")
            return
        try:
            kind, body = self._query_backend(sparql)
            entities = _entities(kind, body) | {_IRR + v for v in extra if v.replace("-", "").isalnum()}
            graph = self._subgraph(sorted(entities)[:VIEW_ENTITIES])
        except urllib.error.HTTPError as error:
            self._send(error.code, error.read(), error.headers.get("Content-Type", "text/plain"))
            return
        except (urllib.error.URLError, OSError, ValueError) as error:
            self._text(HTTPStatus.BAD_GATEWAY, f"cannot make the view: {error}")
            return
        try:
            from kg.viz import to_html
        except ImportError:  # pragma: no cover - kg.viz ships with ir-kg
            # TODO(kg.viz): a view without pyvis; until then, say what is missing.
            self._text(HTTPStatus.NOT_IMPLEMENTED, "the graph view needs kg.viz (pyvis)")
            return
        page = to_html(graph, title=f"ir-kg: {len(graph.nodes)} entities, {len(graph)} edges")
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _subgraph(self, entities: list[str]):
        """The KnowledgeGraph of the statements among ``entities`` (touching it, for one entity)."""
        from kg.rdf.store import load_graph

        store = ox.Store()
        if entities:
            values = " ".join(f"<{iri}>" for iri in entities)
            among = "FILTER (?s IN ({v}) && ?o IN ({v}))".format(v=", ".join(f"<{iri}>" for iri in entities))
            if len(entities) == 1:
                among = f"FILTER (?s = <{entities[0]}> || ?o = <{entities[0]}>)"
            statements = f"""CONSTRUCT {{ ?st ?p ?v }} WHERE {{
              {{ SELECT ?st WHERE {{ ?st a ir:Statement ; rdf:subject ?s ; rdf:object ?o . {among} }} LIMIT {VIEW_STATEMENTS} }}
              ?st ?p ?v }}"""
            kind, body = self._query_backend(with_prefixes(statements, PREFIXES))
            store.load(body, ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.N_TRIPLES)
            ends = {t.object.value for t in store.quads_for_pattern(None, None, None)
                    if t.predicate.value in (PREFIXES["rdf"] + "subject", PREFIXES["rdf"] + "object")}
            described = " ".join(f"<{iri}>" for iri in sorted(ends | set(entities)))
            documents = f"""CONSTRUCT {{ ?x ?p ?v }} WHERE {{
              {{ VALUES ?x {{ {described} }} }} UNION {{ VALUES ?e {{ {values} }} ?st prov:wasDerivedFrom ?x ;
                 rdf:subject|rdf:object ?e }}
              ?x ?p ?v }}"""
            kind, body = self._query_backend(with_prefixes(documents, PREFIXES))
            store.load(body, ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.N_TRIPLES)
        return load_graph(store)


def _entities(kind: str, body: bytes) -> set[str]:
    """The ``irr:`` IRIs in a query answer (SELECT/ASK JSON results or an RDF graph)."""
    found: set[str] = set()
    if kind in ("application/sparql-results+json", "application/json"):
        for row in json.loads(body.decode("utf-8")).get("results", {}).get("bindings", []):
            found.update(term["value"] for term in row.values() if term.get("type") == "uri" and term["value"].startswith(_IRR))
        return found
    rdf_format = ox.RdfFormat.from_media_type(kind)
    if rdf_format is None:
        raise ValueError(f"unexpected answer of type {kind}")
    for quad in ox.parse(body, rdf_format):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_IRR):
                found.add(term.value)
    return found
