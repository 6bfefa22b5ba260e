"""What a newcomer meets on the command line (issue 15, items 1-7 and 9): honest exits and one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.rdf.store import open_store

SEED = Path(__file__).parent / "data" / "seed.jsonl"
runner = CliRunner()


def kg(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def empty_store(tmp_path) -> Path:
    """A real (empty) Oxigraph store, made without a model."""
    path = tmp_path / "empty.store"
    store = open_store(path)
    del store  # release its lock
    return path


# -- 1, 2: only `kg build` (or `kg enrich --create`) makes a store -------------------------------


def test_newcomer_viz_of_a_missing_store_fails_and_writes_nothing(tmp_path):
    result = kg("viz", tmp_path / "nosuch.store", "-o", tmp_path / "graph.html")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"kg: error: {tmp_path / 'nosuch.store'}: no such store, file or folder"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["enrich"], ["enrich", "--borders"], ["query", "ASK {}"], ["stats"], ["validate"], ["export", "--format", "nt"],
    ["serve", "--port", "0"], ["viz"],
])
def test_newcomer_store_commands_never_create_a_store(tmp_path, command):
    for target in (tmp_path / "typo.store", tmp_path / "articles"):
        if target.name == "articles":
            target.mkdir()
            (target / "a.txt").write_text("Armenia and Russia are allies.\n", encoding="utf-8")
            if command == ["viz"]:  # a folder of articles is an input of kg viz, not a store
                continue
        before = sorted(p.name for p in tmp_path.rglob("*"))
        result = kg(command[0], target, *command[1:])
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"kg: error: {target}: no such store") or line == (
            f"kg: error: {target}: not a store (a folder without an Oxigraph store in it)")
        assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_newcomer_enrich_create_makes_the_store_and_enrich_opens_an_existing_one(tmp_path, empty_store):
    made = tmp_path / "new.store"
    created = kg("enrich", made, "--borders", "--create")
    assert created.exit_code == 0, created.output
    assert "reference statements" in created.stdout and (made / "CURRENT").is_file()
    existing = kg("enrich", empty_store, "--borders")
    assert existing.exit_code == 0, existing.output


def test_newcomer_build_and_enrich_create_never_write_a_store_among_other_files(tmp_path):
    articles = tmp_path / "news"
    articles.mkdir()
    (articles / "a.txt").write_text("Chile and Peru held talks.\n", encoding="utf-8")
    for command in (["build", SEED, "--store", articles, "--no-progress"], ["enrich", articles, "--create", "--borders"]):
        result = kg(*command)
        assert result.exit_code == 2
        assert result.stderr.strip() == f"kg: error: {articles}: not a store but a folder of other files; a new store needs a new or empty folder"
        assert [p.name for p in articles.iterdir()] == ["a.txt"]


# -- 3: the build's last line ---------------------------------------------------------------------


def test_newcomer_build_no_progress_prints_only_the_summary(tmp_path):
    result = kg("build", SEED, "--store", tmp_path / "s", "--processes", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("1 documents added, 0 already in the store")


def test_newcomer_build_progress_lines_do_not_repeat_the_last_one():
    from kg.scale.progress import BuildProgress

    lines = []
    with BuildProgress(3, terminal=False, write=lines.append, interval=0) as progress:
        progress.advance(added=2)
        progress.advance(added=1)
    assert len(lines) == 2 and lines[-1].startswith("3/3 documents (3 added, 0 already stored)")
    lines.clear()
    with BuildProgress(3, terminal=False, write=lines.append, interval=3600) as progress:
        progress.advance(added=3)
    assert len(lines) == 1 and lines[0].startswith("3/3 documents (3 added")


# -- 5: kg query without a query ------------------------------------------------------------------


def test_newcomer_query_without_a_query_says_one_is_needed(empty_store):
    result = kg("query", empty_store)
    assert result.exit_code == 2
    first, *listing = result.stderr.strip().splitlines()
    assert first.startswith("kg: error: a query is needed") and "--name" in first and "not both" not in first
    assert any(line.strip().startswith("allies-of: ") for line in listing)
    both = kg("query", empty_store, "ASK {}", "--name", "allies-of")
    assert both.exit_code == 2 and "not both" in both.stderr


# -- 4: a SPARQL syntax error in one line: what, where (in the user's text), a hint ---------------


@pytest.mark.parametrize("query, line", [
    ("SELECT ?x WHERE {\n  ?x ir:allyof irr:AZE", "SPARQL syntax error at 2:23, at the end of the query: expected one of "),
    ("SELECT ?x WHERE {\n  ?x foo:bar ?y }", "SPARQL syntax error at 2:13: unknown prefix foo: (pre-bound: ir, irr, "),
    ("SELECT ?x WHERE { ?x irx:allyOf ?y }", "SPARQL syntax error at 1:32: unknown prefix irx: "),
    ("SELECT ?x WHERE { ?x ir:allyOf ?y }\nORDR BY ?x", "SPARQL syntax error at 2:"),
    ("SELECT ?x WHERE { ?x <http://a b> ?y }", "SPARQL syntax error at 1:"),
])
def test_newcomer_query_syntax_error_is_one_line_with_position_and_hint(empty_store, query, line):
    result = kg("query", empty_store, query)
    assert result.exit_code == 2
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith(f"kg: error: {line}"), message
    assert "\\u{" not in message and "..=" not in message  # none of Oxigraph's character classes
    hints = {"ir:allyof": "did you mean ir:allyOf?", "irx:": "did you mean ir:?", "ORDR": "did you mean ORDER?"}
    for near, hint in hints.items():
        if near in query:
            assert message.endswith(f"; {hint}"), message


def test_newcomer_query_warns_of_an_undeclared_term_in_a_legal_query(empty_store):
    result = kg("query", empty_store, "ASK { ?x ir:memberof ?y }")
    assert result.exit_code == 0
    assert result.stderr.strip() == "kg: warning: ir:memberof is not declared in the ontology in use; did you mean ir:memberOf?"


def test_newcomer_serve_syntax_error_is_placed_in_the_users_text(empty_store):
    """/sparql sends the query with PREFIX lines in front; the position is still the user's line and column."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from kg.serve import serve

    served = serve(str(empty_store), port=0)
    try:
        answers = []
        for path in ("sparql", "graph"):
            query = urllib.parse.urlencode({"query": "SELECT ?x WHERE {\n\n  ?x ir:allyof irr:AZE"})
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(f"{served.url}{path}?{query}", timeout=30)
            assert error.value.code == 400
            answers.append(error.value.read().decode("utf-8").strip())
    finally:
        served.close()
    for answer in answers:
        (line,) = answer.splitlines()
        assert line.startswith("SPARQL syntax error at 3:23, at the end of the query: expected one of "), line
        assert line.endswith("; did you mean ir:allyOf?")


