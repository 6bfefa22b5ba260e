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


@pytest.fixture
def small_graph() -> KnowledgeGraph:
    """Every entity type and modality, support 2 on one edge, one undated edge, one isolated entity."""
    kg = KnowledgeGraph(entries={})
    for id, type, label in [
        ("ARM", "State", "Armenia"), ("AZE", "State", "Azerbaijan"), ("RUS", "State", "Russia"),
        ("TUR", "State", "Turkey"), ("CSTO", "Organization", "Collective Security Treaty Organization"),
        ("vladimir-putin", "Person", "Vladimir Putin"), ("nagorno-karabakh", "Region", "Nagorno-Karabakh"),
    ]:
        kg.add_entity(id, type, label, mentions=1)
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


def page_data(page: str) -> tuple[list[dict], list[dict], dict]:
    """The nodes, edges and options that the page hands to vis-network."""
    nodes = re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", page).group(1)
    edges = re.search(r"edges = new vis\.DataSet\((.*?)\);\n", page).group(1)
    options = re.search(r"var options = (.*?);\n", page).group(1)
    return json.loads(nodes), json.loads(edges), json.loads(options)


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
    nodes, edges, _ = page_data(to_html(small_graph))
    assert (sorted(n["id"] for n in nodes), sorted(e["id"] for e in edges)) == element_ids(small_graph)
    assert len(edges) == len(small_graph) and len(nodes) == len(small_graph.nodes)


def test_viz_html_styles_nodes_by_type_and_size(small_graph):
    nodes, _, _ = page_data(to_html(small_graph))
    by_id = {n["id"]: n for n in nodes}
    shapes = {by_id[i]["shape"] for i in ("ARM", "AZE", "RUS", "TUR")}
    assert shapes == {"dot"}
    assert len({by_id[i]["shape"] for i in ("ARM", "CSTO", "vladimir-putin", "nagorno-karabakh")}) == 4
    assert by_id["ARM"]["value"] > by_id["nagorno-karabakh"]["value"]  # size by degree
    assert by_id["ARM"]["label"] == "Armenia"
    assert "Armenia" in by_id["ARM"]["tip"] and ">State<" in by_id["ARM"]["tip"]


def _rgb(colour: str) -> tuple[int, int, int]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(x) for x in re.findall(r"\d+", colour)[:3])


def test_viz_html_styles_edges_by_polarity_modality_direction_and_support(small_graph):
    _, edges, _ = page_data(to_html(small_graph))
    by_id = {e["id"]: e for e in edges}
    conflict = by_id["ARM|conflictWith|asserted|AZE"]
    mediates = by_id["RUS|mediates|asserted|ARM"]
    leader = by_id["vladimir-putin|leaderOf|asserted|RUS"]
    claimed = by_id["TUR|deploysForcesTo|claimed|AZE"]
    hypothetical = by_id["RUS|supports|hypothetical|ARM"]
    negated = by_id["RUS|attacks|negated|TUR"]
    red, green, _ = _rgb(conflict["color"]["color"])
    assert red > 2 * green  # conflictual: red
    red, green, _ = _rgb(mediates["color"]["color"])
    assert green > red  # cooperative: green
    red, green, blue = _rgb(leader["color"]["color"])
    assert red == green == blue  # structural: grey
    assert conflict["dashes"] is False and claimed["dashes"] and hypothetical["dashes"] and negated["dashes"]
    assert len({json.dumps(x["dashes"]) for x in (claimed, hypothetical, negated)}) == 3
    assert negated["arrows"]["to"]["type"] == "bar"
    assert conflict["arrows"]["to"]["enabled"] is False  # symmetric
    assert mediates["arrows"]["to"]["enabled"] is True and mediates["arrows"]["to"]["type"] == "arrow"
    assert conflict["value"] == 2 and mediates["value"] == 1  # width by support


def test_viz_html_edge_tooltip_has_modality_attribution_denials_dates(small_graph):
    _, edges, _ = page_data(to_html(small_graph))
    tip = {e["id"]: e["tip"] for e in edges}["TUR|deploysForcesTo|claimed|AZE"]
    assert "claimed" in tip and "deploys forces to" in tip
    assert re.search(r"claimed by</th><td>Armenia", tip)
    assert re.search(r"denied by</th><td>Azerbaijan.*Turkey", tip)
    assert "2020-09-27" in tip and "Sentence of d1." in tip


