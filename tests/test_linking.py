"""Linking to Wikidata: the qid columns of the tables and owl:sameAs in the RDF output."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

from kg.data import data_path
from kg.graph import KnowledgeGraph
from kg.rdf.convert import PREFIXES, WD, entity_id, entity_iri, to_rdflib
from kg.rdf.store import open_store
from kg.reference import cached_reference, enrich_store
from kg.resolve.tables import cached_gazetteer, read_csv

QID = re.compile(r"^Q[1-9][0-9]*$")
TABLES = ("states.csv", "organizations.csv", "groups.csv", "regions.csv", "people.csv")

#: Organisations of the membership table whose Wikidata item is not in organizations.csv (not known for sure).
NO_QID_YET = {"AES", "B9", "QUAD", "V4"}


@pytest.mark.parametrize("table", TABLES)
def test_linking_qids_are_well_formed(table):
    bad = [(row["id"], row["qid"]) for row in read_csv(data_path(table)) if row.get("qid") and not QID.match(row["qid"])]
    assert bad == []


def test_linking_qids_are_unique_across_tables():
    owners: dict[str, set[str]] = {}
    for table in TABLES:
        for row in read_csv(data_path(table)):
            if row.get("qid"):
                owners.setdefault(row["qid"], set()).add(row["id"])  # people.csv repeats a person's qid per term
    assert {qid: ids for qid, ids in owners.items() if len(ids) > 1} == {}


def test_linking_a_person_has_one_qid_over_all_their_terms():
    qids: dict[str, set[str]] = {}
    for row in read_csv(data_path("people.csv")):
        qids.setdefault(row["id"], set()).add(row["qid"])
    assert [person for person, values in qids.items() if len(values) > 1] == []


def test_linking_every_state_and_the_organisations_of_the_reference_have_qids():
    gazetteer = cached_gazetteer()
    states = [e for e in gazetteer.entries.values() if e.type == "State"]
    assert len(states) == 197 and all(e.qid for e in states)
    organisations = {f.object for f in cached_reference().of("memberOf")}
    assert {o for o in organisations if not gazetteer.entries[o].qid} <= NO_QID_YET


@pytest.mark.parametrize("id, qid", [("ARM", "Q399"), ("AZE", "Q227"), ("RUS", "Q159"), ("NATO", "Q7184"),
                                     ("CSTO", "Q318693"), ("EU", "Q458"), ("UN", "Q1065"), ("vladimir-putin", "Q7747")])
def test_linking_rdf_output_carries_same_as(id, qid):
    kg = KnowledgeGraph.from_rows([("d1", "2020-10-08", id, "talksWith", "TUR")])
    graph = to_rdflib(kg)
    assert (URIRef(entity_iri(id)), OWL.sameAs, URIRef(WD + qid)) in graph


def test_linking_every_state_and_organisation_in_an_enriched_store_has_its_item():
    store = open_store(None)
    enrich_store(store, ["borders", "memberships"])
    rows = store.query("""
        SELECT ?type ?x ?item WHERE { VALUES ?type { ir:State ir:Organization } ?x a ?type OPTIONAL { ?x owl:sameAs ?item } }
    """, prefixes=PREFIXES)
    missing, items = set(), {}
    for row in rows:
        id = entity_id(row["x"].value)
        if row["item"] is None:
            missing.add(id)
        else:
            items[id] = (row["type"].value.rsplit("#", 1)[-1], row["item"].value)
    assert missing <= NO_QID_YET
    assert items["ARM"] == ("State", WD + "Q399") and items["CSTO"] == ("Organization", WD + "Q318693")
    assert Counter(kind for kind, _ in items.values())["State"] == 197
