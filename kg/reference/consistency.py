"""Text-derived relations that contradict the reference facts (``kg validate --facts``).

Three checks, on asserted text-derived statements only (a claimed, hypothetical
or negated relation does not say the thing is so):

- ``no-land-border``: ``neighbourOf`` between two states that share no land
  border — often a resolution error, Afghanistan for Azerbaijan;
- ``not-a-member``: ``memberOf`` of a state or organisation that was not a
  member of the organisation on the statement's date (or ever, undated), for the
  organisations of the membership table;
- ``outside-term``: ``leaderOf`` of a person of the people table, dated when the
  person held no leading office of that state or organisation. The table covers
  terms from 2010 (:data:`TERMS_FROM`); earlier dates are not checked.

A partial date in the tables counts for its whole year or month, so only what
the reference rules out is listed.

>>> from kg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_rows([
...     ("d1", "2020-10-08", "IRN", "neighbourOf", "ARM"),
...     ("d1", "2020-10-08", "AFG", "neighbourOf", "ARM"),
...     ("d1", "2020-10-08", "ARM", "memberOf", "CSTO"),
...     ("d1", "2020-10-08", "GEO", "memberOf", "CSTO"),
...     ("d2", "2022-01-01", "hassan-rouhani", "leaderOf", "IRN")])
>>> for conflict in check_graph(kg):
...     print(conflict.kind, conflict.subject, conflict.predicate, conflict.object)
no-land-border AFG neighbourOf ARM
not-a-member GEO memberOf CSTO
outside-term hassan-rouhani leaderOf IRN
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.rdf.convert import PREFIXES, document_id, entity_id
from kg.reference.facts import ReferenceFacts, cached_reference
from kg.resolve.tables import Gazetteer, cached_gazetteer
from kg.resolve.terms import offices_on, term_overlaps
from kg.vocab import IR

__all__ = ["TERMS_FROM", "Claim", "Conflict", "check_claims", "check_graph", "check_store", "conflicts_text"]

#: The first date the people table's terms of office are complete for.
TERMS_FROM = "2010-01-01"

CHECKED = ("neighbourOf", "memberOf", "leaderOf")


@dataclass(frozen=True)
class Claim:
    """An asserted text-derived relation: what is checked."""

    subject: str
    predicate: str
    object: str
    date: str | None = None
    doc: str | None = None
    statement: str | None = None
    sentence: str | None = None


@dataclass(frozen=True)
class Conflict:
    """A text-derived relation the reference facts rule out, and why."""

    kind: str
    subject: str
    predicate: str
    object: str
    date: str | None
    doc: str | None
    message: str
    statement: str | None = None
    sentence: str | None = None

    def __str__(self) -> str:
        where = f" [{self.doc}{', ' + self.date if self.date else ''}]" if self.doc else ""
        return f"{self.kind}: {self.subject} {self.predicate} {self.object}{where}: {self.message}"


def _label(id: str, gazetteer: Gazetteer) -> str:
    entry = gazetteer.entries.get(id)
    return entry.label if entry else id


def _type(id: str, gazetteer: Gazetteer) -> str | None:
    entry = gazetteer.entries.get(id)
    return entry.type if entry else None


def _neighbour(claim: Claim, reference: ReferenceFacts, gazetteer: Gazetteer) -> str | None:
    a, b = claim.subject, claim.object
    if _type(a, gazetteer) != "State" or _type(b, gazetteer) != "State" or reference.borders(a, b):
        return None
    hint = ", ".join(sorted(reference.neighbours(b))) or "none"
    return (f"{_label(a, gazetteer)} and {_label(b, gazetteer)} share no land border in the reference facts "
            f"({_label(b, gazetteer)}'s land neighbours: {hint})")


def _member(claim: Claim, reference: ReferenceFacts, gazetteer: Gazetteer) -> str | None:
    member, org = claim.subject, claim.object
    if _type(member, gazetteer) not in ("State", "Organization"):
        return None
    if reference.is_member(member, org, claim.date) is not False:
        return None
    periods = reference.find(member, "memberOf", org)
    if not periods:
        return f"{_label(member, gazetteer)} is not a member of {org} in the reference facts"
    spans = "; ".join(f"{f.start or '?'} to {f.end or 'now'}" for f in periods)
    return f"{_label(member, gazetteer)} was a member of {org} {spans}, not on {claim.date}"


def _leader(claim: Claim, gazetteer: Gazetteer) -> str | None:
    person, of, date = claim.subject, claim.object, claim.date
    terms = gazetteer.terms.get(person)
    if not terms or not date or date < TERMS_FROM:
        return None
    leading = [t for t in terms if t.role == "leaderOf" and t.of == of]
    if any(term_overlaps(t, date) for t in leading):
        return None
    name = _label(person, gazetteer)
    if leading:
        spans = "; ".join(f"{t.office} {t.start or '?'} to {t.end or 'now'}" for t in leading)
        return f"{name} led {of} only as {spans}, not on {date}"
    held = "; ".join(f"{t.office} of {t.of}" for t in offices_on(person, date, gazetteer)) or "no office in the table"
    return f"{name} held no leading office of {of} on {date} ({held})"


def check_claims(
    claims: Iterable[Claim], reference: ReferenceFacts | None = None, gazetteer: Gazetteer | None = None
) -> list[Conflict]:
    """The claims that the reference facts contradict, sorted."""
    reference = reference or cached_reference()
    gazetteer = gazetteer or cached_gazetteer()
    conflicts = set()
    for claim in claims:
        if claim.predicate == "neighbourOf":
            kind, message = "no-land-border", _neighbour(claim, reference, gazetteer)
        elif claim.predicate == "memberOf":
            kind, message = "not-a-member", _member(claim, reference, gazetteer)
        elif claim.predicate == "leaderOf":
            kind, message = "outside-term", _leader(claim, gazetteer)
        else:
            continue
        if message:
            conflicts.add(Conflict(kind, claim.subject, claim.predicate, claim.object, claim.date, claim.doc,
                                   message, claim.statement, claim.sentence))
    return sorted(conflicts, key=lambda c: (c.kind, c.subject, c.object, c.date or "", c.doc or "", c.statement or ""))


def graph_claims(kg) -> Iterator[Claim]:
    """The asserted relations of a :class:`~kg.graph.KnowledgeGraph` that can be checked, one per evidence."""
    for s, o, data in kg.edges():
        if data["modality"] != "asserted" or data["predicate"] not in CHECKED:
            continue
        for p in data["evidence"]:
            yield Claim(s, data["predicate"], o, p.date, p.doc, None, p.sentence)


_CLAIMS = """
SELECT ?statement ?s ?p ?o ?date ?doc ?sentence WHERE {
  VALUES ?p { ir:neighbourOf ir:memberOf ir:leaderOf }
  ?statement a ir:Statement ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; ir:modality ir:Asserted .
  FILTER NOT EXISTS { ?statement a ir:ReferenceStatement }
  OPTIONAL { ?statement prov:wasDerivedFrom ?doc }
  OPTIONAL { ?statement ir:eventDate ?date }
  OPTIONAL { ?statement ir:evidenceText ?sentence }
}
"""


def store_claims(store: ox.Store) -> Iterator[Claim]:
    """The asserted text-derived statements of a store that can be checked."""
    for row in store.query(_CLAIMS, prefixes=PREFIXES):
        value = lambda name: row[name].value if row[name] is not None else None  # noqa: E731
        yield Claim(
            entity_id(row["s"].value), row["p"].value.removeprefix(str(IR)), entity_id(row["o"].value),
            value("date"), document_id(value("doc")) if value("doc") else None, value("statement"), value("sentence"),
        )


def check_graph(kg, reference: ReferenceFacts | None = None, gazetteer: Gazetteer | None = None) -> list[Conflict]:
    """:func:`check_claims` on a KnowledgeGraph."""
    return check_claims(graph_claims(kg), reference, gazetteer)


def check_store(store: ox.Store, reference: ReferenceFacts | None = None, gazetteer: Gazetteer | None = None) -> list[Conflict]:
    """:func:`check_claims` on the text-derived statements of a store (reference statements are not checked)."""
    return check_claims(store_claims(store), reference, gazetteer)


def conflicts_text(conflicts: list[Conflict], limit: int = 50) -> str:
    """A readable list: a summary line, then up to ``limit`` conflicts with their evidence."""
    if not conflicts:
        return "reference facts: no text-derived relation contradicts them"
    lines = [f"reference facts: {len(conflicts)} text-derived relation{'s' if len(conflicts) != 1 else ''} contradict them"]
    for conflict in conflicts[:limit]:
        lines.append(f"  {conflict}")
        if conflict.sentence:
            lines.append(f"    evidence: {conflict.sentence}")
    if len(conflicts) > limit:
        lines.append(f"  ... and {len(conflicts) - limit} more")
    return "\n".join(lines)
