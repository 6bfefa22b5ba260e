"""Untrusted text in every output (issue 7, item 3).

Hostile strings go into a KnowledgeGraph built by hand from records — entity
labels, ids (slugs of the labels, and one raw), evidence sentences, document
titles, sources and URLs — and through every output: the HTML page, Turtle,
N-Triples and JSON-LD (rdflib and pyoxigraph), SPARQL parameters, JSON
records and the ``kg serve`` pages.

NUL: ingest removes it (with the other control characters) from every
string it reads, so no document from ``kg.ingest`` carries one. Records built
by hand may; rdflib and pyoxigraph then write and read it back unchanged, so
the RDF layer keeps what it is given (tested below) rather than altering text.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.graph import KnowledgeGraph
from kg.ingest import read_jsonl
from kg.rdf.convert import PREFIXES, entity_iri, from_rdflib, ntriples, to_rdflib, triples
from kg.rdf.query import QueryError, named_queries, query_rdflib, query_store, substitutions
from kg.records import Document, Entity, Evidence, Extraction, Mention, Relation
from kg.viz import to_html

SCRIPT = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
HOSTILE = [
    SCRIPT,
    '"""',
    '"}',
    "nul\u0000byte",
    "right\u202eto-left override",
    "'; DROP TABLE entities; --",
    "]]>",
    "{{7*7}}",
    "<img src=x onerror=alert(1)>",
    "back\\slash \\u0022 \\n",
    "line\nbreak\r\ttab",
    "x" * 100_000,  # a 100 KB name
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def hostile_extraction() -> Extraction:
    """One document whose every string is hostile; each hostile label is a Person who leads ARM."""
    entities, relations = [Entity("d1", "ARM", "State", "Armenia", (Mention("Armenia", 0, 7),))], []
    for number, text in enumerate(HOSTILE):
        id = SCRIPT if text == SCRIPT else f"{slug(text)}-{number}"  # one raw id, the rest slugs
        entities.append(Entity("d1", id, "Person", text, (Mention(text[:50], 0, 5),)))
        relations.append(Relation("d1", id, "leaderOf", "ARM", confidence=0.9, cameo=None,
                                  evidence=Evidence(text, 0, len(text))))
    relations.append(Relation("d1", SCRIPT, "allyOf", "ARM", evidence=Evidence('"} ]]> {{7*7}}', 3, 9)))
    document = Document("d1", "Armenia " + " ".join(HOSTILE[:5]), "2020-10-08",
                        title=SCRIPT + ' """ "}', url=JS_URL, source="'; DROP")
    return Extraction(document, tuple(entities), tuple(relations))


@pytest.fixture(scope="module")
def hostile() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions([hostile_extraction()], entries={})


@pytest.fixture(scope="module")
def benign() -> KnowledgeGraph:
    return KnowledgeGraph.from_rows([("d1", "2020-10-08", "ARM", "allyOf", "RUS")], entries={})


# -- ingest --------------------------------------------------------------------


def test_ingest_strips_nul_and_control_characters_from_every_field():
    line = json.dumps({"id": "a\u0000b", "text": "Iran\u0000 and Iraq\u0007 met.", "title": "T\u0000itle\u001b",
                       "url": "https://example.org/\u0000x", "source": "Reu\u0000ters"})
    (document,) = list(read_jsonl(io.StringIO(line + "\n"), "x.jsonl"))
    assert (document.id, document.text, document.title, document.url, document.source) == (
        "ab", "Iran and Iraq met.", "Title", "https://example.org/x", "Reuters")
    assert document.origin == ("x.jsonl", 1)


# -- HTML ------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML fragment or page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def _dataset(page: str, name: str) -> list[dict]:
    match = re.search(rf"{name} = new vis\.DataSet\((.*?)\);\n", page)
    assert match, f"no {name} data in the page"
    return json.loads(match.group(1))


