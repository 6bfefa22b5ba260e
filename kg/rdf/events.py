"""Event tables from a store: GDELT 2.0-shaped rows (CSV, Parquet) and PLOVER JSON Lines.

One row (or record) per text-derived ``ir:Statement``: reference facts
(``ir:ReferenceStatement``, from ``kg enrich``) are not events and are left
out, but they help to place actors. By default only event statements are
written — those with a CAMEO code (their own ``ir:cameoCode``, else their
predicate's default from :func:`kg.vocab.load_vocabulary`); ``structural=True``
adds the structural ones (``memberOf``, ``leaderOf`` ...) with empty event
codes. The predicates and their CAMEO, Goldstein, PLOVER and symmetry come
from the vocabulary, so predicates added to the ontology are exported
without a change here.

The store is read with two SPARQL queries, none per row: one for the
actors (type, label, ISO code, Wikidata item, and the states their role or
location statements point to) and one for the statements, grouped per
statement and sorted by date, whose rows are turned into :class:`Event`\\ s
one at a time. :func:`gdelt_row` gives an event's row of the GDELT-shaped
table (:data:`COLUMNS`), :func:`plover_record` its PLOVER record.

>>> from kg.graph import KnowledgeGraph
>>> from kg.rdf.store import open_store, write_graph
>>> consult = next(n for n, p in load_vocabulary().items() if p.cameo == "04" and p.symmetric)  # CAMEO 04: consult
>>> store = open_store(None)
>>> _ = write_graph(store, KnowledgeGraph.from_rows([
...     ("d1", "2020-10-08", "vladimir-putin", "leaderOf", "RUS"),
...     ("d1", "2020-10-08", "vladimir-putin", consult, "ilham-aliyev")]))
>>> (event,) = events(store)
>>> row = gdelt_row(event)
>>> row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"], row["EventRootCode"], row["QuadClass"]
('ilham-aliyev', None, None, '04', 1)
>>> row["Actor2Code"], row["Actor2CountryCode"], row["Actor2Type1Code"], row["SQLDATE"], row["NumArticles"]
('vladimir-putin', 'RUS', 'GOV', 20201008, 1)
>>> len(list(events(store, structural=True)))
2
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence
from urllib.parse import unquote

from kg.rdf.convert import PREFIXES, WD, document_id, entity_id
from kg.records import ENTITY_TYPES, MODALITIES
from kg.vocab import IR, load_vocabulary, role_predicates

__all__ = [
    "COLUMNS",
    "EVENT_FORMATS",
    "LEAD_CHARACTERS",
    "PLOVER_QUADS",
    "Support",
    "Actor",
    "Column",
    "DocumentRef",
    "Event",
    "actor_table",
    "arrow_schema",
    "base_code",
    "csv_dtypes",
    "date_columns",
    "event_id",
    "events",
    "export_events",
    "gdelt_row",
    "output_kind",
    "plover_record",
    "quad_class",
    "root_code",
    "support_table",
    "write_csv",
    "write_parquet",
    "write_plover",
]

log = logging.getLogger(__name__)

#: ``kg export --format`` names of this module: ``events`` (CSV, or Parquet for a ``.parquet`` file),
#: ``events-parquet`` and ``plover`` (JSON Lines).
EVENT_FORMATS = ("events", "events-parquet", "plover")

#: An event whose evidence starts within this many characters of its document is a "root event"
#: (GDELT's IsRootEvent: found in the lead paragraph). The store keeps offsets, not paragraphs.
LEAD_CHARACTERS = 500

#: PLOVER's quad categories (PLOVER manual, "PLOVER quad categories"): 1 verbal cooperation,
#: 2 material cooperation, 3 verbal conflict, 4 material conflict.
PLOVER_QUADS = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT", "INVESTIGATE"), 2),
    **dict.fromkeys(("DEMAND", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}

#: CAMEO actor type (GDELT's Actor1Type1Code) of the kinds of "Other" organisations in the gazetteer
#: tables (``kg/data/groups.csv``); kinds not listed (movement, agency) get none.
_KIND_TYPES = {"armed-group": "REB", "media": "MED", "party": "PTY", "ngo": "NGO", "company": "BUS", "mission": "IGO"}


# -- columns --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the event table: its name, type, the GDELT 2.0 field it stands for (``""``: ir-kg's own)."""

    name: str
    type: str  # string, int8, int32, int64, float64, bool, date
    gdelt: str
    help: str


