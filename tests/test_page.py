"""The graph page read as a newcomer would (issue 15, items 10-15), in headless Chromium.

The page of the 40 example articles is drawn once; each test opens it afresh and
uses it with the mouse and the keyboard where a person would: the legend's
toggles, the search box, the time slider, hovering and double-clicking entities.
What the page shows is compared with what :func:`kg.viz.select` says it should.
Screenshots of the overview and of a search are kept in ``tests/artifacts/``
(their paths are printed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser import browser, visit  # noqa: F401 - the fixtures: Debian's Chromium, offline

from kg.data import data_path
from kg.graph import KnowledgeGraph
from kg.ingest import read_path
from kg.viz import select, to_html, write_html

ARTIFACTS = Path(__file__).parent / "artifacts"
SHOWN_NODES = "nodes.get({filter: (n) => !n.hidden}).map((n) => n.id).sort()"
SHOWN_EDGES = "edges.get({filter: (e) => !e.hidden}).map((e) => e.id).sort()"


@pytest.fixture(scope="module")
def examples(pipeline) -> KnowledgeGraph:
    documents = list(read_path(data_path("examples.jsonl")))
    assert len(documents) == 40
    return KnowledgeGraph.from_extractions(pipeline.extract_many(documents))


@pytest.fixture(scope="module")
def examples_page(examples, tmp_path_factory) -> Path:
    return write_html(examples, tmp_path_factory.mktemp("page") / "examples.html")


def keep(page, name: str, capsys) -> Path:
    """A screenshot of ``page`` kept in tests/artifacts/ (and its path printed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    with capsys.disabled():
        print(f"\n[screenshot] {path}")
    return path


def linked(view) -> list[str]:
    """The entities of a view that have a relation (the page hides the others)."""
    return sorted({n for e in view.edges for n in (e.subject, e.object)})


def screen_xy(page, node: str) -> tuple[float, float]:
    """Where an entity is on the screen."""
    return tuple(page.evaluate(
        """(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
             const r = document.querySelector('#mynetwork canvas').getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }""",
        node,
    ))


def inside_canvas(page, ids: list[str]) -> bool:
    return page.evaluate(
        """(ids) => { const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
             const pos = network.getPositions(ids);
             return ids.every((id) => { const p = network.canvasToDOM(pos[id]);
               return p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height; }); }""",
        ids,
    )


# -- 10: labels and the legend ----------------------------------------------------------


@pytest.mark.model
def test_page_overview_labels_the_most_connected_entities_at_every_zoom(examples, examples_page, visit, capsys):
    seen = visit(examples_page)
    page = seen.page
    view = select(examples)
    degree = view.degree()
    top = sorted(linked(view), key=lambda n: (-degree[n], n))[:10]
    scale = page.evaluate("network.getScale()")
    assert scale < 0.6  # vis-network's own labels (14 px x scale) would be too small to read here
    labelled = page.evaluate("kgLabelled")
    assert top[:3] == [n for n in labelled if n in top[:3]] and len(set(top) & set(labelled)) >= 8, (top, labelled)
    assert 12 <= len(labelled) <= 30  # the most connected, not all 177
    # size by degree
    sizes = page.evaluate("(ids) => ids.map((id) => network.body.nodes[id].options.size)", [top[0], linked(view)[-1]])
    assert degree[top[0]] > degree[linked(view)[-1]] and sizes[0] > sizes[1]
    # the legend has its own panel beside the drawing, not over it
    side, drawing = page.locator("#kg-side").bounding_box(), page.locator("#mynetwork").bounding_box()
    assert side["x"] + side["width"] <= drawing["x"] and side["height"] > 300
    shot = keep(page, "page-overview.png", capsys)
    assert shot.stat().st_size > 40_000

    # far out, and close in: the hubs keep their labels, at the same size on the screen
    page.evaluate("network.moveTo({scale: 0.08, animation: false}); network.redraw()")
    far = page.evaluate("kgLabelled")
    assert far[0] == top[0] and 3 <= len(far) < len(labelled)  # fewer fit, the biggest first
    page.evaluate("(id) => { network.focus(id, {scale: 2, animation: false}); network.redraw(); }", top[0])
    close = page.evaluate("kgLabelled")
    assert close[0] == top[0] and len(close) >= 3
    assert seen.requests == [] and seen.errors == []


# -- 11: entities without relations, empty pages ----------------------------------------


@pytest.mark.model
def test_page_hides_entities_without_relations_until_asked(examples, examples_page, visit):
    seen = visit(examples_page)
    page = seen.page
    view = select(examples)
    connected = linked(view)
    lone = sorted(set(view.nodes) - set(connected))
    assert len(lone) > 50  # the rows along the bottom of the old page
    assert page.evaluate(SHOWN_NODES) == connected
    assert page.inner_text("#kg-count").startswith(f"{len(connected)} of {len(view.nodes)} entities")
    page.check("#kg-isolated")
    assert page.evaluate(SHOWN_NODES) == sorted(view.nodes)
    positions = page.evaluate("network.getPositions()")
    assert min(positions[n]["y"] for n in lone) > max(positions[n]["y"] for n in connected)  # in rows below the graph
    assert inside_canvas(page, sorted(view.nodes))  # refitted
    page.uncheck("#kg-isolated")
    assert page.evaluate(SHOWN_NODES) == connected
    assert seen.requests == [] and seen.errors == []


def test_page_empty_pages_say_why(visit, tmp_path):
    lonely = KnowledgeGraph(entries={})
    lonely.add_entity("ARM", "State", "Armenia", mentions=1)
    lonely.add_entity("AZE", "State", "Azerbaijan", mentions=1)
    pair = KnowledgeGraph.from_rows([("d1", "2020-09-27", "ARM", "neighbourOf", "AZE")], entries={})
    cases = [
        (KnowledgeGraph(entries={}), {}, "the graph is empty: no entity was found (0 documents)."),
        (lonely, {}, "no relation was found between the graph's 2 entities (0 documents). "
                     "Tick “entities without relations” in the legend to see the 2 entities."),
        (pair, {"predicates": "memberOf"}, "no relation passes the filters (predicates memberOf)."),
    ]
    for number, (kg, filters, reason) in enumerate(cases):
        seen = visit(write_html(kg, tmp_path / f"empty{number}.html", **filters))
        assert seen.page.is_visible("#kg-empty")
        assert seen.page.inner_text("#kg-empty") == f"Nothing to show\n{reason}"
        assert seen.errors == [] and seen.requests == []
    # a page that has relations, all switched off in the legend
    seen = visit(write_html(pair, tmp_path / "pair.html"))
    assert not seen.page.is_visible("#kg-empty")
    seen.page.uncheck("#kg-side input[data-kind='modality'][data-name='asserted']")
    assert "switched off in the legend" in seen.page.inner_text("#kg-empty")
    seen.page.check("#kg-side input[data-kind='modality'][data-name='asserted']")
    assert not seen.page.is_visible("#kg-empty")


# -- 12: search ---------------------------------------------------------------------------


@pytest.mark.model
def test_page_search_zooms_to_and_selects_the_entity_and_its_neighbours(examples, examples_page, visit, capsys):
    seen = visit(examples_page)
    page = seen.page
    view = select(examples)
    target = "IRN"
    neighbours = sorted({e.object if e.subject == target else e.subject for e in view.edges if target in (e.subject, e.object)})
    assert len(neighbours) >= 4
    overview = page.evaluate("network.getScale()")
    page.click("#select-node-ts-control >> xpath=..")
    page.keyboard.type("Iran")
    page.click(f"#select-node-ts-dropdown [data-value='{target}']")
    selected = page.evaluate("network.getSelectedNodes()")
    assert selected[0] == target and sorted(selected[1:]) == neighbours
    assert page.evaluate("network.getScale()") > 1.5 * overview  # zoomed in
    assert inside_canvas(page, selected)
    assert "Iran" in page.inner_text("#kg-details-body") and page.is_visible("#kg-details")
    page.wait_for_timeout(100)  # the next frame: labels of the selection first
    labelled = page.evaluate("kgLabelled")
    assert labelled[0] == target and len(set(neighbours) & set(labelled)) >= min(len(neighbours), 5)
    assert "neighbour" in page.inner_text("#kg-status")
    shot = keep(page, "page-search.png", capsys)
    assert shot.stat().st_size > 30_000

    # an entity without relations can be found too: it is shown, alone, and selected
    lone = sorted(set(view.nodes) - set(linked(view)))[0]
    page.evaluate("(id) => kgSearch(id)", lone)
    assert lone in page.evaluate(SHOWN_NODES) and page.evaluate("network.getSelectedNodes()") == [lone]
    page.click("#kg-reset")
    assert lone not in page.evaluate(SHOWN_NODES) and page.evaluate("network.getSelectedNodes()") == []
    # an entity whose type is switched off in the legend: the type comes back
    page.uncheck("#kg-side input[data-kind='type'][data-name='State']")
    assert target not in page.evaluate(SHOWN_NODES)
    page.evaluate("(id) => kgSearch(id)", target)
    assert page.is_checked("#kg-side input[data-kind='type'][data-name='State']")
    assert page.evaluate("network.getSelectedNodes()")[0] == target and target in page.evaluate(SHOWN_NODES)
    assert seen.requests == [] and seen.errors == []


# -- 13: legend toggles -------------------------------------------------------------------


@pytest.mark.model
def test_page_legend_toggles_hide_relations_refit_and_count(examples, examples_page, visit):
    seen = visit(examples_page)
    page = seen.page
    view = select(examples)
    predicates = sorted({e.predicate for e in view.edges})
    modalities = sorted({e.modality for e in view.edges})
    assert "leaderOf" in predicates and "claimed" in modalities
    # count the view's refits (the shown set may keep the same extremes, and so the same view)
    page.evaluate("window.kgFits = 0; const fit = network.fit.bind(network); network.fit = (...a) => { window.kgFits++; return fit(...a); }")

    page.click("#kg-side label:has(input[data-kind='predicate'][data-name='leaderOf'])")
    expected = select(examples, predicates=[p for p in predicates if p != "leaderOf"])
    assert page.evaluate(SHOWN_EDGES) == sorted(e.id for e in expected.edges)
    assert page.evaluate(SHOWN_NODES) == linked(expected)
    assert page.inner_text("#kg-count").startswith(
        f"{len(linked(expected))} of {len(view.nodes)} entities, {len(expected.edges)} of {len(view.edges)} relations")
    assert "kg-off" in page.get_attribute("#kg-side label:has(input[data-name='leaderOf'])", "class")
    assert inside_canvas(page, linked(expected))
    page.wait_for_function("window.kgFits > 0", timeout=10_000)  # refitted to what is shown (may come a frame later)

    page.uncheck("#kg-side input[data-kind='modality'][data-name='claimed']")
    expected = select(examples, predicates=[p for p in predicates if p != "leaderOf"],
                      modalities=[m for m in modalities if m != "claimed"])
    assert page.evaluate(SHOWN_EDGES) == sorted(e.id for e in expected.edges)
    assert page.evaluate(SHOWN_NODES) == linked(expected)
    count = int(page.inner_text("#kg-side [data-count='predicate'][data-name='accuses']"))
    assert count == sum(e.predicate == "accuses" for e in expected.edges)

    page.check("#kg-side input[data-kind='predicate'][data-name='leaderOf']")
    page.check("#kg-side input[data-kind='modality'][data-name='claimed']")
    assert page.evaluate(SHOWN_EDGES) == sorted(e.id for e in view.edges)
    assert page.evaluate(SHOWN_NODES) == linked(view)
    assert seen.requests == [] and seen.errors == []


# -- 14: the time slider ------------------------------------------------------------------


@pytest.mark.model
def test_page_time_slider_shows_the_graph_as_of_a_date_and_in_a_window(examples, examples_page, visit):
    seen = visit(examples_page)
    page = seen.page
    dates = page.evaluate("KG.dates")
    assert len(dates) >= 5 and dates == sorted(dates)

    def check(since, until):
        expected = select(examples, since=since, until=until)
        assert expected.edges, (since, until)
        assert page.evaluate(SHOWN_EDGES) == sorted(e.id for e in expected.edges), (since, until)
        assert page.evaluate(SHOWN_NODES) == linked(expected)
        widths = page.evaluate("(ids) => ids.map((id) => edges.get(id).value)", [e.id for e in expected.edges])
        assert widths == [e.support for e in expected.edges]  # support within the dates

    # as of a date: the "to" handle, moved with the keyboard
    page.focus("#kg-to")
    page.keyboard.press("Home")
    check(None, dates[0])
    middle = len(dates) // 2
    for _ in range(middle):
        page.keyboard.press("ArrowRight")
    check(None, dates[middle])
    assert page.inner_text("#kg-from-date") == dates[0] and page.inner_text("#kg-to-date") == dates[middle]
    assert "as of " + dates[middle] in page.inner_text("#kg-time-note")
    assert page.is_disabled("#kg-from")

    # a window: both handles
    page.check("#kg-window")
    assert page.is_enabled("#kg-from")
    page.focus("#kg-from")
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    check(dates[2], dates[middle])
    assert f"evidence {dates[2]} to {dates[middle]}" in page.inner_text("#kg-count")
    page.focus("#kg-from")
    page.keyboard.press("End")  # past "to": both handles on the last date
    check(dates[-1], dates[-1])

    # back to every date: the undated relations come back too
    page.focus("#kg-from")
    page.keyboard.press("Home")
    page.check("#kg-asof")
    assert page.evaluate(SHOWN_EDGES) == sorted(e.id for e in select(examples).edges)
    assert seen.requests == [] and seen.errors == []


# -- 15: node tooltips, double-click ------------------------------------------------------


@pytest.mark.model
def test_page_node_tooltip_lists_relations_and_documents_and_double_click_collapses(examples, examples_page, visit, capsys):
    seen = visit(examples_page)
    page = seen.page
    view = select(examples)
    degree = view.degree()
    around: dict[str, set[str]] = {}
    for e in view.edges:
        around.setdefault(e.subject, set()).add(e.object)
        around.setdefault(e.object, set()).add(e.subject)
    # the entity with the most leaves (neighbours with no other relation)
    hub = max(around, key=lambda n: (sum(len(around[m] - {n}) == 0 for m in around[n]), n))
    leaves = sorted(m for m in around[hub] if not around[m] - {hub})
    assert len(leaves) >= 3

    x, y = screen_xy(page, hub)
    page.mouse.move(x, y)
    page.wait_for_selector("#kg-tip", state="visible", timeout=5000)
    tip = page.inner_text("#kg-tip")
    assert examples.nodes[hub]["label"] in tip and f"relations ({degree[hub]})" in tip
    some = next(e for e in view.edges if hub in (e.subject, e.object))
    from kg.vocab import load_vocabulary

    assert load_vocabulary()[some.predicate].label in tip
    documents = {p.doc for e in view.edges if hub in (e.subject, e.object) for p in e.evidence}
    assert f"documents ({len(documents)})" in tip
    titles = [examples.documents[d].title for d in documents if examples.documents[d].title]
    assert any(title in tip for title in titles)

    shown = page.evaluate(SHOWN_NODES)
    page.mouse.dblclick(x, y)
    hidden = page.evaluate("(id) => kgState.collapsed[id]", hub)
    assert set(leaves) <= set(hidden)
    assert page.evaluate(SHOWN_NODES) == sorted(set(shown) - set(hidden))
    assert hub in page.evaluate(SHOWN_NODES) and "collapsed" in page.inner_text("#kg-status")
    page.mouse.move(10, 10)
    page.wait_for_timeout(100)
    keep(page, "page-collapsed.png", capsys)
    x, y = screen_xy(page, hub)
    page.mouse.dblclick(x, y)
    assert page.evaluate(SHOWN_NODES) == shown and "expanded" in page.inner_text("#kg-status")
    assert seen.requests == [] and seen.errors == []


def test_page_search_list_and_tooltips_keep_hostile_names_as_text(visit, tmp_path):
    """The new parts of the page (legend, search, labels, node tooltips) never run a name as code."""
    kg = KnowledgeGraph(entries={})
    evil = "<img src=x onerror=alert(1)>"
    kg.add_entity("ARM", "State", evil, mentions=1)
    kg.add_entity("AZE", "State", "</script><script>alert(2)</script>", mentions=1)
    from kg.graph import Provenance

    kg.add_evidence("ARM", "accuses", "AZE", "asserted", Provenance(doc="<b>d</b>", sentence="S.", date="2020-10-08"))
    page_text = to_html(kg)
    assert "</script><script>alert(2)" not in page_text
    seen = visit(write_html(kg, tmp_path / "evil.html"))
    page = seen.page
    x, y = screen_xy(page, "ARM")
    page.mouse.move(x, y)
    page.wait_for_selector("#kg-tip", state="visible", timeout=5000)
    assert evil in page.inner_text("#kg-tip") and page.locator("#kg-tip img").count() == 0
    assert evil in page.evaluate("kgLabelled.map((id) => kgName[id])")
    page.click("#select-node-ts-control >> xpath=..")
    page.keyboard.type("script")
    page.click("#select-node-ts-dropdown [data-value='AZE']")
    assert page.evaluate("network.getSelectedNodes()") == ["AZE", "ARM"]
    assert page.locator("img").count() == 0
    page.wait_for_timeout(200)
    assert seen.dialogs == [] and seen.errors == [] and seen.requests == []



def test_page_served_by_kg_serve_graph_is_the_same_page(browser, tmp_path):  # noqa: F811 - the fixture
    """``kg serve``'s ``/graph`` view of a query answer: drawn, labelled, searchable, offline."""
    import urllib.parse

    import pyoxigraph as ox

    serve_module = pytest.importorskip("kg.serve")
    from kg.rdf.convert import ntriples, triples

    kg = KnowledgeGraph.from_rows([
        ("d1", "2020-09-27", "ARM", "conflictWith", "AZE"),
        ("d2", "2020-10-10", "RUS", "mediates", "ARM"),
        ("d3", "2020-10-12", "TUR", "supports", "AZE"),
    ])
    folder = tmp_path / "small.store"
    store = ox.Store(str(folder))
    store.update("INSERT DATA {\n" + ntriples(triples(kg)) + "}")
    del store  # the lock is released for the server's Oxigraph
    try:
        served = serve_module.serve(str(folder), port=0)
    except serve_module.BackendError as error:
        pytest.skip(f"oxigraph cannot be started: {error}")
    query = "SELECT DISTINCT ?e WHERE { ?st rdf:subject|rdf:object ?e }"
    with served:
        url = served.url.rstrip("/") + "/graph?" + urllib.parse.urlencode({"query": query})
        origin = served.url.rstrip("/")
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        left: list[str] = []

        def route(route):
            if route.request.url.startswith(origin + "/graph?") and route.request.resource_type == "document":
                route.continue_()
            else:
                left.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        assert page.evaluate(SHOWN_NODES) == ["ARM", "AZE", "RUS", "TUR"]
        assert "ARM" in page.evaluate("kgLabelled")
        page.evaluate("kgSearch('ARM')")
        assert sorted(page.evaluate("network.getSelectedNodes()")) == ["ARM", "AZE", "RUS"]
        assert page.inner_text("#kg-count").startswith("4 of 4 entities, 3 of 3 relations")
        context.close()
    assert left == [] and errors == []
