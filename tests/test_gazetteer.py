"""The kg_gazetteer and kg_linker components on Docs made by spacy.blank (no model)."""

import pytest
import spacy
from spacy.tokens import Span

import kg.nlp.gazetteer  # noqa: F401  (registers the factories)
import kg.nlp.linker  # noqa: F401


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_gazetteer")
    nlp.add_pipe("kg_linker")
    return nlp


def ents(doc):
    return [(e.text, e.ent_id_) for e in doc.ents if e.ent_id_]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Moscow said the Kremlin would respond.", [("Moscow", "RUS"), ("Kremlin", "RUS")]),
        ("Baku and Yerevan traded blame.", [("Baku", "AZE"), ("Yerevan", "ARM")]),
        ("The Azerbaijani and Armenian sides met.", [("Azerbaijani", "AZE"), ("Armenian", "ARM")]),
        ("Britain and Turkiye signed a deal.", [("Britain", "GBR"), ("Turkiye", "TUR")]),
        ("Ivory Coast joined ECOWAS talks.", [("Ivory Coast", "CIV"), ("ECOWAS", "ECOWAS")]),
        ("The Collective Security Treaty Organization met in Minsk.", [("Collective Security Treaty Organization", "CSTO"), ("Minsk", "BLR")]),
        ("Riyadh, Pyongyang and Kigali reacted.", [("Riyadh", "SAU"), ("Pyongyang", "PRK"), ("Kigali", "RWA")]),
        ("Fighting resumed in Nagorno-Karabakh and Crimea.", [("Nagorno-Karabakh", "nagorno-karabakh"), ("Crimea", "crimea")]),
    ],
)
def test_gazetteer_names_capitals_seats_demonyms(blank, text, expected):
    assert ents(blank(text)) == expected


def test_gazetteer_island_nation_is_not_a_name(blank):
    assert ents(blank("The island nation protested.")) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # Chinese short forms in a Nagorno-Karabakh text: Armenia and Azerbaijan
        ("Armenian forces shelled Naka. A new conflict broke out between Asia and Afghanistan.",
         {"Armenian": "ARM", "Naka": "nagorno-karabakh", "Asia": "ARM", "Afghanistan": "AZE"}),
        ("Fighting in Nagorno-Karabakh continued. Talks between Afghanistan and Russia were held.",
         {"Nagorno-Karabakh": "nagorno-karabakh", "Afghanistan": "AZE", "Russia": "RUS"}),
        # the same words without the context keep their ordinary meaning
        ("A new conflict broke out between Asia and Afghanistan.", {"Afghanistan": "AFG"}),
        ("Naka is a town in Japan.", {"Japan": "JPN"}),
        # Belarus as 'White' only beside Russia
        ("Russia and White held joint exercises.", {"Russia": "RUS", "White": "BLR"}),
        ("The White Russian Ministry of Defense said Moscow agreed.", {"White Russian": "BLR", "Moscow": "RUS"}),
        ("The White House said Russia must stop.", {"White House": "USA", "Russia": "RUS"}),
        ("White smoke rose over the city.", {}),
    ],
)
def test_gazetteer_context_aliases_fire_only_in_context(blank, text, expected):
    assert dict(ents(blank(text))) == expected


def _doc_with_ents(blank, text, spans):
    """A Doc whose ner output is given as (text, label) pairs, as the model would give it."""
    nlp_without_linker = spacy.blank("en")
    nlp_without_linker.add_pipe("sentencizer")
    doc = blank.get_pipe("kg_gazetteer")(nlp_without_linker(text))
    found = list(doc.ents)
    taken = {t.i for e in found for t in e}
    position = 0
    for phrase, label in spans:
        start = text.index(phrase, position)
        position = start + len(phrase)
        span = doc.char_span(start, position, label=label)
        if not taken & {t.i for t in span}:
            found.append(span)
    doc.ents = sorted(found)
    return blank.get_pipe("kg_linker")(doc)


def test_linker_resolves_surnames_within_the_document(blank):
    doc = _doc_with_ents(blank, "Albin Example met Serbia. Later Example left.", [("Albin Example", "PERSON"), ("Example", "PERSON")])
    assert [e.ent_id_ for e in doc.ents if e.label_ == "PERSON"] == ["albin-example", "albin-example"]


