"""The ``kg_linker`` component: every entity span -> canonical id and type.

Spans from the gazetteer already carry their id. Spans found only by the
statistical ``ner`` are linked here: persons through
:class:`kg.resolve.people.PersonResolver`; other names by a case- and
accent-insensitive lookup in the tables; unknown organisations become
``Other`` and unknown places ``Region`` with slug ids. Continents, ships and
the organs of a state ("the Supreme Defence Council", "the army") are not
actors and get no id.

The result is on the Doc: ``ent.ent_id_`` for every linked span and
``doc._.kg_entities``, a dict ``id -> {"type", "label"}``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.resolve.names import name_key, slugify, strip_article
from kg.resolve.people import PersonResolver, strip_person_name
from kg.resolve.tables import Gazetteer, cached_gazetteer

__all__ = ["Linker"]

_PARTICLES = {"al", "el", "bin", "bint", "ibn", "abu", "von", "van", "der", "den", "de", "da", "dos", "das", "del", "di", "la", "le"}
_TYPES_BY_LABEL = {"ORG": "Other", "GPE": "Region", "LOC": "Region", "PERSON": "Person"}

if not Doc.has_extension("kg_entities"):
    Doc.set_extension("kg_entities", default=None)


@Language.factory(
    "kg_linker",
    assigns=["doc._.kg_entities", "token.ent_id"],
    requires=["doc.ents"],
    default_config={"data_dir": None, "fuzzy_threshold": 90.0},
)
def make_linker(nlp: Language, name: str, data_dir: str | None, fuzzy_threshold: float):
    return Linker(name, data_dir=data_dir, fuzzy_threshold=fuzzy_threshold)


class Linker:
    def __init__(self, name: str = "kg_linker", *, data_dir: str | None = None, fuzzy_threshold: float = 90.0):
        self.name = name
        self.gazetteer: Gazetteer = cached_gazetteer(data_dir)
        self.people = PersonResolver(self.gazetteer, fuzzy_threshold)
        self.by_key = {
            key: ids for key, ids in self.gazetteer.by_key().items() if len(key) > 3 and len(ids) == 1
        }

    def __call__(self, doc: Doc) -> Doc:
        date = doc.user_data.get("date") if doc.user_data else None
        gaz = self.gazetteer
        ents = _extend_names(doc)
        ids: dict[int, str | None] = {}
        # pass 1: gazetteer spans, then multi-word person names, then the rest
        for i, ent in enumerate(ents):
            if ent.ent_id_ and ent.ent_id_ in gaz.entries:
                ids[i] = ent.ent_id_
        doc_people = [v for v in ids.values() if v and gaz.entries[v].type == "Person"]
        order = sorted(
            (i for i in range(len(ents)) if i not in ids),
            key=lambda i: (len(strip_person_name(ents[i].text).split()) < 2, i),
        )
        minted: dict[str, str] = {}
        dateline = (doc.user_data or {}).get("dateline", (0, 0))
        for i in order:
            if ents[i].start_char < dateline[1]:
                continue  # where the report was filed: neither an actor nor a type for one
            ent_id, type_ = self._link(ents[i], doc_people, date)
            ids[i] = ent_id
            if ent_id and type_ == "Person" and ent_id not in doc_people:
                doc_people.append(ent_id)
            if ent_id and ent_id not in gaz.entries:
                minted.setdefault(ent_id, type_)
        found: dict[str, dict] = {}
        new_ents = []
        for i, ent in enumerate(ents):
            ent_id = ids.get(i) if ent.start_char >= dateline[1] else None
            if ent_id:
                info = gaz.entries.get(ent_id)
                type_ = info.type if info else minted[ent_id]
                label = info.label if info else strip_person_name(strip_article(ent.text))
                entry = found.setdefault(ent_id, {"type": type_, "label": label})
                if not info and len(label) > len(entry["label"]):
                    entry["label"] = label
                new_ents.append(Span(doc, ent.start, ent.end, label=ent.label_, span_id=ent_id))
            else:
                new_ents.append(ent)
        doc.ents = new_ents
        doc._.kg_entities = found
        return doc

    def _not_actor(self, ent: Span) -> bool:
        non = self.gazetteer.non_actors
        text = strip_article(ent.text).lower()
        if text in non["place"] or ent.text.lower() in non["place"]:
            return True
        before = ent.doc[ent.start - 1].text if ent.start > 0 else ""
        if before.lower() in non["vessel_prefix"] or ent[0].lower_ in non["vessel_prefix"] or before.lower() in non["vessel_noun"]:
            # "the BRP Sierra Madre", "the aircraft carrier Ronald Reagan": ships
            return True
        return ent.label_ == "ORG" and ent[-1].lower_ in non["organ_head"]

    def _link(self, ent: Span, doc_people: list[str], date: str | None) -> tuple[str | None, str | None]:
        label = ent.label_
        before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        titled = before in self.gazetteer.titles or (ent.root.dep_ == "appos" and ent.root.head.lemma_.lower() in self.gazetteer.titles)
        if label in ("ORG", "GPE", "NORP") and len(ent) >= 2 and titled and all(t.is_title for t in ent):
            # "Government spokeswoman Yolande Makolo", "France's ambassador, Sylvain Itté": a person
            label = "PERSON"
        if label not in _TYPES_BY_LABEL and label != "NORP":
            return None, None
        text = strip_article(ent.text)
        key = name_key(text)
        # a surname the document already introduced, whatever ner called it
        if label in ("PERSON", "GPE", "LOC") and self._not_actor(ent):
            return None, None
        places = self.gazetteer.non_actors["place_noun"]
        if label in ("PERSON", "ORG") and (
            (ent.root.dep_ == "pobj" and ent.root.head.lower_ == "of" and ent.root.head.head.lemma_.lower() in places)
            or any(c.dep_ == "appos" and c.lemma_.lower() in places for c in ent.root.children)
        ):
            # "the Azerbaijani town of Yevlakh", "Lachin, a town in Azerbaijan", "the desert city of Al-Ula":
            # a place taken for a person or an organisation
            label = "GPE"
        if label == "PERSON" or len(key.split()) == 1:
            person = self.people.resolve(text, doc_people, date) if label == "PERSON" else None
            if label != "PERSON" and any(key in p.split("-") for p in doc_people):
                person = self.people.resolve(text, doc_people, date)
            if person:
                return person, "Person"
        if label == "PERSON":
            return None, None
        known = self.by_key.get(key)
        if known:
            (ent_id,) = known
            return ent_id, self.gazetteer.entries[ent_id].type
        after = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
        if label == "NORP" or self._not_actor(ent) or after in self.gazetteer.titles:
            # "India's External Affairs Minister": part of a title
            return None, None
        slug = slugify(text)
        modifier = (len(ent) == 1 and ent[0].tag_ == "JJ") or (ent.root.dep_ in ("compound", "amod") and ent.root.head.tag_ in ("NN", "NNS"))
        if not slug or not any(c.isupper() for c in text) or modifier:
            # "a Kabyle separatist movement": a modifier, not a name of its own
            return None, None
        return slug, _TYPES_BY_LABEL[label]


def _extend_names(doc: Doc) -> list[Span]:
    """Person spans grown over name particles ("Mariam al-Sadiq al-Mahdi", "Ursula von der Leyen")."""
    ents = list(doc.ents)
    grown = []
    for ent in ents:
        end = ent.end
        if ent.label_ == "PERSON" and not ent.ent_id_:
            while end < len(doc):
                token, before = doc[end], doc[end - 1]
                glue = before.text == "-" or before.lower_ in _PARTICLES
                if token.text == "-" and before.lower_ in _PARTICLES:
                    end += 1
                elif token.lower_ in _PARTICLES and end + 1 < len(doc) and (doc[end + 1].is_title or doc[end + 1].text == "-"):
                    end += 1
                elif glue and token.is_title:
                    end += 1
                else:
                    break
        grown.append(Span(doc, ent.start, end, label=ent.label_, span_id=ent.ent_id_) if end != ent.end else ent)
    if grown == ents:
        return ents
    from spacy.util import filter_spans

    kept = filter_spans(grown)
    doc.ents = kept
    return list(doc.ents)
