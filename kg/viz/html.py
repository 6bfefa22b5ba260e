"""A :class:`~kg.graph.KnowledgeGraph` as one self-contained, interactive HTML page (pyvis).

The page works with no network at all: vis-network and tom-select are
inlined from the pyvis package, the template and its script are ours
(pyvis 0.3.2's own pulls Bootstrap from a CDN and does not escape the
heading), and a ``Content-Security-Policy`` forbids every request.

- Nodes: shape and colour by entity type, size by degree (or mentions);
  the page draws the labels itself, at a constant size on screen, the most
  connected first and none over another, so that the hubs are named at
  every zoom. Entities without relations are hidden (a toggle shows them).
  A node's tooltip lists its relations by predicate and direction, with
  counts and the other ends, and its documents.
- Edges: colour by polarity, darker as the predicate's Goldstein score grows;
  dashed when claimed, dotted when hypothetical, dash-dotted, faded and
  ending in a bar when negated; an arrow when the predicate is directed;
  width by support; a tooltip with predicate, modality, attribution,
  denials, dates and up to three evidence sentences with their sources.
- The page carries the graph as compact tables (:func:`_page_data`): each
  entity, document and predicate once, relations as rows of numbers into
  them, text as plain JSON strings. The page's script makes vis-network's
  items from them, and builds a tooltip's elements when it is shown, writing
  every piece of text from the news (names, ids, sentences, titles) with
  ``textContent``; only ``http``/``https`` URLs become links (checked here and
  in the page). A click on a node or an edge shows the same text in a panel
  where the links can be followed. Labels are canvas text. Shipping tooltips
  as HTML made a 5,000-entity page 22 MB; the tables make it 4 MB
  (``scripts/page_size.py``).
- A side panel beside the drawing: the legend, whose rows (entity types,
  predicates, modalities, reference facts) are toggles with counts, and a
  time slider over the evidence dates (as of a date, or a window). The
  search box zooms to an entity and selects it with its neighbours; a
  double-click collapses what hangs from an entity, or expands it again.
  An empty page says why (:func:`kg.viz.view.nothing_to_show`).
- Small graphs are laid out by the browser's physics, which is switched off
  once stable; above ``physics_limit`` connected nodes the positions are
  computed here (:func:`kg.viz.layout.layout`) and physics stays off.

>>> from kg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_rows([("d1", "2020-09-27", "ARM", "neighbourOf", "AZE")])
>>> page = to_html(kg)
>>> page.startswith("<!DOCTYPE html>"), "https://cdn" in page
(True, False)
>>> data = _page_data(select(kg), kg, {}, [])
>>> data["nodes"][0], data["edges"], data["documents"]
(['ARM', 'Armenia', 0, 0, None, None, 'Q399'], [[0, 1, 0, 0, 1, 0.5, [0, 0], [[0, 0, None]]]], [['d1', None, None, None, '2020-09-27']])
>>> element_ids(kg)
(['ARM', 'AZE'], ['ARM|neighbourOf|asserted|AZE'])
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from kg.atomic import atomic_write
from kg.graph.knowledge import KnowledgeGraph
from kg.viz.layout import layout
from kg.viz.view import GraphView, nothing_to_show, select
from kg.vocab import load_vocabulary

__all__ = [
    "NODE_STYLES",
    "PHYSICS_LIMIT",
    "element_ids",
    "iframe",
    "show",
    "to_html",
    "write_html",
]

log = logging.getLogger(__name__)

#: Entity type -> (vis-network shape, colour).
NODE_STYLES = {
    "State": ("dot", "#4e79a7"),
    "Organization": ("square", "#b07aa1"),
    "Person": ("triangle", "#f28e2b"),
    "Region": ("diamond", "#9c755f"),
    "Other": ("hexagon", "#a0a0a0"),
}
#: Polarity -> (colour at Goldstein 0, colour at |Goldstein| 10).
POLARITY_COLOURS = {
    "cooperative": ("#8fd18f", "#006d2c"),
    "conflictual": ("#f5a582", "#a50f15"),
    "structural": ("#9e9e9e", "#9e9e9e"),
}
#: Modality -> vis-network ``dashes`` (False: a solid line).
MODALITY_DASHES = {
    "asserted": False,
    "claimed": [10, 6],
    "hypothetical": [2, 5],
    "negated": [12, 4, 2, 4],
}
#: Reference facts (``kg enrich``, ``reference=``): thin, muted, dotted, and out of the layout's physics.
REFERENCE_COLOUR, REFERENCE_DASHES = "rgba(110,110,110,0.38)", [1, 4]
#: Above this many nodes, positions are computed in Python and physics is off.
PHYSICS_LIMIT = 200
#: Above this many edges, edges are drawn straight and hidden while dragging.
FAST_EDGES_LIMIT = 1500
#: Entities labelled at the overview (most connected first); zoomed in, every label that has room is drawn.
LABELS_SHOWN = 30
#: In a node's tooltip: other ends listed per predicate, and documents listed.
NODE_TIP_OTHERS, NODE_TIP_DOCUMENTS = 4, 5
#: Evidence sentences in an edge's tooltip, and their length before "…".
EVIDENCE_SHOWN = 3
SENTENCE_CHARS = 320

_QID = re.compile(r"^Q[0-9]+$")
_ASSETS = {
    "vis_js": "lib/vis-9.1.2/vis-network.min.js",
    "vis_css": "lib/vis-9.1.2/vis-network.css",
    "tom_js": "lib/tom-select/tom-select.complete.min.js",
    "tom_css": "lib/tom-select/tom-select.css",
}


# -- text -------------------------------------------------------------------


def _e(value) -> str:
    """HTML-escaped text (quotes too: safe in text and in attribute values)."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an ``http`` or ``https`` URL with a host, else ``None``.

    >>> safe_url("https://example.org/a?b=1"), safe_url("javascript:alert(1)"), safe_url("//x.org")
    ('https://example.org/a?b=1', None, None)
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\r\n\t "):
        return None
    return url


