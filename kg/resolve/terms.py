"""Who held an office on a date, from the terms of office of ``people.csv``.

An office is a title (``President``, ``Prime Minister``, ``Foreign Minister``
...) of a state or organisation; the title is matched whole and without regard
to case, so "President" is not "Vice President" or "Acting President". A role
(a predicate whose domain is a person, as the leader's) stands for every title of that role. Dates are
``YYYY-MM-DD``, or ``YYYY`` / ``YYYY-MM`` for any day of that year or month.
On the day one term ends and the next begins, the incoming holder comes first.

>>> office_holder("President", "IRN", "2020-10-08")
'hassan-rouhani'
>>> office_holder("President of Iran", date="2022-01-01")
'ebrahim-raisi'
>>> [t.office for t in offices_on("vladimir-putin", "2010")]
['Prime Minister']
>>> holds_office("vladimir-putin", "President", "RUS", "2010"), office_holder("President", "RUS", "2010")
(False, 'dmitry-medvedev')
"""

from __future__ import annotations

import re
from datetime import date as Date

from kg.resolve.names import name_key
from kg.resolve.tables import Gazetteer, PersonTerm, cached_gazetteer
from kg.vocab import role_predicates

__all__ = ["date_bounds", "holds_office", "office_holder", "office_holders", "offices_on", "parse_office", "term_overlaps"]

_OF = re.compile(r"^(?:the\s+)?(?P<office>.+?)\s+of\s+(?:the\s+)?(?P<place>.+)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^(?P<place>.+?)(?:'s|’s)\s+(?P<office>.+)$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bounds(value: str | None) -> tuple[str, str] | None:
    """The first and last day of a date given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> date_bounds("1992"), date_bounds("2024-02"), date_bounds("2020-10-08")
    (('1992-01-01', '1992-12-31'), ('2024-02-01', '2024-02-29'), ('2020-10-08', '2020-10-08'))
    >>> date_bounds(None) is None
    True
    """
    if not value:
        return None
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValueError(f"not a date YYYY, YYYY-MM or YYYY-MM-DD: {value!r}")
    year, month, day = match.groups()
    if day:
        text = Date(int(year), int(month), int(day)).isoformat()
        return text, text
    if month:
        first = Date(int(year), int(month), 1)
        following = Date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first.isoformat(), Date.fromordinal(following.toordinal() - 1).isoformat()
    return f"{int(year):04d}-01-01", f"{int(year):04d}-12-31"


def term_overlaps(term: PersonTerm, date: str | None) -> bool:
    """True if ``term`` holds on some day of ``date`` (any day, without a date)."""
    if not date:
        return True
    first, last = date_bounds(date)
    return (not term.start or term.start <= last) and (not term.end or first <= term.end)


def _same_office(term: PersonTerm, office: str) -> bool:
    return office in role_predicates() and term.role == office or name_key(term.office) == name_key(office)


def _place_ids(gazetteer: Gazetteer) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for surface in gazetteer.surfaces:
        if surface.kind in ("name", "acronym", "demonym") and gazetteer.entries[surface.id].type in ("State", "Organization"):
            keys.setdefault(name_key(surface.text), set()).add(surface.id)
    return keys


def _place(text: str, gazetteer: Gazetteer) -> str | None:
    if text in gazetteer.entries and gazetteer.entries[text].type in ("State", "Organization"):
        return text
    ids = _place_ids(gazetteer).get(name_key(text), set())
    return next(iter(ids)) if len(ids) == 1 else None


def parse_office(text: str, gazetteer: Gazetteer | None = None) -> tuple[str, str] | None:
    """``(title, id)`` of an office named in words, or ``None``.

    >>> parse_office("President of Iran"), parse_office("Russia's foreign minister")
    (('President', 'IRN'), ('foreign minister', 'RUS'))
    >>> parse_office("Azerbaijani President"), parse_office("the Secretary-General of NATO")
    (('President', 'AZE'), ('Secretary-General', 'NATO'))
    """
    gazetteer = gazetteer or cached_gazetteer()
    text = " ".join(text.split())
    for pattern in (_OF, _POSSESSIVE):
        match = pattern.match(text)
        if match and (place := _place(match["place"], gazetteer)):
            return match["office"], place
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):  # "Azerbaijani President", "UN Secretary-General"
        place = _place(" ".join(words[:cut]), gazetteer)
        if place:
            return " ".join(words[cut:]), place
    return None


def office_holders(office: str, of: str | None = None, date: str | None = None,
                   gazetteer: Gazetteer | None = None) -> list[PersonTerm]:
    """The terms of ``office`` of ``of`` that hold on ``date``, the most recently begun first.

    ``office`` may name its holder's state or organisation ("President of Iran")
    when ``of`` is not given. An office that cannot be read raises ``ValueError``.
    """
    gazetteer = gazetteer or cached_gazetteer()
    if of is None:
        parsed = parse_office(office, gazetteer)
        if parsed is None:
            raise ValueError(f"cannot tell whose office {office!r} is; give `of` (a state or organisation id)")
        office, of = parsed
    elif of not in gazetteer.entries:
        of = _place(of, gazetteer) or of
    terms = [
        term
        for person in sorted(gazetteer.terms)
        for term in gazetteer.terms[person]
        if term.of == of and _same_office(term, office) and term_overlaps(term, date)
    ]
    return sorted(terms, key=lambda t: (t.start or "", t.id), reverse=True)


def office_holder(office: str, of: str | None = None, date: str | None = None,
                  gazetteer: Gazetteer | None = None) -> str | None:
    """The id of whoever held ``office`` of ``of`` on ``date`` (see :func:`office_holders`), or ``None``."""
    terms = office_holders(office, of, date, gazetteer)
    return terms[0].id if terms else None


def offices_on(person: str, date: str | None, gazetteer: Gazetteer | None = None) -> list[PersonTerm]:
    """The terms of ``person`` that hold on ``date``, in table order."""
    gazetteer = gazetteer or cached_gazetteer()
    return [t for t in gazetteer.terms.get(person, ()) if term_overlaps(t, date)]


def holds_office(person: str, office: str, of: str, date: str | None, gazetteer: Gazetteer | None = None) -> bool:
    """True if ``person`` held ``office`` (a title or a role) of ``of`` on some day of ``date``."""
    return any(t.of == of and _same_office(t, office) for t in offices_on(person, date, gazetteer))
