"""``kg build --dask``: the extraction mapped over partitions by Dask distributed.

The client reads the input lazily, skips the documents that the store
already holds (same id or text), cuts the rest into partitions and submits
:func:`extract_shard` for each — which runs the same
:func:`kg.scale.parallel.extract_partition` as a local build, merges the
partition into a :class:`~kg.graph.KnowledgeGraph` and returns

- its relation triples (direct triples, statements, predicate declarations)
  as N-Triples text — sets, so loading them twice changes nothing;
- its documents and its entities (type, label, mentions), which are small.

The client takes the shards back in partition order and commits each —
its triples, documents and entities — in one transaction
(:func:`kg.rdf.store.write_graph`, which adds mention counts to entities
already stored), so a build killed at any moment leaves a valid store.
Documents are the marker that a re-run skips, so an interrupted build
re-extracts at most the partitions in flight and finishes; entities are written in input order, so
the graph is the one a local build makes (first type and label seen win).
At most two partitions per worker are in flight.

Any triple store can load the shards: with ``shard_dir`` they are written there
(``shard-NNNNN.nt``), and ``entities.nt`` (every entity of the store, after
the build) beside them.

``address`` is ``"local"`` (a ``LocalCluster`` of ``workers`` processes on
127.0.0.1) or a scheduler address (``tcp://host:8786``) whose workers have
ir-kg and its spaCy model installed.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from kg.atomic import atomic_write
from kg.graph.knowledge import DocumentInfo, KnowledgeGraph, content_hash
from kg.rdf.convert import ntriples, relation_triples
from kg.rdf.store import FLUSH_EVERY, BuildReport, flush_store, new_documents, write_graph
from kg.records import Document
from kg.scale.parallel import default_processes, extract_partition, partitions
from kg.settings import Settings

__all__ = ["Shard", "build_dask", "extract_shard", "write_shard"]

log = logging.getLogger(__name__)

_ENTITY_TYPES = "VALUES ?type { ir:State ir:Organization ir:Person ir:Region ir:Other }"


@dataclass
class Shard:
    """What a worker sends back for one partition (see the module docstring)."""

    index: int
    documents: list[DocumentInfo]
    entities: list[tuple[str, dict]]
    ntriples: bytes
    triples: int
    words: int = 0


def extract_shard(documents: Sequence[Document], settings: Settings, index: int) -> Shard:
    """Extract one partition (on a worker) and return it as a :class:`Shard`."""
    kg = KnowledgeGraph.from_extractions(extract_partition(documents, settings))
    lines = list(relation_triples(kg))
    return Shard(
        index=index,
        documents=list(kg.documents.values()),
        entities=[(node, dict(kg.nodes[node])) for node in kg.nodes],
        ntriples=ntriples(lines).encode("utf-8"),
        triples=len(lines),
        words=sum(len(d.text.split()) for d in documents),
    )


def write_shard(store, shard: Shard, folder: Path | None = None) -> int:
    """Commit a shard — its triples, documents and entities — in one transaction; returns the triples written.

    One transaction, not a bulk load followed by a commit: a build killed
    between the two would leave statements about undescribed entities (a
    store that fails ``kg validate``). Given a ``folder``, the shard is also
    written there for other triple stores.
    """
    if folder is not None:
        with atomic_write(Path(folder) / f"shard-{shard.index:05d}.nt", "wb") as stream:
            stream.write(shard.ntriples)
    commit = KnowledgeGraph(entries={})
    for info in shard.documents:
        commit.add_document(info)
    for node, attributes in shard.entities:
        commit.graph.add_node(node, **attributes)
    return shard.triples + write_graph(store, commit, extra=shard.ntriples.decode("utf-8"))


def _client(address: str, workers: int | None):
    from dask.distributed import Client, LocalCluster

    if address == "local":
        with warnings.catch_warnings():
            # the scheduler's HTTP endpoint moves to a free port when 8787 is taken; not the user's concern
            warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
            cluster = LocalCluster(
                n_workers=workers or default_processes(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        return Client(cluster), cluster
    return Client(address), None


def build_dask(
    store,
    documents: Iterable[Document],
    settings: Settings | None = None,
    *,
    address: str = "local",
    workers: int | None = None,
    partition_size: int | None = 64,
    shard_dir: str | Path | None = None,
    progress: Callable[..., None] | None = None,
) -> BuildReport:
    """Add the documents that the store lacks, extracted on a Dask cluster (see the module docstring)."""
    settings = settings or Settings()
    partition_size = partition_size or 64
    report = BuildReport()
    fresh = new_documents(documents, store, report, progress)
    first = next(fresh, None)
    if first is None:  # nothing new: no cluster is started
        return report
    folder = Path(shard_dir) if shard_dir is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    client, cluster = _client(address, workers)
    try:
        window = 2 * max(1, len(client.scheduler_info()["workers"]))

        def finish(future) -> None:
            shard = future.result()
            report.triples_sent += write_shard(store, shard, folder)
            report.added.extend(info.id for info in shard.documents)
            report.transactions += 1
            if report.transactions % FLUSH_EVERY == 0:
                flush_store(store)
            if progress is not None:
                progress(added=len(shard.documents))

        pending: deque = deque()
        try:
            for index, part in enumerate(partitions(itertools.chain([first], fresh), partition_size)):
                pending.append(client.submit(extract_shard, part, settings, index, pure=False))
                while len(pending) >= window:
                    finish(pending.popleft())
            while pending:
                finish(pending.popleft())
        finally:
            for future in pending:
                future.cancel()
        flush_store(store)
        if folder is not None:
            _write_entities(store, folder / "entities.nt")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return report


def _write_entities(store, path: Path) -> None:
    from kg.rdf.convert import PREFIXES

    query = f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ {_ENTITY_TYPES} ?e a ?type ; ?p ?o }}"
    triples = store.query(query, prefixes=PREFIXES)
    with atomic_write(path, "wb") as stream:
        ox.serialize(triples, stream, ox.RdfFormat.N_TRIPLES)
