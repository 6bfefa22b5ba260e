"""The embedded triple store: Oxigraph on disk, through pyoxigraph's own API.

Loading, dumping and querying go through pyoxigraph directly (its Rust
parsers, serialisers and query engine); rdflib is kept for small in-memory
graphs. Everything lives in the store's default graph. Opening, reading and
querying a store import neither rdflib nor networkx (:mod:`kg.rdf.convert` is
imported by the functions that convert).

A store grows by :func:`build_store`: documents already in it (same id or
same text) are skipped before extraction, and each batch of new documents is
written in one transaction (:func:`write_graph`).

>>> from kg.graph import KnowledgeGraph
>>> store = open_store(None)                      # in memory, for examples
>>> kg = KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "memberOf", "CSTO")])
>>> _ = write_graph(store, kg)
>>> n = triple_count(store)
>>> _ = write_graph(store, kg)
>>> triple_count(store) == n, document_index(store)[0]
(True, {'d1'})
>>> load_graph(store) == kg
True
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox

from kg.rdf.names import IR, PREFIXES, Lit, Triple, document_id, entity_iri

if TYPE_CHECKING:  # imported where used: opening and querying a store (kg query) needs none of them
    from kg.graph.knowledge import KnowledgeGraph
    from kg.records import Document, Extraction

__all__ = [
    "EXPORT_FORMATS",
    "BuildReport",
    "StoreError",
    "build_store",
    "document_index",
    "export_store",
    "flush_store",
    "load_graph",
    "open_store",
    "store_stats",
    "store_triples",
    "triple_count",
    "write_graph",
]

log = logging.getLogger(__name__)

#: ``kg export --format`` names -> pyoxigraph formats (graphml is written from the KnowledgeGraph).
EXPORT_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "graphml": None,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class StoreError(Exception):
    """A store that cannot be opened or used; the message says why."""


def open_store(
    location: str | Path | None,
    *,
    read_only: bool = False,
    create: bool = True,
    update_url: str | None = None,
    graph_store_url: str | None = None,
) -> ox.Store:
    """The Oxigraph store in folder ``location`` (in memory if ``None``).

    ``read_only`` opens a store that another process may be writing; a
    second read-write open of the same folder fails on its lock. An
    ``http(s)://`` location is a SPARQL 1.1 endpoint
    (:class:`kg.rdf.remote.RemoteStore`, which must answer ``ASK {}``);
    ``update_url`` and ``graph_store_url`` are its write endpoints.
    """
    if location is None:
        return ox.Store()
    text = str(location)
    if text.startswith(("http://", "https://")):
        from kg.rdf.remote import RemoteError, RemoteStore

        remote = RemoteStore(text, update_url=update_url, graph_store_url=graph_store_url, read_only=read_only)
        try:
            remote.ping()
        except RemoteError as error:
            raise StoreError(str(error)) from error
        return remote
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{text}: not a folder")
    if (read_only or not create) and not path.is_dir():
        raise StoreError(f"{text}: no such store")
    try:
        return ox.Store.read_only(text) if read_only else ox.Store(text)
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError(f"{text}: the store is open for writing in another process") from error
        raise StoreError(f"{text}: cannot open the store: {error}") from error
    except RuntimeError as error:  # RocksDB: e.g. a store that another process is creating right now
        raise StoreError(f"{text}: not a complete store (being created by another process?): {error}") from error


# -- reading ------------------------------------------------------------------


def _neutral(term) -> "str | Lit":
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Lit(term.value, None, term.language)
        return Lit(term.value, None if datatype == _XSD_STRING else datatype)
    return term.value


def store_triples(store: ox.Store) -> Iterator[Triple]:
    """The default graph's triples in the neutral form of :mod:`kg.rdf.convert`."""
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield _neutral(quad.subject), quad.predicate.value, _neutral(quad.object)


def load_graph(store: ox.Store, **options) -> KnowledgeGraph:
    """The KnowledgeGraph that the store holds."""
    from kg.rdf.convert import from_triples

    return from_triples(store_triples(store), **options)


def triple_count(store: ox.Store) -> int:
    """Triples in the default graph (a full count: seconds on millions of triples)."""
    (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row["n"].value)


_DOCUMENT_INDEX = "SELECT ?document ?hash WHERE { ?document a ir:Document OPTIONAL { ?document ir:contentHash ?hash } }"


def document_index(store: ox.Store) -> tuple[set[str], set[str]]:
    """Ids and content hashes of the documents in the store."""
    ids, hashes = set(), set()
    # one query, not one lookup a document: a remote store (kg.rdf.remote) answers it in one request
    for row in store.query(_DOCUMENT_INDEX, prefixes=PREFIXES):
        ids.add(document_id(row["document"].value))
        if row["hash"] is not None:
            hashes.add(row["hash"].value)
    return ids, hashes


