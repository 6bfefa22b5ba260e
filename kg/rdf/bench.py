"""``kg bench sparql``: the named queries on Oxigraph and on rdflib's in-memory graph.

A synthetic KnowledgeGraph shaped like ir-kg output (documents of a few
relations each over real state, organisation and person ids, skewed towards
a few busy dyads; every predicate of the vocabulary in use, an event the
more often the further its Goldstein score is from 0, between actors of its
domain and range; mostly asserted, some claimed,
hypothetical and negated statements) is written as N-Triples once, then loaded into an Oxigraph store
on disk and into an rdflib ``Graph``, and each named query is timed on both
in the same run. An rdflib query runs in a forked child process with a time
budget, so a slow one is reported as over budget instead of hanging the run.

Then, on the same store, whole processes as people run them (:func:`time_processes`):
``kg query`` with a LIMIT query and with a GROUP BY over predicates against a
bare pyoxigraph script running the same query, ``kg --help``, and ``kg query
--name reference-vs-text`` without parameters (its page), each run alternately
with the others, medians of wall time and of CPU time (user + system of the
process, from ``os.wait4``: what other load on the machine distorts least).

>>> kg = synthetic_graph(documents=3, seed=1)
>>> len(kg.documents), kg.graph.number_of_edges() > 0
(3, True)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field

from kg.bench import ProcessTiming, time_processes
from kg.graph.knowledge import KnowledgeGraph
from kg.records import Document, Entity, Evidence, Extraction, Mention, Relation
from kg.vocab import load_vocabulary

__all__ = ["ProcessTiming", "QueryTiming", "SparqlBench", "bench_params", "bench_sparql", "process_runs", "synthetic_graph",
           "time_processes"]

log = logging.getLogger(__name__)


def bench_params() -> dict[str, dict[str, str]]:
    """Parameters given to the named queries in the benchmark (ids that the synthetic graph uses a lot).

    ``edge-documents`` asks for the symmetric predicate of the vocabulary with the
    lowest Goldstein score (armed conflict in ``ir.ttl``).

    >>> bench_params()["dyad-timeline"]
    {'a': 'ARM', 'b': 'AZE'}
    """
    symmetric = [p for p in load_vocabulary().values() if p.symmetric]
    hostile = min(symmetric, key=lambda p: (p.goldstein, p.name)).name if symmetric else None
    return {
        "allies-of": {"state": "RUS"},
        "members-of": {"org": "NATO"},
        "neighbours-of": {"state": "AZE"},
        "who-leads": {"entity": "RUS"},
        "dyad-timeline": {"a": "ARM", "b": "AZE"},
        "edge-documents": {"s": "AZE", "o": "ARM", **({"p": hostile} if hostile else {})},
    }


_BUSY = ["ARM", "AZE", "RUS", "TUR", "IRN", "USA", "CHN", "UKR", "IND", "PAK", "ISR", "FRA", "DEU", "GBR"]
_ORGS = ["NATO", "CSTO", "UN", "EU", "OSCE", "AU", "ASEAN", "SCO"]
_WORDS = (
    "the ministry said on talks border forces ceasefire officials according to reports agreement security "
    "region government statement military president foreign minister week sources conflict support"
).split()


def _kind(classes: tuple[str, ...]) -> str:
    """The kind of actor drawn for a predicate's domain or range (the ``ir:`` classes it allows)."""
    if "Person" in classes:
        return "person"
    if "Organization" in classes and "State" not in classes:
        return "org"
    if "Region" in classes and "State" not in classes:
        return "region"
    return "state"


def _predicate_shapes() -> dict[str, tuple[str, str]]:
    """Every predicate of the vocabulary -> (subject kind, object kind), from its domain and range.

    >>> shapes = _predicate_shapes()
    >>> shapes["memberOf"], sorted({kinds for kinds in shapes.values()})[-1]
    (('state', 'org'), ('state', 'state'))
    """
    return {name: (_kind(p.domain), _kind(p.range)) for name, p in load_vocabulary().items()}


_MODALITIES = (("asserted", 80), ("claimed", 10), ("hypothetical", 6), ("negated", 4))