def _clip(text: str, limit: int = SENTENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mix(low: str, high: str, t: float) -> str:
    """The colour ``t`` of the way from ``low`` to ``high`` (``#rrggbb``)."""
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


# -- what the page's script is given ---------------------------------------------


def _trim(row: list, keep: int) -> list:
    """``row`` without its trailing empty items (``None``, ``[]``, the integer 0) past the first ``keep``.

    >>> _trim(["a", 1.5, 0.0, None, 0, []], 1)
    ['a', 1.5, 0.0]
    """
    while len(row) > keep and (row[-1] is None or row[-1] == [] or (type(row[-1]) is int and row[-1] == 0)):
        row.pop()
    return row


def _edge_colour_of(name: str, vocabulary: dict) -> str:
    """A predicate's colour: its polarity's, darker as its Goldstein score grows."""
    predicate = vocabulary[name]
    low, high = POLARITY_COLOURS.get(predicate.polarity, POLARITY_COLOURS["structural"])
    return _mix(low, high, min(abs(predicate.goldstein), 10.0) / 10.0)


class _Numbered:
    """Rows numbered in the order their keys are first seen: the page's tables, referred to by number."""

    def __init__(self, make):
        self.make, self.numbers, self.rows = make, {}, []

    def __call__(self, key) -> int:
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.rows)
            self.rows.append(self.make(key))
        return number


def _holds_within(fact, first: str | None, last: str | None) -> bool:
    """Whether a reference fact held at some time in ``first``..``last`` (no range: holds now)."""
    if first is None and last is None:
        return fact.current
    start, end = fact.earliest_start, fact.latest_end
    return (start is None or last is None or start <= last) and (end is None or first is None or end >= first)


