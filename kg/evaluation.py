"""Score extractions against gold annotations (``shared/eval/README.md``).

A relation is the key (subject, predicate, object, modality), unordered for
symmetric predicates. A system relation with a person as subject or object
also counts at state level, the person replaced by whatever the same
document's output makes them leader or official of (the role predicates:
those whose ``rdfs:domain`` is ``ir:Person``). Matching an
optional relation counts neither way. ``attributed_to`` and ``denied_by``
are scored on matched relations.

>>> gold = {"entities": [{"id": "ARM", "type": "State"}],
...         "relations": [{"subject": "ARM", "predicate": "neighbourOf", "object": "GEO", "modality": "asserted"}]}
>>> from kg.records import Relation
>>> score = score_document("d", gold, [{"id": "ARM", "type": "State"}],
...                        [Relation("d", "GEO", "neighbourOf", "ARM")], symmetric={"neighbourOf"})
>>> score.tp, score.fp, score.fn, score.entity_hits
(1, 0, 0, 1)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import product

from kg.records import Relation
from kg.vocab import load_vocabulary, role_predicates

__all__ = ["DocScore", "Report", "role_predicates", "score_document", "prf"]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1.

    >>> prf(3, 1, 1)
    (0.75, 0.75, 0.75)
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def _key(subject: str, predicate: str, obj: str, modality: str, symmetric: set[str]) -> tuple:
    if predicate in symmetric:
        subject, obj = sorted((subject, obj))
    return (subject, predicate, obj, modality)


@dataclass
class DocScore:
    doc: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    entity_hits: int = 0
    entity_total: int = 0
    forbidden: list[str] = field(default_factory=list)
    missed_entities: list[str] = field(default_factory=list)
    false_positives: list[tuple] = field(default_factory=list)
    misses: list[tuple] = field(default_factory=list)
    by_predicate: Counter = field(default_factory=Counter)
    attribution_hits: int = 0
    attribution_total: int = 0
    denial_hits: int = 0
    denial_total: int = 0


def _lifted_keys(rel: Relation, roles: dict[str, set[str]], symmetric: set[str], role_names: frozenset[str]) -> set[tuple]:
    keys = {_key(*rel.key(), symmetric)}
    if rel.predicate in role_names:
        return keys
    subjects = {rel.subject} | roles.get(rel.subject, set())
    objects = {rel.object} | roles.get(rel.object, set())
    for s, o in product(subjects, objects):
        if s != o:
            keys.add(_key(s, rel.predicate, o, rel.modality, symmetric))
    return keys


def _alt_ids(gold: dict) -> dict[str, str]:
    """System id -> gold id for the other spellings (``alt``) a gold entity allows."""
    return {alt: ent["id"] for ent in gold.get("entities", []) for alt in ent.get("alt", ()) if alt != ent["id"]}


def _canonical(relation: Relation, alt: dict[str, str]) -> Relation:
    fields = {name: alt[value] for name in ("subject", "object") if (value := getattr(relation, name)) in alt}
    if relation.attributed_to in alt:
        fields["attributed_to"] = alt[relation.attributed_to]
    if any(d in alt for d in relation.denied_by):
        fields["denied_by"] = tuple(alt.get(d, d) for d in relation.denied_by)
    return relation.replace(**fields) if fields else relation


def score_document(doc_id: str, gold: dict, entities: list[dict], relations: list[Relation], symmetric: set[str]) -> DocScore:
    """Score one document; system ids spelt as a gold entity's ``alt`` count as the gold id.

    >>> gold = {"entities": [{"id": "sergei-lavrov", "type": "Person", "alt": ["sergey-lavrov"]}], "relations": []}
    >>> score_document("d", gold, [{"id": "sergey-lavrov", "type": "Person"}], [], symmetric=set()).entity_hits
    1
    """
    score = DocScore(doc_id)
    alt = _alt_ids(gold)
    entities = [{**e, "id": alt.get(e["id"], e["id"])} for e in entities]
    relations = [_canonical(r, alt) for r in relations]
    found = {(e["id"], e["type"]) for e in entities}
    found_ids = {e["id"].lower() for e in entities}
    for ent in gold.get("entities", []):
        score.entity_total += 1
        if (ent["id"], ent["type"]) in found:
            score.entity_hits += 1
        else:
            score.missed_entities.append(f"{ent['id']}/{ent['type']}")
    score.forbidden = sorted(f for f in gold.get("forbidden_entities", []) if f.lower() in found_ids)

    roles: dict[str, set[str]] = {}
    role_names = role_predicates()
    for rel in relations:
        if rel.predicate in role_names:
            roles.setdefault(rel.subject, set()).add(rel.object)

    gold_rels = {_key(g["subject"], g["predicate"], g["object"], g["modality"], symmetric): g for g in gold.get("relations", [])}
    optional = {_key(g["subject"], g["predicate"], g["object"], g["modality"], symmetric) for g in gold.get("optional_relations", [])}
    matched: dict[tuple, Relation] = {}
    for rel in relations:
        keys = _lifted_keys(rel, roles, symmetric, role_names)
        hits = [k for k in keys if k in gold_rels]
        if hits:
            for k in hits:
                matched.setdefault(k, rel)
        elif not keys & optional:
            score.fp += 1
            score.by_predicate[(rel.predicate, "fp")] += 1
            score.false_positives.append(rel.key())
    for k, g in gold_rels.items():
        if k in matched:
            score.tp += 1
            score.by_predicate[(g["predicate"], "tp")] += 1
            rel = matched[k]
            if g.get("attributed_to") is not None or rel.attributed_to is not None:
                score.attribution_total += 1
                score.attribution_hits += _same_actor(rel.attributed_to, g.get("attributed_to"), roles)
            if g.get("denied_by") or rel.denied_by:
                score.denial_total += 1
                system = {x for d in rel.denied_by for x in {d} | roles.get(d, set())}
                score.denial_hits += set(g.get("denied_by") or ()) <= system and bool(system) == bool(g.get("denied_by"))
        else:
            score.fn += 1
            score.by_predicate[(g["predicate"], "fn")] += 1
            score.misses.append(k)
    return score


def _same_actor(system: str | None, gold: str | None, roles: dict[str, set[str]]) -> bool:
    if system == gold:
        return True
    return system is not None and gold in roles.get(system, set())


@dataclass
class Report:
    docs: list[DocScore] = field(default_factory=list)

    def totals(self) -> dict:
        tp = sum(d.tp for d in self.docs)
        fp = sum(d.fp for d in self.docs)
        fn = sum(d.fn for d in self.docs)
        p, r, f = prf(tp, fp, fn)
        hits = sum(d.entity_hits for d in self.docs)
        total = sum(d.entity_total for d in self.docs)
        return {
            "relations": {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f},
            "entities": {"hits": hits, "total": total, "recall": round(hits / total, 4) if total else 0.0},
            "forbidden": sum(len(d.forbidden) for d in self.docs),
            "attribution": _ratio(sum(d.attribution_hits for d in self.docs), sum(d.attribution_total for d in self.docs)),
            "denial": _ratio(sum(d.denial_hits for d in self.docs), sum(d.denial_total for d in self.docs)),
        }

    def by_predicate(self) -> dict[str, dict]:
        counts: Counter = Counter()
        for d in self.docs:
            counts.update(d.by_predicate)
        predicates = sorted({p for p, _ in counts})
        out = {}
        for pred in predicates:
            tp, fp, fn = counts[(pred, "tp")], counts[(pred, "fp")], counts[(pred, "fn")]
            p, r, f = prf(tp, fp, fn)
            out[pred] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}
        return out

    def to_dict(self) -> dict:
        return {
            "totals": self.totals(),
            "by_predicate": self.by_predicate(),
            "documents": [
                {
                    "doc": d.doc,
                    "tp": d.tp,
                    "fp": d.fp,
                    "fn": d.fn,
                    "entity_recall": round(d.entity_hits / d.entity_total, 4) if d.entity_total else 0.0,
                    "missed_entities": d.missed_entities,
                    "forbidden": d.forbidden,
                    "false_positives": [list(k) for k in d.false_positives],
                    "misses": [list(k) for k in d.misses],
                }
                for d in self.docs
            ],
        }


def _ratio(hits: int, total: int) -> dict:
    return {"hits": hits, "total": total, "accuracy": round(hits / total, 4) if total else None}
