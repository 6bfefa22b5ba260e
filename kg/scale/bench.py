"""``kg bench scale``: whole builds timed and measured in fresh processes, in one run.

Each measured build runs in its own process (``spawn``), builds a store on
disk from a JSON Lines file of synthetic documents, and reports its wall
time and peak resident memory (:func:`peak_rss`: the building process's
own, and the largest of its workers'). The figures:

- words/s of a build with 1 process and with N (the speed-up);
- CPU seconds of the building process (the parent: reading, screening,
  sending documents to the workers, taking their records back, the store
  writes) and of its workers (the sum over workers, as each counts its own),
  per document: the ratio worker / parent CPU per document is about how many
  workers one parent can keep busy, the ceiling of the speed-up on many cores;
- a Dask ``LocalCluster`` of N workers against the local build with N processes;
- peak memory of the N-process build on ``documents`` and on ``large`` documents.

Synthetic documents are made from the bundled example corpus: article
``i mod 40`` followed by one paragraph of another article chosen at random
(seeded), with a unique id — so no two texts are equal and the vocabulary
stays that of real news.

>>> docs = list(synthetic_documents(3))
>>> [d.id for d in docs], len({d.text for d in docs})
(['synth-000000', 'synth-000001', 'synth-000002'], 3)
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from kg.records import Document

__all__ = [
    "Measure", "ScaleResult", "bench_scale", "measure_build", "peak_rss", "synthetic_documents", "write_synthetic",
    "write_synthetic_warc",
]


def synthetic_documents(count: int, seed: int = 0) -> Iterator[Document]:
    """``count`` documents made from the example corpus (see the module docstring)."""
    from kg.data import data_path

    with open(data_path("examples.jsonl"), encoding="utf-8") as stream:
        articles = [json.loads(line) for line in stream if line.strip()]
    paragraphs = [p for a in articles for p in a["text"].split("\n") if len(p.split()) >= 8]
    rng = random.Random(seed)
    for i in range(count):
        article = articles[i % len(articles)]
        extra = rng.choice(paragraphs)
        text = f"{article['text']}\n{extra}\nReport number {i + 1}."
        yield Document(f"synth-{i:06d}", text, article.get("date"), article.get("title"))


_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Example Wire</title>
<meta property="og:site_name" content="The Example Wire"><meta property="og:url" content="{url}">
<meta property="article:published_time" content="{date}"><link rel="canonical" href="{url}"></head><body>
<div class="cookies"><p>We use cookies to improve your experience and to measure our audience. By continuing you accept them.</p><button>Accept</button></div>
<header><a href="/">The Example Wire</a><nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article><h1>{title}</h1><div class="byline">By the World Desk</div>{paragraphs}</article>
<aside><h2>Most read</h2><ol>{related}</ol></aside></main>
<footer><a href="/about">About us</a> <a href="/privacy">Privacy</a><p>All rights reserved.</p></footer></body></html>"""


