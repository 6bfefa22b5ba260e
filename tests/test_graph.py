"""kg.graph: merging extractions into a KnowledgeGraph; analysis helpers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.graph import KnowledgeGraph, centrality, dyad_history, goldstein_balance, neighbours
from kg.records import Document, Entity, Evidence, Extraction, Mention, Relation


def _extraction(doc: str, date: str | None, relations: list[Relation], text: str | None = None, url=None) -> Extraction:
    ids = sorted({r.subject for r in relations} | {r.object for r in relations})
    entities = tuple(Entity(doc, i, "State", i, (Mention(i, 0, 3), Mention(i, 5, 8))) for i in ids)
    return Extraction(Document(doc, text or f"text of {doc}", date, url=url), entities, tuple(relations))


def _relation(doc, s, p, o, modality="asserted", date=None, **more) -> Relation:
    return Relation(doc, s, p, o, modality, date=date, evidence=Evidence(f"{s} {p} {o}.", 10, 20), **more)


def test_graph_merge_counts_support_and_first_last_seen():
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", "2020-10-08", [_relation("d1", "ARM", "accuses", "AZE", confidence=0.6)]))
    kg.add_extraction(_extraction("d2", "2020-09-27", [_relation("d2", "ARM", "accuses", "AZE", confidence=0.9)]))
    edge = kg.edge("ARM", "accuses", "AZE")
    assert edge["support"] == 2
    assert (edge["first_seen"], edge["last_seen"]) == ("2020-09-27", "2020-10-08")
    assert edge["confidence"] == 0.9
    assert [p.doc for p in edge["evidence"]] == ["d2", "d1"]  # oldest first
    assert kg.nodes["ARM"]["mentions"] == 4
    assert kg.edge("AZE", "accuses", "ARM") is None  # directed


def test_graph_evidence_keeps_provenance_fields():
    relation = _relation("d1", "TUR", "deploysForcesTo", "AZE", "claimed", "2020-10-01",
                         attributed_to="ARM", denied_by=("TUR", "AZE"), confidence=0.61234, cameo="15")
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", "2020-10-08", [relation], url="https://example.org/a"))
    (p,) = kg.edge("TUR", "deploysForcesTo", "AZE", "claimed")["evidence"]
    assert (p.doc, p.start, p.end, p.date, p.url) == ("d1", 10, 20, "2020-10-01", "https://example.org/a")
    assert (p.attributed_to, p.denied_by, p.confidence, p.cameo) == ("ARM", ("AZE", "TUR"), 0.612, "15")
    assert kg.edge("TUR", "deploysForcesTo", "AZE") is None  # no asserted edge


def test_graph_relation_without_date_takes_the_document_date():
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", "2021-03-04", [_relation("d1", "ARM", "accuses", "AZE")]))
    assert kg.edge("ARM", "accuses", "AZE")["first_seen"] == "2021-03-04"


def test_graph_edges_are_keyed_by_predicate_and_modality():
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", None, [
        _relation("d1", "ARM", "attacks", "AZE"),
        _relation("d1", "ARM", "attacks", "AZE", "claimed", attributed_to="AZE"),
        _relation("d1", "ARM", "accuses", "AZE"),
    ]))
    assert sorted(kg.graph["ARM"]["AZE"]) == [("accuses", "asserted"), ("attacks", "asserted"), ("attacks", "claimed")]


@pytest.mark.parametrize("first, second", [(("ARM", "RUS"), ("RUS", "ARM")), (("RUS", "ARM"), ("ARM", "RUS"))])
def test_graph_symmetric_predicate_is_stored_once_in_canonical_order(first, second):
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", None, [_relation("d1", first[0], "allyOf", first[1])]))
    kg.add_extraction(_extraction("d2", None, [_relation("d2", second[0], "allyOf", second[1])]))
    assert list(kg.graph.edges(keys=True)) == [("ARM", "RUS", ("allyOf", "asserted"))]
    assert kg.edge("RUS", "allyOf", "ARM")["support"] == 2


def test_graph_same_document_is_added_once_by_id_or_text():
    kg = KnowledgeGraph(entries={})
    extraction = _extraction("d1", None, [_relation("d1", "ARM", "accuses", "AZE")])
    assert kg.add_extraction(extraction)
    assert not kg.add_extraction(extraction)
    same_text = _extraction("other-id", None, [_relation("other-id", "ARM", "accuses", "AZE")], text="text of d1")
    assert not kg.add_extraction(same_text)
    assert kg.edge("ARM", "accuses", "AZE")["support"] == 1
    assert kg.nodes["ARM"]["mentions"] == 2


def test_graph_nodes_get_iso3_and_gazetteer_qid():
    entities = (Entity("d1", "ARM", "State", "Armenia"), Entity("d1", "CSTO", "Organization", "CSTO"),
                Entity("d1", "nowhere-land", "Region", "Nowhere Land"))
    relations = (_relation("d1", "ARM", "memberOf", "CSTO"), _relation("d1", "nowhere-land", "locatedIn", "ARM"))
    kg = KnowledgeGraph()
    kg.add_extraction(Extraction(Document("d1", "text"), entities, relations))
    assert (kg.nodes["ARM"]["iso3"], kg.nodes["ARM"]["qid"]) == ("ARM", "Q399")
    assert "iso3" not in kg.nodes["CSTO"] and kg.nodes["CSTO"]["qid"] == "Q318693"
    assert "qid" not in kg.nodes["nowhere-land"]


def test_graph_unknown_predicate_is_skipped():
    kg = KnowledgeGraph(entries={})
    kg.add_extraction(_extraction("d1", None, [_relation("d1", "ARM", "likes", "AZE")]))
    assert kg.graph.number_of_edges() == 0


def test_graph_from_seed_extraction(seed_extraction):
    kg = KnowledgeGraph.from_extractions([seed_extraction])
    assert kg.edge("RUS", "allyOf", "ARM") is not None
    assert kg.documents[seed_extraction.document.id].content_hash.startswith("sha256:")
    assert all(data["support"] == 1 for _, _, data in kg.edges())


def test_graph_neighbours_by_predicate_and_direction():
    kg = KnowledgeGraph.from_rows([
        ("d1", None, "ARM", "memberOf", "CSTO"),
        ("d1", None, "RUS", "memberOf", "CSTO"),
        ("d1", None, "ARM", "allyOf", "RUS"),
        ("d2", None, "TUR", "attacks", "ARM", "hypothetical"),
    ])
    assert neighbours(kg, "CSTO", "memberOf") == ["ARM", "RUS"]
    assert neighbours(kg, "CSTO", "memberOf", direction="out") == []
    assert neighbours(kg, "ARM") == ["CSTO", "RUS"]
    assert neighbours(kg, "ARM", modality=None) == ["CSTO", "RUS", "TUR"]
    assert neighbours(kg, "RUS", "allyOf", direction="out") == ["ARM"]  # symmetric: any direction


def test_graph_dyad_history_is_dated_and_both_ways():
    kg = KnowledgeGraph.from_rows([
        ("d3", "2020-10-10", "AZE", "accuses", "ARM"),
        ("d1", "2020-09-27", "ARM", "conflictWith", "AZE"),
        ("d2", "2020-10-01", "ARM", "talksWith", "RUS"),
    ])
    history = dyad_history(kg, "AZE", "ARM")
    assert [(e.date, e.predicate, e.doc) for e in history] == [
        ("2020-09-27", "conflictWith", "d1"), ("2020-10-10", "accuses", "d3"),
    ]


def test_graph_goldstein_balance_sums_asserted_evidence():
    kg = KnowledgeGraph.from_rows([
        ("d1", None, "ARM", "accuses", "AZE"),            # -2
        ("d2", None, "AZE", "accuses", "ARM"),            # -2
        ("d2", None, "AZE", "attacks", "ARM", "claimed"),  # not asserted: ignored
        ("d3", None, "ARM", "talksWith", "AZE"),          # +1
        ("d3", None, "RUS", "allyOf", "ARM"),             # +6
    ])
    balance = goldstein_balance(kg)
    assert balance == {("ARM", "RUS"): 6.0, ("ARM", "AZE"): -3.0}


def test_graph_centrality_ranks_the_hub_first():
    kg = KnowledgeGraph.from_rows([("d1", None, "RUS", "talksWith", x) for x in ("ARM", "AZE", "TUR")])
    for measure in ("degree", "betweenness", "pagerank"):
        assert next(iter(centrality(kg, measure))) == "RUS"
    with pytest.raises(ValueError):
        centrality(kg, "closeness-ish")


def test_graph_and_rdf_do_not_import_spacy():
    code = (
        "import sys, kg.graph, kg.graph.graphml, kg.rdf, kg.rdf.store, kg.rdf.query, kg.rdf.validate, kg.rdf.bench\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
