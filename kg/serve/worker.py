"""The SPARQL process behind ``kg serve``: pyoxigraph on the store, read-only, on a private Unix socket.

``python -m kg.serve.worker STORE SOCKET`` reads one line from its standard
input, the per-run key, and answers the SPARQL 1.1 Protocol's queries
(``GET /query?query=…``, ``POST /query`` as a form) on the Unix socket
``SOCKET``, which :class:`kg.serve.backend.OxigraphProcess` makes in a folder
only its user can open. A request without the header
``X-KG-Backend-Key: KEY`` gets 403: the key is given on a pipe, never on the
command line or in the environment, so nothing but the ``kg serve`` that
started this process can query it (no TCP port, no way past the front's
token, Host check, ``SERVICE`` refusal and limits). When that pipe closes
(``kg serve`` ended, even by SIGKILL) this process exits.

The store is opened with :meth:`pyoxigraph.Store.read_only`, a consistent
snapshot; :class:`Snapshot` opens it again once its files have changed (a
build added a batch), so answers move forward with the store, and a query
that meets files a build has compacted away (RocksDB's ``Corruption: … No
such file``) is run again on a fresh snapshot. Answers are built whole, up to
``--max-bytes`` (507 beyond), and sent with their length. Threads get a large
stack (:data:`STACK_BYTES`): Oxigraph's parser and evaluator recurse.
"""

from __future__ import annotations

import argparse
import hmac
import itertools
import logging
import os
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pyoxigraph as ox

__all__ = ["KEY_HEADER", "PATIENCE", "STACK_BYTES", "Snapshot", "WorkerServer", "main"]

log = logging.getLogger(__name__)

#: The header that carries the per-run key.
KEY_HEADER = "X-KG-Backend-Key"
#: Stack of each request thread: Oxigraph recurses once per level of nesting of a query.
STACK_BYTES = 64 * 1024 * 1024
#: Seconds between two looks at the store's files (a snapshot is at most this much behind).
CHECK_EVERY = 0.2
#: Seconds a query is tried again on fresh snapshots while the store's files change under it.
PATIENCE = 10.0
_RESULTS = "application/sparql-results+json"
_GRAPH = "application/n-triples"


class Snapshot:
    """The store folder ``location`` opened read-only, opened again when its files change."""

    def __init__(self, location: str | Path):
        self.location = str(location)
        self.opened = 0
        self._lock = threading.Lock()
        self._store: ox.Store | None = None
        self._signature: tuple | None = None
        self._checked = 0.0

    def _files(self) -> tuple:
        """What changes when a writer commits: CURRENT, the MANIFEST and the write-ahead logs (names, sizes)."""
        found = []
        with os.scandir(self.location) as entries:
            for entry in entries:
                if entry.name == "CURRENT" or entry.name.startswith("MANIFEST-") or entry.name.endswith(".log"):
                    if entry.name.startswith("LOG"):
                        continue
                    try:
                        info = entry.stat()
                    except FileNotFoundError:
                        continue
                    found.append((entry.name, info.st_size, info.st_mtime_ns))
        return tuple(sorted(found))

    def store(self, fresh: bool = False) -> ox.Store:
        """The newest snapshot (a new one when ``fresh`` or when the files changed since the last look)."""
        with self._lock:
            now = time.monotonic()
            if fresh or self._store is None or now - self._checked >= CHECK_EVERY:
                signature = self._files()
                self._checked = now
                if fresh or self._store is None or signature != self._signature:
                    self._store = ox.Store.read_only(self.location)
                    self._signature = signature
                    self.opened += 1
            return self._store


class _TooLarge(Exception):
    pass


