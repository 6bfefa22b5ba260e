"""Issue 14.12 and 14.14: a full disk is one line, never a traceback; CSV cells that spreadsheets would run, escaped."""

from __future__ import annotations

import csv
import errno
import io
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.rdf.store import open_store, write_graph

runner = CliRunner()
FULL = "no space left on device"


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("full") / "store"
    store = open_store(folder)
    write_graph(store, KnowledgeGraph.from_rows([
        ("d1", "2020-10-08", "ARM", "allyOf", "RUS"),
        ("d2", "2020-10-09", "TUR", "supports", "AZE"),
    ]))
    del store
    return folder


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr[:3000]
    assert lines[0].startswith("kg: error: ") and lines[0].endswith(FULL), lines
    return lines[0]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [
    ["export", "{store}", "--format", "nt"],
    ["export", "{store}", "--format", "events", "--structural"],
    ["query", "{store}", "SELECT * WHERE { ?s ?p ?o }", "--format", "csv"],
])
def test_cli_full_stdout_is_one_line(store_folder, command):
    """/dev/full: every write fails with ENOSPC, as on a full disk."""
    args = [str(store_folder) if part == "{store}" else part for part in command]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "kg.cli", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert _one_error_line(done.stderr) == f"kg: error: writing: {FULL}"


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", [["export", "{store}", "--format", "ttl", "-o", "{out}"],
                                     ["viz", "{store}", "-o", "{out}"]])
def test_cli_full_disk_file_is_one_line_and_the_old_file_stays(store_folder, tmp_path, monkeypatch, command):
    out = tmp_path / "out.file"
    out.write_text("the old file\n")
    monkeypatch.setattr("kg.atomic.os.fsync", _full_disk)  # the data reaches the disk at fsync: it is full
    result = runner.invoke(app, [part.format(store=store_folder, out=out) for part in command])
    assert result.exit_code == 1, result.output
    assert _one_error_line(result.output) == f"kg: error: writing: {FULL}"
    assert out.read_text() == "the old file\n" and [p.name for p in tmp_path.iterdir()] == ["out.file"]


def test_cli_build_on_a_full_disk_is_one_line(tmp_path, monkeypatch):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"id": "a", "date": "2020-10-08", "text": "Armenia and Russia signed a treaty."}\n')

    def oxigraph_full(*args, **kwargs):  # what pyoxigraph raises: an OSError with RocksDB's text, no errno
        raise OSError("IO error: No space left on device: While appending to file: store/000009.log")

    monkeypatch.setattr("kg.scale.build.build_local", oxigraph_full)
    result = runner.invoke(app, ["build", str(corpus), "--store", str(tmp_path / "store"), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert _one_error_line(result.output) == f"kg: error: writing: {FULL}"


def test_cli_other_errors_not_taken_for_a_full_disk(store_folder, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr("kg.rdf.store.export_store", broken)
    result = runner.invoke(app, ["export", str(store_folder), "--format", "nt"])
    assert isinstance(result.exception, OSError) and result.exception.errno == errno.EBADF


# -- 14: --csv-safe ------------------------------------------------------------------------------

FORMULAS = "SELECT ?cell WHERE { VALUES ?cell { '=HYPERLINK(\"http://x.example\")' '+1' '-2' '@SUM(A1)' 'Armenia' } }"


def test_query_csv_safe_escapes_formula_cells(store_folder):
    plain = runner.invoke(app, ["query", str(store_folder), FORMULAS, "--format", "csv"])
    assert plain.exit_code == 0, plain.output
    assert [row[0] for row in csv.reader(io.StringIO(plain.stdout))][1:] == [
        '=HYPERLINK("http://x.example")', "+1", "-2", "@SUM(A1)", "Armenia"]
    safe = runner.invoke(app, ["query", str(store_folder), FORMULAS, "--format", "csv", "--csv-safe"])
    assert safe.exit_code == 0, safe.output
    assert [row[0] for row in csv.reader(io.StringIO(safe.stdout))] == [
        "cell", '\'=HYPERLINK("http://x.example")', "'+1", "'-2", "'@SUM(A1)", "Armenia"]


def test_events_csv_safe_escapes_text_cells_only(store_folder, monkeypatch):
    from kg.rdf import events

    real = events.gdelt_row

    def hostile(event):  # an actor name as a hostile text would make it
        row = real(event)
        row["Actor1Name"] = "=cmd|' /C calc'!A0"
        return row

    monkeypatch.setattr(events, "gdelt_row", hostile)
    for flag, expected in (([], "=cmd|' /C calc'!A0"), (["--csv-safe"], "'=cmd|' /C calc'!A0")):
        result = runner.invoke(app, ["export", str(store_folder), "--format", "events", "--structural", *flag])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and {row["Actor1Name"] for row in rows} == {expected}
        assert all(not row["GoldsteinScale"].startswith("'") for row in rows)  # numbers stay numbers
