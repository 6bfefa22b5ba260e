"""Clean news text: stray HTML tag debris, entities, odd whitespace.

Machine-translated and scraped news often carries tag debris such as
``< p > < p >``; it is removed and replaced by a paragraph break.

>>> clean_text("stable. < p > < p > Iran is the neighbour")
'stable.\\n\\nIran is the neighbour'
>>> clean_text("Tom &amp; Jerry<br/>next")
'Tom & Jerry\\nnext'
>>> clean_text("Iran\\u202e condemned\\u0000 it")
'Iran condemned it'
>>> clean_text("stable.ppppNATO said pH 7 stays")
'stable.\\n\\nNATO said pH 7 stays'
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean_text"]

_BLOCK_TAGS = "p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|hr"
# a run of tags with optional spaces inside the brackets ("< p >", "</ p>", "<br/>")
_TAG_RUN = re.compile(
    r"(?:\s*<\s*/?\s*(?:" + _BLOCK_TAGS + r"|span|b|i|em|strong|a|font|img)\b[^<>]{0,200}?/?\s*>\s*)+",
    re.IGNORECASE,
)
# "<p>" runs whose brackets were lost, glued to the next word: "ppppNATO", "pNATO", "ppIran". Only a run
# of p before an acronym or a capitalised word of 3+ letters ("pH", "pKa" and "iPhone" are left alone)
_GLUED_P = re.compile(r"(?<![A-Za-z])p+(?=(?:[A-Z]{2,}|[A-Z][a-z]{2,})\b)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n\s*(?:\n\s*)+")
# C0 controls, zero-width space, BOM, and the explicit bidi embeddings, overrides and isolates
# (U+202A-202E, U+2066-2069: "Trojan Source" text that displays other than it reads)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\u202a-\u202e\u2066-\u2069]")


def _tag_replacement(match: re.Match) -> str:
    inline = re.fullmatch(r"(?:\s*<\s*/?\s*(?:span|b|i|em|strong|a|font|img)\b[^<>]*>\s*)+", match.group(0), re.I)
    if inline:
        return " " if match.group(0)[:1].isspace() or match.group(0)[-1:].isspace() else ""
    if re.search(r"<\s*/?\s*(?:p|div|h[1-6]|section|article|blockquote|table|hr)\b", match.group(0), re.I):
        return "\n\n"
    return "\n"


def clean_text(text: str) -> str:
    """Return ``text`` without tag debris, HTML entities or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAG_RUN.sub(_tag_replacement, text)
    text = html.unescape(text)
    text = _GLUED_P.sub(lambda m: "\n\n" if len(m.group(0)) > 1 else " ", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANKS.sub("\n\n", text)
    return text.strip()
