"""See and explore: the graph as a self-contained pyvis page, and helpers for notebooks.

:func:`to_html` / :func:`write_html` make the page (``kg viz``);
:func:`kg.viz.view.select` is the filtering behind them; :func:`element_ids`
tells which node and edge ids a page holds; :func:`show` displays the page in
Jupyter. :mod:`kg.viz.explore` turns graphs and SPARQL results into pandas
tables and plots for the notebooks. pyvis, pandas and matplotlib are imported
only by the functions that need them.
"""

from kg.viz.html import element_ids, iframe, show, to_html, write_html
from kg.viz.layout import layout
from kg.viz.view import GraphView, ViewEdge, edge_id, nothing_to_show, select

__all__ = [
    "GraphView",
    "ViewEdge",
    "edge_id",
    "element_ids",
    "iframe",
    "layout",
    "nothing_to_show",
    "select",
    "show",
    "to_html",
    "write_html",
]
