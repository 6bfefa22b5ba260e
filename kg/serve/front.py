"""The front server of ``kg serve``: a query page, named queries, the graph view, ``/sparql`` proxied.

Routes:

========================= ==============================================================
``GET /``                 the query page (no CDN: works offline); ``/?token=TOKEN`` sets
                          the token's cookie and redirects to ``/``
``GET|POST /sparql``      SPARQL 1.1 Protocol queries, passed to the SPARQL process
                          (:mod:`kg.serve.worker`, Oxigraph through pyoxigraph); ir-kg prefixes
                          pre-bound; results by content negotiation (``Accept``) or
                          ``format=json|csv|tsv|xml``; updates and ``SERVICE`` refused (403)
``GET /queries``          the named queries as JSON (name, description, parameters, text)
``GET /named/NAME``       a named query, parameters as ``?state=ARM`` (as ``kg query --param``)
``GET /graph``            the pyvis view (:func:`kg.viz.to_html`) of a result's entities:
                          ``?query=…`` or ``?name=NAME&…``
========================= ==============================================================

Any other method (PUT, DELETE, PATCH: the Graph Store protocol's writes) is
answered 405.

Limits (:class:`ServeSettings`), the same on every route that queries:

- a query nesting deeper than :data:`kg.serve.policy.MAX_NESTING` brackets gets 400
  (:func:`kg.serve.policy.nesting_refusal`: Oxigraph recurses a level a bracket and
  a stack overflow ends its process); every query goes through
  :func:`kg.serve.policy.refusal` (403);
- at most ``max_concurrent`` queries at once go to the SPARQL process; a request waits
  ``queue_timeout`` seconds for a turn, then gets 503;
- a query still running ``deadline`` seconds after it was sent (``timeout`` +
  10%, at least + 2 s; pyoxigraph has no timeout of its own) gets 504 and the
  SPARQL process is restarted, which ends it — queries cut off by the restart
  are sent again once; a process that dies is restarted by its watcher, always;
- an answer is buffered up to ``max_result_bytes`` and sent with its
  Content-Length; a larger one gets 507 and nothing of it;
- a POST body over ``max_request_bytes`` gets 413 unread; without a
  Content-Length, 411; the request line is limited by :mod:`http.server`
  (64 KiB: 414); the whole request (line, headers, body) must arrive within
  ``client_timeout`` s of the connection, however it trickles in, or the
  connection is closed; a client that hangs up is a debug line, not a traceback;
- at most ``max_connections`` connections are open; when all are, the one that
  has been sending its request longest (over ``evict_after`` s) is closed for
  the newcomer, and only when none is does the newcomer get 503;
- with a ``token``, every request needs ``Authorization: Bearer TOKEN`` or
  the cookie that ``/?token=TOKEN`` sets (HttpOnly, SameSite=Strict), else 401.
  Without a token, only loopback addresses may be bound.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import http.client
import io
import json
import logging
import re
import socket
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import NamedTuple

import pyoxigraph as ox

from kg.rdf.convert import PREFIXES
from kg.rdf.query import QueryError, explain_syntax_error, named_queries, substitutions
from kg.rdf.remote import with_prefixes, with_values
from kg.serve.policy import ServeSettings, check_host, is_loopback, loopback_name, nesting_refusal, refusal, refuses_update

__all__ = ["FORMATS", "Answer", "FrontServer", "Refused", "ServeSettings", "check_host", "is_loopback", "refuses_update"]

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
#: What Oxigraph writes into an answer it has begun (status 200) when its timeout stops the query.
_CANCELLED = b"The SPARQL operation has been cancelled"
_COOKIE = "kg_serve"
_MB = 1024 * 1024


def _redact(text: str) -> str:
    """``text`` (a log line) without the value of a ``token=`` parameter.

    >>> _redact('"GET /?token=s3cret&x=1 HTTP/1.1" 303 -')
    '"GET /?token=*** HTTP/1.1" 303 -'
    """
    return re.sub(r"(?i)(token=)[^\s\"]*", r"\1***", text)


def _size(count: int) -> str:
    """
    >>> _size(64 * 1024 * 1024), _size(1536 * 1024), _size(400)
    ('64 MB', '1.5 MB', '400 bytes')
    """
    return f"{count / _MB:.4g} MB" if count >= _MB else f"{count:,} bytes"


class Refused(Exception):
    """An answer the front server gives instead of Oxigraph's."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = int(status), message, headers or {}


class _Overrun(Exception):
    """The backend has not finished a query by its deadline."""


class Answer(NamedTuple):
    """Oxigraph's answer, whole."""

    status: int
    content_type: str
    body: bytes


