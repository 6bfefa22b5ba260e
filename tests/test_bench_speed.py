"""``kg bench speed``: whole processes of ``kg extract`` against a bare spaCy script, in one table."""

import json

from typer.testing import CliRunner

from kg.bench import make_documents
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
