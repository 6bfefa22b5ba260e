"""Event dates (kg.relations.dates.event_date): no date rather than a wrong date.

Sentences are parsed with the statistical model; each rule has sentences of its own.
"""

from __future__ import annotations

import pytest

from kg.relations import dates
from kg.relations.dates import event_date, resolve_date, time_of


def cue(pipeline, text: str, word: str):
    doc = pipeline.nlp(text)
    return next(t for t in doc if t.text == word)


# -- rule 1: a past event named as background has no date -------------------------------------
@pytest.mark.parametrize(
    "text, word, doc_date",
    [
        ("Kenya and Somalia broke off relations in 2021.", "broke", "2024-05-02"),
        ("Chile had previously recalled its envoy from Bolivia.", "recalled", "2024-05-02"),
        ("Ghana signed the trade pact with Togo years ago.", "signed", "2024-05-02"),
        ("Laos hosted the regional summit in March.", "hosted", "2024-10-15"),
        ("Nepal blamed Bhutan for the dispute that erupted in 2017.", "dispute", "2024-05-02"),
        ("Diplomats recalled last year's summit between Peru and Ecuador.", "summit", "2024-05-02"),
    ],
)
def test_dates_background_past_events_get_no_date(pipeline, text, word, doc_date):
    assert event_date(cue(pipeline, text, word), doc_date) is None


@pytest.mark.parametrize(
    "text, word",
    [
        ("Kenya accused Somalia of meddling in its affairs.", "accused"),
        ("Chile and Bolivia held talks about water rights.", "held"),
        # the past event's year is not the reporting verb's
        ("Peru restored ties with Ecuador after the 2019 rupture.", "restored"),
    ],
)
def test_dates_no_time_expression_keeps_the_document_date(pipeline, text, word):
    assert event_date(cue(pipeline, text, word), "2024-05-02") == "2024-05-02"


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("Ghana condemned Togo on Tuesday.", "condemned", "2024-04-30"),
        ("Laos signed a border treaty with Vietnam on April 12.", "signed", "2024-04-12"),
        ("Ghana and Togo held talks on the 17th.", "held", "2024-04-17"),
        ("Chile urged Bolivia on the 1st to resume the talks.", "urged", "2024-05-01"),
    ],
)
def test_dates_day_precise_expressions_give_that_day(pipeline, text, word, expected):
    assert event_date(cue(pipeline, text, word), "2024-05-02") == expected


def test_dates_a_period_that_contains_the_report_keeps_the_document_date(pipeline):
    assert event_date(cue(pipeline, "Kenya expelled two Somali diplomats this week.", "expelled"), "2024-05-02") == "2024-05-02"
    assert event_date(cue(pipeline, "Kenya expelled two Somali diplomats earlier this year.", "expelled"), "2024-05-02") is None


# -- rule 2: ordinals of nouns are not days ------------------------------------------------------
@pytest.mark.parametrize(
    "text, word",
    [
        ("Sweden became the 32nd member of the alliance.", "became"),
        ("Iran and the agency held their 12th round of talks in Vienna.", "held"),
        ("Leaders gathered in Jakarta for the bloc's 43rd summit.", "gathered"),
    ],
)
def test_dates_ordinals_of_nouns_are_not_days(pipeline, text, word):
    assert event_date(cue(pipeline, text, word), "2024-05-20") == "2024-05-20"


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("Cambodia and Thailand on the 3rd signed a maritime accord.", "signed", "2024-05-03"),
        ("Mongolia protested to Beijing on the 14th.", "protested", "2024-05-14"),
        ("Mongolia protested to Beijing on the 9th of April.", "protested", "2024-04-09"),
    ],
)
def test_dates_ordinals_standing_alone_are_days(pipeline, text, word, expected):
    assert event_date(cue(pipeline, text, word), "2024-05-20") == expected


# -- rule 3: dates inside an event noun's phrase belong to that event ----------------------------
@pytest.mark.parametrize(
    "text, word",
    [
        ("Armenia still blames Azerbaijan for the September 2020 offensive.", "offensive"),
        ("China's 2016 embargo on Mongolian coal angered Ulaanbaatar.", "embargo"),
        ("India never accepted Pakistan's 1999 incursion at Kargil.", "incursion"),
    ],
)
def test_dates_premodifying_dates_belong_to_the_event_noun(pipeline, text, word):
    assert event_date(cue(pipeline, text, word), "2024-05-02") is None


def test_dates_an_event_nouns_date_is_not_the_clause_verbs(pipeline):
    text = "Armenia still blames Azerbaijan for the September 2020 offensive."
    assert event_date(cue(pipeline, text, "blames"), "2024-05-02") == "2024-05-02"
    text = "Peru's 2019 rupture with Ecuador ended on Monday."
    assert event_date(cue(pipeline, text, "rupture"), "2024-05-02") is None
    assert event_date(cue(pipeline, text, "ended"), "2024-05-02") == "2024-04-29"


# -- rule 4: dateparser is built once and only called for what looks like a date ----------------
def test_dates_dateparser_only_for_date_like_text(monkeypatch):
    calls = []
    real = dates._parser

    class Spy:
        def get_date_data(self, text):
            calls.append(text)
            return real().get_date_data(text)

    monkeypatch.setattr(dates, "_parser", lambda: Spy())
    for text in ("for two years", "annual", "the same day", "Monday night", "last year's", "the 1990s", "72 hours"):
        time_of(text, "2024-05-02")
    assert calls == []
    assert time_of("Sept 3rd 2021", "2024-05-02").day == "2021-09-03"


def test_dates_dateparser_parser_is_built_once():
    assert dates._parser() is dates._parser()
    assert dates._parser.cache_info().maxsize == 1


def test_dates_resolve_date_keeps_its_contract():
    assert resolve_date("on Saturday", "2023-10-11") == "2023-10-07"
    assert resolve_date("the 7th", "2023-10-11") == "2023-10-07"
    assert resolve_date("in 2019", "2023-10-11") is None
    assert resolve_date("last month", "2023-10-11") is None  # not precise to a day
    assert resolve_date("September 27", None) is None
