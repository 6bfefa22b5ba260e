"""A bounded load test of ``kg serve``, on loopback only, with the standard library.

:func:`load_test` sends ``requests`` HTTP requests from ``concurrency``
threads (one connection a request, as ``kg serve`` closes each) and counts
statuses, errors and latencies. :func:`bench_serve` starts ``kg serve`` on a
store in a child process (so that the front server does not share this
process's interpreter lock with the client) and runs the same SPARQL first
straight against its SPARQL process (the baseline, on its private Unix socket,
with its key), then through the front:

    result = bench_serve("kg.store", requests=2000, concurrency=16)
    result.ratio("p50"), result.ratio("p99")   # front / direct, SPARQL requests only
"""

from __future__ import annotations

import http.client
import itertools
import math
import multiprocessing
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.rdf.convert import PREFIXES
from kg.rdf.query import named_queries, substitutions
from kg.rdf.remote import with_prefixes, with_values
from kg.serve.front import ServeSettings, is_loopback

__all__ = ["BenchServe", "LoadResult", "Probe", "bench_serve", "direct_probes", "front_probes", "load_test", "percentile"]

#: Bounds of a load test: it is meant for a machine's own loopback, not for flooding anything.
MAX_REQUESTS, MAX_CONCURRENCY = 100_000, 256
_JSON = "application/sparql-results+json"
SELECT = "SELECT ?s ?label WHERE { ?s a ir:State ; rdfs:label ?label } ORDER BY ?label LIMIT 50"
NAMED, NAMED_PARAMS = "allies-of", {"state": "ARM"}
#: Labels of the requests that send SPARQL (compared with the direct baseline).
SPARQL_LABELS = ("sparql", "named")


@dataclass(frozen=True)
class Probe:
    """One kind of request: a label, the method, the path (with its query string) and headers."""

    label: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


def front_probes() -> list[Probe]:
    """The mix sent to ``kg serve``: ``/sparql`` (SELECT, JSON), a named query with a parameter, ``/queries``."""
    accept = (("Accept", _JSON),)
    return [
        Probe("sparql", "GET", "/sparql?" + urllib.parse.urlencode({"query": SELECT}), accept),
        Probe("named", "GET", f"/named/{NAMED}?" + urllib.parse.urlencode(NAMED_PARAMS), accept),
        Probe("queries", "GET", "/queries"),
    ]


def direct_probes(path: str = "/query") -> list[Probe]:
    """The same SPARQL as :func:`front_probes`, as the front sends it, for Oxigraph's own endpoint."""
    query = named_queries()[NAMED]
    named = with_values(with_prefixes(query.text, PREFIXES), substitutions(NAMED_PARAMS, query))
    accept = (("Accept", _JSON),)
    return [
        Probe("sparql", "GET", f"{path}?" + urllib.parse.urlencode({"query": with_prefixes(SELECT, PREFIXES)}), accept),
        Probe("named", "GET", f"{path}?" + urllib.parse.urlencode({"query": named}), accept),
    ]


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``; NaN for none.

    >>> percentile([4.0, 1.0, 3.0, 2.0], 50), percentile([4.0, 1.0, 3.0, 2.0], 99)
    (2.0, 4.0)
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class LoadResult:
    """What a load test saw: statuses, errors (exceptions by type) and latencies (s) by probe label."""

    url: str
    requests: int
    concurrency: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def times(self, labels=None) -> list[float]:
        return [t for label, values in self.latencies.items() if labels is None or label in labels for t in values]

    def summary(self, labels=None) -> dict:
        """Count, p50, p90, p99 and max in milliseconds, for ``labels`` (default: every request)."""
        times = self.times(labels)
        return {"count": len(times), **{f"p{q}_ms": percentile(times, q) * 1000 for q in (50, 90, 99)},
                "max_ms": max(times, default=math.nan) * 1000}

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan

    def to_dict(self) -> dict:
        return {
            "url": self.url, "requests": self.requests, "concurrency": self.concurrency,
            "seconds": self.seconds, "requests_per_s": self.requests_per_s,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, "errors": dict(self.errors),
            "all": self.summary(), "by_label": {label: self.summary([label]) for label in sorted(self.latencies)},
        }


