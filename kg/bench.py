"""``kg bench speed``: what users run, timed against a bare spaCy script, in one run.

Every figure is measured on whole processes, as a user meets them: the
ir-kg side is ``kg extract FILE`` (reading, screening and language
identification, dates, JSON Lines out); the baseline is a bare script that
loads the same model, reads the same JSON Lines and runs ``nlp.pipe`` with
the same batch size. Runs alternate (bare, ir-kg, bare, ...) so that both see
the same machine, and each figure is the median of ``repeats`` runs
(:func:`time_processes`, which ``kg bench sparql`` uses too). Wall
time and CPU time (user + system of the child, from ``os.wait4``) are both
kept; on a loaded machine CPU time is the one to read.

The table:

- start-up: one document (load, build, parse one text);
- ``N`` documents, whole process, for each ``N`` asked for;
- CPU per document: the CPU time the ``N`` documents add over one document,
  divided by ``N - 1`` (start-up taken out), at the largest ``N``.

With ``instructions``, each run is counted instead of timed: the same whole
processes run under Valgrind's callgrind (``valgrind`` must be installed), which
counts the instructions they execute. The count does not depend on the
machine's load or on the other runs, so the runs go in parallel and one run of
each is enough; it is the figure to compare two versions of the code with on a
shared machine, where CPU time varies by 10-20% between runs of the same
program. Instructions are not time (cache misses, memory stalls), so the timed
table stays the goal's measure; counting is about 50 times slower than running.

Documents are made from a JSON Lines corpus (the bundled example articles by
default, or e.g. ``eval/dev.jsonl``): record ``i mod n`` with a unique id and
a unique closing line, so that screening, which drops repeated texts, keeps
them all.

>>> docs = make_documents([{"id": "a", "text": "Chad and Sudan met."}], 2)
>>> [d["id"] for d in docs], len({d["text"] for d in docs})
(['a-0', 'a-1'], 2)
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.data import data_path

__all__ = ["CountResult", "count_processes", "count_speed", "format_counts", "Figure", "ProcessTiming", "SpeedResult", "bench_speed", "format_table", "make_documents", "read_corpus", "time_processes", "GOALS"]

#: The goals of issue 17 (ir-kg / bare), by figure.
GOALS = {"start-up": 1.3, "documents": 1.15, "cpu per document": 1.10}

#: The baseline: load the model, read the texts, ``nlp.pipe`` them.
_BARE = """\
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as stream:
    texts = [json.loads(line)["text"] for line in stream if line.strip()]
for doc in nlp.pipe(texts, batch_size=int(sys.argv[3])):
    pass
"""


@dataclass
class ProcessTiming:
    """Medians of whole-process runs of one command: wall seconds and CPU seconds (user + system)."""

    label: str
    wall: float
    cpu: float
    runs: int

    def to_dict(self) -> dict:
        return {"label": self.label, "wall_seconds": round(self.wall, 4), "cpu_seconds": round(self.cpu, 4), "runs": self.runs}


def _child_environment() -> dict[str, str]:
    """This process's environment without ``PYTHONDONTWRITEBYTECODE``: with it, every run compiles kg's
    modules from source again (about 0.1 s), which no installed ``kg`` does."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, from ``os.wait4``) of one run of ``command`` (in
    :func:`_child_environment`); its output is dropped."""
    environment = _child_environment()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                 env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command[:4])} ... exited with {child.returncode}: "
                               f"{errors.read().decode('utf-8', 'replace').strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def time_processes(commands: dict[str, list[str]], runs: int = 5, warm_up: bool = True) -> dict[str, ProcessTiming]:
    """Each command of ``commands`` (label -> argv) run ``runs`` times, alternating with the others; medians.

    A first untimed round (``warm_up``) reads the files into the page cache for all alike (and writes
    Python's bytecode caches).

    >>> timing = time_processes({"true": [sys.executable, "-c", "pass"]}, runs=1, warm_up=False)["true"]
    >>> timing.runs, timing.wall > 0, timing.cpu >= 0
    (1, True, True)
    """
    if warm_up:
        for command in commands.values():
            _run_once(command)
    measured: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            measured[label].append(_run_once(command))
    return {
        label: ProcessTiming(label, statistics.median(w for w, _ in times), statistics.median(c for _, c in times), runs)
        for label, times in measured.items()
    }


_COLLECTED = re.compile(r"==\d+== Collected : (\d+)")


def _count_once(command: list[str]) -> int:
    """Instructions executed by one run of ``command`` (a Python command), counted by callgrind.

    Python's hash seed is fixed so that two counts of the same program agree (sets and dicts of
    strings are laid out by it).
    """
    environment = {**_child_environment(), "PYTHONHASHSEED": "0"}
    counted = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    run = subprocess.run(counted, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=environment, text=True, errors="replace")
    found = _COLLECTED.findall(run.stderr)
    if run.returncode != 0 or not found:
        raise RuntimeError(f"valgrind {' '.join(command[:4])} ... exited with {run.returncode}: {run.stderr.strip()[-500:]}")
    return int(found[-1])


def count_processes(commands: dict[str, list[str]], workers: int | None = None) -> dict[str, int]:
    """Instructions of one run of each command (label -> argv), counted in parallel on ``workers`` cores."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        counts = dict(zip(commands, pool.map(_count_once, commands.values())))
    return counts


