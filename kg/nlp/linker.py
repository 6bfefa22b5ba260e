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

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.cache import built
from kg.resolve import people as people_module
from kg.resolve.names import name_key, slugify, strip_article
from kg.resolve.people import _HONORIFICS, PersonResolver, person_tables, strip_person_name
from kg.resolve.tables import Gazetteer, cached_gazetteer, gazetteer_sources

__all__ = ["Linker"]

_PARTICLES = {"al", "el", "bin", "bint", "ibn", "abu", "von", "van", "der", "den", "de", "da", "dos", "das", "del", "di", "la", "le"}
_TYPES_BY_LABEL = {"ORG": "Other", "GPE": "Region", "LOC": "Region", "PERSON": "Person"}
_LOCATIVE = {"in", "at", "near", "outside", "inside", "around"}
# words that never begin or end a name ("Council of the ...", "of the Embassy")
_FUNCTION_WORDS = {"of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "by", "with", "from", "s", "or"}
_STOP_STEMS = {"of", "the", "and", "for", "in", "on", "at", "to"}


def _content_stems(text: str) -> frozenset[str]:
    """First five letters of each content word: the same name in another word order or form
    ("Organisation"/"Organization", "Civilian"/"Civil")."""
    return frozenset(w[:5] for w in name_key(text).split() if w not in _STOP_STEMS)

if not Doc.has_extension("kg_entities"):
    Doc.set_extension("kg_entities", default=None)


@Language.factory(
    "kg_linker",
    assigns=["doc._.kg_entities", "token.ent_id"],
    requires=["doc.ents"],
    default_config={"data_dir": None, "fuzzy_threshold": 90.0},
)
def make_linker(nlp: Language, name: str, data_dir: str | None, fuzzy_threshold: float):
    return Linker(name, data_dir=data_dir, fuzzy_threshold=fuzzy_threshold, common_words=_common_words(nlp),
                  common_nouns=_common_words(nlp, ("noun",)))


def _common_words(nlp: Language, parts=("adj", "verb", "adv")) -> frozenset[str]:
    """English adjectives, verbs and adverbs of the model's lemmatizer index (WordNet's), if it has one.

    Nouns are left out: WordNet's noun index holds proper names ("Amhara", "Odesa").
    """
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in parts for w in (index.get(pos) or ()) if w.isalpha())


def _key_tables(gazetteer: Gazetteer) -> tuple:
    """What the :class:`Linker` looks names up in: the people's tables (:func:`person_tables`), ids by name
    key, the unambiguous keys, organisations by content words and subdivisions that may stand alone."""
    people = person_tables(gazetteer)
    all_keys = gazetteer.by_key()
    by_key = {key: ids for key, ids in all_keys.items() if len(key) > 3 and len(ids) == 1}
    # organisations by the set of their content words: "International Organization for Civil Aviation"
    # is the "International Civil Aviation Organization"
    stems: dict[frozenset, set[str]] = {}
    for surface in gazetteer.surfaces:
        if surface.kind == "name" and gazetteer.entries[surface.id].type in ("Organization", "Other"):
            key = _content_stems(surface.text)
            if len(key) >= 3:
                stems.setdefault(key, set()).add(surface.id)
    org_stems = {key: next(iter(ids)) for key, ids in stems.items() if len(ids) == 1}
    # subdivisions that ner found on its own, whatever ner called them: names that may stand alone
    subdivision_keys: dict[str, str] = {}
    for sub in gazetteer.subdivisions.values():
        for name in sub.names if sub.bare else ():
            key = name_key(name)
            if key not in by_key and key not in people[0]:
                subdivision_keys.setdefault(key, sub.id)
    return people, all_keys, by_key, org_stems, subdivision_keys


