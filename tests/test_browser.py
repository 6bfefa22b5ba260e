"""The kg viz page in a real browser: headless Chromium (Debian's) driven by Playwright, offline.

Every request that is not ``file:`` or ``data:`` is recorded and aborted, so a
page that needs the network shows up here as a request (and a blank graph).
Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install chromium``),
never a browser downloaded by ``playwright install``.
"""

from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.graph import KnowledgeGraph, Provenance
from kg.viz import element_ids, iframe, select, to_html, write_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT_FOR_PEOPLE = Path("/tmp/irkg_seed.png")

if not CHROMIUM.is_file():
    pytest.skip("no /usr/bin/chromium: apt-get install chromium to run the browser tests", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (pip install playwright) is not installed")


@dataclass
class Visit:
    """An open page and what it did: requests that tried to leave, console errors, dialogs."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def ids(self) -> tuple[list[str], list[str]]:
        nodes, edges = self.page.evaluate(
            "[network.body.data.nodes.getIds(), network.body.data.edges.getIds()]"
        )
        return sorted(nodes), sorted(edges)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser):
    contexts = []

    def open_page(path: Path | None = None, *, content: str | None = None, timeout: float = 30.0) -> Visit:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, java_script_enabled=True)
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "about:")):
                route.continue_()
            else:
                seen.requests.append(url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
        started = time.perf_counter()
        if content is not None:
            page.set_content(content)
        else:
            page.goto(path.resolve().as_uri())
            # the page sets data-ready once laid out, frozen and drawn (no eval: the page's CSP forbids it)
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=timeout * 1000)
        seen.seconds = time.perf_counter() - started
        return seen

    yield open_page
    for context in contexts:
        context.close()


def edge_xy(page, edge: str) -> tuple[float, float]:
    """A point on an edge and on no node (vis-network's own hit test)."""
    point = page.evaluate(
        """(id) => {
            const e = edges.get(id), pos = network.getPositions([e.from, e.to]);
            const a = network.canvasToDOM(pos[e.from]), b = network.canvasToDOM(pos[e.to]);
            const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
            const on = (p) => network.getEdgeAt(p) === id && network.getNodeAt(p) === undefined;
            for (let t = 0.3; t <= 0.7; t += 0.01) {
                for (let d = -40; d <= 40; d += 1) {
                    const dx = b.x - a.x, dy = b.y - a.y, n = Math.hypot(dx, dy);
                    const p = {x: a.x + t * dx - d * dy / n, y: a.y + t * dy + d * dx / n};
                    if (on(p) && on({x: p.x + 1, y: p.y + 1}) && on({x: p.x - 1, y: p.y - 1})) return [r.x + p.x, r.y + p.y];
                }
            }
            return null;
        }""",
        edge,
    )
    assert point is not None, edge
    return tuple(point)


def test_browser_seed_page_draws_the_graph_offline(seed_extraction, visit, tmp_path):
    kg = KnowledgeGraph.from_extractions([seed_extraction])
    path = write_html(kg, tmp_path / "seed.html")
    seen = visit(path)
    assert seen.ids() == element_ids(kg)
    assert len(seen.ids()[0]) >= 11 and len(seen.ids()[1]) == len(kg)
    assert seen.page.is_visible("#kg-side") and seen.page.is_visible("#select-menu")
    assert seen.requests == [] and seen.errors == []
    assert seen.page.evaluate("network.physics.options.enabled") is False  # frozen once stable

    # a click on Armenia pins its details and selects it with its neighbours; the rest fades behind a veil
    x, y = seen.page.evaluate(
        "(() => { const p = network.canvasToDOM(network.getPositions(['ARM']).ARM);"
        " const r = document.querySelector('#mynetwork canvas').getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; })()"
    )
    seen.page.mouse.click(x, y)
    assert seen.page.is_visible("#kg-details")
    assert "Armenia" in seen.page.inner_text("#kg-details-body")
    selected = seen.page.evaluate("network.getSelectedNodes()")
    assert selected[0] == "ARM" and "AZE" in selected and "SYR" not in selected

    # the legend's toggles: only the accusations left, two entities shown
    for box in seen.page.query_selector_all("#kg-side input[data-kind='predicate']"):
        if box.get_attribute("data-name") != "accuses":
            box.uncheck()
    visible = "nodes.get({filter: (n) => !n.hidden}).map((n) => n.id).sort()"
    assert seen.page.evaluate(visible) == ["ARM", "AZE"]
    for box in seen.page.query_selector_all("#kg-side input[data-kind='predicate']"):
        box.check()
    linked = sorted({n for s, o, _ in kg.edges() for n in (s, o)})
    assert seen.page.evaluate(visible) == linked  # entities without relations stay hidden

    # the search box selects an entity with its neighbours; Reset selection undoes it
    seen.page.click("#select-node-ts-control >> xpath=..")
    seen.page.keyboard.type("Iran")
    seen.page.click("#select-node-ts-dropdown [data-value='IRN']")
    assert seen.page.evaluate("network.getSelectedNodes()")[0] == "IRN"
    assert "SYR" not in seen.page.evaluate("Object.keys(kgState.focus.ids)")
    seen.page.click("#kg-reset")
    assert seen.page.evaluate("kgState.focus") is None and seen.page.evaluate("network.getSelectedNodes()") == []
    seen.page.mouse.click(x, y)

    seen.page.screenshot(path=str(tmp_path / "seed.png"))
    shutil.copyfile(tmp_path / "seed.png", SCREENSHOT_FOR_PEOPLE)
    assert (tmp_path / "seed.png").stat().st_size > 10_000
    assert seen.requests == [] and seen.errors == []


def test_browser_script_in_evidence_is_escaped_and_never_runs(visit, tmp_path):
    script = "<script>alert(1)</script>"
    kg = KnowledgeGraph(entries={})
    kg.add_entity("ARM", "State", "<img src=x onerror=alert(2)>", mentions=1)
    kg.add_entity("AZE", "State", "Azerbaijan", mentions=1)
    kg.add_evidence("ARM", "accuses", "AZE", "asserted",
                    Provenance(doc="d1", sentence=f"Officials said {script}.", date="2020-10-08",
                               url="javascript:alert(3)"))
    path = write_html(kg, tmp_path / "xss.html")
    assert script not in path.read_text(encoding="utf-8")
    seen = visit(path)
    page = seen.page

    # hover the edge: a point on it (vis-network's own hit test), the mouse moved there
    point = edge_xy(page, "ARM|accuses|asserted|AZE")
    page.mouse.move(*point)
    page.wait_for_selector("#kg-tip", state="visible", timeout=5000)
    assert script in page.inner_text("#kg-tip")  # shown as text...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.inner_html("#kg-tip")  # ...because it was escaped
    page.mouse.click(*point)
    assert script in page.inner_text("#kg-details-body")
    assert page.locator("#kg-details-body script, #kg-tip script, #kg-details-body img, #kg-tip img").count() == 0
    assert page.locator("#kg-details-body a").count() == 0  # javascript: is no link
    page.wait_for_timeout(300)
    assert seen.dialogs == []
    assert seen.requests == [] and seen.errors == []


def synthetic_graph(entities: int = 5000, seed: int = 3) -> KnowledgeGraph:
    """A news-like graph: 200 states, persons each leading or serving one, relations among both."""
    rng = random.Random(seed)
    kg = KnowledgeGraph(entries={})
    states = [f"S{i:03d}" for i in range(200)]
    people = [f"person-{i}" for i in range(entities - len(states))]
    for state in states:
        kg.add_entity(state, "State", f"State {state}", mentions=rng.randint(1, 40))
    for person in people:
        kg.add_entity(person, "Person", person.replace("-", " ").title(), mentions=rng.randint(1, 5))

    def evidence(i: int) -> Provenance:
        return Provenance(doc=f"d{i % 900}", sentence=f"Sentence {i}.", date=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                          url=f"https://news.example.org/{i % 900}")

    for i, person in enumerate(people):
        kg.add_evidence(person, "leaderOf" if i % 7 == 0 else "officialOf", rng.choice(states), "asserted", evidence(i))
    predicates = ["accuses", "talksWith", "supports", "attacks", "allyOf", "sanctions"]
    modalities = ["asserted", "asserted", "claimed", "hypothetical", "negated"]
    for i in range(2000):
        a, b = rng.sample(states, 2)
        kg.add_evidence(a, rng.choice(predicates), b, rng.choice(modalities), evidence(i))
    for i in range(1000):
        a, b = rng.sample(people, 2)
        kg.add_evidence(a, "talksWith", b, "asserted", evidence(i))
    return kg


def test_browser_5000_node_page_is_usable_within_5_seconds(visit, tmp_path):
    """From opening the page to an entity found, zoomed to and selected with its neighbours: under 5 s.

    The time is measured up to three times (the best counts): on a machine
    shared with other work one measurement can be slowed down by the others.
    """
    kg = synthetic_graph()
    assert len(kg.nodes) == 5000
    path = write_html(kg, tmp_path / "large.html")
    neighbours = {e.object if e.subject == "S007" else e.subject for e in select(kg, focus="S007").edges}

    def attempt():
        started = time.perf_counter()
        seen = visit(path, timeout=30)
        seen.page.click("#select-node-ts-control >> xpath=..")
        seen.page.keyboard.type("S007")
        seen.page.click("#select-node-ts-dropdown [data-value='S007']")
        selected = seen.page.evaluate("network.getSelectedNodes()")
        return time.perf_counter() - started, seen, selected

    tries = [attempt()]
    while tries[-1][0] >= 5.0 and len(tries) < 3:
        tries.append(attempt())
    elapsed, seen, selected = min(tries, key=lambda a: a[0])
    page = seen.page
    assert selected[0] == "S007" and set(selected[1:]) == neighbours
    times = ", ".join(f"{t:.1f}" for t, _, _ in tries)
    assert elapsed < 5.0, f"{times} s to open the page and find an entity ({seen.seconds:.1f} s to draw)"
    assert page.evaluate("network.physics.options.enabled") is False
    nodes, edges = seen.ids()
    assert (len(nodes), len(edges)) == (5000, len(kg))
    # a legend toggle on the large page: the persons hidden, the count updated, still quick
    started = time.perf_counter()
    page.uncheck("#kg-side input[data-kind='type'][data-name='Person']")
    assert page.evaluate("nodes.get({filter: (n) => !n.hidden}).length") == 200
    assert time.perf_counter() - started < 2.0
    assert page.inner_text("#kg-count").startswith("200 of 5000 entities")
    assert seen.requests == [] and seen.errors == []


def test_browser_notebook_frame_shows_the_graph(visit):
    kg = KnowledgeGraph.from_rows([("d1", "2020-09-27", "ARM", "conflictWith", "AZE"),
                                   ("d2", "2020-10-10", "RUS", "mediates", "ARM")])
    seen = visit(content=f"<!DOCTYPE html><html><body>{iframe(to_html(kg))}</body></html>")
    frame = seen.page.frames[1]
    frame.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    nodes, edges = frame.evaluate("[network.body.data.nodes.getIds(), network.body.data.edges.getIds()]")
    assert (sorted(nodes), sorted(edges)) == element_ids(kg)
    assert seen.requests == [] and seen.errors == []