@dataclass
class Figure:
    """One row of the table: the medians of both sides and their ratio."""

    work: str
    documents: int
    bare: ProcessTiming
    kg: ProcessTiming
    goal: float | None = None
    cpu_based: bool = False

    @property
    def ratio(self) -> float:
        return self.kg.cpu / self.bare.cpu if self.cpu_based else self.kg.wall / self.bare.wall

    @property
    def cpu_ratio(self) -> float:
        return self.kg.cpu / self.bare.cpu

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio": round(self.ratio, 3), "cpu_ratio": round(self.cpu_ratio, 3)}


@dataclass
class SpeedResult:
    model: str
    batch_size: int
    corpus: str
    words: dict[int, int]
    figures: list[Figure] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)

    def to_dict(self) -> dict:
        return {
            "model": self.model, "batch_size": self.batch_size, "corpus": self.corpus, "words": self.words,
            "load_before_after": [round(x, 2) for x in self.load], "figures": [f.to_dict() for f in self.figures],
        }


def read_corpus(path: Path | None = None) -> list[dict]:
    """Records of a JSON Lines corpus (default: the bundled example articles)."""
    with open(path or data_path("examples.jsonl"), encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def make_documents(records: list[dict], count: int) -> list[dict]:
    """``count`` documents cycling through ``records``, each with a unique id and text (see the module)."""
    documents = []
    for i in range(count):
        record = records[i % len(records)]
        base = record.get("id") or f"doc{i % len(records)}"
        documents.append({**record, "id": f"{base}-{i}", "text": f"{record['text']}\n\nReport number {i + 1}."})
    return documents


def _write_documents(records: list[dict], count: int, path: Path) -> int:
    """Write ``count`` documents made from ``records`` to ``path``; their words."""
    with open(path, "w", encoding="utf-8") as stream:
        for document in make_documents(records, count):
            stream.write(json.dumps(document, ensure_ascii=False) + "\n")
    return _words(path)


def _commands(model: str, path: Path, out: Path, batch_size: int) -> dict[str, list[str]]:
    """The two sides on the documents at ``path``: the bare script and ``kg extract``."""
    return {
        "bare": [sys.executable, "-c", _BARE, model, str(path), str(batch_size)],
        "kg": [sys.executable, "-c", "from kg.cli import main; main()", "extract", str(path), "-o", str(out),
               "--model", model, "--batch-size", str(batch_size)],
    }


def _words(path: Path) -> int:
    with open(path, encoding="utf-8") as stream:
        return sum(len(json.loads(line)["text"].split()) for line in stream if line.strip())


def bench_speed(model: str, *, corpus: Path | None = None, sizes: tuple[int, ...] = (300,), repeats: int = 3,
                batch_size: int = 32, progress=None) -> SpeedResult:
    """Start-up, whole runs of ``sizes`` documents and CPU per document, ir-kg against a bare spaCy script."""
    records = read_corpus(corpus)
    result = SpeedResult(model, batch_size, str(corpus or "bundled examples"), {}, load=(os.getloadavg()[0], 0.0))
    with tempfile.TemporaryDirectory(prefix="kg-bench-speed-") as folder:
        out = Path(folder) / "out.jsonl"
        for count in sorted({1, *sizes}):
            path = Path(folder) / f"docs-{count}.jsonl"
            result.words[count] = _write_documents(records, count, path)
            commands = _commands(model, path, out, batch_size)
            if progress:
                progress(f"{count} documents, {repeats} runs of each side")
            # the first size's warm-up round reads the files and writes the bytecode for all the others
            timings = time_processes(commands, runs=repeats, warm_up=count == 1)
            work = "start-up (1 document)" if count == 1 else f"{count:,} documents"
            figure = Figure(work, count, timings["bare"], timings["kg"], GOALS["start-up"] if count == 1 else GOALS["documents"])
            result.figures.append(figure)
        largest = max(result.figures, key=lambda f: f.documents)
        first = result.figures[0]
        if largest.documents > 1:
            per = largest.documents - 1
            result.figures.append(Figure(
                f"CPU per document (at {largest.documents:,})", largest.documents,
                ProcessTiming("bare", (largest.bare.wall - first.bare.wall) / per, (largest.bare.cpu - first.bare.cpu) / per, repeats),
                ProcessTiming("kg", (largest.kg.wall - first.kg.wall) / per, (largest.kg.cpu - first.kg.cpu) / per, repeats),
                GOALS["cpu per document"], cpu_based=True))
    result.load = (result.load[0], os.getloadavg()[0])
    return result


@dataclass
class CountResult:
    """Instructions of whole runs of both sides, by document count (see the module)."""

    model: str
    batch_size: int
    corpus: str
    words: dict[int, int]
    counts: dict[int, dict[str, int]] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, float, float, float | None]]:
        """(work, bare, ir-kg, goal) in instructions: start-up, each count, and per document at the largest."""
        rows = []
        for count, sides in sorted(self.counts.items()):
            work = "start-up (1 document)" if count == 1 else f"{count:,} documents"
            rows.append((work, sides["bare"], sides["kg"], GOALS["start-up"] if count == 1 else GOALS["documents"]))
        largest = max(self.counts)
        if largest > 1:
            first, last = self.counts[1], self.counts[largest]
            rows.append((f"per document (at {largest:,})", (last["bare"] - first["bare"]) / (largest - 1),
                         (last["kg"] - first["kg"]) / (largest - 1), GOALS["cpu per document"]))
        return rows

    def to_dict(self) -> dict:
        return {
            "model": self.model, "batch_size": self.batch_size, "corpus": self.corpus, "words": self.words,
            "instructions": [{"work": work, "bare": round(bare), "kg": round(kg), "ratio": round(kg / bare, 4), "goal": goal}
                             for work, bare, kg, goal in self.rows()],
        }