def test_linker_resolves_table_surnames_and_misspellings(blank):
    doc = _doc_with_ents(blank, "Vladimir Puttin called Erdogan.", [("Vladimir Puttin", "PERSON")])
    ids = {e.text: e.ent_id_ for e in doc.ents}
    assert ids["Vladimir Puttin"] == "vladimir-putin"
    assert ids["Erdogan"] == "recep-tayyip-erdogan"


def test_linker_mints_slugs_and_skips_non_actors(blank):
    doc = _doc_with_ents(
        blank,
        "Reuters said Félix Tshisekedi visited Asia. The BRP Sierra Madre and the Supreme Defence Council met M23 in Kiwanja.",
        [("Félix Tshisekedi", "PERSON"), ("Asia", "LOC"), ("Sierra Madre", "LOC"), ("Supreme Defence Council", "ORG"), ("M23", "ORG"), ("Kiwanja", "GPE")],
    )
    entities = doc._.kg_entities
    assert entities["felix-tshisekedi"]["type"] == "Person"
    assert entities["reuters"]["type"] == "Other"
    assert entities["m23"]["type"] == "Other"
    assert entities["kiwanja"]["type"] == "Region"
    assert not {"asia", "sierra-madre", "supreme-defence-council"} & set(entities)


def test_linker_extends_names_over_particles(blank):
    doc = _doc_with_ents(blank, "Mariam al-Sadiq al-Mahdi spoke.", [("Mariam al-", "PERSON")])
    assert "mariam-al-sadiq-al-mahdi" in doc._.kg_entities


@pytest.mark.parametrize(
    "text, expected",
    [
        # a first-level subdivision, with or without its type word, is a Region of its state
        ("Floods reached Sindh province and Gujarat overnight.", {"Sindh province": "sindh", "Gujarat": "gujarat"}),
        ("Relief convoys left Khatlon for the east.", {"Khatlon": "khatlon"}),
        # an ambiguous name (a common word) only with its type word or beside a sibling of its state
        ("Gunmen raided two villages in Delta State.", {"Delta State": "delta"}),
        ("The river delta region flooded again.", {}),
        ("Aid reached Amhara, Afar and Tigray within days.", {"Amhara": "amhara", "Afar": "afar", "Tigray": "tigray"}),
        ("Nomads have crossed the desert from afar for centuries.", {}),
        # never inside a longer name
        ("The Bank of England kept rates unchanged.", {}),
    ],
)
def test_gazetteer_subdivisions_of_states(blank, text, expected):
    assert dict(ents(blank(text))) == expected


def test_gazetteer_subdivisions_are_located_in_their_state(blank):
    gazetteer = blank.get_pipe("kg_gazetteer").gazetteer
    assert gazetteer.entries["sindh"].located_in == ("PAK",)
    assert gazetteer.entries["amhara"].located_in == ("ETH",)
    assert gazetteer.entries["sindh"].type == "Region"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Hermit Kingdom test-fired another missile.", {"Hermit Kingdom": "PRK"}),
        ("Officials in the Land of the Rising Sun protested.", {"Land of the Rising Sun": "JPN"}),
    ],
)
def test_gazetteer_nicknames_of_states(blank, text, expected):
    assert dict(ents(blank(text))) == expected


@pytest.mark.parametrize("text", ["Jaish al Adl claimed the bombing.", "Jaish al-Adl claimed the bombing."])
def test_gazetteer_transliterated_article_either_way(blank, text):
    assert [i for _, i in ents(blank(text))] == ["jaish-al-adl"]


def test_linker_grows_names_cut_after_a_function_word(blank):
    doc = _doc_with_ents(blank, "The Supreme Council of the Revolution met.", [("Supreme Council of the", "ORG")])
    assert "supreme-council-of-the-revolution" in doc._.kg_entities
    doc = _doc_with_ents(blank, "The National Committee for the Defence of Sovereignty said no.", [("National Committee for", "ORG")])
    assert "national-committee-for-the-defence-of-sovereignty" in doc._.kg_entities


def test_linker_mints_no_id_ending_in_a_function_word(blank):
    doc = _doc_with_ents(blank, "Staff at the Ministry of Chile left.", [("the Ministry of", "ORG")])
    assert not [i for i in doc._.kg_entities if i.endswith("-of") or i.startswith("of-")]
    doc = _doc_with_ents(blank, "Delegates of the Union of met.", [("Union of", "ORG")])
    assert not [i for i in doc._.kg_entities if i.endswith("-of")]
