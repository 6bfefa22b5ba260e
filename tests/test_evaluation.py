from kg.evaluation import prf, score_document
from kg.records import Relation

SYMMETRIC = {"talksWith", "allyOf"}


def rel(s, p, o, m="asserted", **kw):
    return Relation("d", s, p, o, m, **kw)


def test_evaluation_symmetric_pairs_are_unordered():
    gold = {"relations": [{"subject": "JPN", "predicate": "talksWith", "object": "KOR", "modality": "asserted"}]}
    score = score_document("d", gold, [], [rel("KOR", "talksWith", "JPN")], SYMMETRIC)
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)


def test_evaluation_lifts_persons_to_what_they_lead_but_not_roles():
    gold = {"relations": [{"subject": "RUS", "predicate": "talksWith", "object": "AZE", "modality": "asserted"}]}
    system = [rel("vladimir-putin", "talksWith", "ilham-aliyev"), rel("vladimir-putin", "leaderOf", "RUS"), rel("ilham-aliyev", "leaderOf", "AZE")]
    score = score_document("d", gold, [], system, SYMMETRIC)
    assert (score.tp, score.fp, score.fn) == (1, 2, 0)


def test_evaluation_wrong_modality_is_a_false_positive_and_a_miss():
    gold = {"relations": [{"subject": "TUR", "predicate": "sanctions", "object": "RUS", "modality": "negated"}]}
    score = score_document("d", gold, [], [rel("TUR", "sanctions", "RUS")], SYMMETRIC)
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


def test_evaluation_optional_counts_neither_way_and_forbidden_is_reported():
    gold = {
        "entities": [{"id": "ARM", "type": "State"}, {"id": "AZE", "type": "State"}],
        "relations": [],
        "optional_relations": [{"subject": "ARM", "predicate": "allyOf", "object": "RUS", "modality": "asserted"}],
        "forbidden_entities": ["AFG"],
    }
    score = score_document("d", gold, [{"id": "ARM", "type": "State"}, {"id": "AFG", "type": "State"}], [rel("RUS", "allyOf", "ARM")], SYMMETRIC)
    assert (score.tp, score.fp, score.fn) == (0, 0, 0)
    assert (score.entity_hits, score.entity_total, score.forbidden) == (1, 2, ["AFG"])


def test_evaluation_attribution_and_denial_on_matched_relations():
    gold = {"relations": [{"subject": "TUR", "predicate": "deploysForcesTo", "object": "AZE", "modality": "claimed",
                           "attributed_to": "ARM", "denied_by": ["AZE", "TUR"]}]}
    system = [rel("TUR", "deploysForcesTo", "AZE", "claimed", attributed_to="ARM", denied_by=("AZE",))]
    score = score_document("d", gold, [], system, SYMMETRIC)
    assert (score.attribution_hits, score.attribution_total, score.denial_hits, score.denial_total) == (1, 1, 0, 1)
    assert prf(score.tp, score.fp, score.fn) == (1.0, 1.0, 1.0)