def load_test(
    url: str,
    requests: int = 2000,
    concurrency: int = 16,
    *,
    probes: list[Probe] | None = None,
    headers: dict | None = None,
    timeout: float = 60.0,
    connect=None,
) -> LoadResult:
    """Send ``requests`` requests (``probes`` in turn; default :func:`front_probes`) to ``url``.

    ``url`` must be on a loopback address; ``requests`` and ``concurrency``
    are bounded (:data:`MAX_REQUESTS`, :data:`MAX_CONCURRENCY`). ``connect(timeout)``,
    if given, opens each connection instead (``kg serve``'s SPARQL process on its Unix socket).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or not is_loopback(parts.hostname):
        raise ValueError(f"the load test runs against http:// on a loopback address only, not {url!r}")
    if not (1 <= requests <= MAX_REQUESTS and 1 <= concurrency <= MAX_CONCURRENCY):
        raise ValueError(f"requests must be 1..{MAX_REQUESTS:,} and concurrency 1..{MAX_CONCURRENCY}")
    probes = probes or front_probes()
    base = parts.path.rstrip("/")
    extra = dict(headers or {})
    result = LoadResult(url, requests, concurrency, 0.0, latencies={p.label: [] for p in probes})
    numbers, lock = itertools.count(), threading.Lock()

    def worker() -> None:
        statuses, errors, times = Counter(), Counter(), {p.label: [] for p in probes}
        while True:
            with lock:
                number = next(numbers)
            if number >= requests:
                break
            probe = probes[number % len(probes)]
            started = time.perf_counter()
            connection = (connect(timeout) if connect is not None
                          else http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout))
            try:
                connection.request(probe.method, base + probe.path, probe.body,
                                   {**dict(probe.headers), **extra, "Connection": "close"})
                response = connection.getresponse()
                response.read()
                statuses[response.status] += 1
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                continue
            finally:
                connection.close()
            times[probe.label].append(time.perf_counter() - started)
        with lock:
            result.statuses.update(statuses)
            result.errors.update(errors)
            for label, values in times.items():
                result.latencies[label].extend(values)

    threads = [threading.Thread(target=worker, name=f"load-{i}", daemon=True) for i in range(min(concurrency, requests))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class BenchServe:
    """``kg bench serve``: the same SPARQL straight to the SPARQL process (baseline) and through ``kg serve``."""

    store: str
    direct: LoadResult
    front: LoadResult

    def ratio(self, which: str = "p50") -> float:
        """Front / direct latency (``p50``, ``p90``, ``p99``) over the SPARQL requests."""
        return self.front.summary(SPARQL_LABELS)[f"{which}_ms"] / self.direct.summary(SPARQL_LABELS)[f"{which}_ms"]

    def to_dict(self) -> dict:
        return {"store": self.store, "direct": self.direct.to_dict(), "front": self.front.to_dict(),
                "front_sparql": self.front.summary(SPARQL_LABELS),
                "ratio": {q: self.ratio(q) for q in ("p50", "p90", "p99")}}


def _serve_child(store: str, settings: ServeSettings, pipe) -> None:
    """In a child process: ``kg serve`` on port 0 until the parent says stop (or goes away)."""
    from kg.serve import serve

    try:
        served = serve(store, port=0, settings=settings)
    except Exception as error:  # told to the parent, which raises it
        pipe.send(("error", f"{type(error).__name__}: {error}"))
        return
    with served:
        pipe.send(("ready", served.url, served.backend.socket_path, served.backend.headers))
        try:
            pipe.recv()
        except EOFError:
            pass


def bench_serve(
    store: str | Path,
    requests: int = 2000,
    concurrency: int = 16,
    *,
    settings: ServeSettings | None = None,
    warmup: int = 100,
) -> BenchServe:
    """Start ``kg serve`` on ``store`` (port 0, child process), load-test its SPARQL process's ``/query``, then the front."""
    settings = (settings or ServeSettings()).replace(max_concurrent=max(concurrency, ServeSettings().max_concurrent))
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve_child, args=(str(store), settings, child), name="kg-serve-bench", daemon=True)
    process.start()
    try:
        if not parent.poll(120):
            raise RuntimeError("kg serve did not start within 120 s")
        message = parent.recv()
        if message[0] != "ready":
            raise RuntimeError(f"kg serve did not start: {message[1]}")
        from kg.serve.backend import UnixHTTPConnection

        front_url, socket_path, key = message[1], message[2], message[3]
        straight = dict(probes=direct_probes("/query"), headers=key,
                      connect=lambda timeout: UnixHTTPConnection(socket_path, timeout))
        headers = {"Authorization": f"Bearer {settings.token}"} if settings.token else None
        load_test("http://localhost/", warmup, min(concurrency, warmup), **straight)
        load_test(front_url, warmup, min(concurrency, warmup), headers=headers)
        direct = load_test("http://localhost/", requests, concurrency, **straight)
        front = load_test(front_url, requests, concurrency, headers=headers)
        return BenchServe(str(store), direct, front)
    finally:
        try:
            parent.send("stop")
        except OSError:
            pass
        process.join(30)
        if process.is_alive():
            process.terminate()
            process.join(10)
