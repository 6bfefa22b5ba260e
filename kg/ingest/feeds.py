"""RSS and Atom feeds -> one :class:`~kg.records.Document` per item (feedparser).

feedparser reads every RSS (0.9x, 1.0, 2.0) and Atom (0.3, 1.0) dialect,
undoes their encodings and entity escapes, sanitises the HTML of summaries
and parses their dates. Each item becomes a document: its title and its
content (or, if it has none, its summary) as text, its link as URL, its
publication (else update) date as date, and the feed's title as source.

>>> rss = b'''<rss version="2.0"><channel><title>World Desk</title>
... <item><title>Chad and Sudan sign accord</title><link>https://desk.example/a1</link>
... <pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate>
... <description>&lt;p&gt;The two &lt;b&gt;neighbours&lt;/b&gt; signed a border accord.&lt;/p&gt;</description>
... </item></channel></rss>'''
>>> (item,) = read_feed(rss, "desk.rss")
>>> item.text, item.url, item.date, item.source
('Chad and Sudan sign accord\\n\\nThe two neighbours signed a border accord.', 'https://desk.example/a1', '2024-03-05', 'World Desk')
>>> [str(e) for e in read_feed(b"<notes><note>hi</note></notes>", "notes.xml")]
['notes.xml: not an RSS or Atom feed, skipped']
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Iterator

from kg.ingest.clean import clean_text
from kg.ingest.files import IngestError, _document
from kg.ingest.html import html_to_document_fields
from kg.records import Document

__all__ = ["read_feed"]

# a character reference to a surrogate (&#xD800;, &#55296;): feedparser turns it into a character it
# then fails to encode (UnicodeEncodeError out of feedparser.parse); it is read as U+FFFD instead
_SURROGATE_REF = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7]\d{3});")


def _no_surrogate_refs(raw: bytes) -> bytes:
    def replace(match: re.Match) -> bytes:
        body = match.group(0)[2:-1]
        number = int(body[1:], 16) if body[:1] in (b"x", b"X") else int(body)
        return b"&#xFFFD;" if 0xD800 <= number <= 0xDFFF else match.group(0)

    return _SURROGATE_REF.sub(replace, raw)


def _text(detail) -> str:
    """Plain text of a feed text construct (HTML is reduced to its visible text)."""
    value = detail.get("value", "") if hasattr(detail, "get") else str(detail or "")
    if "html" in (detail.get("type", "") if hasattr(detail, "get") else ""):
        return html_to_document_fields(value)["text"]
    return clean_text(value)


def _date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def read_feed(raw: bytes, name: str, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """One document per item of the feed ``raw``; an error if it is no feed, a warning if it is damaged."""
    import feedparser

    try:
        feed = feedparser.parse(_no_surrogate_refs(raw))
    except (ValueError, UnicodeError, RecursionError) as error:  # never expected: the last guard
        yield IngestError(name, None, f"unreadable feed ({error}), skipped")
        return
    if not feed.entries:
        if feed.get("version"):  # an empty input has none (feed.version would raise)
            yield IngestError(name, None, "feed without items, skipped")
        else:
            yield IngestError(name, None, "not an RSS or Atom feed, skipped")
        return
    if feed.bozo:
        reason = str(feed.get("bozo_exception") or "malformed").splitlines()[0]
        yield IngestError(name, None, f"damaged feed ({reason}), its items read as far as possible", skipped=False)
    source = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, 1):
        bodies = [_text(c) for c in entry.get("content", [])]
        if entry.get("summary_detail"):
            bodies.append(_text(entry["summary_detail"]))
        body = max(bodies, key=len, default="")
        title = clean_text(entry.get("title", ""))
        text = "\n\n".join(part for part in (title, body) if part)
        if not text:
            yield IngestError(name, number, "feed item without title or text, skipped")
            continue
        key = entry.get("id") or entry.get("link") or text
        fields = {
            "text": text,
            "id": "item-" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:12],
            "title": title or None,
            "url": entry.get("link"),
            "source": source,
            "date": _date(entry),
        }
        yield _document(fields, "", default_date, (name, number))
