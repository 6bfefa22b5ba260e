"""The ``kg_gazetteer`` component: table names -> ``doc.ents`` before ``ner``.

Unconditional names (states, capitals, seats, demonyms, organisations,
groups, regions, people) are matched by spaCy's ``SpanRuler``; aliases that
hold only in a context (machine-translation short forms such as "Naka" or
"Asia and Afghanistan") are matched too but kept only where their rule's
context holds (:mod:`kg.resolve.context`). A pattern's ``id`` is the
canonical id and travels to ``ent.ent_id_``.
"""

from __future__ import annotations

from pathlib import Path

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.resolve.context import Candidate, resolve_candidates
from kg.resolve.tables import Gazetteer, cached_gazetteer

__all__ = ["GazetteerComponent", "LABELS"]

# spaCy entity labels by entity type and surface kind, so that ``ner`` and
# displaCy treat the gazetteer's spans as their own
LABELS = {"State": "GPE", "Organization": "ORG", "Other": "ORG", "Region": "LOC", "Person": "PERSON"}


def _label(type_: str, kind: str) -> str:
    return "NORP" if kind == "demonym" else LABELS[type_]


@Language.factory(
    "kg_gazetteer",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"data_dir": None, "overwrite_ents": True},
)
def make_gazetteer(nlp: Language, name: str, data_dir: str | None, overwrite_ents: bool):
    return GazetteerComponent(nlp, name, data_dir=data_dir, overwrite_ents=overwrite_ents)


class GazetteerComponent:
    """Sets ``doc.ents`` from the tables of ``kg/data``; ``ner`` fills the rest."""

    def __init__(self, nlp: Language, name: str = "kg_gazetteer", *, data_dir: str | None = None, overwrite_ents: bool = True):
        self.name = name
        self.data_dir = data_dir
        self.gazetteer: Gazetteer = cached_gazetteer(data_dir)
        self.ruler = SpanRuler(nlp, name=f"{name}_ruler", spans_key=None, annotate_ents=True, overwrite=overwrite_ents)
        self.conditional = PhraseMatcher(nlp.vocab)
        self.rule_texts: dict[str, list] = {}
        self._add_patterns(nlp)

    def _add_patterns(self, nlp: Language) -> None:
        gaz = self.gazetteer
        for rule in gaz.rules:
            for text in rule.texts:
                self.rule_texts.setdefault(text, []).append(rule)
        patterns, seen = [], set()
        for surface in gaz.surfaces:
            key = (surface.text, surface.id)
            if key in seen:
                continue
            seen.add(key)
            label = _label(gaz.entries[surface.id].type, surface.kind)
            patterns.append({"label": label, "pattern": surface.text, "id": surface.id})
        self.ruler.add_patterns(patterns)
        for text in self.rule_texts:
            self.conditional.add(text, [nlp.make_doc(text)])

    def __call__(self, doc: Doc) -> Doc:
        gaz = self.gazetteer
        plain = [s for s in self.ruler.match(doc) if s.text not in self.rule_texts]
        defaults = {s.text: s for s in self.ruler.match(doc) if s.text in self.rule_texts}
        candidates = [
            Candidate(doc[start:end].text, start, end, tuple(self.rule_texts[doc[start:end].text]))
            for _, start, end in self.conditional(doc)
        ]
        resolved = resolve_candidates(candidates, plain, gaz, doc)
        spans = list(plain)
        for candidate in candidates:
            target = resolved.get((candidate.start, candidate.end))
            if target:
                label = _label(gaz.entries[target].type, "name")
                spans.append(Span(doc, candidate.start, candidate.end, label=label, span_id=target))
            elif candidate.text in defaults:
                default = defaults[candidate.text]
                spans.append(Span(doc, candidate.start, candidate.end, label=default.label_, span_id=default.id_))
        self.ruler.set_annotations(doc, filter_spans([s for s in spans if not _inside_longer_name(s)]))
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"data_dir": self.data_dir})

    def from_disk(self, path, *, exclude=()):
        return self


def _inside_longer_name(span: Span) -> bool:
    """'Security Council' in "Iran's Supreme National Security Council" is part of another name."""
    if span.label_ != "ORG" or span.start == 0:
        return False
    before = span.doc[span.start - 1]
    return before.tag_ == "NNP" and before.is_title and not before.is_sent_start and before.ent_type_ == ""