def test_viz_html_tooltip_shows_three_sentences_and_only_web_links():
    kg = KnowledgeGraph(entries={})
    urls = ["https://news.example.org/a?x=1&y=2", "javascript:alert(3)", "http://b.example.org/", None, "ftp://c/"]
    for i, url in enumerate(urls):
        kg.add_evidence("ARM", "accuses", "AZE", "asserted",
                        Provenance(doc=f"d{i}", sentence=f"Sentence {i}.", date=f"2020-10-0{i + 1}", url=url))
    _, edges, _ = page_data(to_html(kg))
    tip = edges[0]["tip"]
    assert tip.count("<li>") == 3 and "and 2 more" in tip
    assert "Sentence 4." in tip and "Sentence 2." in tip and "Sentence 0." not in tip  # the most recent
    assert 'href="http://b.example.org/"' in tip
    assert "javascript:" not in tip and "ftp:" not in tip
    kg2 = KnowledgeGraph(entries={})
    kg2.add_evidence("ARM", "accuses", "AZE", "asserted", Provenance(doc="d", sentence="S.", url=urls[0]))
    assert 'href="https://news.example.org/a?x=1&amp;y=2"' in page_data(to_html(kg2))[1][0]["tip"]


def test_viz_html_escapes_every_text_from_the_news():
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
    nodes, edges, _ = page_data(page)
    tip = edges[0]["tip"]
    assert "He said &lt;script&gt;alert(1)&lt;/script&gt; and left." in tip
    assert "&lt;b&gt;doc&lt;/b&gt;" in tip and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in tip
    assert "<script" not in tip and "<img" not in tip and "<svg" not in tip
    assert all("<img" not in n["tip"] and "<svg" not in n["tip"] for n in nodes)
    assert {n["label"] for n in nodes} == {'<img src=x onerror="alert(2)">', "Evil & Co"}  # canvas text, not HTML


@pytest.mark.parametrize(
    "url, safe",
    [("https://a.org/x", True), ("http://a.org", True), ("javascript:alert(1)", False), ("data:text/html,x", False),
     ("//a.org/x", False), ("https://", False), ("https://a.org/x y", False), (None, False), ("HTTPS://A.ORG", True)],
)
def test_viz_safe_url(url, safe):
    assert (safe_url(url) is not None) == safe


def test_viz_html_large_graph_has_positions_and_physics_off(small_graph):
    nodes, _, options = page_data(to_html(small_graph, physics_limit=3))
    assert options["physics"]["enabled"] is False
    placed = [n for n in nodes if n["degree"]]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in placed)
    (lone,) = [n for n in nodes if not n["degree"]]  # placed by the page if the user shows it
    assert lone["id"] == "nagorno-karabakh" and lone["hidden"] is True and "x" not in lone
    small_nodes, _, small_options = page_data(to_html(small_graph))
    assert small_options["physics"]["enabled"] is True and "x" not in small_nodes[0]


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
    assert [n["id"] for n in page_data(written)[0]] == element_ids(small_graph, focus="ARM")[0]
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
    nodes, edges, _ = page_data(path.read_text(encoding="utf-8"))
    assert len(nodes) >= 11
    assert sorted(e["id"] for e in edges) == sorted(
        f"{s}|{d['predicate']}|{d['modality']}|{o}" for s, o, d in kg.edges()
    )
    assert {"ARM", "AZE", "IRN", "RUS"} <= {n["id"] for n in nodes}


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
    nodes, edges, _ = page_data(to_html(small_graph, reference=facts))
    reference = {e["id"]: e for e in edges if e["modality"] == "reference"}
    assert sorted(reference) == ["reference|ARM|memberOf|CSTO", "reference|ARM|neighbourOf|AZE",
                                 "reference|vladimir-putin|leaderOf|RUS"]
    assert sorted(n["id"] for n in nodes) == sorted(small_graph.nodes)
    assert len(edges) == len(small_graph) + 3
    border = reference["reference|ARM|neighbourOf|AZE"]
    assert border["dashes"] and border["physics"] is False and border["arrows"]["to"]["enabled"] is False
    assert "rgba(110,110,110,0.38)" == border["color"]["color"]
    leader = reference["reference|vladimir-putin|leaderOf|RUS"]
    assert "President &lt;b&gt;x&lt;/b&gt;" in leader["tip"] and "<b>x" not in leader["tip"]
    assert "2012-05-07 to now" in leader["tip"] and "not from the news" in leader["tip"]
    assert "2000-05-07" not in leader["tip"]  # a term that ended before the news
    # a window that reaches back: the earlier term is listed too
    window = to_html(small_graph, reference=facts, since="2002-01-01", until="2020-12-31")
    (leader,) = [e for e in page_data(window)[1] if e["id"] == "reference|vladimir-putin|leaderOf|RUS"]
    assert "2000-05-07 to 2008-05-07" in leader["tip"] and "2012-05-07 to now" in leader["tip"]


