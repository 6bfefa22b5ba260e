"""Reference facts: land borders, memberships and terms of office, read from data.

Standing facts that news rarely states but analysts ask about ("which CSTO
members border Azerbaijan?"), kept apart from what the text says. They are
tables of ``kg/data/reference`` plus the terms of office of ``people.csv``:

- ``sources.csv``: one row per source (id, label, url, licence, note); a fact
  names its source by id, and in RDF the source is ``<https://ir-kg.org/source/ID>``;
- ``borders.csv``: unordered pairs of states with a land border;
- ``memberships.csv``: organisation, member, joined, left (dates ``YYYY``,
  ``YYYY-MM`` or ``YYYY-MM-DD``), source, note.

A date given to the year or month stands for its whole period: a membership
"joined 1992" may have held on 1992-01-01 and did hold from 1993-01-01. A fact
*may hold* on a date between the earliest possible start and the latest
possible end (:meth:`Fact.may_hold_on`); the consistency checks only flag a
text-derived relation that the reference rules out.

>>> facts = cached_reference()
>>> facts.borders("ARM", "AZE"), facts.borders("AFG", "ARM")
(True, False)
>>> sorted(facts.members("CSTO", "2020-10-08"))
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
>>> facts.is_member("GBR", "EU", "2021-06-01"), facts.is_member("GBR", "EU", "2019-06-01")
(False, True)
>>> facts.is_member("ARM", "MADE-UP-ORG", "2020-01-01") is None
True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from kg.data import data_path
from kg.resolve.tables import Gazetteer, cached_gazetteer, read_csv
from kg.resolve.terms import date_bounds

__all__ = [
    "KINDS",
    "PREDICATES",
    "SOURCE_NAMESPACE",
    "Fact",
    "ReferenceFacts",
    "Source",
    "cached_reference",
    "date_bounds",
    "load_reference",
    "source_iri",
]

#: The kinds of reference facts and the predicates each gives.
PREDICATES = {
    "borders": ("neighbourOf",),
    "memberships": ("memberOf",),
    "leaders": ("leaderOf", "officialOf"),
}
KINDS = tuple(PREDICATES)

#: Reference sources are named under this namespace (``<https://ir-kg.org/source/geonames>``).
SOURCE_NAMESPACE = "https://ir-kg.org/source/"

#: The source of the terms of office (``people.csv``).
PEOPLE_SOURCE = "ir-kg-people"

def source_iri(id: str) -> str:
    """The IRI of a reference source.

    >>> source_iri("geonames")
    'https://ir-kg.org/source/geonames'
    """
    return SOURCE_NAMESPACE + id


@dataclass(frozen=True)
class Source:
    """A reference source: what it is, where to check it, under which licence."""

    id: str
    label: str
    url: str | None = None
    licence: str | None = None
    covers: str | None = None
    note: str = ""

    @property
    def iri(self) -> str:
        return source_iri(self.id)


@dataclass(frozen=True)
class Fact:
    """One reference fact: ``subject predicate object`` from ``start`` to ``end`` (partial dates).

    A symmetric fact (a border) has its two states in sorted order.
    """

    subject: str
    predicate: str
    object: str
    source: str
    start: str | None = None
    end: str | None = None
    office: str | None = None
    note: str = ""

    @property
    def earliest_start(self) -> str | None:
        bounds = date_bounds(self.start)
        return bounds[0] if bounds else None

    @property
    def latest_end(self) -> str | None:
        bounds = date_bounds(self.end)
        return bounds[1] if bounds else None

    @property
    def current(self) -> bool:
        """True if the fact has no end: it holds today as far as the reference knows."""
        return not self.end

    def may_hold_on(self, date: str | None) -> bool:
        """False only if the reference rules the fact out on ``date`` (any date form of :func:`date_bounds`).

        >>> fact = Fact("GBR", "memberOf", "EU", "eu-members", "1973-01-01", "2020-01-31")
        >>> fact.may_hold_on("2020-01-31"), fact.may_hold_on("2020-02-01"), fact.may_hold_on("2020")
        (True, False, True)
        """
        if not date:
            return True
        first, last = date_bounds(date)
        start, end = self.earliest_start, self.latest_end
        return (start is None or start <= last) and (end is None or first <= end)


@dataclass(frozen=True)
class ReferenceFacts:
    """All reference facts with their sources, and the look-ups the checks need."""

    sources: dict[str, Source]
    facts: tuple[Fact, ...]
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
        by_predicate: dict[str, list[Fact]] = defaultdict(list)
        objects: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            by_key[(fact.subject, fact.predicate, fact.object)].append(fact)
            by_predicate[fact.predicate].append(fact)
            objects[fact.predicate].add(fact.object)
        self._index.update(by_key=dict(by_key), by_predicate=dict(by_predicate), objects=dict(objects))

    def __len__(self) -> int:
        return len(self.facts)

    def of(self, *predicates: str) -> list[Fact]:
        """The facts of these predicates, in table order."""
        return [f for p in predicates for f in self._index["by_predicate"].get(p, ())]

    def kinds(self, kinds: Iterable[str]) -> "ReferenceFacts":
        """The facts of these kinds (``borders``, ``memberships``, ``leaders``) only."""
        wanted = {p for kind in kinds for p in PREDICATES[kind]}
        return ReferenceFacts(self.sources, tuple(f for f in self.facts if f.predicate in wanted))

    def find(self, subject: str, predicate: str, object: str) -> list[Fact]:
        """The facts ``subject predicate object`` (either order for a border)."""
        if predicate == "neighbourOf":
            subject, object = sorted((subject, object))
        return list(self._index["by_key"].get((subject, predicate, object), ()))

    # -- borders -----------------------------------------------------------------

    def borders(self, a: str, b: str) -> bool:
        """True if the states ``a`` and ``b`` share a land border."""
        return bool(self.find(a, "neighbourOf", b))

    def neighbours(self, state: str) -> set[str]:
        return {f.object if f.subject == state else f.subject for f in self.of("neighbourOf") if state in (f.subject, f.object)}

    # -- memberships -------------------------------------------------------------

    def covers(self, org: str) -> bool:
        """True if the membership table lists the members of ``org``."""
        return org in self._index["objects"].get("memberOf", ())

    def members(self, org: str, date: str | None = None) -> set[str]:
        """Members of ``org``: current ones (no end) without a date, those that may have been members on ``date`` with one."""
        facts = self.of("memberOf")
        if date is None:
            return {f.subject for f in facts if f.object == org and f.current}
        return {f.subject for f in facts if f.object == org and f.may_hold_on(date)}

    def is_member(self, member: str, org: str, date: str | None = None) -> bool | None:
        """Whether ``member`` may have been a member of ``org`` on ``date`` (ever, without a date);
        ``None`` if the table does not cover ``org``."""
        if not self.covers(org):
            return None
        return any(f.may_hold_on(date) for f in self.find(member, "memberOf", org))


def _load_sources(path: Path) -> dict[str, Source]:
    return {
        row["id"]: Source(row["id"], row["label"], row.get("url") or None, row.get("licence") or None,
                          row.get("covers") or None, row.get("note") or "")
        for row in read_csv(path)
    }


def _border_facts(path: Path) -> list[Fact]:
    facts = []
    for row in read_csv(path):
        a, b = sorted((row["a"], row["b"]))
        facts.append(Fact(a, "neighbourOf", b, row["source"], note=row.get("note") or ""))
    return facts


def _membership_facts(path: Path) -> list[Fact]:
    return [
        Fact(row["member"], "memberOf", row["org"], row["source"], row.get("joined") or None,
             row.get("left") or None, note=row.get("note") or "")
        for row in read_csv(path)
    ]


def _term_facts(gazetteer: Gazetteer) -> list[Fact]:
    return [
        Fact(term.id, term.role, term.of, PEOPLE_SOURCE, term.start, term.end, office=term.office)
        for person in sorted(gazetteer.terms)
        for term in gazetteer.terms[person]
    ]


def load_reference(data_dir: Path | None = None, gazetteer: Gazetteer | None = None) -> ReferenceFacts:
    """Read the reference tables (``data_dir`` defaults to ``kg/data/reference``) and the terms of office.

    Every date is checked; a fact that names an unknown source raises ``ValueError``.
    """
    path = (lambda name: Path(data_dir) / name) if data_dir else (lambda name: data_path(f"reference/{name}"))
    gazetteer = gazetteer if gazetteer is not None else cached_gazetteer()
    sources = _load_sources(path("sources.csv"))
    facts = _border_facts(path("borders.csv")) + _membership_facts(path("memberships.csv")) + _term_facts(gazetteer)
    for fact in facts:
        if fact.source not in sources:
            raise ValueError(f"{fact}: unknown source {fact.source!r} (not in sources.csv)")
        start, end = fact.earliest_start, fact.latest_end  # raises on a malformed date
        if start and end and end < start:
            raise ValueError(f"{fact}: ends before it starts")
    return ReferenceFacts(sources, tuple(facts))


@lru_cache(maxsize=2)
def cached_reference(data_dir: str | None = None) -> ReferenceFacts:
    """:func:`load_reference`, read once per ``data_dir``."""
    return load_reference(Path(data_dir) if data_dir else None)
