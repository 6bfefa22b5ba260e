"""kg.viz: filters, the self-contained page, escaping, layout, notebook tables (no browser here)."""

from __future__ import annotations

import json
import math
import os
import re
import time

import pytest

from kg.graph import KnowledgeGraph, Provenance
from kg.viz import element_ids, layout, select, to_html, write_html
from kg.viz.html import safe_url

SCRIPT = "<script>alert(1)</script>"


def _p(doc, date=None, sentence=None, **more) -> Provenance:
    return Provenance(doc=doc, date=date, sentence=sentence or f"Sentence of {doc}.", **more)


def seven_entities() -> KnowledgeGraph:
    """A graph of one entity of each type (four states), no relations yet."""
    kg = KnowledgeGraph(entries={})
    for id, type, label in [
        ("ARM", "State", "Armenia"), ("AZE", "State", "Azerbaijan"), ("RUS", "State", "Russia"),
        ("TUR", "State", "Turkey"), ("CSTO", "Organization", "Collective Security Treaty Organization"),
        ("vladimir-putin", "Person", "Vladimir Putin"), ("nagorno-karabakh", "Region", "Nagorno-Karabakh"),
    ]:
        kg.add_entity(id, type, label, mentions=1)
    return kg


@pytest.fixture
def small_graph() -> KnowledgeGraph:
    """Every entity type and modality, support 2 on one edge, one undated edge, one isolated entity."""
    kg = seven_entities()
    kg.add_evidence("ARM", "conflictWith", "AZE", "asserted", _p("d1", "2020-09-27"))
    kg.add_evidence("AZE", "conflictWith", "ARM", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("AZE", "accuses", "ARM", "asserted", _p("d1", "2020-09-27"))
    kg.add_evidence("TUR", "deploysForcesTo", "AZE", "claimed",
                    _p("d1", "2020-09-27", attributed_to="ARM", denied_by=("AZE", "TUR")))
    kg.add_evidence("RUS", "mediates", "ARM", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("vladimir-putin", "leaderOf", "RUS", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("ARM", "memberOf", "CSTO", "asserted", _p("d3"))
    kg.add_evidence("RUS", "attacks", "TUR", "negated", _p("d3", "2020-10-12"))
    kg.add_evidence("RUS", "supports", "ARM", "hypothetical", _p("d2", "2020-10-10"))
    return kg


def page_data(page: str) -> tuple[dict, dict]:
    """The graph's tables (``kg.viz.html._page_data``, the dates from the client settings) and the vis-network options."""
    data = json.loads(re.search(r"var KGDATA = (.*?);\n", page).group(1))
    data["dates"] = json.loads(re.search(r"var KG = (.*?);\n", page).group(1))["dates"]
    options = re.search(r"var options = (.*?);\n", page).group(1)
    return data, json.loads(options)


def entities(data: dict) -> dict[str, dict]:
    """The page's entities by id, as named fields."""
    out = {}
    for row in data["nodes"]:
        row = row + [None] * (7 - len(row))
        out[row[0]] = {"label": row[1], "type": data["types"][row[2]][0], "shape": data["types"][row[2]][1],
                       "mentions": row[3], "x": row[4], "y": row[5], "qid": row[6]}
    return out


def relations(data: dict) -> dict[str, dict]:
    """The page's relations by id ``subject|predicate|modality|object``, as named fields (ids for numbers)."""
    names = [row[0] for row in data["nodes"]] + [row[0] for row in data["others"]]
    day = lambda n: data["dates"][n] if n >= 0 else None  # noqa: E731
    out = {}
    for row in data["edges"]:
        row = row + [0, [], []][len(row) - 8:]  # trailing empty fields are left out
        predicate = data["predicates"][row[2]][0]
        modality = data["modalities"][row[3]]
        out[f"{names[row[0]]}|{predicate}|{modality}|{names[row[1]]}"] = {
            "subject": names[row[0]], "object": names[row[1]], "predicate": predicate, "modality": modality,
            "support": row[4], "confidence": row[5],
            "documents": [(data["documents"][row[6][i]][0], day(row[6][i + 1])) for i in range(0, len(row[6]), 2)],
            "evidence": [(data["documents"][e[0]][0], day(e[1]), e[2], e[3] if len(e) > 3 else "the document's")
                         for e in row[7]],
            "more": row[8], "claimants": [names[n] for n in row[9]], "deniers": [names[n] for n in row[10]],
        }
    return out


# -- filters --------------------------------------------------------------------------


def test_viz_view_without_filters_shows_every_entity(small_graph):
    view = select(small_graph)
    assert list(view.nodes) == sorted(small_graph.nodes)
    assert "nagorno-karabakh" in view.nodes  # isolated, still shown
    assert len(view.edges) == len(small_graph)


@pytest.mark.parametrize(
    "filters, nodes, edges",
    [
        ({"predicates": ["accuses", "conflictWith"]}, ["ARM", "AZE"],
         ["ARM|conflictWith|asserted|AZE", "AZE|accuses|asserted|ARM"]),
        ({"predicates": "accuses, conflictWith"}, ["ARM", "AZE"],
         ["ARM|conflictWith|asserted|AZE", "AZE|accuses|asserted|ARM"]),
        ({"modalities": ["claimed"]}, ["AZE", "TUR"], ["TUR|deploysForcesTo|claimed|AZE"]),
        ({"min_support": 2}, ["ARM", "AZE"], ["ARM|conflictWith|asserted|AZE"]),
        ({"until": "2020-09-30"}, ["ARM", "AZE", "TUR"],
         ["ARM|conflictWith|asserted|AZE", "AZE|accuses|asserted|ARM", "TUR|deploysForcesTo|claimed|AZE"]),
        ({"focus": "RUS", "depth": 0}, ["RUS"], []),
        ({"focus": "vladimir-putin", "depth": 1}, ["RUS", "vladimir-putin"], ["vladimir-putin|leaderOf|asserted|RUS"]),
        ({"focus": "vladimir-putin", "depth": 2, "modalities": "asserted"}, ["ARM", "RUS", "vladimir-putin"],
         ["RUS|mediates|asserted|ARM", "vladimir-putin|leaderOf|asserted|RUS"]),
    ],
)
def test_viz_view_filters(small_graph, filters, nodes, edges):
    assert element_ids(small_graph, **filters) == (nodes, edges)


def test_viz_view_entity_types_drop_other_entities_and_their_edges(small_graph):
    view = select(small_graph, entity_types=["State"])
    assert set(view.nodes) == {"ARM", "AZE", "RUS", "TUR"}
    assert {e.predicate for e in view.edges} == {"conflictWith", "accuses", "deploysForcesTo", "mediates",
                                                 "attacks", "supports"}


def test_viz_view_date_range_recomputes_support_and_drops_undated_evidence(small_graph):
    view = select(small_graph, since="2020-10-01")
    (conflict,) = [e for e in view.edges if e.predicate == "conflictWith"]
    assert (conflict.support, conflict.first_seen, conflict.last_seen) == (1, "2020-10-10", "2020-10-10")
    assert small_graph.edge("ARM", "conflictWith", "AZE")["support"] == 2  # the graph is not changed
    assert "memberOf" not in {e.predicate for e in view.edges}  # undated
    assert "CSTO" not in view.nodes


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"predicates": ["likes"]}, "unknown predicate: likes"),
        ({"modalities": "rumoured"}, "unknown modality"),
        ({"entity_types": ["Country"]}, "unknown entity type"),
        ({"since": "2020-13-01"}, "since must be a date"),
        ({"since": "2020-10-02", "until": "2020-10-01"}, "after until"),
        ({"focus": "XXX"}, "not an entity"),
        ({"focus": "ARM", "depth": -1}, "depth must be"),
    ],
)
def test_viz_view_rejects_bad_filters(small_graph, filters, message):
    with pytest.raises(ValueError, match=message):
        select(small_graph, **filters)


