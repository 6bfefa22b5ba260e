"""Person names -> canonical person ids.

Full names and known aliases come from ``people.csv``; a surname alone is
first resolved within the document (the full name mentioned elsewhere),
then against the table, preferring a person in office on the document's
date; misspellings are matched fuzzily (rapidfuzz); anyone else gets the
slug of their name.

>>> from kg.resolve.tables import cached_gazetteer
>>> people = PersonResolver(cached_gazetteer())
>>> people.resolve("Vladimir Putin", [], "2020-10-08")
'vladimir-putin'
>>> people.resolve("Putin", ["ilham-aliyev"], "2020-10-08")
'vladimir-putin'
>>> people.resolve("Vladimir Puttin", [], None)
'vladimir-putin'
>>> people.resolve("Milan Example", [], None)
'milan-example'
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from kg.resolve.names import name_key, slugify
from kg.resolve.tables import Gazetteer

__all__ = ["PersonResolver", "strip_person_name"]

_HONORIFICS = {
    "mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "sheikh", "shaikh", "prince", "princess",
    "king", "queen", "emir", "general", "gen", "admiral", "colonel", "col", "president", "premier",
    "minister", "chancellor", "senator", "ambassador", "marshal", "lt", "major", "captain", "commander",
}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def strip_person_name(text: str) -> str:
    """A person's name without titles, honorifics or possessive.

    >>> strip_person_name("Prince Faisal bin Farhan's")
    'Faisal bin Farhan'
    """
    words = _POSSESSIVE.sub("", text.strip()).split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def person_tables(gazetteer: Gazetteer) -> tuple[dict[str, set[str]], dict[str, str], dict[str, set[str]]]:
    """The tables a :class:`PersonResolver` reads: the table's people by name key, by the key of their
    full name, and by surname where it is unambiguous ("Morrison" for Scott Morrison)."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for surface in gazetteer.surfaces:
        if gazetteer.entries[surface.id].type == "Person":
            by_key[name_key(surface.text)].add(surface.id)
    full_names = {name_key(info.label): info.id for info in gazetteer.entries.values() if info.type == "Person"}
    surnames: dict[str, set[str]] = defaultdict(set)
    for key, person in full_names.items():
        words = [w for w in key.split() if w not in ("jr", "sr", "ii", "iii")]
        if len(words) >= 2 and len(words[-1]) > 3:
            surnames[words[-1]].add(person)
    return by_key, full_names, {k: v for k, v in surnames.items() if len(v) == 1 and k not in by_key}


class PersonResolver:
    def __init__(self, gazetteer: Gazetteer, threshold: float = 90.0, tables: tuple | None = None):
        """``tables``: :func:`person_tables` of ``gazetteer``, where they were built before (else built here)."""
        self.gazetteer = gazetteer
        self.threshold = threshold
        self.by_key, self.full_names, self.surnames = tables or person_tables(gazetteer)
        self._choices = list(self.full_names)

    def _in_office(self, ids: set[str], date: str | None) -> list[str]:
        terms = self.gazetteer.terms
        current = sorted(i for i in ids if any(t.holds_on(date) for t in terms.get(i, ())))
        return current or sorted(ids)

    def resolve(self, text: str, doc_people: list[str], date: str | None) -> str | None:
        """The id of the person called ``text``; ``doc_people`` are ids already found in the document."""
        name = strip_person_name(text)
        key = name_key(name)
        if not key or key in _HONORIFICS:
            return None
        tokens = key.split()
        if len(tokens) == 1:
            # a surname (or given name) alone: the document's own people first
            for person in doc_people:
                parts = person.split("-")
                if tokens[0] in parts and len(parts) > 1:
                    return person
        if key in self.by_key:
            return self._in_office(self.by_key[key], date)[0]
        if len(tokens) == 1 and key in self.surnames and name[:1].isupper():
            (person,) = self.surnames[key]
            if any(t.holds_on(date) for t in self.gazetteer.terms.get(person, ())):
                return person
        if len(tokens) > 1 and len(key) >= 8:
            match = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=self.threshold)
            if match and match[0][:1] == key[:1]:
                # a misspelling keeps the first letter; another given name is another person
                return self.full_names[match[0]]
        if len(tokens) == 1 and not name[:1].isupper():
            return None
        return slugify(name) or None