def _actor_columns(n: int) -> tuple[Column, ...]:
    return (
        Column(f"Actor{n}Code", "string", f"Actor{n}Code", "ir-kg id (ISO3, acronym or slug)"),
        Column(f"Actor{n}Name", "string", f"Actor{n}Name", "label"),
        Column(f"Actor{n}CountryCode", "string", f"Actor{n}CountryCode",
               "ISO3 of the state; of the state a person leads or serves; of a region's or group's location"),
        Column(f"Actor{n}KnownGroupCode", "string", f"Actor{n}KnownGroupCode", "ir-kg id of an organisation"),
        Column(f"Actor{n}Type1Code", "string", f"Actor{n}Type1Code", "CAMEO actor type: GOV, IGO, REB, MED, PTY, NGO, BUS"),
    )


#: The columns of the event table, in order: GDELT 2.0 event fields (those that apply, in GDELT's
#: order; no geography, no Type2/3, ethnic or religion codes), then ir-kg's own.
COLUMNS: tuple[Column, ...] = (
    Column("GLOBALEVENTID", "int64", "GLOBALEVENTID", "stable id: the first 63 bits of SHA-256 of the statement IRI"),
    Column("SQLDATE", "int32", "Day (SQLDATE)", "YYYYMMDD of the event date, else of the earliest document date"),
    Column("MonthYear", "int32", "MonthYear", "YYYYMM"),
    Column("Year", "int32", "Year", "YYYY"),
    Column("FractionDate", "float64", "FractionDate", "YYYY + (MM * 30 + DD) / 365, as GDELT computes it"),
    *_actor_columns(1),
    *_actor_columns(2),
    Column("IsRootEvent", "int8", "IsRootEvent", f"1 if the evidence starts in the first {LEAD_CHARACTERS} characters"),
    Column("EventCode", "string", "EventCode", "the statement's CAMEO code (else its predicate's), leading zeros kept"),
    Column("EventBaseCode", "string", "EventBaseCode", "3 digits (a 2-digit code gets CAMEO's 'not specified' 0)"),
    Column("EventRootCode", "string", "EventRootCode", "2 digits"),
    Column("QuadClass", "int8", "QuadClass", "CAMEO root 01-05: 1, 06-08: 2, 09-13: 3, 14-20: 4"),
    Column("GoldsteinScale", "float64", "GoldsteinScale", "the statement's ir:goldstein"),
    Column("NumMentions", "int32", "NumMentions",
           "statements of the store saying the same (actors, predicate, modality): one per evidence sentence"),
    Column("NumSources", "int32", "NumSources",
           "distinct dcterms:source of their documents (a document without one counts alone)"),
    Column("NumArticles", "int32", "NumArticles", "distinct documents of those statements"),
    Column("AvgTone", "float64", "AvgTone", "empty: ir-kg measures no tone"),
    Column("DATEADDED", "int64", "DATEADDED", "YYYYMMDDHHMMSS of the earliest document date (time 000000)"),
    Column("SOURCEURL", "string", "SOURCEURL", "URL of the first document that has one"),
    Column("statement", "string", "", "the statement IRI"),
    Column("predicate", "string", "", "ir-kg predicate"),
    Column("plover", "string", "", "the predicate's PLOVER category"),
    Column("symmetric", "bool", "", "symmetric predicate: the actor order means nothing"),
    Column("modality", "string", "", "asserted, claimed, hypothetical or negated"),
    Column("attributed_to", "string", "", "id of whoever claims it"),
    Column("denied_by", "string", "", "ids of those who deny it, ';'-separated"),
    Column("confidence", "float64", "", "extraction confidence"),
    Column("event_date", "date", "", "the statement's own date (ir:eventDate)"),
    Column("document_date", "date", "", "earliest date of its documents"),
    Column("evidence", "string", "", "evidence sentence"),
    Column("evidence_start", "int32", "", "character offset of the evidence in its document"),
    Column("evidence_end", "int32", "", "end offset"),
    Column("documents", "string", "", "document ids, ';'-separated"),
    Column("sources", "string", "", "distinct document sources, ';'-separated"),
)