class FrontServer(ThreadingHTTPServer):
    """A threading HTTP server in front of an Oxigraph query endpoint.

    ``backend`` is the endpoint's URL, or an :class:`~kg.serve.backend.OxigraphProcess`
    (then a query that outlives its deadline restarts it).
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, backend, *, title: str = "ir-kg", settings: ServeSettings | None = None) -> None:
        self.settings = settings or ServeSettings()
        check_host(host, self.settings.token)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.backend = None if isinstance(backend, str) else backend
        self.backend_url = backend if isinstance(backend, str) else backend.url
        parts = urllib.parse.urlsplit(self.backend_url)
        self._backend_address = (parts.hostname, parts.port or 80, parts.path or "/")
        if self.backend is not None:  # kg.serve.backend.OxigraphProcess: its Unix socket, its key
            self._backend_address = (None, None, "/query")
        self.title = title
        self.queries = named_queries()
        self.loopback_only = is_loopback(host)
        self.connections = threading.BoundedSemaphore(self.settings.max_connections)
        #: Connections whose request has not all arrived yet, by socket: when they were accepted.
        self.waiting: dict = {}
        self._waiting_lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(self.settings.max_concurrent)
        self.in_flight = 0
        self._count_lock = threading.Lock()
        token = self.settings.token
        self.cookie_value = hmac.new(token.encode(), b"kg serve cookie", hashlib.sha256).hexdigest() if token else None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def _evict_slowest(self) -> bool:
        """Close the connection that has waited longest (over ``evict_after`` s) for the rest of its request."""
        with self._waiting_lock:
            now = time.monotonic()
            slow = [(since, sock) for sock, since in self.waiting.items() if now - since > self.settings.evict_after]
            if not slow:
                return False
            _, victim = min(slow, key=lambda item: item[0])
            del self.waiting[victim]
        log.info("all %d connections taken: closing one still sending its request", self.settings.max_connections)
        try:
            victim.shutdown(socket.SHUT_RDWR)  # its thread reads the end of the stream and lets go of its slot
        except OSError:
            pass
        return True

    def request_in(self, request) -> None:
        """The request on this connection has all arrived: it is no longer one to close for a newcomer."""
        with self._waiting_lock:
            self.waiting.pop(request, None)

    def process_request(self, request, client_address) -> None:
        """A thread for the connection, unless ``max_connections`` are open already: then the connection
        slowest to send its request makes room (slow-header clients cannot hold them all), else 503 and close."""
        admitted = self.connections.acquire(blocking=False)
        if not admitted and self._evict_slowest():
            admitted = self.connections.acquire(timeout=1.0)
        if not admitted:
            try:
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Connection: close\r\n\r\nkg serve: too many open connections; try again\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._waiting_lock:
            self.waiting[request] = time.monotonic()
        super().process_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        """A client that hung up or timed out is one short line at debug level; anything else is logged whole."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("%s: the client went away (%s)", client_address[0] if client_address else "?", type(error).__name__)
            return
        log.exception("error while answering %s", client_address[0] if client_address else "?")

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.request_in(request)
            self.connections.release()

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests, embedding); :meth:`shutdown` stops it."""
        thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        thread.start()
        return thread

    # -- queries to Oxigraph ------------------------------------------------------------

    @contextmanager
    def _counted(self):
        with self._count_lock:
            self.in_flight += 1
        try:
            yield
        finally:
            with self._count_lock:
                self.in_flight -= 1

    def ask(self, sparql: str, accept: str) -> Answer:
        """Oxigraph's whole answer to ``sparql``, within the limits; :class:`Refused` otherwise."""
        too_deep = nesting_refusal(sparql)
        if too_deep:
            raise Refused(HTTPStatus.BAD_REQUEST, too_deep)
        reason = refusal(sparql)
        if reason:
            raise Refused(HTTPStatus.FORBIDDEN, reason)
        settings = self.settings
        if not self.slots.acquire(timeout=settings.queue_timeout):
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE,
                          f"kg serve is busy ({settings.max_concurrent} queries running); try again",
                          {"Retry-After": "1"})
        try:
            with self._counted():
                return self._fetch(sparql, accept)
        finally:
            self.slots.release()

    def _generation(self) -> int:
        return self.backend.generation if self.backend is not None else 0

    def _fetch(self, sparql: str, accept: str) -> Answer:
        settings = self.settings
        deadline = time.monotonic() + settings.deadline
        for attempt in (0, 1):
            generation = self._generation()
            try:
                return self._fetch_once(sparql, accept, deadline)
            except _Overrun:
                restarted = self._restart(generation)
                raise Refused(HTTPStatus.GATEWAY_TIMEOUT,
                              f"the query ran longer than the {settings.timeout} s timeout and was stopped"
                              f"{' (the SPARQL server was restarted)' if restarted else ''}; "
                              "make it more selective or add LIMIT") from None
            except (OSError, http.client.HTTPException) as error:
                backend = self.backend
                if attempt == 0 and backend is not None and (backend.restarting or backend.generation != generation):
                    backend.wait_ready()  # cut off by a restart: sent again once
                    continue
                raise Refused(HTTPStatus.BAD_GATEWAY, f"the SPARQL server does not answer: {error}") from None
        raise AssertionError("unreachable")

    def _fetch_once(self, sparql: str, accept: str, deadline: float) -> Answer:
        host, port, path = self._backend_address
        limit = self.settings.max_result_bytes
        timeout = max(0.1, deadline - time.monotonic())
        if self.backend is not None:
            connection, headers = self.backend.connection(timeout), self.backend.headers
        else:
            connection, headers = http.client.HTTPConnection(host, port, timeout=timeout), {}
        try:
            connection.connect()
            sock = connection.sock  # kept: http.client lets go of it once the answer says "close"
            connection.request("POST", path, urllib.parse.urlencode({"query": sparql}).encode("utf-8"), {
                **headers, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept,
                "Connection": "close",
            })
            response = connection.getresponse()
            chunks, size = [], 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Overrun
                sock.settimeout(left)
                chunk = response.read1(1 << 16)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise Refused(HTTPStatus.INSUFFICIENT_STORAGE,
                                  f"result larger than {_size(limit)}; add LIMIT (or raise --max-result-mb)")
                chunks.append(chunk)
        except TimeoutError:
            raise _Overrun from None
        finally:
            connection.close()
        body = b"".join(chunks)
        if response.status == HTTPStatus.INSUFFICIENT_STORAGE:  # the SPARQL process stopped at the same limit
            raise Refused(HTTPStatus.INSUFFICIENT_STORAGE,
                          f"result larger than {_size(limit)}; add LIMIT (or raise --max-result-mb)")
        if response.status == HTTPStatus.OK and body.endswith(_CANCELLED):
            raise Refused(HTTPStatus.GATEWAY_TIMEOUT,
                          f"the query was stopped after the {self.settings.timeout} s timeout; "
                          "make it more selective or add LIMIT")
        return Answer(response.status, response.getheader("Content-Type", "application/octet-stream"), body)

    def _restart(self, generation: int) -> bool:
        if self.backend is None:
            return False
        log.warning("a query outlived its %g s deadline; restarting oxigraph to stop it", self.settings.deadline)
        try:
            return self.backend.restart(generation)
        except Exception as error:  # a failed restart is logged; the watcher tries again
            log.error("oxigraph could not be restarted: %s", error)
            return False


