"""Lazy input for builds that do not fit in memory.

:func:`kg.ingest.read_path` reads a whole file before it yields the first
document, which is right for an article and wrong for a JSON Lines file of a
year of news. :func:`stream_inputs` yields the same documents and errors, but
reads ``.jsonl`` files line by line, so memory does not grow with the input.
:func:`count_inputs` counts documents cheaply (newlines, files) for a
progress bar's ETA.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.jsonl").write_text('{"id": "a", "text": "Hi"}\\nnot json\\n{"text": "Yo"}\\n')
>>> [getattr(item, "id", str(item)) for item in stream_inputs([str(folder / "a.jsonl")])]  # doctest: +ELLIPSIS
['a', '...a.jsonl:2: invalid JSON: Expecting value', 'doc-...']
>>> count_inputs([str(folder)])
3
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.ingest import IngestError, folder_files, read_inputs, read_jsonl, read_path
from kg.ingest.files import JSONL_SUFFIXES, WARC_SUFFIXES, read_folder
from kg.records import Document

__all__ = ["count_inputs", "stream_inputs"]


def _lines(path: Path, errors: list[IngestError]) -> Iterator[str]:
    """Decoded lines of a file, read lazily; invalid UTF-8 is replaced and reported once."""
    with open(path, "rb") as stream:
        head = stream.read(8192)
        if b"\x00" in head:
            errors.append(IngestError(str(path), None, "binary file, skipped"))
            return
        stream.seek(0)
        reported = False
        for number, raw in enumerate(stream, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as error:
                if not reported:
                    message = f"invalid UTF-8 at byte {error.start} of the line, decoded with replacement characters"
                    errors.append(IngestError(str(path), number, message, skipped=False))
                    reported = True
                yield raw.decode("utf-8", errors="replace")


def _stream_jsonl(path: Path, default_date: str | None) -> Iterator[Document | IngestError]:
    errors: list[IngestError] = []
    lines = _lines(path, errors)
    for item in read_jsonl(lines, str(path), default_date):
        while errors:
            yield errors.pop(0)
        yield item
    yield from errors


def _stream_path(path: Path, default_date: str | None) -> Iterator[Document | IngestError]:
    if path.is_dir():
        yield from read_folder(path, lambda child: _stream_path(child, default_date))
        return
    if path.is_file() and path.suffix.lower() in JSONL_SUFFIXES:
        try:
            yield from _stream_jsonl(path, default_date)
        except OSError as error:
            yield IngestError(str(path), None, f"cannot read: {error.strerror}")
        return
    yield from read_path(path, default_date)


def stream_inputs(
    inputs: Iterable[str], default_date: str | None = None, stdin: IO[str] | None = None
) -> Iterator[Document | IngestError]:
    """What :func:`kg.ingest.read_inputs` yields, with JSON Lines files read one line at a time."""
    for item in inputs:
        if item == "-":
            yield from read_inputs([item], default_date, stdin=stdin)
        else:
            yield from _stream_path(Path(item), default_date)


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def count_inputs(inputs: Iterable[str]) -> int | None:
    """About how many documents the inputs hold (lines of JSON Lines, one per other file); ``None`` for stdin
    and web archives (whose pages cannot be counted without reading them)."""
    total = 0
    for item in inputs:
        if item == "-":
            return None
        path = Path(item)
        files = [path] if path.is_file() else folder_files(path) if path.is_dir() else []
        for file in files:
            if isinstance(file, IngestError):
                continue
            if file.name.lower().endswith(tuple(WARC_SUFFIXES)):
                return None
            if file.suffix.lower() in JSONL_SUFFIXES:
                try:
                    total += _count_lines(file)
                except OSError:
                    continue
            else:
                total += 1
    return total
