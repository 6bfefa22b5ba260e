"""The ``kg_relations`` component: linked entities -> ``doc._.kg_relations``.

A thin spaCy wrapper around :class:`kg.relations.extract.RelationExtractor`;
relations live on the Doc as :class:`kg.records.Relation` records (ids and
character offsets, no Token objects).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.relations.extract import RelationExtractor
from kg.relations.lexicon import cached_lexicon
from kg.resolve.tables import cached_gazetteer
from kg.vocab import load_vocabulary

__all__ = ["RelationComponent"]

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)


@Language.factory(
    "kg_relations",
    assigns=["doc._.kg_relations"],
    requires=["doc.ents", "token.dep", "token.lemma"],
    default_config={"data_dir": None},
)
def make_relations(nlp: Language, name: str, data_dir: str | None):
    return RelationComponent(nlp, name, data_dir=data_dir)


class RelationComponent:
    def __init__(self, nlp: Language, name: str = "kg_relations", *, data_dir: str | None = None):
        self.name = name
        self.extractor = RelationExtractor(cached_gazetteer(data_dir), cached_lexicon(data_dir), load_vocabulary())

    def __call__(self, doc: Doc) -> Doc:
        relations = self.extractor(doc)
        entities = doc._.kg_entities if doc._.kg_entities is not None else {}
        entries = self.extractor.gaz.entries
        kept = []
        for relation in relations:
            # an actor known only from the tables ("President Putin" -> RUS) becomes an entity without mentions
            for actor in (relation.subject, relation.object, relation.attributed_to, *relation.denied_by):
                if actor and actor not in entities and actor in entries:
                    entities[actor] = {"type": entries[actor].type, "label": entries[actor].label}
            if relation.subject in entities and relation.object in entities:
                kept.append(relation)
        doc._.kg_entities = entities
        # a stable order, whatever the process's string hashing (PYTHONHASHSEED)
        # plain dicts (serialisable, so nlp.pipe(n_process=N) works), in a stable order whatever the hash seed
        kept.sort(key=lambda r: (r.key(), r.evidence.start if r.evidence else -1))
        doc._.kg_relations = [r.to_dict() for r in kept]
        return doc
