"""Screen documents before extraction: language, size, duplicate ids.

- Text in a language the pipeline has no model for is skipped and reported
  with the detected language (langdetect, seeded so runs are deterministic).
- A document longer than ``max_chars`` is split at paragraph (or sentence)
  boundaries into parts ``ID#1``, ``ID#2`` … — never dropped.
- A second document with an id already seen is renamed ``ID~HASH`` and
  reported; an exact repeat (same id, same text) is dropped and reported.

>>> from kg.records import Document
>>> parts = list(split_document(Document("d", "one. " * 30), max_chars=60))
>>> [p.id for p in parts][:3], all(len(p.text) <= 60 for p in parts)
(['d#1', 'd#2', 'd#3'], True)
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Iterator

from kg.ingest.files import IngestError, content_id
from kg.records import Document

__all__ = ["detect_language", "split_document", "screen"]

MAX_CHARS = 100_000
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when too short to tell."""
    sample = text[:2000]
    if sum(c.isalpha() for c in sample) < 60:
        return None
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(sample)
    except LangDetectException:
        return None


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


def screen(items: Iterable, languages: tuple[str, ...] = ("en",), max_chars: int = MAX_CHARS) -> Iterator:
    """Documents fit for extraction, and an :class:`IngestError` for each problem."""
    seen: dict[str, str] = {}
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
        if item.id in seen:
            if seen[item.id] == digest:
                yield IngestError(name, line, f"document {item.id!r} repeated, skipped")
                continue
            new_id = f"{item.id}~{digest[4:12]}"
            yield IngestError(name, line, f"duplicate id {item.id!r}, kept as {new_id!r}", skipped=False)
            item = replace(item, id=new_id)
        seen[item.id] = digest
        if len(item.text) > max_chars:
            yield IngestError(name, line, f"document {item.id!r} has {len(item.text):,} characters, split into parts", skipped=False)
        yield from split_document(item, max_chars)
