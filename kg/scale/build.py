"""``kg build`` on one machine: streaming input, worker processes, bounded transactions.

:func:`build_local` is :func:`kg.rdf.store.build_store` (skip what the store
holds, write each batch of ``batch_size`` documents in one transaction) fed
by :func:`kg.scale.parallel.extract_parallel` (``nlp.pipe`` in worker
processes, partitions in flight bounded). Memory holds a few partitions and
one batch, whatever the size of the input; the store's document index (ids
and content hashes) is the only thing that grows, by about 150 bytes a
document already stored.

An interrupted build keeps the batches it committed; run it again on the
same input and it skips them and finishes.

>>> from kg.graph import KnowledgeGraph
>>> from kg.rdf.store import open_store, triple_count
>>> from kg.records import Document, Entity, Extraction
>>> def fake(documents):  # stands in for the spaCy pipeline
...     for d in documents:
...         yield Extraction(d, (Entity(d.id, "ARM", "State", "Armenia"),), ())
>>> store = open_store(None)
>>> docs = [Document(f"d{i}", f"text {i}") for i in range(5)]
>>> build_local(store, docs, extract=fake, batch_size=2).transactions
3
>>> build_local(store, docs, extract=fake, batch_size=2).skipped
['d0', 'd1', 'd2', 'd3', 'd4']
"""

from __future__ import annotations

from typing import Callable, Iterable

from kg.rdf.store import BuildReport, build_store
from kg.records import Document, Extraction
from kg.settings import Settings

__all__ = ["build_local"]


def build_local(
    store,
    documents: Iterable[Document],
    settings: Settings | None = None,
    *,
    processes: int | None = None,
    batch_size: int = 64,
    partition_size: int | None = None,
    progress: Callable[..., None] | None = None,
    extract: Callable[[Iterable[Document]], Iterable[Extraction]] | None = None,
    worker_cpu: dict[int, float] | None = None,
) -> BuildReport:
    """Add the documents that the store lacks (see the module docstring).

    ``processes`` defaults to every core; ``extract`` replaces the pipeline
    (tests, other extractors); ``worker_cpu`` collects the CPU seconds of
    each worker process (:func:`kg.scale.parallel.extract_parallel`).
    """
    if extract is None:
        from kg.scale.parallel import default_processes, extract_parallel, start_server

        settings = settings or Settings()
        if (processes or default_processes()) > 1:
            start_server()  # its imports overlap with reading and screening the first documents

        def extract(fresh: Iterable[Document]) -> Iterable[Extraction]:
            return extract_parallel(fresh, settings, processes=processes, partition_size=partition_size,
                                    worker_cpu=worker_cpu)

    return build_store(store, documents, extract, batch_size=batch_size, progress=progress)
