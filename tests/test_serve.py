"""kg serve: a read-only SPARQL endpoint on loopback, Oxigraph behind, started and stopped by the tests."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import pyoxigraph as ox
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.rdf.query import NamedQuery
from kg.rdf.store import open_store, triple_count, write_graph
from kg.serve import FrontServer, ServeSettings, check_host, serve
from kg.serve.backend import free_port, oxigraph_binary
from kg.serve.load import bench_serve, load_test

ALLIES = "SELECT ?ally WHERE { irr:ARM ir:allyOf ?ally } ORDER BY ?ally"


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory) -> Path:
    try:
        oxigraph_binary()
    except RuntimeError:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("serve") / "store"
    store = open_store(folder)
    write_graph(store, KnowledgeGraph.from_rows([
        ("d1", "2020-10-08", "ARM", "allyOf", "RUS"),
        ("d1", "2020-10-08", "ARM", "conflictWith", "AZE"),
        ("d2", "2020-10-09", "TUR", "supports", "AZE"),
        ("d2", "2020-10-09", "ARM", "allyOf", "FRA", "claimed"),
    ]))
    del store
    return folder


@pytest.fixture(scope="module")
def served(store_folder):
    with serve(store_folder, port=0) as running:
        yield running


def _get(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get_content_type(), response.read()


def _post(url: str, body: bytes, content_type: str, accept: str = "application/sparql-results+json"):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_select_answers_json_over_http(served):
    query = urllib.parse.urlencode({"query": ALLIES})
    status, kind, body = _get(f"{served.url}sparql?{query}", "application/sparql-results+json")
    assert (status, kind) == (200, "application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["ally"]
    assert [row["ally"] for row in data["results"]["bindings"]] == [
        {"type": "uri", "value": "https://ir-kg.org/resource/RUS"}  # FRA is only claimed: no direct triple
    ]
    assert served.front.server_address[0] == "127.0.0.1" and served.backend.url.startswith("http+unix://")


@pytest.mark.parametrize("accept, format, kind", [
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    (None, "csv", "text/csv"),
])
def test_serve_content_negotiation(served, accept, format, kind):
    fields = {"query": ALLIES, **({"format": format} if format else {})}
    status, got, body = _get(f"{served.url}sparql?{urllib.parse.urlencode(fields)}", accept)
    assert (status, got) == (200, kind)
    assert "https://ir-kg.org/resource/RUS" in body.decode("utf-8")
    if kind == "text/csv":
        assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == [["ally"], ["https://ir-kg.org/resource/RUS"]]


def test_serve_post_query_form_and_body(served):
    status, body = _post(f"{served.url}sparql", urllib.parse.urlencode({"query": ALLIES}).encode(), "application/x-www-form-urlencoded")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1
    status, body = _post(f"{served.url}sparql", b"ASK { irr:TUR ir:supports irr:AZE }", "application/sparql-query")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_serve_refuses_updates_and_leaves_the_store_unchanged(served, store_folder):
    update = "INSERT DATA { <https://ir-kg.org/resource/X> <https://ir-kg.org/ontology#allyOf> <https://ir-kg.org/resource/Y> }"
    assert _post(f"{served.url}sparql", update.encode(), "application/sparql-update")[0] == 403
    assert _post(f"{served.url}sparql", urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded")[0] == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{served.url}sparql?{urllib.parse.urlencode({'update': update})}")
    assert refused.value.code == 403
    put = urllib.request.Request(f"{served.url}sparql", data=b"", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as not_allowed:
        urllib.request.urlopen(put, timeout=10)
    assert not_allowed.value.code == 405
    status, _, body = _get(f"{served.url}sparql?{urllib.parse.urlencode({'query': 'ASK { irr:X ?p ?o }'})}", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


def test_serve_named_query_with_parameter(served):
    status, kind, body = _get(f"{served.url}named/allies-of?state=ARM", "application/sparql-results+json")
    assert status == 200
    values = {term["value"] for row in json.loads(body)["results"]["bindings"] for term in row.values()}
    assert "https://ir-kg.org/resource/RUS" in values and "https://ir-kg.org/resource/FRA" not in values
    with pytest.raises(urllib.error.HTTPError) as unknown:
        _get(f"{served.url}named/no-such-query")
    assert unknown.value.code == 404


def test_serve_page_works_offline_and_lists_the_named_queries(served):
    status, kind, body = _get(served.url)
    page = body.decode("utf-8")
    assert (status, kind) == (200, "text/html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # no CDN, nothing remote
    assert '"name": "allies-of"' in page and '"name": "who-leads"' in page
    listed = json.loads(_get(f"{served.url}queries")[2])
    assert {"allies-of", "claims"} <= {q["name"] for q in listed}


def test_serve_graph_view_of_a_result(served):
    pytest.importorskip("pyvis")
    status, kind, body = _get(f"{served.url}graph?{urllib.parse.urlencode({'query': ALLIES})}")
    assert (status, kind) == (200, "text/html")
    page = body.decode("utf-8")
    assert "Russia" in page and "Armenia" in page and "Turkey" not in page  # ARM from the query, RUS from its answer


def test_serve_non_loopback_needs_a_token(store_folder):
    with pytest.raises(ValueError, match="non-loopback address.*set --token"):
        serve(store_folder, host="0.0.0.0", port=0)
    with pytest.raises(ValueError, match="--token"):
        FrontServer("0.0.0.0", 0, "http://127.0.0.1:1/query")
    check_host("0.0.0.0", "s3cret")  # allowed with a token (not bound here: tests stay on loopback)
    result = CliRunner().invoke(app, ["serve", str(store_folder), "--host", "0.0.0.0", "--port", "0"], env={"KG_SERVE_TOKEN": ""})
    assert result.exit_code == 2 and "set --token" in result.output


def test_serve_cli_starts_answers_and_stops_its_oxigraph(store_folder):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(store_folder), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql?{urllib.parse.urlencode({'query': ALLIES, 'format': 'json'})}"
        for _ in range(300):
            try:
                status, _, body = _get(url)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        assert status == 200 and "resource/RUS" in body.decode()
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 1  # the SPARQL process (python -m kg.serve.worker)
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0
        for _ in range(50):
            if not Path(f"/proc/{children[0]}").exists():
                break
            time.sleep(0.1)
        assert not Path(f"/proc/{children[0]}").exists()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert triple_count(open_store(store_folder, read_only=True)) > 0


# -- hardening: SERVICE, LOAD, timeout, limits, token, load test ------------------------------

EX = "http://example.org/"


@pytest.fixture(scope="module")
def big_store(tmp_path_factory, store_folder) -> Path:
    """50,000 triples: a two-way cross join is 2.5e9 rows, a three-way one far more."""
    folder = tmp_path_factory.mktemp("serve-big") / "store"
    store = ox.Store(str(folder))
    store.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p{i % 7}"), ox.Literal(str(i)))
                      for i in range(50_000))
    store.flush()
    del store
    return folder


@pytest.fixture()
def listener():
    """An HTTP server on loopback that records every request it gets (the would-be remote endpoint)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    heard: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def _answer(self):
            heard.append(self.requestline)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.heard = heard
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield server
    server.shutdown()
    server.server_close()


