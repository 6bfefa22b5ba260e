"""Read documents from files, folders, JSON Lines and standard input.

Bad input never stops reading: each problem is yielded as an
:class:`IngestError` naming the file and line, and reading goes on. No input
raises out of a reader: a line that :mod:`json` accepts but nothing else can
handle (an integer of 5,000 digits, arrays nested 100,000 deep) is reported
and skipped; lone surrogates are replaced with U+FFFD, NUL bytes removed,
UTF-16 and UTF-32 files decoded (:mod:`kg.ingest.decode`), each reported.
JSON Lines files and standard input are read line by line, never whole.
Named pipes, devices, broken links and link loops are reported, never read.

>>> import io
>>> items = list(read_jsonl(io.StringIO('{"id": "a", "text": "Hi"}\\nnot json\\n'), "x.jsonl"))
>>> items[0].id, str(items[1])
('a', 'x.jsonl:2: invalid JSON: Expecting value')
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import io
import itertools
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from kg.ingest.clean import _SURROGATE, clean_chars, clean_text
from kg.ingest.decode import HEAD, Line, looks_binary, sniff_encoding, text_lines
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
    """``YYYY-MM-DD`` from an ISO date or datetime string, else ``None`` (also for no such day).

    >>> normalise_date("2020-10-08T09:00:00Z"), normalise_date("yesterday"), normalise_date("2021-02-29")
    ('2020-10-08', None, None)
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups())).isoformat()
    except ValueError:  # 2020-13-45, 0000-00-00: an xsd:date that is no date
        return None


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
    id = " ".join(clean_chars(str(raw_id)).split()) if raw_id is not None else ""
    return Document(
        id=id or default_id or content_id(text),
        text=text,
        date=normalise_date(fields.get("date")) or default_date,
        title=_field(fields, "title"),
        url=_field(fields, "url"),
        source=_field(fields, "source"),
        origin=origin,
    )


#: The fields a document takes from a JSON line (the others are ignored).
_FIELDS = ("id", "text", "date", "title", "url", "source")
# strict=False: a raw tab or control character inside a string is cleaned later, not fatal
_JSON = json.JSONDecoder(strict=False)


def _json_document(line: str, name: str, number: int, default_date: str | None) -> Iterator[Document | IngestError]:
    """The document of one JSON line, or why not; never raises."""
    try:
        data = _JSON.decode(line)
    except json.JSONDecodeError as error:
        yield IngestError(name, number, f"invalid JSON: {error.msg}")
        return
    except RecursionError:
        yield IngestError(name, number, "invalid JSON: nested too deeply")
        return
    except ValueError as error:  # an integer of more than 4,300 digits
        yield IngestError(name, number, f"invalid JSON: {str(error).split(';')[0]}")
        return
    if not isinstance(data, dict):
        yield IngestError(name, number, "a line must be a JSON object")
        return
    if not isinstance(data.get("text"), str):
        yield IngestError(name, number, "field 'text' is missing or not a string")
        return
    if data.get("id") is not None and (not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool)):
        yield IngestError(name, number, "field 'id' must be a string")
        return
    if data.get("date") is not None and normalise_date(data["date"]) is None:
        yield IngestError(name, number, f"field 'date' is not a date (YYYY-MM-DD), ignored: {str(data['date'])[:40]!r}", skipped=False)
    broken = [field for field in _FIELDS if isinstance(data.get(field), str) and _SURROGATE.search(data[field])]
    if broken:
        fields = ", ".join(repr(field) for field in broken)
        yield IngestError(name, number, f"lone surrogate in {fields} replaced with U+FFFD", skipped=False)
    try:
        document = _document(data, "", default_date, (name, number))
    except (ValueError, TypeError, RecursionError, UnicodeError) as error:  # never expected: the last guard
        yield IngestError(name, number, f"cannot read the line: {error}")
        return
    if not document.text:
        yield IngestError(name, number, "empty document")
        return
    yield document


