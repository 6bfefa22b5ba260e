"""KnowledgeGraph <-> RDF, following the RDF model of DESIGN.md.

One statement node (``ir:Statement``, under ``irs:``) per piece of evidence
of an edge: rdf:subject / rdf:predicate / rdf:object, ``ir:modality`` and the
qualifiers of that evidence (attribution, denials, date, confidence, CAMEO
code, Goldstein score, evidence text and offsets, ``prov:wasDerivedFrom`` the
document). Its IRI is a hash of its content, so writing it twice writes it
once. An asserted edge also gets its direct triple — both directions for a
symmetric predicate, whose statement is written once in canonical order.
Entities and documents are described once; the predicates used are declared
(``owl:ObjectProperty``, ``owl:SymmetricProperty``, ``rdfs:label``) so that
queries can tell symmetric predicates apart without the ontology.

Triples are produced in a neutral form — IRIs as ``str``, literals as
:class:`Lit` — and written to rdflib, to pyoxigraph or to N-Triples text from
there. ``support``, ``first_seen`` and ``last_seen`` are not written: they
follow from the statements, and reading the RDF back recomputes them.

>>> from kg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_rows([("d1", "2020-09-27", "AZE", "neighbourOf", "TUR"),
...                                ("d1", "2020-09-27", "TUR", "memberOf", "NATO", "claimed")])
>>> graph = to_rdflib(kg)
>>> (IRR.TUR, IR.neighbourOf, IRR.AZE) in graph, (IRR.TUR, IR.memberOf, IRR.NATO) in graph
(True, False)
>>> from_rdflib(graph) == kg
True
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from functools import lru_cache
from decimal import Decimal
from typing import Iterable, Iterator, NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from kg.graph.knowledge import DocumentInfo, KnowledgeGraph, Provenance
from kg.rdf.names import PREFIXES, WD, Lit, Triple, document_id, document_iri, entity_id, entity_iri, prefixes
from kg.records import ENTITY_TYPES, MODALITIES
from kg.vocab import IR, IRR, IRS, PROV, load_vocabulary

__all__ = [
    "PREFIXES",
    "WD",
    "Lit",
    "Triple",
    "bind_prefixes",
    "decimal_lexical",
    "document_id",
    "document_iri",
    "document_triples",
    "entity_triples",
    "relation_triples",
    "entity_iri",
    "entity_id",
    "from_rdflib",
    "from_triples",
    "graph_difference",
    "ntriples",
    "ntriples_term",
    "prefixes",
    "statement_iri",
    "to_rdflib",
    "triples",
]

_A, _LABEL = str(RDF.type), str(RDFS.label)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_DERIVED = str(PROV.wasDerivedFrom)
_STRING = str(XSD.string)


class _Terms(NamedTuple):
    """The ``ir:`` IRIs conversion uses, as strings; looked up (and checked) once, on first use, not at import."""

    modality_iri: dict
    modality_code: dict
    type_iri: dict
    type_name: dict
    statement: str
    document: str
    reference_statement: str
    actor_links: tuple
    mention_count: str


@lru_cache(maxsize=None)
def _terms() -> _Terms:
    modality_iri = {m: str(IR[m.capitalize()]) for m in MODALITIES}
    type_iri = {t: str(IR[t]) for t in ENTITY_TYPES}
    return _Terms(
        modality_iri=modality_iri,
        modality_code={iri: m for m, iri in modality_iri.items()},
        type_iri=type_iri,
        type_name={iri: t for t, iri in type_iri.items()},
        statement=str(IR.Statement),
        document=str(IR.Document),
        reference_statement=str(IR.ReferenceStatement),
        actor_links=(_SUBJECT, _OBJECT, str(IR.attributedTo), str(IR.deniedBy)),
        mention_count=str(IR.mentionCount),
    )


def _lit(value: str, datatype=None) -> Lit:
    return Lit(str(value), str(datatype) if datatype is not None else None)


def decimal_lexical(value: float) -> str:
    """The canonical xsd:decimal form of ``value`` rounded to 3 places (as Oxigraph writes it).

    >>> decimal_lexical(0.860), decimal_lexical(6.0), decimal_lexical(-10)
    ('0.86', '6', '-10')
    """
    text = format(Decimal(str(round(float(value), 3))).normalize(), "f")
    return "0" if text in ("-0", "") else text


def statement_iri(subject: str, predicate: str, object: str, modality: str, provenance: Provenance) -> str:
    """A statement's IRI: a hash of everything it says, so the same evidence gets the same IRI."""
    content = [subject, predicate, object, modality, *provenance.to_dict().values()]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()
    return str(IRS) + digest[:32]


# -- KnowledgeGraph -> triples ------------------------------------------------


def triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Every triple of the RDF form of ``kg``: documents, entities, then relations."""
    for doc_id in sorted(kg.documents):
        yield from document_triples(kg.documents[doc_id])
    for node in sorted(kg.nodes):
        yield from entity_triples(node, kg.nodes[node])
    yield from relation_triples(kg)


def relation_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Direct triples, statements and the declarations of the predicates used."""
    vocabulary = load_vocabulary()
    used = set()
    for s, o, data in kg.edges():
        predicate, modality = data["predicate"], data["modality"]
        used.add(predicate)
        p_iri, s_iri, o_iri = str(IR[predicate]), entity_iri(s), entity_iri(o)
        if modality == "asserted":
            yield s_iri, p_iri, o_iri
            if vocabulary[predicate].symmetric:
                yield o_iri, p_iri, s_iri
        for provenance in data["evidence"]:
            yield from _statement_triples(s, predicate, o, modality, provenance, vocabulary[predicate].goldstein)
    for name in sorted(used):
        iri = str(IR[name])
        yield iri, _A, str(OWL.ObjectProperty)
        yield iri, _LABEL, Lit(vocabulary[name].label, None, "en")
        if vocabulary[name].symmetric:
            yield iri, _A, str(OWL.SymmetricProperty)


def document_triples(info: DocumentInfo) -> Iterator[Triple]:
    iri = document_iri(info.id)
    yield iri, _A, _terms().document
    yield iri, str(IR.contentHash), Lit(info.content_hash)
    if info.title:
        yield iri, str(DCTERMS.title), Lit(info.title)
    if info.date:
        yield iri, str(DCTERMS.date), _lit(info.date, XSD.date)
    if info.source:
        yield iri, str(DCTERMS.source), Lit(info.source)
    if info.url:
        yield iri, str(IR.url), _lit(info.url, XSD.anyURI)


def entity_triples(node: str, data: dict) -> Iterator[Triple]:
    """Type, label, mention count, ISO code and Wikidata link of one entity node."""
    iri = entity_iri(node)
    yield iri, _A, _terms().type_iri[data["type"]]
    yield iri, _LABEL, Lit(data["label"], None, "en")
    yield iri, str(IR.mentionCount), _lit(data["mentions"], XSD.integer)
    if data.get("iso3"):
        yield iri, str(IR.iso3), Lit(data["iso3"])
    if data.get("qid"):
        yield iri, str(OWL.sameAs), WD + data["qid"]


def _statement_triples(s, predicate, o, modality, p: Provenance, goldstein: float) -> Iterator[Triple]:
    iri = statement_iri(s, predicate, o, modality, p)
    yield iri, _A, _terms().statement
    yield iri, _SUBJECT, entity_iri(s)
    yield iri, _PREDICATE, str(IR[predicate])
    yield iri, _OBJECT, entity_iri(o)
    yield iri, str(IR.modality), _terms().modality_iri[modality]
    if p.attributed_to:
        yield iri, str(IR.attributedTo), entity_iri(p.attributed_to)
    for denier in p.denied_by:
        yield iri, str(IR.deniedBy), entity_iri(denier)
    if p.date:
        yield iri, str(IR.eventDate), _lit(p.date, XSD.date)
    yield iri, str(IR.confidence), _lit(decimal_lexical(p.confidence), XSD.decimal)
    if p.cameo:
        yield iri, str(IR.cameoCode), Lit(p.cameo)
    yield iri, str(IR.goldstein), _lit(decimal_lexical(goldstein), XSD.decimal)
    yield iri, _DERIVED, document_iri(p.doc)
    if p.url:
        yield iri, str(IR.sourceUrl), _lit(p.url, XSD.anyURI)
    if p.sentence is not None:
        yield iri, str(IR.evidenceText), Lit(p.sentence)
    if p.start is not None:
        yield iri, str(IR.evidenceStart), _lit(p.start, XSD.integer)
    if p.end is not None:
        yield iri, str(IR.evidenceEnd), _lit(p.end, XSD.integer)


# -- writers ------------------------------------------------------------------


def ntriples_term(term: "str | Lit") -> str:
    """A term in N-Triples syntax (also valid in SPARQL).

    >>> ntriples_term(Lit('say "hi"\\n', None, "en")), ntriples_term("https://ir-kg.org/resource/ARM")
    ('"say \\\\"hi\\\\"\\\\n"@en', '<https://ir-kg.org/resource/ARM>')
    """
    if not isinstance(term, Lit):
        return f"<{term}>"
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype and term.datatype != _STRING:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def ntriples(items: Iterable[Triple]) -> str:
    """N-Triples text of neutral triples, one a line."""
    return "".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in items)


def _rdflib_term(term: "str | Lit"):
    if not isinstance(term, Lit):
        return URIRef(term)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype if term.datatype and term.datatype != _STRING else None
    return Literal(term.value, datatype=URIRef(datatype) if datatype else None)


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def to_rdflib(kg: KnowledgeGraph, graph: Graph | None = None) -> Graph:
    """The RDF form of ``kg`` in an rdflib graph (a new in-memory one by default)."""
    graph = bind_prefixes(graph if graph is not None else Graph())
    for s, p, o in triples(kg):
        graph.add((URIRef(s), URIRef(p), _rdflib_term(o)))
    return graph