# -- the page ---------------------------------------------------------------------------


def test_viz_html_is_self_contained(small_graph):
    page = to_html(small_graph)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "bootstrap" not in page.lower()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "vis.Network" in page and "TomSelect" in page  # inlined, not fetched
    assert len(page) > 500_000  # vis-network itself is ~470 kB


def test_viz_html_page_holds_exactly_the_graph(small_graph):
    data, _ = page_data(to_html(small_graph))
    assert (sorted(entities(data)), sorted(relations(data))) == element_ids(small_graph)
    assert len(data["edges"]) == len(small_graph) and len(data["nodes"]) == len(small_graph.nodes)


def test_viz_html_tables_hold_styles_labels_and_the_tooltips_facts(small_graph):
    """What the page's script styles the items and builds the tooltips from (the browser side: test_viz_page.py)."""
    data, _ = page_data(to_html(small_graph))
    nodes = entities(data)
    assert {nodes[i]["shape"] for i in ("ARM", "AZE", "RUS", "TUR")} == {"dot"}
    assert len({nodes[i]["shape"] for i in ("ARM", "CSTO", "vladimir-putin", "nagorno-karabakh")}) == 4
    assert nodes["ARM"]["label"] == "Armenia" and nodes["ARM"]["type"] == "State" and nodes["ARM"]["mentions"] == 1
    predicates = {row[0]: row for row in data["predicates"]}
    assert predicates["conflictWith"][1:4] == ["in conflict with", True, "conflictual"]
    assert predicates["accuses"][4] == "conflictual; CAMEO 112, Goldstein -2.0"
    edges = relations(data)
    claimed = edges["TUR|deploysForcesTo|claimed|AZE"]
    assert claimed["claimants"] == ["ARM"] and claimed["deniers"] == ["AZE", "TUR"]
    assert claimed["evidence"] == [("d1", "2020-09-27", "Sentence of d1.", "the document's")] and claimed["more"] == 0
    assert claimed["support"] == 1 and claimed["confidence"] == 0.5
    conflict = edges["ARM|conflictWith|asserted|AZE"]
    assert conflict["documents"] == [("d1", "2020-09-27"), ("d2", "2020-10-10")] and conflict["support"] == 2
    assert [e[0] for e in conflict["evidence"]] == ["d2", "d1"]  # the most recent first
    assert edges["ARM|memberOf|asserted|CSTO"]["documents"] == [("d3", None)]
    assert data["others"] == []  # every claimant and denier is on the page


