"""The page's script in headless Chromium: items and tooltips made from the compact tables (issue 17).

The page ships no tooltip HTML: each node and edge is a row of numbers and
plain text, and the script builds vis-network's items and, on hover, the
tooltip's elements (text with ``textContent``). These tests hover entities and
relations with the mouse, read what the tooltip says, and check the styles the
script gives the items.
"""

from __future__ import annotations

import pytest

from test_viz import _p, seven_entities
from test_browser import browser, edge_xy, visit  # noqa: F401 - the fixtures: Debian's Chromium, offline

from kg.graph import KnowledgeGraph, Provenance
from kg.graph.knowledge import DocumentInfo
from kg.viz import write_html

SCRIPT = "<script>alert(1)</script>"


def small_graph() -> KnowledgeGraph:
    """Every entity type and modality, a claim with its claimant and deniers, documents with titles and sites."""
    kg = seven_entities()
    kg.nodes["ARM"]["qid"] = "Q399"
    kg.add_document(DocumentInfo("d1", "h1", date="2020-09-28", title="Fighting flares along the line of contact",
                                 url="https://wire.example/world/line", source="The Harbour Wire"))
    kg.add_document(DocumentInfo("d2", "h2", date="2020-10-10", title="Moscow hosts overnight talks",
                                 url="https://daily.example/talks", source="Daily Meridian"))
    kg.add_evidence("ARM", "conflictWith", "AZE", "asserted", _p("d1", "2020-09-27"))
    kg.add_evidence("AZE", "conflictWith", "ARM", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("AZE", "accuses", "ARM", "asserted", _p("d1", "2020-09-27"))
    kg.add_evidence("TUR", "deploysForcesTo", "AZE", "claimed",
                    _p("d1", "2020-09-27", sentence="Yerevan says Ankara sent troops to the front.",
                       attributed_to="ARM", denied_by=("AZE", "TUR")))
    kg.add_evidence("RUS", "mediates", "ARM", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("vladimir-putin", "leaderOf", "RUS", "asserted", _p("d2", "2020-10-10"))
    kg.add_evidence("ARM", "memberOf", "CSTO", "asserted", _p("d3"))
    kg.add_evidence("RUS", "attacks", "TUR", "negated", _p("d3", "2020-10-12"))
    kg.add_evidence("RUS", "supports", "ARM", "hypothetical", _p("d2", "2020-10-10"))
    return kg


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    return write_html(small_graph(), tmp_path_factory.mktemp("page") / "small.html")


def node_xy(page, node: str) -> tuple[float, float]:
    return tuple(page.evaluate(
        """(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
             const r = document.querySelector('#mynetwork canvas').getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }""",
        node,
    ))


def hover(page, x: float, y: float) -> str:
    """Move the mouse to an empty corner of the drawing, then to (x, y); the text of the tooltip that shows."""
    box = page.locator("#mynetwork canvas").bounding_box()
    assert page.evaluate("(p) => network.getNodeAt(p) === undefined && network.getEdgeAt(p) === undefined", {"x": 3, "y": 3})
    page.mouse.move(box["x"] + 3, box["y"] + 3)
    page.wait_for_selector("#kg-tip", state="hidden", timeout=5000)
    page.mouse.move(x, y)
    page.wait_for_selector("#kg-tip", state="visible", timeout=5000)
    return page.inner_text("#kg-tip")


def test_viz_page_hovered_entity_and_relation_show_their_tooltips(small_page, visit):
    seen = visit(small_page)
    page = seen.page
    page.evaluate("network.fit({animation: false}); network.redraw()")

    tip = hover(page, *node_xy(page, "ARM"))
    assert tip.startswith("Armenia (ARM)\ntype\tState\nmentions\t1\nWikidata\tQ399\nrelations (5)")
    assert "← accuses\t1\tAzerbaijan (AZE)" in tip and "in conflict with —\t1\tAzerbaijan (AZE)" in tip
    assert "member of →\t1\tCollective Security Treaty Organization (CSTO)" in tip
    assert "documents (3)" in tip
    # the most recent document first, its title linked to its URL
    assert tip.index("Moscow hosts overnight talks") < tip.index("Fighting flares along the line of contact") < tip.index("d3")
    assert page.get_attribute("#kg-tip a[href^='https://www.wikidata.org/']", "href") == "https://www.wikidata.org/wiki/Q399"

    tip = hover(page, *edge_xy(page, "TUR|deploysForcesTo|claimed|AZE"))
    assert tip.startswith("Turkey (TUR) → deploys forces to → Azerbaijan (AZE)\n")
    for line in ("predicate\tdeploysForcesTo (conflictual; CAMEO 15, Goldstein -7.2)", "modality\tclaimed",
                 "claimed by\tArmenia (ARM)", "denied by\tAzerbaijan (AZE), Turkey (TUR)",
                 "support\t1 document, confidence 0.50", "dates\t2020-09-27"):
        assert line in tip, (line, tip)
    assert "“Yerevan says Ankara sent troops to the front.”\n" \
           "Fighting flares along the line of contact · The Harbour Wire · d1 · 2020-09-27 · published 2020-09-28" in tip
    assert page.get_attribute("#kg-tip a", "href") == "https://wire.example/world/line"

    tip = hover(page, *edge_xy(page, "ARM|conflictWith|asserted|AZE"))
    assert "support\t2 documents" in tip and "dates\t2020-09-27 to 2020-10-10" in tip
    assert tip.index("Sentence of d2.") < tip.index("Sentence of d1.")  # the most recent first
    # a click pins the same details in the panel, where the link can be followed
    page.mouse.click(*edge_xy(page, "ARM|conflictWith|asserted|AZE"))
    assert page.inner_text("#kg-details-body") == tip
    assert seen.requests == [] and seen.errors == []


def test_viz_page_items_are_styled_by_type_polarity_modality_and_support(small_page, visit):
    seen = visit(small_page)
    nodes, edges = seen.page.evaluate("[nodes.get(), edges.get()]")
    node = {n["id"]: n for n in nodes}
    assert {node[i]["shape"] for i in ("ARM", "AZE", "RUS", "TUR")} == {"dot"}
    assert len({node[i]["shape"] for i in ("ARM", "CSTO", "vladimir-putin", "nagorno-karabakh")}) == 4
    assert node["ARM"]["value"] == 6 and node["nagorno-karabakh"]["value"] == 1  # 1 + degree
    assert node["nagorno-karabakh"]["hidden"] is True and node["nagorno-karabakh"]["physics"] is False
    assert node["ARM"]["color"]["background"] == "#4e79a7" and "label" not in node["ARM"]  # labels: drawn by the page
    edge = {e["id"]: e for e in edges}
    conflict, mediates = edge["ARM|conflictWith|asserted|AZE"], edge["RUS|mediates|asserted|ARM"]
    negated, claimed = edge["RUS|attacks|negated|TUR"], edge["TUR|deploysForcesTo|claimed|AZE"]
    rgb = lambda colour: [int(x) for x in colour[5:-1].split(",")[:3]]  # noqa: E731
    red, green, _ = rgb(conflict["color"]["color"])
    assert red > 2 * green  # conflictual: red
    red, green, _ = rgb(mediates["color"]["color"])
    assert green > red  # cooperative: green
    red, green, blue = rgb(edge["vladimir-putin|leaderOf|asserted|RUS"]["color"]["color"])
    assert red == green == blue  # structural: grey
    assert negated["color"]["color"].endswith(",0.45)") and conflict["color"]["color"].endswith(",0.9)")
    assert conflict["dashes"] is False and claimed["dashes"] == [10, 6] and negated["dashes"] == [12, 4, 2, 4]
    assert negated["arrows"]["to"] == {"enabled": True, "type": "bar", "scaleFactor": 0.6}
    assert conflict["arrows"]["to"]["enabled"] is False and mediates["arrows"]["to"]["enabled"] is True  # symmetric or not
    assert conflict["value"] == 2 and mediates["value"] == 1  # width by support
    assert conflict["when"] == ["2020-09-27", "2020-10-10"] and edge["ARM|memberOf|asserted|CSTO"]["when"] == []
    assert negated["label"] == "not attacks"  # a small graph: predicates written on the edges
    assert seen.requests == [] and seen.errors == []


def test_viz_page_tooltips_keep_script_in_a_label_and_a_sentence_as_text(visit, tmp_path):
    kg = KnowledgeGraph(entries={})
    kg.add_entity("ARM", "State", SCRIPT, mentions=1)
    kg.add_entity("AZE", "State", '<img src=x onerror="alert(2)">', mentions=1)
    kg.add_document(DocumentInfo("<b>d</b>", "h", title="<i>title</i>", url="javascript:alert(3)", source="<u>site</u>"))
    kg.add_evidence("ARM", "accuses", "AZE", "claimed",
                    Provenance(doc="<b>d</b>", sentence=f"He said {SCRIPT} & left.", date="2020-10-08",
                               attributed_to="<svg onload=alert(4)>"))
    seen = visit(write_html(kg, tmp_path / "evil.html"))
    page = seen.page
    tip = hover(page, *node_xy(page, "ARM"))
    assert tip.startswith(f"{SCRIPT} (ARM)\n") and "accuses →\t1\t<img src=x onerror=\"alert(2)\"> (AZE)" in tip
    assert "<i>title</i>\n<b>d</b> · 2020-10-08" in tip  # no link: javascript: is not a web address
    tip = hover(page, *edge_xy(page, "ARM|accuses|claimed|AZE"))
    assert f"“He said {SCRIPT} & left.”\n<i>title</i> · <u>site</u> · <b>d</b> · 2020-10-08" in tip
    assert "claimed by\t<svg onload=alert(4)>" in tip  # a claimant that is no entity of the page: its id
    page.mouse.click(*edge_xy(page, "ARM|accuses|claimed|AZE"))
    for where in ("#kg-tip", "#kg-details-body"):
        assert page.locator(f"{where} script, {where} img, {where} svg, {where} b, {where} u, {where} a").count() == 0
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.inner_html(where)
    page.wait_for_timeout(200)
    assert seen.dialogs == [] and seen.errors == [] and seen.requests == []


def test_viz_page_node_tooltip_counts_repeated_ends_and_cuts_long_lists(visit, tmp_path):
    kg = KnowledgeGraph(entries={})
    for i in range(7):
        kg.add_evidence("ARM", "accuses", f"X{i}", "asserted", _p(f"d{i}", f"2020-10-{i + 1:02d}"))
    kg.add_evidence("ARM", "accuses", "X0", "claimed", _p("d9", "2020-11-01"))
    for i in range(5):
        kg.add_evidence("AZE", "attacks", "X1", "asserted", _p(f"e{i}", f"2021-01-{i + 1:02d}", sentence=f"Attack {i}."))
    seen = visit(write_html(kg, tmp_path / "many.html"))
    page = seen.page
    tip = page.evaluate("kgNodeTip('ARM').innerText")
    assert "accuses →\t8\tX0 ×2, X1, X2, X3, and 3 more" in page.evaluate(
        "(() => { kgShowDetails(kgNodeTip('ARM')); return document.getElementById('kg-details-body').innerText; })()")
    assert "documents (8)" in tip and tip.count(" · 2020-") == 5 and tip.endswith("and 3 more")
    details = page.evaluate(
        "(() => { kgShowDetails(kgEdgeTip('AZE|attacks|asserted|X1')); return document.getElementById('kg-details-body').innerText; })()")
    assert details.count("“Attack") == 3 and "Attack 4." in details and "Attack 1." not in details  # the most recent three
    assert details.endswith("and 2 more") and "support\t5 documents" in details
    lone = KnowledgeGraph(entries={})
    lone.add_entity("ARM", "State", "Armenia", mentions=2)
    seen = visit(write_html(lone, tmp_path / "lone.html", isolated=True))
    tip = seen.page.evaluate("(() => { kgShowDetails(kgNodeTip('ARM')); return document.getElementById('kg-details-body').innerText; })()")
    assert tip == "Armenia (ARM)\ntype\tState\nmentions\t2\nno relations shown"
    assert seen.page.evaluate("nodes.get('ARM').hidden") is False  # --isolated: shown from the start
    assert seen.errors == []


def test_viz_page_reference_fact_tooltip_lists_periods_and_sources(visit, tmp_path):
    from kg.reference import Fact

    kg = small_graph()
    facts = [Fact("vladimir-putin", "leaderOf", "RUS", "people", "2012-05-07", office="President <b>x</b>"),
             Fact("vladimir-putin", "leaderOf", "RUS", "people", "2000-05-07", "2008-05-07", office="President"),
             Fact("ARM", "neighbourOf", "AZE", "geonames")]
    seen = visit(write_html(kg, tmp_path / "reference.html", reference=facts, since="2002-01-01", until="2020-12-31"))
    text = seen.page.evaluate(
        "(() => { kgShowDetails(kgEdgeTip('reference|vladimir-putin|leaderOf|RUS'));"
        " return document.getElementById('kg-details-body').innerText; })()")
    lines = text.split("\n")
    assert lines[0] == "Vladimir Putin (vladimir-putin) leader of Russia (RUS)"
    assert lines[1] == "a reference fact (kg enrich), not from the news"
    assert lines[2].startswith("2000-05-07 to 2008-05-07, President; source: ")
    assert lines[3].startswith("2012-05-07 to now, President <b>x</b>; source: ")
    reference = seen.page.evaluate("edges.get('reference|ARM|neighbourOf|AZE')")
    assert reference["dashes"] == [1, 4] and reference["physics"] is False and reference["arrows"]["to"]["enabled"] is False
    assert seen.errors == [] and seen.requests == []


def test_viz_page_hostile_graph_tooltips_hold_only_our_elements(visit, tmp_path):
    """Every tooltip of the hostile graph of test_hostile.py: only the tooltip's own tags, every text present."""
    from test_hostile import HOSTILE, hostile_extraction

    kg = KnowledgeGraph.from_extractions([hostile_extraction()], entries={})
    seen = visit(write_html(kg, tmp_path / "hostile.html"))
    found = seen.page.evaluate(
        """() => {
            const tags = {}, hrefs = [], texts = [];
            const all = nodes.getIds().map((id) => kgNodeTip(id)).concat(edges.getIds().map((id) => kgEdgeTip(id)));
            all.forEach((el) => {
                el.querySelectorAll('*').forEach((e) => {
                    tags[e.tagName.toLowerCase()] = true;
                    if (e.tagName === 'A') { hrefs.push(e.getAttribute('href')); }
                    [...e.attributes].forEach((a) => { tags['@' + a.name] = true; });
                });
                texts.push(el.textContent);
            });
            return [Object.keys(tags).sort(), hrefs, texts.join('\\n')];
        }"""
    )
    tags, hrefs, texts = found
    assert set(tags) <= {"div", "table", "tr", "th", "td", "span", "i", "ol", "li", "a",
                         "@class", "@href", "@target", "@rel"}, tags
    assert all(h.startswith("https://") for h in hrefs)
    for text in HOSTILE:
        assert text in texts, text[:40]
    assert seen.dialogs == [] and seen.errors == [] and seen.requests == []
