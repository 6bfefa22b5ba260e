"""The ``kg_gazetteer`` component: table names -> ``doc.ents`` before ``ner``.

Unconditional names (states, capitals, seats, demonyms, organisations,
groups, regions, people) are found by a :class:`~kg.nlp.phrases.PhraseTable`
(a ``PhraseMatcher`` that costs nothing to build) and written by spaCy's
``SpanRuler``; aliases that
hold only in a context (machine-translation short forms such as "Naka" or
"Asia and Afghanistan") are matched too but kept only where their rule's
context holds (:mod:`kg.resolve.context`). A pattern's ``id`` is the
canonical id and travels to ``ent.ent_id_``.

First-level subdivisions (``subdivisions.csv``, thousands of names) are
matched by one case-insensitive ``PhraseTable`` and kept when capitalised:
a name that may stand alone always, an ambiguous one only with its type word
("Delta State", "the province of Van") or listed beside a sibling of the same
state ("Afar and Amhara"); never inside a longer name ("Bank of England").
"""

from __future__ import annotations

from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.cache import built
from kg.nlp import phrases
from kg.nlp.phrases import PhraseTable
from kg.resolve.context import Candidate, resolve_candidates
from kg.resolve.tables import Gazetteer, cached_gazetteer, gazetteer_sources

__all__ = ["GazetteerComponent", "LABELS"]

# spaCy entity labels by entity type and surface kind, so that ``ner`` and
# displaCy treat the gazetteer's spans as their own
LABELS = {"State": "GPE", "Organization": "ORG", "Other": "ORG", "Region": "LOC", "Person": "PERSON"}
# lower-case words inside a subdivision name ("Jammu and Kashmir", "Sar-e Pul", "Bahr el Ghazal")
_NAME_PARTICLES = {"and", "of", "the", "de", "del", "la", "el", "al", "e", "y", "va", "i", "-", "'", "’"}
_LIST_GLUE = {",", "and", "&", "or"}
# type words that English news uses for a first-level subdivision of any kind
_ANY_TYPE = ("province", "region")


