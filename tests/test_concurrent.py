"""Concurrent use of a store folder: readers during a build, a second writer refused."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.data import data_path
from kg.rdf.query import run_query
from kg.rdf.store import StoreError, open_store

runner = CliRunner()
COUNT_DOCUMENTS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ir:Document }"


def test_readers_see_whole_batches_while_a_build_runs_and_a_second_writer_is_refused(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(data_path("examples.jsonl").read_text(encoding="utf-8").splitlines()[:12]) + "\n")
    store = tmp_path / "store"
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store),
               "--batch-size", "3", "--processes", "1", "--no-progress"]
    builder = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, second_writer = [], None
    try:
        while builder.poll() is None:
            try:  # kg query's way: the store opened again if the build replaced its files meanwhile
                _, rows = run_query(lambda: open_store(store, read_only=True), COUNT_DOCUMENTS)
            except StoreError:  # not created yet
                time.sleep(0.02)
                continue
            seen.append(int(rows[0][0]))
            if second_writer is None:  # the builder holds the store from its start to its end
                second_writer = runner.invoke(app, ["build", str(corpus), "--store", str(store), "--no-progress"])
            time.sleep(0.05)
        output, errors = builder.communicate(timeout=300)
    finally:
        if builder.poll() is None:
            builder.kill()
    assert builder.returncode == 0, errors
    assert "12 documents added" in output
    assert seen and all(n % 3 == 0 for n in seen), seen  # a reader sees committed batches only
    assert seen == sorted(seen)
    assert second_writer is not None and second_writer.exit_code == 2, (seen, second_writer.output)
    assert "open for writing in another process" in second_writer.output
    assert len(second_writer.output.strip().splitlines()) == 1  # one line, no traceback
    validated = runner.invoke(app, ["validate", str(store)])
    assert validated.exit_code == 0, validated.output