def write_synthetic_warc(path: Path, count: int, seed: int = 0) -> int:
    """The documents of :func:`write_synthetic` as a gzipped WARC of news pages; returns their words.

    Each document is an HTML response (its paragraphs in a page with a menu,
    cookie notice, most-read list and footer) preceded by its request record,
    as crawlers write them; every tenth page is followed by an image response.
    """
    import html
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    words = 0
    titles = [d.title or d.id for d in synthetic_documents(min(count, 40), seed)]
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for i, document in enumerate(synthetic_documents(count, seed)):
            words += len(document.text.split())
            url = f"https://wire.example/{i // 1000:03d}/{document.id}"
            title = html.escape(document.title or document.id)
            page = _PAGE.format(
                title=title, url=url, date=f"{document.date}T09:00:00Z" if document.date else "",
                paragraphs="".join(f"<p>{html.escape(p)}</p>" for p in document.text.split("\n") if p.strip()),
                related="".join(f'<li><a href="/r{j}">{html.escape(titles[(i + j) % len(titles)])}</a></li>' for j in range(1, 5)),
            ).encode("utf-8")
            request = StatusAndHeaders(f"GET /{document.id} HTTP/1.1", [("Host", "wire.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=headers))
            if i % 10 == 9:
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"{url}.jpg", "response", payload=io.BytesIO(b"\xff\xd8" * 512),
                                                              http_headers=image))
    return words


def write_synthetic(path: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` synthetic documents as JSON Lines; returns their words (whitespace-separated)."""
    words = 0
    with open(path, "w", encoding="utf-8") as stream:
        for document in synthetic_documents(count, seed):
            words += len(document.text.split())
            record = {k: v for k, v in document.to_dict().items() if v is not None}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


@dataclass
class Measure:
    """One build: what it did, how long it took, its peak memory (bytes)."""

    label: str
    documents: int
    words: int
    seconds: float
    rss_parent: int
    rss_worker: int
    #: Cores that other processes of the machine kept busy on average during the run (0 on a quiet machine).
    other_cores: float = 0.0
    #: CPU seconds of the building process during the build (all its threads).
    parent_cpu: float = 0.0
    #: CPU seconds of its worker processes (the sum; 0 when everything ran in the building process).
    worker_cpu: float = 0.0
    #: The machine's load average (1 minute) when the build started.
    load: float = 0.0

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def parent_cpu_per_doc(self) -> float:
        return self.parent_cpu / self.documents if self.documents else 0.0

    @property
    def worker_cpu_per_doc(self) -> float:
        return self.worker_cpu / self.documents if self.documents else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "words_per_s": round(self.words_per_s), "docs_per_s": round(self.docs_per_s, 2),
                "parent_cpu_per_doc": round(self.parent_cpu_per_doc, 5),
                "worker_cpu_per_doc": round(self.worker_cpu_per_doc, 5)}


def peak_rss(pid: int | str = "self") -> int:
    """Peak resident memory of a process in bytes (Linux ``VmHWM``; elsewhere ``ru_maxrss`` of this one).

    ``VmHWM`` belongs to the address space, which ``exec`` renews, whereas
    ``ru_maxrss`` survives ``exec``: a process spawned by a large parent
    would report the parent's peak.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if pid == "self" else 0


class _WorkerPeak:
    """The largest peak resident memory of any descendant process, sampled every ``interval`` seconds.

    Pool workers are forked by a fork server, not by the measured process, so
    ``RUSAGE_CHILDREN`` does not see them; psutil (a dependency of Dask
    distributed) lists them, and each one's own peak (``VmHWM``) is read.
    """

    def __init__(self, interval: float = 0.25) -> None:
        import threading

        self.peak = 0
        self.cpu: dict[int, float] = {}  # CPU seconds of each descendant, last sample
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # pragma: no cover - distributed brings psutil
            return
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            for child in me.children(recursive=True):
                self.peak = max(self.peak, peak_rss(child.pid))
                try:
                    times = child.cpu_times()
                    self.cpu[child.pid] = times.user + times.system
                except psutil.Error:
                    continue

    def __enter__(self) -> "_WorkerPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux ``/proc/stat``), or NaN."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _build(spec: dict, queue) -> None:
    """In a fresh process: one build of ``spec['input']`` into a new store; puts a dict on ``queue``."""
    import logging

    logging.disable(logging.WARNING)
    try:
        from kg.ingest import screen
        from kg.rdf.store import open_store
        from kg.scale.inputs import stream_inputs
        from kg.settings import Settings

        settings = Settings().replace(model=spec.get("model"))
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
            store = open_store(Path(folder) / "store")
            # what `kg build` reads: streamed, then screened (language, size, repeated ids) here, in the parent
            read = {"words": 0}

            def documents_read():
                for item in screen(stream_inputs([spec["input"]])):
                    if isinstance(item, Document):
                        read["words"] += len(item.text.split())
                        yield item

            documents = documents_read()
            worker_cpu: dict[int, float] = {}  # what each local worker counts of its own CPU
            with _WorkerPeak() as workers:
                busy_before, own_before = _machine_busy(), _own_cpu()
                start = time.perf_counter()
                if spec["dask"]:
                    from kg.scale.cluster import build_dask

                    report = build_dask(store, documents, settings, workers=spec["processes"], partition_size=spec["partition"])
                else:
                    from kg.scale.build import build_local

                    report = build_local(store, documents, settings, processes=spec["processes"], partition_size=spec["partition"],
                                         worker_cpu=worker_cpu)
                seconds = time.perf_counter() - start
                parent = _own_cpu() - own_before
                busy = _machine_busy() - busy_before
            # Dask workers (not counted by the workers themselves): the last samples of every descendant
            children = sum(worker_cpu.values()) if worker_cpu else sum(workers.cpu.values())
            own = parent + max(children, sum(workers.cpu.values()))
            del store
        queue.put({
            "documents": len(report.added),
            "words": read["words"],
            "seconds": seconds,
            "rss_parent": peak_rss(),
            "rss_worker": workers.peak,
            "other_cores": max(0.0, (busy - own) / seconds) if busy is not None and busy >= 0 else 0.0,
            "parent_cpu": parent,
            "worker_cpu": children,
        })
    except BaseException as error:  # reported to the parent, which raises it
        queue.put({"error": f"{type(error).__name__}: {error}"})


def measure_build(label: str, input: Path, words: int, *, processes: int, dask: bool = False,
                  partition: int | None = None, model: str | None = None) -> Measure:
    """Run one build in a fresh process and measure it."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    spec = {"input": str(input), "processes": processes, "dask": dask, "partition": partition, "model": model}
    load = os.getloadavg()[0]
    process = context.Process(target=_build, args=(spec, queue))
    process.start()
    result = queue.get()
    process.join()
    if "error" in result:
        raise RuntimeError(f"{label}: {result['error']}")
    # the words of the documents read (a web page's text is what the article reader kept of it)
    return Measure(label, result["documents"], result.get("words") or words, result["seconds"], result["rss_parent"],
                   result["rss_worker"], round(result["other_cores"], 2), result["parent_cpu"], result["worker_cpu"], load)


@dataclass
class ScaleResult:
    processes: int
    documents: int
    large: int | None
    single: Measure
    multi: Measure
    dask: Measure | None = None
    large_multi: Measure | None = None
    warc: Measure | None = None
    large_warc: Measure | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def warc_ratio(self) -> float | None:
        """words/s of the WARC build / of the JSON Lines build of the same texts, N processes each."""
        return self.warc.words_per_s / self.multi.words_per_s if self.warc else None

    @property
    def speedup(self) -> float:
        return self.single.seconds / self.multi.seconds

    @property
    def ceiling(self) -> float | None:
        """Worker CPU / parent CPU per document of the N-process build: about how many workers one parent can feed."""
        parent = self.multi.parent_cpu_per_doc
        return self.multi.worker_cpu_per_doc / parent if parent and self.multi.worker_cpu else None

    @property
    def dask_ratio(self) -> float | None:
        """Dask time / local time, both with N processes (> 1: Dask is slower)."""
        return self.dask.seconds / self.multi.seconds if self.dask else None

    def rss_ratio(self) -> tuple[float, float] | None:
        """Peak RSS on ``large`` documents / on ``documents``: (building process, largest worker)."""
        if self.large_multi is None:
            return None
        small, large = self.multi, self.large_multi
        worker = large.rss_worker / small.rss_worker if small.rss_worker else 0.0
        return large.rss_parent / small.rss_parent, worker

    def to_dict(self) -> dict:
        rss = self.rss_ratio()
        return {
            "processes": self.processes,
            "documents": self.documents,
            "large": self.large,
            "runs": [m.to_dict() for m in (self.single, self.multi, self.warc, self.dask, self.large_multi, self.large_warc)
                     if m is not None],
            "warc_over_jsonl": None if self.warc is None else round(self.warc_ratio, 3),
            "speedup": round(self.speedup, 3),
            "parent_cpu_per_doc": round(self.multi.parent_cpu_per_doc, 5),
            "worker_cpu_per_doc": round(self.multi.worker_cpu_per_doc, 5),
            "ceiling": None if self.ceiling is None else round(self.ceiling, 1),
            "dask_over_local": None if self.dask is None else round(self.dask_ratio, 3),
            "rss_ratio_parent": None if rss is None else round(rss[0], 3),
            "rss_ratio_worker": None if rss is None else round(rss[1], 3),
            "notes": self.notes,
        }


def bench_scale(
    documents: int = 2000,
    *,
    large: int | None = 20000,
    processes: int | None = None,
    dask: bool = True,
    partition_size: int | None = None,
    model: str | None = None,
    progress: Callable[[str], None] | None = None,
    warc: bool = False,
) -> ScaleResult:
    """Build ``documents`` synthetic documents with 1 and with N processes (and on Dask), then ``large`` ones.

    With ``warc``, the same documents are also built from a WARC of news pages
    (:func:`write_synthetic_warc`) with N processes, right after the JSON Lines
    build, and the ``large`` run is repeated from a WARC.
    """
    from kg.scale.parallel import default_processes

    processes = processes or default_processes()
    say = progress or (lambda line: None)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kg-bench-scale-") as folder:
        small_path = Path(folder) / "small.jsonl"
        words = write_synthetic(small_path, documents)
        say(f"{documents:,} synthetic documents, {words:,} words; {processes} processes")
        single = measure_build("local, 1 process", small_path, words, processes=1, model=model)
        say(f"  1 process: {single.seconds:.1f} s")
        multi = measure_build(f"local, {processes} processes", small_path, words, processes=processes, partition=partition_size, model=model)
        say(f"  {processes} processes: {multi.seconds:.1f} s")
        result = ScaleResult(processes, documents, large, single, multi)
        if warc:
            warc_path = Path(folder) / "small.warc.gz"
            write_synthetic_warc(warc_path, documents)
            result.warc = measure_build(f"WARC, {processes} processes", warc_path, words, processes=processes,
                                        partition=partition_size, model=model)
            say(f"  WARC, {processes} processes: {result.warc.seconds:.1f} s")
        if dask:
            result.dask = measure_build(f"Dask LocalCluster, {processes} workers", small_path, words,
                                        processes=processes, dask=True, partition=partition_size, model=model)
            say(f"  Dask: {result.dask.seconds:.1f} s")
        if large:
            large_path = Path(folder) / "large.jsonl"
            large_words = write_synthetic(large_path, large)
            say(f"{large:,} synthetic documents, {large_words:,} words (memory)")
            result.large_multi = measure_build(f"local, {processes} processes, {large:,} documents", large_path,
                                               large_words, processes=processes, partition=partition_size, model=model)
            say(f"  {processes} processes: {result.large_multi.seconds:.1f} s")
            if warc:
                large_warc = Path(folder) / "large.warc.gz"
                write_synthetic_warc(large_warc, large)
                result.large_warc = measure_build(f"WARC, {processes} processes, {large:,} documents", large_warc,
                                                  large_words, processes=processes, partition=partition_size, model=model)
                say(f"  WARC, {processes} processes: {result.large_warc.seconds:.1f} s")
    # other work on the machine slows the runs unevenly: say how busy it was
    result.notes.append(f"load average (1 min) before {load:.2f}, after {os.getloadavg()[0]:.2f}, on {os.cpu_count()} cores")
    return result