def _reference_groups(facts: Iterable, view: GraphView, since: str | None, until: str | None) -> list:
    """The reference facts between entities of the view that held within its dates, by (subject, predicate, object).

    The dates are ``since``..``until`` when given, else those of the view's
    evidence; a view without dates shows the facts that hold now.
    """
    dates = [d for e in view.edges for d in (e.first_seen, e.last_seen) if d]
    first = since or (min(dates) if dates else None)
    last = until or (max(dates) if dates else None)
    grouped: dict[tuple[str, str, str], list] = {}
    for fact in facts:
        if fact.subject != fact.object and fact.subject in view.nodes and fact.object in view.nodes \
                and _holds_within(fact, first, last):
            grouped.setdefault((fact.subject, fact.predicate, fact.object), []).append(fact)
    groups = sorted(grouped.items())
    for _, group in groups:
        group.sort(key=lambda f: (f.start or "", f.source))
    return groups


def _page_data(view: GraphView, kg: KnowledgeGraph, positions: dict, reference: list) -> dict:
    """The graph as compact tables; the page's script makes vis-network's items and the tooltips from them.

    Everything the tooltips show is here once: entities, documents and
    predicates are rows of their tables, referred to by number; text is plain
    (the page writes it with ``textContent``), URLs are only ``http(s)`` ones.

    - ``dates``: the evidence dates, sorted (the time slider's steps);
    - ``types``: ``[type, shape, colour, border]``; ``modalities``: names;
    - ``predicates``: ``[name, label, symmetric, polarity, "polarity; CAMEO …, Goldstein …", colour]``;
    - ``documents``: ``[id, title, url, site, publication date]`` (trailing empty fields left out);
    - ``nodes``: ``[id, label, type, mentions, x, y, Wikidata id]`` (x, y: computed layout, else null);
    - ``others``: ``[id, label]`` of entities named as claimant or denier that are not on the page
      (numbered after the nodes);
    - ``edges``: ``[subject, object, predicate, modality, support, confidence, [document, date, …],
      evidence, more, claimants, deniers]``: one (document, date) pair per supporting document and
      date (date -1: undated), sorted by date; ``evidence``: up to :data:`EVIDENCE_SHOWN`
      ``[document, date, sentence, url]`` (the most recent first; url left out: the document's),
      ``more``: how many more there are;
    - ``reference``: ``[subject, object, predicate, [[start, end, office, source], …]]``,
      ``sources``: ``[label, url]``.
    """
    vocabulary = load_vocabulary()
    dates = sorted({p.date for e in view.edges for p in e.evidence if p.date})
    day = {d: i for i, d in enumerate(dates)}
    modalities = list(MODALITY_DASHES)

    def type_row(kind: str) -> list:
        shape, colour = NODE_STYLES.get(kind, NODE_STYLES["Other"])
        return [kind, shape, colour, _mix(colour, "#000000", 0.35)]

    def predicate_row(name: str) -> list:
        p = vocabulary[name]
        scores = p.polarity + (f"; CAMEO {p.cameo}, Goldstein {p.goldstein:+.1f}" if p.cameo else "")
        return [name, p.label, bool(p.symmetric), p.polarity, scores, _edge_colour_of(name, vocabulary)]

    def document_row(doc: str) -> list:
        info = kg.documents.get(doc)
        if info is None:
            return [doc]
        return _trim([doc, info.title or None, safe_url(info.url), info.source or None, info.date or None], 1)

    def label(node: str) -> str:
        data = view.nodes.get(node) or (kg.nodes[node] if node in kg.nodes else {})
        return str(data.get("label") or node)

    types, predicates, documents = _Numbered(type_row), _Numbered(predicate_row), _Numbered(document_row)
    entities = {node: number for number, node in enumerate(view.nodes)}
    others: list[list] = []

    def entity(node: str) -> int:
        if node not in entities:
            entities[node] = len(entities)
            others.append([node, label(node)])
        return entities[node]

    nodes = []
    for node, data in view.nodes.items():
        qid = data.get("qid")
        x, y = positions.get(node, (None, None))
        nodes.append(_trim([node, label(node), types(data.get("type", "Other")), int(data.get("mentions") or 0),
                            x, y, str(qid) if qid and _QID.match(str(qid)) else None], 4))
    edges = []
    for edge in view.edges:
        pairs = sorted({(p.doc, p.date or "") for p in edge.evidence}, key=lambda d: (d[1], d[0]))
        shown, seen = [], set()
        for p in reversed(edge.evidence):  # the most recent first
            if (p.doc, p.sentence) not in seen:
                seen.add((p.doc, p.sentence))
                shown.append(p)
        evidence = []
        for p in shown[:EVIDENCE_SHOWN]:
            info = kg.documents.get(p.doc)
            row = [documents(p.doc), day[p.date] if p.date else -1, _clip(p.sentence) if p.sentence else None]
            if p.url and p.url != (info.url if info else None):
                row.append(safe_url(p.url))
            evidence.append(row)
        claimants = sorted({p.attributed_to for p in edge.evidence if p.attributed_to})
        deniers = sorted({d for p in edge.evidence for d in p.denied_by})
        edges.append(_trim([
            entity(edge.subject), entity(edge.object), predicates(edge.predicate), modalities.index(edge.modality),
            edge.support, round(edge.confidence, 2),
            [n for doc, date in pairs for n in (documents(doc), day[date] if date else -1)],
            evidence, max(0, len(shown) - EVIDENCE_SHOWN), [entity(c) for c in claimants], [entity(d) for d in deniers],
        ], 8))
    facts, sources = [], None
    if reference:
        from kg.reference import cached_reference

        known = cached_reference().sources

        def source_row(name: str) -> list:
            source = known.get(name)
            return [source.label, safe_url(source.url)] if source is not None else [name, None]

        sources = _Numbered(source_row)
        for (subject, name, object), group in reference:
            facts.append([entities[subject], entities[object], predicates(name),
                          [[f.start, f.end, f.office or None, sources(f.source)] for f in group]])
    return {
        "dates": dates, "types": types.rows, "modalities": modalities, "predicates": predicates.rows,
        "documents": documents.rows, "nodes": nodes, "others": others, "edges": edges,
        "reference": facts, "sources": sources.rows if sources else [],
    }


