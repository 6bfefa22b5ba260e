"""Reference facts -> RDF, and ``kg enrich``: add them to a store, kept apart from the text.

Each fact becomes a statement typed ``ir:Statement`` and ``ir:ReferenceStatement``,
``ir:Asserted``, ``prov:wasDerivedFrom`` its source (an ``ir:ReferenceSource``
under ``https://ir-kg.org/source/``), with ``ir:startTime`` / ``ir:endTime``
(the widest reading of a partial date) and ``ir:office`` for terms. A fact that
still holds (no end) also gets its direct triple, both ways for a border. So:

- ``?s a ir:ReferenceStatement`` (or ``prov:wasDerivedFrom [a ir:ReferenceSource]``)
  finds reference facts, ``FILTER NOT EXISTS { ?s a ir:ReferenceStatement }`` text ones;
- statement IRIs are hashes of the fact, so enriching twice adds nothing, and
  enriching after a table changed removes the statements that are no longer in it
  (and their direct triples, unless another asserted statement still gives them);
- entities that the store does not describe yet are described (type, label,
  ISO code, ``owl:sameAs`` their Wikidata item) without a mention count, and
  :func:`kg.rdf.convert.from_triples` leaves such reference-only entities, and
  reference statements, out of the KnowledgeGraph it reads.

>>> from kg.rdf.store import open_store, triple_count
>>> store = open_store(None)
>>> report = enrich_store(store, ["borders"])
>>> report.statements == report.added > 300, report.removed
(True, 0)
>>> n = triple_count(store)
>>> enrich_store(store, ["borders"]).added, triple_count(store) == n
(0, True)
>>> sorted(e.object for e in reference_edges(store) if e.subject == "ARM")
['AZE', 'GEO', 'IRN', 'TUR']
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from kg.rdf.convert import PREFIXES, WD, Lit, Triple, entity_id, entity_iri, ntriples, ntriples_term
from kg.reference.facts import KINDS, PREDICATES, Fact, ReferenceFacts, cached_reference, source_iri
from kg.resolve.tables import Gazetteer, cached_gazetteer
from kg.vocab import IR, IRS, PROV, load_vocabulary

__all__ = ["EnrichReport", "enrich_store", "fact_triples", "reference_edges", "statement_iri"]

log = logging.getLogger(__name__)

_A = str(RDF.type)
_STATEMENT, _REFERENCE = str(IR.Statement), str(IR.ReferenceStatement)
_DATE = str(XSD.date)


def statement_iri(fact: Fact) -> str:
    """The IRI of a fact's statement: a hash of everything the fact says."""
    content = ["reference", fact.subject, fact.predicate, fact.object, fact.source, fact.start, fact.end, fact.office]
    return str(IRS) + hashlib.sha256(json.dumps(content).encode("utf-8")).hexdigest()[:32]


def _direct(fact: Fact, symmetric: bool) -> list[Triple]:
    s, p, o = entity_iri(fact.subject), str(IR[fact.predicate]), entity_iri(fact.object)
    return [(s, p, o), (o, p, s)] if symmetric else [(s, p, o)]


def fact_triples(fact: Fact, symmetric: bool = False) -> Iterator[Triple]:
    """The statement of one fact, and its direct triple(s) if it still holds."""
    iri = statement_iri(fact)
    yield iri, _A, _STATEMENT
    yield iri, _A, _REFERENCE
    yield iri, str(RDF.subject), entity_iri(fact.subject)
    yield iri, str(RDF.predicate), str(IR[fact.predicate])
    yield iri, str(RDF.object), entity_iri(fact.object)
    yield iri, str(IR.modality), str(IR.Asserted)
    yield iri, str(PROV.wasDerivedFrom), source_iri(fact.source)
    if fact.earliest_start:
        yield iri, str(IR.startTime), Lit(fact.earliest_start, _DATE)
    if fact.latest_end:
        yield iri, str(IR.endTime), Lit(fact.latest_end, _DATE)
    if fact.office:
        yield iri, str(IR.office), Lit(fact.office)
    if fact.note:
        yield iri, str(RDFS.comment), Lit(fact.note, None, "en")
    if fact.current:
        yield from _direct(fact, symmetric)


def _source_triples(reference: ReferenceFacts, ids: Iterable[str]) -> Iterator[Triple]:
    for id in sorted(set(ids)):
        source = reference.sources[id]
        yield source.iri, _A, str(IR.ReferenceSource)
        yield source.iri, str(RDFS.label), Lit(source.label, None, "en")
        if source.licence:
            yield source.iri, str(DCTERMS.license), Lit(source.licence)
        if source.url:
            yield source.iri, str(RDFS.seeAlso), source.url
        if source.note:
            yield source.iri, str(RDFS.comment), Lit(source.note, None, "en")


def _predicate_triples(names: Iterable[str]) -> Iterator[Triple]:
    vocabulary = load_vocabulary()
    for name in sorted(set(names)):
        iri = str(IR[name])
        yield iri, _A, str(OWL.ObjectProperty)
        yield iri, str(RDFS.label), Lit(vocabulary[name].label, None, "en")
        if vocabulary[name].symmetric:
            yield iri, _A, str(OWL.SymmetricProperty)


def _entity_triples(id: str, gazetteer: Gazetteer) -> Iterator[Triple]:
    """Type, label, ISO code and Wikidata item of an entity of the tables — no mention count."""
    entry = gazetteer.entries.get(id)
    if entry is None:
        raise ValueError(f"reference fact about {id!r}, which is not in the gazetteer tables")
    iri = entity_iri(id)
    yield iri, _A, str(IR[entry.type])
    yield iri, str(RDFS.label), Lit(entry.label, None, "en")
    if entry.type == "State":
        yield iri, str(IR.iso3), Lit(id)
    if entry.qid:
        yield iri, str(OWL.sameAs), WD + entry.qid


