"""Who leads or represents what: ``leaderOf`` / ``officialOf`` from titles.

A person's title comes from the words before the name ("Iranian President
Hassan Rouhani", "NATO Secretary General Jens Stoltenberg", "Angola's
President João Lourenço"), from an apposition ("Annalena Baerbock,
Germany's foreign minister"; "France's ambassador, Sylvain Itté") or from an
appointment ("appointed Lee as Korea's ambassador to Peru"). A name with
two titles ("the bloc's envoy, Chile's deputy foreign minister Ana Ruiz")
holds both.

Whose title it is, in this order: a state or organisation named in the title
phrase; one named after "to" / "for" ("adviser to the EU", "spokesman for
the OSCE chairman"; but an envoy *to* or *for* X does not represent X); the
person's office in ``people.csv`` on the document's date; a title that
belongs to one country's government ("Secretary of State", "Chancellor":
``of:XXX`` rows of ``title_words.csv``); the owner of an organ named in the
title ("the junta's spokesman", "the ministry spokesman"); the office of a
person served ("spokesman for President Y"); failing all that, for an
official, the state the previous sentences are about. A leader's title
qualified by a body ("group president", "committee chairman") makes an
official of the state, unless the body is the government itself ("junta
leader") or stands apart from the state ("opposition leader", ``nonstate``).

"former", "ousted", "then-" ... drop the title: the person gets only an office
``people.csv`` says they hold on the document's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kg.relations.actors import ActorResolver
from kg.relations.perdoc import sentence_bounds
from kg.resolve.names import name_key
from kg.resolve.tables import Gazetteer

__all__ = ["Role", "find_roles"]


#: Titles of people sent to another state or body: "ambassador to X" represents someone else to X.
_SENT_TO = {"ambassador", "envoy", "representative", "consul", "emissary", "ambassadors", "envoys"}
#: "adviser to X", "spokesman for X": whom a title serves follows these.
_SERVES = ("to", "for")
#: Words a title is read without: articles, possessive marks and dashes.
_NOT_CONTENT = ("the", "'s", "’s", "-")
_ACTOR_TYPES = ("State", "Organization", "Other")


@dataclass(frozen=True)
class Role:
    person: str
    predicate: str
    of: str
    mention: Span
    confidence: float
    #: False for a title held at the time told, not now ("then-President X"): X acted for that state
    #: in what the text tells, but holds no office on the document's date
    current: bool = True


@dataclass(frozen=True)
class _Reading:
    """A title read in a window of words next to a name.

    ``own``: the words of the person's title (with whatever names it); ``tail``:
    the words after "to" / "for" (whom the title serves, or where an envoy is
    sent); ``first``: index in ``own`` of the title's first word.
    """

    phrase: str
    predicate: str
    own: list
    tail: list
    first: int
    former: bool
    body: str | None  # "group" in "group president": the body the title heads
    serves: str = ""  # "to" / "for" before the tail


def _title(words: list[str], titles: dict[str, str]) -> tuple[str, str] | None:
    """The title nearest the end of ``words`` (the longest one ending there) and its role.

    >>> _title(["national", "security", "adviser", "to", "ethiopian", "prime", "minister"], {"prime minister": "leaderOf", "national security adviser": "officialOf"})
    ('prime minister', 'leaderOf')
    """
    found = _title_at(words, titles)
    return (found[0], found[1]) if found else None


def _title_at(words: list[str], titles: dict[str, str]) -> tuple[str, str, int] | None:
    """:func:`_title` with the index of the title's first word."""
    for end in range(len(words), 0, -1):
        for start in range(0, end):
            phrase = " ".join(words[start:end])
            if phrase in titles:
                return phrase, titles[phrase], start
    return None


def _is_person(resolver: ActorResolver, token: Token) -> bool:
    return resolver.types.get(resolver.ent_at.get(token.i, "")) == "Person"