# -- 6: an ordinal that numbers a noun is not a day of the month ----------------------------------


def _dated(pipeline, text: str, date: str) -> list[tuple[str, str, str, str | None]]:
    from kg.records import Document

    extraction = pipeline.extract(Document(id="newcomer", text=text, date=date))
    return [(r.subject, r.predicate, r.object, r.date) for r in extraction.relations]


@pytest.mark.parametrize("text, date, expected", [
    # ordinals of nouns: the weekday dates the event, the ordinal does not
    ("Montenegro became the 29th member of NATO on Monday.", "2017-06-07", ("MNE", "memberOf", "NATO", "2017-06-05")),
    ("Cambodia became the 10th member of ASEAN on Friday.", "1999-05-03", ("KHM", "memberOf", "ASEAN", "1999-04-30")),
    ("Chile and Peru met for the 3rd round of talks on Monday.", "2024-05-08", ("CHL", "talksWith", "PER", "2024-05-06")),
    # ordinals that are days
    ("Croatia joined the EU on the 1st.", "2013-07-03", ("HRV", "memberOf", "EU", "2013-07-01")),
    ("Finland joined NATO on April 4th.", "2023-04-10", ("FIN", "memberOf", "NATO", "2023-04-04")),
    ("Chile and Peru held talks on Thursday the 2nd.", "2024-05-09", ("CHL", "talksWith", "PER", "2024-05-02")),
])
def test_newcomer_ordinals_of_nouns_are_not_days(pipeline, text, date, expected):
    assert expected in _dated(pipeline, text, date)


def test_newcomer_validate_facts_has_no_false_contradiction_from_an_ordinal(tmp_path):
    """Built, enriched with the memberships and checked: "the 29th member ... on Monday" agrees with NATO's
    table (joined 2017-06-05); the same store with an article dating the accession to the 29th (of May) does not."""
    articles = tmp_path / "news.jsonl"
    articles.write_text(
        '{"id": "mne", "date": "2017-06-07", "text": "Montenegro became the 29th member of NATO on Monday."}\n'
        '{"id": "khm", "date": "1999-05-03", "text": "Cambodia became the 10th member of ASEAN on Friday."}\n',
        encoding="utf-8")
    store = tmp_path / "s"
    assert kg("build", articles, "--store", store, "--processes", "1", "--no-progress").exit_code == 0
    assert kg("enrich", store, "--memberships").exit_code == 0
    checked = kg("validate", store, "--facts")
    assert checked.exit_code == 0, checked.stdout
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"id": "mne-29", "date": "2017-06-07", "text": "Montenegro joined NATO on the 29th."}\n', encoding="utf-8")
    assert kg("build", wrong, "--store", store, "--processes", "1", "--no-progress").exit_code == 0
    contradicted = kg("validate", store, "--facts")
    assert contradicted.exit_code == 1 and "MNE" in contradicted.stdout and "2017-05-29" in contradicted.stdout