def _options(*, physics: bool, fast_edges: bool, large: bool) -> dict:
    options = {
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "scaling": {"min": 8, "max": 36, "label": {"enabled": True, "min": 12, "max": 22, "drawThreshold": 5}},
        },
        "edges": {
            "scaling": {"min": 1, "max": 7, "label": {"enabled": False}},
            "font": {"size": 10, "align": "horizontal", "face": "system-ui, sans-serif", "color": "#444444"},
            "selectionWidth": 2,
            "smooth": False if fast_edges else {"enabled": True, "type": "continuous", "roundness": 0.2},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": fast_edges,
            "hideEdgesOnZoom": fast_edges,
            "multiselect": False,
        },
        "layout": {"improvedLayout": not large, "randomSeed": 7},
    }
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        }
    else:
        options["physics"] = {"enabled": False}
    return options


def _legend(data: dict, degree: dict[str, int]) -> dict:
    """What the legend lists, with counts: only what the page contains, in a fixed order.

    Every predicate and modality has a row (a toggle in the page); predicates
    are grouped by polarity, and each is drawn in its own colour.
    """
    types: dict[str, int] = {}
    for node in data["nodes"]:
        kind = data["types"][node[2]][0]
        types[kind] = types.get(kind, 0) + 1
    predicates: dict[int, int] = {}
    modalities: dict[str, int] = {}
    for edge in data["edges"]:
        predicates[edge[2]] = predicates.get(edge[2], 0) + 1
        modality = data["modalities"][edge[3]]
        modalities[modality] = modalities.get(modality, 0) + 1
    rows = [data["predicates"][number] + [count] for number, count in predicates.items()]
    polarities = {row[3] for row in rows}
    order = [p for p in POLARITY_COLOURS if p in polarities] + sorted(polarities - POLARITY_COLOURS.keys())
    groups = []
    for polarity in order:
        low, high = POLARITY_COLOURS.get(polarity, POLARITY_COLOURS["structural"])
        shown = sorted((label, name, colour, count) for name, label, _, p, _, colour, count in rows if p == polarity)
        groups.append((polarity, low, high, [(name, label, colour, count) for label, name, colour, count in shown]))
    # an arrow: a directed predicate, asserted, claimed or hypothetical; or a reference fact of one
    symmetric = [row[2] for row in data["predicates"]]
    directed = any(not symmetric[e[2]] and data["modalities"][e[3]] != "negated" for e in data["edges"]) \
        or any(not symmetric[f[2]] for f in data["reference"])
    return {
        "types": [(t, *NODE_STYLES[t], types[t]) for t in NODE_STYLES if t in types],
        # a polarity that an ontology of one's own adds is drawn (and listed) in the structural colours
        "polarities": groups,
        "modalities": [(m, MODALITY_DASHES[m], modalities[m]) for m in MODALITY_DASHES if m in modalities],
        "directed": directed,
        "reference": len(data["reference"]),
        "isolated": sum(1 for n in degree.values() if not n),
    }


