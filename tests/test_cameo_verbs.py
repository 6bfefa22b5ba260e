"""scripts/cameo_verbs.py: the PETRARCH verb-dictionary converter, and the CSV it made (no drift)."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "cameo_verbs.py"
SOURCE = ROOT / "kg" / "data" / "sources" / "petrarch2_CAMEO.2.0.txt"


@pytest.fixture(scope="module")
def cv():
    spec = importlib.util.spec_from_file_location("cameo_verbs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["cameo_verbs"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("cameo_verbs", None)


# A made-up dictionary in the documented format: synonym sets, two verb blocks, verb forms,
# a multi-word verb, patterns with a preposition, an object noun, a particle, a paired code.
FRAGMENT = """\
# a fragment written for this test
####### SYNONYM SETS #######

&ENVOY
+AMBASSADOR
+ENVOY
+DIPLOMATS

&QUARREL_
+ROW
+SPAT

####### VERB PATTERNS #######

---  REPROVE   [111]  ---
REPROVE
CHIDE {CHIDES CHIDED CHIDING}  # a coder's note
+LASH_OUT {+LASHES_OUT +LASHED_OUT +LASHING_OUT}
TUT_+TUT [110]
- * (AT)                       [111]   # LASHED_OUT
- * COMPLAINT (WITH)           [114]   # CHIDES
- * OFF (FOR)                  [---]   # CHIDE
- * BACK (AT +) (OVER &QUARREL_) [111] # REPROVE
- * SANCTIONS ON +             [163]