def _window_before(doc: Doc, span: Span, resolver: ActorResolver, words: dict) -> list:
    tokens = []
    i, start = span.start - 1, sentence_bounds(doc, span.start)[0]
    while i >= start:
        token = doc[i]
        lower = token.lower_
        if (
            i in resolver.ent_at and resolver.types.get(resolver.ent_at[i]) in _ACTOR_TYPES
        ) or lower in words["glue"] or lower in words["drop"] or token.pos_ in ("PROPN", "NOUN", "ADJ") and not _is_person(resolver, token):
            tokens.insert(0, token)
            i -= 1
            if len(tokens) > 10:
                break
            continue
        break
    return tokens


def _window_after(doc: Doc, span: Span, resolver: ActorResolver, lead: str = ",", verbs: set[str] = frozenset()) -> list:
    """``Name, the X's foreign minister,``: the apposition after a name (``lead`` "as": an appointment,
    "named Lee as Korea's envoy", with a verb of the ``appoint`` rows of ``title_words.csv``). A name
    inside it ("Putin, Erdogan and Iranian President Raisi") makes it a list, not an apposition,
    unless the name comes after "to" / "for" (whom the title serves)."""
    if span.end >= span.sent.end or doc[span.end].lower_ != lead:
        return []
    if lead == "as" and doc[span.end].head.lemma_.lower() not in verbs and span.root.head.lemma_.lower() not in verbs:
        return []  # "recognised X as president" is not an appointment
    tokens = []
    for token in doc[span.end + 1:span.sent.end]:
        if token.text in (",", ";", "(", ")") or token.pos_ in ("VERB", "AUX") or token.dep_ == "relcl":
            break
        if _is_person(resolver, token) and not any(t.lower_ in _SERVES for t in tokens):
            return []
        if token.pos_ == "CCONJ" and not tokens:
            return []
        tokens.append(token)
    return tokens if len(tokens) <= 12 else []


def _appositive_before(doc: Doc, span: Span, start: int, resolver: ActorResolver) -> list:
    """``France's ambassador, Sylvain Itté``: the apposition before a name (or before the title
    right before it, "the bloc's envoy, Chile's deputy foreign minister Ana Ruiz"). The parser must
    make one the apposition of the other ("After meeting Russia's foreign minister, President X said"
    is no apposition); a name inside it makes it a list ("Russian President Putin, Erdogan")."""
    sent = span.sent
    if start < 2 or doc[start - 1].text != ",":
        return []
    tokens = []
    i = start - 2
    while i >= sent.start and doc[i].text not in (",", ";") and doc[i].pos_ not in ("VERB", "AUX", "ADP", "CCONJ") or (i >= sent.start and doc[i].lower_ == "of"):
        if _is_person(resolver, doc[i]):
            return []
        tokens.insert(0, doc[i])
        i -= 1
        if len(tokens) > 8:
            break
    inside = {t.i for t in tokens}
    root = span.root
    if not (root.dep_ == "appos" and root.head.i in inside or any(t.dep_ == "appos" and span.start <= t.head.i < span.end for t in tokens)):
        return []
    return tokens


def _content(tokens: list) -> list:
    return [t for t in tokens if t.lower_ not in _NOT_CONTENT]


