"""What the relation stage reads once per document and then looks up.

Relations are read cue by cue, and many cues ask the same questions of the
same Doc: the sentence a token is in (``Token.sent`` scans the sentence
starts anew each time), the sentence's text. :func:`memo` is a dictionary
that lives as long as its Doc; :func:`sentence_bounds` and :func:`evidence`
answer from it.

The values hold token indices and strings, never a Token or Span: those hold
their Doc, which would then never leave the weak dictionary.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> doc = nlp("Chad and Sudan met. They agreed.")
>>> for i, start in enumerate([1, 0, 0, 0, 0, 1, 0, 0]):
...     doc[i].is_sent_start = bool(start)
>>> sentence_bounds(doc, 6), (doc[6].sent.start, doc[6].sent.end)
((5, 8), (5, 8))
>>> evidence(doc, 2).sentence
'Chad and Sudan met.'
"""

from __future__ import annotations

import weakref

from spacy.attrs import ENT_ID, ENT_IOB, ENT_TYPE, SENT_START
from spacy.tokens import Doc

from kg.records import Evidence

__all__ = ["memo", "column", "entities", "sentence_bounds", "evidence", "keep_text", "text_of"]

_PER_DOC: "weakref.WeakKeyDictionary[Doc, dict]" = weakref.WeakKeyDictionary()


def memo(doc: Doc) -> dict:
    """A dictionary kept with ``doc`` for as long as it lives."""
    found = _PER_DOC.get(doc)
    if found is None:
        found = _PER_DOC[doc] = {}
    return found


def column(doc: Doc, attribute: int) -> list[int]:
    """The values of one token attribute (``spacy.attrs.LEMMA``, ``POS``, ...) for every token, read once:
    a list of ints, where ``Token.lemma_`` would make a Token and a string for each."""
    found = memo(doc)
    key = ("column", attribute)
    values = found.get(key)
    if values is None:
        values = found[key] = doc.to_array(attribute).tolist() if len(doc) else []
    return values


def entities(doc: Doc) -> list[tuple[int, int, int, int]]:
    """``(start, end, label, id)`` of each of ``doc.ents`` (label and id as string hashes), read from the
    token columns once: ``Doc.ents`` makes a Span of every name on every read.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("en")("Chad and Sudan met in N'Djamena on Monday.")
    >>> doc.ents = [Span(doc, 0, 1, "GPE", span_id="TCD"), Span(doc, 2, 3, "GPE"), Span(doc, 7, 8, "DATE")]
    >>> [(s, e, doc.vocab.strings[label], doc.vocab.strings[ent_id]) for s, e, label, ent_id in entities(doc)]
    [(0, 1, 'GPE', 'TCD'), (2, 3, 'GPE', ''), (7, 8, 'DATE', '')]
    >>> [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]
    [(0, 1, 'GPE', 'TCD'), (2, 3, 'GPE', ''), (7, 8, 'DATE', '')]
    """
    found = memo(doc)
    spans = found.get("entities")
    if spans is None:
        # Doc.ents' reading of the IOB codes (1 I, 2 O, 3 B, 0 missing); a name without a label is none
        spans, start, label, ent_id = [], -1, 0, 0
        for i, (iob, type_, id_) in enumerate(zip(column(doc, ENT_IOB), column(doc, ENT_TYPE), column(doc, ENT_ID))):
            if iob == 1:
                continue
            if start != -1:
                spans.append((start, i, label, ent_id))
            start, label, ent_id = (i, type_, id_) if iob == 3 and type_ != 0 else (-1, 0, 0)
        if start != -1:
            spans.append((start, len(doc), label, ent_id))
        spans = found["entities"] = [span for span in spans if span[2] != 0]
    return spans


def keep_text(doc: Doc, text: str) -> None:
    """Say that ``text`` is ``doc.text`` (as the maker of the Doc knows), which :func:`text_of` then
    need not join from the tokens."""
    memo(doc)["text"] = text


def text_of(doc: Doc) -> str:
    """``doc.text``, as kept by :func:`keep_text` or joined once (``Doc.text`` makes a Token of every
    token on every read)."""
    found = memo(doc)
    text = found.get("text")
    if text is None:
        text = found["text"] = doc.text
    return text


def _sentences(doc: Doc) -> tuple[list[int], list[int]]:
    """For each token, the start and end of its sentence as ``Token.sent`` gives them: from the last token
    at or before it that starts a sentence (else the first) to the next one that does (else the end)."""
    found = memo(doc)
    bounds = found.get("sentences")
    if bounds is None:
        flags = doc.to_array([SENT_START]).tolist() if len(doc) else []
        starts, current = [], 0
        for i, flag in enumerate(flags):
            if flag == 1:
                current = i
            starts.append(current)
        ends, current = [0] * len(flags), len(flags)
        for i in range(len(flags) - 1, -1, -1):
            ends[i] = current
            if flags[i] == 1:
                current = i
        bounds = found["sentences"] = (starts, ends)
    return bounds


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """``(start, end)`` token indices of the sentence of token ``i``, as ``doc[i].sent`` says."""
    starts, ends = _sentences(doc)
    return starts[i], ends[i]


def evidence(doc: Doc, i: int, j: int | None = None) -> Evidence:
    """The sentence of token ``i`` (of the span ``i:j``, as ``Span.sent`` says) as a relation's evidence:
    its text and character offsets."""
    starts, ends = _sentences(doc)
    start, end = starts[i], ends[(j if j is not None else i + 1) - 1]
    found = memo(doc)
    key = ("evidence", start, end)
    kept = found.get(key)
    if kept is None:
        last = doc[end - 1]
        start_char, end_char = doc[start].idx, last.idx + len(last)
        kept = found[key] = Evidence(text_of(doc)[start_char:end_char], start_char, end_char)
    return kept
