"""The article of a news page: main text and metadata, boilerplate dropped (trafilatura).

A saved news page is mostly not news: navigation menus, cookie notices,
share buttons, related-article lists, comment threads and footers.
:func:`article_fields` keeps the article — trafilatura finds the main
content by the page's structure and link density, and reads the title,
publication date (htmldate: meta tags, JSON-LD, ``<time>``, the URL),
author, site name and canonical URL. A page trafilatura finds no article in
(a fragment, a list page) falls back to every visible text of
:func:`kg.ingest.html.html_to_document_fields`, so nothing readable is lost.

>>> page = ('<html><head><title>Talks - Planet</title><meta property="og:site_name" content="Planet">'
...         '<meta property="article:published_time" content="2024-03-02T10:00:00Z"></head><body>'
...         '<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Talks resume</h1>'
...         '<p>Armenia and Azerbaijan resumed talks in Geneva on Saturday after a pause of three months.</p>'
...         '<p>The foreign ministers met for four hours and agreed to meet again in April.</p></article>'
...         '<footer>All rights reserved.</footer></body></html>')
>>> fields = article_fields(page)
>>> fields["title"], fields["date"], fields["source"]
('Talks resume', '2024-03-02', 'Planet')
>>> print(fields["text"])
Talks resume
<BLANKLINE>
Armenia and Azerbaijan resumed talks in Geneva on Saturday after a pause of three months.
<BLANKLINE>
The foreign ministers met for four hours and agreed to meet again in April.
>>> article_fields("<p>Chile &amp; Peru met.</p>")["text"]  # no article found: the visible text
'Chile & Peru met.'
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from kg.ingest.clean import clean_text
from kg.ingest.html import html_to_document_fields

__all__ = ["article_fields"]

#: htmldate: the publication date, not the last modification; no guessing from the running text
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def _one_line(value) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(clean_text(value).split()) or None


def article_fields(markup: str | bytes, url: str | None = None, fast: bool = False) -> dict:
    """``{"text", "title", "date", "url", "source", "author"}`` of a news page.

    ``markup`` may be bytes (trafilatura then finds the encoding); ``url``
    (a crawl's target URI) wins over the page's canonical link. ``source`` is
    the site's name, else its host name. ``fast`` skips trafilatura's second
    opinion (jusText and readability on pages where its own extraction looks
    poor): a fifth to a third less time (web archives use it).
    """
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan"):  # they log each page they find nothing in
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        found = trafilatura.bare_extraction(
            markup, url=url, fast=fast, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={**_DATE_PARAMS, "url": url} if url else _DATE_PARAMS,
        )
    except Exception:  # noqa: BLE001 - markup lxml or trafilatura cannot handle: the visible text below instead
        found = None
    text = clean_text("\n\n".join(found.text.split("\n"))) if found is not None and found.text else ""
    if not text:
        if isinstance(markup, bytes):
            markup = markup.decode("utf-8", errors="replace")
        fields = html_to_document_fields(markup)
        page_url = url or fields.get("url")
        host = urlsplit(page_url).hostname if page_url else None
        return {**fields, "url": page_url, "source": host, "author": None}
    page_url = url or _one_line(found.url)
    host = urlsplit(page_url).hostname if page_url else None
    return {
        "text": text,
        "title": _one_line(found.title),
        "date": found.date[:10] if isinstance(found.date, str) else None,
        "url": page_url,
        "source": _one_line(found.sitename) or _one_line(found.hostname) or host,
        "author": _one_line(found.author),
    }
