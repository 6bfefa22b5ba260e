"""The ``kg_sentence_cap`` component: no sentence longer than ``max_tokens`` reaches the parser.

A text without sentence punctuation (a page flattened onto one line, a list,
a run of words or of one token) would reach the parser, and the relation
extractor after it, as "sentences" of hundreds or thousands of tokens, and
the relation patterns' time grows much faster than a sentence's length (a
1 MB line of such words: 8 minutes). The component runs before the parser
and, where a run of tokens since the last sentence end (``. ! ?``, a line
break or a preset start) grows longer than ``max_tokens``, starts a
sentence at the best boundary inside it: after ``; :``, else after a comma,
dash or closing quote, else after whitespace, else (one run of characters)
at the last token. The parser keeps preset boundaries, so no parsed
sentence is longer than ``max_tokens``. The text is not changed: every
offset stays what it is in the input.

Ordinary news sentences are far shorter than the default cap (150 tokens;
the longest in the evaluation corpora has 71), so they get no boundary from
here, and their parse and what is extracted from them do not change.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> doc = cap_sentences(nlp("one two three, four five six seven eight nine ten eleven"), max_tokens=6)
>>> [sentence.text for sentence in doc.sents]
['one two three,', 'four five six seven eight nine', 'ten eleven']
>>> [t.i for t in cap_sentences(nlp("Chad and Sudan met. They talked. Qatar urged calm."), max_tokens=6) if t.is_sent_start]
[0]
"""

from __future__ import annotations

from typing import Iterator

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

__all__ = ["cap_sentences", "cuts", "MAX_TOKENS", "SentenceCap"]

MAX_TOKENS = 150
_RANKS = ({".", "!", "?", "…"}, {";", ":"}, {",", "-", "–", "—", ")", '"', "”"})


def _rank(token) -> int:
    """How good a sentence boundary the place after ``token`` is: 0 best, 4 a cut inside a run of characters."""
    if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
        return 0
    for rank, texts in enumerate(_RANKS):
        if token.text in texts:
            return rank
    return 3 if token.whitespace_ or token.is_space else 4


def _short_sentences(doc: Doc, max_tokens: int) -> bool:
    """Whether every run between two places where a piece surely starts (the document's start, a preset
    sentence start, the token after ``. ! ?`` or a line break) is at most ``max_tokens`` long: then
    :func:`cuts` has nothing to cut. Read from the Doc's arrays, without making a Token of each word."""
    if len(doc) <= max_tokens:
        return True
    orth, space, start = doc.to_array([ORTH, IS_SPACE, SENT_START]).T
    ends = numpy.isin(orth, [hash_string(t) for t in _RANKS[0]])
    for i in numpy.flatnonzero(space):
        ends[i] = "\n" in doc[int(i)].text
    starts = numpy.flatnonzero((start == 1) | numpy.concatenate(([True], ends[:-1])))
    return int(numpy.diff(numpy.append(starts, len(doc))).max()) <= max_tokens


def cuts(doc: Doc, max_tokens: int = MAX_TOKENS, *, sentences: bool = False) -> Iterator[int]:
    """Indices of the tokens to start a new piece at, so that no piece of ``doc`` is longer than ``max_tokens``.

    Pieces already start at preset sentence starts (and, with ``sentences``,
    after every ``. ! ?`` or line break, where the parser will find a sentence
    anyway: ordinary text gets no cut); each cut is made at the best boundary
    of the last ``max_tokens`` tokens (see the module's docstring).
    """
    if max_tokens < 2:
        raise ValueError("max_tokens must be at least 2")
    if sentences and _short_sentences(doc, max_tokens):
        return
    start = 0
    last: dict[int, int] = {}  # rank -> the latest token after a boundary of that rank, since ``start``
    for token in doc:
        i = token.i
        if i > start and (token.is_sent_start or (sentences and last.get(0) == i)):
            start, last = i, {}
        elif i - start >= max_tokens:
            cut = next((last[rank] for rank in range(5) if last.get(rank, start) > start + max_tokens // 4), i)
            yield cut
            start = cut
            last = {rank: j for rank, j in last.items() if j > cut}
        if i + 1 < len(doc):
            last[_rank(token)] = i + 1


def cap_sentences(doc: Doc, max_tokens: int = MAX_TOKENS) -> Doc:
    """Preset sentence starts in ``doc`` so that no run between two of them is longer than ``max_tokens``."""
    for cut in cuts(doc, max_tokens, sentences=True):
        doc[cut].is_sent_start = True
    return doc


@Language.factory("kg_sentence_cap", assigns=["token.is_sent_start"], default_config={"max_tokens": MAX_TOKENS})
def make_sentence_cap(nlp: Language, name: str, max_tokens: int) -> "SentenceCap":
    return SentenceCap(max_tokens)


class SentenceCap:
    """The component: :func:`cap_sentences` with its ``max_tokens``."""

    def __init__(self, max_tokens: int = MAX_TOKENS):
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        return cap_sentences(doc, self.max_tokens)