def test_viz_html_claimants_off_the_page_are_named(small_graph):
    data, _ = page_data(to_html(small_graph, focus="TUR", depth=1, modalities="claimed"))
    assert sorted(entities(data)) == ["AZE", "TUR"] and data["others"] == [["ARM", "Armenia"]]
    assert relations(data)["TUR|deploysForcesTo|claimed|AZE"]["claimants"] == ["ARM"]


def test_viz_html_tables_keep_three_sentences_and_only_web_links():
    kg = KnowledgeGraph(entries={})
    urls = ["https://news.example.org/a?x=1&y=2", "javascript:alert(3)", "http://b.example.org/", None, "ftp://c/"]
    for i, url in enumerate(urls):
        kg.add_evidence("ARM", "accuses", "AZE", "asserted",
                        Provenance(doc=f"d{i}", sentence=f"Sentence {i}.", date=f"2020-10-0{i + 1}", url=url))
    page = to_html(kg)
    (edge,) = relations(page_data(page)[0]).values()
    assert [e[2] for e in edge["evidence"]] == ["Sentence 4.", "Sentence 3.", "Sentence 2."] and edge["more"] == 2
    assert [e[3] for e in edge["evidence"]] == [None, "the document's", "http://b.example.org/"]  # ftp: no link
    data = page[page.index("var KGDATA"):]
    assert "javascript:" not in data and "ftp:" not in data and "Sentence 0." not in data
    long = KnowledgeGraph(entries={})
    long.add_evidence("ARM", "accuses", "AZE", "asserted", Provenance(doc="d", sentence="word " * 100))
    (edge,) = relations(page_data(to_html(long))[0]).values()
    assert len(edge["evidence"][0][2]) == 320 and edge["evidence"][0][2].endswith("…")


