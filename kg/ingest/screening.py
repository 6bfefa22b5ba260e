"""Screen documents before extraction: language, size, duplicate ids.

- Text in a language the pipeline has no model for is skipped and reported
  with the detected language (:mod:`kg.ingest.language`, py3langid); text
  whose language cannot be told is kept.
- A page (a document with a URL) seen before — the same URL, or the same
  text as another page (a syndicated article, a page crawled twice) — is
  dropped and reported, like an exact repeat.
- A document longer than ``max_chars`` is split at paragraph (or sentence)
  boundaries into parts ``ID#1``, ``ID#2`` … — never dropped.
- A second document with an id already seen is renamed ``ID~HASH`` and
  reported; an exact repeat (same id, same text) is dropped and reported.
  The ids of parts count as seen: a later document ``ID#1`` is renamed, and a
  long document whose part ids are taken is split into ``ID~HASH#1`` ….

>>> from kg.records import Document
>>> parts = list(split_document(Document("d", "one. " * 30), max_chars=60))
>>> [p.id for p in parts][:3], all(len(p.text) <= 60 for p in parts)
(['d#1', 'd#2', 'd#3'], True)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Iterable, Iterator

from kg.ingest.files import IngestError, content_id
from kg.ingest.language import detect_language
from kg.records import Document

__all__ = ["detect_language", "split_document", "screen"]

MAX_CHARS = 100_000
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))


def _cut(text: str, max_chars: int) -> int:
    """Where to cut ``text`` so that the first part is at most ``max_chars`` long."""
    for pattern in _BREAKS:
        ends = [m.end() for m in pattern.finditer(text, 0, max_chars + 1) if m.end() <= max_chars]
        if ends and ends[-1] > max_chars // 4:
            return ends[-1]
    return max_chars


def split_document(document: Document, max_chars: int = MAX_CHARS) -> Iterator[Document]:
    """``document`` itself, or its parts when it is longer than ``max_chars``."""
    if len(document.text) <= max_chars:
        yield document
        return
    rest, number = document.text, 0
    while rest:
        end = _cut(rest, max_chars) if len(rest) > max_chars else len(rest)
        part, rest = rest[:end].strip(), rest[end:]
        if part:
            number += 1
            yield replace(document, id=f"{document.id}#{number}", text=part)


def _key(kind: str, value: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{kind}\0{value}".encode("utf-8"), digest_size=8).digest(), "big")


def _repeat(item: Document, digest: str, seen: dict[str, str], pages: dict[int, str]) -> str | None:
    """Why the page ``item`` repeats one seen before (same URL, or same text under another id), else ``None``.

    Pages are documents with a URL (web pages, feed items, archive records);
    an exact repeat (same id, same text) is left to the id check, and a
    plain document whose id was seen with another text is renamed there.
    """
    if not item.url:
        return None
    keys = [("URL", _key("url", item.url)), ("text", _key("text", digest))]
    for kind, key in keys:
        first = pages.get(key)
        if first is not None and not (first == item.id and seen.get(item.id) == digest):
            return f"document {item.id!r} has the same {kind} as {first!r}, skipped"
    for _, key in keys:
        pages.setdefault(key, item.id)
    return None


def screen(items: Iterable, languages: tuple[str, ...] = ("en",), max_chars: int = MAX_CHARS) -> Iterator:
    """Documents fit for extraction, and an :class:`IngestError` for each problem."""
    seen: dict[str, str] = {}
    pages: dict[int, str] = {}  # hash of a URL or of a text -> the id of the first document with it
    for item in items:
        if isinstance(item, IngestError):
            yield item
            continue
        name, line = item.origin or (item.id, None)
        language = detect_language(item.text)
        if language is not None and language not in languages:
            yield IngestError(name, line, f"document {item.id!r} is in language {language!r}, skipped (no model configured)")
            continue
        digest = content_id(item.text)
        repeat = _repeat(item, digest, seen, pages)
        if repeat:
            yield IngestError(name, line, repeat)
            continue
        if item.id in seen:
            if seen[item.id] == digest:
                yield IngestError(name, line, f"document {item.id!r} repeated, skipped")
                continue
            new_id = f"{item.id}~{digest[4:12]}"
            yield IngestError(name, line, f"duplicate id {item.id!r}, kept as {new_id!r}", skipped=False)
            item = replace(item, id=new_id)
        seen[item.id] = digest
        if len(item.text) <= max_chars:
            yield item
            continue
        parts = list(split_document(item, max_chars))
        message = f"document {item.id!r} has {len(item.text):,} characters, split into parts"
        if any(part.id in seen for part in parts):  # a document seen before has the id of a part
            base = f"{item.id}~{digest[4:12]}"
            parts = [replace(part, id=f"{base}#{number}") for number, part in enumerate(parts, 1)]
            message += f" {base}#1 to #{len(parts)} (the id {item.id + '#1'!r} or a later one is taken)"
        yield IngestError(name, line, message, skipped=False)
        for part in parts:  # a later document with the id of a part is renamed like any duplicate id
            seen[part.id] = content_id(part.text)
            yield part