_PANDAS = {"string": "string", "int8": "Int8", "int32": "Int32", "int64": "Int64", "float64": "float64", "bool": "boolean"}


def csv_dtypes() -> dict[str, str]:
    """pandas dtypes that read the CSV back as written (codes stay strings: ``"042"``, not 42).

    Use with :func:`date_columns`: ``pd.read_csv(path, dtype=csv_dtypes(), parse_dates=date_columns())``.

    >>> csv_dtypes()["EventCode"], csv_dtypes()["GoldsteinScale"], csv_dtypes()["SQLDATE"]
    ('string', 'float64', 'Int32')
    """
    return {c.name: _PANDAS[c.type] for c in COLUMNS if c.type != "date"}


def date_columns() -> list[str]:
    """The columns that hold ISO dates (``parse_dates`` for pandas; ``date32`` in Parquet)."""
    return [c.name for c in COLUMNS if c.type == "date"]


def arrow_schema():
    """The Parquet schema of the event table (needs pyarrow)."""
    import pyarrow as pa

    types = {"string": pa.string(), "int8": pa.int8(), "int32": pa.int32(), "int64": pa.int64(),
             "float64": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}
    return pa.schema([pa.field(c.name, types[c.type], metadata={"gdelt": c.gdelt, "help": c.help}) for c in COLUMNS])


# -- CAMEO codes ------------------------------------------------------------------


def root_code(code: str | None) -> str | None:
    """The 2-digit CAMEO root of ``code``.

    >>> root_code("042"), root_code("19"), root_code("1121"), root_code(None), root_code("x1")
    ('04', '19', '11', None, None)
    """
    return code[:2] if code and code.isdigit() and len(code) >= 2 else None


def base_code(code: str | None) -> str | None:
    """The 3-digit CAMEO base code; a root-level code gets CAMEO's "not specified below" 0 (as GDELT's 190).

    >>> base_code("042"), base_code("19"), base_code("1121"), base_code("")
    ('042', '190', '112', None)
    """
    if not root_code(code):
        return None
    return code + "0" if len(code) == 2 else code[:3]


def quad_class(code: str | None) -> int | None:
    """GDELT's QuadClass of a CAMEO code: 1 verbal cooperation (01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20).

    >>> [quad_class(c) for c in ("02", "057", "06", "08", "112", "13", "163", "19", None)]
    [1, 1, 2, 2, 3, 3, 4, 4, None]
    """
    root = root_code(code)
    if root is None or not 1 <= int(root) <= 20:
        return None
    return 1 if int(root) <= 5 else 2 if int(root) <= 8 else 3 if int(root) <= 13 else 4


def event_id(statement: str) -> int:
    """GLOBALEVENTID of a statement: the first 63 bits of the SHA-256 of its IRI (stable across runs and stores).

    >>> event_id("https://ir-kg.org/statement/0affe1d5dee8b176ea4b45a3477ed494")
    2275333334560742218
    """
    return int.from_bytes(hashlib.sha256(statement.encode("utf-8")).digest()[:8], "big") >> 1


# -- reading the store ---------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """An actor as the event tables show it."""

    id: str
    type: str | None = None
    label: str | None = None
    country: str | None = None  # ISO3
    type_code: str | None = None  # CAMEO actor type: GOV, IGO ...
    qid: str | None = None

    @property
    def known_group(self) -> str | None:
        return self.id if self.type in ("Organization", "Other") else None


