"""Visible text, title and date of an HTML page (standard library parser).

>>> page = html_to_document_fields("<html><head><title>T</title><script>x()</script></head>"
...     "<body><p>One.</p><p>Two &amp; three</p></body></html>")
>>> page["title"], page["text"]
('T', 'One.\\n\\nTwo & three')
"""

from __future__ import annotations

from html.parser import HTMLParser

from kg.ingest.clean import clean_text

__all__ = ["html_to_document_fields"]

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "header", "footer", "hr", "figcaption", "title", "main",
}
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date",
)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        if tag == "meta":
            attrs = dict(attrs)
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"])
        if tag == "time" and "datetime" not in self.meta:
            for name, value in attrs:
                if name == "datetime" and value:
                    self.meta["datetime"] = value
        if tag in _BLOCK:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_to_document_fields(markup: str) -> dict:
    """Return ``{"text", "title", "date", "url"}`` of an HTML page."""
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    date = next((parser.meta[k] for k in (*_DATE_META, "datetime") if k in parser.meta), None)
    return {
        "text": clean_text("".join(parser.parts)),
        "title": clean_text(" ".join(parser.title)) or None,
        "date": date[:10] if date else None,
        "url": parser.meta.get("og:url"),
    }