# -- writing ------------------------------------------------------------------


#: Entities asked about in one query by :func:`_stored_entities`.
_LOOKUP_CHUNK = 500


def _stored_entities(store, nodes: list[str]) -> dict[str, list]:
    """The entities among ``nodes`` that the store describes (typed), each with its mention-count terms.

    One query per 500 entities, not two look-ups an entity: a remote store
    (:mod:`kg.rdf.remote`) answers a batch in a few requests.
    """
    stored: dict[str, list] = {}
    for start in range(0, len(nodes), _LOOKUP_CHUNK):
        values = " ".join(f"<{entity_iri(node)}>" for node in nodes[start:start + _LOOKUP_CHUNK])
        query = f"SELECT ?e ?n WHERE {{ VALUES ?e {{ {values} }} ?e a [] OPTIONAL {{ ?e ir:mentionCount ?n }} }}"
        for row in store.query(query, prefixes=PREFIXES):
            counts = stored.setdefault(row["e"].value, [])
            if row["n"] is not None and row["n"] not in counts:
                counts.append(row["n"])
    return stored


def write_graph(store: ox.Store, kg: KnowledgeGraph, *, extra: str = "") -> int:
    """Add ``kg`` (and the N-Triples text ``extra``) to the store in one transaction; returns the triples sent.

    Statements, documents and direct triples are sets, so writing them again
    changes nothing. An entity already in the store keeps its type and label
    and has its mention count increased — so ``kg`` must hold only documents
    that are not in the store yet (:func:`build_store` sees to that).
    """
    from kg.rdf.convert import document_triples, entity_triples, ntriples, relation_triples

    insert: list[Triple] = []
    delete: list[Triple] = []
    for doc_id in sorted(kg.documents):
        insert.extend(document_triples(kg.documents[doc_id]))
    nodes = sorted(kg.nodes)
    stored = _stored_entities(store, nodes)
    for node in nodes:
        data = kg.nodes[node]
        iri = entity_iri(node)
        if iri not in stored:
            insert.extend(entity_triples(node, data))
            continue
        if data["mentions"]:
            mentions, old = IR + "mentionCount", stored[iri]
            total = sum(int(term.value) for term in old) + data["mentions"]
            delete.extend((iri, mentions, _neutral(term)) for term in old)
            insert.append((iri, mentions, Lit(str(total), _XSD_INTEGER)))
    insert.extend(relation_triples(kg))
    update = ""
    if delete:
        update += "DELETE DATA {\n" + ntriples(delete) + "} ;\n"
    update += "INSERT DATA {\n" + ntriples(insert) + extra + "}"
    store.update(update)
    return len(insert)


#: Transactions between two :func:`flush_store` calls of :func:`build_store` (64 documents each by default).
FLUSH_EVERY = 16


def flush_store(store) -> None:
    """Write the store's in-memory buffers to disk (a no-op for stores without buffers, like remote ones).

    Oxigraph keeps what transactions write in RocksDB memtables, one per
    index, until they are full; a long build without flushes grows by
    about 55 MB a thousand documents (measured: 259 MB after 2,000 documents,
    1 GB after 20,000). Flushing every 16 transactions keeps it flat.
    """
    flush = getattr(store, "flush", None)
    if flush is not None:
        flush()