def _tokenizer_key(nlp: Language) -> tuple[str, ...]:
    """What decides how the pipeline's tokenizer cuts a name: the model, spaCy, special cases and affix patterns."""
    tokenizer = nlp.tokenizer
    patterns = [getattr(getattr(getattr(tokenizer, attr, None), "__self__", None), "pattern", "")
                for attr in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")]
    return (nlp.lang, nlp.meta.get("name", ""), nlp.meta.get("version", ""), spacy.__version__,
            str(sorted(getattr(tokenizer, "rules", None) or {})), *(str(p) for p in patterns))


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
        # the SpanRuler writes the spans (its overwrite rules); PhraseTables find them (no start-up cost)
        self.ruler = SpanRuler(nlp, name=f"{name}_ruler", spans_key=None, annotate_ents=True, overwrite=overwrite_ents)
        self.names = PhraseTable(nlp)
        self.conditional = PhraseTable(nlp)
        self.rule_texts: dict[str, list] = {}
        for rule in self.gazetteer.rules:
            for text in rule.texts:
                self.rule_texts.setdefault(text, []).append(rule)
        self.subdivision_matcher = PhraseTable(nlp, attr="LOWER")
        self.subdivision_forms: dict[str, set[str]] = {}
        # the tables' names cut into the tokens of this pipeline's tokenizer: kept between processes too
        sources, versions = gazetteer_sources(data_dir)
        tables = built("gazetteer-names", [*sources, Path(__file__), Path(phrases.__file__)], (*versions, *_tokenizer_key(nlp)),
                       self._build_tables)
        for table, state in zip((self.names, self.conditional, self.subdivision_matcher), tables[:3]):
            table.root, table.size = state
        self.subdivision_forms = tables[3]

    def _build_tables(self) -> tuple:
        """The names, conditional and subdivision tables' tries and sizes, and the subdivisions' token forms."""
        self._add_patterns()
        self._add_subdivisions()
        tables = (self.names, self.conditional, self.subdivision_matcher)
        return (*((table.root, table.size) for table in tables), self.subdivision_forms)

    def _add_subdivisions(self) -> None:
        forms: dict[str, set[str]] = {}
        for sub in self.gazetteer.subdivisions.values():
            for name in sub.names:
                forms.setdefault(name.lower(), set()).add(sub.id)
        table = self.subdivision_matcher
        self.subdivision_forms = {" ".join(table.tokens(text)): ids for text, ids in forms.items()}
        for text in forms:
            table.add(text, text)

    def _add_patterns(self) -> None:
        gaz = self.gazetteer
        seen = set()
        for surface in gaz.surfaces:
            key = (surface.text, surface.id)
            if key in seen:
                continue
            seen.add(key)
            label = _label(gaz.entries[surface.id].type, surface.kind)
            self.names.add(surface.text, (label, surface.id))  # strings: Span adds them to the Doc's own vocab
        for text in self.rule_texts:
            self.conditional.add(text, text)

    def __call__(self, doc: Doc) -> Doc:
        gaz = self.gazetteer
        words = self.names.words(doc)
        # as SpanRuler.match: one span per (start, end, label, id), in Span order
        matched = sorted({Span(doc, start, end, label=label, span_id=id_)
                          for start, end, values in self.names(doc, words) for label, id_ in values})
        texts = [s.text for s in matched]  # Span.text joins its tokens on every read
        plain = [s for s, text in zip(matched, texts) if text not in self.rule_texts]
        defaults = {text: s for s, text in zip(matched, texts) if text in self.rule_texts}
        candidates = []
        for start, end, _ in self.conditional(doc, words):
            text = doc[start:end].text
            candidates.append(Candidate(text, start, end, tuple(self.rule_texts[text])))
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
        spans = [s for s in spans if not _inside_longer_name(s)]
        self.ruler.set_annotations(doc, filter_spans(spans + self._subdivision_spans(doc)))
        return doc

    def _subdivision_spans(self, doc: Doc) -> list[Span]:
        """Subdivision mentions (see the module docstring); table names win over them at equal length."""
        gaz = self.gazetteer
        found = []
        for start, end, _ in self.subdivision_matcher(doc):
            span = doc[start:end]
            if any(t.is_alpha and not t.text[:1].isupper() and t.lower_ not in _NAME_PARTICLES for t in span):
                continue  # "the northern region", "delta" in running text
            ids = self.subdivision_forms.get(" ".join(t.lower_ for t in span), ())
            if len(ids) != 1:
                continue
            sub = gaz.subdivisions[next(iter(ids))]
            typed_end = _type_word_end(doc, end, sub.type_words + _ANY_TYPE)
            before = doc[start - 2:start] if start >= 2 else None
            typed_before = before is not None and before[1].lower_ == "of" and before[0].lower_.rstrip("s") in sub.type_words + _ANY_TYPE
            if before is not None and before[1].lower_ == "of" and before[0].is_title and not typed_before:
                continue  # "Bank of England", "University of Texas": part of a longer name
            if not typed_end and end < len(doc) and doc[end].is_title and doc[end].tag_ in ("NNP", "NNPS", "") and not doc[end].is_sent_start:
                continue  # "Texas Instruments": part of a longer name
            found.append([start, typed_end or end, sub, sub.bare or bool(typed_end) or typed_before])
        changed = True
        while changed:  # "Afar and Amhara": an ambiguous name listed with a sibling of the same state
            changed = False
            for item in found:
                if item[3]:
                    continue
                for other in found:
                    if other is item or not other[3] or other[2].state != item[2].state:
                        continue
                    between = doc[other[1]:item[0]] if other[1] <= item[0] else doc[item[1]:other[0]]
                    if 0 < len(between) <= 2 and all(t.lower_ in _LIST_GLUE for t in between):
                        item[3] = changed = True
                        break
        return [Span(doc, start, end, label=LABELS["Region"], span_id=sub.id) for start, end, sub, ok in found if ok]

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"data_dir": self.data_dir})

    def from_disk(self, path, *, exclude=()):
        return self


def _type_word_end(doc: Doc, end: int, type_words: tuple[str, ...]) -> int:
    """End of "X province" / "X autonomous region" after a name ending at ``end`` (0 if none)."""
    for words in sorted(type_words, key=lambda w: -len(w.split())):
        parts = words.split()
        if end + len(parts) <= len(doc) and [t.lower_ for t in doc[end:end + len(parts)]] == parts:
            return end + len(parts)
    return 0


def _inside_longer_name(span: Span) -> bool:
    """'Security Council' in "Iran's Supreme National Security Council" is part of another name."""
    if span.label_ != "ORG" or span.start == 0:
        return False
    before = span.doc[span.start - 1]
    return before.tag_ == "NNP" and before.is_title and not before.is_sent_start and before.ent_type_ == ""
