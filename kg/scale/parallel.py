"""Extraction over processes: one function mapped over partitions of the input.

:func:`extract_partition` is the unit of work: a list of documents in, their
extractions out, with the spaCy pipeline of the settings loaded once per
process (:func:`kg.nlp.load_pipeline`) and run by ``nlp.pipe`` in batches of
``settings.batch_size``. :func:`extract_parallel` maps it over a local
process pool and :mod:`kg.scale.cluster` over a Dask cluster.

Why not ``nlp.pipe(n_process=N)``: spaCy's multiprocessing sends every Doc
back to the parent as ``Doc.to_bytes()`` (tokens, tensor, user data through
msgpack), which the ir-kg records in ``Doc._.kg_relations`` cannot pass
(``TypeError: can not serialize 'Relation' object``), and the parent would
spend its time deserialising Docs it only turns into records. Here the
workers return the records (pickled, about 5 kB a document), so the parent
only merges and writes.

>>> list(partitions(range(5), 2))
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator, Sequence, TypeVar

from kg.records import Document, Extraction
from kg.settings import Settings

__all__ = ["balanced_partitions", "default_processes", "extract_parallel", "extract_partition", "partitions", "start_server"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def default_processes() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def partitions(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    if size < 1:
        raise ValueError("partition size must be at least 1")
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def balanced_partitions(items: Iterable[T], size: int, pieces: int) -> Iterator[list[T]]:
    """:func:`partitions` of ``size`` items, but the last ``size`` to ``2 * size - 1`` items come in about
    ``pieces`` smaller lists, so that the workers finish together (the input is read one partition ahead).

    No list is shorter than ``size // 8`` items (nor than one).

    >>> [len(part) for part in balanced_partitions(range(100), 32, 8)]
    [32, 32, 5, 5, 5, 5, 4, 4, 4, 4]
    >>> [len(part) for part in balanced_partitions(range(10), 32, 8)], list(balanced_partitions([], 32, 8))
    ([5, 5], [])
    """
    chunks = partitions(items, size)
    held = next(chunks, None)
    for chunk in chunks:
        if len(chunk) < size:  # the end: split the last two chunks
            held += chunk
            break
        yield held
        held = chunk
    if held is None:
        return
    count = max(1, min(pieces, len(held) // max(1, size // 8)))
    step, extra = divmod(len(held), count)
    start = 0
    for number in range(count):
        end = start + step + (number < extra)
        yield held[start:end]
        start = end


def extract_partition(documents: Sequence[Document], settings: Settings) -> list[Extraction]:
    """The extractions of ``documents``, in order; the pipeline is built once per process."""
    from kg.nlp import load_pipeline

    return list(load_pipeline(settings).extract_many(documents, n_process=1))


def _extract_task(documents: Sequence[Document], settings: Settings) -> tuple[list[Extraction], int, float]:
    """:func:`extract_partition` in a worker, with the worker's id and the CPU seconds it has used so far."""
    extractions = extract_partition(documents, settings)
    return extractions, os.getpid(), time.process_time()


def _exit_with_parent() -> None:
    """End this worker as soon as the process that started it ends, however it ends (``kill -9`` too).

    A worker otherwise outlives a killed build: it waits for work on a queue
    whose write end it holds itself, and keeps the fork server (which lives
    as long as any worker) and the resource tracker (as long as anyone holds
    its pipe) alive with it. The parent's sentinel is a pipe that only the
    parent writes to, so it reads end-of-file the moment the parent is gone,
    whether this worker was forked by the fork server or spawned.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - not started by multiprocessing
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="kg-exit-with-parent", daemon=True).start()


def _start_worker(settings: Settings) -> None:
    _exit_with_parent()
    # Ctrl-C reaches the whole process group: the parent stops the build, the workers finish quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.nlp import load_pipeline

    load_pipeline(settings)


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # workers forked from a clean server: no threads or open stores of the parent
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kg.scale.parallel", "kg.nlp"])
        return context
    return multiprocessing.get_context("spawn")


def start_server() -> None:
    """Start the fork server that :func:`extract_parallel` forks its workers from, now, and return at once.

    The server imports spaCy and the pipeline's modules (about 0.7 s) before
    it forks the first worker; started at the beginning of a build, it does
    so while this process opens the store, loads the language identifier and
    reads the first partition, instead of after. A no-op where workers are
    spawned, or when the server runs already.
    """
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _results(future, worker_cpu: dict[int, float] | None) -> list[Extraction]:
    extractions, pid, cpu = future.result()
    if worker_cpu is not None:
        worker_cpu[pid] = max(cpu, worker_cpu.get(pid, 0.0))
    return extractions


def extract_parallel(
    documents: Iterable[Document],
    settings: Settings,
    *,
    processes: int | None = None,
    partition_size: int | None = None,
    worker_cpu: dict[int, float] | None = None,
) -> Iterator[Extraction]:
    """Extractions of ``documents`` in input order, from ``processes`` worker processes.

    The input is read lazily, ``partition_size`` documents (default:
    ``settings.batch_size``) at a time, with at most two partitions per
    worker in flight, so memory does not grow with the input. With one
    process, or an input that fits in one partition, everything runs here.
    ``worker_cpu``, if given, is filled with the CPU seconds of each worker
    process (by process id: loading the pipeline and every partition it
    extracted), as the worker counts them; it stays empty when everything
    runs here.
    """
    processes = processes or default_processes()
    size = partition_size or settings.batch_size
    iterator = iter(documents)
    head = list(itertools.islice(iterator, size + 1))
    if processes <= 1 or len(head) <= size:
        from kg.nlp import load_pipeline

        yield from load_pipeline(settings).extract_many(itertools.chain(head, iterator), n_process=1)
        return
    window = 2 * processes
    log.info("extracting with %d processes, %d documents a partition", processes, size)
    with ProcessPoolExecutor(processes, mp_context=_context(), initializer=_start_worker, initargs=(settings,)) as pool:
        pending: deque = deque()
        try:
            for part in balanced_partitions(itertools.chain(head, iterator), size, 4 * processes):
                pending.append(pool.submit(_extract_task, part, settings))
                while len(pending) >= window:
                    yield from _results(pending.popleft(), worker_cpu)
            while pending:
                yield from _results(pending.popleft(), worker_cpu)
        finally:
            for future in pending:
                future.cancel()