def _call(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None, timeout: float = 60):
    """Status, headers and body of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _sparql(base: str, query: str, **headers):
    return _call(f"{base}sparql?{urllib.parse.urlencode({'query': query})}",
                 headers={"Accept": "application/sparql-results+json", **headers})


def _raw(url: str, request: bytes, wait: float = 10.0) -> bytes:
    """What the server answers to ``request`` sent as is on a socket (until it closes)."""
    import socket

    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _direct(backend, query: str, headers: dict | None = None):
    """Status and body of ``query`` sent straight to kg serve's SPARQL process, past the front."""
    connection = backend.connection(30)
    try:
        connection.request("POST", "/query", urllib.parse.urlencode({"query": query}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_sparql_process_answers_kg_serve_only(served, listener):
    """Issue 14.9: the SPARQL process has no TCP port, and its Unix socket answers only with the per-run key."""
    import psutil

    query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    child = psutil.Process(served.backend.pid)
    assert child.ppid() == os.getpid()
    assert child.net_connections(kind="inet") == []  # no TCP or UDP socket at all, so no port to find
    command = " ".join(child.cmdline())
    assert served.backend.socket_path in command and served.backend.headers[next(iter(served.backend.headers))] not in command
    assert oct(os.stat(Path(served.backend.socket_path).parent).st_mode & 0o777) == "0o700"  # this user only
    # a process that finds the socket and asks without the key (or with a wrong one) is refused
    for headers in (None, {"X-KG-Backend-Key": "guess"}):
        status, body = _direct(served.backend, query, headers)
        assert status == 403 and body == b"this endpoint answers kg serve only"
    assert listener.heard == []
    # the reason for the front's refusal: with the key, pyoxigraph itself does send SERVICE requests
    _direct(served.backend, query, served.backend.headers)  # (500: it cannot read this listener's answer)
    assert len(listener.heard) == 1 and "/sparql" in listener.heard[0]


@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE<{url}sparql>{{?a ?b ?c}} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ service:sparql {{ ?a ?b ?c }} }}",
    "PREFIX ex: <{url}> SELECT * WHERE {{ SERVICEex:sparql {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'x> ') SERVICE <{url}sparql> {{ ?a ?b ?c FILTER(?a != '') }} }}",
    "SELECT * WHERE {{ ?s ?p ?o # a comment\nSERVICE <{url}sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ VALUES ?endpoint {{ <{url}sparql> }} SERVICE ?endpoint {{ ?a ?b ?c }} }}",
])
def test_serve_refuses_service_and_the_remote_hears_nothing(served, listener, query):
    query = query.format(url=listener.url)
    refused = [
        _sparql(served.url, query),
        _call(f"{served.url}sparql", data=urllib.parse.urlencode({"query": query}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"}),
        _call(f"{served.url}sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}),
        _call(f"{served.url}graph?{urllib.parse.urlencode({'query': query})}"),
    ]
    for status, _, body in refused:
        assert (status, body) == (403, b"kg serve does not query other endpoints: SERVICE is refused\n")
    assert listener.heard == []


def test_serve_service_as_a_name_is_not_refused(served):
    query = ("PREFIX service: <http://example.org/service#> SELECT ?service WHERE { "
             "?service ir:service service:x . ?x <http://example.org/service> 'SERVICE <x> {}' } # SERVICE <x> {}")
    status, _, body = _sparql(served.url, query)
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


def test_serve_named_queries_and_graph_view_are_checked_too(served, listener):
    evil = NamedQuery("evil", "calls a service", (), f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}")
    served.front.queries["evil"] = evil
    try:
        for url in (f"{served.url}named/evil", f"{served.url}graph?name=evil"):
            status, _, body = _call(url)
            assert status == 403 and b"SERVICE is refused" in body
    finally:
        del served.front.queries["evil"]
    assert listener.heard == []


def test_serve_refuses_load_in_every_form(served, listener):
    load = f"LOAD <{listener.url}data.ttl>"
    answers = [
        _call(f"{served.url}sparql", data=urllib.parse.urlencode({"update": load}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"}),
        _call(f"{served.url}sparql", data=load.encode(), headers={"Content-Type": "application/sparql-update"}),
        _call(f"{served.url}sparql?{urllib.parse.urlencode({'update': load})}"),
    ]
    assert all(status == 403 and b"SPARQL Update is refused" in body for status, _, body in answers)
    for form in (load, f"PREFIX ex: <{EX}>\n# a comment\nload silent <{listener.url}data.ttl> INTO GRAPH ex:g"):
        status, _, body = _sparql(served.url, form)  # smuggled as a query
        assert (status, body) == (403, b"kg serve is read-only: SPARQL Update (LOAD) is refused\n")
        status, _, body = _call(f"{served.url}sparql", data=form.encode(), headers={"Content-Type": "application/sparql-query"})
        assert status == 403
    # what the SPARQL process itself does with it, sent with its key: a syntax error (it parses queries only)
    assert _direct(served.backend, load, served.backend.headers)[0] == 400
    assert listener.heard == []


@pytest.fixture(scope="module")
def heavy(big_store):
    """kg serve on the big store with a 1 s timeout and one query at a time."""
    settings = ServeSettings(timeout=1, max_concurrent=1, queue_timeout=0.5)
    with serve(big_store, port=0, settings=settings) as running:
        yield running


def test_serve_timeout_stops_a_long_query(heavy):
    # pyoxigraph has no timeout of its own: the front stops the query by restarting the SPARQL process
    status, headers, body = _sparql(heavy.url, f"SELECT * WHERE {{ ?a ?b ?c . ?d ?e ?f FILTER(?c = ?f && ?a != ?d) }}")
    assert status == 504 and headers.get_content_type() == "text/plain"
    assert body.startswith(b"the query ran longer than the 1 s timeout and was stopped") and b"add LIMIT" in body
    status, _, body = _sparql(heavy.url, f"ASK {{ <{EX}s1> ?p ?o }}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_serve_timeout_restarts_oxigraph_for_a_query_it_does_not_cancel(heavy):
    import threading

    # an aggregate over a three-way cross join: Oxigraph 0.5.13 does not check its timeout there
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    pid, answers = heavy.backend.pid, []
    worker = threading.Thread(target=lambda: answers.append(_sparql(heavy.url, count)))
    worker.start()
    for _ in range(500):
        if heavy.front.in_flight:
            break
        time.sleep(0.01)
    assert heavy.front.in_flight == 1
    # the front still answers; the one slot for queries is taken: 503 after a short wait
    assert _call(f"{heavy.url}queries")[0] == 200
    status, headers, body = _sparql(heavy.url, "ASK {}")
    assert status == 503 and headers["Retry-After"] == "1" and b"busy" in body
    worker.join(60)
    status, _, body = answers[0]
    assert status == 504 and b"ran longer than the 1 s timeout" in body and b"restarted" in body
    assert heavy.backend.pid != pid and not Path(f"/proc/{pid}").exists()  # the runaway query is gone with its process
    status, _, body = _sparql(heavy.url, f"ASK {{ <{EX}s1> ?p ?o }}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_serve_queries_cut_off_by_a_restart_are_sent_again(big_store):
    import threading

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with serve(big_store, port=0, settings=ServeSettings(timeout=1, max_concurrent=4)) as running:
        pid, answers = running.backend.pid, []
        worker = threading.Thread(target=lambda: answers.append(_sparql(running.url, count)))
        worker.start()
        small = []
        while worker.is_alive():  # small queries in flight, from 3 clients, until Oxigraph was restarted
            small.append(load_test(running.url, 30, 3))
        assert answers[0][0] == 504 and running.backend.pid != pid
        assert sum(r.requests for r in small) > 30
        assert all(r.errors == {} and set(r.statuses) == {200} for r in small)


def test_serve_result_size_limit(store_folder):
    pytest.importorskip("pyvis")
    with serve(store_folder, port=0, settings=ServeSettings(max_result_bytes=400)) as small:
        status, headers, body = _sparql(small.url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 507 and body == b"result larger than 400 bytes; add LIMIT (or raise --max-result-mb)\n"
        assert int(headers["Content-Length"]) == len(body)
        status, _, body = _call(f"{small.url}named/claims?format=json")
        assert status == 507 and b"add LIMIT" in body
        status, _, body = _call(f"{small.url}graph?{urllib.parse.urlencode({'query': ALLIES})}")
        assert status == 507 and b"add LIMIT" in body
        status, headers, body = _sparql(small.url, ALLIES)  # a small answer: whole, with its length
        assert status == 200 and int(headers["Content-Length"]) == len(body) and json.loads(body)["results"]["bindings"]


def test_serve_request_limits(store_folder):
    settings = ServeSettings(max_request_bytes=1024, client_timeout=0.5)
    with serve(store_folder, port=0, settings=settings) as small:
        form = urllib.parse.urlencode({"query": ALLIES + " " * 2000}).encode()
        status, _, body = _call(f"{small.url}sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert (status, body) == (413, b"request body larger than 1 KB (--max-request-kb)\n")
        big = urllib.parse.urlencode({"query": ALLIES}).encode() + b"&pad=" + b"x" * 2_000_000  # not read: still 413
        assert _call(f"{small.url}sparql", data=big, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 413
        head = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        assert _raw(small.url, head + b"\r\nASK {}").startswith(b"HTTP/1.0 411 ")
        assert _raw(small.url, head + b"Content-Length: many\r\n\r\nASK {}").startswith(b"HTTP/1.0 400 ")
        assert _raw(small.url, head + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.0 411 ")
        assert _raw(small.url, head + b"Content-Length: 6\r\n\r\nASK {}").startswith(b"HTTP/1.0 200 ")
        long_url = f"{small.url}sparql?{urllib.parse.urlencode({'query': ALLIES + ' ' * 70_000})}"
        assert _call(long_url)[0] == 414  # http.server's limit of the request line (64 KiB)
        # a client that sends half a request and stalls is dropped after client_timeout
        assert _raw(small.url, b"GET /queries HTTP/1.1\r\nHost:", wait=10) == b""
        assert _call(f"{small.url}queries")[0] == 200


def test_serve_token(store_folder, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="kg.serve.front")
    with serve(store_folder, port=0, settings=ServeSettings(token="s3cret-token")) as guarded:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
            status, answer, body = _sparql(guarded.url, ALLIES, **headers)
            assert status == 401 and answer["WWW-Authenticate"].startswith("Bearer") and b"Authorization: Bearer" in body
        assert _call(guarded.url)[0] == 401
        assert _call(f"{guarded.url}sparql", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})[0] == 401
        status, _, body = _sparql(guarded.url, ALLIES, Authorization="Bearer s3cret-token")
        assert status == 200 and json.loads(body)["results"]["bindings"]
        # a browser: /?token= once sets an HttpOnly, SameSite=Strict cookie, then the page and its fetches work
        assert _call(f"{guarded.url}?token=wrong")[0] == 401
        answer = _raw(guarded.url, b"GET /?token=s3cret-token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").decode()
        assert answer.startswith("HTTP/1.0 303 ") and "\r\nLocation: /\r\n" in answer
        cookie = re.search(r"\r\nSet-Cookie: (kg_serve=\w+); HttpOnly; SameSite=Strict; Path=/\r\n", answer).group(1)
        assert "s3cret-token" not in cookie
        status, _, page = _call(guarded.url, headers={"Cookie": cookie})
        assert status == 200 and b"allies-of" in page
        assert _sparql(guarded.url, ALLIES, Cookie=cookie)[0] == 200
        assert _sparql(guarded.url, ALLIES, Cookie="kg_serve=0123abcd")[0] == 401
    assert "token=***" in caplog.text and "s3cret-token" not in caplog.text


def test_serve_hostile_input_is_still_escaped(store_folder):
    script = "<script>alert(1)</script>"
    with serve(store_folder, port=0, title=script) as hostile:
        status, _, page = _call(hostile.url)
        assert status == 200 and script.encode() not in page and b"&lt;script&gt;alert(1)&lt;/script&gt;" in page
        for url in (f"{hostile.url}named/{urllib.parse.quote(script)}", f"{hostile.url}{urllib.parse.quote(script)}",
                    f"{hostile.url}named/allies-of?{urllib.parse.urlencode({'state': script})}"):
            status, headers, _ = _call(url)
            assert status in (400, 404) and headers.get_content_type() == "text/plain"
            assert headers["X-Content-Type-Options"] == "nosniff"
        status, headers, _ = _sparql(hostile.url, f"SELECT * WHERE {{ ?s ?p '{script}' SERVICE <x:> {{}} }}")
        assert status == 403 and headers.get_content_type() == "text/plain"


def test_serve_load_test_2000_requests_16_concurrent(store_folder):
    # no timing is asserted: only that every request succeeded and the figures are there
    result = bench_serve(store_folder, requests=2000, concurrency=16)
    for run, kinds in ((result.front, {"sparql", "named", "queries"}), (result.direct, {"sparql", "named"})):
        assert run.errors == {} and dict(run.statuses) == {200: 2000}
        assert set(run.latencies) == kinds and sum(map(len, run.latencies.values())) == 2000
        summary = run.summary()
        assert summary["count"] == 2000 and 0 < summary["p50_ms"] <= summary["p99_ms"] <= summary["max_ms"]
    assert result.ratio("p50") > 0 and result.ratio("p99") > 0
    assert set(result.to_dict()["ratio"]) == {"p50", "p90", "p99"}


def test_serve_load_test_stays_on_loopback():
    with pytest.raises(ValueError, match="loopback"):
        load_test("http://10.1.2.3:7878/", 10, 2)
    with pytest.raises(ValueError, match="requests"):
        load_test("http://127.0.0.1:7878/", 10**7, 2)


def test_serve_bench_cli_prints_both_runs_and_their_ratio(store_folder):
    result = CliRunner().invoke(app, ["bench", "serve", str(store_folder), "--requests", "60", "--concurrency", "4"])
    assert result.exit_code == 0, result.output
    assert "Oxigraph /query (direct, baseline)" in result.output and "kg serve, SPARQL requests" in result.output
    assert re.search(r"ratio kg serve / direct \(SPARQL requests\): p50 \d+\.\d\d, p99 \d+\.\d\d", result.output)
    result = CliRunner().invoke(app, ["bench", "serve", str(store_folder), "--requests", "30", "--json"])
    data = json.loads(result.output)
    assert data["front"]["statuses"] == {"200": 30} and data["direct"]["statuses"] == {"200": 30}


def test_serve_on_loopback_answers_loopback_names_only(served):
    """DNS rebinding: a page of evil.example that resolves to 127.0.0.1 sends Host: evil.example."""
    port = urllib.parse.urlsplit(served.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert _call(f"{served.url}queries", headers={"Host": host})[0] == 200
    status, _, body = _call(f"{served.url}queries", headers={"Host": f"evil.example:{port}"})
    assert status == 403 and b"loopback" in body
    sparql = f"{served.url}sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    assert _call(sparql, headers={"Host": "127.0.0.1.evil.example"})[0] == 403


def test_serve_caps_open_connections(store_folder):
    import socket

    settings = ServeSettings(max_connections=2, client_timeout=5, evict_after=60)  # (no room made for newcomers here)
    with serve(store_folder, port=0, settings=settings) as small:
        parts = urllib.parse.urlsplit(small.url)
        idle = [socket.create_connection((parts.hostname, parts.port)) for _ in range(2)]  # say nothing
        try:
            time.sleep(0.2)
            assert _raw(small.url, b"GET /queries HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").startswith(b"HTTP/1.0 503 ")
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 10
        while _call(f"{small.url}queries")[0] != 200:  # the idle connections' threads end, the slots come back
            assert time.monotonic() < deadline
            time.sleep(0.1)