# -- 7: the ingest API takes str and PathLike ------------------------------------------------------


class _PathLike:
    """A path object that is not a pathlib.Path (os.PathLike only)."""

    def __init__(self, path):
        self.path = str(path)

    def __fspath__(self) -> str:
        return self.path


def test_newcomer_ingest_accepts_str_and_pathlike(tmp_path, monkeypatch):
    from kg.ingest import IngestError, folder_files, read_inputs, read_path

    news = tmp_path / "news.jsonl"
    news.write_text('{"id": "n1", "date": "2024-02-01", "text": "Chile and Peru signed a trade accord."}\n', encoding="utf-8")
    (tmp_path / "note.txt").write_text("Bolivia protested to Chile.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for path in ("news.jsonl", news, _PathLike(news), str(news)):
        (document,) = read_path(path)
        assert document.id == "n1" and document.date == "2024-02-01"
    for folder in (".", tmp_path, _PathLike(tmp_path)):
        assert sorted(p.name for p in folder_files(folder)) == ["news.jsonl", "note.txt"]
        assert len([d for d in read_path(folder) if not isinstance(d, IngestError)]) == 2
    assert [d.id for d in read_inputs("news.jsonl")] == ["n1"]  # one path, not its characters
    assert [d.id for d in read_inputs(_PathLike(news))] == ["n1"]
    assert len(list(read_inputs([news, "note.txt", _PathLike(news)]))) == 3
    (missing,) = read_path(_PathLike(tmp_path / "nothing.jsonl"))
    assert isinstance(missing, IngestError) and str(missing).startswith(str(tmp_path / "nothing.jsonl"))


# -- 9: Dask's own log stays out of a build's output unless --verbose ---------------------------


@pytest.mark.slow
def test_newcomer_dask_local_build_prints_no_dask_log(tmp_path):
    """`kg build --dask local` as a user runs it (a process whose logging is set up by kg's main()):
    before, about 30 INFO lines of distributed (scheduler, nanny, dashboard, connections)."""
    import subprocess
    import sys

    store = tmp_path / "s"
    run = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SEED), "--store", str(store), "--dask", "local",
                          "--processes", "1", "--no-progress"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    (line,) = run.stdout.strip().splitlines()
    assert line.startswith("1 documents added")


def test_newcomer_verbose_keeps_dask_log_quiet_only_without_it():
    import logging

    from kg.cli import _log_levels

    loggers = [logging.getLogger(name) for name in ("kg", "distributed", "distributed.scheduler", "distributed.nanny")]
    saved = [logger.level for logger in loggers]
    try:
        _log_levels(False, dask=True)
        assert all(logging.getLogger(n).getEffectiveLevel() >= logging.WARNING
                   for n in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.core"))
        logging.getLogger("distributed").setLevel(logging.INFO)  # as distributed's import sets it
        _log_levels(True, dask=True)
        assert logging.getLogger("distributed.scheduler").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("kg").getEffectiveLevel() == logging.INFO
    finally:
        for logger, level in zip(loggers, saved):
            logger.setLevel(level)


# -- 8: what the README says of the command line stays true --------------------------------------


def test_newcomer_readme_names_the_components_prefixes_viz_options_and_notebooks(pipeline):
    import inspect
    import re
    import tomllib

    from kg.rdf.convert import prefixes

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    for component in (name for name in pipeline.nlp.pipe_names if name.startswith("kg_")):
        assert f"`{component}`" in readme
    bound = re.search(r"`kg query` pre-binds the prefixes `([^`]+)`", readme).group(1).split()
    assert sorted(bound) == sorted(prefixes())
    viz = next(c for c in app.registered_commands if c.callback.__name__ == "viz")
    for parameter in inspect.signature(viz.callback).parameters.values():
        option = parameter.default
        if hasattr(option, "param_decls") and option.param_decls:
            assert f"`{option.param_decls[-1]}" in readme, option.param_decls
    extras = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(r.startswith("jupyterlab") for r in extras["notebooks"])
    assert "pip install -e '.[notebooks]'" in readme and "jupyterlab" not in (root / "setup.sh").read_text()
    for notebook in (root / "notebooks").glob("*.ipynb"):
        assert f"`{notebook.name}`" in readme