@dataclass(frozen=True)
class DocumentRef:
    """A document a statement was derived from."""

    id: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Event:
    """One statement with what the event tables need of it."""

    statement: str
    subject: Actor
    predicate: str
    object: Actor
    modality: str
    cameo: str | None
    goldstein: float | None
    confidence: float | None
    event_date: str | None
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    attributed_to: str | None = None
    denied_by: tuple[str, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    url: str | None = None
    plover: str | None = None
    symmetric: bool = False
    support: "Support | None" = None

    @property
    def document_date(self) -> str | None:
        dates = [d.date for d in self.documents if d.date]
        return min(dates) if dates else None

    @property
    def date(self) -> str | None:
        """The event date, else the earliest document date."""
        return self.event_date or self.document_date

    @property
    def source_url(self) -> str | None:
        return next((d.url for d in self.documents if d.url), None) or self.url

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({d.source for d in self.documents if d.source}))

    @property
    def source_count(self) -> int:
        return len(self.sources) + sum(1 for d in self.documents if not d.source)


@dataclass(frozen=True)
class Support:
    """How often the store says what an event says (same actors, predicate and modality): GDELT's counts."""

    mentions: int
    articles: int
    sources: int


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _value(term) -> str | None:
    return None if term is None else term.value


_ACTORS = """
SELECT ?actor ?type ?label ?iso3 ?same ?link ?target ?n WHERE {
  {
    VALUES ?type { %(types)s }
    ?actor a ?type .
    OPTIONAL { ?actor rdfs:label ?label }
    OPTIONAL { ?actor ir:iso3 ?iso3 }
    OPTIONAL { ?actor owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "%(wd)s")) }
  } UNION {
    SELECT ?actor ?link ?target (COUNT(DISTINCT ?st) AS ?n) WHERE {
      VALUES ?link { %(links)s }
      ?st rdf:predicate ?link ; rdf:subject ?actor ; rdf:object ?target .
      { ?st ir:modality ir:Asserted } UNION { ?st a ir:ReferenceStatement }
    } GROUP BY ?actor ?link ?target
  }
}
"""


def _placing_predicates() -> tuple[list[str], list[str]]:
    """Predicates that give an actor a state: the role ones (a person's), and the location ones
    (structural, directed, range ``State``, not a person's: ``locatedIn``) — read from the vocabulary."""
    vocabulary = load_vocabulary()
    roles = sorted(role_predicates())
    places = sorted(name for name, p in vocabulary.items()
                    if p.cameo is None and not p.symmetric and p.range == ("State",) and name not in roles)
    return roles, places


def actor_table(store, gazetteer=None) -> dict[str, Actor]:
    """Every typed entity of the store by IRI, with its country and CAMEO actor type.

    A state's country is its ISO code; a person's, the state that most asserted
    (or reference) role statements of the store point to (``leaderOf``,
    ``officialOf``: :func:`kg.vocab.role_predicates`); a region's or other
    organisation's, the state of its location statements, else of the gazetteer
    tables' ``located_in`` (``gazetteer``, default: the packaged tables).
    """
    roles, places = _placing_predicates()
    query = _ACTORS % {
        "types": " ".join(f"<{IR[t]}>" for t in ENTITY_TYPES),
        "links": " ".join(f"<{IR[p]}>" for p in roles + places) or "<urn:kg:none>",
        "wd": WD,
    }
    type_name = {str(IR[t]): t for t in ENTITY_TYPES}
    attributes: dict[str, dict] = defaultdict(dict)
    links: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row in store.query(query, prefixes=PREFIXES):
        actor = row["actor"].value
        if row["type"] is not None:
            found = attributes[actor]
            found.setdefault("type", type_name[row["type"].value])
            for key in ("label", "iso3"):
                if row[key] is not None:
                    found.setdefault(key, row[key].value)
            if row["same"] is not None:
                found.setdefault("qid", row["same"].value.removeprefix(WD))
        else:
            links[actor].append((int(row["n"].value), _local(row["link"].value), row["target"].value))
    if gazetteer is None:
        from kg.resolve.tables import cached_gazetteer

        gazetteer = cached_gazetteer()
    table = {}
    for iri, found in attributes.items():
        table[iri] = _actor(entity_id(iri), found, links.get(iri, []), attributes, roles, gazetteer)
    return table


