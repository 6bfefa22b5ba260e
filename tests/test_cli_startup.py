"""What kg --help and kg query import: not rdflib, networkx, pydantic, spaCy, or the Markdown and highlighting that typer's rich help brings (start-up at Oxigraph's pace)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.graph import KnowledgeGraph
from kg.rdf.store import open_store, write_graph

#: Runs the kg command with the given arguments in this process, then names the heavy packages it imported.
PROBE = """
import sys
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
try:
    main()
except SystemExit as end:
    if end.code not in (0, None):
        raise
heavy = {"rdflib", "networkx", "pydantic", "spacy", "pandas", "pyshacl", "markdown_it", "pygments"}
print("imported:", sorted({name.split(".")[0] for name in sys.modules} & heavy), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("startup") / "store"
    target = open_store(path)
    write_graph(target, KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "memberOf", "CSTO"),
                                                  ("d1", "2020-10-08", "RUS", "memberOf", "CSTO")]))
    del target
    return str(path)


@pytest.mark.parametrize("args", [
    ["--help"],
    ["query", "{store}", "SELECT * WHERE { ?s ?p ?o } LIMIT 10"],
    ["query", "{store}", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", "--format", "json"],
    ["query", "{store}", "--name", "members-of", "--param", "org=CSTO"],
    ["query", "{store}", "--name", "office-holders", "--param", "entity=ARM", "--param", "date=2020-10-08"],
    ["query", "{store}", "SELECT ?x WHERE { ?x ir:memberOf irr:CSTO }", "--format", "csv"],
], ids=["help", "limit", "group-by", "named", "named-date", "ir-names"])
def test_cli_startup_imports_no_heavy_package(store, args):
    done = subprocess.run([sys.executable, "-c", PROBE, *(a.replace("{store}", store) for a in args)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "imported: []", done.stderr
    assert done.stdout  # it did answer