@dataclass
class BuildReport:
    """What :func:`build_store` did."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (id, kept as): the id was taken by another text
    triples_sent: int = 0
    transactions: int = 0


_UNHASHED = "SELECT ?document WHERE { ?document a ir:Document FILTER NOT EXISTS { ?document ir:contentHash [] } } LIMIT 1"


def new_documents(documents: Iterable[Document], store, report: BuildReport, progress=None) -> Iterator[Document]:
    """The documents not in ``store`` yet (by text); the others are counted in ``report`` as skipped.

    A document whose id the store (or this build) holds with another text is kept as ``ID~HASH``
    and reported (``report.renamed``, a warning): a document ``x#1`` is not lost to part 1 of a long
    document ``x``. In a store written without content hashes, a known id still means "stored".
    """
    from kg.graph.knowledge import content_hash

    ids, hashes = document_index(store)
    by_id = any(True for _ in store.query(_UNHASHED, prefixes=PREFIXES))
    for document in documents:
        digest = content_hash(document.text)
        if document.id in ids and not by_id and digest not in hashes:
            new_id = f"{document.id}~{digest.removeprefix('sha256:')[:8]}"
            where = ":".join(str(part) for part in document.origin if part) if document.origin else document.id
            log.warning("warning: %s: the id %r is taken by another text in the store, kept as %r", where, document.id, new_id)
            report.renamed.append((document.id, new_id))
            document = replace(document, id=new_id)
        if document.id in ids or digest in hashes:
            log.info("%s: already in the store, skipped", document.id)
            report.skipped.append(document.id)
            if progress is not None:
                progress(skipped=1)
            continue
        ids.add(document.id)
        hashes.add(digest)
        yield document


def build_store(
    store: ox.Store,
    documents: Iterable[Document],
    extract: Callable[[Iterable[Document]], Iterable[Extraction]],
    *,
    batch_size: int = 64,
    entries=None,
    progress: Callable[..., None] | None = None,
    flush_every: int = FLUSH_EVERY,
) -> BuildReport:
    """Extract the documents that are not in the store yet and add them, batch by batch.

    ``extract`` maps documents to extractions (``Pipeline.extract_many``); it
    only sees new documents, and is not called at all when there are none. Each batch of ``batch_size`` documents is
    written in one transaction, so an interrupted build keeps whole batches.
    ``progress(added=, skipped=)`` is told of each skipped document and each
    committed batch (:class:`kg.scale.progress.BuildProgress.advance`).
    Every ``flush_every`` transactions the store is flushed (:func:`flush_store`).
    """
    from kg.graph.knowledge import KnowledgeGraph

    report = BuildReport()

    def flush(batch: KnowledgeGraph) -> None:
        report.triples_sent += write_graph(store, batch)
        report.added.extend(sorted(batch.documents))
        report.transactions += 1
        if report.transactions % flush_every == 0:
            flush_store(store)
        if progress is not None:
            progress(added=len(batch.documents))

    fresh = new_documents(documents, store, report, progress)
    first = next(fresh, None)
    if first is None:  # nothing new: the extractor (a spaCy pipeline) is never started
        return report
    batch = KnowledgeGraph(entries=entries)
    for extraction in extract(itertools.chain([first], fresh)):
        batch.add_extraction(extraction)
        if len(batch.documents) >= batch_size:
            flush(batch)
            batch = KnowledgeGraph(entries=entries)
    if batch.documents:
        flush(batch)
    flush_store(store)
    return report


# -- export and statistics ----------------------------------------------------


def export_store(store: ox.Store, output: str | Path | BinaryIO, format: str) -> None:
    """Write the store as ``format`` (a key of :data:`EXPORT_FORMATS`) to a path or binary stream.

    A path is written atomically: to a temporary file renamed on success.
    """
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose from {', '.join(EXPORT_FORMATS)}")
    if isinstance(output, (str, Path)):
        from kg.atomic import atomic_write

        with atomic_write(output, "wb") as stream:
            export_store(store, stream, format)
        return
    if format == "graphml":
        from kg.graph.graphml import write_graphml

        write_graphml(load_graph(store), output)
        return
    rdf_format = EXPORT_FORMATS[format]
    options = {"prefixes": PREFIXES} if rdf_format == ox.RdfFormat.TURTLE else {}
    if not rdf_format.supports_datasets:
        options["from_graph"] = ox.DefaultGraph()
    store.dump(output, rdf_format, **options)


_STATS_ENTITIES = """
SELECT ?type (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  VALUES ?type { ir:State ir:Organization ir:Person ir:Region ir:Other }
  ?entity a ?type .
} GROUP BY ?type ORDER BY ?type
"""

_STATS_RELATIONS = """
SELECT ?predicate ?modality (COUNT(DISTINCT ?statement) AS ?statements)
       (COUNT(DISTINCT CONCAT(STR(?s), " ", STR(?o))) AS ?edges) WHERE {
  ?statement a ir:Statement ; rdf:predicate ?predicate ; ir:modality ?modality ;
             rdf:subject ?s ; rdf:object ?o .
} GROUP BY ?predicate ?modality ORDER BY ?predicate ?modality
"""


def store_stats(store: ox.Store) -> dict:
    """Counts of documents, triples, entities by type and relations by predicate and modality."""

    def local(term) -> str:
        return term.value.rsplit("#", 1)[-1]

    entities = {local(row["type"]): int(row["n"].value) for row in store.query(_STATS_ENTITIES, prefixes=PREFIXES)}
    relations = [
        {
            "predicate": local(row["predicate"]),
            "modality": local(row["modality"]).lower(),
            "statements": int(row["statements"].value),
            "edges": int(row["edges"].value),
        }
        for row in store.query(_STATS_RELATIONS, prefixes=PREFIXES)
    ]
    documents = store.query("SELECT (COUNT(?d) AS ?n) WHERE { ?d a ir:Document }", prefixes=PREFIXES)
    return {
        "documents": int(next(documents)["n"].value),
        "triples": triple_count(store),
        "entities": entities,
        "relations": relations,
    }
