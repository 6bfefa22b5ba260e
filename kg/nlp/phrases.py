"""``PhraseTable``: thousands of table names found in a Doc, with no start-up cost.

spaCy's ``PhraseMatcher`` takes its patterns as Docs, and making a Doc makes
a lexeme for each new word (its shape, flags, norm): for the gazetteer's
9,000 names that was 0.4 s of every process's start, longer than loading
the model. A ``PhraseTable`` keeps the names as token strings in a trie
instead, and matches a Doc on one token attribute (``ORTH`` or ``LOWER``) as
the ``PhraseMatcher`` does: every occurrence of every name, nested and
overlapping ones included, in order of start and then of length.

A name is cut into tokens as the pipeline's tokenizer cuts it. Most names
are letters and single spaces ("Bosnia and Herzegovina"): the tokenizer
never splits a run of letters that is not one of its special cases, so
those are split on the spaces; the others ("U.S.", "Côte d'Ivoire",
"Guinea-Bissau") go through the tokenizer.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> table = PhraseTable(nlp)
>>> table.add("Bosnia and Herzegovina", "BIH"); table.add("Bosnia", "BOSNIA"); table.add("U.S.", "USA")
>>> doc = nlp("The U.S. and Bosnia and Herzegovina met.")
>>> [(doc[s:e].text, values) for s, e, values in table(doc)]
[('U.S.', ['USA']), ('Bosnia', ['BOSNIA']), ('Bosnia and Herzegovina', ['BIH'])]
"""

from __future__ import annotations

from typing import Any, Iterator

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["PhraseTable"]

_END = -1  # the key under which a trie node keeps the values of the names that end there (no token hash is negative)


class PhraseTable:
    """Names (token sequences) with values, matched on ``ORTH`` or ``LOWER`` (see the module)."""

    def __init__(self, nlp: Language, attr: str = "ORTH"):
        if attr not in ("ORTH", "LOWER"):
            raise ValueError(f"PhraseTable matches on ORTH or LOWER, not {attr!r}")
        self.tokenizer = nlp.tokenizer
        self.special = getattr(nlp.tokenizer, "rules", None) or {}
        self.lower = attr == "LOWER"
        self.attr = LOWER if attr == "LOWER" else ORTH
        self.root: dict[int, Any] = {}
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def tokens(self, text: str) -> list[str]:
        """``text`` cut into tokens as the pipeline's tokenizer cuts it (lower-cased when matching ``LOWER``)."""
        parts = text.split(" ")
        if not all(part.isalpha() and part not in self.special for part in parts):
            parts = [token.text for token in self.tokenizer(text)]
        return [part.lower() for part in parts] if self.lower else parts

    def add(self, text: str, value: Any) -> None:
        node = self.root
        for token in self.tokens(text):
            node = node.setdefault(get_string_id(token), {})
        node.setdefault(_END, []).append(value)
        self.size += 1

    def words(self, doc: Doc) -> list[int]:
        """The hashes of ``doc``'s tokens' ``ORTH`` or ``LOWER`` (what the table matches on)."""
        return doc.to_array(self.attr).tolist()

    def __call__(self, doc: Doc, words: list[int] | None = None) -> Iterator[tuple[int, int, list]]:
        """``(start, end, values)`` of every name in ``doc`` (``words``: :meth:`words` of it, if already made)."""
        words = words if words is not None else self.words(doc)
        root, count = self.root, len(words)
        for start in range(count):
            node = root.get(words[start])
            end = start + 1
            while node is not None:
                if _END in node:
                    yield start, end, node[_END]
                if end == count:
                    break
                node = node.get(words[end])
                end += 1