class Linker:
    def __init__(self, name: str = "kg_linker", *, data_dir: str | None = None, fuzzy_threshold: float = 90.0,
                 common_words: frozenset[str] = frozenset(), common_nouns: frozenset[str] = frozenset()):
        self.name = name
        self.common_words = common_words
        self.common_nouns = common_nouns
        self.gazetteer: Gazetteer = cached_gazetteer(data_dir)
        # the tables' names by key, read from the cache where an earlier process built them (0.1 s to build)
        sources, versions = gazetteer_sources(data_dir)
        people, self.all_keys, self.by_key, self.org_stems, self.subdivision_keys = built(
            "linker-keys", [*sources, Path(__file__), Path(people_module.__file__)], versions, lambda: _key_tables(self.gazetteer))
        self.people = PersonResolver(self.gazetteer, fuzzy_threshold, people)

    def __call__(self, doc: Doc) -> Doc:
        date = doc.user_data.get("date") if doc.user_data else None
        gaz = self.gazetteer
        ents = _extend_names(doc)
        ents, trimmed = _repair_cut_names(doc, ents)
        ids: dict[int, str | None] = {}
        # pass 1: gazetteer spans, then multi-word person names, then the rest
        ents = self._other_given_names(doc, ents)
        for i, ent in enumerate(ents):
            if ent.ent_id_ and ent.ent_id_ in gaz.entries:
                ids[i] = None if self._seat_as_place(ent) else ent.ent_id_
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
            if ent_id and ent_id not in gaz.entries and (ents[i].start, ents[i].end) in trimmed and self._common_noun(ents[i]):
                ent_id = None  # "the Embassy of ...": ner cut a phrase, and what is left is a common noun
            ids[i] = ent_id
            if ent_id and type_ == "Person" and ent_id not in doc_people:
                doc_people.append(ent_id)
            if ent_id and ent_id not in gaz.entries:
                minted.setdefault(ent_id, type_)
        self._surnames_of_minted(ents, ids, minted)
        found: dict[str, dict] = {}
        new_ents, cleared = [], []
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
            elif i in ids and ent.ent_id_ and ent.start_char >= dateline[1]:
                new_ents.append(Span(doc, ent.start, ent.end, label=ent.label_))  # a table name that is not an actor here
                cleared.append(new_ents[-1])
            else:
                new_ents.append(ent)
        doc.ents = new_ents
        for span in cleared:
            for token in span:
                token.ent_id_ = ""  # setting doc.ents keeps an earlier id otherwise
        doc._.kg_entities = found
        return doc

    def _surnames_of_minted(self, ents: list[Span], ids: dict, minted: dict[str, str]) -> None:
        """A table surname ("Castro") after a new person of that surname ("Xiomara Castro") is that person,
        unless the table person is named in full too."""
        gaz = self.gazetteer
        people = [p for p, t in minted.items() if t == "Person"]
        if not people:
            return
        full = {ids.get(i) for i, ent in enumerate(ents) if len(strip_person_name(ent.text).split()) > 1}
        for i, ent in enumerate(ents):
            current = ids.get(i)
            info = gaz.entries.get(current) if current else None
            if info is None or info.type != "Person" or current in full or len(strip_person_name(ent.text).split()) != 1:
                continue
            key = name_key(strip_person_name(ent.text))
            same = [p for p in people if p.split("-")[-1] == key]
            if len(same) == 1:
                ids[i] = same[0]

    def _other_given_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """"Xiomara Castro" is not Raúl Castro: a table surname after another given name is another person.

        The surname span the gazetteer found is grown over the capitalised word before it (not a title,
        honorific or other entity), and the whole name is linked afresh.
        """
        gaz = self.gazetteer
        out, changed = [], False
        for ent in ents:
            info = gaz.entries.get(ent.ent_id_) if ent.ent_id_ else None
            before = doc[ent.start - 1] if ent.start > 0 else None
            if (
                info is not None and info.type == "Person" and len(ent) == 1 and before is not None
                and before.is_title and before.tag_ == "NNP" and not before.ent_type_
                and before.lower_ not in gaz.titles and before.lower_.rstrip(".") not in _HONORIFICS
                and before.lower_ not in self.common_words
                and name_key(f"{before.text} {ent.text}") not in self.people.by_key
            ):
                out.append(Span(doc, ent.start - 1, ent.end, label="PERSON"))
                changed = True
            else:
                out.append(ent)
        if changed:
            doc.ents = out
            for span in out:
                if not span.id_:
                    for token in span:
                        token.ent_id_ = ""  # setting doc.ents keeps the surname's table id otherwise
            return list(doc.ents)
        return ents

    def _state_organ(self, key: str) -> str | None:
        """The state of a name that is a state's name or demonym followed by organ words only
        ("rwanda defence forces", "israel defense forces", "ukrainian armed forces")."""
        words = key.split()
        organs = self.gazetteer.non_actors["organ_head"] | self.gazetteer.non_actors["organ_word"]
        for cut in (1, 2, 3):
            head, rest = " ".join(words[:cut]), words[cut:]
            ids = self.all_keys.get(head, set())
            states = {i for i in ids if self.gazetteer.entries[i].type == "State"}
            if len(states) == 1 and rest and all(w in organs for w in rest) and rest[-1] in self.gazetteer.non_actors["organ_head"]:
                return next(iter(states))
        return None

    def _common_noun(self, ent: Span) -> bool:
        words = name_key(ent.text).split()
        return len(words) == 1 and (words[0] in self.common_words or words[0] in self.common_nouns)

    def _seat_as_place(self, ent: Span) -> bool:
        """'at the court in The Hague': the seat of international courts after a preposition is a place."""
        text = strip_article(ent.text).lower()
        if text not in self.gazetteer.non_actors["court_seat"]:
            return False
        i = ent.start - 1
        while i >= 0 and ent.doc[i].lower_ == "the":
            i -= 1
        return i >= 0 and ent.doc[i].lower_ in _LOCATIVE

    def _not_actor(self, ent: Span) -> bool:
        non = self.gazetteer.non_actors
        text = strip_article(ent.text).lower()
        if text in non["place"] or ent.text.lower() in non["place"] or text in non["platform"]:
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
        if label in ("ORG", "GPE", "LOC") and (known_org := self.org_stems.get(_content_stems(text))):
            return known_org, self.gazetteer.entries[known_org].type
        subdivision = self.subdivision_keys.get(key)
        if subdivision and not any(key in p.split("-") for p in doc_people):
            # "Amhara" typed PERSON by ner: a province of a state
            return subdivision, "Region"
        if label == "PERSON" or len(key.split()) == 1:
            person = self.people.resolve(text, doc_people, date) if label == "PERSON" else None
            if label != "PERSON" and any(key in p.split("-") for p in doc_people):
                person = self.people.resolve(text, doc_people, date)
            if person and (person in self.gazetteer.entries or person in doc_people):
                return person, "Person"
            if person and label == "PERSON":
                # a new person's slug: not for a common word, a place after "in"/"at", or "the X"
                before_word = ent.doc[ent.start - 1] if ent.start > 0 else None
                if len(key.split()) == 1 and key in self.common_words:
                    return None, None  # "Rapid" for a mistranslated name, "Download"
                if before_word is not None and before_word.lower_ == "the":
                    return None, None  # "the Moskva": a ship or a thing, not a person
                if ent.root.dep_ == "pobj" and ent.root.head.lower_ in _LOCATIVE and ent.root.head.i == ent.start - 1:
                    return slugify(text) or None, "Region"  # "units at Muxungue": a place
                return person, "Person"
            if person:
                return person, "Person"
        if label == "PERSON":
            return None, None
        known = self.by_key.get(key)
        if known:
            (ent_id,) = known
            return ent_id, self.gazetteer.entries[ent_id].type
        state = self._state_organ(key) if label == "ORG" else None
        if label == "ORG" and state is None and ent.start >= 2 and ent.doc[ent.start - 1].text == "(":
            # "Rwanda Defence Forces (RDF)": an acronym in brackets is the name before it
            words = []
            for token in reversed(ent.doc[: ent.start - 1]):
                if not token.is_title and not token.is_upper:
                    break
                words.insert(0, token.text)
            state = self._state_organ(name_key(" ".join(words))) if words else None
        if state:
            return state, "State"  # "the Rwanda Defence Forces", "Pakistan Armed Forces": the state acting
        after = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
        if label == "NORP" or self._not_actor(ent) or after in self.gazetteer.titles:
            # "India's External Affairs Minister": part of a title
            return None, None
        slug = slugify(text)
        if len(key.split()) == 1 and key in self.common_words:
            return None, None  # "Rapid" for a mistranslated name: a common English word mints no id
        if slug and (slug.split("-")[-1] in _FUNCTION_WORDS or slug.split("-")[0] in _FUNCTION_WORDS - {"the"}):
            return None, None  # "Council of the", "Embassy of": a name cut by ner (see _repair_spans)
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