class _Capped:
    """A binary sink for pyoxigraph's serialisers that refuses more than ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit, self.size, self.chunks = limit, 0, []

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _choose(accept: str, kind: str) -> tuple[str, object] | None:
    """The media type and pyoxigraph format to answer with, from ``Accept`` (q-values honoured), for a
    ``results`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE) answer; ``None`` when none fits."""
    default = _RESULTS if kind == "results" else _GRAPH
    wanted = []
    for position, item in enumerate((accept or "*/*").split(",")):
        media, *params = [part.strip() for part in item.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            wanted.append((-q, position, media.lower()))
    for _, _, media in sorted(wanted):
        if media in ("*/*", "application/*", "text/*"):
            media = default
        if kind == "results":
            found = ox.QueryResultsFormat.from_media_type(media)
        else:
            found = ox.RdfFormat.from_media_type(media)
        if found is not None:
            return media, found
    return None


def _is_store_change(error: Exception) -> bool:
    """An error of a snapshot whose files a writer has compacted or replaced (or of opening one meanwhile)."""
    text = str(error)
    return isinstance(error, OSError) or any(sign in text for sign in ("No such file", "Corruption", "may be corrupted"))


class WorkerServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Threads answering SPARQL queries on a Unix socket, for the holder of ``key`` only."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, path: str, location: str, key: str, max_bytes: int):
        self.snapshot = Snapshot(location)
        self.key = key.encode()
        self.max_bytes = max_bytes
        super().__init__(path, _Handler)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("the client went away: %s", error)
            return
        log.exception("error while answering a query")

    def answer(self, sparql: str, accept: str) -> tuple[int, str, bytes]:
        """Status, media type and body of the answer to ``sparql``."""
        started = time.monotonic()
        for attempt in itertools.count():
            try:
                result = self.snapshot.store(fresh=attempt > 0).query(sparql)
                if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                    chosen = _choose(accept, "results")
                else:
                    chosen = _choose(accept, "graph")
                if chosen is None:
                    return HTTPStatus.NOT_ACCEPTABLE, "text/plain", b"no answer format fits the Accept header"
                media, result_format = chosen
                sink = _Capped(self.max_bytes)
                result.serialize(sink, result_format)
                return HTTPStatus.OK, media, b"".join(sink.chunks)
            except SyntaxError as error:
                return HTTPStatus.BAD_REQUEST, "text/plain", str(error).encode("utf-8", errors="replace")
            except _TooLarge:
                return HTTPStatus.INSUFFICIENT_STORAGE, "text/plain", f"result larger than {self.max_bytes} bytes".encode()
            except (OSError, RuntimeError) as error:
                if time.monotonic() - started < PATIENCE and _is_store_change(error):
                    log.info("the store changed under a query (%s); on a fresh snapshot again", error)
                    time.sleep(min(0.02 * 2 ** attempt, 0.5))
                    continue
                return HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", str(error).encode("utf-8", errors="replace")
        raise AssertionError("unreachable")


class _Handler(BaseHTTPRequestHandler):
    server: WorkerServer
    protocol_version = "HTTP/1.0"

    def address_string(self) -> str:
        return "kg-serve"

    def log_message(self, format: str, *args) -> None:
        log.debug(format, *args)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _query(self, fields: dict) -> None:
        given = (self.headers.get(KEY_HEADER) or "").encode()
        if not hmac.compare_digest(given, self.server.key):
            self._send(HTTPStatus.FORBIDDEN, "text/plain", b"this endpoint answers kg serve only")
            return
        if urllib.parse.urlsplit(self.path).path != "/query":
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")
            return
        if "query" not in fields:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain", b"no query")
            return
        status, media, body = self.server.answer(fields["query"][0], self.headers.get("Accept", ""))
        self._send(status, media, body)

    def do_GET(self) -> None:
        self._query(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._send(HTTPStatus.LENGTH_REQUIRED, "text/plain", b"a POST needs a Content-Length")
            return
        body = self.rfile.read(int(length))
        try:
            fields = urllib.parse.parse_qs(body.decode("utf-8"))
        except UnicodeDecodeError:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain", b"the form is not UTF-8")
            return
        self._query(fields)


def _exit_with_parent() -> None:
    """Wait for the end of standard input (the parent closed its pipe, or died), then end this process."""
    try:
        while sys.stdin.buffer.read(65536):
            pass
    finally:
        os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kg.serve.worker", description=__doc__.splitlines()[0])
    parser.add_argument("location", help="the store folder (opened read-only)")
    parser.add_argument("socket", help="the Unix socket to answer on")
    parser.add_argument("--max-bytes", type=int, default=64 * 1024 * 1024, help="largest answer")
    options = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("KG_LOG", "WARNING"), format="kg serve worker: %(message)s")
    key = sys.stdin.buffer.readline().strip().decode()
    if not key:
        parser.error("the key was not given on standard input")
    threading.stack_size(STACK_BYTES)
    try:
        os.unlink(options.socket)
    except FileNotFoundError:
        pass
    old = os.umask(0o077)
    try:
        server = WorkerServer(options.socket, options.location, key, options.max_bytes)
    finally:
        os.umask(old)
    server.snapshot.store()  # fail now, with a message, on a folder that is not a store
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; kg serve stops this process itself
        pass


if __name__ == "__main__":
    try:
        main()
    except (OSError, RuntimeError) as error:
        print(f"kg serve worker: {error}", file=sys.stderr)
        sys.exit(1)
