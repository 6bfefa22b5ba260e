"""Roles (``leaderOf`` / ``officialOf``) from titles, appositions, appointments and the people table."""

from __future__ import annotations

import pytest

from kg.records import Document

ROLES = ("leaderOf", "officialOf")


def roles(pipeline, text: str, date: str | None = "2024-03-01") -> set[tuple[str, str, str]]:
    extraction = pipeline.extract(Document(id="t", text=text, date=date))
    return {(r.subject, r.predicate, r.object) for r in extraction.relations if r.predicate in ROLES}


def of(found: set, person: str) -> set[tuple[str, str]]:
    return {(p, o) for s, p, o in found if s == person}


# -- 1. a title of one country's government names that country -----------------------------

@pytest.mark.parametrize(
    "text, person, expected",
    [
        ("Deputy Secretary of State Laura Whitfield said on Tuesday that buyers of Russian jets would face penalties.",
         "laura-whitfield", {("officialOf", "USA")}),
        ("Moscow tested a new missile. Under Secretary of State Daniel Okafor told reporters that China had been informed.",
         "daniel-okafor", {("officialOf", "USA")}),
    ],
)
def test_roles_title_of_one_government_names_its_state(pipeline, text, person, expected):
    assert of(roles(pipeline, text), person) == expected


@pytest.mark.parametrize(
    "text, person, expected",
    [
        ("Austria will tighten its border checks, Chancellor Klaus Ebner told reporters after a call with Hungary.",
         "klaus-ebner", {("leaderOf", "AUT")}),
        ("Germany will send more air defence systems, Chancellor Martin Vogt said after talks with Poland.",
         "martin-vogt", {("leaderOf", "DEU")}),
    ],
)
def test_roles_title_of_several_governments_takes_the_one_named(pipeline, text, person, expected):
    assert of(roles(pipeline, text), person) == expected


# -- 2. spokesman for X ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person, expected",
    [
        ("The decision was announced by Maria Lund, spokeswoman for NATO summit chair Jan Berg, after a long meeting.",
         "maria-lund", {("officialOf", "NATO")}),
        ("Kenji Sato, spokesman for the OSCE chairman, said the monitors had left Donetsk.",
         "kenji-sato", {("officialOf", "OSCE")}),
    ],
)
def test_roles_spokesman_for_a_leader_is_an_official_of_the_body(pipeline, text, person, expected):
    assert of(roles(pipeline, text), person) == expected


@pytest.mark.parametrize(
    "text, person, expected",
    [
        ("Egypt's foreign ministry spokesperson, Ahmed Fathy, rejected the claim made by Ethiopia.", "ahmed-fathy", {("officialOf", "EGY")}),
        ("Chile's government spokeswoman, Paula Soto, said Argentina had not replied.", "paula-soto", {("officialOf", "CHL")}),
    ],
)
def test_roles_spokesperson_of_a_states_organ_is_the_states(pipeline, text, person, expected):
    assert of(roles(pipeline, text), person) == expected


# -- 3. organs of a state ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person, state, wrong",
    [
        ("Niger's junta expelled the French ambassador. Junta spokesman Amadou Diallo said Nigeria, which chairs ECOWAS, had been warned.",
         "amadou-diallo", "NER", "NGA"),
        ("Sudan's army retook the bridge on Monday. Kenya, the current chair of IGAD, called for calm. "
         "Army spokesman Nabil Osman said the city was safe.", "nabil-osman", "SDN", "KEN"),
    ],
)
def test_roles_organ_title_takes_the_organs_state_not_a_nearby_one(pipeline, text, person, state, wrong):
    found = of(roles(pipeline, text), person)
    assert ("officialOf", state) in found
    assert not any(o == wrong for _, o in found) and not any(p == "leaderOf" for p, _ in found)


@pytest.mark.parametrize(
    "text, person, state",
    [
        ("The United States sanctioned Egypt's arms procurement agency and its group president Omar Said.", "omar-said", "EGY"),
        ("Brazil fined Argentina's state oil company and company president Luis Ortega on Friday.", "luis-ortega", "ARG"),
    ],
)
def test_roles_head_of_a_state_body_is_an_official_not_a_leader(pipeline, text, person, state):
    assert of(roles(pipeline, text), person) == {("officialOf", state)}


# -- 4. a name with two titles --------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person, expected",
    [
        ("Talks were held with the EU's special envoy, Finland's deputy foreign minister Anna Virtanen, in Baku.",
         "anna-virtanen", {("officialOf", "EU"), ("officialOf", "FIN")}),
        ("The African Union envoy, Kenyan Foreign Minister Peter Kamau, arrived in Khartoum on Sunday.",
         "peter-kamau", {("officialOf", "AU"), ("officialOf", "KEN")}),
    ],
)
def test_roles_name_with_two_titles_holds_both(pipeline, text, person, expected):
    assert of(roles(pipeline, text), person) == expected