def _read(window: list, before_name: bool, gazetteer: Gazetteer, titles: dict[str, str]) -> _Reading | None:
    """The title in ``window`` that is the person's, and the words that say whose it is.

    Before a name, the title nearest the name is the person's ("adviser to Prime Minister Y" names Y's
    title); in an apposition after a name or before a comma, the title before "to" / "for" is
    ("Name, adviser to Prime Minister Y")."""
    tokens = _content(window)
    if not tokens:
        return None
    if before_name:
        found = _title_at([t.lower_ for t in tokens], titles)
        if not found:
            return None
        phrase, predicate, first = found
        cut = max((k for k in range(first) if tokens[k].lower_ in _SERVES), default=-1)
        # "handed letters to U.S. envoy Hochstein": what comes before "to" is not the title's
        own = tokens[cut + 1:]
        first -= cut + 1
        rest = own[first + len(phrase.split()):]
        at = next((k for k, t in enumerate(rest) if t.lower_ in _SERVES), None)
        tail = rest[at + 1:] if at is not None else []
        serves = rest[at].lower_ if at is not None else ""
        if at is not None:
            own = own[: first + len(phrase.split()) + at]
    else:
        at = next((k for k, t in enumerate(tokens) if t.lower_ in _SERVES), None)
        own, tail = (tokens[:at], tokens[at + 1:]) if at is not None else (tokens, [])
        serves = tokens[at].lower_ if at is not None else ""
        found = _title_at([t.lower_ for t in own], titles)
        if not found:
            return None
        phrase, predicate, first = found
    lowers = [t.lower_ for t in own]
    drop = gazetteer.title_words["drop"]
    former = any(
        (w in drop or w.startswith("ex-")) and not any(t.ent_type_ in ("DATE", "TIME") for t in own[k + 1:first])
        for k, w in enumerate(lowers[: first + 1])
    )
    if "deputy" in lowers or "vice" in lowers:
        predicate = "officialOf"
    body = None
    if first > 0:
        modifier = own[first - 1]
        if modifier.pos_ == "NOUN" and modifier.dep_ == "compound" and modifier.head.i > modifier.i \
                and modifier.lower_ not in gazetteer.title_words["glue"] and modifier.ent_type_ == "":
            body = modifier.lemma_.lower()
    return _Reading(phrase, predicate, own, tail, first, former, body, serves)


def _fixed_states(reading: _Reading, gazetteer: Gazetteer, named: set[str]) -> tuple[bool, str | None]:
    """Whether the title is one of a country's government ("Secretary of State", "Chancellor"), and
    which state: the only one whose title it is, else the only one of them the document names."""
    # with the word after the title: "Secretary of State for Defence" is not "Secretary of State"
    words = f" {' '.join([*(t.lower_ for t in reading.own), reading.serves])} "
    matches = [
        (len(phrase), kind[3:])
        for kind, phrases in gazetteer.title_words.items() if kind.startswith("of:")
        for phrase in (" ".join(w for w in p.split() if w not in _NOT_CONTENT) for p in phrases)
        if f" {phrase} " in words
    ]
    if not matches:
        return False, None
    longest = max(n for n, _ in matches)
    candidates = {state for n, state in matches if n == longest}
    if len(candidates) == 1:
        return True, next(iter(candidates))
    named_here = candidates & named
    return True, next(iter(named_here)) if len(named_here) == 1 else None


def _given_name_clash(doc: Doc, ent: Span, gazetteer: Gazetteer, titles: dict[str, str]) -> bool:
    """Whether the mention gives the linked person's surname with another given name ("Xiomara Castro"
    linked to Raúl Castro): then the mention is someone else, and no office of the linked person is its."""
    tokens = list(ent)
    i, start = ent.start - 1, sentence_bounds(doc, ent.start)[0]
    words = gazetteer.title_words
    while i >= start and doc[i].pos_ == "PROPN" and doc[i].text[:1].isupper() and not doc[i].ent_type_ \
            and doc[i].lower_.rstrip(".") not in words["honorific"] and doc[i].lower_ not in words["glue"] \
            and not any(doc[i].lower_ in t.split() for t in titles):
        tokens.insert(0, doc[i])
        i -= 1
    if len(tokens) < 2:
        return False
    given = name_key(tokens[0].text)
    names = [_name_words(text) for text in gazetteer.names_of(ent.ent_id_)]
    if not names or tuple(name_key(t.text) for t in tokens) in names:
        return False
    firsts = {n[0] for n in names if len(n) >= 2}
    if not firsts:
        return False
    given = given.rstrip(".")
    # an initial, a short form or another spelling is the same given name ("J.", "Tony", "Anthony" for Antony)
    return not any(f.startswith(given) or given.startswith(f) or SequenceMatcher(None, f, given).ratio() >= 0.6 for f in firsts)


@lru_cache(maxsize=20_000)
def _name_words(name: str) -> tuple[str, ...]:
    """The words of a name's key (:func:`name_key`), kept: a table's names are read for every mention."""
    return tuple(name_key(name).split())