class _DeadlineReader(io.RawIOBase):
    """The client's socket, read within the handler's ``request_deadline`` (then ``TimeoutError``)."""

    def __init__(self, handler: "_Handler"):
        self.handler, self.sock = handler, handler.connection

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        deadline = self.handler.request_deadline
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.sock.settimeout(min(left, self.handler.timeout))
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    server: FrontServer
    server_version = "kg-serve"

    def setup(self) -> None:
        # A slow client does not hold a thread for ever: each read waits client_timeout at most, and the
        # whole request (line, headers, body) must have arrived client_timeout seconds after the connection:
        # a client trickling a header line a second is cut off as surely as an idle one.
        self.timeout = timeout = self.server.settings.client_timeout
        self.request_deadline = time.monotonic() + timeout
        super().setup()
        self.rfile.close()  # the socket's own reader: replaced by one that keeps the deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self), self.rbufsize if self.rbufsize > 0 else io.DEFAULT_BUFFER_SIZE)

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", self.address_string(), _redact(format % args))

    # -- plumbing -------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _declared_length(self) -> int:
        declared = (self.headers.get("Content-Length") or "").strip()
        return int(declared) if declared.isdigit() else 0

    def _refuse_body(self, status: int, message: str, headers: dict | None = None) -> None:
        """Answer without reading the request's body, then close the connection gracefully."""
        self.close_connection = True
        self._text(status, message, {**(headers or {}), "Connection": "close"})
        length = self._declared_length()
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            # Discard (never keep) what the client still sends, for at most 2 s: closing with
            # unread data would reset the connection before the client reads the answer.
            self.connection.settimeout(1.0)
            left, until = min(length, 256 * _MB) or (1 << 16), time.monotonic() + 2
            while left > 0 and time.monotonic() < until and (data := self.connection.recv(min(left, 1 << 16))):
                left -= len(data)
        except OSError:
            pass

    def _fields(self) -> tuple[str, dict]:
        """The path and the query string's fields."""
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

    def _authorised(self, path: str, fields: dict) -> bool:
        """Whether the request may go on: a loopback name in ``Host`` when serving on loopback
        (DNS rebinding), and the token when one is set (answered here when not, or when it sets the cookie)."""
        if self.server.loopback_only and not loopback_name(self.headers.get("Host")):
            message = "kg serve answers requests for this machine only (Host must be localhost or a loopback address)"
            if self.command in ("GET", "HEAD"):
                self._text(HTTPStatus.FORBIDDEN, message)
            else:
                self._refuse_body(HTTPStatus.FORBIDDEN, message)
            return False
        token = self.server.settings.token
        if not token:
            return True
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", "")).get(_COOKIE)
        except CookieError:
            cookie = None
        if cookie is not None and hmac.compare_digest(cookie.value.encode(), self.server.cookie_value.encode()):
            return True
        given = (fields.get("token") or [""])[0]
        if self.command in ("GET", "HEAD") and path in ("/", "/index.html") and given and \
                hmac.compare_digest(given.encode(), token.encode()):
            cookie = f"{_COOKIE}={self.server.cookie_value}; HttpOnly; SameSite=Strict; Path=/"
            self._text(HTTPStatus.SEE_OTHER, "token accepted", {"Location": "/", "Set-Cookie": cookie, "Cache-Control": "no-store"})
            return False
        message = "kg serve needs its token: send 'Authorization: Bearer TOKEN' (or open /?token=TOKEN once in a browser)"
        headers = {"WWW-Authenticate": 'Bearer realm="kg serve"'}
        if self.command in ("GET", "HEAD"):
            self._text(HTTPStatus.UNAUTHORIZED, message, headers)
        else:
            self._refuse_body(HTTPStatus.UNAUTHORIZED, message, headers)
        return False

    # -- methods --------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path, fields = self._fields()
        if self._authorised(path, fields):
            self._route(path, fields, "", b"")

    def do_POST(self) -> None:
        path, fields = self._fields()
        if not self._authorised(path, fields):
            return
        if self.headers.get("Transfer-Encoding"):
            self._refuse_body(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length (no chunked encoding)")
            return
        declared = self.headers.get("Content-Length")
        if declared is None:
            self._refuse_body(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
            return
        if not declared.strip().isdigit():
            self._refuse_body(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
            return
        length, limit = int(declared), self.server.settings.max_request_bytes
        if length > limit:
            self._refuse_body(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                              f"request body larger than {limit / 1024:g} KB (--max-request-kb)")
            return
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            return  # the client went away (or timed out) before sending it all
        content_type = self.headers.get_content_type()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                self._text(HTTPStatus.BAD_REQUEST, "the form is not UTF-8")
                return
            for key, values in form.items():
                fields.setdefault(key, []).extend(values)
        self._route(path, fields, content_type, body)

    def _refuse_method(self) -> None:
        path, fields = self._fields()
        if self._authorised(path, fields):
            self._refuse_body(HTTPStatus.METHOD_NOT_ALLOWED, "kg serve is read-only", {"Allow": "GET, POST, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _route(self, path: str, fields: dict, content_type: str, body: bytes) -> None:
        self.request_deadline = None  # the request is in
        self.server.request_in(self.request)
        try:
            if path == "/sparql":
                self._sparql(fields, content_type, body)
            elif path in ("/", "/index.html"):
                self._page()
            elif path == "/queries":
                self._send(HTTPStatus.OK, json.dumps(self._query_list(), indent=1).encode("utf-8"), "application/json")
            elif path.startswith("/named/"):
                self._reply(self.server.ask(self._named(path.removeprefix("/named/"), fields), self._accept(fields)))
            elif path == "/graph":
                self._graph(fields)
            else:
                self._text(HTTPStatus.NOT_FOUND, f"no such page: {path}")
        except Refused as refused:
            self._text(refused.status, refused.message, refused.headers)

    def _reply(self, answer: Answer) -> None:
        self._send(answer.status, answer.body, answer.content_type)

    # -- routes -----------------------------------------------------------------

    def _sparql(self, fields: dict, content_type: str, body: bytes) -> None:
        if refuses_update(self.command, content_type, fields):
            raise Refused(HTTPStatus.FORBIDDEN, "kg serve is read-only: SPARQL Update is refused")
        if self.command == "POST" and content_type == "application/sparql-query":
            try:
                sparql = body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(HTTPStatus.BAD_REQUEST, "the query is not UTF-8") from None
        elif "query" in fields:
            sparql = fields["query"][0]
        else:
            raise Refused(HTTPStatus.BAD_REQUEST,
                          "give a query: ?query=… (GET), a form field query (POST) or an application/sparql-query body")
        accept = self._accept(fields)
        if not accept:
            raise Refused(HTTPStatus.BAD_REQUEST, f"format must be one of {', '.join(FORMATS)}")
        sent = with_prefixes(sparql, PREFIXES)
        self._reply(_explained(self.server.ask(sent, accept), sparql, sent))

    def _named(self, name: str, fields: dict) -> str:
        """The SPARQL of a named query with its parameters bound."""
        query = self.server.queries.get(name)
        if query is None:
            raise Refused(HTTPStatus.NOT_FOUND, f"no named query {name!r}; see /queries")
        params = {k: v[0] for k, v in fields.items() if k != "format" and v and v[0] != ""}
        try:
            bound = substitutions(params, query)
        except QueryError as error:
            raise Refused(HTTPStatus.BAD_REQUEST, str(error)) from None
        return with_values(with_prefixes(query.text, PREFIXES), bound)

    def _query_list(self) -> list[dict]:
        return [
            {"name": q.name, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "kind": p.kind, "help": p.help} for p in q.params]}
            for q in self.server.queries.values()
        ]

    def _page(self) -> None:
        template = resources.files("kg.serve").joinpath("page.html").read_text(encoding="utf-8")
        page = (template.replace("{{title}}", html.escape(self.server.title))
                .replace("{{queries}}", json.dumps(self._query_list()).replace("</", "<\\/"))
                .replace("{{prefixes}}", json.dumps(PREFIXES)))
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _query_backend(self, sparql: str, user: str | None = None) -> tuple[str, bytes]:
        """The media type and body of Oxigraph's answer; :class:`Refused` unless it is 200.

        ``user``: the query as the user wrote it (``sparql`` has the prefixes in front), for a syntax error.
        """
        answer = self.server.ask(sparql, _DEFAULT_ACCEPT)
        if user is not None:
            answer = _explained(answer, user, sparql)
        if answer.status != HTTPStatus.OK:
            raise Refused(answer.status, answer.body.decode("utf-8", errors="replace"))
        return answer.content_type.split(";")[0].strip(), answer.body

    def _graph(self, fields: dict) -> None:
        if "name" in fields:
            named = {k: v for k, v in fields.items() if k != "name"}
            sparql = self._named(fields["name"][0], named)
            extra = {v[0] for k, v in named.items() if v and v[0] and k != "format"}
        elif "query" in fields:
            user, extra = fields["query"][0], set()
            sparql = with_prefixes(user, PREFIXES)
        else:
            raise Refused(HTTPStatus.BAD_REQUEST, "give ?query=… or ?name=NAME&param=value")
        try:
            kind, body = self._query_backend(sparql, user if "name" not in fields else None)
            entities = _entities(kind, body) | {_IRR + v for v in extra if v.replace("-", "").isalnum()}
            graph = self._subgraph(sorted(entities)[:VIEW_ENTITIES])
        except (OSError, ValueError) as error:
            raise Refused(HTTPStatus.BAD_GATEWAY, f"cannot make the view: {error}") from None
        try:
            from kg.viz import to_html
        except ImportError:  # pragma: no cover - kg.viz ships with ir-kg
            # TODO(kg.viz): a view without pyvis; until then, say what is missing.
            raise Refused(HTTPStatus.NOT_IMPLEMENTED, "the graph view needs kg.viz (pyvis)") from None
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


def _explained(answer: Answer, text: str, sent: str) -> Answer:
    """Oxigraph's syntax error as one line about the user's ``text``; ``sent`` is ``text`` with PREFIX lines in front.

    >>> error = Answer(400, "text/plain", b"error at 3:21: expected one of Prefix not found, [':']")
    >>> _explained(error, "SELECT * { ?x foo:x ?y }", "PREFIX a: <x:a>\\nPREFIX b: <x:b>\\nSELECT * { ?x foo:x ?y }").body.decode()[:48]
    'SPARQL syntax error at 1:21: unknown prefix foo:'
    """
    if answer.status != HTTPStatus.BAD_REQUEST or not answer.body.startswith(b"error at "):
        return answer
    shift = sent.count("\n") - text.count("\n")
    message = explain_syntax_error(answer.body.decode("utf-8", errors="replace"), text, shift)
    return answer._replace(content_type="text/plain; charset=utf-8", body=message.encode("utf-8"))


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
