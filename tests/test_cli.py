"""The kg command: extract, eval, bench speed (through typer's CliRunner, in process)."""

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _warm(pipeline):
    """Build the model-backed pipeline once before the CLI builds its own (same cache of tables)."""


def _records(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_cli_extract_seed_to_file(tmp_path):
    out = tmp_path / "seed.jsonl"
    result = runner.invoke(app, ["extract", "tests/data/seed.jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = _records(out.read_text(encoding="utf-8"))
    entities = {(r["id"], r["type"]) for r in records if r["kind"] == "entity"}
    assert {("IRN", "State"), ("CSTO", "Organization"), ("nagorno-karabakh", "Region"), ("ilham-aliyev", "Person")} <= entities
    assert not any(r["id"] == "AFG" for r in records if r["kind"] == "entity")
    relation = next(r for r in records if r["kind"] == "relation")
    assert set(relation) == {"kind", "doc", "subject", "predicate", "object", "modality", "attributed_to", "denied_by",
                             "date", "confidence", "cameo", "evidence"}


def test_cli_extract_stdin_with_date():
    result = runner.invoke(app, ["extract", "-", "--date", "2024-01-05"], input="Kenya condemned Somalia on Tuesday.")
    assert result.exit_code == 0, result.output
    (relation,) = [r for r in _records(result.stdout) if r["kind"] == "relation"]
    assert (relation["subject"], relation["predicate"], relation["object"], relation["date"]) == ("KEN", "condemns", "SOM", "2024-01-02")


def test_cli_extract_bad_input_reports_and_continues(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Peru recalled its ambassador from Mexico.", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\xff\x00")
    lines = tmp_path / "docs.jsonl"
    lines.write_text('{"id": "ok", "text": "Chad urged Sudan to talk."}\n{broken\n', encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["extract", str(good), str(binary), str(lines), str(tmp_path / "missing.txt"), "--errors", str(errors)])
    assert result.exit_code == 1
    messages = [line for line in result.stderr.splitlines() if line.startswith("kg: error:")]
    assert messages == [
        f"kg: error: {binary}: binary file, skipped",
        f"kg: error: {lines}:2: invalid JSON: Expecting property name enclosed in double quotes",
        f"kg: error: {tmp_path / 'missing.txt'}: no such file or folder",
    ]
    assert "Traceback" not in result.output
    docs = {r["doc"] for r in _records(result.stdout)}
    assert docs == {"good", "ok"}
    assert [json.loads(l)["line"] for l in errors.read_text().splitlines()] == [None, 2, None]


def test_cli_extract_rejects_bad_date():
    result = runner.invoke(app, ["extract", "-", "--date", "yesterday"], input="x")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


# Accuracy gates of both evaluation sets (the targets): relation precision >= 0.90 and F1 >= 0.85,
# entity recall >= 0.95, no forbidden entity.
@pytest.mark.parametrize("name", ["dev.jsonl", "real.jsonl"])
def test_cli_eval_meets_targets(dev_path, name):
    result = runner.invoke(app, ["eval", str(dev_path.parent / name), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    totals = report["totals"]
    assert totals["entities"]["recall"] >= 0.95
    assert totals["forbidden"] == 0
    assert totals["relations"]["precision"] >= 0.90
    assert totals["relations"]["f1"] >= 0.85
    assert {"accuses", "leaderOf", "memberOf"} <= set(report["by_predicate"])


def test_cli_eval_missing_file():
    result = runner.invoke(app, ["eval", "nope.jsonl"])
    assert result.exit_code == 2 and result.stderr.strip() == "kg: error: nope.jsonl: no such file"


def test_cli_viz_from_inputs_writes_an_offline_page(tmp_path):
    out = tmp_path / "seed.html"
    result = runner.invoke(app, ["viz", "tests/data/seed.jsonl", "-o", str(out), "--predicates", "accuses,allyOf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("3 entities, 3 relations")
    page = out.read_text(encoding="utf-8")
    assert "vis-network" in page or "vis.Network" in page
    import re

    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page)


def test_cli_viz_rejects_unknown_predicate(tmp_path):
    result = runner.invoke(app, ["viz", "tests/data/seed.jsonl", "-o", str(tmp_path / "x.html"), "--predicates", "hugs"])
    assert result.exit_code == 2 and "unknown predicate: hugs" in result.stderr