def test_viz_html_keeps_text_from_the_news_out_of_the_markup():
    kg = KnowledgeGraph(entries={})
    kg.add_entity("ARM", "State", '<img src=x onerror="alert(2)">', mentions=1)
    kg.add_entity('x"><svg onload=alert(4)>', "Other", "Evil & Co", mentions=1)
    kg.add_evidence("ARM", "accuses", 'x"><svg onload=alert(4)>', "claimed",
                    Provenance(doc="<b>doc</b>", sentence=f"He said {SCRIPT} and left.", date="2020-10-08",
                               url="javascript:alert(3)", attributed_to="ARM"))
    page = to_html(kg, title="<i>title</i>")
    for raw in (SCRIPT, "<img src=x", "<svg onload", "javascript:alert", "<b>doc</b>", "<i>title</i>"):
        assert raw not in page
    assert "&lt;i&gt;title&lt;/i&gt;" in page
    script = page[page.index("var KGDATA"):]
    assert "<" not in script[: script.index(";\n")]  # the data holds no markup at all: every < is \u003c
    data, _ = page_data(page)
    (edge,) = relations(data).values()
    assert edge["evidence"] == [("<b>doc</b>", "2020-10-08", f"He said {SCRIPT} and left.", None)]  # text, exact
    assert {n["label"] for n in entities(data).values()} == {'<img src=x onerror="alert(2)">', "Evil & Co"}


@pytest.mark.parametrize(
    "url, safe",
    [("https://a.org/x", True), ("http://a.org", True), ("javascript:alert(1)", False), ("data:text/html,x", False),
     ("//a.org/x", False), ("https://", False), ("https://a.org/x y", False), (None, False), ("HTTPS://A.ORG", True)],
)
def test_viz_safe_url(url, safe):
    assert (safe_url(url) is not None) == safe


def test_viz_html_large_graph_has_positions_and_physics_off(small_graph):
    data, options = page_data(to_html(small_graph, physics_limit=3))
    assert options["physics"]["enabled"] is False
    nodes = entities(data)
    placed = [n for i, n in nodes.items() if i != "nagorno-karabakh"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in placed)
    assert nodes["nagorno-karabakh"]["x"] is None  # without relations: placed by the page if the user shows it
    small, small_options = page_data(to_html(small_graph))
    assert small_options["physics"]["enabled"] is True and all(len(row) == 4 for row in small["nodes"])


def test_viz_html_page_of_a_large_graph_is_small():
    """Issue 17: the tooltips are built by the page from compact tables, not shipped as HTML.

    Before, the page of this graph took 4,330 bytes an entity besides the libraries (9.4 MB in all); now about 680.
    """
    from kg.viz.html import _ASSETS, _asset
    from kg.viz.synthetic import news_like_graph

    kg = news_like_graph(2000)
    page = to_html(kg)
    libraries = sum(len(_asset(path).encode("utf-8")) for path in _ASSETS.values())
    size = len(page.encode("utf-8"))
    assert (size - libraries) / len(kg.nodes) < 900, size  # bytes an entity, with its relations, sentences, documents
    data = re.search(r"var KGDATA = (.*?);\n", page).group(1)
    assert "kg-title" not in data and "<" not in data  # no tooltip markup in the data
    assert re.findall(r"<option value=\"[^\"']*\">", page) == ['<option value="">']  # the search list: made by the script


def test_viz_html_rejects_bad_size_by(small_graph):
    with pytest.raises(ValueError, match="size_by"):
        to_html(small_graph, size_by="importance")