def count_speed(model: str, *, corpus: Path | None = None, sizes: tuple[int, ...] | None = None, batch_size: int = 32,
                progress=None) -> CountResult:
    """Instructions of start-up, whole runs of ``sizes`` documents and per document, ir-kg against bare spaCy.

    ``sizes`` defaults to the corpus's length plus one, so that the per-document figure reads each
    record of the corpus once. Each command first runs once untimed and uncounted, which writes the
    bytecode and the caches every later run reads.
    """
    records = read_corpus(corpus)
    sizes = sizes or (len(records) + 1,)
    result = CountResult(model, batch_size, str(corpus or "bundled examples"), {})
    with tempfile.TemporaryDirectory(prefix="kg-bench-count-") as folder:
        commands = {}
        for count in sorted({1, *sizes}):
            path = Path(folder) / f"docs-{count}.jsonl"
            result.words[count] = _write_documents(records, count, path)
            for side, command in _commands(model, path, Path(folder) / f"out-{count}.jsonl", batch_size).items():
                commands[(count, side)] = command
        for command in (commands[(1, "bare")], commands[(1, "kg")]):
            _run_once(command)
        if progress:
            progress(f"counting {len(commands)} runs under callgrind (each about 50 times slower than a timed run)")
        for (count, side), instructions in count_processes(commands).items():
            result.counts.setdefault(count, {})[side] = instructions
    return result


def format_counts(result: CountResult) -> list[str]:
    """The table ``kg bench speed --instructions`` prints."""
    lines = [
        f"model {result.model}, batch size {result.batch_size}, corpus {result.corpus}; instructions (callgrind)",
        f"{'work':30} {'bare':>16} {'ir-kg':>16} {'ratio':>7} {'goal':>6}",
    ]
    for work, bare, kg, goal in result.rows():
        lines.append(f"{work:30} {bare:>16,.0f} {kg:>16,.0f} {kg / bare:>7.3f} {f'<={goal:.2f}' if goal else '':>6}")
    lines.append("ratio: instructions executed, whole processes, one run each (a count does not vary with the machine's load)")
    return lines


def format_table(result: SpeedResult) -> list[str]:
    """The table ``kg bench speed`` prints."""
    lines = [
        f"model {result.model}, batch size {result.batch_size}, corpus {result.corpus}; "
        f"load average {result.load[0]:.2f} before, {result.load[1]:.2f} after",
        f"{'work':30} {'bare wall':>10} {'ir-kg wall':>10} {'bare CPU':>9} {'ir-kg CPU':>9} {'ratio':>6} {'CPU ratio':>9} {'goal':>6}",
    ]
    for f in result.figures:
        unit = "ms" if "per document" in f.work else "s"
        scale = 1000 if unit == "ms" else 1
        goal = f"<={f.goal:.2f}" if f.goal else ""
        lines.append(
            f"{f.work:30} {f.bare.wall * scale:>8.2f}{unit:>2} {f.kg.wall * scale:>8.2f}{unit:>2} "
            f"{f.bare.cpu * scale:>7.2f}{unit:>2} {f.kg.cpu * scale:>7.2f}{unit:>2} {f.ratio:>6.3f} {f.cpu_ratio:>9.3f} {goal:>6}"
        )
    lines.append("ratio: wall time (CPU time for 'per document'); both whole processes, medians of alternating runs")
    return lines
