"""Event tables: kg export --format events (GDELT 2.0-shaped CSV / Parquet) and --format plover."""

from __future__ import annotations

import gc
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.rdf.events import COLUMNS, arrow_schema, csv_dtypes, date_columns, event_id, export_events
from kg.rdf.store import open_store, write_graph
from kg.records import Document, Entity, Evidence, Extraction, Relation
from kg.vocab import load_vocabulary

runner = CliRunner()

CLAIM = "Azerbaijan said Armenian forces shelled Ganja, which Yerevan denied."
TALKS = "Vladimir Putin held talks with Ilham Aliyev in Moscow."


def _extractions() -> list[Extraction]:
    first = Document("wire-1", f"{TALKS} {CLAIM}", "2020-10-11", "Talks in Moscow",
                     "https://example.org/wire-1", "Example Wire")
    second = Document("paper-2", TALKS, "2020-10-12", None, None, "Example Paper")
    entities = lambda doc: tuple(  # noqa: E731
        Entity(doc, id, type, label) for id, type, label in (
            ("ARM", "State", "Armenia"), ("AZE", "State", "Azerbaijan"), ("RUS", "State", "Russia"),
            ("vladimir-putin", "Person", "Vladimir Putin"), ("ilham-aliyev", "Person", "Ilham Aliyev")))
    talks = Evidence(TALKS, 0, len(TALKS))
    claim = Evidence(CLAIM, len(TALKS) + 1, len(TALKS) + 1 + len(CLAIM))
    return [
        Extraction(first, entities("wire-1"), (
            Relation("wire-1", "vladimir-putin", "talksWith", "ilham-aliyev", confidence=0.8, evidence=talks),
            Relation("wire-1", "ARM", "attacks", "AZE", "claimed", attributed_to="AZE", denied_by=("ARM",),
                     date="2020-10-10", confidence=0.6, cameo="195", evidence=claim),
            Relation("wire-1", "vladimir-putin", "leaderOf", "RUS", confidence=0.9, evidence=talks),
            Relation("wire-1", "ilham-aliyev", "leaderOf", "AZE", confidence=0.9, evidence=talks),
        )),
        Extraction(second, entities("paper-2"), (
            Relation("paper-2", "vladimir-putin", "talksWith", "ilham-aliyev", confidence=0.8, evidence=talks),
        )),
    ]


def _store(location=None):
    kg = KnowledgeGraph()
    for extraction in _extractions():
        kg.add_extraction(extraction)
    store = open_store(location)
    write_graph(store, kg)
    return store


@pytest.fixture(scope="module")
def store():
    return _store()