def _repair_cut_names(doc: Doc, ents: list[Span]) -> tuple[list[Span], set[tuple[int, int]]]:
    """Names that ner cut after a function word ("the Collective Security Council of the"): grown over
    the capitalised words that follow, else trimmed; a leading function word is dropped.

    Returns the entities and the (start, end) of those trimmed (nothing followed to grow over).
    """
    taken = {t.i for e in ents for t in e}
    fixed, trimmed, changed = [], set(), False
    for ent in ents:
        start, end = ent.start, ent.end
        if ent.ent_id_ or ent.label_ not in ("ORG", "GPE", "LOC", "PERSON", "FAC", "NORP"):
            fixed.append(ent)
            continue
        while start < end and doc[start].lower_ in _FUNCTION_WORDS - {"the"}:
            start += 1
        if start < end and doc[end - 1].lower_ in _FUNCTION_WORDS:
            grow = end
            while grow < len(doc) and grow not in taken and not doc[grow].is_sent_start and (
                doc[grow].is_title or doc[grow].is_upper or doc[grow].lower_ in _FUNCTION_WORDS
            ):
                grow += 1
            while grow > end and doc[grow - 1].lower_ in _FUNCTION_WORDS:
                grow -= 1
            if grow > end:
                end = grow
            else:
                while end > start and doc[end - 1].lower_ in _FUNCTION_WORDS:
                    end -= 1
                trimmed.add((start, end))
        if (start, end) == (ent.start, ent.end):
            fixed.append(ent)
        elif end > start and not (start == ent.start + 1 and doc[ent.start].lower_ == "the" and end == ent.end):
            fixed.append(Span(doc, start, end, label=ent.label_))
            changed = True
        else:
            changed = True
    if not changed:
        return ents, trimmed
    from spacy.util import filter_spans

    doc.ents = filter_spans(fixed)
    return list(doc.ents), trimmed
