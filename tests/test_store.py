"""kg.rdf.store: the Oxigraph store — writing, incremental builds, export; kg.rdf.validate.

Graphs are compared by isomorphism (``graph_difference``), never as text.
"""

from __future__ import annotations

import io

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg.graph import KnowledgeGraph
from kg.rdf.bench import synthetic_graph
from kg.rdf.convert import graph_difference, to_rdflib
from kg.rdf.store import (
    EXPORT_FORMATS,
    StoreError,
    build_store,
    document_index,
    export_store,
    load_graph,
    open_store,
    store_stats,
    triple_count,
    write_graph,
)
from kg.rdf.validate import store_to_rdflib, validate_graph
from kg.records import Document, Entity, Extraction, Mention, Relation
from kg.vocab import IR, IRR


def _extraction(doc: str, text: str, relations: list[tuple[str, str, str]], mentions: int = 1) -> Extraction:
    ids = sorted({s for s, _, _ in relations} | {o for _, _, o in relations})
    entities = tuple(Entity(doc, i, "State", i, (Mention(i, 0, 1),) * mentions) for i in ids)
    rels = tuple(Relation(doc, s, p, o, date="2020-10-08") for s, p, o in relations)
    return Extraction(Document(doc, text, "2020-10-08"), entities, rels)


@pytest.fixture
def corpus() -> dict[str, Extraction]:
    return {
        "d1": _extraction("d1", "one", [("ARM", "accuses", "AZE"), ("ARM", "allyOf", "RUS")], mentions=2),
        "d2": _extraction("d2", "two", [("ARM", "accuses", "AZE")], mentions=3),
        "d3": _extraction("d3", "three", [("RUS", "talksWith", "TUR")]),
    }


def _extractor(corpus, calls: list):
    def extract(documents):
        for document in documents:
            calls.append(document.id)
            yield corpus[document.id]

    return extract


def test_store_write_is_idempotent_and_isomorphic_to_rdflib():
    kg = synthetic_graph(30, seed=3)
    store = open_store(None)
    write_graph(store, kg)
    count = triple_count(store)
    assert count == len(to_rdflib(kg))
    assert not graph_difference(to_rdflib(kg), store_to_rdflib(store))
    assert load_graph(store) == kg


def test_store_incremental_build_equals_one_build(corpus, tmp_path):
    documents = [c.document for c in corpus.values()]
    whole = open_store(tmp_path / "whole")
    build_store(whole, documents, _extractor(corpus, []))
    parts = open_store(tmp_path / "parts")
    build_store(parts, documents[:1], _extractor(corpus, []))
    build_store(parts, documents, _extractor(corpus, []), batch_size=1)
    assert not graph_difference(store_to_rdflib(whole), store_to_rdflib(parts))
    expected = KnowledgeGraph.from_extractions(corpus.values(), entries={})
    assert load_graph(parts).to_dict()["edges"] == expected.to_dict()["edges"]
    assert load_graph(parts).nodes["ARM"]["mentions"] == 2 + 3
    assert load_graph(parts).edge("ARM", "accuses", "AZE")["support"] == 2


def test_store_build_skips_known_documents_by_id_and_text(corpus, tmp_path):
    store = open_store(tmp_path / "store")
    calls: list = []
    first = build_store(store, [corpus["d1"].document], _extractor(corpus, calls))
    count = triple_count(store)
    renamed = Document("d1-again", "one", "2020-10-08")  # same text, other id
    second = build_store(store, [corpus["d1"].document, renamed], _extractor(corpus, calls))
    assert (first.added, second.added, second.skipped) == (["d1"], [], ["d1", "d1-again"])
    assert calls == ["d1"]  # the extractor never saw the known documents
    assert second.transactions == 0 and triple_count(store) == count
    assert document_index(store)[0] == {"d1"}


def test_store_build_writes_one_transaction_per_batch(corpus):
    store = open_store(None)
    report = build_store(store, [c.document for c in corpus.values()], _extractor(corpus, []), batch_size=2)
    assert report.transactions == 2 and report.added == ["d1", "d2", "d3"]


def test_store_mention_count_is_one_value_after_updates(corpus):
    store = open_store(None)
    for doc in ("d1", "d2"):
        build_store(store, [corpus[doc].document], _extractor(corpus, []))
    counts = list(store.quads_for_pattern(ox.NamedNode(str(IRR.ARM)), ox.NamedNode(str(IR.mentionCount)), None))
    assert [q.object.value for q in counts] == ["5"]


