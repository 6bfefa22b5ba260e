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
- Every piece of text from the news (names, ids, sentences, titles, URLs) is
  HTML-escaped before it enters a tooltip, and only ``http``/``https`` URLs
  become links. Tooltips are built from HTML on hover; a click on a node or
  an edge shows the same text in a panel where the links can be followed.
  Labels are canvas text; the page's script writes text with ``textContent``.
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
from kg.viz.view import GraphView, ViewEdge, nothing_to_show, select
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


def _link(url: str | None, text: str) -> str:
    url = safe_url(url)
    if url is None:
        return _e(text)
    return f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(text)}</a>'


def _clip(text: str, limit: int = SENTENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mix(low: str, high: str, t: float) -> str:
    """The colour ``t`` of the way from ``low`` to ``high`` (``#rrggbb``)."""
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# -- nodes and edges ----------------------------------------------------------


def _name(view: GraphView, kg: KnowledgeGraph, node: str | None) -> str:
    """``Label (id)`` of an entity, escaped."""
    if not node:
        return ""
    data = view.nodes.get(node) or (kg.nodes[node] if node in kg.nodes else {})
    label = data.get("label") or node
    return _e(label) if label == node else f"{_e(label)} <span class='kg-id'>({_e(node)})</span>"


def _node_tip(node: str, data: dict, view: GraphView, kg: KnowledgeGraph, touching: list[ViewEdge],
              vocabulary: dict) -> str:
    """Id, type, mentions, the entity's relations by predicate (with counts and the other ends) and its documents."""
    rows = [
        f"<div class='kg-title'>{_name(view, kg, node)}</div>",
        "<table>",
        f"<tr><th>type</th><td>{_e(data.get('type', 'Other'))}</td></tr>",
        f"<tr><th>mentions</th><td>{int(data.get('mentions') or 0)}</td></tr>",
    ]
    qid = data.get("qid")
    if qid and _QID.match(str(qid)):
        rows.append(f"<tr><th>Wikidata</th><td>{_link('https://www.wikidata.org/wiki/' + qid, qid)}</td></tr>")
    rows.append("</table>")
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for edge in touching:
        symmetric = vocabulary[edge.predicate].symmetric
        outgoing = edge.subject == node
        direction = "—" if symmetric else ("→" if outgoing else "←")
        other = edge.object if outgoing else edge.subject
        counts = groups.setdefault((edge.predicate, direction), {})
        counts[other] = counts.get(other, 0) + 1
    if groups:
        rows.append(f"<div class='kg-sub'>relations ({len(touching)})</div><table class='kg-rel'>")
        for (name, direction), counts in sorted(groups.items(), key=lambda g: (-sum(g[1].values()), g[0])):
            label = _e(vocabulary[name].label)
            head = f"{label} {direction}" if direction != "←" else f"{direction} {label}"
            others = sorted(counts, key=lambda o: (-counts[o], o))
            names = ", ".join(
                _name(view, kg, o) + (f" ×{counts[o]}" if counts[o] > 1 else "") for o in others[:NODE_TIP_OTHERS]
            )
            if len(others) > NODE_TIP_OTHERS:
                names += f", <i>and {len(others) - NODE_TIP_OTHERS} more</i>"
            rows.append(f"<tr><th>{head}</th><td class='kg-n'>{sum(counts.values())}</td><td>{names}</td></tr>")
        rows.append("</table>")
    else:
        rows.append("<div class='kg-sub'>no relations shown</div>")
    documents: dict[str, str] = {}
    for edge in touching:
        for p in edge.evidence:
            documents[p.doc] = max(documents.get(p.doc, ""), p.date or "")
    if documents:
        rows.append(f"<div class='kg-sub'>documents ({len(documents)})</div><ol class='kg-evidence'>")
        for doc in sorted(documents, key=lambda d: (documents[d], d), reverse=True)[:NODE_TIP_DOCUMENTS]:
            info = kg.documents.get(doc)
            title = (info.title if info and info.title else None) or doc
            date = documents[doc]
            rows.append(f"<li>{_link(info.url if info else None, title)}<div class='kg-source'>{_e(doc)}"
                        f"{' · ' + _e(date) if date else ''}</div></li>")
        rows.append("</ol>")
        if len(documents) > NODE_TIP_DOCUMENTS:
            rows.append(f"<div class='kg-more'>and {len(documents) - NODE_TIP_DOCUMENTS} more</div>")
    return "".join(rows)


def _edge_tip(edge: ViewEdge, view: GraphView, kg: KnowledgeGraph, vocabulary: dict) -> str:
    predicate = vocabulary[edge.predicate]
    arrow = "—" if predicate.symmetric else "→"
    attributed = sorted({p.attributed_to for p in edge.evidence if p.attributed_to})
    denied = sorted({d for p in edge.evidence for d in p.denied_by})
    dates = (
        edge.first_seen if edge.first_seen == edge.last_seen else f"{edge.first_seen or '?'} to {edge.last_seen or '?'}"
    )
    scores = [f"{_e(predicate.polarity)}"]
    if predicate.cameo:
        scores.append(f"CAMEO {_e(predicate.cameo)}, Goldstein {predicate.goldstein:+.1f}")
    rows = [
        f"<div class='kg-title'>{_name(view, kg, edge.subject)} {arrow} <i>{_e(predicate.label)}</i> {arrow} "
        f"{_name(view, kg, edge.object)}</div>",
        "<table>",
        f"<tr><th>predicate</th><td>{_e(edge.predicate)} ({'; '.join(scores)})</td></tr>",
        f"<tr><th>modality</th><td>{_e(edge.modality)}</td></tr>",
    ]
    if attributed:
        rows.append(f"<tr><th>claimed by</th><td>{', '.join(_name(view, kg, a) for a in attributed)}</td></tr>")
    if denied:
        rows.append(f"<tr><th>denied by</th><td>{', '.join(_name(view, kg, d) for d in denied)}</td></tr>")
    rows.append(f"<tr><th>support</th><td>{edge.support} document{'s' if edge.support != 1 else ''}, "
                f"confidence {edge.confidence:.2f}</td></tr>")
    if dates:
        rows.append(f"<tr><th>dates</th><td>{_e(dates)}</td></tr>")
    rows.append("</table>")
    shown, seen = [], set()
    for p in reversed(edge.evidence):  # the most recent first
        key = (p.doc, p.sentence)
        if key in seen:
            continue
        seen.add(key)
        shown.append(p)
    if shown:
        rows.append("<ol class='kg-evidence'>")
        for p in shown[:EVIDENCE_SHOWN]:
            document = kg.documents.get(p.doc)
            title = (document.title if document and document.title else None) or p.doc
            url = p.url or (document.url if document else None)
            source = _link(url, title)
            sentence = f"“{_e(_clip(p.sentence))}”" if p.sentence else "<i>no sentence</i>"
            site = f" · {_e(document.source)}" if document and document.source else ""
            published = document.date if document else None
            dates = " · ".join(_e(d) for d in (p.date, published and published != p.date and f"published {published}") if d)
            rows.append(f"<li>{sentence}<div class='kg-source'>{source}{site} · {_e(p.doc)}"
                        f"{' · ' + dates if dates else ''}</div></li>")
        rows.append("</ol>")
        if len(shown) > EVIDENCE_SHOWN:
            rows.append(f"<div class='kg-more'>and {len(shown) - EVIDENCE_SHOWN} more</div>")
    return "".join(rows)


def _edge_colour(edge: ViewEdge, vocabulary: dict) -> str:
    return _edge_colour_of(edge.predicate, vocabulary)


def _edge_colour_of(name: str, vocabulary: dict) -> str:
    """A predicate's colour: its polarity's, darker as its Goldstein score grows."""
    predicate = vocabulary[name]
    low, high = POLARITY_COLOURS.get(predicate.polarity, POLARITY_COLOURS["structural"])
    return _mix(low, high, min(abs(predicate.goldstein), 10.0) / 10.0)


def _vis_nodes(view: GraphView, kg: KnowledgeGraph, positions: dict, size_by: str, isolated: bool = False) -> list[dict]:
    """vis-network nodes; an entity without relations is out of the physics, and hidden unless ``isolated``."""
    degree, vocabulary = view.degree(), load_vocabulary()
    touching: dict[str, list[ViewEdge]] = {}
    for edge in view.edges:
        touching.setdefault(edge.subject, []).append(edge)
        if edge.object != edge.subject:
            touching.setdefault(edge.object, []).append(edge)
    items = []
    for node, data in view.nodes.items():
        kind = data.get("type", "Other")
        shape, colour = NODE_STYLES.get(kind, NODE_STYLES["Other"])
        mentions = int(data.get("mentions") or 0)
        item = {
            "id": node,
            "label": str(data.get("label") or node),
            "shape": shape,
            "color": {"background": colour, "border": _mix(colour, "#000000", 0.35),
                      "highlight": {"background": colour, "border": "#000000"},
                      "hover": {"background": colour, "border": "#000000"}},
            "value": 1 + (degree[node] if size_by == "degree" else mentions),
            "type": kind,
            "mentions": mentions,
            "degree": degree[node],
            "tip": _node_tip(node, data, view, kg, touching.get(node, []), vocabulary),
        }
        if not degree[node]:
            item["hidden"], item["physics"] = not isolated, False
        if node in positions:
            item["x"], item["y"] = positions[node]
        items.append(item)
    return items


def _vis_edges(view: GraphView, kg: KnowledgeGraph, curved: bool, edge_labels: bool) -> list[dict]:
    vocabulary = load_vocabulary()
    parallel: dict[tuple[str, str], int] = {}
    items = []
    for edge in view.edges:
        predicate = vocabulary[edge.predicate]
        colour = _edge_colour(edge, vocabulary)
        negated = edge.modality == "negated"
        item = {
            "id": edge.id,
            "from": edge.subject,
            "to": edge.object,
            "arrows": {"to": {"enabled": not predicate.symmetric or negated,
                              "type": "bar" if negated else "arrow", "scaleFactor": 0.6}},
            "dashes": MODALITY_DASHES[edge.modality],
            "color": {"color": _rgba(colour, 0.45 if negated else 0.9), "highlight": colour, "hover": colour},
            "value": edge.support,
            # plain fields for the filter menu
            "predicate": edge.predicate,
            "modality": edge.modality,
            "polarity": predicate.polarity,
            "support": edge.support,
            "first_seen": edge.first_seen,
            "last_seen": edge.last_seen,
            # one date per supporting document: the page's time slider counts them
            "when": sorted({(p.doc, p.date) for p in edge.evidence if p.date}, key=lambda d: (d[1], d[0])),
            "tip": _edge_tip(edge, view, kg, vocabulary),
        }
        item["when"] = [date for _, date in item["when"]]
        if edge_labels:
            item["label"] = predicate.label if not negated else f"not {predicate.label}"
        if curved:
            pair = tuple(sorted((edge.subject, edge.object)))
            k = parallel.get(pair, 0)
            parallel[pair] = k + 1
            forward = (edge.subject, edge.object) == pair
            clockwise = (k % 2 == 0) == forward
            item["smooth"] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                              "roundness": 0.08 + 0.14 * (k // 2 + (k % 2))}
        items.append(item)
    return items


def _holds_within(fact, first: str | None, last: str | None) -> bool:
    """Whether a reference fact held at some time in ``first``..``last`` (no range: holds now)."""
    if first is None and last is None:
        return fact.current
    start, end = fact.earliest_start, fact.latest_end
    return (start is None or last is None or start <= last) and (end is None or first is None or end >= first)


def _reference_tip(facts: list, sources: dict, view: GraphView, kg: KnowledgeGraph) -> str:
    fact = facts[0]
    predicate = load_vocabulary()[fact.predicate]
    names = _name(view, kg, fact.subject), _e(predicate.label), _name(view, kg, fact.object)
    rows = [f"<div class='kg-tip-title'>{' '.join(names)}</div>",
            "<div>a reference fact (<code>kg enrich</code>), not from the news</div>"]
    for each in facts:
        source = sources.get(each.source)
        name = _link(source.url, source.label) if source is not None else _e(each.source)
        period = f"{each.start or '…'} to {each.end or 'now'}" if (each.start or each.end) else "no dates"
        office = f", {_e(each.office)}" if each.office else ""
        rows.append(f"<div>{_e(period)}{office}; source: {name}</div>")
    return "".join(rows)


def _reference_edges(facts: Iterable, view: GraphView, kg: KnowledgeGraph, since: str | None, until: str | None) -> list[dict]:
    """Edges for the reference facts between entities of the view, held within its dates.

    The dates are ``since``..``until`` when given, else those of the view's
    evidence; a view without dates shows the facts that hold now.
    """
    from kg.reference import cached_reference

    dates = [d for e in view.edges for d in (e.first_seen, e.last_seen) if d]
    first = since or (min(dates) if dates else None)
    last = until or (max(dates) if dates else None)
    grouped: dict[tuple[str, str, str], list] = {}
    for fact in facts:
        if fact.subject != fact.object and fact.subject in view.nodes and fact.object in view.nodes \
                and _holds_within(fact, first, last):
            grouped.setdefault((fact.subject, fact.predicate, fact.object), []).append(fact)
    if not grouped:
        return []
    vocabulary, sources = load_vocabulary(), cached_reference().sources
    items = []
    for (subject, name, object), group in sorted(grouped.items()):
        group.sort(key=lambda f: (f.start or "", f.source))
        items.append({
            "id": f"reference|{subject}|{name}|{object}",
            "from": subject,
            "to": object,
            "arrows": {"to": {"enabled": not vocabulary[name].symmetric, "type": "arrow", "scaleFactor": 0.4}},
            "dashes": REFERENCE_DASHES,
            "color": {"color": REFERENCE_COLOUR, "highlight": "#6e6e6e", "hover": "#6e6e6e"},
            "value": 1,
            "physics": False,  # a border or a membership must not pull the news apart
            "smooth": False,
            "predicate": name,
            "modality": "reference",
            "polarity": "reference",
            "support": 0,
            "first_seen": group[0].start,
            "last_seen": group[-1].end,
            "tip": _reference_tip(group, sources, view, kg),
        })
    return items


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


def _legend(nodes: list[dict], edges: list[dict]) -> dict:
    """What the legend lists, with counts: only what the page contains, in a fixed order.

    Every predicate and modality has a row (a toggle in the page); predicates
    are grouped by polarity, and each is drawn in its own colour.
    """
    vocabulary = load_vocabulary()
    news = [e for e in edges if e["modality"] != "reference"]
    types: dict[str, int] = {}
    for n in nodes:
        types[n["type"]] = types.get(n["type"], 0) + 1
    polarities = {e["polarity"] for e in news}
    order = [p for p in POLARITY_COLOURS if p in polarities] + sorted(polarities - POLARITY_COLOURS.keys())
    predicates: dict[str, int] = {}
    modalities: dict[str, int] = {}
    for e in news:
        predicates[e["predicate"]] = predicates.get(e["predicate"], 0) + 1
        modalities[e["modality"]] = modalities.get(e["modality"], 0) + 1
    groups = []
    for polarity in order:
        low, high = POLARITY_COLOURS.get(polarity, POLARITY_COLOURS["structural"])
        rows = sorted(
            (vocabulary[name].label, name, _edge_colour_of(name, vocabulary), count)
            for name, count in predicates.items() if vocabulary[name].polarity == polarity
        )
        groups.append((polarity, low, high, [(name, label, colour, count) for label, name, colour, count in rows]))
    directed = any(e["arrows"]["to"]["enabled"] and e["modality"] != "negated" for e in edges)
    return {
        "types": [(t, *NODE_STYLES[t], types[t]) for t in NODE_STYLES if t in types],
        # a polarity that an ontology of one's own adds is drawn (and listed) in the structural colours
        "polarities": groups,
        "modalities": [(m, MODALITY_DASHES[m], modalities[m]) for m in MODALITY_DASHES if m in modalities],
        "directed": directed,
        "reference": sum(e["modality"] == "reference" for e in edges),
        "isolated": sum(1 for n in nodes if not n["degree"]),
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
    r"""``value`` as JSON to put inside a ``<script>``: compact, with no ``</`` or ``<!`` (so no ``</script>`` or ``<!--``).

    Every ``<`` is written ``\u003c``, except in the ``tip`` of an item: a
    tooltip is HTML that :func:`_e` has escaped, whose every ``<`` starts one of
    our own tags; there only ``</`` and ``<!`` are broken (``<\/``, ``\u003c!``),
    which keeps the tooltips, most of a large page, at their size.

    >>> str(_script_json([{"label": "<b>", "tip": "<div>a</div><!--"}]))
    '[{"label":"\\u003cb>","tip":"<div>a<\\/div>\\u003c!--"}]'
    """
    from markupsafe import Markup

    def dump(item) -> str:
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")

    def dump_item(item) -> str:
        if not isinstance(item, dict) or not isinstance(item.get("tip"), str) or len(item) < 2:
            return dump(item)
        rest = dump({k: v for k, v in item.items() if k != "tip"})
        tip = json.dumps(item["tip"], ensure_ascii=False).replace("</", "<\\/").replace("<!", "\\u003c!")
        tip = tip.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return rest[:-1] + ',"tip":' + tip + "}"

    if isinstance(value, list):
        return Markup("[" + ",".join(dump_item(item) for item in value) + "]")
    return Markup(dump(value))


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
             physics: bool | None, physics_limit: int, edge_labels: bool | None, reference: list[dict] = (),
             isolated: bool = False):
    """A pyvis Network filled directly (``from_nx`` is quadratic) with our template."""
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
    nodes = _vis_nodes(view, kg, positions, size_by, isolated)
    edges = _vis_edges(view, kg, curved=not fast_edges, edge_labels=edge_labels) + list(reference)

    net = Network(height=height, width="100%", directed=True, select_menu=True, filter_menu=False,
                  neighborhood_highlight=False, cdn_resources="in_line", heading=title)
    net.nodes = nodes
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.edges = edges
    net.options = _options(physics=physics, fast_edges=fast_edges, large=large)
    filters = ", ".join(f"{k} {' '.join(v) if isinstance(v, list) else v}" for k, v in view.filters.items())
    dates = sorted({d for e in edges for d in e.get("when", ())})
    net.templateEnv = _environment({
        "summary": f"{len(nodes)} entities, {len(edges) - len(reference)} relations, {len(kg.documents)} documents"
                   + (f", {len(reference)} reference facts" if reference else ""),
        "filters": filters,
        "legend": _legend(nodes, edges),
        "size_by": size_by,
        "dates": dates,
        # what the page's script needs besides the nodes and edges
        "client": {
            "dates": dates,
            "undated": sum(1 for e in edges if e["modality"] != "reference" and not e.get("when")),
            "documents": len(kg.documents),
            "reason": nothing_to_show(kg, view),
            "physics": physics,
            "labels": LABELS_SHOWN,
            "isolated": isolated,
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
    extra = _reference_edges(reference, view, kg, since, until) if reference else []
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
