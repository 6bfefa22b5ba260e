"""Load the gazetteer tables of ``kg/data`` into one :class:`Gazetteer`.

States come from pycountry (ISO names) merged with the curated
``states.csv``; organisations, groups, regions and people from their CSV
tables; context-dependent aliases from ``context_aliases.jsonl``.

>>> gaz = load_gazetteer()
>>> gaz.entries["ARM"].type, gaz.entries["CSTO"].type
('State', 'Organization')
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.cache import built
from kg.data import data_path
from kg.resolve import names
from kg.resolve.names import name_key, split_multi, strip_article

__all__ = [
    "EntryInfo",
    "Surface",
    "ContextRule",
    "PersonTerm",
    "Subdivision",
    "Gazetteer",
    "load_gazetteer",
    "cached_gazetteer",
    "read_csv",
    "article_variants",
]


@dataclass(frozen=True)
class EntryInfo:
    """A canonical entity of the tables."""

    id: str
    type: str
    label: str
    qid: str | None = None
    located_in: tuple[str, ...] = ()
    claimed_by: tuple[str, ...] = ()
    kind: str = ""  # of other organisations: armed-group, media, party, company, mission, ngo ...


@dataclass(frozen=True)
class Surface:
    """A surface form of an entry: ``kind`` is name, demonym, capital, seat or acronym."""

    text: str
    id: str
    kind: str


@dataclass(frozen=True)
class ContextRule:
    """An alias that holds only in a context (DESIGN.md, machine-translation aliases)."""

    rule: str
    texts: tuple[str, ...]
    id: str
    context: tuple[str, ...] = ()
    context_all: tuple[str, ...] = ()
    context_none: tuple[str, ...] = ()
    context_any_text: tuple[str, ...] = ()
    paired: bool = False
    paired_or_side: bool = False
    paired_with: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class PersonTerm:
    """One office held by a person over a term."""

    id: str
    name: str
    office: str
    role: str
    of: str
    start: str | None
    end: str | None

    def holds_on(self, date: str | None) -> bool:
        if not date:
            return True
        return (not self.start or self.start <= date) and (not self.end or date <= self.end)


@dataclass(frozen=True)
class Subdivision:
    """A first-level subdivision of a state (ISO 3166-2, ``subdivisions.csv``).

    ``bare`` says whether the name may stand alone; otherwise it is matched only
    with one of its ``type_words`` ("Delta State", "the province of Van") or
    beside a sibling subdivision of the same state.
    """

    id: str
    names: tuple[str, ...]
    type_words: tuple[str, ...]
    state: str
    bare: bool


@dataclass
class Gazetteer:
    entries: dict[str, EntryInfo] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)
    rules: list[ContextRule] = field(default_factory=list)
    terms: dict[str, list[PersonTerm]] = field(default_factory=lambda: defaultdict(list))
    non_actors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    title_words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subdivisions: dict[str, Subdivision] = field(default_factory=dict)

    def add(self, info: EntryInfo, names=(), kind: str = "name") -> None:
        if info.id in self.entries and self.entries[info.id].type != info.type:
            raise ValueError(f"id {info.id} has two types: {self.entries[info.id].type}, {info.type}")
        self.entries.setdefault(info.id, info)
        names = list(names)
        if kind == "name" and info.type != "State":
            names += [v for n in names for v in article_variants(n) if v not in names]
        for name in names:
            text = strip_article(name)
            if text:
                self.surfaces.append(Surface(text, info.id, _kind_of(text, kind)))

    def _index(self, name: str, rows: list, pair) -> dict[str, list]:
        """``rows`` grouped by key, ``pair(row)`` giving ``(key, value)``, in their order; built on first use
        and again when rows were added since (kept under ``name``)."""
        index, count = self.__dict__.get(name, (None, -1))
        if index is None or count != len(rows):
            index = defaultdict(list)
            for row in rows:
                key, value = pair(row)
                index[key].append(value)
            self.__dict__[name] = (index, len(rows))
        return index

    def names_of(self, entity_id: str) -> list[str]:
        """The surface forms of one entry."""
        return self._index("_names_of", self.surfaces, lambda s: (s.id, s.text)).get(entity_id, [])

    def descriptions_of(self, head: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """``(required modifiers, states)`` of the descriptions whose head noun is ``head``, in table order."""
        return self._index("_descriptions_of", self.descriptions, lambda d: (d[0], (d[1], d[2]))).get(head, [])

    def by_key(self) -> dict[str, set[str]]:
        """Ids by name key (case- and accent-insensitive), for fuzzy and fallback lookup."""
        keys: dict[str, set[str]] = defaultdict(set)
        for surface in self.surfaces:
            if surface.kind in ("name", "acronym"):
                keys[name_key(surface.text)].add(surface.id)
        return keys


_ARABIC_ARTICLE = re.compile(r"\b(al|el|ul|ad|ash|as|ar|an|at|az|e|i)-(?=[A-Za-z])", re.IGNORECASE)


def article_variants(name: str) -> list[str]:
    """A transliterated name with its article written the other way: "Jaish al-Adl" / "Jaish al Adl".

    >>> article_variants("Jaish al-Adl"), article_variants("Jaish-e-Mohammed")
    (['Jaish al Adl'], ['Jaish-e Mohammed'])
    """
    if not _ARABIC_ARTICLE.search(name):
        return []
    return [_ARABIC_ARTICLE.sub(lambda m: m.group(1) + " ", name)]


def _kind_of(text: str, kind: str) -> str:
    if kind == "name" and text.replace(".", "").isupper() and len(text.replace(".", "")) <= 8:
        return "acronym"
    return kind


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _load_states(gaz: Gazetteer, path: Path) -> None:
    import pycountry  # 23 ms to import: only when the tables are read, not when they come from the cache

    for row in read_csv(path):
        iso = row["id"]
        country = pycountry.countries.get(alpha_3=iso)
        names = [row["label"], *split_multi(row.get("aliases"))]
        if country is not None:
            for attr in ("common_name", "name", "official_name"):
                value = getattr(country, attr, None)
                # pycountry's "X, Republic of" style names are not running-text names
                if value and "," not in value and "(" not in value:
                    names.append(value)
        info = EntryInfo(iso, "State", row["label"], row.get("qid") or None)
        gaz.add(info, names)
        gaz.add(info, split_multi(row.get("demonyms")), "demonym")
        gaz.add(info, split_multi(row.get("capitals")), "capital")
        gaz.add(info, split_multi(row.get("seats")), "seat")


def _load_simple(gaz: Gazetteer, path: Path, type_: str) -> None:
    for row in read_csv(path):
        info = EntryInfo(
            row["id"],
            type_,
            row["label"],
            row.get("qid") or None,
            tuple(split_multi(row.get("located_in") or row.get("country"))),
            tuple(split_multi(row.get("claimed_by"))),
            row.get("kind") or "",
        )
        names = [row["label"], *split_multi(row.get("aliases"))]
        if type_ == "Organization" and row["id"].isupper():
            names.append(row["id"])
        gaz.add(info, names)


def _load_subdivisions(gaz: Gazetteer, path: Path) -> None:
    """Regions located in their state; matched apart from the other tables (their names are many)."""
    if not path.exists():
        return
    for row in read_csv(path):
        if row["id"] in gaz.entries:
            continue  # a curated table row of the same id wins
        gaz.entries[row["id"]] = EntryInfo(row["id"], "Region", row["label"], None, (row["located_in"],))
        gaz.subdivisions[row["id"]] = Subdivision(
            row["id"],
            tuple(dict.fromkeys([row["label"], *split_multi(row["aliases"])])),
            tuple(split_multi(row["type_words"])),
            row["located_in"],
            row["bare"] == "yes",
        )


def _load_people(gaz: Gazetteer, path: Path) -> None:
    for row in read_csv(path):
        info = EntryInfo(row["id"], "Person", row["name"], row.get("qid") or None)
        gaz.add(info, [row["name"], *split_multi(row.get("aliases"))])
        gaz.terms[row["id"]].append(
            PersonTerm(row["id"], row["name"], row["office"], row["role"], row["of"], row.get("start") or None, row.get("end") or None)
        )


def _load_rules(gaz: Gazetteer, path: Path) -> None:
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            gaz.rules.append(
                ContextRule(
                    rule=data["rule"],
                    texts=tuple(data["texts"]),
                    id=data["id"],
                    context=tuple(data.get("context", ())),
                    context_all=tuple(data.get("context_all", ())),
                    context_none=tuple(data.get("context_none", ())),
                    context_any_text=tuple(data.get("context_any_text", ())),
                    paired=bool(data.get("paired")),
                    paired_or_side=bool(data.get("paired_or_side")),
                    paired_with=tuple(data.get("paired_with", ())),
                    note=data.get("note", ""),
                )
            )


def load_gazetteer(data_dir: Path | None = None) -> Gazetteer:
    """Read every table; ``data_dir`` defaults to the package's ``kg/data``."""
    path = (lambda name: Path(data_dir) / name) if data_dir else data_path
    gaz = Gazetteer()
    _load_states(gaz, path("states.csv"))
    _load_simple(gaz, path("organizations.csv"), "Organization")
    _load_simple(gaz, path("groups.csv"), "Other")
    _load_simple(gaz, path("regions.csv"), "Region")
    _load_people(gaz, path("people.csv"))
    _load_subdivisions(gaz, path("subdivisions.csv"))
    _load_rules(gaz, path("context_aliases.jsonl"))
    for row in read_csv(path("non_actors.csv")):
        gaz.non_actors[row["kind"]].add(row["text"].lower())
    gaz.titles = {row["title"]: row["role"] for row in read_csv(path("titles.csv"))}
    gaz.terms = dict(gaz.terms)  # a lookup must never add a person (state would leak between documents)
    for row in read_csv(path("title_words.csv")):
        gaz.title_words[row["kind"]].add(row["word"])
    gaz.descriptions = [
        (row["head"], tuple(row["modifiers"].split()), tuple(split_multi(row["states"])))
        for row in read_csv(path("descriptions.csv"))
    ]
    return gaz


def _installed(module: str) -> str:
    """Where ``module`` is installed and when it was written there (an upgrade changes it), without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return ""
    stat = os.stat(spec.origin)
    return f"{spec.origin} {stat.st_size} {stat.st_mtime_ns}"


def gazetteer_sources(data_dir: str | None = None) -> tuple[list[Path], tuple[str, ...]]:
    """What the gazetteer of ``data_dir`` is built from, as :func:`kg.cache.built` keys it: the tables and the
    code that reads them (files), the Python and the pycountry installed (versions)."""
    folder = Path(data_dir) if data_dir else data_path("states.csv").parent
    sources = [*folder.glob("*.csv"), *folder.glob("*.jsonl"), Path(__file__), Path(names.__file__)]
    return sources, (sys.version, _installed("pycountry"), str(folder.resolve()))


@lru_cache(maxsize=4)
def cached_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """:func:`load_gazetteer`, read once per ``data_dir`` and process and shared by the components; between
    processes it is kept in the cache (:func:`kg.cache.built`), keyed by :func:`gazetteer_sources`."""
    return built("gazetteer", *gazetteer_sources(data_dir), lambda: load_gazetteer(Path(data_dir) if data_dir else None))