# -- 5. appointments and envoys ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person, state, host",
    [
        ("Ankara decided to appoint Hakan Demir as Turkey's ambassador to Israel.", "hakan-demir", "TUR", "ISR"),
        ("Chile named Pedro Rojas as its ambassador to Peru on Monday.", "pedro-rojas", "CHL", "PER"),
        ("Peru's embassy in Santiago reopened in May. Chile named Pedro Rojas as its ambassador to Peru on Monday.", "pedro-rojas", "CHL", "PER"),
    ],
)
def test_roles_appointed_ambassador_represents_the_sender(pipeline, text, person, state, host):
    found = of(roles(pipeline, text), person)
    assert ("officialOf", state) in found and not any(o == host for _, o in found)


@pytest.mark.parametrize(
    "text, person, state",
    [
        ("Poland expelled staff of the Belarusian embassy in Warsaw. The permanent envoy, Igor Petrov, was not in the country.", "igor-petrov", "BLR"),
        ("Kenya summoned the ambassador of Somalia on Friday. The envoy, Abdi Warsame, had left Nairobi.", "abdi-warsame", "SOM"),
    ],
)
def test_roles_envoy_after_a_named_mission_is_that_states(pipeline, text, person, state):
    assert of(roles(pipeline, text), person) == {("officialOf", state)}


def test_roles_recognised_as_is_not_an_appointment(pipeline):
    found = roles(pipeline, "Paraguay recognised Carlos Mena as Bolivia's interim president.")
    assert not of(found, "carlos-mena")


# -- 6. former, ousted, then- ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person",
    [
        ("Ousted president Mohamed Bazoum is still held in Niamey.", "mohamed-bazoum"),
        ("The deal was signed under then-President Moon Jae-in, Japan said.", "moon-jae-in"),
    ],
)
def test_roles_ousted_or_then_holder_is_no_current_leader(pipeline, text, person):
    assert not of(roles(pipeline, text, "2024-03-01"), person)


@pytest.mark.parametrize(
    "text",
    ["Former foreign secretary Boris Johnson met Turkish officials in Ankara.",
     "Boris Johnson, the former foreign secretary, met Turkish officials in Ankara."],
)
def test_roles_former_title_keeps_only_an_office_held_on_the_date(pipeline, text):
    assert of(roles(pipeline, text, "2020-03-01"), "boris-johnson") == {("leaderOf", "GBR")}
    assert of(roles(pipeline, text, "2023-03-01"), "boris-johnson") == set()


# -- lists are not appositions ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, person",
    [
        ("The summit brought together Emmanuel Macron, Recep Tayyip Erdogan and Iranian President Masoud Pezeshkian.", "recep-tayyip-erdogan"),
        ("Russian President Vladimir Putin, Ilham Aliyev and Nikol Pashinyan signed the statement.", "ilham-aliyev"),
    ],
)
def test_roles_name_in_a_list_takes_no_title_of_its_neighbour(pipeline, text, person):
    found = of(roles(pipeline, text, "2024-11-01"), person)
    assert not any(o in ("IRN", "RUS") for _, o in found), found


# -- 7. another given name, another person -----------------------------------------------------

@pytest.mark.parametrize(
    "text, person",
    [
        ("Jill Biden visited a school in Ohio on Monday.", "joe-biden"),
        ("Ana Castro, a lawyer in Havana, said the ruling was unfair.", "raul-castro"),
    ],
)
def test_roles_other_given_name_does_not_inherit_an_office(pipeline, text, person):
    assert not of(roles(pipeline, text, "2022-06-01"), person)


def test_roles_another_spelling_of_the_given_name_is_the_same_person(pipeline):
    found = roles(pipeline, "Talks were held with Anthony Blinken in Cairo.", "2022-06-01")
    assert of(found, "antony-blinken") == {("officialOf", "USA")}


# -- a title named just before the name -----------------------------------------------------------

@pytest.mark.parametrize(
    "text, person, state",
    [
        ("“Chile regrets Peru’s decision,” the country’s foreign ministry spokesperson said in a statement on Saturday. "
         "Ricardo Soto “advised” Lima to reconsider.", "ricardo-soto", "CHL"),
        ("Togo's government spokesman said the border would stay closed. Kofi Agbeko said Benin had agreed to talks.",
         "kofi-agbeko", "TGO"),
    ],
)
def test_roles_unnamed_official_then_a_new_name_is_that_official(pipeline, text, person, state):
    assert of(roles(pipeline, text), person) == {("officialOf", state)}


@pytest.mark.parametrize(
    "text, person",
    [
        ("Togo's government spokesman said the border would stay closed. Kofi Agbeko, an analyst in Lome, said Benin would object.",
         "kofi-agbeko"),
        ("A defence ministry spokesman said Ghana had been told. Kwame Mensah said the talks would fail.", "kwame-mensah"),
    ],
)
def test_roles_unnamed_official_then_an_apposition_or_indefinite_is_not(pipeline, text, person):
    assert not of(roles(pipeline, text), person)


@pytest.mark.parametrize(
    "text, person, wrong",
    [
        ("After meeting Russia's foreign minister, President Vadim Krasnov said the talks were useful.", "vadim-krasnov", "RUS"),
        ("Having spoken to Japan's ambassador, Governor Rafael Ortega said the port would reopen.", "rafael-ortega", "JPN"),
    ],
)
def test_roles_title_before_a_comma_without_apposition_is_not_the_names(pipeline, text, person, wrong):
    assert not any(o == wrong for _, o in of(roles(pipeline, text), person))
