"""Read documents from files, folders, JSON Lines and standard input.

Bad input never stops reading: each problem is yielded as an
:class:`IngestError` naming the file and line, and reading goes on.

>>> import io
>>> items = list(read_jsonl(io.StringIO('{"id": "a", "text": "Hi"}\\nnot json\\n'), "x.jsonl"))
>>> items[0].id, str(items[1])
('a', 'x.jsonl:2: invalid JSON: Expecting value')
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from kg.ingest.clean import _CONTROL, clean_text
from kg.records import Document

__all__ = ["IngestError", "folder_files", "read_folder", "read_inputs", "read_path", "read_jsonl", "content_id", "normalise_date"]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}  # kg.ingest.feeds
WARC_SUFFIXES = {".warc", ".warc.gz"}  # kg.ingest.warc, read as a stream
#: What a folder is searched for; other files in it are reported, not read.
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class IngestError:
    """A document that could not be read; ``line`` is 1-based or ``None``."""

    path: str
    line: int | None
    message: str
    skipped: bool = True  # False: a warning, the document is still processed

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        kind = "error" if self.skipped else "warning"
        return {"kind": kind, "path": self.path, "line": self.line, "message": self.message}


def content_id(text: str) -> str:
    """A stable id for a document without one.

    >>> content_id("abc")
    'doc-a9993e364706'
    """
    return "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def normalise_date(value) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string, else ``None``.

    >>> normalise_date("2020-10-08T09:00:00Z"), normalise_date("yesterday")
    ('2020-10-08', None)
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    return "-".join(match.groups()) if match else None


def _field(fields: dict, name: str) -> str | None:
    """A metadata field as clean one-line text (``None`` if missing, not a string or blank)."""
    value = fields.get(name)
    if not isinstance(value, str):
        return None
    return " ".join(clean_text(value).split()) or None


def _document(fields: dict, default_id: str, default_date: str | None, origin: tuple[str, int | None]) -> Document:
    """A Document; every string that came from the input is cleaned (no control characters, NUL included)."""
    text = clean_text(fields["text"])
    raw_id = fields.get("id")
    id = " ".join(_CONTROL.sub("", str(raw_id)).split()) if raw_id is not None else ""
    return Document(
        id=id or default_id or content_id(text),
        text=text,
        date=normalise_date(fields.get("date")) or default_date,
        title=_field(fields, "title"),
        url=_field(fields, "url"),
        source=_field(fields, "source"),
        origin=origin,
    )


def read_jsonl(stream: IO[str], name: str, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """One document a line: ``text`` and optional ``id``, ``date``, ``title``, ``url``, ``source``."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield IngestError(name, number, f"invalid JSON: {error.msg}")
            continue
        if not isinstance(data, dict):
            yield IngestError(name, number, "a line must be a JSON object")
            continue
        if not isinstance(data.get("text"), str):
            yield IngestError(name, number, "field 'text' is missing or not a string")
            continue
        if data.get("id") is not None and (not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool)):
            yield IngestError(name, number, "field 'id' must be a string")
            continue
        document = _document(data, "", default_date, (name, number))
        if not document.text:
            yield IngestError(name, number, "empty document")
            continue
        yield document


def _decode(raw: bytes, name: str) -> tuple[str | None, IngestError | None]:
    if b"\x00" in raw[:8192]:
        return None, IngestError(name, None, "binary file, skipped")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8-sig", errors="replace")
        line = raw.count(b"\n", 0, error.start) + 1
        message = f"invalid UTF-8 at byte {error.start}, decoded with replacement characters"
        return text, IngestError(name, line, message, skipped=False)


def folder_files(folder: Path) -> Iterator[Path | IngestError]:
    """The readable files under ``folder``, sorted; other files as errors ("unsupported file type").

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over in silence.
    """
    for child in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in child.relative_to(folder).parts):
            continue
        if child.suffix.lower() in READABLE_SUFFIXES or child.name.lower().endswith(".warc.gz"):
            yield child
        else:
            kinds = ", ".join(sorted(s for s in READABLE_SUFFIXES if s))
            yield IngestError(str(child), None, f"unsupported file type {child.suffix!r}, skipped (reads {kinds})")


def read_folder(folder: Path, read: Callable[[Path], Iterable]) -> Iterator:
    """What ``read`` yields for each readable file under ``folder``, and an error for each other file."""
    for child in folder_files(folder):
        if isinstance(child, IngestError):
            yield child
        else:
            yield from read(child)


def read_path(path: Path | str, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """Documents of one file or, recursively, of a folder (hidden files skipped, others reported)."""
    name = str(path)
    path = Path(path)
    if path.is_dir():
        yield from read_folder(path, lambda child: read_path(child, default_date))
        return
    if not path.exists():
        yield IngestError(name, None, "no such file or folder")
        return
    if path.name.lower().endswith(tuple(WARC_SUFFIXES)):  # a web archive: streamed, never read whole
        from kg.ingest.warc import read_warc

        try:
            with open(path, "rb") as stream:
                yield from read_warc(stream, name, default_date)
        except OSError as error:
            yield IngestError(name, None, f"cannot read: {error.strerror}")
        return
    try:
        raw = path.read_bytes()
    except OSError as error:
        yield IngestError(name, None, f"cannot read: {error.strerror}")
        return
    text, error = _decode(raw, name)
    if error:
        yield error
        if error.skipped:
            return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(text.splitlines(keepends=True), name, default_date)
        return
    if suffix in FEED_SUFFIXES:
        from kg.ingest.feeds import read_feed

        yield from read_feed(raw, name, default_date)
        return
    if suffix in HTML_SUFFIXES:
        from kg.ingest.article import article_fields

        fields = article_fields(text)
    else:
        fields = {"text": text}
    if not clean_text(fields["text"]):
        yield IngestError(name, None, "empty document")
        return
    yield _document(fields, path.stem, default_date, (name, None))


def read_inputs(
    inputs: Iterable[str], default_date: str | None = None, stdin: IO[str] | None = None
) -> Iterator[Document | IngestError]:
    """Documents from paths; ``-`` reads standard input (JSON Lines if every line is an object)."""
    for item in inputs:
        if item == "-":
            data = (stdin or sys.stdin).read()
            lines = [l for l in data.splitlines() if l.strip()]
            if lines and all(l.lstrip().startswith("{") for l in lines):
                yield from read_jsonl(lines, "<stdin>", default_date)
            elif clean_text(data):
                yield _document({"text": data}, "", default_date, ("<stdin>", None))
            else:
                yield IngestError("<stdin>", None, "empty document")
        else:
            yield from read_path(Path(item), default_date)