def test_viz_write_html_is_atomic(small_graph, tmp_path):
    target = tmp_path / "graph.html"
    assert write_html(small_graph, target, focus="ARM") == target
    written = target.read_text(encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0o600
    assert sorted(entities(page_data(written)[0])) == element_ids(small_graph, focus="ARM")[0]
    with pytest.raises(ValueError):
        write_html(small_graph, target, predicates=["likes"])
    assert target.read_text(encoding="utf-8") == written  # a failed write leaves the old page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]  # no temporary file left
    with pytest.raises(FileNotFoundError):
        write_html(small_graph, tmp_path / "missing" / "graph.html")


# -- layout -----------------------------------------------------------------------------


def _hubs_and_leaves(n: int) -> tuple[list[str], list[tuple[str, str]]]:
    hubs = [f"h{i}" for i in range(n // 25)]
    leaves = [f"l{i}" for i in range(n - len(hubs))]
    edges = [(leaf, hubs[i % len(hubs)]) for i, leaf in enumerate(leaves)]
    edges += [(hubs[i], hubs[(i * 7 + 3) % len(hubs)]) for i in range(len(hubs))]
    return hubs + leaves, edges


def test_viz_layout_places_5000_nodes_fast_and_apart():
    nodes, edges = _hubs_and_leaves(5000)
    started = time.perf_counter()
    pos = layout(nodes, edges)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"layout took {elapsed:.1f} s"
    assert set(pos) == set(nodes) and all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert len({(round(x), round(y)) for x, y in pos.values()}) > 0.99 * len(nodes)
    linked = [math.dist(pos[a], pos[b]) for a, b in edges[:500]]
    assert sorted(linked)[len(linked) // 2] < 600  # neighbours stay near each other


def test_viz_layout_is_deterministic_and_handles_odd_graphs():
    nodes, edges = _hubs_and_leaves(300)
    assert layout(nodes, edges, seed=1) == layout(nodes, edges, seed=1)
    assert layout([], []) == {}
    assert layout(["a"], [("a", "a")]) == {"a": (0.0, 0.0)}
    tree = layout(list(range(50)), [(i, i + 1) for i in range(49)])  # a path: a tree, no core
    assert len({p for p in tree.values()}) == 50


# -- notebook helpers -------------------------------------------------------------------


def test_viz_explore_tables(small_graph):
    pytest.importorskip("pandas")
    from kg.viz import explore

    entities = explore.entities_table(small_graph)
    assert list(entities["id"]) == sorted(small_graph.nodes)
    relations = explore.relations_table(small_graph)
    assert len(relations) == len(small_graph)
    claimed = relations[relations["modality"] == "claimed"].iloc[0]
    assert (claimed["attributed_to"], claimed["denied_by"]) == ("ARM", "AZE, TUR")
    dyads = explore.dyad_table(small_graph)
    assert (dyads.iloc[-1]["a"], dyads.iloc[-1]["b"]) == ("ARM", "AZE")  # the most hostile last
    assert explore.top_dyads(small_graph, 1) == [("ARM", "AZE")]
    assert set().union(*explore.communities(small_graph)) == {"ARM", "AZE", "CSTO", "RUS", "vladimir-putin"}


def test_viz_explore_sparql_tables(small_graph):
    pytest.importorskip("pandas")
    from kg.rdf.query import QueryError
    from kg.viz import explore

    store = explore.graph_store(small_graph)
    members = explore.named_query_table(store, "members-of", org="CSTO")
    assert list(members["member"]) == ["irr:ARM"]
    accusations = explore.sparql_table(store, "SELECT ?a ?b WHERE { ?a ir:accuses ?b }")
    assert accusations.values.tolist() == [["irr:AZE", "irr:ARM"]]
    assert "members-of" in set(explore.named_queries_table()["name"])
    with pytest.raises(QueryError):
        explore.named_query_table(store, "no-such-query")


def test_viz_explore_dyad_timeline_plot(small_graph):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from kg.viz import explore

    ax = explore.plot_dyad_timeline(small_graph, [("ARM", "AZE"), ("RUS", "TUR")])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Armenia – Azerbaijan", "Russia – Turkey"]
    assert len(ax.collections) >= 4  # three ARM–AZE events and one RUS–TUR event (plus the colour bar)
    matplotlib.pyplot.close(ax.figure)


# -- the seed article -------------------------------------------------------------------


@pytest.mark.model
def test_viz_seed_page(seed_extraction, tmp_path):
    kg = KnowledgeGraph.from_extractions([seed_extraction])
    path = write_html(kg, tmp_path / "seed.html")
    data, _ = page_data(path.read_text(encoding="utf-8"))
    assert len(data["nodes"]) >= 11
    assert sorted(relations(data)) == sorted(
        f"{s}|{d['predicate']}|{d['modality']}|{o}" for s, o, d in kg.edges()
    )
    assert {"ARM", "AZE", "IRN", "RUS"} <= set(entities(data))


def test_viz_page_from_a_store_is_the_page_of_the_graph(small_graph):
    """``kg viz STORE`` reads the graph back from Oxigraph: the page must not change on the way."""
    from kg.rdf.store import load_graph, open_store, write_graph

    store = open_store(None)
    write_graph(store, small_graph)
    assert to_html(load_graph(store, entries={})) == to_html(small_graph)


def test_viz_reference_facts_are_muted_edges_among_the_shown_entities_for_their_dates(small_graph):
    from kg.reference import Fact

    facts = [
        Fact("ARM", "neighbourOf", "AZE", "geonames"),
        Fact("ARM", "memberOf", "CSTO", "csto-members", "2002-10-07"),
        Fact("RUS", "memberOf", "CSTO", "csto-members", "2002-10-07", "2003-01-01"),  # ended before the news
        Fact("ARM", "neighbourOf", "IRN", "geonames"),  # IRN is not in the graph: no new entity
        Fact("vladimir-putin", "leaderOf", "RUS", "people", "2012-05-07", office="President <b>x</b>"),
        Fact("vladimir-putin", "leaderOf", "RUS", "people", "2000-05-07", "2008-05-07", office="President"),
    ]
    data, _ = page_data(to_html(small_graph, reference=facts))
    names = [row[0] for row in data["nodes"]]
    reference = {f"reference|{names[s]}|{data['predicates'][p][0]}|{names[o]}": facts for s, o, p, facts in data["reference"]}
    assert sorted(reference) == ["reference|ARM|memberOf|CSTO", "reference|ARM|neighbourOf|AZE",
                                 "reference|vladimir-putin|leaderOf|RUS"]
    assert sorted(names) == sorted(small_graph.nodes) and len(data["edges"]) == len(small_graph)
    sources = [row[0] for row in data["sources"]]
    leader = [[start, end, office, sources[source]] for start, end, office, source in reference["reference|vladimir-putin|leaderOf|RUS"]]
    assert leader == [["2012-05-07", None, "President <b>x</b>", leader[0][3]]]  # the term before the news left out
    assert "President <b>x" not in to_html(small_graph, reference=facts)
    # a window that reaches back: the earlier term is listed too
    window, _ = page_data(to_html(small_graph, reference=facts, since="2002-01-01", until="2020-12-31"))
    (leader,) = [facts for s, o, p, facts in window["reference"] if window["predicates"][p][0] == "leaderOf"]
    assert [(start, end) for start, end, _, _ in leader] == [("2000-05-07", "2008-05-07"), ("2012-05-07", None)]


def test_viz_reference_legend_row_only_when_drawn(small_graph):
    from kg.reference import Fact

    assert "reference fact (kg enrich)" not in to_html(small_graph)
    assert "reference fact (kg enrich)" in to_html(small_graph, reference=[Fact("ARM", "neighbourOf", "AZE", "geonames")])


# -- what the page's script is given (issue 15; the browser side is in tests/test_page.py) ---------


def test_viz_html_edges_carry_one_date_per_document_for_the_time_slider(small_graph):
    page = to_html(small_graph)
    by_id = relations(page_data(page)[0])
    assert by_id["ARM|conflictWith|asserted|AZE"]["documents"] == [("d1", "2020-09-27"), ("d2", "2020-10-10")]
    assert by_id["ARM|memberOf|asserted|CSTO"]["documents"] == [("d3", None)]  # undated
    client = json.loads(re.search(r"var KG = (.*?);\n", page).group(1))
    assert client["dates"] == ["2020-09-27", "2020-10-10", "2020-10-12"]
    assert client["undated"] == 1 and client["reason"] is None and client["documents"] == 0  # evidence only, no document records
    assert 'id="kg-from"' in page and 'max="2"' in page


def test_viz_html_legend_has_a_toggle_per_predicate_and_modality_with_counts(small_graph):
    page = to_html(small_graph)
    toggles = re.findall(r'data-kind="(predicate|modality|type)" data-name="([^"]+)"', page)
    edges = relations(page_data(page)[0]).values()
    assert sorted(n for k, n in toggles if k == "predicate") == sorted({e["predicate"] for e in edges})
    assert sorted(n for k, n in toggles if k == "modality") == ["asserted", "claimed", "hypothetical", "negated"]
    assert re.search(r'data-count="predicate" data-name="conflictWith">1<', page)
    assert re.search(r'data-count="modality" data-name="asserted">5<', page)
    # each predicate in its own colour, cooperative before conflictual before structural
    assert page.index('data-name="mediates"') < page.index('data-name="attacks"') < page.index('data-name="leaderOf"')
    assert "entities without relations" in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page.split("<script>")[0] + page.split("</script>")[-1])  # no inline handler


@pytest.mark.parametrize(
    "rows, filters, reason",
    [
        ([], {}, "the graph is empty: no entity was found (0 documents)"),
        ([("d1", "2020-09-27", "ARM", "neighbourOf", "AZE")], {"predicates": "accuses"},
         "no relation passes the filters (predicates accuses)"),
    ],
)
def test_viz_html_empty_page_says_why(rows, filters, reason):
    kg = KnowledgeGraph.from_rows(rows, entries={})
    page = to_html(kg, **filters)
    client = json.loads(re.search(r"var KG = (.*?);\n", page).group(1))
    assert client["reason"] == reason
    assert "Nothing to show" in page


def test_viz_nothing_to_show_for_entities_without_relations():
    from kg.viz import nothing_to_show

    kg = KnowledgeGraph(entries={})
    kg.add_entity("ARM", "State", "Armenia", mentions=1)
    assert nothing_to_show(kg, select(kg)) == "no relation was found between the graph's 1 entities (0 documents)"


def test_viz_html_isolated_option_shows_them_from_the_start(small_graph):
    page = to_html(small_graph, isolated=True)
    assert json.loads(re.search(r"var KG = (.*?);\n", page).group(1))["isolated"] is True
    assert 'id="kg-isolated" checked' in page
    assert 'id="kg-isolated" checked' not in to_html(small_graph)


@pytest.mark.model
def test_viz_cli_isolated_and_a_warning_when_nothing_is_shown(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    out = tmp_path / "late.html"
    result = runner.invoke(app, ["viz", "tests/data/seed.jsonl", "-o", str(out), "--since", "2100-01-01"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "kg: warning: the page has nothing to show: no relation passes the filters (since 2100-01-01)"
    assert out.is_file()
    result = runner.invoke(app, ["viz", "tests/data/seed.jsonl", "-o", str(out), "--isolated"])
    assert result.exit_code == 0 and result.stderr == ""
    assert 'id="kg-isolated" checked' in out.read_text(encoding="utf-8")