def _actor(id: str, found: dict, links: list, attributes: dict, roles: Sequence[str], gazetteer) -> Actor:
    kind = found["type"]
    country = type_code = None
    # the most supported target first; ties by predicate and id, so the choice is deterministic
    ranked = sorted(links, key=lambda link: (-link[0], link[1], link[2]))
    states = [(p, t) for _, p, t in ranked if attributes.get(t, {}).get("type") == "State"]
    if kind == "State":
        country, type_code = found.get("iso3") or id, "GOV"
    elif kind == "Person":
        role_states = [t for p, t in states if p in roles]
        if role_states:
            country, type_code = attributes[role_states[0]].get("iso3") or entity_id(role_states[0]), "GOV"
        elif any(p in roles and attributes.get(t, {}).get("type") == "Organization" for _, p, t in ranked):
            type_code = "IGO"
    elif kind == "Organization":
        type_code = "IGO"
    if kind in ("Region", "Other"):
        placed = [t for p, t in states if p not in roles]
        entry = gazetteer.entries.get(id) if gazetteer is not None else None
        if placed:
            country = attributes[placed[0]].get("iso3") or entity_id(placed[0])
        elif entry is not None and entry.located_in:
            country = entry.located_in[0]
        if kind == "Other" and entry is not None:
            type_code = _KIND_TYPES.get(entry.kind)
    return Actor(id, kind, found.get("label"), country, type_code, found.get("qid"))


_STATEMENTS = """
SELECT ?st (SAMPLE(?s) AS ?subject) (SAMPLE(?p) AS ?predicate) (SAMPLE(?o) AS ?object)
       (SAMPLE(?m) AS ?modality) (SAMPLE(?date) AS ?event_date) (SAMPLE(?confidence) AS ?conf)
       (SAMPLE(?cameo) AS ?code) (SAMPLE(?goldstein) AS ?score) (SAMPLE(?text) AS ?evidence)
       (SAMPLE(?start) AS ?from) (SAMPLE(?end) AS ?to) (SAMPLE(?attributed) AS ?claimant) (SAMPLE(?url) AS ?surl)
       (GROUP_CONCAT(DISTINCT STR(?denier); SEPARATOR=" ") AS ?deniers)
       (GROUP_CONCAT(DISTINCT ?doc_info; SEPARATOR=" ") AS ?docs)
WHERE {
  %(modalities)s
  ?st a ir:Statement ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; ir:modality ?m .
  FILTER NOT EXISTS { ?st a ir:ReferenceStatement }
  OPTIONAL { ?st ir:cameoCode ?cameo }
  %(events_only)s
  OPTIONAL { ?st ir:eventDate ?date }
  OPTIONAL { ?st ir:confidence ?confidence }
  OPTIONAL { ?st ir:goldstein ?goldstein }
  OPTIONAL { ?st ir:evidenceText ?text }
  OPTIONAL { ?st ir:evidenceStart ?start }
  OPTIONAL { ?st ir:evidenceEnd ?end }
  OPTIONAL { ?st ir:attributedTo ?attributed }
  OPTIONAL { ?st ir:sourceUrl ?url }
  OPTIONAL { ?st ir:deniedBy ?denier }
  OPTIONAL {
    ?st prov:wasDerivedFrom ?doc .
    OPTIONAL { ?doc dcterms:date ?doc_date }
    OPTIONAL { ?doc dcterms:source ?doc_source }
    OPTIONAL { ?doc ir:url ?doc_url }
    OPTIONAL { ?doc dcterms:title ?doc_title }
    BIND(CONCAT(ENCODE_FOR_URI(STR(?doc)), ",", ENCODE_FOR_URI(COALESCE(STR(?doc_date), "")), ",",
                ENCODE_FOR_URI(COALESCE(STR(?doc_source), "")), ",", ENCODE_FOR_URI(COALESCE(STR(?doc_url), "")), ",",
                ENCODE_FOR_URI(COALESCE(STR(?doc_title), ""))) AS ?doc_info)
  }
}
GROUP BY ?st
ORDER BY ?event_date ?st
"""


