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
>>> clean_text("\\x9b31mArmenia\\x1b[0m and Iran\\ufffe met\\ud800")
'Armenia and Iran met\\ufffd'
>>> clean_chars("id\\u0085\\u200e-7\\uffff")
'id-7'
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean_chars", "clean_text"]

_BLOCK_TAGS = "p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|hr"
# a run of tags with optional spaces inside the brackets ("< p >", "</ p>", "<br/>"). It starts at
# "<", not at the spaces before it: a pattern that starts with \s* retries at every space of a long
# run of spaces, in quadratic time (a page of 400,000 blank lines took minutes)
_TAG_RUN = re.compile(
    r"(?:<\s*/?\s*(?:" + _BLOCK_TAGS + r"|span|b|i|em|strong|a|font|img)\b[^<>]{0,200}?/?\s*>\s*)+",
    re.IGNORECASE,
)
# "<p>" runs whose brackets were lost, glued to the next word: "ppppNATO", "pNATO", "ppIran". Only a run
# of p before an acronym or a capitalised word of 3+ letters ("pH", "pKa" and "iPhone" are left alone)
_GLUED_P = re.compile(r"(?<![A-Za-z])p+(?=(?:[A-Z]{2,}|[A-Z][a-z]{2,})\b)")
_P_BEFORE_CAPITAL = re.compile("p[A-Z]")  # where _GLUED_P can match
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n\s*(?:\n\s*)+")
# C0 and C1 controls (U+0080-009F: U+009B is a terminal's CSI), soft hyphen, zero-width space, BOM,
# invisible format characters (word joiner, invisible operators, deprecated format characters,
# interlinear annotation, tags), the bidi marks, embeddings, overrides and isolates (U+202A-202E,
# U+2066-2069: "Trojan Source" text that displays other than it reads), and the noncharacters
# (U+FDD0-FDEF, U+FFFE/FFFF of every plane), which XML 1.0 cannot hold. Zero-width (non-)joiners stay:
# Persian and Indic scripts need them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the characters of _CONTROL in ASCII
# terminal escape sequences, whose parameters would otherwise stay as text ("\x9b31mArmenia" -> "31mArmenia"):
# CSI (ESC [ or U+009B, parameters, final byte), OSC (ESC ] or U+009D ... BEL or ST) and two-byte ESC sequences
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,8}[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\|\x9c)|\x1b[@-Z\\-_]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# line breaks other than \n: NEL (U+0085), line and paragraph separators
_BREAK = re.compile("[\x85\u2028\u2029]")


def _tag_replacement(match: re.Match) -> str:
    inline = re.fullmatch(r"(?:<\s*/?\s*(?:span|b|i|em|strong|a|font|img)\b[^<>]*>\s*)+", match.group(0), re.I)
    if inline:
        spaced = match.string[match.start() - 1:match.start()].isspace() or match.group(0)[-1:].isspace()
        return " " if spaced else ""
    if re.search(r"<\s*/?\s*(?:p|div|h[1-6]|section|article|blockquote|table|hr)\b", match.group(0), re.I):
        return "\n\n"
    return "\n"


def clean_chars(text: str) -> str:
    """``text`` without terminal escape sequences and invisible or control characters (see :data:`_CONTROL`).

    Lone surrogates (which no UTF-8 can encode) become U+FFFD. For short fields such as ids, which
    :func:`clean_text` would change more (HTML entities, tag debris).
    """
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def clean_text(text: str) -> str:
    """Return ``text`` without tag debris, HTML entities or control characters."""
    # each pattern runs only where its first character can be: most news is plain ASCII without tags
    plain = text.isascii()
    if not plain:
        text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not plain:
        text = _BREAK.sub("\n", text)
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE.sub("", text)
    if "<" in text:
        text = _TAG_RUN.sub(_tag_replacement, text)
    text = html.unescape(text)
    if _P_BEFORE_CAPITAL.search(text):
        text = _GLUED_P.sub(lambda m: "\n\n" if len(m.group(0)) > 1 else " ", text)
    plain = text.isascii()
    text = (_ASCII_CONTROL if plain else _CONTROL).sub("", text)
    if not plain or "\t" in text or "  " in text:
        text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANKS.sub("\n\n", text)
    return text.strip()