@pytest.fixture(scope="module")
def table(store, tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("events") / "events.csv"
    assert export_events(store, path, "csv") == 3
    return pd.read_csv(path, dtype=csv_dtypes(), parse_dates=date_columns())


def _row(table: pd.DataFrame, predicate: str) -> pd.Series:
    (index,) = table.index[table["predicate"] == predicate]
    return table.loc[index]


def test_csv_reads_back_with_the_declared_column_types(table):
    assert list(table.columns) == [c.name for c in COLUMNS]
    types = table.dtypes.astype(str).to_dict()
    assert types["GLOBALEVENTID"] == "Int64" and types["SQLDATE"] == "Int32" and types["QuadClass"] == "Int8"
    assert types["EventCode"] == "string" and types["Actor1CountryCode"] == "string"
    assert types["GoldsteinScale"] == "float64" and types["symmetric"] == "boolean"
    assert types["event_date"].startswith("datetime64") and types["document_date"].startswith("datetime64")
    # CAMEO codes keep their leading zeros
    assert set(table.loc[table["predicate"] == "talksWith", "EventCode"]) == {"04"}


def test_a_csv_row_is_the_statement_of_the_store(store, table):
    (found,) = store.query("""
        SELECT ?st ?s ?o ?m ?g ?code ?by ?denier ?date WHERE {
          ?st rdf:predicate ir:attacks ; rdf:subject ?s ; rdf:object ?o ; ir:modality ?m ;
              ir:goldstein ?g ; ir:cameoCode ?code ; ir:attributedTo ?by ; ir:deniedBy ?denier ; ir:eventDate ?date .
        }""", prefixes={"ir": "https://ir-kg.org/ontology#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})
    row = _row(table, "attacks")
    assert row["statement"] == found["st"].value and row["GLOBALEVENTID"] == event_id(found["st"].value)
    assert (row["Actor1Code"], row["Actor2Code"]) == ("ARM", "AZE") == (
        found["s"].value.rsplit("/", 1)[1], found["o"].value.rsplit("/", 1)[1])
    assert (row["Actor1CountryCode"], row["Actor1Type1Code"], row["Actor1Name"]) == ("ARM", "GOV", "Armenia")
    assert row["modality"] == "claimed" == found["m"].value.rsplit("#", 1)[1].lower()
    assert row["attributed_to"] == "AZE" and row["denied_by"] == "ARM"
    assert row["EventCode"] == found["code"].value == "195"
    assert (row["EventBaseCode"], row["EventRootCode"], row["QuadClass"]) == ("195", "19", 4)
    assert row["GoldsteinScale"] == pytest.approx(float(found["g"].value))
    # the event's own date, not the article's
    assert row["SQLDATE"] == 20201010 and str(row["event_date"].date()) == found["date"].value == "2020-10-10"
    assert str(row["document_date"].date()) == "2020-10-11" and row["DATEADDED"] == 20201011000000
    assert row["SOURCEURL"] == "https://example.org/wire-1" and row["evidence"] == CLAIM
    assert row["IsRootEvent"] == 1 and row["evidence_start"] == len(TALKS) + 1


def test_an_event_from_two_articles_is_a_row_each_and_counts_both(table):
    rows = table[table["predicate"] == "talksWith"]
    assert sorted(rows["documents"]) == ["paper-2", "wire-1"] and sorted(rows["sources"]) == ["Example Paper", "Example Wire"]
    assert set(rows["NumArticles"]) == set(rows["NumMentions"]) == set(rows["NumSources"]) == {2}
    assert len(set(rows["GLOBALEVENTID"])) == 2
    row = rows[rows["documents"] == "wire-1"].iloc[0]
    assert {row["Actor1CountryCode"], row["Actor2CountryCode"]} == {"RUS", "AZE"}
    assert row["symmetric"] and row["plover"] == load_vocabulary()["talksWith"].plover
    assert row["SQLDATE"] == 20201011  # no event date: the earliest article's


def test_structural_statements_only_on_request(store):
    from kg.rdf.events import events

    names = lambda **options: sorted(e.predicate for e in events(store, **options))  # noqa: E731
    assert names() == ["attacks", "talksWith", "talksWith"]
    assert names(structural=True) == ["attacks", "leaderOf", "leaderOf", "talksWith", "talksWith"]
    assert names(modalities=["claimed"]) == ["attacks"]


def test_parquet_has_the_schema_and_the_rows_of_the_csv(store, table, tmp_path):
    path = tmp_path / "events.parquet"
    assert export_events(store, path, "parquet") == 3
    assert pq.read_schema(path).remove_metadata() == arrow_schema().remove_metadata()
    frame = pd.read_parquet(path)
    assert list(frame["statement"]) == list(table["statement"])
    assert list(frame["EventCode"]) == list(table["EventCode"])
    assert pq.read_schema(path).field("EventCode").metadata[b"gdelt"] == b"EventCode"


def test_plover_records(store, tmp_path):
    path = tmp_path / "events.jsonl"
    assert export_events(store, path, "plover") == 3
    records = {(r["predicate"], r["cite_info"]["citation"]): r
               for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    attack, talks = records["attacks", "wire-1"], records["talksWith", "paper-2"]
    assert attack["event"] == ["ASSAULT"] and attack["quad_code"] == 4 and attack["date"] == "2020-10-10"
    assert [a["code"] for a in attack["source"]] == ["ARM"] and [a["code"] for a in attack["recipient"]] == ["AZE"]
    assert (attack["modality"], attack["attributed_to"], attack["denied_by"]) == ("claimed", "AZE", ["ARM"])
    assert attack["event_text"] == [CLAIM] and attack["cite_info"]["url"] == "https://example.org/wire-1"
    # a meeting is reciprocal: both are sources, nobody is the recipient
    assert sorted(a["ir_id"] for a in talks["source"]) == ["ilham-aliyev", "vladimir-putin"]
    assert talks["recipient"] == [] and talks["event"] == ["CONSULT"]


def test_kg_export_events_from_the_command_line(tmp_path):
    location = tmp_path / "store"
    store = _store(location)
    del store
    gc.collect()
    csv_path, parquet_path = tmp_path / "e.csv", tmp_path / "e.parquet"
    result = runner.invoke(app, ["export", str(location), "--format", "events", "-o", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(csv_path, dtype=csv_dtypes())) == 3
    result = runner.invoke(app, ["export", str(location), "--format", "events", "-o", str(parquet_path)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(parquet_path)) == 3
    result = runner.invoke(app, ["export", str(location), "--format", "plover", "--structural"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 5
    result = runner.invoke(app, ["export", str(location), "--format", "events", "--modality", "maybe"])
    assert result.exit_code == 2 and "--modality must be one of" in result.output
    result = runner.invoke(app, ["export", str(location), "--format", "gdelt"])
    assert result.exit_code == 2 and "events" in result.output and "Traceback" not in result.output
