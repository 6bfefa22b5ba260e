"""Who leads or represents what: ``leaderOf`` / ``officialOf`` from titles.

A person's title comes from the words before the name ("Iranian President
Hassan Rouhani", "NATO Secretary General Jens Stoltenberg", "Angola's
President João Lourenço") or from an apposition ("Annalena Baerbock,
Germany's foreign minister"; "France's ambassador, Sylvain Itté"). The state
or organisation is an entity in the title phrase; failing that, the
person's term of office in ``people.csv`` on the document's date; failing
that, for an official, the state the previous sentence is about. "former"
drops the role.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.relations.actors import ActorResolver
from kg.resolve.tables import Gazetteer

__all__ = ["Role", "find_roles"]



#: Titles of people sent to another state or body: "ambassador to X" represents someone else to X.
_SENT_TO = {"ambassador", "envoy", "representative", "consul", "emissary", "ambassadors", "envoys"}


def _content(words: list[str]) -> list[str]:
    """The words a title is looked for in: without articles, possessive marks and dashes."""
    return [w for w in words if w not in ("the", "'s", "’s", "-")]


def _after_to(doc: Doc, first: int, window: list) -> bool:
    """Whether the name starting at token ``first`` follows a "to" inside ``window`` ("ambassador to [Sri Lanka]")."""
    i = first - 1
    while i >= window[0].i and doc[i].lower_ == "the":
        i -= 1
    return i >= window[0].i and doc[i].lower_ == "to"


@dataclass(frozen=True)
class Role:
    person: str
    predicate: str
    of: str
    mention: Span
    confidence: float


def _title(words: list[str], titles: dict[str, str]) -> tuple[str, str] | None:
    """The title nearest the end of ``words`` (the longest one ending there) and its role.

    >>> _title(["national", "security", "adviser", "to", "ethiopian", "prime", "minister"], {"prime minister": "leaderOf", "national security adviser": "officialOf"})
    ('prime minister', 'leaderOf')
    """
    for end in range(len(words), 0, -1):
        for start in range(0, end):
            phrase = " ".join(words[start:end])
            if phrase in titles:
                return phrase, titles[phrase]
    return None


def _window_before(doc: Doc, span: Span, resolver: ActorResolver, words: dict) -> list:
    tokens = []
    i = span.start - 1
    while i >= span.sent.start:
        token = doc[i]
        lower = token.lower_
        if (
            i in resolver.ent_at and resolver.types.get(resolver.ent_at[i]) in ("State", "Organization", "Other")
        ) or lower in words["glue"] or lower in words["drop"] or token.pos_ in ("PROPN", "NOUN", "ADJ") and not resolver.types.get(resolver.ent_at.get(i, ""), "") == "Person":
            tokens.insert(0, token)
            i -= 1
            if len(tokens) > 10:
                break
            continue
        break
    return tokens


def _window_after(doc: Doc, span: Span) -> list:
    """``Name, the X's foreign minister,``: the apposition after a name."""
    if span.end >= span.sent.end or doc[span.end].text != ",":
        return []
    tokens = []
    for token in doc[span.end + 1:span.sent.end]:
        if token.text in (",", ";", "(", ")") or token.pos_ in ("VERB", "AUX") or token.dep_ == "relcl":
            break
        tokens.append(token)
    return tokens if len(tokens) <= 12 else []


def _appositive_before(doc: Doc, span: Span) -> list:
    """``France's ambassador, Sylvain Itté``: the apposition before a name."""
    if span.start < 2 or doc[span.start - 1].text != ",":
        return []
    tokens = []
    i = span.start - 2
    while i >= span.sent.start and doc[i].text not in (",", ";") and doc[i].pos_ not in ("VERB", "AUX", "ADP") or (i >= span.sent.start and doc[i].lower_ == "of"):
        tokens.insert(0, doc[i])
        i -= 1
        if len(tokens) > 8:
            break
    return tokens


def find_roles(doc: Doc, resolver: ActorResolver, gazetteer: Gazetteer, titles: dict[str, str], date: str | None) -> list[Role]:
    """One role per person (the first mention with a title wins)."""
    roles: dict[str, Role] = {}
    dropped: set[str] = set()
    titled: set[str] = set()
    for ent in doc.ents:
        person = ent.ent_id_
        if resolver.types.get(person) != "Person" or person in roles or person in dropped:
            continue
        first_title = None
        for window in (_window_before(doc, ent, resolver, gazetteer.title_words), _window_after(doc, ent), _appositive_before(doc, ent)):
            words = [t.lower_ for t in window]
            title = _title(_content(words), titles)
            if title and window and window[0].i > ent.start and "to" in words:
                # "Redwan Hussien, national security adviser to Ethiopian Prime Minister Abiy Ahmed":
                # the title before "to" is his; the one after is the other person's
                title = _title(_content(words[: words.index("to")]), titles) or title
            if not title:
                continue
            if any(w in gazetteer.title_words["drop"] or w.startswith("ex-") for w in words):
                dropped.add(person)
                break
            phrase, predicate = title
            if "deputy" in words or "vice" in words:
                predicate = "officialOf"
            first_title = first_title or predicate
            hosts = set()
            head = phrase.split()[-1]
            sent = [t.i for t in window if t.lower_ == head] if head in _SENT_TO else []
            if sent:
                # "Chinese ambassador to Sri Lanka", "U.S. envoy to the UN": the host is not whom they represent
                # (but "handed letters to U.S. envoy Amos Hochstein": that "to" comes before the title)
                hosts = {t.i for t in window if t.i in resolver.ent_at and t.i > sent[0]
                         and _after_to(doc, resolver.ent_span[t.i][0], window)}
            ids = [resolver.ent_at[t.i] for t in window if t.i in resolver.ent_at and t.i not in hosts]
            ids = [i for i in ids if resolver.types.get(i) in ("State", "Organization", "Other")]
            if ids:
                # the nearest named: "Azerbaijani President", "Iran's foreign minister"
                roles[person] = Role(person, predicate, ids[-1] if window[-1].i < ent.start else ids[0], ent, 0.9)
                break
        if first_title:
            titled.add(person)
        if person in roles or person in dropped or not first_title:
            continue
        of, confidence = _from_table(person, first_title, gazetteer, date)
        if of is None and first_title == "officialOf" and person not in gazetteer.terms:
            recent = resolver._recent(ent[0], "State", prefer_subject=True)
            of, confidence = (recent[0].id, 0.5) if recent else (None, 0.0)
        if of:
            roles[person] = Role(person, first_title, of, ent, confidence)
    # people named without a title: their office on the document's date
    for ent in doc.ents:
        person = ent.ent_id_
        if resolver.types.get(person) == "Person" and person not in roles and person not in dropped | titled:
            of, confidence = _from_table(person, None, gazetteer, date)
            if of and date:
                term = next(t for t in gazetteer.terms[person] if t.of == of and t.holds_on(date))
                roles[person] = Role(person, term.role, of, ent, 0.6)
    return list(roles.values())


def _from_table(person: str, predicate: str | None, gazetteer: Gazetteer, date: str | None) -> tuple[str | None, float]:
    """The office of ``person`` on ``date``; with a title in the text, any office of that kind."""
    all_terms = gazetteer.terms.get(person, ())
    terms = [t for t in all_terms if t.holds_on(date)]
    confidence = 0.8
    if not terms and predicate:
        # "then-President Moon", "President Bazoum" after a coup: the title says it
        terms, confidence = list(all_terms), 0.6
    if predicate:
        terms = [t for t in terms if t.role == predicate]
    return (terms[-1].of, confidence) if terms else (None, 0.0)
