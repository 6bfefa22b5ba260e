"""Relations from a linked Doc: cue words, their arguments and the cue lexicon -> Relation records.

The plain-Python core of the ``kg_relations`` component. For every token that
the cue lexicon (``kg/data/cues.jsonl``) lists as a verb, noun or adjective of
a predicate, :mod:`kg.relations.arguments` finds its agents, patients and
prepositional phrases by rules of syntax that every predicate shares; the
lexicon entry says which of them make the relation's subject and object
(prepositions, required objects, inversion, symmetry, types);
:mod:`kg.relations.actors` turns phrase heads into actor ids and
:mod:`kg.relations.modality` says whether the report asserts, claims,
supposes or negates the relation.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.attrs import LEMMA, LOWER, POS, TAG
from spacy.strings import hash_string
from spacy.symbols import VERB
from spacy.tokens import Doc, Token

from kg.records import Relation
from kg.relations.actors import RECIPROCAL, Actor, ActorResolver, unique_actors as _unique
from kg.relations.arguments import Frame, frame_of, passive, relative_frames
from kg.relations.dates import event_date
from kg.relations.lexicon import Cue, Lexicon, lemma_of, mended_lemma
from kg.relations.modality import Modality, modality_of
from kg.relations.perdoc import column, evidence, memo as per_doc, sentence_bounds
from kg.relations.roles import find_roles
from kg.resolve.tables import Gazetteer
from kg.vocab import Predicate

__all__ = ["RelationExtractor"]

_NOMINAL_DEPS = {"dobj", "pobj", "nsubj", "nsubjpass", "attr", "appos"}
#: how much each kind of frame is trusted (times the cue's reliability and the actors' certainty)
_RELIABILITY = {"verb": 0.85, "noun": 0.8, "relational": 0.85, "adjective": 0.75}
_ACTOR_TYPES = frozenset({"State", "Organization", "Person", "Other"})
_LEMMAS_KEPT = 200_000  # lemmas whose cue-ness is remembered, at most (memory stays flat on any corpus)


class RelationExtractor:
    """Finds relations in Docs processed by ``kg_gazetteer``, ``ner`` and ``kg_linker``."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, predicates: dict[str, Predicate]):
        self.gaz = gazetteer
        self.lex = lexicon
        self.predicates = predicates
        self.light = frozenset(lexicon.light)
        # every word that is a cue as some part of speech: any other token is passed over at once
        self.cue_words = frozenset(w for table in (lexicon.verb_cues, lexicon.noun_cues, lexicon.adjective_cues) for w, cues in table.items() if cues)
        self._cue_hashes = frozenset(hash_string(w) for w in self.cue_words)
        self._lemma_is_cue: dict[int, bool] = {}  # lemma hash -> whether its lower-case form is a cue word (_lemma_in)
        self._lemma_is_act: dict[int, bool] = {}  # lemma hash -> whether its lower-case form is a verb of acting
        self._mended_is_cue: dict[tuple[int, int, int], bool] = {}  # (lower, lemma, tag) hashes -> see _mends_to_cue
        self._lemma_is_denial: dict[int, bool] = {}  # lemma hash -> whether its lower-case form is a verb of denying
        self._deny_words = frozenset(w for words in lexicon.speech.values() for w in words if lexicon.speech_kind(w) == "deny")
        self._mended_tags = frozenset(hash_string(t) for t in ("VBD", "VBN", "VBP", "VBZ"))
        unknown = {c.predicate for c in lexicon.cues.values()} - set(predicates)
        if unknown:
            raise ValueError(f"cue lexicon names predicates the ontology does not have: {sorted(unknown)}")

    # -- entry point --------------------------------------------------------
    def __call__(self, doc: Doc) -> list[Relation]:
        date = doc.user_data.get("date") if doc.user_data else None
        resolver = ActorResolver(doc, self.gaz, self.lex)
        roles = find_roles(doc, resolver, self.gaz, self.gaz.titles, date)
        resolver.roles = {}
        for role in roles:
            resolver.roles.setdefault(role.person, set()).add(role.of)
        found: dict[tuple, Relation] = {}
        denials: list[tuple[set[str], int, tuple | None]] = []
        for role in roles:
            if role.current:
                self._add(found, Relation("", role.person, role.predicate, role.of, confidence=role.confidence,
                                           date=date, evidence=evidence(doc, role.mention.start, role.mention.end)))
        resolver.past = {r.person: r.of for r in roles if not r.current}
        resolver.settle()
        for i, found_cues in self._cued(doc).items():
            token = doc[i]
            for cue, kind in found_cues:
                lemma = lemma_of(token)
                frames = [frame_of(token, kind, of_is_patient="of" in cue.preps_of(lemma, kind == "verb"), light=self.light)]
                if kind == "noun":
                    frames += relative_frames(token, self.light)
                for relation, modality in (r for frame in frames for r in self._from_frame(frame, cue, resolver, date)):
                    if modality.deny:
                        speakers = {resolver.state_of(a.id) for a in resolver.actors(modality.speaker)} if modality.speaker is not None else set()
                        denials.append((speakers, sentence_bounds(doc, i)[0], relation.key()[:3]))
                    self._add(found, relation)
        denials += self._denial_verbs(doc, resolver)
        return self._apply_denials(found, denials, resolver)

    def _cued(self, doc: Doc) -> dict[int, list[tuple[Cue, str]]]:
        """The cues of each token that has any (:meth:`cues`), by token index in order; read once per document."""
        memo = per_doc(doc)
        found = memo.get(("cues", self))
        if found is None:
            found = memo[("cues", self)] = {t.i: cues for t in self._cue_candidates(doc) if (cues := self.cues(t))}
        return found

    def _acts(self, doc: Doc) -> list[int]:
        """Indices of the tokens that may name an earlier act (:meth:`_previous_act`): a cue, or a verb of acting."""
        memo = per_doc(doc)
        found = memo.get(("acts", self))
        if found is None:
            strings, acts = doc.vocab.strings, self.lex.actor_nouns["event_verb"]
            verbs = {i for i, lemma in enumerate(column(doc, LEMMA)) if _lemma_in(lemma, acts, self._lemma_is_act, strings)}
            found = memo[("acts", self)] = sorted(verbs.union(self._cued(doc)))
        return found

    def _cue_candidates(self, doc: Doc):
        """The tokens that may be cues: their lower-case form or lemma is a cue word, or :func:`lemma_of`
        mends their lemma to one. Read from the Doc's hash arrays, so that no other token is made."""
        strings, words = doc.vocab.strings, self._cue_hashes
        for i, (lower, lemma, tag) in enumerate(zip(column(doc, LOWER), column(doc, LEMMA), column(doc, TAG))):
            # a lemma in capitals ("Sanction" of a name) is the cue word in lower case
            if lower in words or lemma in words or _lemma_in(lemma, self.cue_words, self._lemma_is_cue, strings) or (
                    tag in self._mended_tags and self._mends_to_cue(lower, lemma, tag, strings)):
                yield doc[i]

    def _mends_to_cue(self, lower: int, lemma: int, tag: int, strings) -> bool:
        """Whether a verb form's mended lemma (:func:`lemma_of`, "retook" -> "retake") is a cue word, by hashes;
        the answer is kept (for at most :data:`_LEMMAS_KEPT` forms)."""
        key = (lower, lemma, tag)
        found = self._mended_is_cue.get(key)
        if found is None:
            found = mended_lemma(strings[lemma].lower(), strings[lower], strings[tag]) in self.cue_words
            if len(self._mended_is_cue) < _LEMMAS_KEPT:
                self._mended_is_cue[key] = found
        return found

    def cues(self, token: Token) -> list[tuple[Cue, str]]:
        """The cue classes ``token`` signals, each with the kind of frame to read it as."""
        lemma = lemma_of(token)
        if lemma not in self.cue_words and token.lower_ not in self.cue_words:
            return []
        adjectives = self.lex.cues_for(token.lower_, "adjective") or self.lex.cues_for(lemma, "adjective")
        if adjectives and token.dep_ in ("amod", "compound", "acl", "acomp"):
            return [(cue, "adjective") for cue in adjectives]
        if token.pos_ == "VERB" and token.dep_ in _NOMINAL_DEPS and self.lex.cues_for(lemma, "noun"):
            token_kind = "noun"  # "imposed asset freezes": a noun the tagger took for a verb
        elif token.pos_ == "ADJ" and token.dep_ in ("amod", "compound") and token.head.pos_ == "PROPN" and self.lex.cues_for(lemma, "noun"):
            token_kind = "noun"  # "accused neighbour Cambodia": a title the tagger took for an adjective
        elif token.pos_ in ("VERB", "AUX") or (token.pos_ == "ADJ" and token.tag_ == "VBN"):
            return [(cue, "verb") for cue in self.lex.cues_for(lemma, "verb")]
        elif token.pos_ in ("NOUN", "PROPN"):
            token_kind = "noun"
        else:
            return []
        modifiers = {c.lemma_.lower() for c in token.lefts} | ({token.nbor(-1).lemma_.lower()} if token.i > 0 else set())
        return [(cue, "relational" if cue.relational else "noun") for cue in self.lex.cues_for(lemma, token_kind)
                if not (needed := self.lex.needs_modifier(cue.name, lemma)) or needed & modifiers]  # "defence pact", not any pact

    # -- one frame -------------------------------------------------------------
    def _from_frame(self, frame: Frame, cue: Cue, resolver: ActorResolver, date: str | None):
        token = frame.cue
        lemma = lemma_of(token)
        verbal = frame.kind == "verb"
        symmetric = self.predicates[cue.predicate].symmetric
        preps = cue.preps_of(lemma, verbal)
        if verbal and any(p in cue.blocking_preps.get(lemma, ()) for p, _ in frame.obliques):
            return  # "joined as an observer"
        if verbal and cue.blocking_cargo and frame.direct is not None and (_carries(frame.direct, cue.blocking_cargo) or any(
                p == "with" and h.lemma_.lower() in cue.blocking_cargo for p, h in frame.obliques)):
            return  # "sent a ship with aid", "planes carrying medicine": no forces
        if verbal and lemma in cue.verb_particles and not any(c.dep_ in ("prt", "prep", "advmod") and c.lower_ in cue.verb_particles[lemma] for c in token.children):
            return  # "hit out at" is not "hit"
        if verbal and lemma in cue.verb_complements and not _has_complement(token, cue.verb_complements[lemma]):
            return  # "ordered the envoy" without "to leave"
        subjects = _unique([a for t in frame.agents for a in resolver.actors(t)])
        if not subjects and verbal and frame.direct is not None and "@force" in cue.verb_objects.get(lemma, ()):
            # "Russian peacekeepers deployed in Karabakh": whose forces they are deployed them
            subjects = _unique(resolver.modifier_actors(frame.direct, 0))
        subjects = subjects or _unique([a for t in frame.fallback_agents for a in resolver.actors(t)])
        if not subjects and verbal and lemma in cue.passive_hosts and frame.direct is not None and passive(token):
            # "Mexico's ambassador to Peru was expelled": the state the envoy was posted to did it
            posts = [h for p, h in frame.direct_obliques if p in cue.passive_hosts[lemma]]
            subjects = _unique([Actor(resolver.state_of(a.id), a.certainty * 0.8) for t in posts for a in resolver.actors(t)])
        if not subjects and cue.crowd_subjects:
            # "thousands of Iranians rallied", "Chinese students marched": the crowd's state
            crowd = [t for a in frame.agents for t in [a, *(p for c in a.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children)]]
            subjects = _unique([a for t in crowd for a in [*resolver.modifier_actors(t, 0), *resolver.actors(t)]
                                if self._type_of(a.id, resolver) == "State"])
        if frame.kind == "relational" and not subjects:
            subjects = self._partitive_holders(frame, resolver)
        if not subjects and frame.kind == "noun":
            subjects = self._accused_of(token, resolver)
        holders: set[str] = set()
        if cue.holder_modifiers and frame.kind == "relational":
            # "Chile's Atacama region", "the Qatari mediator": the name in the noun phrase is the holder
            named = [c for c in token.children if c.dep_ in ("compound", "nmod", "amod")]
            found = [a for t in named for a in resolver.actors(t)]
            if token.i in resolver.ent_at:  # the noun is part of the name ("the Atacama Region"), not an anaphor
                found.append(Actor(resolver.ent_at[token.i]))
            found = [a for a in found if self._type_of(a.id, resolver) in (cue.subject_types or _ACTOR_TYPES) and not resolver.geographic(a.id)]
            holders = {a.id for a in found}
            subjects = _unique(subjects + found)
        objects = self._objects(frame, cue, lemma, preps, subjects, resolver, skip=holders)
        if objects is None:
            return
        if not subjects and not objects and symmetric and frame.clause is not None and frame.clause.lemma_.lower() in ("be", "remain"):
            # "X and Y are in talks", "the two remain at war": the subjects of the copula act on each other
            subjects = _unique([a for t in frame.clause_agents for a in resolver.actors(t)])
            if len(subjects) >= 2:
                frame.anchor = frame.clause
        if not subjects and (symmetric or cue.clause_agents) and objects:
            # "X agreed on a deal in a phone call with Y" (a partner named; not "recalled envoys for consultations")
            subjects = _unique([a for t in frame.clause_agents for a in resolver.actors(t)])
            if subjects and frame.clause is not None:
                frame.anchor = frame.clause  # the clause's modality is the relation's ("may be involved in the war with")
        if verbal and lemma in cue.inverse_verbs:
            subjects, objects = objects, subjects  # "the bloc includes Chile"
        if frame.kind == "adjective" and cue.relational:
            subjects, objects = objects, subjects  # "neighbouring Mali": Mali is the holder
            if not objects and cue.object_types == {"State"}:
                objects = self._other_state(token, subjects, resolver)  # "neighbouring Mali": a state's neighbour
        if frame.kind == "relational":
            yield from self._memberships_in_modifiers(frame, cue, subjects, objects, resolver, date)
            objects = [o for o in objects if not (self._bloc_modifier(frame, o, resolver))]
            subjects = [s for s in subjects if s.id not in {o.id for o in objects}] or subjects
        between = [a for t in frame.oblique({"between"}) + frame.oblique_of_direct({"between"}) for a in resolver.actors(t)] if "between" in preps else []
        if between and symmetric:
            yield from self._pairs(frame, cue, between, resolver, date)
            return
        reciprocal = [t for t in [*frame.patients, *(h for _, h in frame.obliques)] if _is_reciprocal(t)]
        if frame.light is not None and frame.light.lemma_.lower() in self.lex.actor_nouns["reciprocal_light"]:
            reciprocal.append(frame.light)  # "the two sides traded accusations"
        if cue.object_owner and frame.direct is not None and any(c.dep_ == "poss" and c.lower_ == "their" for c in frame.direct.children):
            reciprocal.append(frame.direct)  # "both countries recalled their ambassadors": each from the other
        if frame.kind == "relational" and symmetric and token.tag_ == "NNS" and not objects and resolver.number_of(token):
            referents = resolver.actors(token)  # "the two neighbours", "both allies"
            if len(referents) >= 2:
                yield from self._pairs(frame, cue, referents, resolver, date)
                return
        if not subjects and not objects and cue.default_object == "parties":
            return
        if not objects:
            if reciprocal or (symmetric and self._reciprocal_reading(frame, cue, lemma)):
                if len(subjects) >= 2:
                    if not _one_owned_party(frame.agents):  # "Russia's Wagner mercenaries are fighting": one side
                        yield from self._pairs(frame, cue, subjects, resolver, date, both=not symmetric)
                    return
                if reciprocal:
                    return
            if cue.clause_objects:
                objects = self._clause_objects(frame, subjects, resolver)
            if not objects and cue.default_object is None:
                return
            objects = objects or self._default_objects(frame, cue, subjects, resolver)
            if not objects:
                return
        if not subjects:
            return
        if {s.id for s in subjects} <= {o.id for o in objects} and frame.anchor.dep_ == "conj" and frame.anchor.head.dep_ in ("ccomp", "xcomp", "advcl"):
            # "Algeria said [the kingdom had ceased ...] and accused the kingdom": the speaker is the accuser
            speaker = frame_of(frame.anchor.head.head, "verb").agents
            subjects = _unique([a for t in speaker for a in resolver.actors(t)]) or subjects
        modality = self._modality(frame, cue, subjects, resolver)
        for s in subjects:
            for o in objects:
                relation = self._relation(frame, cue, s, o, modality, resolver, date)
                if relation is not None:
                    yield relation, modality

    def _objects(self, frame: Frame, cue: Cue, lemma: str, preps, subjects: list[Actor], resolver: ActorResolver,
                 skip: set[str] = frozenset()) -> list[Actor] | None:
        """The object actors of a frame (none of ``skip``); ``None`` when the cue's reading does not hold (a
        required object is missing)."""
        verbal = frame.kind == "verb"
        direct = frame.direct
        # a verb whose object is optional takes a listed object or its prepositions: "shot down a jet", "shot at X"
        required = cue.verb_objects.get(lemma) if verbal and (direct is not None or lemma not in cue.optional_objects) else None
        if required and frame.dative is not None and not self._object_ok(direct, required, resolver):
            direct = frame.dative  # "gave the envoy 72 hours to leave"
        direct_actors = resolver.actors(direct) if direct is not None else []
        obliques = [t for t in frame.oblique(preps)]
        listed = required and direct is not None and (direct.lemma_.lower() in required or ("@force" in required and self.lex.noun_kind(direct.lemma_.lower(), "force")))
        if direct is not None and (listed or not direct_actors):
            # "fired shells at X", "brokered talks between X and Y", "sent troops from Y to X";
            # "of" only where the cue says so ("makes up half of X")
            obliques += [h for p, h in frame.direct_obliques if p in preps and (p != "of" or "of" in cue.verb_preps.get(lemma, ()))]
        if required and direct is None and "@force" in required and any(
                self.lex.noun_kind(a.lemma_.lower(), "force") for a in frame.agents):
            # "French troops withdrew from Niger": forces withdraw from places
            return [a for a in self._actors_of(obliques, cue, resolver) if resolver.types.get(a.id) in ("State", "Region")]
        if required:
            if not self._object_ok(direct, required, resolver):
                return None
            if not listed and "@event" in required and not direct_actors:
                return self._event_targets(direct, subjects, resolver)
            if not listed:
                return self._actors_of([direct], cue, resolver) + self._together_with(direct, resolver)
            found: list[Actor] = []
            if cue.object_owner:
                exclude = _sides(subjects, resolver)
                # whose it is, not where it is: "restored relations in Lima" names no partner
                found = [a for a in resolver.modifier_actors(direct, 0, places=False) if _outside(a, exclude, resolver)]
            found = found or self._actors_of(obliques, cue, resolver)
            if not found and cue.object_place:
                found = self._host_states(frame, direct, subjects, resolver)
            if not found and cue.purpose_objects:
                found = self._purpose_objects(frame.cue, cue, resolver)
            return found
        targets = obliques if verbal and lemma in cue.verb_preps else [*frame.patients, *obliques]
        if verbal and cue.event_targets and direct is None:
            # "backed X declaring himself president": the subject of a gerund clause is whom it is done for
            targets += [c for g in frame.cue.children if g.dep_ in ("ccomp", "advcl") and g.tag_ == "VBG" and g.i > frame.cue.i
                        for c in g.children if c.dep_ == "nsubj" and c.i > frame.cue.i]
        found = []
        exclude = _sides(subjects, resolver)
        for target in targets:
            actors = self._actors_of([target], cue, resolver, skip)
            if not actors and cue.event_targets and target.pos_ in ("NOUN", "PROPN"):
                # "condemned the strike by Chile", "called for the withdrawal of Russian troops"
                actors = self._event_targets(target, subjects, resolver, previous=target in frame.patients)
            if cue.event_targets and target.pos_ == "NOUN":
                # "demanded the release of the crew as well as an inquiry by X": each coordinated act
                for act in target.conjuncts:
                    if act.pos_ == "NOUN" and not resolver.actors(act):
                        actors = actors + self._event_targets(act, subjects, resolver, previous=False)
            if not actors and cue.object_owner and target.pos_ in ("NOUN", "PROPN") and not any(c.relational for c in self.lex.cues_for(target.lemma_.lower(), "noun")):
                # "fired on Kyrgyz vehicles", "sanctioned Russian banks": the owner of what is struck
                actors = [a for a in resolver.modifier_actors(target, 0, places=False) if _outside(a, exclude, resolver)]
            found += actors
        if verbal and direct is not None:
            found += self._together_with(direct, resolver)
        return _unique(found)

    def _actors_of(self, tokens: list[Token], cue: Cue, resolver: ActorResolver, skip: set[str] = frozenset()) -> list[Actor]:
        actors = _unique([a for t in tokens for a in resolver.actors(t) if a.id not in skip])
        if cue.lift_places:
            # a deployment to a region or a mission is also a deployment to the state it lies in
            # (a mission stands for its country; a region is kept too; a disputed region stands for no state)
            lifted = []
            for actor in actors:
                info = self.gaz.entries.get(actor.id)
                kinds = ("Region",) if cue.lift_places == "regions" else ("Region", "Other")
                placed = info is not None and info.type in kinds and len(info.located_in) == 1 and (
                    cue.lift_places == "all" or not info.claimed_by)
                if not placed or info.type == "Region":
                    lifted.append(actor)
                if placed:
                    lifted.append(Actor(info.located_in[0], actor.certainty * 0.9))
            return _unique(lifted)
        return actors

    def _host_states(self, frame: Frame, direct: Token, subjects: list[Actor], resolver: ActorResolver) -> list[Actor]:
        """The state a struck thing without an owner lies in: "struck targets in southern Lebanon"; a
        disputed region stands for no state but itself ("shelled positions in Nagorno-Karabakh")."""
        exclude = _sides(subjects, resolver)
        places = [h for p, h in (*frame.direct_obliques, *frame.obliques) if p in ("in", "near", "outside", "around")]
        found = []
        for actor in (a for t in places for a in resolver.actors(t)):
            info = self.gaz.entries.get(actor.id)
            if info is not None and info.type == "Region":
                if info.claimed_by:
                    found.append(actor)  # a disputed region stands for itself
                    continue
                if len(info.located_in) != 1:
                    continue
                actor = Actor(info.located_in[0], actor.certainty * 0.9)
            if self._type_of(actor.id, resolver) == "State":
                found.append(actor)
        return _unique([a for a in found if a.id not in exclude])

    def _together_with(self, direct: Token, resolver: ActorResolver) -> list[Actor]:
        """'blamed X, together with Y, for ...': Y is an object too."""
        return [a for prep in direct.head.children if prep.dep_ == "prep" and prep.lower_ == "with"
                and any(c.lower_ in ("together", "along") for c in prep.children)
                for pobj in prep.children if pobj.dep_ == "pobj" for a in resolver.actors(pobj)]

    def _reciprocal_reading(self, frame: Frame, cue: Cue, lemma: str) -> bool:
        """Coordinated subjects and no object act on each other: "Egypt and Qatar met", "the Armenia-Azerbaijan war"."""
        if frame.kind != "verb":
            return True
        if lemma not in cue.reciprocal_verbs and lemma not in cue.inverse_verbs:
            return False
        needed = cue.reciprocal_preps.get(lemma)
        return not needed or any(p in needed for p, _ in frame.obliques)

    def _default_objects(self, frame: Frame, cue: Cue, subjects: list[Actor], resolver: ActorResolver) -> list[Actor]:
        token = frame.cue
        if cue.default_object == "parties":
            return [Actor(p, 0.6) for p in resolver.parties(token.i, 2, {resolver.state_of(s.id) for s in subjects})]
        if cue.default_object == "recent_organization":
            return self._recent_in_sentence(token, resolver, "Organization")[-1:]
        if cue.default_object == "clause_agent" and token.tag_ not in ("NNS", "NNPS") and frame.agents:
            # "X accused neighbour Y", "X sanctioned NATO ally Y": the relatum is the clause's actor
            clause = _clause_verb(frame.agents[0])
            if clause is not None and clause.lemma_.lower() not in ("be", "become"):
                agents = frame_of(clause, "verb").agents
                return [Actor(a.id, 0.7) for t in agents for a in resolver.actors(t)]
        return []

    def _clause_objects(self, frame: Frame, subjects: list[Actor], resolver: ActorResolver) -> list[Actor]:
        """The actor of the clause a warning or accusation is about: the subject of its if-clause or of its
        that-clause, or the actor of that subject's event ("any attempt by X to ...")."""
        exclude = _sides(subjects, resolver)
        token = frame.cue
        for prep, head in frame.obliques:
            if prep in ("of", "about"):
                # "warned of irreparable damage to its relations with X"
                found = [a for t in head.subtree if t.i in resolver.ent_at for a in resolver.actors(t)
                         if _outside(a, exclude, resolver) and resolver.types.get(a.id) != "Region"]
                if found:
                    return _unique([Actor(resolver.state_of(a.id), a.certainty * 0.8) for a in found])
        for clause in token.children:
            # "threatened to attack X", "warned it would cut gas supplies to X": whom the speaker's own act is done to
            own = clause.dep_ == "xcomp" or (clause.dep_ == "ccomp" and any(
                c.dep_ == "nsubj" and {resolver.state_of(a.id) for a in resolver.actors(c)} & exclude for c in clause.children))
            if not own or clause.pos_ != "VERB":
                continue
            act = frame_of(clause, "verb")
            targets = [*act.patients, *(h for _, h in (*act.obliques, *act.direct_obliques))]
            found = [Actor(resolver.state_of(a.id), a.certainty * 0.9) for t in targets for a in resolver.actors(t)
                     if _outside(a, exclude, resolver)]
            if found:
                return _unique(found)
        heads = [token, token.head] if token.dep_ == "dobj" else [token]  # "renewed its accusation that X ..."
        for clause in (c for h in heads for c in h.children):
            if clause.dep_ not in ("ccomp", "advcl", "acl") or clause.pos_ not in ("VERB", "AUX"):
                continue
            if clause.dep_ == "advcl" and not any(m.dep_ == "mark" and m.lower_ in self.lex.modality["conditional"] for m in clause.children):
                continue
            for subject in (c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")):
                found = resolver.actors(subject) or self._event_targets(subject, subjects, resolver, previous=False)
                found = [Actor(resolver.state_of(a.id), a.certainty * 0.9) for a in found
                         if _outside(a, exclude, resolver)]
                if found:
                    return _unique(found)
        return []

    def _accused_of(self, noun: Token, resolver: ActorResolver) -> list[Actor]:
        """'X was accused of raids on Y', 'blamed X for the strikes': the one accused or blamed did it."""
        if noun.dep_ != "pobj" or noun.head.lower_ not in ("of", "for") or noun.head.head.pos_ not in ("VERB", "AUX"):
            return []
        verb = noun.head.head
        lemma = verb.lemma_.lower()
        if self.lex.speech_kind(lemma) != "claim" and not any(c.event_targets for c in self.lex.cues_for(lemma, "verb")):
            return []
        return _unique([a for c in verb.children if c.dep_ in ("dobj", "nsubjpass") for a in resolver.actors(c)])

    def _partitive_holders(self, frame: Frame, resolver: ActorResolver) -> list[Actor]:
        """'two of Washington's closest allies': the two parties the text is about."""
        noun = frame.cue
        if noun.tag_ != "NNS" or noun.dep_ != "pobj" or noun.head.lower_ != "of" or not noun.head.head.like_num:
            return []
        n = {"two": 2, "three": 3, "four": 4}.get(noun.head.head.lower_, 2)
        owners = {a.id for t in frame.patients for a in resolver.actors(t)}
        return [Actor(p, 0.6) for p in resolver.parties(noun.i, n, owners)]

    def _other_state(self, token: Token, holders: list[Actor], resolver: ActorResolver) -> list[Actor]:
        """The state the text is about, other than the holders ("the juntas in neighbouring Mali" in a report
        on Niger): the most mentioned state so far."""
        held = {a.id for a in holders} | {resolver.state_of(a.id) for a in holders}
        found = resolver.parties(token.i, 1, held, states_only=True)
        return [Actor(found[0], 0.6)] if found else []

    def _memberships_in_modifiers(self, frame: Frame, cue: Cue, holders: list[Actor], relata: list[Actor], resolver: ActorResolver, date):
        """'NATO ally Turkey', 'its EU partner Ireland': an organisation modifying a relational noun other than
        'member' says the holder is its member."""
        if "Organization" in (cue.object_types or ()):
            return
        member = self.lex.cues.get("member")
        if member is None:
            return
        for org in relata:
            if self._bloc_modifier(frame, org, resolver):
                modality = self._modality(frame, member, holders, resolver)
                for holder in holders:
                    relation = self._relation(frame, member, holder, org, modality, resolver, date)
                    if relation is not None:
                        yield relation, modality

    def _bloc_modifier(self, frame: Frame, actor: Actor, resolver: ActorResolver) -> bool:
        return resolver.types.get(actor.id) == "Organization" and any(
            resolver.ent_at.get(c.i) == actor.id for c in frame.cue.children if c.dep_ in ("compound", "nmod", "amod"))

    def _event_targets(self, noun: Token, subjects: list[Actor], resolver: ActorResolver, previous: bool = True) -> list[Actor]:
        """The actor of an event named as the object: "condemned the strike by Chile", "Peru's decision",
        "the drills of Russia and China"; else the last actor of such an act before it ("the move")."""
        if not (self.lex.noun_kind(noun.lemma_.lower(), "event") or self.lex.cues_for(noun.lemma_.lower(), "noun")):
            return []
        exclude = _sides(subjects, resolver)
        agents = [a for t in frame_of(noun, "noun", of_is_patient=False).agents for a in resolver.actors(t)]
        agents = [Actor(resolver.state_of(a.id), a.certainty) for a in agents if _outside(a, exclude, resolver)]
        if not agents:
            # "X proposed a commission, a plan Y rejected": a noun in apposition to a clause is its act
            clause = _apposed_clause(noun)
            agents = [Actor(resolver.state_of(a.id), a.certainty) for t in (frame_of(clause, "verb").agents if clause is not None else ())
                      for a in resolver.actors(t) if _outside(a, exclude, resolver)]
        if agents:
            return _unique(agents)
        if not previous or any(c.dep_ in ("poss", "amod", "compound") and c.i in resolver.ent_at for c in noun.children):
            return []
        return self._previous_act(noun, resolver, exclude)

    def _previous_act(self, noun: Token, resolver: ActorResolver, exclude: set[str]) -> list[Actor]:
        """Who did 'the attack', 'the annexation', 'the move': the last actor of such an act before it."""
        lemma = noun.lemma_.lower()
        attack = self.lex.cues.get("attack")
        acts = self.lex.actor_nouns["event_verb"]
        if attack is not None and lemma in attack.nouns:
            classes, verbs = {"attack"}, set()
        elif lemma in ("annexation", "occupation", "seizure"):
            classes, verbs = set(), acts
        else:
            classes, verbs = {"attack", "deploy"}, acts
        doc, cued, indices = noun.doc, self._cued(noun.doc), self._acts(noun.doc)
        for i in reversed(indices[: bisect_left(indices, noun.i)]):  # any other token is neither a cue nor an act
            token = doc[i]
            names = {c.name for c, _ in cued.get(i, ())}
            nominal = names & classes and token.dep_ == "dobj" and token.head.lemma_.lower() in self.light
            if (token.pos_ in ("VERB", "AUX") and names & classes) or token.lemma_.lower() in verbs or nominal:
                anchor = token.head if nominal else token
                frame = frame_of(anchor, "verb")
                targets = frame.patients + [h for _, h in frame.obliques]
                if not any(resolver.actors(c) or resolver.modifier_actors(c, 0) for c in targets):
                    continue
                agents = [a for t in frame.agents for a in resolver.actors(t) if resolver.state_of(a.id) not in exclude and a.id not in exclude]
                if agents:
                    return [Actor(resolver.state_of(a.id), 0.6) for a in agents]
        return []

    def _purpose_objects(self, verb: Token, cue: Cue, resolver: ActorResolver) -> list[Actor]:
        """'sent troops to reinforce KFOR': the object of a purpose clause."""
        for clause in verb.children:
            if clause.dep_ in ("advcl", "xcomp") and clause.lemma_.lower() in self.lex.actor_nouns["purpose_verb"]:
                for child in clause.children:
                    if child.dep_ == "dobj":
                        found = self._actors_of([child], cue, resolver)
                        if found:
                            return found
        return []

    def _object_ok(self, dobj: Token | None, required: list[str], resolver: ActorResolver) -> bool:
        if dobj is None:
            return False
        lemma = dobj.lemma_.lower()
        if lemma in required:
            return True
        if "@force" in required and self.lex.noun_kind(lemma, "force"):
            return True
        if "@event" in required and (self.lex.noun_kind(lemma, "event") or self.lex.cues_for(lemma, "noun")):
            return True
        actors = resolver.actors(dobj)
        if "@actor" in required and actors:
            return True
        if "@party" in required and actors and not self.lex.noun_kind(lemma, "force"):
            return True  # a guest or host is no army: "bases hosting US troops" is no visit
        named = dobj.i in resolver.ent_at or self.lex.noun_kind(lemma, "bloc")  # not "the EU's trade regime"
        if "@org" in required and named and any(resolver.types.get(a.id) == "Organization" for a in actors):
            return True
        return False

    def _recent_in_sentence(self, token: Token, resolver: ActorResolver, type_: str) -> list[Actor]:
        found = []
        doc = token.doc
        for t in doc[sentence_bounds(doc, token.i)[0]:token.i]:
            ids = [a.id for a in resolver.actors(t)] if t.pos_ in ("NOUN", "PROPN") and (t.i in resolver.ent_at or resolver.lex.noun_kind(t.lemma_.lower(), "bloc")) else []
            found += [Actor(i, 0.7) for i in ids if resolver.types.get(i) == type_]
        return found

    # -- relation records -----------------------------------------------------
    def _pairs(self, frame: Frame, cue: Cue, actors: list[Actor], resolver: ActorResolver, date, both: bool = False):
        modality = self._modality(frame, cue, actors, resolver)
        for i, a in enumerate(actors):
            for b in actors[i + 1:]:
                for s, o in ((a, b), (b, a)) if both else ((a, b),):
                    relation = self._relation(frame, cue, s, o, modality, resolver, date)
                    if relation is not None:
                        yield relation, modality

    def _modality(self, frame: Frame, cue: Cue, subjects: list[Actor], resolver: ActorResolver) -> Modality:
        subject_ids = {resolver.state_of(s.id) for s in subjects} | {s.id for s in subjects}

        def speaker_ids(token):
            return {resolver.state_of(a.id) for a in resolver.actors(token)} | {a.id for a in resolver.actors(token)}

        token = frame.cue
        if frame.anchor == token and (token.dep_ in ("appos", "amod") or frame.kind == "adjective"
                                       or (frame.kind == "relational" and token.dep_ in ("compound", "nmod"))):
            # "Turkey, a NATO member, ..."; "the EU-facilitated dialogue"; "NATO member Norway": presupposed
            negated = any(c.dep_ == "neg" for c in token.children)
            return Modality("negated" if negated else "asserted")
        modality = modality_of(frame.anchor, self.lex, subject_ids, speaker_ids, performative=cue.performative,
                               content_clause=cue.clause_objects)
        if frame.anchor == token and frame.kind != "verb" and modality.modality == "hypothetical":
            # "if the conflict between X and Y escalates": the conflict is presupposed
            return Modality()
        return modality

    def _relation(self, frame: Frame, cue: Cue, s: Actor, o: Actor, modality: Modality, resolver: ActorResolver, date):
        predicate = cue.predicate
        # "then-President X" acted for the state X led then, which the document does not make X lead now
        s, o = (Actor(resolver.past.get(a.id, a.id), a.certainty) for a in (s, o))
        if s.id == o.id or resolver.state_of(s.id) == resolver.state_of(o.id):
            return None
        if not self._types_ok(cue, s.id, o.id, resolver):
            return None
        attributed = None
        if modality.reported and self.predicates[predicate].symmetric and self.predicates[predicate].polarity == "cooperative":
            # "X and Y agreed to keep talking, officials said": sourcing, not a disputed claim
            modality = Modality()
        if modality.modality == "claimed" and modality.speaker is not None:
            speakers = resolver.actors(modality.speaker)
            attributed = resolver.state_of(speakers[0].id) if speakers else None
        confidence = cue.reliability * _RELIABILITY[frame.kind] * min(s.certainty, o.certainty)
        if modality.modality != "asserted":
            confidence *= 0.9
        return Relation(
            doc="",
            subject=s.id,
            predicate=predicate,
            object=o.id,
            modality=modality.modality,
            attributed_to=attributed,
            date=event_date(frame.anchor, date),
            confidence=round(confidence, 3),
            cameo=self.predicates[predicate].cameo,
            evidence=evidence(frame.cue.doc, frame.cue.i),
        )

    def _type_of(self, actor: str, resolver: ActorResolver) -> str | None:
        info = self.gaz.entries.get(actor)
        return resolver.types.get(actor) or (info.type if info else None)

    def _types_ok(self, cue: Cue, s: str, o: str, resolver: ActorResolver) -> bool:
        return self._type_of(s, resolver) in (cue.subject_types or _ACTOR_TYPES) and self._type_of(o, resolver) in (cue.object_types or _ACTOR_TYPES)

    # -- denials ----------------------------------------------------------------
    def _denial_verbs(self, doc: Doc, resolver: ActorResolver) -> list:
        """Subjects of deny / reject verbs, and their sentence start."""
        out = []
        strings = doc.vocab.strings
        for i, (pos, lemma) in enumerate(zip(column(doc, POS), column(doc, LEMMA))):
            if pos != VERB or not _lemma_in(lemma, self._deny_words, self._lemma_is_denial, strings):
                continue
            token = doc[i]
            if not any(c.dep_ == "neg" for c in token.children):
                speakers = [a for t in frame_of(token, "verb").agents for a in resolver.actors(t)]
                relative = token.dep_ == "relcl" or any(c.lower_ in ("which", "that") for c in token.children) or token.head.lemma_ in ("account", "claim", "allegation", "accusation", "charge")
                out.append(({resolver.state_of(a.id) for a in speakers}, sentence_bounds(doc, i)[0], "same-sentence" if relative else None))
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

    def _add(self, found: dict, relation: Relation) -> None:
        key = relation.key()
        predicate = self.predicates.get(relation.predicate)
        if predicate is not None and predicate.symmetric:
            key = (min(relation.subject, relation.object), relation.predicate, max(relation.subject, relation.object), relation.modality)
        old = found.get(key)
        if old is None or relation.confidence > old.confidence:
            found[key] = relation if old is None else relation.replace(evidence=old.evidence, denied_by=tuple(sorted(set(old.denied_by) | set(relation.denied_by))))


def _lemma_in(lemma: int, words: frozenset[str] | set[str], known: dict[int, bool], strings) -> bool:
    """Whether the lower-case form of the lemma with hash ``lemma`` is one of ``words``; the answer is
    kept in ``known`` (for at most :data:`_LEMMAS_KEPT` lemmas, so that memory stays flat on any corpus)."""
    found = known.get(lemma)
    if found is None:
        found = strings[lemma].lower() in words
        if len(known) < _LEMMAS_KEPT:
            known[lemma] = found
    return found


def _has_complement(verb: Token, needed: list[str]) -> bool:
    """'ordered the envoy to leave', 'gave the envoy 48 hours to leave', 'held X responsible',
    'advised X to refrain' ("@verb": any verb complement); at most three steps below the verb."""
    frontier = [verb]
    for _ in range(3):
        frontier = [c for t in frontier for c in t.children if c.dep_ not in ("ccomp", "conj", "parataxis") or t != verb]
        for token in frontier:
            if token.lemma_.lower() in needed or token.lower_ in needed:
                return True
            if "@verb" in needed and token.dep_ in ("xcomp", "ccomp") and token.head == verb and token.pos_ in ("VERB", "AUX"):
                return True
    return False


def _clause_verb(token: Token) -> Token | None:
    """The verb of the clause a noun phrase is in."""
    while token.head != token:
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _is_reciprocal(token: Token) -> bool:
    """'each other', 'the other party', 'their countries', 'both sides'."""
    phrase = " ".join(t.lower_ for t in token.subtree)
    if phrase in RECIPROCAL or token.lower_ == "other":
        return True
    words = phrase.split()
    return len(words) == 2 and words[0] in ("their", "both") and token.tag_ == "NNS"


def _apposed_clause(noun: Token) -> Token | None:
    """The verb of the clause a noun after a comma stands in apposition to: "X wants Y, an idea Z
    rejected", "X proposed a commission, a plan Z rejected", "X wants Y to join as mediators, an idea
    Z rejected" (the governing clause, not the one the parser hung the noun on)."""
    if noun.dep_ not in ("appos", "npadvmod") or noun.left_edge.i == 0 or noun.doc[noun.left_edge.i - 1].text != ",":
        return None
    verb = noun.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
        verb = verb.head
    while verb.dep_ in ("ccomp", "xcomp", "conj") and verb.head is not verb:
        verb = verb.head
    return verb if verb.pos_ in ("VERB", "AUX") else None


def _one_owned_party(agents: list[Token]) -> bool:
    """A single agent phrase with a possessor ("Russia's Wagner mercenaries") names one party and its owner."""
    if len(agents) != 1 or agents[0].conjuncts:
        return False
    owners = [c for c in agents[0].children if c.dep_ == "poss"]
    return len(owners) == 1 and not owners[0].conjuncts


def _carries(noun: Token, cargo: frozenset[str]) -> bool:
    """Whether a noun carries one of ``cargo``: "a ship with aid", "planes carrying medical supplies"."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("with", "of"):
            heads = [p for p in child.children if p.dep_ == "pobj"]
        elif child.dep_ == "acl" and child.lemma_.lower() in ("carry", "load", "bring", "deliver"):
            heads = [o for o in child.subtree if o.dep_ in ("dobj", "pobj")]
        else:
            continue
        if any(h.lemma_.lower() in cargo for h in heads):
            return True
    return False


def _sides(subjects: list[Actor], resolver: ActorResolver) -> set[str]:
    """The subjects and their states: the side an object is never on."""
    return {s.id for s in subjects} | {resolver.state_of(s.id) for s in subjects}


def _outside(actor: Actor, side: set[str], resolver: ActorResolver) -> bool:
    return actor.id not in side and resolver.state_of(actor.id) not in side