def find_roles(doc: Doc, resolver: ActorResolver, gazetteer: Gazetteer, titles: dict[str, str], date: str | None) -> list[Role]:
    """The roles of the people of ``doc`` (the first mention with a title wins; a name may hold two titles)."""
    roles: dict[str, list[Role]] = {}
    dropped: set[str] = set()
    then_roles: list[Role] = []
    titled: set[str] = set()
    named = {e for e in resolver.ent_at.values() if resolver.types.get(e) == "State"}
    for ent in resolver.names("Person"):
        person = ent.ent_id_
        if person in roles or person in dropped:
            continue
        if _given_name_clash(doc, ent, gazetteer, titles):
            continue
        before = _window_before(doc, ent, resolver, gazetteer.title_words)
        windows = [
            (before, True),
            (_window_after(doc, ent, resolver), False),
            (_window_after(doc, ent, resolver, "as", gazetteer.title_words["appoint"]), False),
            (_appositive_before(doc, ent, before[0].i if before else ent.start, resolver), False),
        ]
        readings = [r for r in (_read(w, b, gazetteer, titles) for w, b in windows if w) if r]
        former = any(r.former for r in readings)
        then = [r for r in readings if r.former and any(w.lower_ in ("then", "then-") for w in r.own[: r.first])]
        readings = [r for r in readings if not r.former]
        for reading in then:
            # "then-President Moon's government": Moon acted for his state then
            role = _role(person, ent, reading, resolver, gazetteer, None, named, named_only=False)
            if role:
                then_roles.append(Role(role.person, role.predicate, role.of, ent, role.confidence, current=False))
        first_title = readings[0].predicate if readings else None
        found: list[Role] = []
        for reading in readings:
            # what the titles name first ("Brunei's minister", "ASEAN envoy": both); else what the first says
            role = _role(person, ent, reading, resolver, gazetteer, date, named, named_only=True)
            if role and not any(r.of == role.of or resolver.types.get(r.of) == resolver.types.get(role.of) == "State" for r in found):
                found.append(role)
        for reading in readings if not found else ():
            role = _role(person, ent, reading, resolver, gazetteer, date, named, named_only=False)
            if role:
                found.append(role)
                break
        if not readings and not former:
            # "the ministry's spokesperson said ... . Ana Rivas added ...": the title named just before
            reading = _described_before(ent, resolver, gazetteer)
            role = _role(person, ent, reading, resolver, gazetteer, date, named, named_only=False) if reading else None
            if role:
                found.append(Role(role.person, role.predicate, role.of, ent, min(role.confidence, 0.5)))
        if found:
            roles[person] = found
            continue
        if former and not first_title:
            # "former Foreign Minister X": only an office the table says X holds on the document's date
            dropped.add(person)
            of, confidence = _from_table(person, None, gazetteer, date)
            if of:
                roles[person] = [_table_role(person, of, ent, gazetteer, date, confidence)]
            continue
        if first_title:
            titled.add(person)
    # people named without a title: their office on the document's date
    for ent in resolver.names("Person"):
        person = ent.ent_id_
        if person not in roles and person not in dropped | titled:
            if _given_name_clash(doc, ent, gazetteer, titles):
                continue
            of, confidence = _from_table(person, None, gazetteer, date)
            if of and date:
                roles[person] = [_table_role(person, of, ent, gazetteer, date, 0.6)]
    return [role for found in roles.values() for role in found] + [r for r in then_roles if r.person not in roles]