def _actors(entries) -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = {"State": [], "Organization": [], "Person": [], "Region": []}
    for id, entry in sorted(entries.items()):
        if entry.type in by_type:
            by_type[entry.type].append(id)
    states = [s for s in _BUSY if s in entries] + [s for s in by_type["State"] if s not in _BUSY]
    orgs = [o for o in _ORGS if o in entries] + [o for o in by_type["Organization"] if o not in _ORGS]
    return {"state": states, "org": orgs, "person": by_type["Person"], "region": by_type["Region"]}


def synthetic_graph(documents: int, *, relations: int = 6, seed: int = 0, entries=None) -> KnowledgeGraph:
    """A KnowledgeGraph of ``documents`` synthetic documents with ``relations`` relations each."""
    if entries is None:
        from kg.resolve.tables import cached_gazetteer

        entries = cached_gazetteer().entries
    rng = random.Random(seed)
    actors = _actors(entries)
    weights = {kind: [1.0 / (rank + 1) ** 0.9 for rank in range(len(ids))] for kind, ids in actors.items()}
    vocabulary = load_vocabulary()
    shapes = _predicate_shapes()
    predicates = list(shapes)
    # news reports violence more often than talks; standing facts (no CAMEO code) come up often too
    predicate_weights = [1.0 + abs(vocabulary[p].goldstein) / 2 if vocabulary[p].cameo else 3.0 for p in predicates]
    modalities, modality_weights = zip(*_MODALITIES)
    kg = KnowledgeGraph(entries=entries)

    def pick(kind: str) -> str:
        return rng.choices(actors[kind], weights[kind])[0]

    for number in range(documents):
        doc = f"synthetic-{number:07d}"
        date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        found: list[Relation] = []
        offset = 0
        for _ in range(relations):
            predicate = rng.choices(predicates, predicate_weights)[0]
            subject_kind, object_kind = shapes[predicate]
            subject, object = pick(subject_kind), pick(object_kind)
            if subject == object:
                continue
            modality = rng.choices(modalities, modality_weights)[0]
            sentence = " ".join(rng.choices(_WORDS, k=rng.randint(12, 30))) + "."
            claimed = modality == "claimed"
            found.append(
                Relation(
                    doc, subject, predicate, object, modality,
                    attributed_to=pick("state") if claimed else None,
                    denied_by=(object,) if claimed and rng.random() < 0.3 else (),
                    date=date,
                    confidence=round(rng.uniform(0.4, 0.95), 3),
                    cameo=vocabulary[predicate].cameo,
                    evidence=Evidence(sentence, offset, offset + len(sentence)),
                )
            )
            offset += len(sentence) + 1
        ids = sorted({r.subject for r in found} | {r.object for r in found} | {r.attributed_to for r in found if r.attributed_to})
        entities = tuple(
            Entity(doc, id, entries[id].type, entries[id].label, (Mention(entries[id].label, 0, 1),) * rng.randint(1, 4))
            for id in ids
        )
        document = Document(doc, f"synthetic document {number}", date, f"Report {number}", f"https://news.example.org/{number}", "synthetic")
        kg.add_extraction(Extraction(document, entities, tuple(found)))
    return kg