# -- the page -------------------------------------------------------------------


@lru_cache(maxsize=None)
def _asset(path: str) -> str:
    """A file of pyvis's inlined resources; checked so that it cannot end the <script> or <style> it goes in."""
    import pyvis

    text = (Path(pyvis.__file__).parent / "templates" / path).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise RuntimeError(f"pyvis resource {path} contains a closing </script> or </style> tag")
    return text


def _script_json(value):
    r"""``value`` as JSON to put inside a ``<script>``: compact, with no ``<`` (so no ``</script>`` or ``<!--``).

    >>> str(_script_json([{"label": "</script>"}, "\u2028"]))
    '[{"label":"\\u003c/script>"},"\\u2028"]'
    """
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _environment(extras: dict):
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=FileSystemLoader(str(files("kg.viz").joinpath("templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["tojson"] = _script_json
    env.globals["kg"] = extras
    env.globals["assets"] = {name: Markup(_asset(path)) for name, path in _ASSETS.items()}
    return env


def _network(view: GraphView, kg: KnowledgeGraph, *, title: str, height: str, size_by: str,
             physics: bool | None, physics_limit: int, edge_labels: bool | None, reference: list = (),
             isolated: bool = False):
    """A pyvis Network (for its template machinery and inlined libraries) with our template and data.

    The nodes and edges go to the page as :func:`_page_data`'s tables, not as
    vis-network items: the page's script makes the items and the tooltips.
    """
    from pyvis.network import Network

    if size_by not in ("degree", "mentions"):
        raise ValueError(f"size_by must be 'degree' or 'mentions', not {size_by!r}")
    degree = view.degree()
    connected = [n for n in view.nodes if degree[n]]
    large = len(connected) > physics_limit
    physics = (0 < len(connected) <= physics_limit) if physics is None else physics
    fast_edges = len(view.edges) > FAST_EDGES_LIMIT
    edge_labels = len(view.edges) <= 20 if edge_labels is None else edge_labels
    # the browser's physics starts best from its own initial layout; without physics, ours is the layout;
    # entities without relations are hidden at first, and placed below the graph by the page when shown
    positions = {} if physics else layout(connected, [(e.subject, e.object) for e in view.edges])
    data = _page_data(view, kg, positions, list(reference))

    net = Network(height=height, width="100%", directed=True, select_menu=True, filter_menu=False,
                  neighborhood_highlight=False, cdn_resources="in_line", heading=title)
    net.options = _options(physics=physics, fast_edges=fast_edges, large=large)
    filters = ", ".join(f"{k} {' '.join(v) if isinstance(v, list) else v}" for k, v in view.filters.items())
    dates = data["dates"]
    net.templateEnv = _environment({
        "summary": f"{len(view.nodes)} entities, {len(view.edges)} relations, {len(kg.documents)} documents"
                   + (f", {len(data['reference'])} reference facts" if data["reference"] else ""),
        "filters": filters,
        "legend": _legend(data, degree),
        "size_by": size_by,
        "dates": dates,
        "data": {k: v for k, v in data.items() if k != "dates"},  # the dates are the client's
        # what the page's script needs besides the data
        "client": {
            "dates": dates,
            "undated": sum(1 for e in view.edges if not any(p.date for p in e.evidence)),
            "documents": len(kg.documents),
            "reason": nothing_to_show(kg, view),
            "physics": physics,
            "labels": LABELS_SHOWN,
            "isolated": isolated,
            "size_by": size_by,
            "curved": not fast_edges,
            "edge_labels": edge_labels,
            "dashes": MODALITY_DASHES,
            "reference": {"colour": REFERENCE_COLOUR, "dashes": REFERENCE_DASHES},
            "others": NODE_TIP_OTHERS,
            "documents_listed": NODE_TIP_DOCUMENTS,
        },
    })
    net.path = "graph.html"
    return net


def to_html(
    kg: KnowledgeGraph,
    *,
    predicates=None,
    modalities=None,
    entity_types=None,
    min_support: int = 1,
    since: str | None = None,
    until: str | None = None,
    focus: str | None = None,
    depth: int = 1,
    title: str = "ir-kg: international relations graph",
    height: str = "78vh",
    size_by: str = "degree",
    physics: bool | None = None,
    physics_limit: int = PHYSICS_LIMIT,
    edge_labels: bool | None = None,
    reference: Iterable | None = None,
    isolated: bool = False,
) -> str:
    """The graph (filtered as in :func:`kg.viz.view.select`) as one self-contained HTML page.

    ``size_by`` is ``"degree"`` or ``"mentions"``; ``physics`` forces the
    browser's physics on or off (by default on up to ``physics_limit``
    nodes); ``edge_labels`` forces predicate labels on edges (by default on
    up to 20 edges). ``reference`` adds reference facts
    (:class:`kg.reference.Fact`, e.g. :func:`kg.reference.reference_edges` of a
    store) as thin dotted grey edges between the entities shown, for the
    view's dates; they never add an entity and stay out of the layout.
    ``isolated`` shows the entities without relations from the start (the
    page hides them behind a toggle of its legend by default).
    """
    view = select(kg, predicates=predicates, modalities=modalities, entity_types=entity_types,
                  min_support=min_support, since=since, until=until, focus=focus, depth=depth)
    extra = _reference_groups(reference, view, since, until) if reference else []
    net = _network(view, kg, title=title, height=height, size_by=size_by, physics=physics,
                   physics_limit=physics_limit, edge_labels=edge_labels, reference=extra, isolated=isolated)
    return net.generate_html(name="graph.html")


def write_html(kg: KnowledgeGraph, path: str | os.PathLike, **options) -> Path:
    """Write :func:`to_html` to ``path`` atomically (a temporary file renamed on success).

    The page gets the permissions an ordinary write would give it (``mkstemp``
    alone would leave it readable by its owner only).
    """
    path = Path(path)
    page = to_html(kg, **options)
    with atomic_write(path) as stream:
        stream.write(page)
    log.info("%s: %d bytes", path, len(page.encode("utf-8")))
    return path


def element_ids(kg: KnowledgeGraph, **filters) -> tuple[list[str], list[str]]:
    """The node ids and edge ids the page of ``kg`` (with these filters) contains, sorted."""
    view = select(kg, **filters)
    return sorted(view.nodes), sorted(e.id for e in view.edges)


def iframe(page: str, *, height: str = "680px") -> str:
    """``page`` in an ``<iframe srcdoc>`` (inside a ``<div>``): for notebooks, where it keeps its scripts to itself.

    >>> iframe("<p>a & b</p>", height="100px")[22:60]
    '<iframe srcdoc="&lt;p&gt;a &amp; b&lt;'
    """
    return (
        f'<div class="kg-frame"><iframe srcdoc="{html.escape(page, quote=True)}" '
        f'style="width:100%;height:{_e(height)};border:0" sandbox="allow-scripts allow-popups"></iframe></div>'
    )


def show(kg: KnowledgeGraph, *, frame_height: str = "680px", **options):
    """The page as an ``IPython.display.HTML`` object, shown inline in Jupyter."""
    from IPython.display import HTML

    options.setdefault("height", "600px")
    return HTML(iframe(to_html(kg, **options), height=frame_height))
