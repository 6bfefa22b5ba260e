"""Relations from a linked Doc: dependency patterns + cue lexicon -> Relation records.

The plain-Python core of the ``kg_relations`` component. Patterns
(``kg/data/relation_patterns.jsonl``) are spaCy ``DependencyMatcher``
patterns that find a cue and the head of its object; the cue lexicon
(``cues.jsonl``) says which predicate a cue signals and which prepositions
and objects it takes; :mod:`kg.relations.actors` turns phrase heads into
actor ids and :mod:`kg.relations.modality` says whether the report asserts,
claims, supposes or negates the relation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token

from kg.data import data_path
from kg.records import Evidence, Relation
from kg.relations.actors import _RECIPROCAL, Actor, ActorResolver
from kg.relations.dates import resolve_date
from kg.relations.lexicon import Cue, Lexicon
from kg.relations.modality import Modality, modality_of
from kg.relations.roles import find_roles
from kg.resolve.tables import Gazetteer
from kg.vocab import Predicate

__all__ = ["Pattern", "RelationExtractor", "load_patterns", "set_cue_attributes"]

_NOMINAL_DEPS = {"dobj", "pobj", "nsubj", "nsubjpass", "attr", "appos"}
_RECIPROCAL_LIGHT = {"trade", "exchange"}
_STRUCTURAL = {"memberOf", "neighbourOf", "allyOf", "locatedIn"}

for _name in ("kg_vcue", "kg_ncue"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default="")
if not Token.has_extension("kg_light"):
    Token.set_extension("kg_light", default=False)


@dataclass(frozen=True)
class Pattern:
    id: str
    pattern: list
    reliability: float
    description: str
    examples: tuple


def load_patterns(path: Path | None = None) -> list[Pattern]:
    patterns = []
    with open(path or data_path("relation_patterns.jsonl"), encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                data = json.loads(line)
                patterns.append(Pattern(data["id"], data["pattern"], float(data.get("reliability", 0.8)), data.get("description", ""), tuple(data.get("examples", ()))))
    return patterns


def compile_pattern(pattern: list, lex: Lexicon) -> list:
    """The pattern with cue attributes (``_.kg_vcue``, ``_.kg_ncue``, ``_.kg_light``) replaced by
    the equivalent lemma and part-of-speech tests, which spaCy's matcher runs natively (much faster
    than extension attributes); the extensions are still set for the extractor."""
    replacements = {
        "kg_vcue": {"LEMMA": {"IN": sorted(lex.verbs)}, "POS": {"IN": ["VERB", "AUX", "ADJ"]}},
        "kg_ncue": {"LEMMA": {"IN": sorted(lex.nouns)}, "POS": {"IN": ["NOUN", "PROPN", "VERB"]}},
        "kg_light": {"LEMMA": {"IN": sorted(lex.light)}, "POS": {"IN": ["VERB", "AUX", "ADJ"]}},
    }
    compiled = []
    for node in pattern:
        attrs = dict(node["RIGHT_ATTRS"])
        for name in list(attrs.get("_", {})):
            attrs.update(replacements[name])
            attrs["_"] = {k: v for k, v in attrs["_"].items() if k != name}
        if "_" in attrs and not attrs["_"]:
            del attrs["_"]
        compiled.append({**node, "RIGHT_ATTRS": attrs})
    return compiled


def set_cue_attributes(doc: Doc, lex: Lexicon) -> None:
    """Mark cue verbs, cue nouns and light verbs for the patterns."""
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and token.dep_ in _NOMINAL_DEPS and lex.noun_class(lemma):
            # "imposed asset freezes": a noun the tagger took for a verb
            token._.kg_ncue = lex.noun_class(lemma)
        elif token.pos_ in ("VERB", "AUX") or (token.pos_ == "ADJ" and token.tag_ == "VBN"):
            token._.kg_vcue = lex.verb_class(lemma) or ""
            token._.kg_light = lex.is_light(lemma)
        elif token.pos_ in ("NOUN", "PROPN"):
            token._.kg_ncue = lex.noun_class(lemma) or ""


class RelationExtractor:
    """Finds relations in Docs processed by ``kg_gazetteer``, ``ner`` and ``kg_linker``."""

    def __init__(self, vocab, gazetteer: Gazetteer, lexicon: Lexicon, predicates: dict[str, Predicate], patterns: list[Pattern]):
        self.gaz = gazetteer
        self.lex = lexicon
        self.predicates = predicates
        self.patterns = {p.id: p for p in patterns}
        self.matcher = DependencyMatcher(vocab)
        for p in patterns:
            self.matcher.add(p.id, [compile_pattern(p.pattern, lexicon)])

    # -- entry point --------------------------------------------------------
    def __call__(self, doc: Doc) -> list[Relation]:
        date = doc.user_data.get("date") if doc.user_data else None
        set_cue_attributes(doc, self.lex)
        resolver = ActorResolver(doc, self.gaz, self.lex)
        roles = find_roles(doc, resolver, self.gaz, self.gaz.titles, date)
        resolver.roles = {}
        for role in roles:
            resolver.roles.setdefault(role.person, set()).add(role.of)
        found: dict[tuple, Relation] = {}
        denials: list[tuple[set[str], int, tuple | None]] = []
        for role in roles:
            self._add(found, Relation("", role.person, role.predicate, role.of, confidence=role.confidence,
                                       date=date, evidence=_evidence(role.mention.sent)))
        seen: set[tuple] = set()
        for match_id, token_ids in self.matcher(doc):
            pattern = self.patterns[doc.vocab.strings[match_id]]
            nodes = {node["RIGHT_ID"]: doc[i] for node, i in zip(pattern.pattern, token_ids)}
            key = (nodes["cue"].i, nodes.get("object").i if "object" in nodes else None, pattern.id)
            if key in seen:
                continue
            seen.add(key)
            for relation, modality in self._from_match(doc, nodes, pattern, resolver, date):
                if modality.deny:
                    speakers = {resolver.state_of(a.id) for a in resolver.actors(modality.speaker)} if modality.speaker is not None else set()
                    denials.append((speakers, nodes["cue"].sent.start, relation.key()[:3]))
                self._add(found, relation)
        for relation in [*self._specials(doc, resolver, date), *self._located(doc, resolver, date)]:
            self._add(found, relation)
        denials += self._denial_verbs(doc, resolver)
        return self._apply_denials(found, denials, resolver)

    # -- one pattern match ---------------------------------------------------
    def _from_match(self, doc: Doc, nodes: dict, pattern: Pattern, resolver: ActorResolver, date: str | None):
        cue_token = nodes["cue"]
        cue_name = cue_token._.kg_vcue or cue_token._.kg_ncue
        if not cue_name:
            return
        cue = self.lex.cues[cue_name]
        predicate = cue.predicate
        verbal = bool(cue_token._.kg_vcue)
        lemma = cue_token.lemma_.lower()
        anchor = nodes.get("light") or nodes.get("copula") or nodes.get("verb") or cue_token
        prep = nodes.get("prep")
        obj = nodes.get("object")
        # what the cue takes
        if verbal:
            allowed_preps = cue.verb_preps.get(lemma)
            required = cue.verb_objects.get(lemma)
            if prep is not None and prep.lower_ not in (allowed_preps or cue.preps):
                return
            if prep is None and obj is not None and obj.dep_ == "dobj" and allowed_preps and not required:
                return
            dobj = next((c for c in cue_token.children if c.dep_ in ("dobj", "dative")), None)
            if required:
                if not self._object_ok(dobj, required, resolver):
                    return
                listed = dobj is not None and (dobj.lemma_.lower() in required or ("@force" in required and self.lex.noun_kind(dobj.lemma_.lower(), "force")))
                if prep is None and obj is not None and obj.dep_ == "dobj" and listed:
                    # the object actor is the owner of the required noun ("expelled Rwanda's ambassador",
                    # "struck Ukraine's port of Odesa": the owner before the place), else the phrase it
                    # goes to or with ("cut ties with Mali"); forces go to a destination only
                    owners = resolver._modifier_actors(dobj, 0) if predicate != "deploysForcesTo" else []
                    objects = owners or self._destination(cue_token, dobj, cue, resolver)
                    if not objects:
                        return
                    yield from self._relations(doc, cue, cue_token, anchor, None, objects, pattern, resolver, date)
                    return
            if lemma in ("order", "give") and not any(t.lemma_ == "leave" for t in cue_token.subtree):
                return
            if lemma == "join" and any(c.dep_ == "prep" and c.lower_ == "as" for c in cue_token.children):
                return
            if obj is None and prep is None and predicate == "mediates":
                # "a deal mediated by Qatar": between the parties of the text
                yield from self._relations(doc, cue, cue_token, anchor, None, [], pattern, resolver, date)
                return
            if obj is None and prep is None and not cue_token.dep_ == "amod":
                # reciprocal: coordinated subjects, no object ("Egypt and Qatar met")
                if not self.predicates[predicate].symmetric or lemma not in cue.reciprocal_verbs:
                    return
                if self._has_partner(cue_token, allowed_preps or cue.preps, resolver):
                    return  # "restore relations with Doha": the partner is named (another match takes it)
                yield from self._relations(doc, cue, cue_token, anchor, None, None, pattern, resolver, date, reciprocal_only=True)
                return
        else:
            if prep is not None and prep.lower_ not in cue.preps:
                return
            symmetric = self.predicates[predicate].symmetric
            if pattern.id == "noun-prep-clause-subject":
                if not symmetric or any(c.dep_ == "poss" for c in cue_token.children):
                    return
                anchor = _governing_verb(cue_token)
                if anchor is None:
                    return
            if obj is None and prep is None:
                if "light" in nodes:
                    objects = self._noun_objects(cue_token, cue, resolver)
                    if objects:
                        yield from self._relations(doc, cue, cue_token, anchor, None, objects, pattern, resolver, date)
                        return
                    if not (symmetric or anchor.lemma_.lower() in _RECIPROCAL_LIGHT):
                        return
                    yield from self._relations(doc, cue, cue_token, anchor, None, None, pattern, resolver, date, reciprocal_only=True)
                elif pattern.id == "as-noun" and predicate == "mediates":
                    yield from self._relations(doc, cue, cue_token, anchor, None, [], pattern, resolver, date)
                elif pattern.id == "copula-noun" and predicate == "memberOf":
                    orgs = [a for a in self._recent_in_sentence(cue_token, resolver, "Organization")]
                    if orgs:
                        yield from self._relations(doc, cue, cue_token, anchor, None, orgs[-1:], pattern, resolver, date)
                return
            if lemma == "join" and any(c.dep_ == "prep" and c.lower_ == "as" for c in (anchor.children if anchor is not cue_token else ())):
                return
        subject_node = nodes.get("subject") if pattern.id != "subject-phrase-noun-between" else None
        objects = self._objects(obj, prep, resolver, predicate) if obj is not None else []
        if pattern.id == "noun-compound-pair":
            if not self.predicates[predicate].symmetric:
                return
            pair = [Actor(resolver.ent_at[t.i]) for t in cue_token.lefts for t in t.subtree if t.i in resolver.ent_at and resolver.types.get(resolver.ent_at[t.i]) == "State"]
            pair = list({a.id: a for a in pair}.values())
            if len(pair) < 2:
                return
            yield from self._pairs(doc, cue, cue_token, anchor, pair, pattern, resolver, date)
            return
        if prep is not None and prep.lower_ == "between":
            if not self.predicates[predicate].symmetric and predicate != "mediates":
                return
            if self.predicates[predicate].symmetric:
                yield from self._pairs(doc, cue, cue_token, anchor, objects, pattern, resolver, date)
                return
        if obj is not None and not objects and predicate in ("condemns", "accuses") and resolver.lex.noun_kind(obj.lemma_.lower(), "event") and not any(c.dep_ in ("poss", "amod", "compound") and c.i in resolver.ent_at for c in obj.children):
            exclude = {resolver.state_of(a.id) for a in (resolver.actors(subject_node) if subject_node is not None else self.subjects(anchor, resolver))}
            objects = self._event_agents(obj, resolver, exclude)
        if obj is not None and not objects and not _is_reciprocal(obj):
            return
        yield from self._relations(doc, cue, cue_token, anchor, subject_node, objects, pattern, resolver, date, reciprocal_object=obj is not None and _is_reciprocal(obj))

    def _noun_objects(self, noun: Token, cue, resolver: ActorResolver) -> list[Actor]:
        """Objects of a cue noun given in its relative clause or on a coordinated noun."""
        for other in [*(c for c in noun.children if c.dep_ == "conj"), *(c for c in noun.children if c.dep_ == "relcl")]:
            for prep in other.children:
                if prep.dep_ == "prep" and prep.lower_ in cue.preps:
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            found = resolver.actors(pobj)
                            if found:
                                return found
        return []

    def _recent_in_sentence(self, token: Token, resolver: ActorResolver, type_: str) -> list[Actor]:
        found = []
        for t in token.sent:
            if t.i >= token.i:
                break
            ids = [a.id for a in resolver.actors(t)] if t.pos_ in ("NOUN", "PROPN") and (t.i in resolver.ent_at or resolver.lex.noun_kind(t.lemma_.lower(), "bloc")) else []
            found += [Actor(i, 0.7) for i in ids if resolver.types.get(i) == type_]
        return found

    def _event_agents(self, noun: Token, resolver: ActorResolver, exclude: set[str]) -> list[Actor]:
        """Who did 'the attack', 'the annexation', 'the move': the last actor of such an act before it."""
        lemma = noun.lemma_.lower()
        if lemma in self.lex.cues["attack"].nouns:
            classes, verbs = {"attack"}, set()
        elif lemma in ("annexation", "occupation", "seizure"):
            classes, verbs = set(), self.lex.actor_nouns["event_verb"]
        else:
            classes, verbs = {"attack", "deploy"}, self.lex.actor_nouns["event_verb"]
        for token in reversed(noun.doc[: noun.i]):
            nominal = token._.kg_ncue in classes and token.dep_ == "dobj" and token.head._.kg_light
            if token._.kg_vcue in classes or token.lemma_.lower() in verbs or nominal:
                anchor = token.head if nominal else token
                direct = [c for c in anchor.children if c.dep_ == "dobj"]
                direct += [p for c in anchor.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"]
                if not any(resolver.actors(c) or resolver._modifier_actors(c, 0) for c in direct):
                    continue
                agents = [a for a in self.subjects(anchor, resolver) if resolver.state_of(a.id) not in exclude and a.id not in exclude]
                if agents:
                    return [Actor(resolver.state_of(a.id), 0.6) for a in agents]
        return []

    def _destination(self, verb: Token, dobj: Token, cue, resolver: ActorResolver) -> list[Actor]:
        """The object phrase of a cue with a required noun: 'to'/'into'/'with' on the verb or inside its object."""
        scope = [*dobj.subtree] if cue.predicate == "deploysForcesTo" else [dobj, *dobj.children]
        for token in [*verb.children, *scope]:
            if token.dep_ in ("prep", "dative") and token.lower_ in cue.preps and token.head in (verb, *scope):
                for pobj in token.children:
                    if pobj.dep_ == "pobj":
                        found = self._objects(pobj, token, resolver, cue.predicate)
                        if found:
                            return found
        for clause in verb.children:
            # "send forces to reinforce KFOR"
            if clause.dep_ in ("advcl", "xcomp") and clause.lemma_.lower() in self.lex.actor_nouns["purpose_verb"]:
                for child in clause.children:
                    if child.dep_ == "dobj":
                        found = self._objects(child, None, resolver, "deploysForcesTo")
                        if found:
                            return found
        return []

    def _has_partner(self, verb: Token, preps, resolver: ActorResolver) -> bool:
        """Whether the verb or its object names a partner: "restore relations with Doha", "met with Kagame"."""
        heads = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
        return any(
            resolver.actors(pobj)
            for head in heads for prep in head.children if prep.dep_ == "prep" and prep.lower_ in preps
            for pobj in prep.children if pobj.dep_ == "pobj"
        )

    def _object_ok(self, dobj: Token | None, required: list[str], resolver: ActorResolver) -> bool:
        if dobj is None:
            return False
        lemma = dobj.lemma_.lower()
        if lemma in required:
            return True
        if "@force" in required and self.lex.noun_kind(lemma, "force"):
            return True
        actors = resolver.actors(dobj)
        if "@actor" in required and actors:
            return True
        if "@org" in required and any(resolver.types.get(a.id) == "Organization" for a in actors):
            return True
        return False

    def _objects(self, obj: Token, prep: Token | None, resolver: ActorResolver, predicate: str) -> list[Actor]:
        actors = resolver.actors(obj)
        if obj.dep_ == "dobj" or (obj.lower_ in ("that", "which", "whom") and obj.dep_ == "dobj"):
            # "blame X, together with Y, for ...": Y is an object too
            for prep_ in obj.head.children:
                if prep_.dep_ == "prep" and prep_.lower_ == "with" and any(c.lower_ in ("together", "along") for c in prep_.children):
                    actors += [a for pobj in prep_.children if pobj.dep_ == "pobj" for a in resolver.actors(pobj)]
        if predicate == "deploysForcesTo":
            # a deployment to a mission is a deployment to the mission's country
            lifted = []
            for actor in actors:
                info = self.gaz.entries.get(actor.id)
                lifted += [Actor(c, actor.certainty) for c in (info.located_in if info and info.type == "Other" else ())] or [actor]
            return lifted
        return actors

    # -- subjects -----------------------------------------------------------
    def subjects(self, verb: Token, resolver: ActorResolver, depth: int = 0) -> list[Actor]:
        """Actors of the clause subject of ``verb`` (control, coordination, relative clauses)."""
        if depth > 5:
            return []
        by_dep = {}
        for child in verb.children:
            by_dep.setdefault(child.dep_, child)
        for dep in ("nsubj", "csubj", "agent", "nsubjpass"):
            child = by_dep.get(dep)
            if child is None or (dep == "nsubjpass" and verb._.kg_vcue):
                continue
            if dep == "agent":
                child = next((c for c in child.children if c.dep_ == "pobj"), None)
                if child is None:
                    continue
            found = resolver.actors(child)
            if found:
                return found
            if dep in ("nsubj", "agent") and child.pos_ in ("NOUN", "PROPN"):
                # "protesters stormed ...": an explicit subject that is no actor
                return []
        head = verb.head
        if head == verb:
            return []
        if verb.dep_ == "xcomp":
            found = resolver.controller(head)  # "urged Israel to halt", "called on both sides to stop"
            if found:
                return found
            for child in head.children:
                if child.dep_ == "nsubjpass":
                    return resolver.actors(child)
            return self.subjects(head, resolver, depth + 1)
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.lemma_.lower() in self.lex.speech["claim"]:
            accused = next((c for c in head.head.children if c.dep_ == "dobj"), None)
            return resolver.actors(accused) if accused is not None else []
        if verb.dep_ in ("conj", "advcl", "pcomp") or (verb.dep_ == "prep" and head.pos_ in ("VERB", "AUX")):
            found = self.subjects(head, resolver, depth + 1)
            if not found and head.dep_ in ("ccomp", "conj", "advcl", "xcomp") and verb.dep_ == "conj":
                # "X told the council that [the dam posed ...] and accused Y": the speaker
                found = self.subjects(head.head, resolver, depth + 1)
            return found
        if verb.dep_ == "acl" and head.dep_ == "dobj" and not resolver.actors(head):
            # "signed a treaty absorbing X": the signer
            return self.subjects(head.head, resolver, depth + 1)
        if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN", "PRON"):
            return resolver.actors(head)
        if verb.dep_ == "amod" and verb.i > 1 and verb.doc[verb.i - 1].text in ("-", "–"):
            return resolver.actors(verb.doc[verb.i - 2])
        if verb.dep_ in ("dobj", "pobj", "attr", "appos") and head.pos_ in ("VERB", "AUX", "ADP"):
            return self.subjects(head if head.pos_ != "ADP" else head.head, resolver, depth + 1)
        return []

    # -- relation records -----------------------------------------------------
    def _relations(self, doc, cue, cue_token, anchor, subject_node, objects, pattern, resolver, date, reciprocal_only=False, reciprocal_object=False):
        subjects = resolver.actors(subject_node) if subject_node is not None else self.subjects(anchor, resolver)
        if not subjects:
            return
        predicate = cue.predicate
        if reciprocal_object and len(subjects) < 2 and objects:
            reciprocal_object = False  # "called on both sides": the sides are the objects
        if reciprocal_only or reciprocal_object:
            if len(subjects) < 2:
                return
            yield from self._pairs(doc, cue, cue_token, anchor, subjects, pattern, resolver, date, both=not self.predicates[predicate].symmetric)
            return
        if objects is None or (not objects and predicate == "mediates"):
            if predicate != "mediates":
                return
        if predicate == "mediates" and not objects:
            objects = [Actor(p, 0.6) for p in resolver.parties(cue_token.i, 2, {resolver.state_of(s.id) for s in subjects})]
        if predicate == "mediates" and len(objects) == 1 and objects[0].id in {a.id for a in subjects}:
            return
        if {s.id for s in subjects} <= {o.id for o in objects} and anchor.dep_ == "conj" and anchor.head.dep_ in ("ccomp", "xcomp", "advcl"):
            # "Algeria said [the kingdom had ceased ...] and accused the kingdom": the speaker accuses
            subjects = self.subjects(anchor.head.head, resolver) or subjects
        modality = self._modality(cue_token, anchor, subjects, resolver)
        for s in subjects:
            for o in objects:
                relation = self._relation(doc, predicate, cue, cue_token, s, o, modality, pattern, resolver, date)
                if relation is not None:
                    yield relation, modality

    def _pairs(self, doc, cue, cue_token, anchor, actors, pattern, resolver, date, both=False):
        modality = self._modality(cue_token, anchor, actors, resolver)
        ids = [a for a in actors]
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                for s, o in ((a, b), (b, a)) if both else ((a, b),):
                    relation = self._relation(doc, cue.predicate, cue, cue_token, s, o, modality, pattern, resolver, date)
                    if relation is not None:
                        yield relation, modality

    def _modality(self, cue_token, anchor, subjects, resolver) -> Modality:
        subject_ids = {resolver.state_of(s.id) for s in subjects} | {s.id for s in subjects}

        def speaker_ids(token):
            return {resolver.state_of(a.id) for a in resolver.actors(token)} | {a.id for a in resolver.actors(token)}

        if cue_token.dep_ in ("appos", "amod"):
            # "Turkey, a NATO member, ..."; "the EU-facilitated dialogue": presupposed
            negated = any(c.dep_ == "neg" for c in cue_token.children)
            return Modality("negated" if negated else "asserted")
        start = anchor if anchor is not cue_token else cue_token
        modality = modality_of(start, self.lex, subject_ids, speaker_ids)
        nominal = start is cue_token and cue_token.pos_ in ("NOUN", "PROPN")
        if nominal and modality.modality == "hypothetical":
            # "if the conflict between X and Y escalates": the conflict is presupposed
            return Modality()
        return modality

    def _relation(self, doc, predicate, cue, cue_token, s: Actor, o: Actor, modality: Modality, pattern, resolver, date):
        if s.id == o.id or resolver.state_of(s.id) == resolver.state_of(o.id) and predicate not in ("leaderOf", "officialOf"):
            return None
        if not self._types_ok(predicate, s.id, o.id, resolver):
            return None
        attributed = None
        if modality.reported and self.predicates[predicate].symmetric and self.predicates[predicate].polarity == "cooperative":
            # "X and Y agreed to keep talking, officials said": sourcing, not a disputed claim
            modality = Modality()
        if modality.modality == "claimed" and modality.speaker is not None:
            speakers = resolver.actors(modality.speaker)
            attributed = resolver.state_of(speakers[0].id) if speakers else None
        confidence = cue.reliability * pattern.reliability * min(s.certainty, o.certainty)
        if modality.modality != "asserted":
            confidence *= 0.9
        return Relation(
            doc="",
            subject=s.id,
            predicate=predicate,
            object=o.id,
            modality=modality.modality,
            attributed_to=attributed,
            date=self._date(cue_token, date),
            confidence=round(confidence, 3),
            cameo=self.predicates[predicate].cameo,
            evidence=_evidence(cue_token.sent),
        )

    def _types_ok(self, predicate: str, s: str, o: str, resolver: ActorResolver) -> bool:
        def type_of(actor: str) -> str | None:
            info = self.gaz.entries.get(actor)
            return resolver.types.get(actor) or (info.type if info else None)

        ts, to = type_of(s), type_of(o)
        if predicate == "memberOf":
            return to == "Organization" and ts in ("State", "Organization")
        if predicate == "neighbourOf":
            return ts == "State" and to == "State"
        if predicate == "locatedIn":
            return ts == "Region" and to == "State"
        if predicate in ("allyOf", "severRelationsWith", "restoreRelationsWith", "sanctions", "deploysForcesTo", "mediates", "appealsTo"):
            return ts != "Region" and (to != "Region" or predicate == "deploysForcesTo")
        return ts != "Region" and to != "Region" or predicate in ("attacks", "deploysForcesTo")

    def _date(self, cue_token: Token, doc_date: str | None) -> str | None:
        clause = cue_token
        while clause.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "relcl") and clause.head != clause:
            clause = clause.head
        subtree = {t.i for t in clause.subtree}
        for ent in cue_token.sent.ents:
            ordinal = ent.label_ == "ORDINAL" and ent.start > 0 and ent.doc[ent.start - 1].lower_ == "the"
            if (ent.label_ == "DATE" or ordinal) and ent.start in subtree:
                resolved = resolve_date(("the " if ordinal else "") + ent.text, doc_date)
                if resolved:
                    return resolved
        return doc_date

    # -- rules outside the pattern table ----------------------------------------
    def _specials(self, doc: Doc, resolver: ActorResolver, date):
        neighbour = self.lex.cues["neighbour"]
        pattern = Pattern("nominal-neighbour", [], 0.8, "", ())
        for token in doc:
            lemma = token.lemma_.lower()
            # "neighbouring Mali and Burkina Faso ... Niger"
            if lemma in ("neighbouring", "neighboring") and token.dep_ in ("amod", "compound") and token.head.i in resolver.ent_at:
                group = {a.id for a in resolver.actors(token.head)}
                others = {resolver.ent_at[i] for i in range(token.sent.start, token.sent.end) if i in resolver.ent_at
                          and resolver.types.get(resolver.ent_at[i]) == "State"} - group
                if len(others) == 1:
                    (other,) = others
                    modality = Modality()
                    for g in group:
                        rel = self._relation(doc, "neighbourOf", neighbour, token, Actor(g), Actor(other, 0.7), modality, pattern, resolver, date)
                        if rel:
                            yield rel
            # "X's neighbour", "the two neighbours"
            if lemma in ("neighbour", "neighbor") and token.pos_ == "NOUN":
                owners = [a for c in token.children if c.dep_ == "poss" for a in resolver.actors(c)]
                if owners and token.tag_ == "NNS":
                    continue  # "its neighbours": which ones is not said
                referents = resolver.actors(token)
                pairs = [(o, r) for o in owners for r in referents] if owners else (
                    [(referents[0], referents[1])] if len(referents) == 2 and token.tag_ == "NNS" else [])
                for s, o in pairs:
                    rel = self._relation(doc, "neighbourOf", neighbour, token, s, o, Modality(), pattern, resolver, date)
                    if rel:
                        yield rel
            # "two of Washington's closest allies": the parties of the text
            if lemma == "ally" and token.tag_ == "NNS" and token.head.lower_ == "of" and token.head.head.like_num:
                owners = [a for c in token.children if c.dep_ == "poss" for a in resolver.actors(c)]
                n = {"two": 2, "three": 3}.get(token.head.head.lower_, 2)
                for owner in owners:
                    for party in resolver.parties(token.i, n, {owner.id}):
                        rel = self._relation(doc, "allyOf", self.lex.cues["ally"], token, owner, Actor(party, 0.6), Modality(), pattern, resolver, date)
                        if rel:
                            yield rel

    def _located(self, doc: Doc, resolver: ActorResolver, date):
        """Regions inside states: "Banjska, a village in northern Kosovo"; "the territory, which makes up
        two-thirds of Guyana"; "Kashmir, part of India"."""
        cue = Cue("locate", "locatedIn", frozenset(), frozenset(), frozenset(), {}, {}, 0.8)
        pattern = Pattern("region-in-state", [], 0.85, "", ())
        for token in doc:
            place = token.lemma_.lower()
            if token.dep_ == "appos" and (self.lex.noun_kind(place, "place") or place == "part"):
                regions = [a for a in resolver.actors(token.head) if resolver.types.get(a.id) == "Region"]
                states = [a for c in token.children if c.dep_ == "prep" and c.lower_ in ("in", "of")
                          for p in c.children if p.dep_ == "pobj" for a in self._states_of(resolver.actors(p), resolver)]
            elif token.dep_ == "relcl" and token.lemma_.lower() in self.lex.actor_nouns["part_verb"]:
                regions = [a for a in resolver.actors(token.head) if resolver.types.get(a.id) == "Region"]
                states = [a for t in token.subtree if t.dep_ == "pobj" and t.head.lower_ in ("of", "in", "to")
                          for a in self._states_of(resolver.actors(t), resolver)]
            else:
                continue
            modality = self._modality(token, token, regions, resolver)
            for region in regions:
                for state in states[:1]:
                    relation = self._relation(doc, "locatedIn", cue, token, region, state, modality, pattern, resolver, date)
                    if relation:
                        yield relation

    def _states_of(self, actors: list[Actor], resolver: ActorResolver) -> list[Actor]:
        """States among ``actors``; a region stands for the state it lies in ("northern Kosovo")."""
        out = []
        for actor in actors:
            info = self.gaz.entries.get(actor.id)
            if resolver.types.get(actor.id) == "State":
                out.append(actor)
            elif info is not None and info.type == "Region" and len(info.located_in) == 1:
                out.append(Actor(info.located_in[0], actor.certainty * 0.9))
        return out

    def _denial_verbs(self, doc: Doc, resolver: ActorResolver) -> list:
        """Subjects of deny / reject verbs, and their sentence start."""
        out = []
        for token in doc:
            if token.pos_ == "VERB" and self.lex.speech_kind(token.lemma_.lower()) == "deny" and not any(c.dep_ == "neg" for c in token.children):
                speakers = self.subjects(token, resolver)
                relative = token.dep_ == "relcl" or any(c.lower_ in ("which", "that") for c in token.children) or token.head.lemma_ in ("account", "claim", "allegation", "accusation", "charge")
                out.append(({resolver.state_of(a.id) for a in speakers}, token.sent.start, "same-sentence" if relative else None))
        return out

    def _apply_denials(self, found: dict, denials: list, resolver: ActorResolver) -> list[Relation]:
        relations = list(found.values())
        out = []
        negated_denials = [d for d in denials if isinstance(d[2], tuple)]
        for rel in relations:
            if rel.modality == "negated" and any(d[2] == rel.key()[:3] for d in negated_denials):
                # "Kigali denied backing the M23": a denial of a claim, not a relation of its own
                if any(r.key()[:3] == rel.key()[:3] and r.modality == "claimed" for r in relations):
                    continue
            if rel.modality == "claimed":
                subject_state = resolver.state_of(rel.subject)
                sent_start = rel.evidence.start if rel.evidence else -1
                deniers = set(rel.denied_by)
                for speakers, start, kind in denials:
                    sent_char = resolver.doc[start].idx
                    if kind == "same-sentence" and sent_char == sent_start:
                        deniers |= speakers
                    elif sent_char >= sent_start and subject_state in speakers:
                        deniers |= {subject_state}
                    elif isinstance(kind, tuple) and kind == rel.key()[:3]:
                        deniers |= speakers
                deniers.discard(rel.attributed_to)
                rel = rel.replace(denied_by=tuple(sorted(d for d in deniers if d)))
            out.append(rel)
        return out

    @staticmethod
    def _add(found: dict, relation: Relation) -> None:
        key = relation.key()
        if relation.predicate in ("allyOf", "neighbourOf", "conflictWith", "talksWith", "restoreRelationsWith"):
            key = (min(relation.subject, relation.object), relation.predicate, max(relation.subject, relation.object), relation.modality)
        old = found.get(key)
        if old is None or relation.confidence > old.confidence:
            found[key] = relation if old is None else relation.replace(evidence=old.evidence, denied_by=tuple(sorted(set(old.denied_by) | set(relation.denied_by))))


def _is_reciprocal(token: Token) -> bool:
    """'each other', 'the other party', 'their countries', 'both sides'."""
    phrase = " ".join(t.lower_ for t in token.subtree)
    if phrase in _RECIPROCAL or token.lower_ == "other":
        return True
    words = phrase.split()
    return len(words) == 2 and words[0] in ("their", "both") and token.tag_ == "NNS"


def _governing_verb(token: Token) -> Token | None:
    """The verb of the clause a noun phrase is in."""
    while token.head != token:
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _evidence(sent) -> Evidence:
    return Evidence(sent.text, sent.start_char, sent.end_char)
