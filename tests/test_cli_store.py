"""The store commands: kg build, query, export, stats, validate, bench sparql."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.rdf.store import build_store, open_store
from kg.vocab import IR

SEED = Path(__file__).parent / "data" / "seed.jsonl"
runner = CliRunner()


def kg(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> dict:
    """The seed plus a file with one bad line and one good document, built twice with `kg build`."""
    folder = tmp_path_factory.mktemp("cli")
    extra = folder / "extra.jsonl"
    extra.write_text(
        '{"id": "extra-1", "date": "2021-01-05", "text": "Russia and Armenia are allies."}\n'
        "this line is not JSON\n",
        encoding="utf-8",
    )
    store = folder / "store"
    first = kg("build", SEED, extra, "--store", store)
    count = _json(kg("stats", store, "--json"))["triples"]
    second = kg("build", SEED, extra, "--store", store)
    return {"store": store, "first": first, "second": second, "count": count, "extra": extra}


def test_cli_store_build_reports_bad_input_and_processes_the_rest(seed_store):
    first = seed_store["first"]
    assert first.exit_code == 1
    assert f"{seed_store['extra']}:2: invalid JSON" in first.stderr
    assert "2 documents added" in first.stdout


def test_cli_store_build_twice_adds_nothing(seed_store):
    second = seed_store["second"]
    assert "0 documents added, 2 already in the store" in second.stdout
    assert _json(kg("stats", seed_store["store"], "--json"))["triples"] == seed_store["count"]


def test_cli_store_allies_of_armenia_is_russia_with_the_seed_as_evidence(seed_store):
    result = _json(kg("query", seed_store["store"], "--name", "allies-of", "--param", "state=ARM", "--format", "json"))
    rows = result["results"]["bindings"]
    russia = next(row for row in rows if row["ally"]["value"] == "https://ir-kg.org/resource/RUS")
    assert "seed-iran-naka" in russia["evidence"]["value"].split()


def test_cli_store_claimed_relation_is_only_a_statement(seed_store):
    store = seed_store["store"]
    direct = _json(kg("query", store, "ASK { irr:TUR ir:deploysForcesTo irr:AZE }", "--format", "json"))
    assert direct["boolean"] is False
    statement = _json(kg("query", store, "ASK { ?st a ir:Statement ; rdf:subject irr:TUR ; rdf:predicate "
                                         "ir:deploysForcesTo ; rdf:object irr:AZE ; ir:modality ir:Claimed }",
                         "--format", "json"))
    assert statement["boolean"] is True


def test_cli_store_query_table_csv_and_file(seed_store, tmp_path):
    store = seed_store["store"]
    table = kg("query", store, "--name", "members-of", "--param", "org=CSTO")
    assert table.exit_code == 0 and "irr:ARM" in table.stdout
    query = tmp_path / "docs.rq"
    query.write_text("# Documents and titles.\nSELECT ?doc ?title WHERE { ?doc a ir:Document ; dcterms:title ?title }\n")
    csv = kg("query", store, query, "--format", "csv")
    assert csv.exit_code == 0, csv.output
    assert csv.stdout.splitlines()[0] == "doc,title" and len(csv.stdout.splitlines()) == 2


@pytest.mark.parametrize("args, message", [
    (["--name", "allies-of", "SELECT * {}"], "not both"),
    ([], "a query is needed"),
    (["--name", "no-such-query"], "allies-of"),
    (["--name", "allies-of", "--param", "state"], "key=value"),
    (["--name", "allies-of", "--param", "country=ARM"], "no parameter"),
    (["SELECT ?x WHERE {"], "syntax"),
    (["--name", "claims", "--format", "xml"], "--format"),
])
def test_cli_store_query_errors(seed_store, args, message):
    result = kg("query", seed_store["store"], *args)
    assert result.exit_code == 2 and message in result.stderr


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["stats"], ["validate"], ["export", "--format", "nt"]])
def test_cli_store_missing_or_unreachable_store(tmp_path, command):
    missing = kg(command[0], tmp_path / "nothing", *command[1:])
    assert missing.exit_code == 2 and "no such store" in missing.stderr
    remote = kg(command[0], f"http://127.0.0.1:{_closed_port()}/sparql", *command[1:])
    assert remote.exit_code == 2 and "cannot reach the endpoint" in remote.stderr


def test_cli_store_build_unreachable_remote_store_is_an_error():
    result = kg("build", SEED, "--store", f"http://127.0.0.1:{_closed_port()}/sparql")
    assert result.exit_code == 2 and "cannot reach the endpoint" in result.stderr


@pytest.mark.parametrize("name, rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_cli_store_export_parses_back(seed_store, tmp_path, name, rdflib_format):
    path = tmp_path / f"out.{name}"
    result = kg("export", seed_store["store"], "--format", name, "-o", path)
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(path, format=rdflib_format)) == seed_store["count"]


def test_cli_store_export_to_stdout(seed_store):
    result = kg("export", seed_store["store"], "--format", "nt")
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="nt")) == seed_store["count"]


def test_cli_store_stats_table(seed_store):
    result = kg("stats", seed_store["store"])
    assert result.exit_code == 0
    assert "State" in result.stdout and "allyOf" in result.stdout and "documents: 2" in result.stdout


def _count(store) -> int:
    return int(next(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))["n"].value)


@pytest.fixture(scope="module")
def dev_store(dev_extractions, tmp_path_factory) -> dict:
    """A store built from the whole dev set (extracted once by the session fixture), then built again."""
    by_id = {e.document.id: e for e in dev_extractions}
    folder = tmp_path_factory.mktemp("dev") / "store"
    store = open_store(folder)
    documents = [e.document for e in dev_extractions]
    first = build_store(store, documents, lambda docs: (by_id[d.id] for d in docs), batch_size=4)
    count = _count(store)
    again = build_store(store, documents, lambda docs: (by_id[d.id] for d in docs))
    result = {"folder": folder, "first": first, "again": again, "count": count, "recount": _count(store)}
    del store  # release the lock for the commands below
    return result


def test_cli_store_dev_set_built_twice_keeps_the_triple_count(dev_store, dev_extractions):
    assert len(dev_store["first"].added) == len(dev_extractions)
    assert dev_store["again"].added == [] and dev_store["again"].transactions == 0
    assert dev_store["recount"] == dev_store["count"]


def test_cli_store_validate_passes_on_the_dev_set(dev_store):
    result = kg("validate", dev_store["folder"])
    assert result.exit_code == 0, result.output
    assert "conforms: 0 violations" in result.stdout


def test_cli_store_validate_fails_on_a_broken_store(dev_store, tmp_path):
    broken = tmp_path / "broken.nt"
    assert kg("export", dev_store["folder"], "--format", "nt", "-o", broken).exit_code == 0
    store = open_store(tmp_path / "broken")
    store.load(path=broken, format=ox.RdfFormat.N_TRIPLES)
    statement = next(store.quads_for_pattern(None, None, ox.NamedNode(str(IR.Statement)))).subject
    double = ox.Literal("0.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))
    store.add(ox.Quad(statement, ox.NamedNode(str(IR.confidence)), double))
    del store
    result = kg("validate", tmp_path / "broken")
    assert result.exit_code == 1
    assert "Violation" in result.stdout and "ir:confidence" in result.stdout


def test_cli_store_bench_sparql_prints_ratios():
    result = kg("bench", "sparql", "--triples", "5000", "--budget", "10", "--repeats", "1", "--runs", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith(("allies-of", "claims", "edge-documents"))) == 3
    assert any(line.startswith("median query ratio rdflib/Oxigraph") for line in lines)
    # whole processes on the same store: kg query vs a bare pyoxigraph script (ratios), kg --help, the page
    rows = {line[:46].strip(): line[46:].split() for line in lines[lines.index(next(l for l in lines if l.startswith("run "))) + 1:]}
    for label in ("kg query, LIMIT 10", "kg query, GROUP BY predicates"):
        wall, cpu, ratio_wall, ratio_cpu, *goal = rows[label]
        assert float(wall) > 0 and float(cpu) > 0 and ratio_wall.endswith("x") and ratio_cpu.endswith("x") and goal
    for label in ("bare pyoxigraph script, LIMIT 10", "bare pyoxigraph script, GROUP BY predicates",
                  "kg --help", "kg query --name reference-vs-text (a page)"):
        assert float(rows[label][0]) > 0, label
    assert rows["kg --help"][-3:] == ["<", "0.3", "s"]
    assert any(label.startswith("reference-vs-text, all") for label in rows)
