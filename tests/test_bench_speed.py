"""``kg bench speed``: whole processes of ``kg extract`` against a bare spaCy script, in one table."""

import json
import shutil
import sys

import pytest
from typer.testing import CliRunner

from kg.bench import CountResult, count_processes, make_documents
from kg.cli import app


def test_bench_speed_prints_start_up_documents_and_cpu_per_document():
    result = CliRunner().invoke(app, ["bench", "speed", "--documents", "2", "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    works = [f["work"] for f in report["figures"]]
    assert works == ["start-up (1 document)", "2 documents", "CPU per document (at 2)"]
    for figure in report["figures"][:2]:
        assert figure["bare"]["cpu"] > 0 and figure["kg"]["wall"] > 0 and figure["ratio"] > 0
    assert report["words"]["2"] > report["words"]["1"]


def test_made_documents_are_all_kept_by_screening():
    docs = make_documents([{"id": "x", "text": "Chad and Sudan met on Monday.", "date": "2024-01-02"}], 3)
    assert len({d["text"] for d in docs}) == 3 and all(d["date"] == "2024-01-02" for d in docs)


def test_bad_document_counts_are_one_line():
    result = CliRunner().invoke(app, ["bench", "speed", "--documents", "a,b"])
    assert result.exit_code == 2 and "--documents" in result.output


def test_counted_rows_take_start_up_out_of_the_per_document_figure():
    result = CountResult("m", 32, "c", {1: 10, 5: 50}, {1: {"bare": 1000, "kg": 1200}, 5: {"bare": 1400, "kg": 1640}})
    rows = {work: (bare, kg) for work, bare, kg, _ in result.rows()}
    assert rows["start-up (1 document)"] == (1000, 1200)
    assert rows["per document (at 5)"] == (100, 110)  # (1400 - 1000) / 4, (1640 - 1200) / 4
    assert [r["ratio"] for r in result.to_dict()["instructions"]] == [1.2, round(1640 / 1400, 4), 1.1]


@pytest.mark.skipif(not shutil.which("valgrind"), reason="needs valgrind")
def test_instructions_are_counted_and_do_not_vary_between_runs():
    short = [sys.executable, "-c", "pass"]
    longer = [sys.executable, "-c", "sum(range(200_000))"]
    counts = count_processes({"short": short, "again": short, "longer": longer})
    assert counts["longer"] > counts["short"] > 0
    assert abs(counts["again"] - counts["short"]) < 0.01 * counts["short"]


def test_instructions_without_valgrind_is_one_line(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = CliRunner().invoke(app, ["bench", "speed", "--instructions"])
    assert result.exit_code == 2 and "valgrind" in result.output.lower()