def _described_before(ent: Span, resolver: ActorResolver, gazetteer: Gazetteer) -> _Reading | None:
    """The title of an unnamed subject of the previous sentence ("the country's foreign ministry
    spokesperson said ..."), when ``ent`` is a new name not in the tables that opens the next
    sentence as its subject, with nothing in between ("Ana Rivas advised ...")."""
    doc = ent.doc
    sent = ent.sent
    lead = next((t for t in sent if not t.is_punct), None)
    if lead is None or lead.i != ent.start or sent.start == 0 or ent.ent_id_ in gazetteer.terms:
        return None
    if ent.root.head != sent.root or (ent.end < len(doc) and doc[ent.end].text == ","):
        return None
    if any(resolver.ent_at.get(i) == ent.ent_id_ for i in range(ent.start)):
        return None  # named before: not introduced here
    previous = doc[sent.start - 1].sent
    if any(_is_person(resolver, t) for t in previous):
        return None
    subjects = [t for t in previous if t.dep_ == "nsubj" and t.head.dep_ == "ROOT" or t.dep_ == "nsubj" and t.head == previous.root]
    for subject in subjects:
        if subject.lower_ not in gazetteer.titles or gazetteer.titles[subject.lower_] != "officialOf":
            continue
        if not any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in subject.subtree if c.i < subject.i):
            continue  # "the spokesperson", "Chile's spokesperson", not "a spokesperson"
        reading = _read([t for t in subject.subtree if t.i <= subject.i], True, gazetteer, gazetteer.titles)
        if reading and not reading.former:
            return reading
    return None


def _table_role(person: str, of: str, ent: Span, gazetteer: Gazetteer, date: str | None, confidence: float) -> Role:
    term = next(t for t in gazetteer.terms[person] if t.of == of and t.holds_on(date))
    return Role(person, term.role, of, ent, confidence)


def _actor_ids(tokens: list, resolver: ActorResolver) -> list[str]:
    ids = [resolver.ent_at[t.i] for t in tokens if t.i in resolver.ent_at]
    return [i for i in ids if resolver.types.get(i) in _ACTOR_TYPES]


def _role(person: str, ent: Span, reading: _Reading, resolver: ActorResolver, gazetteer: Gazetteer,
          date: str | None, named: set[str], named_only: bool) -> Role | None:
    """The role ``reading`` gives ``person``: whose title it is (see the module's docstring); with
    ``named_only``, only a state or organisation named with the title."""
    predicate = reading.predicate
    titles = gazetteer.titles
    nonstate = reading.body in gazetteer.title_words["nonstate"]
    if predicate == "leaderOf" and reading.body and reading.body not in gazetteer.title_words["government"] and not nonstate:
        predicate = "officialOf"  # "group president", "committee chairman": the head of a body of the state
    sent_to = reading.phrase.split()[-1] in _SENT_TO
    own = _actor_ids(reading.own, resolver)
    if nonstate:
        # "opposition leader X", "Venezuelan opposition leader X": of no state (of a group named, "Hamas leader")
        own = [i for i in own if resolver.types.get(i) != "State"]
    if own:
        # the nearest named: "Azerbaijani President", "Iran's foreign minister"
        return Role(person, predicate, own[-1] if reading.own[-1].i < ent.start else own[0], ent, 0.9)
    if nonstate:
        return None
    tail = [] if sent_to else _actor_ids(reading.tail, resolver)
    if tail:
        return Role(person, predicate, tail[0], ent, 0.85)  # "spokesman for the EU summit chairman"
    if named_only:
        return None
    of, confidence = _from_table(person, predicate, gazetteer, date)
    if of:
        return Role(person, predicate, of, ent, confidence)
    fixed, of = _fixed_states(reading, gazetteer, named)
    if fixed:
        return Role(person, predicate, of, ent, 0.8) if of else None
    for token in [*reversed(reading.own[: reading.first]), *([] if sent_to else reading.tail)]:
        # "the junta's spokesman", "the defence ministry spokesman", "spokesman for the junta": the organ's state
        if token.pos_ in ("NOUN", "PROPN") and token.i not in resolver.ent_at and token.lower_ not in titles \
                and resolver.lex.noun_kind(token.lower_, "organ"):
            owner = _organ_owner(token, resolver)
            if owner:
                return Role(person, predicate, owner, ent, 0.7)
    if not sent_to:
        for token in reading.tail:
            # "spokesman for President Y": whom Y leads
            served = resolver.ent_at.get(token.i)
            if served and resolver.types.get(served) == "Person":
                of, confidence = _from_table(served, None, gazetteer, date)
                if of:
                    return Role(person, "officialOf", of, ent, 0.7)
                break
    if reading.body and predicate == "officialOf" and reading.predicate == "leaderOf":
        # "the agency ... its group president X": the owner of the organ named before in the sentence
        owner = _organ_before(ent, resolver)
        if owner:
            return Role(person, predicate, owner, ent, 0.6)
    for token in reading.own[: reading.first] if sent_to else ():
        # "named X as its envoy": a state's envoy, the state the pronoun stands for ("its commander" may be an army's)
        if token.lower_ in ("its", "their") and token.dep_ == "poss":
            owners = [a.id for a in resolver.actors(token) if resolver.types.get(a.id) == "State"]
            if owners:
                return Role(person, predicate, owners[0], ent, 0.6)
    if sent_to:
        # "expelled staff of the Belarusian embassy ... The envoy, X": whose mission the text named last
        hosts = {resolver.ent_at[t.i] for t in reading.tail if t.i in resolver.ent_at}
        owner = _mission_before(ent, resolver, gazetteer.title_words["mission"])
        if owner and owner not in hosts:
            return Role(person, predicate, owner, ent, 0.6)
    if predicate == "officialOf" and person not in gazetteer.terms:
        recent = resolver.recent(ent[0], "State", prefer_subject=True)
        if recent:
            return Role(person, predicate, recent[0].id, ent, 0.5)
    return None