def graph_difference(expected: Graph, actual: Graph, limit: int = 20) -> str:
    """``""`` if the graphs are isomorphic, else up to ``limit`` triples each side has alone.

    >>> from kg.graph import KnowledgeGraph
    >>> one = to_rdflib(KnowledgeGraph.from_rows([("d1", None, "ARM", "memberOf", "CSTO")]))
    >>> graph_difference(one, one)
    ''
    """
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    if isomorphic(expected, actual):
        return ""
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(only_expected)[:limit]]
    lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(only_actual)[:limit]]
    return "\n".join(lines)


# -- RDF -> KnowledgeGraph ----------------------------------------------------


def _neutral(term) -> "str | Lit":
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return Lit(str(term), None if datatype == _STRING else datatype, term.language)
    return str(term)


def from_rdflib(graph: Graph, **options) -> KnowledgeGraph:
    """The KnowledgeGraph that ``graph`` describes (the inverse of :func:`to_rdflib`)."""
    return from_triples(((_neutral(s), _neutral(p), _neutral(o)) for s, p, o in graph), **options)


def from_triples(items: Iterable[Triple], **options) -> KnowledgeGraph:
    """Read documents, entities and statements back into a KnowledgeGraph.

    Direct triples and predicate declarations are skipped: the statements
    carry everything. Literal values of unexpected form raise ``ValueError``.
    Reference facts (``kg enrich``) are not evidence of documents: their
    statements (``ir:ReferenceStatement``) are skipped, and so are entities
    described only for them (no ``ir:mentionCount``, in no other statement);
    :func:`kg.reference.reference_edges` reads them.
    """
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in items:
        by_subject[s][p].append(o)
    kg = KnowledgeGraph(**options)
    terms = _terms()
    statements, entities = [], []
    for iri, props in by_subject.items():
        types = {t for t in props.get(_A, ()) if isinstance(t, str)}
        if terms.document in types:
            kg.add_document(_read_document(iri, props))
        elif terms.reference_statement in types:
            continue
        elif terms.statement in types:
            statements.append(props)
        elif types & terms.type_name.keys():
            entities.append((iri, props, types))
    actors = {a for props in statements for p in terms.actor_links for a in props.get(p, ())}
    for iri, props, types in entities:
        if terms.mention_count in props or iri in actors:
            _read_entity(kg, iri, props, types)
    for props in statements:
        _read_statement(kg, props)
    return kg


def _one(props: dict, predicate) -> "str | Lit | None":
    values = props.get(str(predicate), ())
    if len(values) > 1:
        raise ValueError(f"{predicate} has {len(values)} values where at most one is expected")
    return values[0] if values else None


def _text(props: dict, predicate) -> str | None:
    value = _one(props, predicate)
    return value.value if isinstance(value, Lit) else value


def _read_document(iri: str, props: dict) -> DocumentInfo:
    return DocumentInfo(
        id=document_id(iri),
        content_hash=_text(props, IR.contentHash),
        date=_text(props, DCTERMS.date),
        title=_text(props, DCTERMS.title),
        url=_text(props, IR.url),
        source=_text(props, DCTERMS.source),
    )


def _read_entity(kg: KnowledgeGraph, iri: str, props: dict, types: set[str]) -> None:
    type_name = _terms().type_name
    (type_iri,) = types & type_name.keys()
    attributes = {
        "type": type_name[type_iri],
        "label": _text(props, RDFS.label),
        "mentions": int(_text(props, IR.mentionCount) or 0),
    }
    if _one(props, IR.iso3) is not None:
        attributes["iso3"] = _text(props, IR.iso3)
    wikidata = [o for o in props.get(str(OWL.sameAs), ()) if isinstance(o, str) and o.startswith(WD)]
    if wikidata:
        attributes["qid"] = wikidata[0].removeprefix(WD)
    kg.graph.add_node(entity_id(iri), **attributes)


def _read_statement(kg: KnowledgeGraph, props: dict) -> None:
    integer = lambda p: None if _one(props, p) is None else int(_text(props, p))  # noqa: E731
    attributed = _one(props, IR.attributedTo)
    kg.add_evidence(
        entity_id(_one(props, RDF.subject)),
        _one(props, RDF.predicate).removeprefix(str(IR)),
        entity_id(_one(props, RDF.object)),
        _terms().modality_code[_one(props, IR.modality)],
        Provenance(
            doc=document_id(_one(props, PROV.wasDerivedFrom)),
            start=integer(IR.evidenceStart),
            end=integer(IR.evidenceEnd),
            sentence=_text(props, IR.evidenceText),
            date=_text(props, IR.eventDate),
            url=_text(props, IR.sourceUrl),
            confidence=float(_text(props, IR.confidence)),
            cameo=_text(props, IR.cameoCode),
            attributed_to=entity_id(attributed) if attributed else None,
            denied_by=tuple(sorted(entity_id(d) for d in props.get(str(IR.deniedBy), ()))),
        ),
    )
