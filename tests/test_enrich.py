"""kg enrich and kg validate --facts on a store built from the seed with kg build."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.rdf.convert import PREFIXES, entity_iri
from kg.rdf.query import named_queries, query_store, substitutions, table_rows
from kg.rdf.store import load_graph, open_store, triple_count, write_graph
from kg.reference import ReferenceFacts, cached_reference, check_store, enrich_store, reference_edges
from kg.vocab import IR

SEED = Path(__file__).parent / "data" / "seed.jsonl"
runner = CliRunner()


def kg(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> dict:
    """The seed built with `kg build`; its KnowledgeGraph; then `kg enrich` twice."""
    path = tmp_path_factory.mktemp("enrich") / "store"
    built = kg("build", SEED, "--store", path)
    assert built.exit_code == 0, built.output
    store = open_store(path, read_only=True)
    before = (load_graph(store), triple_count(store))
    del store
    first, second = kg("enrich", path), kg("enrich", path)
    return {"path": path, "graph": before[0], "triples": before[1], "first": first, "second": second}


def _select(path, sparql: str) -> list[dict]:
    store = open_store(path, read_only=True)
    return [{v.value: row[v.value] for v in result.variables} for result in [store.query(sparql, prefixes=PREFIXES)] for row in result]


def _named(path, name: str, **params) -> list[list[str]]:
    query = named_queries()[name]
    _, rows = table_rows(query_store(open_store(path, read_only=True), query.text, substitutions(params, query)))
    return rows


def test_enrich_adds_reference_statements_once(seed_store):
    first, second = seed_store["first"], seed_store["second"]
    assert first.exit_code == 0, first.output
    assert "reference statements" in first.stdout and " 0 new" not in first.stdout
    assert second.exit_code == 0, second.output
    assert "(0 new, 0 removed" in second.stdout and "0 entities described" in second.stdout
    count = lambda result: result.stdout.rsplit("holds ", 1)[1].split()[0]  # noqa: E731
    assert count(first) == count(second)
    assert int(count(first).replace(",", "")) > seed_store["triples"]


CSTO_BORDERING_AZE = """
SELECT DISTINCT ?member WHERE {
  ?m a ir:Statement ; rdf:subject ?member ; rdf:predicate ir:memberOf ; rdf:object irr:CSTO ;
     ir:modality ir:Asserted ; prov:wasDerivedFrom ?ms .
  ?ms a ir:ReferenceSource .
  FILTER NOT EXISTS { ?m ir:endTime ?left }
  ?b rdf:predicate ir:neighbourOf ; prov:wasDerivedFrom ?bs .
  ?bs a ir:ReferenceSource .
  { ?b rdf:subject ?member ; rdf:object irr:AZE } UNION { ?b rdf:subject irr:AZE ; rdf:object ?member }
}
"""


def test_enrich_sparql_finds_csto_members_bordering_azerbaijan(seed_store):
    members = {row["member"].value for row in _select(seed_store["path"], CSTO_BORDERING_AZE)}
    assert members == {entity_iri("RUS"), entity_iri("ARM")}
    rows = _named(seed_store["path"], "members-bordering", org="CSTO", state="AZE")
    assert [(r[2], r[4], r[5]) for r in rows] == [
        ("irr:ARM", "<https://ir-kg.org/source/csto-members>", "<https://ir-kg.org/source/geonames>"),
        ("irr:RUS", "<https://ir-kg.org/source/csto-members>", "<https://ir-kg.org/source/geonames>"),
    ]


def test_enrich_direct_triples_only_for_facts_that_hold(seed_store):
    rows = _select(seed_store["path"], """
        SELECT ?x WHERE { ?x ir:memberOf irr:CSTO } ORDER BY ?x""")
    assert {r["x"].value.rsplit("/", 1)[1] for r in rows} == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    georgia = _select(seed_store["path"], """
        SELECT ?end WHERE { ?s a ir:ReferenceStatement ; rdf:subject irr:GEO ; rdf:object irr:CSTO ; ir:endTime ?end }""")
    assert [r["end"].value for r in georgia] == ["1999-12-31"]


@pytest.mark.parametrize("other", ["ARM", "AZE"])
def test_enrich_seed_iran_neighbours_agree_with_the_reference(seed_store, other):
    rows = _named(seed_store["path"], "reference-vs-text", s="IRN", p="neighbourOf", o=other)
    kinds = {(r[3], r[4], r[5]) for r in rows}
    assert kinds == {("reference", "<https://ir-kg.org/source/geonames>", "ir:Asserted"),
                     ("text", "irdoc:seed-iran-naka", "ir:Asserted")}


def test_enrich_seed_has_no_conflict_with_the_reference(seed_store):
    assert check_store(open_store(seed_store["path"], read_only=True)) == []
    result = kg("validate", seed_store["path"], "--facts")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout and "no text-derived relation contradicts them" in result.stdout


def test_enrich_keeps_reference_facts_out_of_the_knowledge_graph(seed_store):
    store = open_store(seed_store["path"], read_only=True)
    assert load_graph(store) == seed_store["graph"]
    edges = reference_edges(store)
    assert {e.predicate for e in edges} == {"neighbourOf", "memberOf", "leaderOf", "officialOf"}
    rouhani = [e for e in edges if e.subject == "hassan-rouhani" and e.predicate == "leaderOf"]
    assert [(e.object, e.office, e.start, e.end, e.source) for e in rouhani] == [
        ("IRN", "President", "2013-08-03", "2021-08-03", "ir-kg-people")]


def test_enrich_sources_are_described_with_licences(seed_store):
    rows = _select(seed_store["path"], """
        SELECT ?source ?licence WHERE { ?source a ir:ReferenceSource ; dcterms:license ?licence }""")
    licences = {r["source"].value.rsplit("/", 1)[1]: r["licence"].value for r in rows}
    assert licences["geonames"] == "CC BY 4.0" and licences["ir-kg-people"] == "CC0 1.0"
    assert len(licences) == len(cached_reference().sources)


def test_enrich_validate_facts_flags_planted_contradictions(tmp_path):
    path = tmp_path / "planted"
    store = open_store(path)
    write_graph(store, KnowledgeGraph.from_rows([
        ("planted-naka", "2020-10-08", "AFG", "neighbourOf", "ARM"),
        ("planted-naka", "2020-10-08", "IRN", "neighbourOf", "AZE"),
        ("planted-naka", "2020-10-08", "GEO", "memberOf", "CSTO"),
        ("planted-2022", "2022-01-01", "hassan-rouhani", "leaderOf", "IRN"),
    ]))
    del store
    result = kg("validate", path, "--facts")
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "reference facts: 3 text-derived relations contradict them" in lines
    assert any(line.startswith("no-land-border: AFG neighbourOf ARM [planted-naka, 2020-10-08]") for line in lines)
    assert any(line.startswith("not-a-member: GEO memberOf CSTO") for line in lines)
    assert any(line.startswith("outside-term: hassan-rouhani leaderOf IRN [planted-2022, 2022-01-01]") for line in lines)
    assert "AZE" not in next(line for line in lines if line.startswith("not-a-member"))
    plain = kg("validate", path)
    assert plain.exit_code == 0 and "reference facts" not in plain.stdout


def test_enrich_removes_facts_the_tables_no_longer_give():
    store = open_store(None)
    write_graph(store, KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "memberOf", "CSTO")]))
    reference = cached_reference()
    enrich_store(store, ["memberships"], reference)
    changed = tuple(
        replace(f, end="2025-01-01") if f.object == "CSTO" and f.subject in ("ARM", "RUS") else f for f in reference.facts
    )
    report = enrich_store(store, ["memberships"], ReferenceFacts(reference.sources, changed))
    assert (report.added, report.removed) == (2, 2)
    direct = {row[0] for row in store.quads_for_pattern(None, None, None)
              if row[1].value == str(IR.memberOf) and row[2].value == entity_iri("CSTO")}
    members = {d.value.rsplit("/", 1)[1] for d in direct}
    assert "RUS" not in members          # the reference no longer says it holds
    assert "ARM" in members              # the text still asserts it
    assert {"BLR", "KAZ"} <= members
    again = enrich_store(store, ["memberships"], ReferenceFacts(reference.sources, changed))
    assert (again.added, again.removed) == (0, 0)


def test_enrich_cli_chooses_kinds(tmp_path):
    result = kg("enrich", tmp_path / "s", "--borders", "--create")  # without --create: no such store
    assert result.exit_code == 0, result.output
    edges = reference_edges(open_store(tmp_path / "s", read_only=True))
    assert {e.predicate for e in edges} == {"neighbourOf"}
    stats = json.loads(kg("stats", tmp_path / "s", "--json").stdout)
    bordering = {s for f in cached_reference().of("neighbourOf") for s in (f.subject, f.object)}
    assert stats["documents"] == 0 and stats["entities"] == {"State": len(bordering)}
    assert 150 < len(bordering) < 197  # island states have no land border


def test_enrich_kg_viz_reference_draws_the_stores_facts_among_its_entities(seed_store, tmp_path):
    import re

    page = tmp_path / "seed.html"
    drawn = kg("viz", seed_store["path"], "--reference", "-o", page)
    assert drawn.exit_code == 0, drawn.output
    def reference_facts(path) -> set[str]:  # the page's reference rows [subject, object, predicate, facts]
        data = json.loads(re.search(r"var KGDATA = (.*?);\n", path.read_text()).group(1))
        names = [row[0] for row in data["nodes"]]
        return {f"reference|{names[s]}|{data['predicates'][p][0]}|{names[o]}" for s, o, p, _ in data["reference"]}

    assert {"reference|ARM|neighbourOf|AZE", "reference|ARM|memberOf|CSTO"} <= reference_facts(page)
    plain = tmp_path / "plain.html"
    assert kg("viz", seed_store["path"], "-o", plain).exit_code == 0
    assert reference_facts(plain) == set()
    refused = kg("viz", SEED, "--reference", "-o", tmp_path / "x.html")
    assert refused.exit_code == 2 and "--reference needs a store" in refused.output