def _synthetic_ntriples(target: int, seed: int) -> tuple[bytes, int, int]:
    """N-Triples of a synthetic graph with at least ``target`` triples; also its triple and document counts."""
    from kg.rdf.convert import ntriples, triples

    documents = max(1, target // 90)
    while True:
        kg = synthetic_graph(documents, seed=seed)
        text = ntriples(triples(kg))
        count = text.count("\n")
        if count >= target:
            return text.encode("utf-8"), count, documents
        documents = int(documents * target / count * 1.02) + 1


@dataclass
class QueryTiming:
    name: str
    oxigraph: float
    rdflib: float | None  # None: over budget (or failed)
    rows_oxigraph: int
    rows_rdflib: int | None
    error: str | None = None

    def ratio(self, budget: float) -> tuple[float, bool]:
        """rdflib time / Oxigraph time, and whether it is only a lower bound (rdflib over budget)."""
        slow = self.rdflib if self.rdflib is not None else budget
        return slow / max(self.oxigraph, 1e-6), self.rdflib is None


#: The queries whole ``kg query`` processes are timed with, against a bare pyoxigraph script.
LIMIT_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
GROUP_QUERY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
#: What a user of pyoxigraph alone writes: open the store read-only, run the query, print the rows.
BARE_SCRIPT = "import sys, pyoxigraph\nstore = pyoxigraph.Store.read_only(sys.argv[1])\nfor row in store.query(sys.argv[2]): print(row)"


def process_runs(store: str, runs: int = 5) -> dict[str, ProcessTiming]:
    """The whole-process figures of ``kg bench sparql`` on the store folder ``store`` (see the module docstring)."""
    kg = [sys.executable, "-m", "kg.cli"]
    bare = [sys.executable, "-c", BARE_SCRIPT, store]
    return time_processes({
        "kg query LIMIT": [*kg, "query", store, LIMIT_QUERY],
        "bare LIMIT": [*bare, LIMIT_QUERY],
        "kg query GROUP BY": [*kg, "query", store, GROUP_QUERY],
        "bare GROUP BY": [*bare, GROUP_QUERY],
        "kg --help": [*kg, "--help"],
        "kg query reference-vs-text": [*kg, "query", store, "--name", "reference-vs-text"],
    }, runs=runs)


@dataclass
class SparqlBench:
    triples: int
    documents: int
    budget: float
    load_oxigraph: float
    load_rdflib: float
    queries: list[QueryTiming] = field(default_factory=list)
    #: Whole processes on the same store (:func:`process_runs`), by label; empty when not run.
    processes: dict[str, ProcessTiming] = field(default_factory=dict)
    #: The machine's load average (1 minute) when the processes were timed.
    load_average: float | None = None

    def process_ratio(self, name: str) -> tuple[float, float]:
        """``kg query`` / bare pyoxigraph for ``name`` (``LIMIT`` or ``GROUP BY``): wall and CPU ratios."""
        kg, bare = self.processes[f"kg query {name}"], self.processes[f"bare {name}"]
        return kg.wall / max(bare.wall, 1e-6), kg.cpu / max(bare.cpu, 1e-6)

    def median_ratio(self) -> tuple[float, bool]:
        """Median of the per-query ratios; ``True`` if it is a lower bound."""
        ratios = sorted(q.ratio(self.budget) for q in self.queries)
        middle = statistics.median(r for r, _ in ratios)
        bounded = any(bound and r <= middle for r, bound in ratios)
        return middle, bounded

    def process_lines(self) -> list[str]:
        """The whole-process figures as a table (empty when they were not measured)."""
        if not self.processes:
            return []
        timings, runs = self.processes, next(iter(self.processes.values())).runs
        lines = [f"whole processes on the same store, {runs} alternating runs each, medians; CPU = user + system "
                 f"of the process; load average {self.load_average:.2f} at the start",
                 f"{'run':<46}{'wall s':>9}{'CPU s':>9}{'kg/bare wall':>14}{'kg/bare CPU':>13}  goal"]

        def row(label: str, timing: ProcessTiming | None, ratios: str = "", goal: str = "", wall: float | None = None) -> None:
            wall_s = f"{timing.wall:.3f}" if timing else f"{wall:.3f}"
            lines.append(f"{label:<46}{wall_s:>9}{f'{timing.cpu:.3f}' if timing else '':>9}{ratios:<27}  {goal}".rstrip())

        for name, what, goal in (("LIMIT", "LIMIT 10", "<= 3x"), ("GROUP BY", "GROUP BY predicates", "<= 1.2x")):
            wall, cpu = self.process_ratio(name)
            row(f"kg query, {what}", timings[f"kg query {name}"], f"{wall:>13.2f}x{cpu:>12.2f}x", goal)
            row(f"  bare pyoxigraph script, {what}", timings[f"bare {name}"])
        row("kg --help", timings["kg --help"], "", "< 0.3 s")
        row("kg query --name reference-vs-text (a page)", timings["kg query reference-vs-text"])
        unbound = next((q for q in self.queries if q.name == "reference-vs-text"), None)
        if unbound is not None:
            row(f"reference-vs-text, all {unbound.rows_oxigraph:,} rows, in process", None, "", "(Oxigraph, above)",
                wall=unbound.oxigraph)
        lines.append(f"(queries: {LIMIT_QUERY!r}, {GROUP_QUERY!r}; bare: {BARE_SCRIPT.splitlines()[-1].strip()!r})")
        return lines

    def to_dict(self) -> dict:
        median, bounded = self.median_ratio()
        return {
            "triples": self.triples,
            "documents": self.documents,
            "budget_seconds": self.budget,
            "load_seconds": {"oxigraph": round(self.load_oxigraph, 3), "rdflib": round(self.load_rdflib, 3)},
            "queries": [
                {
                    "name": q.name,
                    "oxigraph_seconds": round(q.oxigraph, 4),
                    "rdflib_seconds": None if q.rdflib is None else round(q.rdflib, 4),
                    "rows": {"oxigraph": q.rows_oxigraph, "rdflib": q.rows_rdflib},
                    "ratio": round(q.ratio(self.budget)[0], 1),
                    "ratio_is_lower_bound": q.ratio(self.budget)[1],
                    "error": q.error,
                }
                for q in self.queries
            ],
            "median_ratio": round(median, 1),
            "median_ratio_is_lower_bound": bounded,
            "processes": {label: timing.to_dict() for label, timing in self.processes.items()},
            "process_ratios": {
                name: dict(zip(("wall", "cpu"), (round(r, 2) for r in self.process_ratio(name))))
                for name in ("LIMIT", "GROUP BY") if f"kg query {name}" in self.processes
            },
            "load_average": self.load_average,
        }


def _rdflib_child(graph, text, bindings, connection) -> None:
    from kg.rdf.query import query_rdflib

    try:
        start = time.perf_counter()
        rows = sum(1 for _ in query_rdflib(graph, text, bindings))
        connection.send((time.perf_counter() - start, rows, None))
    except Exception as error:  # noqa: BLE001 - reported to the parent, not raised in a child
        connection.send((None, None, f"{type(error).__name__}: {error}"))
    connection.close()


def _time_rdflib(graph, text: str, bindings, budget: float) -> tuple[float | None, int | None, str | None]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_rdflib_child, args=(graph, text, bindings, send), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(budget):
            return receive.recv()
        return None, None, None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


def bench_sparql(
    triples: int = 1_000_000, *, budget: float = 20.0, repeats: int = 3, seed: int = 0, progress=None, runs: int = 5
) -> SparqlBench:
    """Time the named queries on Oxigraph (on disk) and on rdflib's memory store, same data, same run.

    Oxigraph's load time includes ``optimize()`` after the bulk load. Its
    query times are the median of ``repeats`` runs; rdflib runs once per
    query, in a forked child killed after ``budget`` seconds. Then whole
    processes are timed on the same store, ``runs`` rounds (:func:`process_runs`;
    ``runs=0``: none). ``progress`` is called with a line of text as steps finish.
    """
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.rdf.query import named_queries, query_store, substitutions

    say = progress or (lambda line: None)
    data, count, documents = _synthetic_ntriples(triples, seed)
    say(f"synthetic graph: {count:,} triples, {documents:,} documents")
    queries, params = named_queries(), bench_params()
    timings = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        store = ox.Store(folder)
        start = time.perf_counter()
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
        store.optimize()  # compact the freshly written files, as after any bulk load
        load_oxigraph = time.perf_counter() - start
        say(f"Oxigraph load: {load_oxigraph:.2f} s")
        for name, query in queries.items():
            bindings = substitutions(params.get(name, {}), query)
            times, rows = [], 0
            for _ in range(repeats):
                start = time.perf_counter()
                rows = sum(1 for _ in query_store(store, query.text, bindings))
                times.append(time.perf_counter() - start)
            timings[name] = (statistics.median(times), rows, bindings)
        del store  # closed: the processes below open it read-only, as kg query does
        load_average = os.getloadavg()[0]
        processes = process_runs(folder, runs) if runs else {}
        if processes:
            say(f"whole processes: {runs} alternating runs of each command")
    graph = Graph()
    start = time.perf_counter()
    graph.parse(data=data.decode("utf-8"), format="nt")
    load_rdflib = time.perf_counter() - start
    say(f"rdflib load: {load_rdflib:.2f} s")
    del data
    result = SparqlBench(count, documents, budget, load_oxigraph, load_rdflib, processes=processes,
                         load_average=load_average if processes else None)
    for name, query in queries.items():
        seconds, rows, bindings = timings[name]
        slow, slow_rows, error = _time_rdflib(graph, query.text, bindings, budget)
        result.queries.append(QueryTiming(name, seconds, slow, rows, slow_rows, error))
        say(f"  {name}: done")
    return result
