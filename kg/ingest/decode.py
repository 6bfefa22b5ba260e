"""Bytes to text for every reader: byte order marks, UTF-16 and UTF-32, NUL bytes, invalid UTF-8.

A file is read as UTF-8 unless it starts with a byte order mark (UTF-8,
UTF-16 or UTF-32) or is plainly UTF-16 without one (ASCII text with a NUL in
every other byte). NUL bytes are removed and invalid UTF-8 is replaced with
U+FFFD; each line that needed it gets a problem message, so that the reader
can report ``FILE:LINE``. A file is "binary" when more than 5 % of its first
8 KiB (and at least two bytes) are control bytes (NUL, and the C0 controls
other than tab, line breaks, form feed and escape).

Lines are split at ``\\n`` only (never at U+2028 or U+0085, which JSON allows
inside a string), and read lazily: a file of any size is never read whole.

>>> import io
>>> [(l.number, l.text, l.problem) for l in text_lines(io.BytesIO(b"Iran\\x00 said\\nIraq \\xff\\n"))]
[(1, 'Iran said\\n', '1 NUL byte removed'), (2, 'Iraq \\ufffd\\n', 'invalid UTF-8 at byte 5 of the line, replaced with U+FFFD')]
>>> [l.text for l in text_lines(io.BytesIO("Kyiv\\nRiga".encode("utf-16")))]
['Kyiv\\n', 'Riga']
>>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR"), looks_binary(b"\\x00\\xff\\x00"), looks_binary(b"Iran\\x00 said")
(True, True, False)
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import BinaryIO, Iterable, Iterator

__all__ = ["HEAD", "Line", "looks_binary", "repair_surrogates", "sniff_encoding", "text_lines"]

#: Bytes read ahead to tell the encoding, and whether a file is binary.
HEAD = 8192
#: Share of control bytes above which a file is binary.
BINARY_SHARE = 0.05
_CHUNK = 1 << 16
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# NUL and the C0 controls that no text file holds (tab, line breaks, form feed and escape do occur)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Line:
    """One decoded line (with its ``\\n``), 1-based ``number``, and what was repaired in it."""

    number: int
    text: str
    problem: str | None = None


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """The encoding of a file that starts with ``head``, and the length of its byte order mark.

    >>> sniff_encoding(b"\\xff\\xfeI\\x00"), sniff_encoding("Iran".encode("utf-16-be")), sniff_encoding(b"Iran")
    (('utf-16-le', 2), ('utf-16-be', 0), ('utf-8', 0))
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and not len(head) % 2:
        # ASCII text in UTF-16 without a byte order mark: a NUL in every other byte (the first pair
        # included, so that a UTF-8 file that starts with text is never taken for one), none in the others
        if head[1] == 0 != head[0] and odd.count(0) >= 0.4 * len(odd) and even.count(0) <= 0.02 * len(even):
            return "utf-16-le", 0
        if head[0] == 0 != head[1] and even.count(0) >= 0.4 * len(even) and odd.count(0) <= 0.02 * len(odd):
            return "utf-16-be", 0
    return "utf-8", 0


def looks_binary(head: bytes) -> bool:
    """Whether more than 5 % of ``head`` (and at least two bytes) are control bytes (see :func:`sniff_encoding`)."""
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(1, BINARY_SHARE * len(head))


def repair_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 can encode) replaced with U+FFFD.

    >>> repair_surrogates("Iran\\ud800")
    'Iran\\ufffd'
    """
    return _SURROGATE.sub("\ufffd", text)


def _split(chunks: Iterable, newline) -> Iterator:
    """The lines of a sequence of chunks (bytes or str), each with its ``newline``; one pass, linear time."""
    pending: list = []
    for chunk in chunks:
        start = 0
        while (end := chunk.find(newline, start)) >= 0:
            pending.append(chunk[start:end + 1])
            yield pending[0][:0].join(pending)
            pending, start = [], end + 1
        if start < len(chunk):
            pending.append(chunk[start:])
    if pending:
        yield pending[0][:0].join(pending)


def _utf8_line(raw: bytes) -> tuple[str, str | None]:
    problems = []
    if b"\x00" in raw:
        count = raw.count(0)
        raw = raw.replace(b"\x00", b"")
        problems.append(f"{count} NUL byte{'s' if count > 1 else ''} removed")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        problems.append(f"invalid UTF-8 at byte {error.start} of the line, replaced with U+FFFD")
    return text, "; ".join(problems) or None


def text_lines(stream: BinaryIO, head: bytes | None = None) -> Iterator[Line]:
    """The decoded lines of a binary ``stream``; ``head``: bytes already read from it (its start)."""
    if head is None:
        head = stream.read(HEAD)
    encoding, bom = sniff_encoding(head)
    chunks = chain([head[bom:]], iter(partial(stream.read, _CHUNK), b""))
    if encoding == "utf-8":
        for number, raw in enumerate(_split(chunks, b"\n"), 1):
            yield Line(number, *_utf8_line(raw))
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    texts = chain((decoder.decode(chunk) for chunk in chunks), [decoder.decode(b"", final=True)])
    for number, text in enumerate(_split(texts, "\n"), 1):
        if "\x00" in text:
            count = text.count("\x00")
            yield Line(number, text.replace("\x00", ""), f"{count} NUL character{'s' if count > 1 else ''} removed")
        else:
            yield Line(number, text)