def test_html_hostile_text_is_escaped_everywhere(hostile, benign):
    page = to_html(hostile, title=SCRIPT + "{{7*7}}")
    reference = _parse(to_html(benign))
    parsed = _parse(page)
    tags = [tag for tag, _ in parsed.tags]
    # exactly the template's elements that can run code or load things
    for tag in ("script", "img", "iframe", "object", "embed", "a"):
        assert tags.count(tag) == [t for t, _ in reference.tags].count(tag), tag
    handlers = lambda doc: sorted((t, n, v) for t, a in doc.tags for n, v in a.items() if n.startswith("on"))  # noqa: E731
    assert handlers(parsed) == handlers(reference)  # the template's own, and no other
    assert SCRIPT not in page and "<img src=x" not in page and JS_URL not in page
    assert "{{7*7}}" in page  # not rendered by the template engine (the heading is checked below)
    # the text is there, escaped: the heading, and the entity menu
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.text.count(SCRIPT + "{{7*7}}") == 2  # <title> and <h1>
    assert "x" * 100_000 in "".join(parsed.text)
    # tooltips are built as elements by the page's script from this data, text as text
    # (tests/test_viz_page.py checks them in a browser): the data holds the texts exactly, no URL but http(s)
    data = json.loads(re.search(r"var KGDATA = (.*?);\n", page).group(1))
    assert {row[1] for row in data["nodes"]} == set(HOSTILE) | {"Armenia"}  # canvas labels and tooltip names
    (document,) = data["documents"]
    assert document[1] == SCRIPT + ' """ "}' and JS_URL not in document and document[3] == "'; DROP"


# -- RDF -----------------------------------------------------------------------------


def _graph(items) -> Graph:
    graph = Graph()
    for triple in items:
        graph.add(triple)
    return graph


def _literals(terms) -> set[str]:
    return {t.value if hasattr(t, "value") else str(t) for t in terms}


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_rdf_rdflib_round_trip_keeps_hostile_literals(hostile, fmt):
    graph = to_rdflib(hostile)
    data = graph.serialize(format=fmt)
    back = Graph().parse(data=data, format=fmt)
    # rdflib's Turtle writes the decimal "6" as 6.0 (same value, other lexical form): compare the rest
    plain = lambda g: {t for t in g if getattr(t[2], "datatype", None) != XSD.decimal}  # noqa: E731
    assert isomorphic(_graph(plain(graph)), _graph(plain(back)))
    assert from_rdflib(back) == hostile
    values = {str(o) for o in back.objects()}
    assert set(HOSTILE) <= values and SCRIPT + ' """ "}' in values and JS_URL in values


