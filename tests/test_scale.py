"""Scale: streaming input, builds over processes and on Dask, resumable builds, progress, bench scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import IngestError, read_path
from kg.rdf.convert import graph_difference
from kg.rdf.store import build_store, document_index, open_store, triple_count
from kg.rdf.validate import store_to_rdflib
from kg.records import Document
from kg.scale.build import build_local
from kg.scale.inputs import count_inputs, stream_inputs
from kg.scale.parallel import balanced_partitions, extract_parallel, partitions
from kg.scale.progress import BuildProgress
from kg.settings import Settings

runner = CliRunner()


@pytest.fixture(scope="module")
def serial_graph(dev_extractions):
    """The dev set built in one process, batch by batch (the reference for the other builds)."""
    by_id = {e.document.id: e for e in dev_extractions}
    store = open_store(None)
    build_store(store, [e.document for e in dev_extractions], lambda docs: (by_id[d.id] for d in docs), batch_size=4)
    return store_to_rdflib(store)


def _dev_documents(dev_path: Path) -> list[Document]:
    return [d for d in read_path(dev_path) if isinstance(d, Document)]


# -- input ----------------------------------------------------------------------


def test_scale_stream_inputs_reads_jsonl_lazily_like_read_path(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Armenia and Russia are allies."}\n'
        b"not json\n"
        b'{"id": "b", "text": "Caf\xe9 talks in Baku."}\n'
        b'{"id": "c", "text": "Turkey supports Azerbaijan."}\n'
    )
    stream = stream_inputs([str(path)])
    first = next(stream)
    assert isinstance(first, Document) and first.id == "a"
    rest = list(stream)
    messages = [str(item) for item in rest if isinstance(item, IngestError)]
    assert any(":2: invalid JSON" in m for m in messages)
    assert any(":3: invalid UTF-8" in m for m in messages)
    assert [d.id for d in rest if isinstance(d, Document)] == ["b", "c"]
    assert count_inputs([str(path)]) == 4 and count_inputs(["-"]) is None


def test_scale_stream_inputs_equals_read_path_on_the_dev_set(dev_path):
    assert list(stream_inputs([str(dev_path)])) == list(read_path(dev_path))


def test_scale_partitions_are_lazy_and_complete():
    consumed = []

    def numbers():
        for i in range(7):
            consumed.append(i)
            yield i

    parts = partitions(numbers(), 3)
    assert next(parts) == [0, 1, 2] and consumed == [0, 1, 2]
    assert list(parts) == [[3, 4, 5], [6]]


@pytest.mark.parametrize("count", [0, 1, 7, 31, 32, 33, 64, 65, 100])
def test_scale_balanced_partitions_split_the_last_ones_and_read_one_ahead(count):
    consumed = []

    def numbers():
        for i in range(count):
            consumed.append(i)
            yield i

    parts = balanced_partitions(numbers(), 16, 4)
    first = next(parts, None)
    if count > 32:  # a full partition, handed out once the next one is read
        assert first == list(range(16)) and consumed == list(range(32))
    rest = [first] + list(parts) if first is not None else []
    assert [i for part in rest for i in part] == list(range(count))
    sizes = [len(part) for part in rest]
    tail = sizes[max(0, count // 16 - 1):] if count >= 16 else sizes
    assert all(size == 16 for size in sizes[: len(sizes) - len(tail)])
    assert all(2 <= size <= 8 for size in tail) or count < 8 and len(tail) == 1


# -- builds -----------------------------------------------------------------------


def _records(extraction) -> tuple:
    """An extraction with its relations as a set: their order within a document follows Python's
    string hashing (PYTHONHASHSEED, different in every process), e.g. the two neighbourOf relations
    of niger-coup-ecowas-2023 — a determinism defect of the relation stage, not of the build."""
    return extraction.document, extraction.entities, frozenset(extraction.relations)


@pytest.mark.model
def test_scale_two_processes_give_the_serial_graph_in_input_order(dev_path, dev_extractions, serial_graph):
    documents = _dev_documents(dev_path)
    extractions = list(extract_parallel(documents, Settings(), processes=2, partition_size=4))
    assert [e.document.id for e in extractions] == [d.id for d in documents]
    assert [_records(e) for e in extractions] == [_records(e) for e in dev_extractions]
    store = open_store(None)
    worker_cpu = {}
    report = build_local(store, documents, processes=2, partition_size=4, batch_size=3, worker_cpu=worker_cpu)
    assert len(report.added) == len(documents) and report.transactions == 5
    assert graph_difference(serial_graph, store_to_rdflib(store)) == ""
    # each worker's own count: the pipeline it loaded and the documents it extracted
    assert 1 <= len(worker_cpu) <= 2 and all(seconds > 0.2 for seconds in worker_cpu.values())


@pytest.mark.model
def test_scale_dask_local_cluster_gives_the_local_graph(dev_path, serial_graph, tmp_path):
    pytest.importorskip("dask.distributed")
    from kg.scale.cluster import build_dask

    store = open_store(tmp_path / "store")
    shards = tmp_path / "shards"
    report = build_dask(store, _dev_documents(dev_path), Settings(), workers=2, partition_size=4, shard_dir=shards)
    assert len(report.added) == 15 and report.transactions == 4
    assert sorted(p.name for p in shards.iterdir()) == ["entities.nt"] + [f"shard-{i:05d}.nt" for i in range(4)]
    assert graph_difference(serial_graph, store_to_rdflib(store)) == ""
    again = build_dask(store, _dev_documents(dev_path), Settings(), workers=2)
    assert again.added == [] and len(again.skipped) == 15


def test_scale_interrupted_build_resumes_and_finishes(dev_extractions, serial_graph):
    by_id = {e.document.id: e for e in dev_extractions}
    documents = [e.document for e in dev_extractions]

    def crashing(docs):
        for number, document in enumerate(docs):
            if number == 9:
                raise KeyboardInterrupt  # Ctrl-C after two batches of 4 were committed
            yield by_id[document.id]

    store = open_store(None)
    with pytest.raises(KeyboardInterrupt):
        build_local(store, documents, extract=crashing, batch_size=4)
    assert len(document_index(store)[0]) == 8
    seen = []

    def counting(docs):
        for document in docs:
            seen.append(document.id)
            yield by_id[document.id]

    report = build_local(store, documents, extract=counting, batch_size=4)
    assert len(report.skipped) == 8 and seen == [d.id for d in documents[8:]]
    assert graph_difference(serial_graph, store_to_rdflib(store)) == ""


def test_scale_progress_writes_plain_lines_with_rate_and_eta():
    lines = []
    with BuildProgress(6, terminal=False, write=lines.append, interval=0) as progress:
        progress.advance(skipped=2)
        progress.advance(added=4)
    assert lines[-1].startswith("6/6 documents (4 added, 2 already stored), ")
    assert "docs/s" in lines[-1] and "ETA 0s" in lines[-1]


def test_scale_cli_build_streams_with_processes_and_log_lines(dev_extractions, tmp_path, monkeypatch):
    """`kg build --processes 2` on a JSON Lines file: extraction replaced by the session's (no model loads)."""
    import kg.scale.parallel as parallel

    by_id = {e.document.id: e for e in dev_extractions}
    calls = []

    def fake(documents, settings, *, processes=None, partition_size=None, worker_cpu=None):
        calls.append(processes)
        return (by_id[d.id] for d in documents)

    monkeypatch.setattr(parallel, "extract_parallel", fake)
    source = tmp_path / "dev.jsonl"
    source.write_text("".join(json.dumps(e.document.to_dict()) + "\n" for e in dev_extractions), encoding="utf-8")
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", str(source), "--store", str(store), "--processes", "2", "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert calls == [2]
    assert "15 documents added, 0 already in the store" in result.stdout and "4 transactions" in result.stdout
    assert "kg build: 15/15 documents (15 added, 0 already stored)" in result.stderr
    target = open_store(store, read_only=True)
    assert triple_count(target) > 0 and len(document_index(target)[0]) == 15