---  CALL_IN   [---]  ---
SUMMON [040]
- * &ENVOY (OVER ^)            [161:161]   # SUMMONED
- + * (BY $)                   [:040]      # SUMMON
~ a (a b SUMMON) SAY = a b 040
"""


def rows_of(cv, text=FRAGMENT):
    rows, problems = cv.build_rows(cv.parse_dictionary(text))
    return rows, problems


def find(rows, **kw):
    return [r for r in rows if all(r[k] == v for k, v in kw.items())]


def test_parse_blocks_verbs_and_synonym_sets(cv):
    d = cv.parse_dictionary(FRAGMENT)
    assert d.synsets == {"&ENVOY": ["AMBASSADOR", "ENVOY", "DIPLOMATS"], "&QUARREL_": ["ROW", "SPAT"]}
    assert [(b.headword, b.code) for b in d.blocks] == [("REPROVE", "111"), ("CALL_IN", "---")]
    verbs = {v.lemma: v for v in d.blocks[0].verbs}
    assert set(verbs) == {"reprove", "chide", "lash", "tut"}
    assert verbs["lash"].particle == "out" and "LASHED_OUT" in verbs["lash"].forms
    assert verbs["tut"].before == "tut" and verbs["tut"].code == "110"
    assert {"CHIDE", "CHIDES", "CHIDED", "CHIDING"} <= verbs["chide"].forms
    assert {"REPROVES", "REPROVED", "REPROVING"} <= verbs["reprove"].forms  # regular forms generated
    assert d.transformations == ["~ a (a b SUMMON) SAY = a b 040"]
    assert not d.problems


def test_bare_verbs_get_their_own_or_the_block_code(cv):
    rows, _ = rows_of(cv)
    bare = {(r["lemma"], r["particle"]): r["cameo"] for r in rows if r["kind"] == "verb"}
    assert bare == {("reprove", ""): "111", ("chide", ""): "111", ("lash", "out"): "111", ("tut", ""): "110",
                    ("summon", ""): "040"}


def test_particle_and_preposition_with_the_verb_form_in_the_comment(cv):
    rows, _ = rows_of(cv)
    (r,) = find(rows, kind="pattern", pattern="- * (AT) [111]")
    assert (r["lemma"], r["particle"], r["preposition"], r["object"], r["cameo"]) == ("lash", "out", "at", "", "111")
    assert r["target_slot"] == "prep" and r["lemma_from"] == "comment"


def test_object_noun_with_a_preposition(cv):
    rows, _ = rows_of(cv)
    (r,) = find(rows, pattern="- * COMPLAINT (WITH) [114]")
    assert (r["lemma"], r["preposition"], r["object"], r["cameo"]) == ("chide", "with", "complaint", "114")


def test_pattern_particle_null_code_and_complement(cv):
    rows, _ = rows_of(cv)
    (r,) = find(rows, pattern="- * OFF (FOR) [---]")
    assert (r["lemma"], r["particle"], r["preposition"], r["cameo"]) == ("chide", "off", "for", "---")
    assert "null-code" in r["flag"]
    (r,) = find(rows, pattern="- * BACK (AT +) (OVER &QUARREL_) [111]")
    assert (r["lemma"], r["particle"], r["preposition"]) == ("reprove", "back", "at")
    assert r["complement"] == "over &quarrel" and r["synsets"] == "&quarrel"


def test_synonym_set_object_is_expanded_to_lemmas_and_paired_code_split(cv):
    rows, _ = rows_of(cv)
    got = find(rows, pattern="- * &ENVOY (OVER ^) [161:161]")
    assert sorted(r["object"] for r in got) == ["ambassador", "diplomat", "envoy"]  # "DIPLOMATS" -> diplomat
    assert {(r["lemma"], r["cameo"], r["reverse_cameo"], r["complement"], r["synsets"]) for r in got} == {
        ("summon", "161", "161", "over ^", "&envoy")}


def test_pattern_without_a_verb_in_its_comment_applies_to_the_whole_block(cv):
    rows, _ = rows_of(cv)
    got = find(rows, pattern="- * SANCTIONS ON + [163]")
    assert {r["lemma"] for r in got} == {"reprove", "chide", "lash", "tut"}
    assert {(r["object"], r["preposition"], r["lemma_from"]) for r in got} == {("sanction", "on", "block")}


def test_target_before_the_verb_and_source_in_a_prepositional_phrase(cv):
    rows, _ = rows_of(cv)
    (r,) = find(rows, pattern="- + * (BY $) [:040]")
    assert (r["cameo"], r["reverse_cameo"], r["target_slot"], r["source_slot"]) == ("", "040", "subject", "prep:by")


def test_csv_is_sorted_and_deterministic(cv):
    first, synsets = cv.convert(FRAGMENT)
    assert cv.convert(FRAGMENT) == (first, synsets)
    rows = list(csv.DictReader(io.StringIO(first)))
    assert list(rows[0]) == cv.COLUMNS
    assert rows == sorted(rows, key=lambda r: tuple(r[c] for c in cv.COLUMNS))
    assert {r["source"] for r in rows} == {"petrarch2 CAMEO.2.0"}
    assert "&envoy,ambassador,ambassador" in synsets


def test_unreadable_lines_are_reported_not_fatal(cv):
    text = FRAGMENT + "---  BROKEN  [190]  ---\nSMASH\n- * (INTO + [19x]\n- * WALL) [190]\n"
    _, problems = rows_of(cv, text)
    reasons = " | ".join(why for _, _, why in problems)
    assert "unreadable pattern code [19x]" in reasons and "')' without '('" in reasons


def test_checked_in_csv_is_what_the_script_makes_from_the_source(cv):
    verbs, synsets = cv.convert(SOURCE.read_text(encoding="ascii"))
    assert (ROOT / "kg" / "data" / "cameo_verbs.csv").read_text(encoding="utf-8") == verbs, (
        "regenerate: python scripts/cameo_verbs.py kg/data/sources/petrarch2_CAMEO.2.0.txt "
        "-o kg/data/cameo_verbs.csv --synsets kg/data/cameo_synsets.csv")
    assert (ROOT / "kg" / "data" / "cameo_synsets.csv").read_text(encoding="utf-8") == synsets


def test_source_copy_keeps_its_licence_notice():
    head = SOURCE.read_text(encoding="ascii")[:5000]
    assert "The MIT License (MIT)" in head and "Open Event Data Alliance" in head
    assert (SOURCE.parent / "petrarch2_LICENSE.txt").exists()


def test_summary_lists_roots_and_project_predicates(cv):
    d = cv.parse_dictionary(FRAGMENT)
    rows, problems = cv.build_rows(d)
    text = cv.summary(rows, problems, d, ROOT / "kg" / "data" / "cues.jsonl", ROOT / "kg" / "data" / "light_verbs.csv")
    assert "11    disapprove" in text and "### condemns" in text and "### sanctions" in text