def test_store_stats_counts_by_type_predicate_and_modality(corpus):
    store = open_store(None)
    build_store(store, [c.document for c in corpus.values()], _extractor(corpus, []))
    stats = store_stats(store)
    assert stats["documents"] == 3
    assert stats["entities"] == {"State": 4}
    accuses = next(r for r in stats["relations"] if r["predicate"] == "accuses")
    assert accuses == {"predicate": "accuses", "modality": "asserted", "statements": 2, "edges": 1}
    assert stats["triples"] == triple_count(store)


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_store_export_formats_parse_back(name, tmp_path):
    kg = synthetic_graph(10, seed=4)
    store = open_store(None)
    write_graph(store, kg)
    path = tmp_path / f"graph.{name}"
    export_store(store, path, name)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    if name == "graphml":
        back = nx.read_graphml(path, force_multigraph=True)
        assert back.number_of_edges() == kg.graph.number_of_edges()
        assert set(back.nodes) == set(kg.nodes)
        return
    rdf_format = {"ttl": "turtle", "nt": "nt", "nq": "nt", "jsonld": "json-ld"}[name]  # nq: default graph only
    assert not graph_difference(store_to_rdflib(store), Graph().parse(path, format=rdf_format))
    again = open_store(None)
    again.load(path=path, format=EXPORT_FORMATS[name])
    assert triple_count(again) == triple_count(store)


def test_store_export_to_a_stream_uses_oxigraph_prefixes():
    store = open_store(None)
    write_graph(store, KnowledgeGraph.from_rows([("d1", None, "ARM", "allyOf", "RUS")]))
    stream = io.BytesIO()
    export_store(store, stream, "ttl")
    text = stream.getvalue().decode("utf-8")
    assert "@prefix irr: <https://ir-kg.org/resource/>" in text and "irr:ARM ir:allyOf irr:RUS" in text


def test_store_open_errors(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing", read_only=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        open_store(tmp_path / "file")
    writer = open_store(tmp_path / "store")
    with pytest.raises(StoreError, match="another process"):
        open_store(tmp_path / "store")
    write_graph(writer, KnowledgeGraph.from_rows([("d1", None, "ARM", "allyOf", "RUS")]))
    assert triple_count(open_store(tmp_path / "store", read_only=True)) == triple_count(writer)


def test_validate_passes_on_written_graph(seed_extraction):
    store = open_store(None)
    write_graph(store, KnowledgeGraph.from_extractions([seed_extraction]))
    report = validate_graph(store_to_rdflib(store))
    assert report.conforms, report.text()


@pytest.mark.parametrize("breakage, message", [
    ("float confidence", "ir:confidence"),
    ("state without iso3", "ir:iso3"),
    ("statement about an undescribed actor", "described actor"),
    ("statement without modality", "ir:modality"),
    ("two document hashes", "ir:contentHash"),
])
def test_validate_fails_on_a_broken_graph(breakage, message):
    data = to_rdflib(KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "accuses", "AZE")]))
    statement = next(data.subjects(RDF.type, IR.Statement))
    if breakage == "float confidence":
        data.set((statement, IR.confidence, Literal(0.5)))
    elif breakage == "state without iso3":
        data.remove((IRR.ARM, IR.iso3, None))
    elif breakage == "statement about an undescribed actor":
        data.set((statement, RDF.object, IRR.nobody))
    elif breakage == "statement without modality":
        data.remove((statement, IR.modality, None))
    elif breakage == "two document hashes":
        document = next(data.subjects(RDF.type, IR.Document))
        data.add((document, IR.contentHash, Literal("sha256:" + "0" * 64)))
    report = validate_graph(data)
    assert not report.conforms
    assert any(message in str(p) for p in report.violations), report.text()


def test_validate_warns_on_an_unattributed_claim_without_failing():
    data = to_rdflib(KnowledgeGraph.from_rows([("d1", "2020-10-08", "TUR", "attacks", "ARM", "claimed")]))
    report = validate_graph(data)
    assert report.conforms and not report.violations
    assert [p.message for p in report.warnings] == ["A claimed statement should name who claims it (ir:attributedTo)."]
    statement = next(data.subjects(RDF.type, IR.Statement))
    data.add((statement, IR.attributedTo, IRR.ARM))
    assert validate_graph(data).warnings == []
