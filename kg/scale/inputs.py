"""Lazy input for builds that do not fit in memory.

:func:`stream_inputs` yields the documents and errors of
:func:`kg.ingest.read_inputs`, which reads ``.jsonl`` files (and standard
input) line by line, so memory does not grow with the input.
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

from kg.ingest import IngestError, folder_files, read_inputs
from kg.ingest.files import JSONL_SUFFIXES, WARC_SUFFIXES
from kg.records import Document

__all__ = ["count_inputs", "stream_inputs"]


def stream_inputs(
    inputs: Iterable[str], default_date: str | None = None, stdin: IO[str] | None = None
) -> Iterator[Document | IngestError]:
    """What :func:`kg.ingest.read_inputs` yields: JSON Lines files are read one line at a time."""
    yield from read_inputs(inputs, default_date, stdin=stdin)


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
