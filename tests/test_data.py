"""The data files load and agree with each other and with the ontology."""

import json
import re
from collections import Counter, defaultdict

import pycountry
import pytest

from kg.data import data_path
from kg.relations.lexicon import load_lexicon
from kg.resolve.names import name_key, slugify
from kg.resolve.tables import load_gazetteer, read_csv
from kg.vocab import load_vocabulary

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_data_states_are_un_members_observers_kosovo_taiwan():
    rows = read_csv(data_path("states.csv"))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 197
    assert {"XKX", "TWN", "PSE", "VAT"} <= set(ids)
    assert all(pycountry.countries.get(alpha_3=i) for i in ids if i != "XKX")
    assert all(r["capitals"] for r in rows if r["id"] != "BEL")


@pytest.mark.parametrize("name, minimum", [("organizations.csv", 80), ("groups.csv", 50), ("regions.csv", 50)])
def test_data_tables_have_unique_well_formed_ids(name, minimum):
    rows = read_csv(data_path(name))
    ids = [r["id"] for r in rows]
    assert len(rows) >= minimum
    assert len(ids) == len(set(ids))
    for row in rows:
        if name == "organizations.csv":
            assert row["id"].isupper() or SLUG.match(row["id"]), row["id"]
        else:
            assert SLUG.match(row["id"]), row["id"]


def test_data_people_ids_are_slugs_of_names_with_consistent_rows():
    rows = read_csv(data_path("people.csv"))
    by_id = defaultdict(set)
    for row in rows:
        assert row["id"] == slugify(row["name"].rstrip(".")), row["id"]
        assert row["role"] in ("leaderOf", "officialOf")
        assert not row["end"] or row["start"] <= row["end"], row["id"]
        by_id[row["id"]].add((row["name"], row["qid"]))
    assert len(by_id) >= 150
    assert all(len(v) == 1 for v in by_id.values())


def test_data_ids_have_one_type_and_qids_are_unique(gazetteer):
    qids = Counter(e.qid for e in gazetteer.entries.values() if e.qid)
    assert all(QID.match(q) for q in qids)
    assert [q for q, n in qids.items() if n > 1] == []
    types = {e.type for e in gazetteer.entries.values()}
    assert types == {"State", "Organization", "Other", "Region", "Person"}


def test_data_no_surface_names_two_entities(gazetteer):
    owners = defaultdict(set)
    for surface in gazetteer.surfaces:
        owners[surface.text].add(surface.id)
    clashes = {text: ids for text, ids in owners.items() if len(ids) > 1}
    assert clashes == {}


def test_data_every_state_has_its_capital_and_demonym_surfaces(gazetteer):
    kinds = defaultdict(set)
    for surface in gazetteer.surfaces:
        kinds[surface.id].add(surface.kind)
    states = [e.id for e in gazetteer.entries.values() if e.type == "State"]
    assert all("capital" in kinds[s] for s in states if s != "BEL")
    assert sum("demonym" in kinds[s] for s in states) >= 180


def test_data_context_rules_name_known_ids_and_never_fire_unconditionally(gazetteer):
    for rule in gazetteer.rules:
        assert rule.id in gazetteer.entries, rule.rule
        assert rule.context or rule.context_all or rule.context_none, rule.rule
        for ids in (rule.context, rule.context_all, rule.context_none, rule.paired_with):
            assert set(ids) <= set(gazetteer.entries), rule.rule


def test_data_cues_agree_with_the_ontology_and_have_examples():
    vocab = load_vocabulary()
    lexicon = load_lexicon()
    assert {c.predicate for c in lexicon.cues.values()} <= set(vocab)
    for cue in lexicon.cues.values():
        assert len(cue.examples) >= 2, cue.name
        for example in cue.examples:
            assert example["expect"][1] == cue.predicate and example["expect"][3] in ("asserted", "claimed", "hypothetical", "negated")


def test_vocab_matches_design_table():
    vocab = load_vocabulary()
    assert set(vocab) == {
        "allyOf", "accuses", "neighbourOf", "memberOf", "conflictWith", "attacks", "leaderOf", "officialOf",
        "talksWith", "threatens", "condemns", "appealsTo", "supports", "mediates", "severRelationsWith",
        "restoreRelationsWith", "sanctions", "deploysForcesTo", "locatedIn",
        "signsAgreementWith", "visits", "providesAidTo", "yieldsTo", "demands", "rejects", "coerces",
        "investigates", "protestsAgainst",
    }
    assert {p for p, v in vocab.items() if v.symmetric} == {
        "allyOf", "neighbourOf", "conflictWith", "talksWith", "restoreRelationsWith", "signsAgreementWith"}
    assert vocab["sanctions"].cameo == "163" and vocab["sanctions"].goldstein == -8.0


def test_vocab_every_cameo_root_but_public_statements_has_a_predicate():
    """CAMEO roots 02-20 each have a predicate, except 03 (intent to cooperate: the hypothetical modality of the
    cooperative predicates) and 18, 20 (assault, mass violence: read as attacks)."""
    roots = {p.cameo[:2] for p in load_vocabulary().values() if p.cameo}
    assert {f"{n:02d}" for n in range(2, 21)} - {"03", "18", "20"} <= roots
    for predicate in load_vocabulary().values():
        if predicate.cameo:
            assert predicate.plover and predicate.polarity in ("cooperative", "conflictual"), predicate.name


def test_data_machine_translation_aliases_are_families():
    with open(data_path("context_aliases.jsonl"), encoding="utf-8") as stream:
        rules = [json.loads(line) for line in stream if line.strip()]
    zh = [r for r in rules if r["rule"].startswith("zh-")]
    assert len(zh) >= 8
    assert all(len(r["texts"]) >= 2 for r in zh)
    assert any(name_key(t) == "asia" for r in zh for t in r["texts"])


def test_data_subdivisions_are_first_level_regions_of_states(gazetteer):
    rows = read_csv(data_path("subdivisions.csv"))
    states = {r["id"] for r in read_csv(data_path("states.csv"))}
    ids = [r["id"] for r in rows]
    assert len(rows) >= 1500 and len(ids) == len(set(ids))
    assert all(SLUG.match(i) for i in ids)
    assert {r["located_in"] for r in rows} <= states
    assert all(pycountry.subdivisions.get(code=r["iso"]) for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["sughd"]["located_in"] == "TJK" and by_id["sughd"]["bare"] == "yes"
    # names of states, capitals and common words never stand alone
    assert "georgia" not in by_id and "niger" not in by_id
    assert by_id["delta"]["bare"] == "no" and by_id["tehran"]["bare"] == "no"
    # a subdivision named by two states ("Punjab") is left out
    assert "punjab" not in by_id


def test_data_subdivisions_do_not_shadow_other_table_names(gazetteer):
    table_names = {name_key(s.text) for s in gazetteer.surfaces}
    for sub in gazetteer.subdivisions.values():
        if sub.bare:
            assert not table_names & {name_key(n) for n in sub.names}, sub.id


def test_data_state_nicknames_are_aliases(gazetteer):
    owners = {s.text: s.id for s in gazetteer.surfaces}
    assert owners["Hermit Kingdom"] == "PRK" and owners["Land of the Rising Sun"] == "JPN"