@dataclass
class EnrichReport:
    """What :func:`enrich_store` did."""

    statements: int = 0
    added: int = 0
    removed: int = 0
    entities: int = 0
    triples_sent: int = 0


def _existing_statements(store: ox.Store, predicates: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    values = " ".join(f"ir:{p}" for p in predicates)
    query = f"""
    SELECT ?st ?s ?p ?o WHERE {{
      VALUES ?p {{ {values} }}
      ?st a ir:ReferenceStatement ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
    }}"""
    return {
        row["st"].value: (row["s"].value, row["p"].value, row["o"].value)
        for row in store.query(query, prefixes=PREFIXES)
    }


def _stale_direct_cleanup(s: str, p: str, o: str, symmetric: bool) -> str:
    """Delete the direct triple ``s p o`` unless an asserted statement that still holds gives it."""
    S, P, O = ntriples_term(s), ntriples_term(p), ntriples_term(o)
    given = f"""?g <{RDF.predicate}> {P} ; <{IR.modality}> <{IR.Asserted}> .
        FILTER NOT EXISTS {{ ?g <{IR.endTime}> ?end }}"""
    either = f"{{ ?g <{RDF.subject}> {S} ; <{RDF.object}> {O} }}"
    if symmetric:
        either += f" UNION {{ ?g <{RDF.subject}> {O} ; <{RDF.object}> {S} }}"
    return f"DELETE {{ {S} {P} {O} }} WHERE {{ {S} {P} {O} FILTER NOT EXISTS {{ {given} {either} }} }}"


def enrich_store(
    store: ox.Store,
    kinds: Iterable[str] = KINDS,
    reference: ReferenceFacts | None = None,
    gazetteer: Gazetteer | None = None,
) -> EnrichReport:
    """Add the reference facts of ``kinds`` (``borders``, ``memberships``, ``leaders``) in one transaction.

    Idempotent: statements already in the store are kept, statements of these
    kinds that the tables no longer give are removed (see the module docstring).
    """
    kinds = list(kinds)
    for kind in kinds:
        if kind not in PREDICATES:
            raise ValueError(f"unknown kind of reference facts {kind!r}; choose from {', '.join(KINDS)}")
    reference = (reference or cached_reference()).kinds(kinds)
    gazetteer = gazetteer or cached_gazetteer()
    vocabulary = load_vocabulary()
    predicates = [p for kind in kinds for p in PREDICATES[kind]]

    insert: list[Triple] = []
    wanted: dict[str, Fact] = {}
    for fact in reference.facts:
        iri = statement_iri(fact)
        if iri not in wanted:
            wanted[iri] = fact
            insert.extend(fact_triples(fact, vocabulary[fact.predicate].symmetric))
    insert.extend(_source_triples(reference, (f.source for f in wanted.values())))
    insert.extend(_predicate_triples(f.predicate for f in wanted.values()))
    report = EnrichReport(statements=len(wanted))

    ids = sorted({f.subject for f in wanted.values()} | {f.object for f in wanted.values()})
    for id in ids:
        subject = ox.NamedNode(entity_iri(id))
        if next(store.quads_for_pattern(subject, ox.NamedNode(_A), None, ox.DefaultGraph()), None) is None:
            insert.extend(_entity_triples(id, gazetteer))
            report.entities += 1
        elif gazetteer.entries.get(id) and gazetteer.entries[id].qid:  # linking: an entity described before its QID was known
            insert.append((subject.value, str(OWL.sameAs), WD + gazetteer.entries[id].qid))

    existing = _existing_statements(store, predicates)
    stale = sorted(set(existing) - set(wanted))
    report.added = len(set(wanted) - set(existing))
    report.removed = len(stale)
    operations = []
    for iri in stale:
        operations.append(f"DELETE WHERE {{ <{iri}> ?p ?o }}")
    operations.append("INSERT DATA {\n" + ntriples(insert) + "}")
    for iri in stale:
        s, p, o = existing[iri]
        symmetric = vocabulary[p.removeprefix(str(IR))].symmetric
        operations.append(_stale_direct_cleanup(s, p, o, symmetric))
        if symmetric:
            operations.append(_stale_direct_cleanup(o, p, s, symmetric))
    store.update(" ;\n".join(operations))
    report.triples_sent = len(insert)
    log.info("enrich %s: %d statements (%d new, %d removed), %d entities described",
             ",".join(kinds), report.statements, report.added, report.removed, report.entities)
    return report


_EDGES = """
SELECT ?s ?p ?o ?source ?start ?end ?office WHERE {
  ?st a ir:ReferenceStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?st ir:startTime ?start } OPTIONAL { ?st ir:endTime ?end } OPTIONAL { ?st ir:office ?office }
}
"""


def reference_edges(store: ox.Store, *, current_only: bool = False) -> list[Fact]:
    """The reference facts that a store holds (:func:`kg.rdf.store.load_graph` leaves them out), sorted."""
    value = lambda term: term.value if term is not None else None  # noqa: E731
    edges = {
        Fact(
            entity_id(row["s"].value), row["p"].value.removeprefix(str(IR)), entity_id(row["o"].value),
            row["source"].value.removeprefix(source_iri("")), value(row["start"]), value(row["end"]), value(row["office"]),
        )
        for row in store.query(_EDGES, prefixes=PREFIXES)
    }
    ordered = sorted(edges, key=lambda e: (e.subject, e.predicate, e.object, e.start or "", e.source))
    return [e for e in ordered if e.current] if current_only else ordered
