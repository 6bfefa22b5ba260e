"""kg.rdf.query and ontology/queries/*.rq: named queries, parameters, both engines."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Literal

from kg.graph import KnowledgeGraph, goldstein_balance
from kg.rdf.bench import bench_params, synthetic_graph
from kg.rdf.convert import to_rdflib
from kg.rdf.query import (
    QueryError,
    compact,
    named_queries,
    parse_value,
    query_rdflib,
    query_store,
    substitutions,
    table_rows,
)
from kg.rdf.store import open_store, write_graph
from kg.vocab import ontology_path

REQUIRED = {
    "allies-of": ["state"],
    "accusation-network": [],
    "members-of": ["org"],
    "neighbours-of": ["state"],
    "who-leads": ["entity"],
    "conflict-dyads": [],
    "claims": [],
    "dyad-timeline": ["a", "b"],
    "cooperative-hostile-dyads": [],
    "edge-documents": ["s", "p", "o"],
}


def _rows(store, name: str, **params) -> list[tuple[str, ...]]:
    query = named_queries()[name]
    _, rows = table_rows(query_store(store, query.text, substitutions(params, query)))
    return [tuple(row) for row in rows]


def _store(rows) -> ox.Store:
    store = open_store(None)
    write_graph(store, KnowledgeGraph.from_rows(rows))
    return store


@pytest.fixture(scope="module")
def synthetic():
    kg = synthetic_graph(150, seed=7)
    store = open_store(None)
    write_graph(store, kg)
    return kg, store, to_rdflib(kg)


def test_query_named_queries_exist_with_description_and_params():
    queries = named_queries()
    assert len(queries) >= 10
    for name, params in REQUIRED.items():
        assert name in queries, name
        assert [p.name for p in queries[name].params] == params
    for path in sorted(ontology_path("queries").glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name


_NUMBERS = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("decimal", "integer", "double")}


def _plain(value: str, datatype: str | None) -> str:
    """A literal as text, numbers by value (engines write 7 or 7.0 for the same decimal sum)."""
    return format(Decimal(value).normalize(), "f") if datatype in _NUMBERS else value


def _from_oxigraph(term) -> str:
    if isinstance(term, ox.Literal):
        return _plain(term.value, term.datatype.value)
    return compact(term)


def _from_rdflib(term) -> str:
    if isinstance(term, Literal):
        return _plain(str(term), str(term.datatype) if term.datatype else None)
    return "" if term is None else compact(ox.NamedNode(str(term)))


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_query_oxigraph_and_rdflib_agree(synthetic, name):
    _, store, graph = synthetic
    query = named_queries()[name]
    bindings = substitutions(bench_params().get(name, {}), query)
    fast = query_store(store, query.text, bindings)
    names = [v.value for v in fast.variables]
    lists = [i for i, n in enumerate(names) if n in ("evidence", "deniedBy")]  # GROUP_CONCAT: any order

    def row_of(values):
        return tuple(" ".join(sorted(v.split())) if i in lists else v for i, v in enumerate(values))

    fast_rows = sorted(row_of(_from_oxigraph(row[n]) for n in names) for row in fast)
    slow = query_rdflib(graph, query.text, bindings)
    slow_rows = sorted(row_of(_from_rdflib(row[n]) for n in names) for row in slow)
    assert fast_rows, f"{name} answers nothing on the synthetic graph"
    assert fast_rows == slow_rows


def test_query_allies_of_either_order_with_documents():
    store = _store([("d1", "2020-10-08", "ARM", "allyOf", "RUS"), ("d2", "2020-10-09", "RUS", "allyOf", "ARM"),
                    ("d3", "2020-10-09", "RUS", "allyOf", "BLR"), ("d4", None, "ARM", "allyOf", "FRA", "hypothetical")])
    (row,) = _rows(store, "allies-of", state="ARM")
    assert row[:4] == ("irr:ARM", "irr:RUS", "Russia", "2")
    assert sorted(row[4].split()) == ["d1", "d2"]  # GROUP_CONCAT has no order
    assert [row[1] for row in _rows(store, "allies-of", state="RUS")] == ["irr:ARM", "irr:BLR"]


def test_query_params_are_bound_not_pasted():
    store = _store([("d1", None, "ARM", "allyOf", "RUS")])
    # a hostile value stays one IRI: nothing matches, nothing breaks
    assert _rows(store, "allies-of", state='ARM> } UNION { ?x ?y ?z') == []


def test_query_members_neighbours_and_leaders():
    store = _store([
        ("d1", None, "ARM", "memberOf", "CSTO"), ("d1", None, "RUS", "memberOf", "CSTO"),
        ("d1", None, "IRN", "neighbourOf", "AZE"), ("d2", None, "AZE", "neighbourOf", "RUS"),
        ("d1", None, "vladimir-putin", "leaderOf", "RUS"), ("d1", None, "sergey-lavrov", "officialOf", "RUS"),
    ])
    assert [r[1] for r in _rows(store, "members-of", org="CSTO")] == ["irr:ARM", "irr:RUS"]
    assert [r[1] for r in _rows(store, "neighbours-of", state="AZE")] == ["irr:IRN", "irr:RUS"]
    leaders = {(r[2], r[3]) for r in _rows(store, "who-leads", entity="RUS")}
    assert leaders == {("ir:leaderOf", "irr:vladimir-putin"), ("ir:officialOf", "irr:sergey-lavrov")}


def test_query_conflict_dyads_ranked_by_evidence():
    store = _store([
        ("d1", "2020-09-27", "ARM", "conflictWith", "AZE"), ("d2", "2020-09-28", "AZE", "attacks", "ARM"),
        ("d3", "2020-09-29", "AZE", "conflictWith", "ARM"), ("d3", "2020-09-29", "IND", "attacks", "PAK"),
        ("d4", "2020-09-29", "CHN", "attacks", "IND", "claimed"),
    ])
    rows = _rows(store, "conflict-dyads")
    assert [(r[0], r[1], r[2]) for r in rows] == [("irr:ARM", "irr:AZE", "3"), ("irr:IND", "irr:PAK", "1")]
    assert rows[0][4:] == ("2020-09-27", "2020-09-29")


def test_query_claims_with_attribution_and_deniers(seed_extraction):
    store = open_store(None)
    write_graph(store, KnowledgeGraph.from_extractions([seed_extraction]))
    claims = _rows(store, "claims")
    expected = [r for r in seed_extraction.relations if r.modality == "claimed"]
    assert len(claims) == len(expected)
    for relation in expected:
        row = next(c for c in claims if c[0] == f"irr:{relation.subject}" and c[1] == f"ir:{relation.predicate}")
        assert row[3] == f"irr:{relation.attributed_to}"
        assert set(row[4].split()) == set(relation.denied_by)


def test_query_dyad_timeline_both_directions_oldest_first():
    store = _store([
        ("d2", "2020-10-10", "AZE", "accuses", "ARM"),
        ("d1", "2020-09-27", "ARM", "conflictWith", "AZE", "claimed"),
        ("d3", "2020-10-11", "ARM", "talksWith", "RUS"),
    ])
    rows = _rows(store, "dyad-timeline", a="ARM", b="AZE")
    assert [(r[2], r[3], r[4], r[6]) for r in rows] == [
        ("2020-09-27", "irr:ARM", "ir:conflictWith", "ir:Claimed"),
        ("2020-10-10", "irr:AZE", "ir:accuses", "ir:Asserted"),
    ]


def test_query_cooperative_hostile_dyads_match_goldstein_balance(synthetic):
    kg, store, _ = synthetic
    rows = _rows(store, "cooperative-hostile-dyads")
    from_sparql = {(r[0].removeprefix("irr:"), r[1].removeprefix("irr:")): float(r[2]) for r in rows}
    from_python = {pair: total for pair, total in goldstein_balance(kg).items() if total != 0}
    assert from_sparql == pytest.approx(from_python)
    balances = [float(r[2]) for r in rows]
    assert balances == sorted(balances, reverse=True)


@pytest.mark.parametrize("s, p, o, expected", [
    ("ARM", "allyOf", "RUS", ["d1", "d2"]),   # symmetric: either order
    ("RUS", "allyOf", "ARM", ["d1", "d2"]),
    ("ARM", "accuses", "AZE", ["d1"]),
    ("AZE", "accuses", "ARM", []),            # directed: not the other way
])
def test_query_edge_documents(s, p, o, expected):
    store = _store([("d1", "2020-10-08", "ARM", "allyOf", "RUS"), ("d2", "2020-10-09", "RUS", "allyOf", "ARM"),
                    ("d1", "2020-10-08", "ARM", "accuses", "AZE")])
    rows = _rows(store, "edge-documents", s=s, p=p, o=o)
    assert [r[4] for r in rows] == [f"irdoc:{d}" for d in expected]


@pytest.mark.parametrize("value, kind, expected", [
    ("ARM", "entity", ox.NamedNode("https://ir-kg.org/resource/ARM")),
    ("allyOf", "predicate", ox.NamedNode("https://ir-kg.org/ontology#allyOf")),
    ("irr:RUS", "entity", ox.NamedNode("https://ir-kg.org/resource/RUS")),
    ("<http://example.org/x>", None, ox.NamedNode("http://example.org/x")),
    ("seed-iran-naka", "document", ox.NamedNode("https://ir-kg.org/doc/seed-iran-naka")),
    ("2020-10-08", "date", ox.Literal("2020-10-08", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
    ("3", "integer", ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ("ARM", None, ox.Literal("ARM")),
])
def test_query_parse_value(value, kind, expected):
    assert parse_value(value, kind) == expected


@pytest.mark.parametrize("params, message", [
    ({"country": "ARM"}, "no parameter 'country'"),
    ({"state": "ARM", "bad name": "x"}, "bad parameter name"),
])
def test_query_bad_parameters(params, message):
    with pytest.raises(QueryError, match=message):
        substitutions(params, named_queries()["allies-of"])


def test_query_bad_date_and_syntax():
    with pytest.raises(QueryError, match="not a date"):
        parse_value("2020-13-01", "date")
    with pytest.raises(QueryError, match="syntax"):
        query_store(open_store(None), "SELEKT * WHERE { ?s ?p ?o }")


#: reference-vs-text as it was before it was made cheap (statements joined to a UNION of all subjects and
#: objects, ORDER BY seven terms): the rows it gives are what the query must still give.
REFERENCE_VS_TEXT_BEFORE = """
SELECT ?s ?p ?o ?kind ?source ?modality ?date ?start ?end ?evidence
WHERE {
  ?statement a ir:Statement ; rdf:predicate ?p ; ir:modality ?modality ; prov:wasDerivedFrom ?source .
  { ?statement rdf:subject ?s ; rdf:object ?o }
  UNION
  { ?p a owl:SymmetricProperty . ?statement rdf:subject ?o ; rdf:object ?s . FILTER(?s != ?o) }
  BIND(IF(EXISTS { ?statement a ir:ReferenceStatement }, "reference", "text") AS ?kind)
  OPTIONAL { ?statement ir:eventDate ?date }
  OPTIONAL { ?statement ir:startTime ?start }
  OPTIONAL { ?statement ir:endTime ?end }
  OPTIONAL { ?statement ir:evidenceText ?evidence }
}
ORDER BY ?p ?s ?o ?kind ?start ?date ?source
"""


@pytest.fixture(scope="module")
def enriched_store(tmp_path_factory):
    """A synthetic graph and the reference facts (borders, memberships, terms of office), on disk."""
    from kg.reference import enrich_store

    path = tmp_path_factory.mktemp("reference") / "store"
    store = open_store(path)
    write_graph(store, synthetic_graph(150, seed=3))
    enrich_store(store)
    del store
    return path


@pytest.mark.parametrize("params", [
    {}, {"p": "neighbourOf"}, {"s": "ARM"}, {"o": "ARM"}, {"s": "IRN", "p": "neighbourOf", "o": "ARM"},
    {"s": "AZE", "o": "ARM"}, {"p": "memberOf", "o": "CSTO"}, {"s": "RUS", "p": "allyOf"},
])
def test_query_reference_vs_text_gives_the_rows_it_gave(enriched_store, params):
    store = open_store(enriched_store, read_only=True)
    query = named_queries()["reference-vs-text"]
    bindings = substitutions(params, query)
    names, rows = table_rows(query_store(store, query.text, bindings))
    before_names, before = table_rows(query_store(store, REFERENCE_VS_TEXT_BEFORE, bindings))
    assert names == before_names and sorted(rows) == sorted(before)
    order = lambda row: (row[1], row[0], row[2], row[3], row[7], row[6], row[4])  # noqa: E731  (p s o kind start date source)
    assert [order(row) for row in rows] == [order(row) for row in before]
    if not params:
        assert {row[3] for row in rows} == {"reference", "text"} and len(rows) > 1000


def test_query_reference_vs_text_unbound_is_paged(enriched_store):
    from typer.testing import CliRunner

    from kg.cli import app

    def run(*args):
        result = CliRunner().invoke(app, ["query", str(enriched_store), "--name", "reference-vs-text", "--format", "csv", *args])
        assert result.exit_code == 0, result.output
        return result, result.stdout.splitlines()

    everything, rows = run("--limit", "0")
    page, first = run()
    following, second = run("--offset", "100")
    assert named_queries()["reference-vs-text"].page == 100 and len(rows) > 1000
    assert first == rows[:101] and second[1:] == rows[101:201]
    assert "rows 1 to 100 at most; --offset 100 for the next page, --limit 0 for all" in page.stderr
    assert "rows 101 to 200" in following.stderr and "note" not in everything.stderr
    bound, _ = run("--param", "p=memberOf")
    assert "note" not in bound.stderr


#: One more predicate (not an ObjectProperty: not a relation predicate), one more relation predicate and prefix.
_EXTRA_TERMS = """
ir:testWatches a owl:ObjectProperty ; rdfs:subPropertyOf ir:relatedTo ; rdfs:label "test watches"@en .
ir:testNote a owl:DatatypeProperty ; rdfs:subPropertyOf ir:relatedTo .
<https://ir-kg.org/ontology> sh:declare [ sh:prefix "tst" ; sh:namespace "https://example.org/tst#"^^xsd:anyURI ] .
"""


def _read_with_rdflib(path):
    """The ontology as rdflib reads it: predicates with what they say, ``ir:`` terms, ``sh:declare`` prefixes."""
    from rdflib import BNode, Graph, Namespace, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

    ir = Namespace("https://ir-kg.org/ontology#")
    graph = Graph().parse(path, format="turtle")
    local = lambda term: str(term).removeprefix(str(ir))  # noqa: E731

    def classes(node):
        if node is None:
            return ()
        if isinstance(node, BNode):
            return tuple(local(m) for m in Collection(graph, graph.value(node, OWL.unionOf)))
        return (local(node),)

    vocabulary = {}
    for prop in graph.subjects(RDFS.subPropertyOf, ir.relatedTo):
        if (prop, RDF.type, OWL.ObjectProperty) in graph:
            value = lambda p: graph.value(prop, p)  # noqa: E731
            vocabulary[local(prop)] = (
                str(value(RDFS.label)), str(value(SKOS.definition)), (prop, RDF.type, OWL.SymmetricProperty) in graph,
                None if value(ir.defaultCameoCode) is None else str(value(ir.defaultCameoCode)),
                float(value(ir.defaultGoldstein) or 0.0), str(value(ir.polarity)),
                None if value(ir.ploverCategory) is None else str(value(ir.ploverCategory)),
                classes(value(RDFS.domain)), classes(value(RDFS.range)))
    terms = {local(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(ir))}
    prefixes = {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace)) for d in graph.objects(None, SH.declare)}
    return vocabulary, terms, prefixes


@pytest.mark.parametrize("extra", ["", _EXTRA_TERMS], ids=["packaged", "with-more-terms"])
def test_ontology_read_without_rdflib_agrees_with_rdflib(tmp_path, extra):
    from kg.rdf.names import PREFIXES, load_ontology, prefixes

    path = ontology_path()
    if extra:
        path = tmp_path / "ir-more.ttl"
        path.write_text(ontology_path().read_text(encoding="utf-8") + extra, encoding="utf-8")
    ontology = load_ontology(path)
    vocabulary, terms, declared = _read_with_rdflib(path)
    assert {name: (p.label, p.definition, p.symmetric, p.cameo, p.goldstein, p.polarity, p.plover, p.domain, p.range)
            for name, p in ontology.vocabulary.items()} == vocabulary
    assert ontology.predicates == set(vocabulary) and ontology.terms == terms
    assert ontology.prefixes == declared and prefixes(path) == {**PREFIXES, **declared}
    assert ontology.vocabulary["leaderOf"].range == ("State", "Organization")  # an owl:unionOf, read in order
    if extra:
        assert "testWatches" in ontology.predicates and "testNote" not in ontology.predicates and "testNote" in ontology.terms
        assert ontology.prefixes["tst"] == "https://example.org/tst#"


def test_query_bracket_shortcut_is_the_nesting_limit():
    from kg.rdf.query import _FEW_BRACKETS
    from kg.serve.policy import MAX_NESTING

    assert _FEW_BRACKETS == MAX_NESTING
    too_deep = "SELECT * WHERE { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }"
    with pytest.raises(QueryError, match="nests 302 levels deep"):
        query_store(open_store(None), too_deep)