# -- bench ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench_result():
    from kg.scale.bench import bench_scale

    return bench_scale(6, large=12, processes=2, dask=False, partition_size=2)


@pytest.mark.model
def test_scale_bench_measures_builds_in_fresh_processes(bench_result):
    result = bench_result
    assert (result.single.documents, result.multi.documents, result.large_multi.documents) == (6, 6, 12)
    assert result.single.rss_parent > 50 * 2**20  # the model loaded in the building process itself
    assert result.multi.rss_worker > 50 * 2**20 and result.multi.rss_parent < result.single.rss_parent
    assert result.speedup > 0 and all(r > 0 for r in result.rss_ratio())
    # CPU: one process loads the pipeline and extracts itself; with two, the workers do (each loads it)
    single, multi = result.single, result.multi
    assert single.worker_cpu == 0 and single.parent_cpu > 0.5
    assert multi.worker_cpu > 0.5 and 0 < multi.parent_cpu < single.parent_cpu
    assert result.ceiling == pytest.approx(multi.worker_cpu / multi.parent_cpu)
    assert all(m.load >= 0 for m in (single, multi))


@pytest.mark.model
def test_scale_cli_bench_scale_prints_speed_up_and_cpu_per_document(bench_result, monkeypatch):
    import re

    import kg.scale.bench

    monkeypatch.setattr(kg.scale.bench, "bench_scale", lambda *args, **kwargs: bench_result)
    result = runner.invoke(app, ["bench", "scale", "--documents", "6", "--large", "12", "--no-dask"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    single, multi = bench_result.single, bench_result.multi
    words = re.search(r"words/s: 1 process ([\d,]+), 2 processes ([\d,]+); speed-up ([\d.]+)x", out)
    assert words, out
    assert int(words[1].replace(",", "")) == round(single.words_per_s)
    assert int(words[2].replace(",", "")) == round(multi.words_per_s)
    assert float(words[3]) == round(bench_result.speedup, 2)
    cpu = re.search(r"CPU per document, 2 processes: parent ([\d.]+) ms, workers ([\d.]+) ms", out)
    assert cpu and float(cpu[1]) == round(multi.parent_cpu_per_doc * 1000, 1), out
    assert float(cpu[2]) == round(multi.worker_cpu_per_doc * 1000, 1)
    ceiling = re.search(r"speed-up ceiling \(worker / parent CPU per document\): ([\d.]+)x", out)
    assert ceiling and float(ceiling[1]) == round(bench_result.ceiling, 1)
    assert re.search(r"load average \(1 min\) before [\d.]+, after [\d.]+", out)


@pytest.mark.model
def test_scale_cli_extract_with_processes_writes_the_serial_records(tmp_path):
    """``kg extract --processes 2`` runs kg build's worker pool (bounded batches): the same lines as one process."""
    from kg.data import data_path

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(data_path("examples.jsonl").read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    serial = runner.invoke(app, ["extract", str(corpus), "-o", str(tmp_path / "one.jsonl")])
    parallel = runner.invoke(app, ["extract", str(corpus), "-o", str(tmp_path / "two.jsonl"), "--processes", "2", "--batch-size", "2"])
    assert serial.exit_code == 0 and parallel.exit_code == 0, serial.output + parallel.output
    one = (tmp_path / "one.jsonl").read_text(encoding="utf-8")
    assert one.count('"kind": "relation"') > 6
    assert (tmp_path / "two.jsonl").read_text(encoding="utf-8") == one