def _statement_query(structural: bool, modalities: Iterable[str] | None) -> str:
    event_predicates = " ".join(f"<{p.iri}>" for p in load_vocabulary().values() if p.cameo)
    events_only = "" if structural else f"FILTER(BOUND(?cameo) || ?p IN ({event_predicates.replace('> <', '>, <')}))"
    chosen = ""
    if modalities is not None:
        chosen = "VALUES ?m { " + " ".join(f"<{IR[m.capitalize()]}>" for m in modalities) + " }"
    return _STATEMENTS % {"modalities": chosen, "events_only": events_only}


_SUPPORT = """
SELECT ?s ?p ?o ?m (COUNT(DISTINCT ?st) AS ?mentions) (COUNT(DISTINCT ?doc) AS ?articles)
       (COUNT(DISTINCT COALESCE(?source, STR(?doc))) AS ?sources)
WHERE {
  ?st a ir:Statement ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; ir:modality ?m .
  FILTER NOT EXISTS { ?st a ir:ReferenceStatement }
  OPTIONAL { ?st prov:wasDerivedFrom ?doc OPTIONAL { ?doc dcterms:source ?source } }
}
GROUP BY ?s ?p ?o ?m
"""


def support_table(store) -> dict[tuple[str, str, str, str], Support]:
    """:class:`Support` of every (subject, predicate, object, modality) IRI tuple of the store's statements."""
    return {
        (row["s"].value, row["p"].value, row["o"].value, row["m"].value):
            Support(int(row["mentions"].value), int(row["articles"].value), int(row["sources"].value))
        for row in store.query(_SUPPORT, prefixes=PREFIXES)
    }


def _documents(packed: str) -> tuple[DocumentRef, ...]:
    documents = set()
    for item in packed.split():
        iri, date, source, url, title = (unquote(part) or None for part in item.split(","))
        documents.add(DocumentRef(document_id(iri), date, source, url, title))
    # the first document: the earliest, then by id (an undated one last)
    return tuple(sorted(documents, key=lambda d: (d.date is None, d.date or "", d.id)))


def events(store, *, structural: bool = False, modalities: Iterable[str] | None = None,
           actors: dict[str, Actor] | None = None) -> Iterator[Event]:
    """The store's text-derived statements as events, sorted by event date then statement IRI.

    ``structural`` adds the statements without a CAMEO code; ``modalities``
    keeps only those (default: all four). ``actors`` is :func:`actor_table`
    of the store (read when not given).
    """
    if modalities is not None:
        modalities = list(modalities)
        unknown = [m for m in modalities if m not in MODALITIES]
        if unknown:
            raise ValueError(f"unknown modality {unknown[0]!r}; choose from {', '.join(MODALITIES)}")
    vocabulary = load_vocabulary()
    actors = actor_table(store) if actors is None else actors
    support = support_table(store)
    modality_code = {str(IR[m.capitalize()]): m for m in MODALITIES}
    number = lambda term, kind: None if term is None else kind(term.value)  # noqa: E731
    for row in store.query(_statement_query(structural, modalities), prefixes=PREFIXES):
        name = _local(row["predicate"].value)
        predicate = vocabulary.get(name)
        subject, object_ = row["subject"].value, row["object"].value
        key = (subject, row["predicate"].value, object_, row["modality"].value)
        attributed = _value(row["claimant"])
        yield Event(
            statement=row["st"].value,
            subject=actors.get(subject) or Actor(entity_id(subject)),
            predicate=name,
            object=actors.get(object_) or Actor(entity_id(object_)),
            modality=modality_code.get(row["modality"].value, _local(row["modality"].value).lower()),
            cameo=_value(row["code"]) or (predicate.cameo if predicate else None),
            goldstein=number(row["score"], float),
            confidence=number(row["conf"], float),
            event_date=_value(row["event_date"]),
            evidence=_value(row["evidence"]),
            start=number(row["from"], int),
            end=number(row["to"], int),
            attributed_to=entity_id(attributed) if attributed else None,
            denied_by=tuple(sorted(entity_id(d) for d in _value(row["deniers"]).split())) if row["deniers"] else (),
            documents=_documents(_value(row["docs"]) or ""),
            url=_value(row["surl"]),
            plover=predicate.plover if predicate else None,
            symmetric=predicate.symmetric if predicate else False,
            support=support.get(key),
        )


