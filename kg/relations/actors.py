"""Which actors a noun phrase stands for.

A phrase head resolves to canonical ids: an entity ("Russia", "the
Kremlin", "Azerbaijani"); an organ, official or force of a state ("the
Azerbaijani and Turkish governments", "Russian forces", "India's foreign
ministry", "the foreign ministers of Venezuela and Guyana"); a pronoun
("it", "his government"); a reciprocal or anaphoric description of the
parties ("both sides", "the two neighbours", "each other", "its eastern
neighbour", "the three countries"); or a definite description of a group
("the rebels", "the bloc"). Coordination is followed on both sides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.relations.arguments import controller, relative_antecedent
from kg.relations.lexicon import Lexicon
from kg.relations.perdoc import entities, sentence_bounds
from kg.resolve.tables import Gazetteer

__all__ = ["Actor", "ActorResolver", "RECIPROCAL", "unique_actors"]

_PERSONAL = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
_NEUTER = {"it", "its", "itself"}
_PLURAL = {"they", "them", "their", "themselves"}
_RELATIVE = {"which", "who", "that", "whom", "whose"}
RECIPROCAL = {"each other", "one another", "the other", "the other party", "the other side", "themselves"}  # "themselves": as machine translation renders "each other"
_RECIPROCAL_HEADS = {phrase.split()[-1] for phrase in RECIPROCAL}  # the phrase's head is its last word
_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "all": 0}
_MOD_DEPS = {"amod", "compound", "poss", "nmod", "npadvmod"}
_BYSTANDERS = {"media", "company", "ngo"}
_EXAMPLES = {"including", "notably", "especially", "like", "such"}  # "countries, including X", "such as X"
#: Before a title: its holder no longer holds it ("former Nigerian President", "ex-Prime Minister").
_FORMER = {"former", "ex", "ex-", "then", "late", "erstwhile"}


@dataclass(frozen=True)
class Actor:
    id: str
    certainty: float = 1.0


class ActorResolver:
    """Actor lookup over one linked Doc (``ent.ent_id_`` set by ``kg_linker``)."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, lexicon: Lexicon, roles: dict[str, set[str]] | None = None):
        self.doc = doc
        self.gaz = gazetteer
        self.lex = lexicon
        self.roles = roles or {}
        self.past: dict[str, str] = {}  # person -> the state of a title held at the time told ("then-President")
        self.types = {k: v["type"] for k, v in (doc._.kg_entities or {}).items()}
        self.ent_at: dict[int, str] = {}
        self.ent_span: dict[int, tuple[int, int]] = {}
        self._ent_head: dict[int, int] = {}  # token of a name -> the name's head (see _span_head)
        strings = doc.vocab.strings
        for start, end, _, ent_id in entities(doc):
            ent_id = strings[ent_id]
            if ent_id in self.types:
                head = next((i for i in range(start, end) if not start <= (h := doc[i].head.i) < end or h == i), start)
                for i in range(start, end):
                    self.ent_at[i] = ent_id
                    self.ent_span[i] = (start, end)
                    self._ent_head[i] = head
        self.groups = self._coordinated_groups()
        self._found: dict[tuple[int, int], list[Actor]] | None = None  # (token, depth) -> actors, once settled

    def names(self, type_: str) -> Iterator[Span]:
        """The names of ``doc.ents`` that stand for an actor of ``type_``, as ``Doc.ents`` gives them."""
        strings = self.doc.vocab.strings
        for start, end, label, ent_id in entities(self.doc):
            if self.types.get(strings[ent_id]) == type_:
                yield Span(self.doc, start, end, label=label, span_id=ent_id)

    def settle(self) -> None:
        """Say that ``roles`` and ``past`` are final: from now on each phrase is resolved once, and kept."""
        self._found = {}

    # -- the parties a document is about ---------------------------------
    def _coordinated_groups(self) -> list[tuple[int, tuple[str, ...]]]:
        """(index of the last conjunct, states) of each coordination of states in one phrase:
        "X and Y", "between X and Y", "X, Y, Z and W" (groups, ordered by where they end)."""
        groups = []
        for i, ent_id in self.ent_at.items():
            if self._ent_head[i] != i:
                continue  # one token a name: its head
            token = self.doc[i]
            if token.dep_ == "conj" or not any(c.dep_ == "conj" for c in token.children):
                continue  # not the first conjunct of a coordination
            members, last, stack = [token], token.i, [token]
            while stack:
                for child in stack.pop().children:
                    if child.dep_ == "conj":
                        members.append(child)
                        last = max(last, child.i)
                        stack.append(child)
            ids = [self.ent_at.get(m.i) for m in members]
            if None in ids or len(set(ids)) != len(ids):
                continue
            types = [self.types.get(x) for x in ids]
            if all(t in ("State", "Other") for t in types) and "State" in types:
                groups.append((last, tuple(ids)))
        return sorted(groups)

    def parties(self, before: int, n: int = 2, exclude: set[str] = frozenset(), states_only: bool = False) -> list[str]:
        """The ``n`` states the text is about at token ``before``.

        The most recent coordination of exactly ``n`` states ("X and Y" for
        "the two countries", "X, Y and Z" for "the three states"), else the
        most mentioned states so far.
        """
        types = ("State",) if states_only else ("State", "Other")
        if n >= 2:
            for i, group in reversed(self.groups):
                if i < before and len(group) == n and not exclude.intersection(group) and all(self.types.get(g) in types for g in group):
                    return list(group)
        counts = Counter(self._party_mentions(before, exclude, types))
        if len(counts) < n:
            counts.update(self._party_mentions(0, exclude, types))
        return [ent_id for ent_id, _ in counts.most_common(n)] if n else [e for e, _ in counts.most_common()]

    def _bystander(self, actor: str) -> bool:
        """A news medium, company or charity reports or suffers events; it is not a party to them."""
        entry = self.gaz.entries.get(actor)
        return entry is not None and entry.kind in _BYSTANDERS

    def _party_mentions(self, before: int, exclude: set[str], types: tuple[str, ...] = ("State", "Other")):
        """States and groups acting in the text before token ``before`` (0: anywhere); persons count
        for what they lead; a state named only as a place ("the South African capital") does not."""
        for i, ent_id in self.ent_at.items():
            if self.ent_span[i][0] != i or (before and i >= before):
                continue
            actor = self.state_of(ent_id) if self.types.get(ent_id) == "Person" else ent_id
            if self.types.get(actor) not in types or actor in exclude or self._bystander(actor):
                continue
            head = self._span_head(i)
            if head.dep_ in ("amod", "compound", "nmod") and head.head.i not in self.ent_at and (
                not (self.lex.noun_kind(head.head.lemma_.lower(), "organ") or self.lex.noun_kind(head.head.lemma_.lower(), "force"))
                or (head.head.lemma_.lower() == "capital" and head.head.tag_ == "NN")
            ):
                # "the South African capital" is a city (a place), where "Western capitals" are governments
                continue
            if head.dep_ in ("amod", "compound", "nmod") and any(c.lower_ in _FORMER for c in head.head.children):
                continue  # "former Nigerian President Obasanjo" does not act for Nigeria now
            yield actor

    def _span_head(self, i: int) -> Token:
        """The head of the name token ``i`` is in: its first token whose head is outside it (or the root)."""
        return self.doc[self._ent_head[i]]

    def state_of(self, actor_id: str) -> str:
        """The state or organisation a person acts for, else the actor itself."""
        roles = self.roles.get(actor_id)
        return sorted(roles)[0] if roles else self.past.get(actor_id, actor_id)

    # -- resolution -------------------------------------------------------
    def entity(self, token: Token) -> str | None:
        return self.ent_at.get(token.i)

    def actors(self, token: Token, depth: int = 0) -> list[Actor]:
        """Actors of the phrase headed by ``token``, following coordination."""
        if token is None or depth > 6:
            return []
        if self._found is None:
            return self._actors(token, depth)
        key = (token.i, depth)
        if key not in self._found:
            self._found[key] = self._actors(token, depth)
        return list(self._found[key])  # callers add to the list they get

    def _actors(self, token: Token, depth: int) -> list[Actor]:
        named = [c for c in token.children if c.dep_ == "appos" and c.i in self.ent_at] if token.pos_ == "NOUN" and token.i not in self.ent_at else []
        # "the Islamist group Rachad", "its neighbour, Kenya": the name the noun describes, before any anaphora
        found = [a for c in named for a in self.actors(c, depth + 1)] or self._head_actors(token, depth)
        for child in token.children:
            if child.dep_ == "conj":
                found += self.actors(child, depth + 1)
            elif child.dep_ == "prep" and child.lower_ in _EXAMPLES:
                # "many countries, including Poland": the ones named
                found += [a for p in child.subtree if p.dep_ == "pobj" and p.head.lower_ in _EXAMPLES | {"as"} for a in self.actors(p, depth + 1)]
            elif child.dep_ in ("nmod", "compound") and child.i in self.ent_at and any(c.dep_ == "cc" for c in child.children):
                # "Kishida and President Yoon": a coordination the parser took for a modifier
                found = self.actors(child, depth + 1) + found
            elif child.dep_ == "appos" and self.lex.noun_kind(child.lemma_.lower(), "organ"):
                found += self.modifier_actors(child, depth)
            elif child.dep_ == "appos" and self._same_kind(token, child):
                # "Saudi Arabia, the United Arab Emirates, Bahrain and Egypt": a list the parser took for an apposition
                found += self.actors(child, depth + 1)
        return unique_actors(found)

    def _head_actors(self, token: Token, depth: int) -> list[Actor]:
        ent_id = self.ent_at.get(token.i)
        if ent_id:
            return [Actor(ent_id)]
        lower = token.lower_
        lemma = token.lemma_.lower()
        antecedent_token = relative_antecedent(token)
        if antecedent_token is not None:
            antecedent = antecedent_token
            found = self.actors(antecedent, depth + 1)
            if not found and antecedent.dep_ == "appos":
                # "the MAK, a separatist movement that ..."
                found = self.actors(antecedent.head, depth + 1)
            if not found and token.i >= 2 and self.doc[token.i - 1].text == "," and token.i - 2 in self.ent_at:
                # "... in Sudan, which borders Ethiopia": the name right before the comma
                found = [Actor(self.ent_at[token.i - 2], 0.8)]
            return found
        if lower in ("both", "all", "each", "some", "many", "most", "several") and token.dep_ != "det":
            # "both of which are members", "all of them": the phrase after "of"
            found = [a for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                     for p in c.children if p.dep_ == "pobj" for a in self.actors(p, depth + 1)]
            if found:
                return found
        if token.pos_ == "PRON" or lower in _PERSONAL | _NEUTER | _PLURAL:
            return self.pronoun(token)
        if lower in _RECIPROCAL_HEADS and self._phrase_text(token) in RECIPROCAL:
            return []  # handled by the caller as a reciprocal object
        number = self.number_of(token)
        if number is None and lemma in ("party", "side") and token.tag_ == "NNS" and _definite(token):
            number = 2  # "called on the parties to stop"
        if number is not None and self.lex.noun_kind(lemma, "reciprocal"):
            exclude = {a.id for a in self._possessor(token, depth)}
            states = lemma in ("country", "nation", "state", "neighbour", "neighbor", "capital", "government")
            return [Actor(p, 0.7) for p in self.parties(token.i, number or 0, exclude, states_only=states)]
        if lemma in ("neighbour", "neighbor") and any(c.dep_ == "poss" for c in token.children):
            owners = {a.id for a in self._possessor(token, depth)}
            owners |= {self.state_of(o) for o in owners}
            parties = [p for p in self.parties(token.i, 2) if p not in owners]
            return [Actor(parties[0], 0.6)] if parties else []
        described = self.description(token)
        if described:
            return described
        leaders = [a for c in token.children if c.dep_ == "amod" and c.lemma_.lower() == "lead"
                   for n in c.children if n.dep_ in ("npadvmod", "compound", "nmod") for a in self.actors(n, depth + 1)]
        if leaders:
            return [Actor(a.id, 0.7) for a in leaders]  # "the Saudi-led coalition" acts as its leader
        if self.lex.noun_kind(lemma, "event") and any(c.dep_ in ("poss", "amod", "compound") and c.i in self.ent_at for c in token.children):
            # "condemned the Chinese actions": the actor of the act
            return [a for c in token.children if c.dep_ in ("poss", "amod", "compound") and c.i in self.ent_at for a in self.actors(c, depth + 1)]
        if self.lex.noun_kind(lemma, "organ") or self.lex.noun_kind(lemma, "force"):
            found = self.modifier_actors(token, depth)
            if found:
                return found
            if lemma in ("government", "side", "leadership", "authority", "junta", "regime", "army", "military") and _definite(token):
                return self._same_organ(token) or self.recent(token, "State", prefer_subject=True)
            return []
        if self.lex.noun_kind(lemma, "place"):
            named = [a for p in token.children if p.dep_ == "prep" and p.lower_ == "of"
                     for o in p.children if o.dep_ == "pobj" and o.i in self.ent_at for a in self.actors(o, depth + 1)]
            if named:
                return named  # "the city of Goma", "the port of Odesa"
        if _definite(token) and self.lex.noun_kind(lemma, "place") and not any(c.i in self.ent_at for c in token.children):
            # "the territory", "the enclave": the region last named
            return self.recent(token, "Region")
        if self.lex.noun_kind(lemma, "group"):
            # "M23 rebels", "the rebels", "rebel groups in the TPLF"
            named = [a for c in token.children if c.dep_ in ("compound", "amod") and self.types.get(self.ent_at.get(c.i)) == "Other"
                     for a in self.actors(c, depth + 1)]
            named = named or [a for p in token.children if p.dep_ == "prep" and p.lower_ in ("in", "of", "within", "from")
                              for o in p.children if o.dep_ == "pobj" for a in self.actors(o, depth + 1) if self.types.get(a.id) == "Other"]
            if named:
                return named
            if _definite(token) and not self._has_modifier(token):
                found = [a for a in self.recent(token, "Other") if not self._bystander(a.id)]
                if found or not self.lex.noun_kind(lemma, "bloc"):
                    return found
        if _definite(token) and self.lex.noun_kind(lemma, "bloc") and not self._named_modifier(token):
            # "the bloc", "the 16-nation bloc", "the league": the organisation last named
            return self.recent(token, "Organization")
        return []

    def description(self, token: Token) -> list[Actor]:
        """'the kingdom', 'the island nation', 'the Himalayan kingdom': the described state last named."""
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            return []
        lemma = token.lemma_.lower()
        modifiers = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound")}
        modifiers |= {f"{a} {b}" for a in modifiers for b in modifiers}
        best: tuple[str, ...] | None = None
        for required, states in self.gaz.descriptions_of(lemma):
            if all(m in modifiers or m in " ".join(sorted(modifiers)) for m in required):
                if best is None or required:
                    best = states
                    if required:
                        break
        if not best:
            return []
        for i in sorted(self.ent_at, reverse=True):
            if i < token.i and self.ent_at[i] in best:
                return [Actor(self.ent_at[i], 0.7)]
        return []

    def _has_modifier(self, token: Token) -> bool:
        return any(c.dep_ in _MOD_DEPS for c in token.children)

    def _named_modifier(self, token: Token) -> bool:
        """A modifier that names someone ("the EU bloc", "Russia's alliance"), not "the 16-nation bloc"."""
        return any(c.dep_ in _MOD_DEPS and (c.i in self.ent_at or c.dep_ == "poss" or c.pos_ == "PROPN") for c in token.children)

    def _phrase_text(self, token: Token) -> str:
        left = [t for t in token.subtree if t.i <= token.i]
        return " ".join(t.lower_ for t in left)

    def number_of(self, token: Token) -> int | None:
        for child in token.children:
            if child.lower_ in _NUMBERS and child.dep_ in ("det", "nummod", "predet", "quantmod", "amod"):
                return _NUMBERS[child.lower_]
        if token.lower_ in ("both",):
            return 2
        return None

    def _possessor(self, token: Token, depth: int) -> list[Actor]:
        return [a for c in token.children if c.dep_ == "poss" for a in self.actors(c, depth + 1)]

    def modifier_actors(self, token: Token, depth: int, places: bool = True) -> list[Actor]:
        """Actors named in a noun's modifiers: 'the Saudi embassy in Tehran' -> SAU (the owner, not the place)."""
        found: list[Actor] = []
        for child in token.children:
            if child.dep_ in _MOD_DEPS:
                if child.i in self.ent_at or child.dep_ == "poss":
                    found += self.actors(child, depth + 1)
                elif child.dep_ == "compound" and (self.lex.noun_kind(child.lemma_.lower(), "organ") or self.lex.noun_kind(child.lemma_.lower(), "force")):
                    found += self.modifier_actors(child, depth + 1)
        # a sea or another purely geographic region (no state it lies in or is claimed by) says where
        # a thing is, not whose: "Ukraine's Black Sea port", "Russia's Baltic Sea fleet", "the Red Sea route"
        found = [a for a in found if not self.geographic(a.id)]
        for child in token.children:
            if child.dep_ == "amod" and child.lemma_.lower() in ("loyal", "allied", "answerable", "subordinate"):
                # "forces loyal to Prime Minister X": X's
                found += [a for p in child.children if p.dep_ == "prep" and p.lower_ == "to"
                          for o in p.children if o.dep_ == "pobj" for a in self.actors(o, depth + 1)]
        if not found:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in (("of", "from", "in") if places else ("of",)):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            found += [a for a in self.actors(pobj, depth + 1) if self.types.get(a.id) in ("State", "Organization", "Other", None)]
        return [Actor(self.state_of(a.id), a.certainty) if self.types.get(a.id) == "Person" else a for a in found]

    def _same_kind(self, token: Token, other: Token) -> bool:
        """Whether two tokens head names of states (or of organisations) both."""
        kinds = {self.types.get(self.ent_at.get(t.i)) for t in (token, other)}
        return len(kinds) == 1 and kinds <= {"State", "Organization"} and token.i in self.ent_at and other.i in self.ent_at

    def _same_organ(self, token: Token) -> list[Actor]:
        """'Sudan's army ... the army': the owner of the last organ of the same name named before."""
        lemma = token.lemma_.lower()
        for earlier in reversed(self.doc[: token.i]):
            if earlier.lemma_.lower() == lemma and earlier.pos_ == "NOUN":
                owners = [a for a in self.modifier_actors(earlier, 1) if self.types.get(a.id) in ("State", "Organization", "Other")]
                if owners:
                    return [Actor(owners[0].id, 0.7)]
        return []

    def geographic(self, actor_id: str) -> bool:
        """A region of the tables that lies in no state and is claimed by none: a sea, an ocean."""
        entry = self.gaz.entries.get(actor_id)
        return entry is not None and entry.type == "Region" and not entry.located_in and not entry.claimed_by

    def recent(self, token: Token, type_: str, prefer_subject: bool = False) -> list[Actor]:
        """The most recent actor of ``type_`` before ``token`` (a subject first, if asked)."""
        candidates = [i for i, e in self.ent_at.items() if i < token.i and self.types.get(e) == type_ and self.ent_span[i][0] == i]
        if prefer_subject:
            own = sentence_bounds(self.doc, token.i)
            subjects = [i for i in candidates if self._governing_dep(i).startswith("nsubj") and sentence_bounds(self.doc, i) != own]
            if subjects:
                return [Actor(self.ent_at[subjects[-1]], 0.6)]
        return [Actor(self.ent_at[candidates[-1]], 0.6)] if candidates else []

    def _plural_antecedent_is_no_actor(self, token: Token) -> bool:
        """A plural pronoun stands for the last plural noun phrase before it in its sentence; whether that
        phrase names no actor ("companies", "analysts") while no group of actors comes after it."""
        for earlier in reversed(self.doc[sentence_bounds(self.doc, token.i)[0]: token.i]):
            if earlier.i in self.ent_at and (earlier.dep_ == "conj" or any(c.dep_ == "conj" for c in earlier.children)):
                return False  # "Chile and Peru ... them"
            if _plural_noun(earlier) and earlier.i not in self.ent_at:
                return not self._head_actors(earlier, 1) and not self.lex.noun_kind(earlier.lemma_.lower(), "reciprocal")
        return False

    def _in_subject(self, i: int) -> bool:
        """Whether the name at ``i`` is a clause subject or its possessor ("Belarus' actions were ...")."""
        head = self._span_head(i)
        for _ in range(2):
            if head.dep_.startswith("nsubj"):
                return True
            if head.dep_ != "poss":
                return False
            head = head.head
        return head.dep_.startswith("nsubj")

    def _governing_dep(self, i: int) -> str:
        return self._span_head(i).dep_

    def controller(self, verb: Token) -> list[Actor]:
        """Who is to act, for an object-control verb: its object ("urged Israel"), or "called on X"."""
        return [a for target in controller(verb) for a in self.actors(target, 1)]

    def pronoun(self, token: Token) -> list[Actor]:
        """'he'/'his': the last person; 'it'/'its': the speaker of a reported clause, else the last
        state, organisation or group of the sentence (a subject first), else the previous sentence's subject."""
        lower = token.lower_
        if lower in _PERSONAL:
            people = [i for i, e in self.ent_at.items() if i < token.i and self.types.get(e) == "Person"]
            return [Actor(self.ent_at[people[-1]], 0.7)] if people else []
        clause = token.head
        while clause.dep_ not in ("ccomp", "xcomp", "conj", "advcl", "ROOT") and clause.head != clause:
            clause = clause.head
        if clause.dep_ == "xcomp" and clause.head != clause:
            # "called on Israel to halt its raids": its = Israel's, the one called on
            found = self.controller(clause.head)
            if found and token.i not in {t.i for c in clause.head.children if c.dep_ in ("dobj", "dative") for t in c.subtree}:
                return [Actor(a.id, 0.8) for a in found]
        if clause.dep_ in ("ccomp", "xcomp", "advcl") and clause.head != clause:
            for child in clause.head.children:
                if lower in _NEUTER and child.tag_ in ("NNS", "NNPS") and child.i not in self.ent_at:
                    continue  # "the leaders of the EU ... after it said": "it" is no plural
                if child.dep_ in ("nsubj", "nsubjpass") and child.i != token.i:
                    found = self.actors(child, 1)
                    if found:
                        return [Actor(a.id, 0.8) for a in found]
        if token.dep_ == "poss" and token.head.dep_ == "conj":
            # "between Doha and its neighbours": the first conjunct
            found = self._head_actors(token.head.head, 1)
            if found:
                return found
        if lower in _PLURAL and self._plural_antecedent_is_no_actor(token):
            return []  # "firms help ... and Washington could target them": them = the firms
        if lower in _PLURAL:
            # "They urged ..." after "May, Macron and Merkel said ...": the previous coordinated subject
            start = sentence_bounds(token.doc, token.i)[0]
            previous = token.doc[start - 1].sent if start > 0 else None
            if previous is not None and token.dep_ == "nsubj":
                subject = next((t for t in previous.root.children if t.dep_ == "nsubj"), None)
                found = self.actors(subject, 1) if subject is not None else []
                if len(found) >= 2:
                    return [Actor(a.id, 0.6) for a in found]
            return [Actor(p, 0.5) for p in self.parties(token.i, 2)]
        actors = ("State", "Organization", "Other")
        start = sentence_bounds(token.doc, token.i)[0]
        same = [i for i, e in self.ent_at.items() if start <= i < token.i and self.types.get(e) in actors and self.ent_span[i][0] == i]
        subjects = [i for i in same if self._in_subject(i)]
        if subjects or same:
            return [Actor(self.ent_at[(subjects or same)[-1]], 0.6)]
        found = self.recent(token, "State", prefer_subject=True) or self.recent(token, "Organization")
        return [Actor(a.id, 0.5) for a in found]


def _plural_noun(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS") and token.pos_ in ("NOUN", "PROPN")


def _definite(token: Token) -> bool:
    return any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these", "those") for c in token.children)


def unique_actors(actors: list[Actor]) -> list[Actor]:
    """The actors in order, each id once."""
    seen, out = set(), []
    for actor in actors:
        if actor.id not in seen:
            seen.add(actor.id)
            out.append(actor)
    return out
