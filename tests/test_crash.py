"""Crash safety: ``kg build`` killed with SIGKILL at several points, then run again.

Each kill leaves a store that opens, passes ``kg validate``, and — built
again from the same input — holds exactly the triples of an uninterrupted
build. Reports and exports are whole or absent (temporary file + rename).
The kill points are named in tests/crash_driver.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.data import data_path
from kg.rdf.convert import PREFIXES
from kg.rdf.store import open_store, store_triples

DRIVER = Path(__file__).with_name("crash_driver.py")
BUILD_POINTS = [
    "opened",
    "extracting",
    "before-commit",
    "during-commit",
    "after-commit",
    "final-flush",
    "workers",
    "dask-shard",
    "errors-report",
]
OLD_REPORT = "the report of an earlier build\n"

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Ten bundled example articles and one malformed line (so that the build has something to report)."""
    lines = data_path("examples.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    path = tmp_path_factory.mktemp("crash") / "corpus.jsonl"
    path.write_text("\n".join(lines[:5] + ['{"id": "broken", "text": '] + lines[5:]) + "\n", encoding="utf-8")
    return path


def _build_args(corpus: Path, store: Path, errors: Path, processes: int = 1, dask: bool = False) -> list[str]:
    return ["build", str(corpus), "--store", str(store), "--batch-size", "2", "--partition-size", "2",
            "--processes", str(processes), "--no-progress", "--errors", str(errors), *(["--dask", "local"] if dask else [])]


def _triples(store: Path) -> set:
    return set(store_triples(open_store(store, read_only=True)))


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[Path, set]:
    """The store of an uninterrupted build, and its triples."""
    folder = tmp_path_factory.mktemp("reference")
    result = runner.invoke(app, _build_args(corpus, folder / "store", folder / "errors.jsonl"))
    assert result.exit_code == 1, result.output  # 1: the malformed line was skipped
    assert "10 documents added" in result.output
    return folder / "store", _triples(folder / "store")


def _killed(point: str, command: list[str]) -> subprocess.CompletedProcess:
    """Run ``kg COMMAND`` under the driver, in its own session so that a kill takes its workers along."""
    process = subprocess.run(
        [sys.executable, str(DRIVER), point, "--", *command],
        capture_output=True, text=True, timeout=600, start_new_session=True,
    )
    assert process.returncode == -signal.SIGKILL, f"{point}: exit {process.returncode}\n{process.stderr[-2000:]}"
    return process


@pytest.mark.parametrize("point", BUILD_POINTS)
def test_a_killed_build_leaves_a_valid_store_that_resumes_to_the_same_graph(point, corpus, reference, tmp_path):
    store, errors = tmp_path / "store", tmp_path / "errors.jsonl"
    errors.write_text(OLD_REPORT, encoding="utf-8")
    if point == "dask-shard":
        pytest.importorskip("dask.distributed")
    _killed(point, _build_args(corpus, store, errors, processes=2 if point == "workers" else 1, dask=point == "dask-shard"))

    assert errors.read_text(encoding="utf-8") == OLD_REPORT  # never half a report
    assert open_store(store, read_only=True) is not None
    validated = runner.invoke(app, ["validate", str(store)])
    assert validated.exit_code == 0, validated.output
    counts = PREFIXES["ir"] + "mentionCount"  # running totals: lower in a partial store
    partial = {t for t in _triples(store) if t[1] != counts}
    assert partial <= reference[1]  # nothing that a finished build would not hold

    resumed = runner.invoke(app, _build_args(corpus, store, errors))
    assert resumed.exit_code == 1, resumed.output
    assert _triples(store) == reference[1]
    report = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in report] == [6]


def test_kill_points_are_where_they_say(corpus, reference, tmp_path):
    """A kill after the second commit keeps exactly the first two batches (four documents)."""
    store = tmp_path / "store"
    _killed("after-commit", _build_args(corpus, store, tmp_path / "errors.jsonl"))
    documents = open_store(store, read_only=True).query("SELECT (COUNT(?d) AS ?n) WHERE { ?d a ir:Document }",
                                                        prefixes=PREFIXES)
    assert int(next(documents)["n"].value) == 4


def test_a_killed_export_leaves_the_old_file(reference, tmp_path):
    output = tmp_path / "graph.ttl"
    output.write_text("old export\n", encoding="utf-8")
    _killed("export", ["export", str(reference[0]), "-o", str(output), "--format", "ttl"])
    assert output.read_text(encoding="utf-8") == "old export\n"

    finished = runner.invoke(app, ["export", str(reference[0]), "-o", str(output), "--format", "ttl"])
    assert finished.exit_code == 0, finished.output
    assert output.read_text(encoding="utf-8").startswith("@prefix")


def _alive(process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_a_killed_build_takes_its_workers_fork_server_and_resource_tracker_along(corpus, tmp_path):
    """Only the build is killed (not its process group): every process it started ends within seconds.

    Before: the resource tracker, the fork server and both workers ran on (430 MB) until killed by hand.
    """
    psutil = pytest.importorskip("psutil")
    command = [sys.executable, "-c", "from kg.cli import app; app()",
               *_build_args(corpus, tmp_path / "store", tmp_path / "errors.jsonl", processes=2)]
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: dict[int, object] = {}
    try:
        deadline = time.monotonic() + 120
        while len(started) < 4 and build.poll() is None and time.monotonic() < deadline:
            for child in psutil.Process(build.pid).children(recursive=True):
                started.setdefault(child.pid, child)  # tracker, fork server, two workers
            time.sleep(0.05)
        assert len(started) >= 4, f"the build started {len(started)} processes (exit {build.poll()})"
        build.kill()
        build.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in started.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [" ".join(p.cmdline())[:100] for p in started.values() if _alive(p)]
        assert not left, f"still running after the build was killed: {left}"
    finally:
        build.kill()
        for process in started.values():
            if _alive(process):
                process.kill()
