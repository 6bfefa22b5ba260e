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

from kg.graph import KnowledgeGraph
from kg.rdf.store import open_store, triple_count, write_graph
from kg.serve import serve
from kg.serve.backend import free_port, oxigraph_binary

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
    assert served.front.server_address[0] == "127.0.0.1" and served.backend.url.startswith("http://127.0.0.1:")


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


def test_serve_refuses_other_than_loopback(store_folder):
    with pytest.raises(ValueError, match="loopback"):
        serve(store_folder, host="0.0.0.0", port=0)


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
        assert len(children) == 1  # oxigraph serve-read-only
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
