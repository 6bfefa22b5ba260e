"""Remote stores: build into and query a real Oxigraph server over SPARQL 1.1 (started by the tests)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.rdf.convert import graph_difference
from kg.rdf.query import named_queries, query_store, substitutions
from kg.rdf.remote import RemoteError, RemoteStore
from kg.rdf.store import build_store, document_index, load_graph, open_store, triple_count
from kg.rdf.validate import store_to_rdflib
from kg.serve.backend import free_port, oxigraph_binary

SEED = Path(__file__).parent / "data" / "seed.jsonl"
runner = CliRunner()


def _start_oxigraph(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("oxigraph serve did not start")


@pytest.fixture
def server(tmp_path):
    """A fresh read-write Oxigraph server on a free loopback port; stopped after the test."""
    pytest.importorskip("pyoxigraph")
    try:
        oxigraph_binary()
    except RuntimeError:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    process, base = _start_oxigraph(tmp_path / "remote")
    yield base
    process.terminate()
    process.wait(10)


def _built_locally(dev_extractions):
    by_id = {e.document.id: e for e in dev_extractions}
    store = open_store(None)
    build_store(store, [e.document for e in dev_extractions], lambda docs: (by_id[d.id] for d in docs), batch_size=4)
    return store, by_id


def test_remote_build_into_oxigraph_server_equals_local_build(server, dev_extractions):
    local, by_id = _built_locally(dev_extractions)
    remote = open_store(f"{server}/sparql")
    assert isinstance(remote, RemoteStore) and remote.update_url == f"{server}/sparql"
    documents = [e.document for e in dev_extractions]
    report = build_store(remote, documents, lambda docs: (by_id[d.id] for d in docs), batch_size=4)
    assert len(report.added) == 15 and report.transactions == 4
    assert graph_difference(store_to_rdflib(local), store_to_rdflib(remote)) == ""
    assert triple_count(remote) == triple_count(local)
    again = build_store(remote, documents, lambda docs: (by_id[d.id] for d in docs))
    assert again.added == [] and triple_count(remote) == triple_count(local)
    assert load_graph(remote) == load_graph(local)


def test_remote_named_query_with_parameters_matches_local(server, dev_extractions):
    local, by_id = _built_locally(dev_extractions)
    remote = open_store(f"{server}/query")
    assert remote.update_url == f"{server}/update"
    build_store(remote, [e.document for e in dev_extractions], lambda docs: (by_id[d.id] for d in docs))
    for name, params in [("who-leads", {}), ("allies-of", {"state": "ARM"}), ("claims", {})]:
        query = named_queries()[name]
        bound = substitutions(params, query)

        def rows(store):
            result = query_store(store, query.text, bound)
            return sorted(tuple(str(row[v]) for v in result.variables) for row in result)

        assert rows(remote) == rows(local), name
    assert bool(query_store(remote, "ASK { irr:ARM a ir:State }"))
    construct = query_store(remote, "CONSTRUCT { irr:ARM ?p ?o } WHERE { irr:ARM ?p ?o }")
    assert isinstance(construct, ox.QueryTriples) and len(list(construct)) >= 3


def test_remote_cli_build_and_query(server):
    endpoint = f"{server}/sparql"
    built = runner.invoke(app, ["build", str(SEED), "--store", endpoint, "--no-progress"])
    assert built.exit_code == 0, built.output
    assert "1 documents added" in built.stdout
    again = runner.invoke(app, ["build", str(SEED), "--store", endpoint, "--no-progress"])
    assert "0 documents added, 1 already in the store" in again.stdout
    result = runner.invoke(app, ["query", endpoint, "--name", "allies-of", "--param", "state=ARM", "--format", "json"])
    assert result.exit_code == 0, result.output
    allies = {row["ally"]["value"] for row in json.loads(result.stdout)["results"]["bindings"]}
    assert "https://ir-kg.org/resource/RUS" in allies
    stats = runner.invoke(app, ["stats", endpoint, "--json"])
    assert json.loads(stats.stdout)["documents"] == 1


def test_remote_bulk_load_by_graph_store_and_by_update(server):
    data = b'<https://ir-kg.org/resource/ARM> <https://ir-kg.org/ontology#allyOf> <https://ir-kg.org/resource/RUS> .\n'
    by_update = RemoteStore(f"{server}/sparql")
    by_update.bulk_load(data)
    by_graph_store = RemoteStore(f"{server}/sparql", graph_store_url=f"{server}/store")
    by_graph_store.bulk_load(data.replace(b"RUS", b"IRN"))
    (row,) = by_update.query("SELECT (COUNT(*) AS ?n) WHERE { irr:ARM ir:allyOf ?x }",
                              prefixes={"irr": "https://ir-kg.org/resource/", "ir": "https://ir-kg.org/ontology#"})
    assert row["n"].value == "2"
    read_only = open_store(f"{server}/sparql", read_only=True)
    with pytest.raises(RemoteError, match="read-only"):
        read_only.update("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(RemoteError, match="HTTP 400"):
        by_update.query("SELECT WHERE {")
    assert document_index(by_update) == (set(), set())


@pytest.mark.model
def test_remote_dask_scheduler_address_writes_shards_into_the_server(server, dev_path, dev_extractions):
    """`--dask tcp://…` (a scheduler started here, as on a cluster) into `--store http://…` (one update a shard)."""
    distributed = pytest.importorskip("dask.distributed")
    from kg.ingest import read_path
    from kg.scale.cluster import build_dask

    remote = open_store(f"{server}/sparql")
    documents = [d for d in read_path(dev_path)][:6]
    subset = {d.id for d in documents}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        build_dask(remote, documents, address=cluster.scheduler_address, partition_size=3)
    assert document_index(remote)[0] == subset
    expected = {e.document.id: e for e in dev_extractions if e.document.id in subset}
    small, _ = _built_locally(list(expected.values()))
    assert graph_difference(store_to_rdflib(small), store_to_rdflib(remote)) == ""