def _oxigraph(kg: KnowledgeGraph, path=None) -> ox.Store:
    store = ox.Store(str(path)) if path else ox.Store()
    store.update("INSERT DATA {\n" + ntriples(triples(kg)) + "}")  # how kg.rdf.store writes
    return store


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD])
def test_rdf_oxigraph_round_trip_keeps_hostile_literals(hostile, fmt):
    store = _oxigraph(hostile)
    assert len(store) == len(to_rdflib(hostile))
    data = store.dump(format=fmt, from_graph=ox.DefaultGraph(), **({"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}))
    back = ox.Store()
    back.load(data, fmt)
    assert set(back) == set(store)
    values = _literals(q.object for q in back if isinstance(q.object, ox.Literal))
    assert set(HOSTILE) <= values and JS_URL in values
    # and rdflib reads what Oxigraph writes
    rdflib_fmt = {ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.JSON_LD: "json-ld"}[fmt]
    assert from_rdflib(Graph().parse(data=data, format=rdflib_fmt)) == hostile


def test_rdf_own_ntriples_writer_is_parsed_back_exactly(hostile):
    text = ntriples(triples(hostile))
    assert len(text.splitlines()) == len(to_rdflib(hostile))  # no literal breaks a line
    assert isomorphic(Graph().parse(data=text, format="nt"), to_rdflib(hostile))


# -- SPARQL ---------------------------------------------------------------------------

ATTACKS = [
    'ARM" } ?s ?p ?o {',
    "ARM> } ?s ?p ?o { <x",
    "'; DROP ALL ; --",
    "]]>",
    "{{7*7}}",
    "\u202eARM",
]


@pytest.fixture(scope="module")
def store(hostile) -> ox.Store:
    return _oxigraph(hostile)


def _rows(store, name: str, params: dict) -> list:
    query = named_queries()[name]
    return list(query_store(store, query.text, substitutions(params, query)))


def test_sparql_hostile_parameters_are_bound_not_pasted(store):
    everything = _rows(store, "allies-of", {})
    assert len(everything) >= 2  # unbound: every alliance, both ways
    # a hostile id that exists is found exactly (as an IRI: a bare value in <...> is read as one)
    (row,) = _rows(store, "allies-of", {"state": f"<{entity_iri(SCRIPT)}>"})
    assert row["ally"] == ox.NamedNode(entity_iri("ARM"))
    for value in ATTACKS:
        assert _rows(store, "allies-of", {"state": value}) == [], value
    before = len(store)
    for value in ATTACKS:
        _rows(store, "allies-of", {"state": value})
    assert len(store) == before


@pytest.mark.parametrize("value", ["<x> } ?s ?p ?o { <y>", 'ir:x"}', "<javascript:alert(1)> . ?s ?p ?o"])
def test_sparql_malformed_iri_parameter_is_a_query_error(store, value):
    query = named_queries()["allies-of"]
    try:
        bound = substitutions({"state": value}, query)
    except QueryError:
        return
    assert list(query_store(store, query.text, bound)) == []


def test_sparql_rdflib_bindings_are_bound_too(hostile):
    graph = to_rdflib(hostile)
    query = named_queries()["allies-of"]
    assert len(list(query_rdflib(graph, query.text, substitutions({"state": f"<{entity_iri(SCRIPT)}>"}, query)))) == 1
    for value in ATTACKS:
        assert list(query_rdflib(graph, query.text, substitutions({"state": value}, query))) == []


def test_cli_query_hostile_parameter_is_an_error_not_a_traceback(hostile, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    folder = tmp_path / "store"
    _oxigraph(hostile, folder)  # dropped at once: the store's lock is released
    runner = CliRunner()
    result = runner.invoke(app, ["query", str(folder), "--name", "allies-of", "--param", "state=<x> } ?s ?p ?o { <y>"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    result = runner.invoke(app, ["query", str(folder), "--name", "allies-of", "--param", 'state=ARM" } ?s ?p ?o {',
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []


# -- JSON ---------------------------------------------------------------------------------


def test_json_records_round_trip_exactly():
    extraction = hostile_extraction()
    records = extraction.records()
    lines = [json.dumps(record, ensure_ascii=False) for record in records]  # as kg extract writes them
    assert all("\n" not in line and "\r" not in line for line in lines)
    loaded = [json.loads(line) for line in lines]
    assert loaded == records
    again = Extraction.from_records(extraction.document, loaded)
    assert again.records() == records and set(again.entities) == set(extraction.entities)


# -- kg serve ----------------------------------------------------------------------------------


def test_serve_pages_escape_hostile_text(hostile, benign, tmp_path):
    serve_module = pytest.importorskip("kg.serve")
    import urllib.parse
    import urllib.request

    folder = tmp_path / "<img src=x onerror=alert(1)>"  # the page's title is the store's name
    _oxigraph(hostile, folder)  # dropped at once: the store's lock is released
    try:
        served = serve_module.serve(str(folder), port=0)
    except serve_module.BackendError as error:
        pytest.skip(f"oxigraph cannot be started: {error}")

    def get(path: str, **params) -> tuple[int, str]:
        url = served.url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    with served:
        status, page = get("/")
        assert status == 200
        assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
        status, view = get("/graph", name="allies-of", state=f"<{entity_iri(SCRIPT)}>")
        assert status == 200, view
        reference = _parse(to_html(benign))
        tags = [tag for tag, _ in _parse(view).tags]
        for tag in ("script", "img", "iframe", "a"):
            assert tags.count(tag) == [t for t, _ in reference.tags].count(tag), tag
        assert SCRIPT not in view and "\\u003cscript>alert(1)\\u003c/script>" in view  # in the page's data
        for value in ATTACKS:
            status, answer = get("/named/allies-of", state=value, format="json")
            assert status in (200, 400), (value, status, answer)
            if status == 200:
                assert json.loads(answer)["results"]["bindings"] == [], value