def _organ_owner(token: Token, resolver: ActorResolver) -> str | None:
    """Whose organ ``token`` is, when the text says it: the owner named with it, else the owner named
    with the last organ of the same name ("Myanmar's junta ... junta spokesman"). A bare "government"
    with no owner named anywhere is left to the context."""
    same = (t for t in reversed(token.doc[: token.i]) if t.lower_ == token.lower_ and t.pos_ in ("NOUN", "PROPN"))
    for candidate in [token, *same]:
        if any(c.dep_ in ("poss", "amod", "compound", "nmod") and c.i in resolver.ent_at for c in candidate.children):
            owners = [a.id for a in resolver.actors(candidate) if resolver.types.get(a.id) in _ACTOR_TYPES]
            if owners:
                return owners[0]
    return None


def _mission_before(ent: Span, resolver: ActorResolver, missions: set[str]) -> str | None:
    """The state of the last diplomatic mission named with its state before ``ent`` ("the Iranian
    embassy", "the ambassador of Iran"), in its sentence or the two before."""
    doc = ent.doc
    start = ent.sent.start
    for _ in range(2):
        start = doc[start - 1].sent.start if start > 0 else start
    for token in reversed(doc[start:ent.start]):
        if token.lower_ not in missions or token.i in resolver.ent_at:
            continue
        owners = [c for c in token.children if c.dep_ in ("poss", "amod", "compound", "nmod")]
        owners += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        for owner in owners:
            state = resolver.ent_at.get(owner.i)
            if state and resolver.types.get(state) == "State":
                return state
    return None


def _organ_before(ent: Span, resolver: ActorResolver) -> str | None:
    """The state that owns the last organ named with its owner before ``ent`` in its sentence
    ("an embargo on Turkey's defence agency and its group president X")."""
    for token in reversed(ent.doc[sentence_bounds(ent.doc, ent.start)[0]:ent.start]):
        if token.pos_ == "NOUN" and resolver.lex.noun_kind(token.lemma_.lower(), "organ") and \
                any(c.dep_ in ("poss", "compound", "amod") and c.i in resolver.ent_at for c in token.children):
            owners = [a.id for a in resolver.actors(token) if resolver.types.get(a.id) == "State"]
            if owners:
                return owners[0]
    return None


def _from_table(person: str, predicate: str | None, gazetteer: Gazetteer, date: str | None) -> tuple[str | None, float]:
    """The office of ``person`` on ``date``; with a title in the text, any office of that kind."""
    all_terms = gazetteer.terms.get(person, ())
    terms = [t for t in all_terms if t.holds_on(date)]
    confidence = 0.8
    if not terms and predicate:
        # "President Bazoum" after a coup: the title says it
        terms, confidence = list(all_terms), 0.6
    if predicate:
        terms = [t for t in terms if t.role == predicate]
    return (terms[-1].of, confidence) if terms else (None, 0.0)
