"""The spaCy pipeline of ir-kg and the records it produces.

``build_nlp`` loads a spaCy English pipeline and adds the registered
components: ``kg_gazetteer`` before ``ner``, then ``kg_linker`` and
``kg_relations`` after it. :class:`Pipeline` turns Documents into
:class:`kg.records.Extraction` records.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.records import Document, Entity, Extraction, Mention, Relation
from kg.settings import Settings

__all__ = ["build_nlp", "Pipeline", "load_pipeline", "doc_to_extraction"]

log = logging.getLogger(__name__)


def build_nlp(model: str | None = None, *, data_dir: str | None = None, relations: bool = True) -> Language:
    """Load spaCy ``model`` and add the ir-kg components.

    ``model`` is any installed English pipeline with a parser and ``ner``
    (default: the ``Settings().model``).
    """
    # importing registers the factories
    from kg.nlp import dateline, gazetteer, linker  # noqa: F401

    name = model or Settings().model
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install it (see README) or choose another with --model/KG_MODEL"
        ) from error
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {name!r} needs a parser and ner")
    nlp.add_pipe("kg_dateline", before="parser" if "parser" in nlp.pipe_names else "ner")
    nlp.add_pipe("kg_gazetteer", before="ner", config={"data_dir": data_dir})
    nlp.add_pipe("kg_linker", after="ner", config={"data_dir": data_dir})
    if relations:
        try:
            from kg.nlp import relations as _relations  # noqa: F401
        except ImportError:  # pragma: no cover - relation stage not installed
            log.debug("no relation component")
        else:
            nlp.add_pipe("kg_relations", last=True, config={"data_dir": data_dir})
    return nlp


def doc_to_extraction(doc: Doc, document: Document) -> Extraction:
    """Entity (and relation) records of a processed Doc."""
    mentions: dict[str, list[Mention]] = {}
    for ent in doc.ents:
        if ent.ent_id_ and ent.ent_id_ in (doc._.kg_entities or {}):
            mentions.setdefault(ent.ent_id_, []).append(Mention(ent.text, ent.start_char, ent.end_char))
    entities = tuple(
        Entity(document.id, ent_id, info["type"], info["label"], tuple(mentions.get(ent_id, ())))
        for ent_id, info in sorted((doc._.kg_entities or {}).items())
    )
    raw = (doc._.get("kg_relations") or ()) if Doc.has_extension("kg_relations") else ()
    relations = tuple(Relation.from_dict({**r, "doc": document.id}) for r in raw)
    return Extraction(document, entities, relations)


class Pipeline:
    """A built ``nlp`` and the settings it was built with."""

    def __init__(self, settings: Settings | None = None, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp or build_nlp(self.settings.model)

    def _doc(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(document.text)
        doc.user_data["date"] = document.date
        doc.user_data["doc_id"] = document.id
        return doc

    def extract(self, document: Document) -> Extraction:
        return doc_to_extraction(self.nlp(self._doc(document)), document)

    def extract_many(self, documents: Iterable[Document], *, batch_size: int | None = None, n_process: int | None = None) -> Iterator[Extraction]:
        """Extractions in input order, through ``nlp.pipe``."""
        pairs = ((self._doc(d), d) for d in documents)
        for doc, document in self.nlp.pipe(
            pairs,
            as_tuples=True,
            batch_size=batch_size or self.settings.batch_size,
            n_process=n_process or self.settings.processes,
        ):
            yield doc_to_extraction(doc, document)


@lru_cache(maxsize=2)
def load_pipeline(settings: Settings) -> Pipeline:
    """A :class:`Pipeline` built once per settings (for :func:`kg.extract`)."""
    return Pipeline(settings)
