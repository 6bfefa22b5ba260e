"""Web archives (``.warc``, ``.warc.gz``) -> documents, read as a stream (warcio).

A crawl such as CC-NEWS stores each fetched page as a WARC ``response``
record: WARC headers (target URI, date), the HTTP headers, the body. warcio
reads records one at a time from a plain or gzip-compressed file (each
record its own gzip member), so memory does not grow with the archive.
Each HTML response with status 200 becomes a document through
:func:`kg.ingest.article.article_fields` in its fast mode (no second
opinion from jusText and readability: less time, and the same result on
the 20 test pages) — main text, title, author, site —
with the record's target URI as URL and the page's publication date, else
the record's date. Every other record (requests, metadata, ``warcinfo``,
images, PDFs, redirects, error pages, pages without text) is passed over and
counted; the counts come as one warning per archive.

>>> import io
>>> from warcio.warcwriter import WARCWriter
>>> from warcio.statusandheaders import StatusAndHeaders
>>> buffer = io.BytesIO()
>>> writer = WARCWriter(buffer, gzip=True)
>>> page = b"<html><body><p>Chad and Sudan signed a border accord in N'Djamena on Monday.</p></body></html>"
>>> http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
>>> writer.write_record(writer.create_warc_record("https://desk.example/a1", "response", payload=io.BytesIO(page),
...     http_headers=http, warc_headers_dict={"WARC-Date": "2024-03-05T08:00:00Z"}))
>>> image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
>>> writer.write_record(writer.create_warc_record("https://desk.example/logo.png", "response",
...     payload=io.BytesIO(b"\\x89PNG"), http_headers=image))
>>> document, report = read_warc(io.BytesIO(buffer.getvalue()), "crawl.warc.gz")
>>> document.url, document.date, document.text
('https://desk.example/a1', '2024-03-05', "Chad and Sudan signed a border accord in N'Djamena on Monday.")
>>> str(report)
'crawl.warc.gz: 1 record of 2 passed over: 1 non-HTML response (image/png 1)'
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from typing import IO, Iterator

from kg.ingest.article import article_fields
from kg.ingest.files import IngestError, _document, normalise_date
from kg.records import Document

__all__ = ["read_warc"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _summary(name: str, total: int, passed: Counter, types: Counter) -> IngestError | None:
    if not passed:
        return None
    parts = []
    for kind, count in sorted(passed.items()):
        if kind == "non-HTML response":
            listed = ", ".join(f"{t} {n}" for t, n in types.most_common(5))
            parts.append(f"{_plural(count, kind)} ({listed})")
        else:
            parts.append(_plural(count, kind))
    skipped = sum(passed.values())
    return IngestError(name, None, f"{_plural(skipped, 'record')} of {total:,} passed over: {', '.join(parts)}", skipped=False)


def _archive_start(stream: IO[bytes]) -> bytes:
    """The first bytes of the archive, decompressed (the stream is rewound); ``b"WARC/"`` for a WARC."""
    if not stream.seekable():
        return b"WARC/"
    head = stream.read(2)
    stream.seek(0)
    try:
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=stream) as unzipped:
                return unzipped.read(11)
        return stream.read(11)
    except (OSError, EOFError):
        return b""
    finally:
        stream.seek(0)


_DAMAGE = (OSError, EOFError, ValueError, AttributeError, TypeError, IndexError, KeyError)


def _html_page(record, passed: Counter, types: Counter) -> tuple[str | None, bytes] | None:
    """``(target URI, body)`` of an HTML response with status 200; anything else is counted in ``passed``."""
    if record.rec_type != "response" or record.http_headers is None:
        passed[f"{record.rec_type} record"] += 1
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in _HTML_TYPES:
        passed["non-HTML response"] += 1
        types[content_type or "no type"] += 1
        return None
    status = record.http_headers.get_statuscode()
    if status != "200":
        passed[f"HTTP {status} response"] += 1
        return None
    return record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()


def read_warc(stream: IO[bytes], name: str, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """Documents of the HTML responses in a WARC stream, then one warning counting the other records."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    start = _archive_start(stream)
    if not start.startswith((b"WARC/", b"filedesc://")):  # warcio would read any text as an old ARC file
        yield IngestError(name, None, "not a readable web archive (it does not start with a WARC record), skipped")
        return
    passed: Counter = Counter()
    types: Counter = Counter()
    number = 0
    records = iter(ArchiveIterator(stream, arc2warc=True))
    while True:
        try:  # warcio raises what it meets on a cut or garbled record (AttributeError on a missing URI line)
            record = next(records, None)
            if record is None:
                break
            number += 1
            page = _html_page(record, passed, types)
        except (ArchiveLoadFailed, *_DAMAGE) as error:
            reason = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
            if number <= 1 and "non-chunked gzip" in reason and not isinstance(stream, gzip.GzipFile):
                # one gzip stream for the whole archive, not one a record: read it through gzip (slower, no seek)
                stream.seek(0)
                yield from read_warc(gzip.GzipFile(fileobj=stream), name, default_date)
                return
            if number <= 1:
                yield IngestError(name, None, f"not a readable web archive ({reason}), skipped")
                return
            yield IngestError(name, number, f"damaged web archive at record {number} ({reason}), the rest skipped")
            break
        if page is None:
            continue
        uri, body = page
        if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: the file ends inside it
            yield IngestError(name, number, f"web archive ends inside record {number} ({uri}), skipped")
            break
        fields = article_fields(body, url=uri, fast=True)
        if not fields["text"]:
            passed["page without text"] += 1
            continue
        fields["id"] = "page-" + hashlib.sha1((uri or fields["text"]).encode("utf-8")).hexdigest()[:12]
        fields["date"] = fields["date"] or normalise_date(record.rec_headers.get_header("WARC-Date"))
        yield _document(fields, "", default_date, (name, number))
    report = _summary(name, number, passed, types)
    if report is not None:
        yield report
