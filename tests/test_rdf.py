"""kg.rdf.convert: KnowledgeGraph <-> RDF (the RDF model of DESIGN.md).

Graphs are compared by isomorphism (``graph_difference``: rdflib.compare; a failing
assert shows the triples only one side has), never as Turtle text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.graph import KnowledgeGraph
from kg.records import Document, Entity, Evidence, Extraction, Relation
from kg.rdf.bench import synthetic_graph
from kg.rdf.convert import from_rdflib, graph_difference, to_rdflib
from kg.vocab import IR, IRDOC, IRR, PROV


@pytest.fixture(scope="module")
def modal_graph() -> KnowledgeGraph:
    """One relation in each modality, plus a symmetric one."""
    return KnowledgeGraph.from_rows([
        ("d1", "2020-10-08", "ARM", "accuses", "AZE"),
        ("d1", "2020-10-08", "TUR", "deploysForcesTo", "AZE", "claimed"),
        ("d1", "2020-10-08", "RUS", "attacks", "TUR", "hypothetical"),
        ("d1", "2020-10-08", "IRN", "sanctions", "ARM", "negated"),
        ("d2", "2020-10-09", "RUS", "allyOf", "ARM"),
    ])


def _statements(graph: Graph, subject, predicate, object):
    return [
        st for st in graph.subjects(RDF.type, IR.Statement)
        if (st, RDF.subject, subject) in graph and (st, RDF.predicate, predicate) in graph and (st, RDF.object, object) in graph
    ]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rdf_round_trip_is_lossless_and_isomorphic(seed):
    kg = synthetic_graph(40, seed=seed)
    rdf = to_rdflib(kg)
    back = from_rdflib(rdf)
    assert back.to_dict() == kg.to_dict()
    assert not graph_difference(rdf, to_rdflib(back))


def test_rdf_round_trip_of_the_seed(seed_extraction):
    kg = KnowledgeGraph.from_extractions([seed_extraction])
    rdf = to_rdflib(kg)
    assert from_rdflib(rdf) == kg
    assert not graph_difference(rdf, to_rdflib(from_rdflib(rdf)))


def test_rdf_round_trip_through_ntriples_and_turtle(modal_graph):
    rdf = to_rdflib(modal_graph)
    assert not graph_difference(rdf, Graph().parse(data=rdf.serialize(format="nt"), format="nt"))
    # rdflib's Turtle writer rewrites the decimal "6" as 6.0 (another lexical form,
    # so not isomorphic); the values, and so the KnowledgeGraph, survive.
    turtle = Graph().parse(data=rdf.serialize(format="turtle"), format="turtle")
    assert from_rdflib(turtle) == modal_graph


@pytest.mark.parametrize("subject, predicate, object, modality", [
    ("TUR", "deploysForcesTo", "AZE", IR.Claimed),
    ("RUS", "attacks", "TUR", IR.Hypothetical),
    ("IRN", "sanctions", "ARM", IR.Negated),
])
def test_rdf_only_asserted_relations_get_direct_triples(modal_graph, subject, predicate, object, modality):
    rdf = to_rdflib(modal_graph)
    s, p, o = IRR[subject], IR[predicate], IRR[object]
    assert (s, p, o) not in rdf
    (statement,) = _statements(rdf, s, p, o)
    assert (statement, IR.modality, modality) in rdf


def test_rdf_asserted_relation_has_direct_triple_and_statement(modal_graph):
    rdf = to_rdflib(modal_graph)
    assert (IRR.ARM, IR.accuses, IRR.AZE) in rdf
    assert (IRR.AZE, IR.accuses, IRR.ARM) not in rdf
    (statement,) = _statements(rdf, IRR.ARM, IR.accuses, IRR.AZE)
    assert (statement, IR.modality, IR.Asserted) in rdf
    assert (statement, PROV.wasDerivedFrom, IRDOC.d1) in rdf
    assert (statement, IR.eventDate, Literal("2020-10-08", datatype=XSD.date)) in rdf
    assert (statement, IR.cameoCode, None) not in rdf  # from_rows gives no CAMEO code
    assert rdf.value(statement, IR.goldstein).toPython() == Decimal("-2")


def test_rdf_symmetric_direct_triples_both_ways_statement_once(modal_graph):
    rdf = to_rdflib(modal_graph)
    assert (IRR.ARM, IR.allyOf, IRR.RUS) in rdf and (IRR.RUS, IR.allyOf, IRR.ARM) in rdf
    assert len(_statements(rdf, IRR.ARM, IR.allyOf, IRR.RUS)) == 1
    assert _statements(rdf, IRR.RUS, IR.allyOf, IRR.ARM) == []
    assert (IR.allyOf, RDF.type, OWL.SymmetricProperty) in rdf
    assert (IR.accuses, RDF.type, OWL.SymmetricProperty) not in rdf


def test_rdf_qualifiers_of_a_claim(seed_extraction):
    rdf = to_rdflib(KnowledgeGraph.from_extractions([seed_extraction]))
    claims = [st for st in rdf.subjects(IR.modality, IR.Claimed)]
    assert claims, "the seed reports a claim"
    for st in claims:
        assert rdf.value(st, IR.attributedTo) is not None
        assert rdf.value(st, IR.evidenceText) is not None
        assert rdf.value(st, IR.confidence).datatype == XSD.decimal
    deployment = _statements(rdf, IRR.TUR, IR.deploysForcesTo, IRR.AZE)
    if deployment:
        assert set(rdf.objects(deployment[0], IR.deniedBy)) == {IRR.AZE, IRR.TUR}


def test_rdf_entities_and_documents_are_described():
    kg = KnowledgeGraph.from_rows([("d1", "2020-10-08", "vladimir-putin", "leaderOf", "RUS")])
    rdf = to_rdflib(kg)
    assert (IRR.RUS, RDF.type, IR.State) in rdf
    assert (IRR.RUS, RDFS.label, Literal("Russia", lang="en")) in rdf
    assert (IRR.RUS, IR.iso3, Literal("RUS")) in rdf
    assert (IRR.RUS, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q159")) in rdf
    assert (IRR["vladimir-putin"], RDF.type, IR.Person) in rdf
    assert (IRR["vladimir-putin"], IR.iso3, None) not in rdf
    assert (IRDOC.d1, RDF.type, IR.Document) in rdf
    assert str(rdf.value(IRDOC.d1, IR.contentHash)).startswith("sha256:")


def test_rdf_statement_iris_are_deterministic_and_content_addressed():
    rows = [("d1", "2020-10-08", "ARM", "accuses", "AZE")]
    first, second = to_rdflib(KnowledgeGraph.from_rows(rows)), to_rdflib(KnowledgeGraph.from_rows(rows))
    assert set(first.subjects(RDF.type, IR.Statement)) == set(second.subjects(RDF.type, IR.Statement))
    other = to_rdflib(KnowledgeGraph.from_rows([("d1", "2020-10-09", "ARM", "accuses", "AZE")]))
    assert set(first.subjects(RDF.type, IR.Statement)).isdisjoint(other.subjects(RDF.type, IR.Statement))


def test_rdf_odd_ids_survive_as_iris():
    kg = KnowledgeGraph(entries={})
    entities = (Entity("doc 1/é", "a b", "Other", "A B"), Entity("doc 1/é", "ARM", "State", "Armenia"))
    relation = Relation("doc 1/é", "a b", "supports", "ARM", evidence=Evidence('said "yes"\n', 0, 10))
    kg.add_extraction(Extraction(Document("doc 1/é", 'Text with "quotes"\nand a newline'), entities, (relation,)))
    rdf = to_rdflib(kg)
    assert all(" " not in str(s) for s in rdf.subjects())
    assert from_rdflib(rdf) == kg
