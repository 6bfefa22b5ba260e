"""The ``kg_dateline`` component: a news dateline, and a headline, are not part of the first sentence.

"JERUSALEM/DOHA, Jan 16 - Israeli Prime Minister ..." or "KYIV (Reuters) -": the
dateline names where the report was filed, not an actor. The component runs
before the parser, starts a sentence after the dateline (the parser keeps
preset boundaries) and records its character span in
``doc.user_data["dateline"]`` so that the linker ignores names inside it.

>>> dateline_end("BRUSSELS, April 4 - Finland became the 31st member.")
20
>>> dateline_end("Beijing, March 10 -- According to reports")
21
>>> dateline_end("GOMA, Congo, Jan 28 (Reuters) - Rebels said they held the city.")
32
>>> dateline_end("PARIS, France - Macron met Scholz."), dateline_end("Paris, France - Macron met Scholz.")
(16, 0)
>>> dateline_end("Iran's president calls for vigilance")
0

A line that ends without final punctuation and is followed by a line starting with a capital
(a headline, a section title, a photo credit) ends its sentence too: "Chile recalls envoy\n\nChile
recalled ..." is two sentences. A long line, or one inside an open quotation, is taken for a sentence
wrapped by the page and left to the parser.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["dateline_end", "line_breaks"]

_FINAL = {".", "!", "?", ":", ";", '"', "”", "’", "'", ")"}
_HEADLINE_TOKENS = 25
_DATELINE_CHARS = 120  # a dateline is within a text's first characters

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z.'’\- /]{1,60}?"           # place(s)
    r"(?:,\s+[A-Z][A-Za-z.'’\- ]{1,40}?(?=,|\s*\(|\s+(?:--|-|–|—)\s))?"  # its country: "NAQOURA, Lebanon, Oct 27"
    r"(?:,\s+(?:" + _MONTH + r"\s+\d{1,2}|\d{1,2}\s+" + _MONTH + r")(?:,\s+\d{4})?)?"  # date
    r"\s*(?:\((?:Reuters|AP|AFP|Xinhua|dpa|DPA|UPI|Bloomberg)\))?"  # agency
    r"\s*(?:--|-|–|—)\s+"
)


def dateline_end(text: str) -> int:
    """Character offset where the text after a dateline starts (0 if there is none)."""
    match = _DATELINE.match(text[:_DATELINE_CHARS])
    if not match:
        return 0
    head = match.group(0)
    # a dateline has a date, an agency or an upper-case place
    if not (re.search(r"\d", head) or "(" in head or head.split(",")[0].strip().isupper()):
        return 0
    return match.end()


def line_breaks(doc: Doc) -> list[int]:
    """Indices of tokens that start a sentence because the line before them ended one."""
    starts = []
    line_start = 0
    for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist():  # a line break is a space token (whitespace_ is " " or "")
        token = doc[i]
        if "\n" not in token.text:
            continue
        after = next((t for t in doc[token.i + 1:] if not t.is_space), None)
        before = next((t for t in reversed(doc[:token.i]) if not t.is_space), None)
        if after is None or before is None:
            continue
        short = before.i - line_start < _HEADLINE_TOKENS
        if before.text in _FINAL or (short and (after.is_title or after.is_upper or after.like_num)
                                     and not _in_quotation(doc[line_start: before.i + 1])):
            starts.append(after.i)
        line_start = after.i
    return starts


def _opening(doc: Doc, chars: int) -> str:
    """The first ``chars`` characters of the Doc's text (``Doc.text`` joins every token's text)."""
    pieces = []
    for token in doc:
        if token.idx >= chars:
            break
        pieces.append(token.text_with_ws)
    return "".join(pieces)[:chars]


def _in_quotation(line) -> bool:
    """Whether a line ends inside a quotation (it has an odd number of quotation marks)."""
    return sum(t.text in ('"', "“", "”") for t in line) % 2 == 1


@Language.component("kg_dateline", assigns=["token.is_sent_start"])
def mark_dateline(doc: Doc) -> Doc:
    for i in line_breaks(doc):
        doc[i].is_sent_start = True
    end = dateline_end(_opening(doc, _DATELINE_CHARS))
    if end:
        doc.user_data["dateline"] = (0, end)
        first = next((t for t in doc if t.idx >= end), None)
        if first is None:
            return doc
        first.is_sent_start = True
        # keep the first sentence whole: no boundary before its final punctuation
        for token in doc[first.i + 1:]:
            token.is_sent_start = False
            if token.text in (".", "!", "?"):
                break
    return doc