# -- rows and records ---------------------------------------------------------------


def _day(date: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(date) if date else None


def gdelt_row(event: Event) -> dict:
    """The event's row of the event table (:data:`COLUMNS`); missing values are ``None``."""
    day = _day(event.date)
    first = _day(event.document_date)
    row = {
        "GLOBALEVENTID": event_id(event.statement),
        "SQLDATE": int(day.strftime("%Y%m%d")) if day else None,
        "MonthYear": day.year * 100 + day.month if day else None,
        "Year": day.year if day else None,
        "FractionDate": round(day.year + (day.month * 30 + day.day) / 365, 4) if day else None,
    }
    for n, actor in ((1, event.subject), (2, event.object)):
        row.update({
            f"Actor{n}Code": actor.id,
            f"Actor{n}Name": actor.label,
            f"Actor{n}CountryCode": actor.country,
            f"Actor{n}KnownGroupCode": actor.known_group,
            f"Actor{n}Type1Code": actor.type_code,
        })
    support = event.support or Support(1, len(event.documents), event.source_count)
    row.update({
        "IsRootEvent": int(event.start is not None and event.start < LEAD_CHARACTERS),
        "EventCode": event.cameo,
        "EventBaseCode": base_code(event.cameo),
        "EventRootCode": root_code(event.cameo),
        "QuadClass": quad_class(event.cameo),
        "GoldsteinScale": event.goldstein,
        "NumMentions": support.mentions,
        "NumSources": support.sources,
        "NumArticles": support.articles,
        "AvgTone": None,
        "DATEADDED": int(first.strftime("%Y%m%d")) * 1_000_000 if first else None,
        "SOURCEURL": event.source_url,
        "statement": event.statement,
        "predicate": event.predicate,
        "plover": event.plover,
        "symmetric": event.symmetric,
        "modality": event.modality,
        "attributed_to": event.attributed_to,
        "denied_by": ";".join(event.denied_by) or None,
        "confidence": event.confidence,
        "event_date": _day(event.event_date),
        "document_date": first,
        "evidence": event.evidence,
        "evidence_start": event.start,
        "evidence_end": event.end,
        "documents": ";".join(d.id for d in event.documents) or None,
        "sources": ";".join(event.sources) or None,
    })
    return row


def _plover_actor(actor: Actor) -> dict:
    # PLOVER: "code" is the ISO3 code, or IGO for an international organisation; the sector is
    # CAMEO's actor type, except that PLOVER renamed media (MED) to JRN
    code = actor.country or ("IGO" if actor.type_code == "IGO" and actor.type == "Organization" else None)
    sector = "JRN" if actor.type_code == "MED" else actor.type_code
    return {
        "code": code,
        "sector": sector,
        "actor_text": actor.label or actor.id,
        "identifier_id": actor.qid,
        "identifier_text": actor.label,
        "ir_id": actor.id,
        "ir_type": actor.type,
    }


def plover_record(event: Event, coder: str | None = None) -> dict:
    """The event as a PLOVER JSON record (PLOVER manual, "JSON Data Fields"), with ir-kg's fields added.

    A symmetric predicate is a reciprocal event: both actors are sources and
    there is no recipient, as PLOVER codes meetings and mutual fighting.
    A statement without a PLOVER category (a structural one) has
    ``has_event`` false and no ``event``.
    """
    if coder is None:
        from kg import __version__

        coder = f"ir-kg {__version__}"
    first = event.documents[0] if event.documents else None
    actors = [event.subject, event.object]
    quad = PLOVER_QUADS.get(event.plover) if event.plover else None
    return {
        "id": event.statement,
        "has_event": event.plover is not None,
        "date": event.date,
        "source": [_plover_actor(a) for a in (actors if event.symmetric else actors[:1])],
        "recipient": [] if event.symmetric else [_plover_actor(event.object)],
        "event": [event.plover] if event.plover else [],
        "event_text": [event.evidence] if event.evidence else [],
        "quad_code": quad,
        "event_scale": event.goldstein,
        "text_info": {"start": event.start, "end": event.end},
        "cite_info": {
            "citation": first.id if first else None,
            "url": event.source_url,
            "title": first.title if first else None,
            "publication": first.source if first else None,
            "coder": coder,
            "codebook": "CAMEO via the ir-kg ontology (ir:ploverCategory)",
        },
        "coder": coder,
        # ir-kg's own fields
        "global_event_id": event_id(event.statement),
        "predicate": event.predicate,
        "cameo": event.cameo,
        "modality": event.modality,
        "attributed_to": event.attributed_to,
        "denied_by": list(event.denied_by),
        "confidence": event.confidence,
        "event_date": event.event_date,
        "documents": [d.id for d in event.documents],
    }


# -- writers ---------------------------------------------------------------------------


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_csv(items: Iterable[Event], stream: IO[str], *, csv_safe: bool = False) -> int:
    """Write the event table as CSV (a header, then one row an event); returns the rows written.

    With ``csv_safe``, text cells starting with ``=``, ``+``, ``-`` or ``@`` get ``'`` in front
    (:func:`kg.rdf.query.escape_formula`); numbers (a negative Goldstein score) are left as they are.
    """
    from kg.rdf.query import escape_formula

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([c.name for c in COLUMNS])
    count = 0
    for event in items:
        row = gdelt_row(event)
        cells = [_csv_text(row[c.name]) for c in COLUMNS]
        if csv_safe:
            cells = [escape_formula(cell) if isinstance(row[c.name], str) else cell for c, cell in zip(COLUMNS, cells)]
        writer.writerow(cells)
        count += 1
    return count


def write_parquet(items: Iterable[Event], stream: IO[bytes], batch_size: int = 10_000) -> int:
    """Write the event table as Parquet, ``batch_size`` rows at a time; returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    count = 0
    with pq.ParquetWriter(stream, schema) as writer:
        batch: list[dict] = []
        for event in items:
            batch.append(gdelt_row(event))
            if len(batch) >= batch_size:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def write_plover(items: Iterable[Event], stream: IO[str]) -> int:
    """Write PLOVER records as JSON Lines; returns the records written."""
    count = 0
    for event in items:
        stream.write(json.dumps(plover_record(event), ensure_ascii=False) + "\n")
        count += 1
    return count


def output_kind(format: str, path: str | Path | None) -> str:
    """``csv``, ``parquet`` or ``plover`` for a ``kg export --format`` of :data:`EVENT_FORMATS` and an output path.

    >>> output_kind("events", "e.csv"), output_kind("events", "e.parquet"), output_kind("events-parquet", "e")
    ('csv', 'parquet', 'parquet')
    """
    if format not in EVENT_FORMATS:
        raise ValueError(f"unknown event format {format!r}; choose from {', '.join(EVENT_FORMATS)}")
    if format == "plover":
        return "plover"
    if format == "events-parquet" or (path is not None and Path(path).suffix.lower() == ".parquet"):
        return "parquet"
    return "csv"


def export_events(store, output: str | Path | IO, kind: str, *, structural: bool = False,
                  modalities: Iterable[str] | None = None, csv_safe: bool = False) -> int:
    """Write the store's events as ``kind`` (:func:`output_kind`) to a path (atomically) or a stream.

    A text stream for ``csv`` and ``plover``, a binary one for ``parquet``.
    Returns the rows written.
    """
    if kind not in ("csv", "parquet", "plover"):
        raise ValueError(f"unknown event table kind {kind!r}")
    items = events(store, structural=structural, modalities=modalities)
    write = {"csv": partial(write_csv, csv_safe=csv_safe), "parquet": write_parquet, "plover": write_plover}[kind]
    if isinstance(output, (str, Path)):
        from kg.atomic import atomic_write

        with atomic_write(output, "wb" if kind == "parquet" else "w") as stream:
            count = write(items, stream)
    else:
        count = write(items, output)
    log.info("%d events written", count)
    return count