def _line_documents(lines: Iterable[Line], name: str, default_date: str | None) -> Iterator[Document | IngestError]:
    """One document a decoded line; each repaired line reported as a warning."""
    for line in lines:
        if line.problem:
            yield IngestError(name, line.number, line.problem, skipped=False)
        if line.text.strip():
            yield from _json_document(line.text, name, line.number, default_date)


def read_jsonl(stream: Iterable[str], name: str, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """One document a line: ``text`` and optional ``id``, ``date``, ``title``, ``url``, ``source``."""
    for number, line in enumerate(stream, 1):
        if line.strip():
            yield from _json_document(line, name, number, default_date)


def _json_object_in(head: bytes) -> bool:
    """Whether a line of ``head`` is a JSON object (then a file is JSON Lines with bad lines, not binary)."""
    for raw in head.splitlines():
        if raw.lstrip().startswith(b"{"):
            try:
                if isinstance(_JSON.decode(raw.decode("utf-8", "replace")), dict):
                    return True
            except (ValueError, RecursionError):
                continue
    return False


def _binary(head: bytes, jsonl: bool = False) -> bool:
    if sniff_encoding(head)[0] != "utf-8" or not looks_binary(head):
        return False
    return not (jsonl and _json_object_in(head))


def _streamed(path: Path, name: str, default_date, reader):
    """The documents ``reader`` streams from the file's bytes; an unreadable file is one error."""
    try:
        with open(path, "rb") as stream:
            yield from reader(stream, name, default_date)
    except OSError as error:
        yield IngestError(name, None, f"cannot read: {error.strerror}")


def _read_jsonl_stream(stream: IO[bytes], name: str, default_date: str | None) -> Iterator[Document | IngestError]:
    head = stream.read(HEAD)
    if _binary(head, jsonl=True):
        yield IngestError(name, None, "binary file, skipped")
        return
    yield from _line_documents(text_lines(stream, head), name, default_date)


def _joined(lines: Iterable[Line], name: str) -> tuple[str, list[IngestError]]:
    """The text of ``lines`` (one document), and one warning for the lines repaired."""
    parts, first, repaired = [], None, 0
    for line in lines:
        parts.append(line.text)
        if line.problem:
            repaired += 1
            first = first or line
    if first is None:
        return "".join(parts), []
    more = f" (and in {repaired - 1} more line{'s' if repaired > 2 else ''})" if repaired > 1 else ""
    return "".join(parts), [IngestError(name, first.number, first.problem + more, skipped=False)]


def _decode(raw: bytes, name: str) -> tuple[str | None, list[IngestError]]:
    """The text of a whole file (``None`` if binary) and what was reported on decoding it."""
    if _binary(raw[:HEAD]):
        return None, [IngestError(name, None, "binary file, skipped")]
    return _joined(text_lines(io.BytesIO(raw)), name)


def _unreadable(path: Path, given: bool = True) -> str | None:
    """Why ``path`` is not read — missing, a broken link, a link loop, a named pipe, a device — or ``None``.

    A pipe is read only when given on the command line as a pipe with a writer (``kg extract <(cmd)``);
    a named pipe (``mkfifo``) would block until something writes to it, maybe forever.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken symbolic link, skipped" if path.is_symlink() else "no such file or folder"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop, skipped"
        return f"cannot read: {error.strerror}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        if given and "pipe:[" in os.path.realpath(path):
            return None
        return "named pipe (FIFO), skipped: it may never end (give its data as - on standard input)"
    kind = "socket" if stat.S_ISSOCK(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"
    return f"not a regular file ({kind}), skipped"


def _folder_link(link: Path) -> str:
    """Why a symbolic link to a folder is not followed."""
    target, parent = Path(os.path.realpath(link)), Path(os.path.realpath(link.parent))
    if parent == target or target in parent.parents:
        return "symbolic link loop (to an enclosing folder), skipped"
    return "symbolic link to a folder, not followed (give the folder itself)"


def _folder_entries(folder: Path) -> Iterator[Path | IngestError]:
    """The regular files under ``folder``, hidden ones left out, sorted; everything else as an error."""
    found: list[tuple[Path, Path | IngestError]] = []

    def failed(error: OSError) -> None:
        where = Path(error.filename or folder)
        found.append((where, IngestError(str(where), None, f"cannot read folder: {error.strerror}")))

    for root, folders, files in os.walk(folder, onerror=failed):
        base = Path(root)
        folders[:] = [f for f in folders if not f.startswith(".")]
        for link in [f for f in folders if (base / f).is_symlink()]:
            folders.remove(link)
            found.append((base / link, IngestError(str(base / link), None, _folder_link(base / link))))
        for file in files:
            if not file.startswith("."):
                problem = _unreadable(base / file, given=False)
                found.append((base / file, IngestError(str(base / file), None, problem) if problem else base / file))
    for _, entry in sorted(found, key=lambda pair: pair[0]):
        yield entry


def folder_files(folder: str | os.PathLike) -> Iterator[Path | IngestError]:
    """The readable files under ``folder`` (a ``str`` or path), sorted; other files as errors ("unsupported file type").

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over in silence; named pipes,
    devices, broken links, link loops and links to folders (not followed) are reported.
    """
    folder = Path(folder)
    for child in _folder_entries(folder):
        if isinstance(child, IngestError):  # a named pipe, a broken link, a link loop
            yield child
            continue
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


def read_path(path: str | os.PathLike, default_date: str | None = None) -> Iterator[Document | IngestError]:
    """Documents of one file or, recursively, of a folder (hidden files skipped, others reported)."""
    name = os.fspath(path)
    path = Path(path)
    if path.is_dir():
        yield from read_folder(path, lambda child: read_path(child, default_date))
        return
    problem = _unreadable(path)
    if problem:
        yield IngestError(name, None, problem)
        return
    if path.suffix.lower() in JSONL_SUFFIXES:  # read line by line, never whole
        yield from _streamed(path, name, default_date, _read_jsonl_stream)
        return
    if path.name.lower().endswith(tuple(WARC_SUFFIXES)):  # a web archive: streamed, never read whole
        from kg.ingest.warc import read_warc

        yield from _streamed(path, name, default_date, read_warc)
        return
    try:
        raw = path.read_bytes()
    except OSError as error:
        yield IngestError(name, None, f"cannot read: {error.strerror}")
        return
    text, problems = _decode(raw, name)
    yield from problems
    if text is None:
        return
    suffix = path.suffix.lower()
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


def _read_stdin(stream, default_date: str | None) -> Iterator[Document | IngestError]:
    """Standard input: JSON Lines if its first line that is not blank starts with ``{``, else one text."""
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text stream without bytes under it (io.StringIO): its text, as UTF-8
        data = stream.read()
        binary = io.BytesIO(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    head = binary.read(HEAD)
    if _binary(head, jsonl=True):
        yield IngestError("<stdin>", None, "binary input, skipped")
        return
    lines = text_lines(binary, head)
    start = []
    for line in lines:
        start.append(line)
        if line.text.strip():
            break
    if start and start[-1].text.lstrip().startswith("{"):
        yield from _line_documents(itertools.chain(start, lines), "<stdin>", default_date)
        return
    text, problems = _joined(itertools.chain(start, lines), "<stdin>")
    yield from problems
    if clean_text(text):
        yield _document({"text": text}, "", default_date, ("<stdin>", None))
    else:
        yield IngestError("<stdin>", None, "empty document")


def read_inputs(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike, default_date: str | None = None, stdin: IO | None = None
) -> Iterator[Document | IngestError]:
    """Documents from paths (one path, or several); ``-`` reads standard input (JSON Lines if its first line is an object)."""
    if isinstance(inputs, (str, os.PathLike)):  # one path, not the characters of its name
        inputs = [inputs]
    for item in inputs:
        if isinstance(item, str) and item == "-":
            yield from _read_stdin(stdin or sys.stdin, default_date)
        else:
            yield from read_path(Path(item), default_date)