def test_viz_reference_legend_row_only_when_drawn(small_graph):
    from kg.reference import Fact

    assert "reference fact (kg enrich)" not in to_html(small_graph)
    assert "reference fact (kg enrich)" in to_html(small_graph, reference=[Fact("ARM", "neighbourOf", "AZE", "geonames")])


# -- what the page's script is given (issue 15; the browser side is in tests/test_page.py) ---------


def test_viz_html_node_tooltip_lists_relations_by_predicate_and_documents(small_graph):
    nodes, _, _ = page_data(to_html(small_graph))
    tip = {n["id"]: n["tip"] for n in nodes}["ARM"]
    # ARM: conflictWith AZE (symmetric, two documents, one edge), accused by AZE, mediated and supported by RUS,
    # memberOf CSTO, claimed by ARM elsewhere (not a relation of ARM)
    assert "relations (5)" in tip
    assert re.search(r"<th>in conflict with —</th><td class='kg-n'>1</td><td>Azerbaijan", tip)
    assert re.search(r"<th>← accuses</th><td class='kg-n'>1</td><td>Azerbaijan", tip)
    assert re.search(r"<th>member of →</th><td class='kg-n'>1</td><td>Collective Security", tip)
    assert "documents (3)" in tip and tip.index("d2") < tip.index("d1")  # the most recent first
    lone = {n["id"]: n["tip"] for n in nodes}["nagorno-karabakh"]
    assert "no relations shown" in lone and "documents" not in lone


def test_viz_html_node_tooltip_counts_repeated_ends_and_cuts_long_lists():
    kg = KnowledgeGraph(entries={})
    for i in range(7):
        kg.add_evidence("ARM", "accuses", f"X{i}", "asserted", _p(f"d{i}", f"2020-10-{i + 1:02d}"))
    kg.add_evidence("ARM", "accuses", "X0", "claimed", _p("d9", "2020-11-01"))
    nodes, _, _ = page_data(to_html(kg))
    tip = {n["id"]: n["tip"] for n in nodes}["ARM"]
    assert "<th>accuses →</th><td class='kg-n'>8</td><td>X0 ×2, X1, X2, X3, <i>and 3 more</i>" in tip
    assert tip.count("<li>") == 5 and "and 3 more</div>" in tip  # 8 documents, 5 listed


def test_viz_html_isolated_entities_hidden_and_out_of_the_layout(small_graph):
    nodes, _, _ = page_data(to_html(small_graph))
    hidden = {n["id"] for n in nodes if n.get("hidden")}
    assert hidden == {"nagorno-karabakh"}
    assert {n["id"]: n for n in nodes}["nagorno-karabakh"]["physics"] is False


def test_viz_html_edges_carry_one_date_per_document_for_the_time_slider(small_graph):
    page = to_html(small_graph)
    _, edges, _ = page_data(page)
    by_id = {e["id"]: e for e in edges}
    assert by_id["ARM|conflictWith|asserted|AZE"]["when"] == ["2020-09-27", "2020-10-10"]
    assert by_id["ARM|memberOf|asserted|CSTO"]["when"] == []  # undated
    client = json.loads(re.search(r"var KG = (.*?);\n", page).group(1))
    assert client["dates"] == ["2020-09-27", "2020-10-10", "2020-10-12"]
    assert client["undated"] == 1 and client["reason"] is None and client["documents"] == 0  # evidence only, no document records
    assert 'id="kg-from"' in page and 'max="2"' in page


def test_viz_html_legend_has_a_toggle_per_predicate_and_modality_with_counts(small_graph):
    page = to_html(small_graph)
    toggles = re.findall(r'data-kind="(predicate|modality|type)" data-name="([^"]+)"', page)
    _, edges, _ = page_data(page)
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
    nodes, _, _ = page_data(page)
    lone = {n["id"]: n for n in nodes}["nagorno-karabakh"]
    assert lone["hidden"] is False and lone["physics"] is False
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
